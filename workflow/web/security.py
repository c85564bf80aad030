"""Response headers that every page carries, and the guard for `next` redirects."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request

# No inline scripts or styles anywhere: the pages work without JavaScript.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None.

    Only relative paths pass: "/applicant/" yes; "//evil.example", "/\\evil.example",
    "https://evil.example", "javascript:..." and anything with control characters no.
    """
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def init_app(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("HTTPS"):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        # Pages may show sealed or personal content: keep them out of shared caches.
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
