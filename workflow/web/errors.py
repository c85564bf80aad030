"""Error pages: every refusal gets its status code and a clear message in the user's language,
never a stack trace. Requests under /api/ get the JSON error shape of CONTRACT.md instead."""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..app import db
from ..config import MAX_ATTACHMENT_BYTES, MEGABYTE
from ..errors import WorkflowError
from .locale import current_locale

log = logging.getLogger(__name__)


def _messages() -> dict[int, tuple[str, str]]:
    """status → (title, explanation), translated for this request."""
    return {
        400: (_("Bad request"), _("The request could not be understood. Check what you sent and try again.")),
        401: (_("Sign in required"), _("Sign in to continue.")),
        403: (_("Not allowed"), _("You do not have permission to see this page or do this.")),
        404: (_("Page not found"), _("There is no such page, or you do not have access to it.")),
        405: (_("Not possible"), _("This address does not accept that kind of request.")),
        409: (_("Not possible now"), _("This cannot be done in the current state.")),
        413: (_("Too large"),
              _("What you sent is too large. A file may be at most %(megabytes)s MB.",
                megabytes=MAX_ATTACHMENT_BYTES // MEGABYTE)),
        422: (_("Check the information"), _("Some of the information is missing or invalid.")),
        429: (_("Too many attempts"), _("Too many attempts. Wait a moment and try again.")),
        500: (_("Something went wrong"), _("Something went wrong on our side. Try again later.")),
    }


CODES = {400: "bad_request", 401: "unauthorized", 403: "not_allowed", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid_input",
         429: "too_many_requests", 500: "internal_error"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None, *, code: str | None = None,
                   title: str | None = None) -> tuple[Response | str, int]:
    messages = _messages()
    default_title, default_message = messages.get(status, messages[400 if status < 500 else 500])
    if wants_json():
        return jsonify(error={"code": code or CODES.get(status, "error"),
                              "message": message or default_message, "details": {}}), status
    return render_template("errors/error.html", status=status, title=title or default_title,
                           message=message or default_message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError):
        return error_response(400, _("The form had expired or did not come from this site. "
                                     "Go back, reload the page and try again."),
                              code="csrf_failed", title=_("The form could not be sent"))

    @app.errorhandler(WorkflowError)
    def _workflow(err: WorkflowError):
        db().rollback()
        return error_response(err.http_status, err.message(current_locale()), code=err.code)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        if err.code is None or err.code < 400 or isinstance(err, InternalServerError):
            return err
        return error_response(err.code)

    @app.errorhandler(InternalServerError)
    def _internal(err: InternalServerError):
        original = getattr(err, "original_exception", None)
        if original is not None:
            log.error("unhandled error", exc_info=original)
        try:
            db().rollback()
        except Exception:  # the database itself may be what failed
            log.exception("rollback failed")
        return error_response(500)
