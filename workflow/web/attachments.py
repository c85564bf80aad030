"""Attachments on the web: downloading a submission's file, and what the upload views share.

    GET /submissions/<id>/attachments/<attachment_id>   the file, for whoever may read the
                                                        submission's content (404 for those who
                                                        may not know it exists; 403, or 409
                                                        for a sealed tender, for the others)

Adding and removing files is part of the applicant's edit form (applicant.py). Views that
take a file are marked `@accepts_upload`: only they accept a request body larger than the
application's MAX_CONTENT_LENGTH (1 MiB), up to one file's limit plus a margin; the limit is
set before CSRF reads the form, so a larger request is 413 without being read.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Flask, Response, current_app, request, send_file

from models import Attachment

from ..app import db
from ..attachments import FileStore, attachment_bytes, file_type_label, readable_attachment
from ..config import MAX_ATTACHMENT_BYTES, UPLOAD_REQUEST_MARGIN
from .helpers import load_submission_or_404, signed_in
from .identity import actor

bp = Blueprint("attachments", __name__)
F = TypeVar("F", bound=Callable[..., Any])

# A file is never shown in our origin: downloaded only, not sniffed, and sandboxed should a
# browser render it anyway.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
}


def accepts_upload(view: F) -> F:
    """Marks a view that takes a file (see the module docstring)."""
    view.accepts_upload = True  # type: ignore[attr-defined]
    return view


def init_app(app: Flask) -> None:
    """Call before CSRF is set up: its check reads the form, which applies the limit."""
    app.add_template_global(file_type_label)

    @app.before_request
    def _upload_limit() -> None:
        view = app.view_functions.get(request.endpoint or "")
        if view is not None and getattr(view, "accepts_upload", False):
            request.max_content_length = MAX_ATTACHMENT_BYTES + UPLOAD_REQUEST_MARGIN


def upload_store() -> FileStore:
    """The files of this application's instance folder."""
    return FileStore.of_instance(current_app.instance_path)


def download_response(attachment: Attachment) -> Response:
    """The file's verified bytes as a download under its own name (RFC 5987 via Werkzeug)."""
    data = attachment_bytes(attachment, upload_store())
    response = send_file(io.BytesIO(data), mimetype=attachment.media_type, as_attachment=True,
                         download_name=attachment.filename, etag=False, conditional=False,
                         max_age=None)
    response.headers.update(DOWNLOAD_HEADERS)
    return response


@bp.get("/submissions/<int:submission_id>/attachments/<int:attachment_id>")
@signed_in
def download(submission_id: int, attachment_id: int) -> Response:
    user = actor()
    submission = load_submission_or_404(submission_id, user)
    return download_response(readable_attachment(db(), user, submission, attachment_id))
