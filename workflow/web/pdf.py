"""Pages as PDF downloads (WeasyPrint), without the network: the page's stylesheets are read
from the app's own static folder, every other URL (another host, file:, data:, a path outside
the static folder) is refused. WeasyPrint is imported on the first PDF, not at start-up.

    html = render_template("evaluation/document_pdf.html", ...)
    return pdf_response(render_pdf(html), "hankintapaatos-3-17.pdf")
"""
from __future__ import annotations

import mimetypes
import os
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Response, current_app, make_response, request
from werkzeug.security import safe_join


def static_path(url: str, site: str, static_url_path: str, folder: str) -> str | None:
    """The file of `folder` that `url` names, if it is `site`'s static URL of an existing
    file (e.g. "http://localhost/static/app.css"); None for anything else."""
    parts = urlsplit(url)
    root = urlsplit(site)
    prefix = static_url_path.rstrip("/") + "/"
    if (parts.scheme, parts.netloc) != (root.scheme, root.netloc) or parts.query:
        return None
    if not parts.path.startswith(prefix):
        return None
    path = safe_join(folder, unquote(parts.path[len(prefix):]))
    return path if path is not None and os.path.isfile(path) else None


def static_only_fetcher(site: str) -> Any:
    """A WeasyPrint URL fetcher that serves the app's static files from disk and refuses
    every other URL (WeasyPrint logs the refusal and renders without that resource)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static_url_path = current_app.static_url_path
    folder = current_app.static_folder

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = static_path(url, site, static_url_path, folder)
            if path is None:
                raise ValueError(f"not a static file of the app: {url[:200]}")
            mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
            with open(path, "rb") as file:
                body = file.read()
            return URLFetcherResponse(url, body, {"Content-Type": mimetype})

    return StaticOnlyFetcher(allowed_protocols=("http", "https"))


def render_pdf(html: str) -> bytes:
    """The HTML page (of the current request) as a tagged PDF; its relative URLs resolve
    against this site and only its static files are read."""
    from weasyprint import HTML  # lazily: loading WeasyPrint and Pango takes a moment

    site = request.host_url
    return HTML(string=html, base_url=site, url_fetcher=static_only_fetcher(site)).write_pdf(
        pdf_tags=True)


def pdf_response(body: bytes, filename: str) -> Response:
    """A PDF download: never kept in a shared cache (the documents are personal)."""
    response = make_response(body)
    response.mimetype = "application/pdf"
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response
