"""The API's one error shape, in the request's language:

    {"error": {"code": "snake_case", "message": "for a person", "details": {...}}}

Every refusal inside /api/v1 leaves through here: `ApiError` (raised by the API's own checks),
`WorkflowError` (the services and the engine), Werkzeug's HTTP errors (413, 404, 405, ...), and,
as a last resort, any other exception as a logged 500. The handlers are registered on the
blueprint by status code as well as by class, so that the HTML pages' app-wide handlers never
answer an API request; 404 and 405 for paths that match no API route are answered before
routing would hand them to the app-wide handlers.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import Response, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, default_exceptions

from ...config import MAX_ATTACHMENT_BYTES, MEGABYTE
from ...errors import WorkflowError
from ...i18n import N_, Msg, translate
from .blueprint import PREFIX, bp
from .language import request_locale
from .responses import respond
from .serializers import instant

log = logging.getLogger("hankeflow.api")


class ApiError(Exception):
    """A refusal of the API layer itself (authentication, body, query, routing)."""

    def __init__(self, status: int, code: str, message: str, *,
                 details: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
                 **params: Any) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.msgid = message
        self.params = params
        self.details = details or {}
        self.headers = headers or {}


def invalid_input(details: dict[str, Any]) -> ApiError:
    return ApiError(422, "invalid_input", N_("Check these fields: %(fields)s."),
                    fields=", ".join(details), details=details)


def not_found() -> ApiError:
    return ApiError(404, "not_found", NOT_FOUND)


def localised(value: Any, locale: str) -> Any:
    """Details as JSON, with every message id (`Msg`) in them translated."""
    if isinstance(value, Msg):
        return translate(value, locale)
    if isinstance(value, dict):
        return {str(k): localised(v, locale) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [localised(v, locale) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dt.datetime):
        return instant(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None, **params: Any) -> Response:
    locale = request_locale()
    text = translate(message, locale, **params) if params else translate(message, locale)
    return respond({"error": {"code": code, "message": text,
                              "details": localised(details or {}, locale)}},
                   status, headers=headers)


# Werkzeug's HTTP errors: status → (code, message).
NOT_FOUND = N_("There is no such object, or you do not have access to it.")
HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", N_("The request could not be understood.")),
    401: ("unauthenticated", N_("Sign in first: send the header Authorization: Bearer <token>.")),
    403: ("not_allowed", N_("You are not allowed to do this.")),
    404: ("not_found", NOT_FOUND),
    405: ("method_not_allowed", N_("This address does not accept this method.")),
    409: ("conflict", N_("Someone else changed this in the meantime. Reload it and try again.")),
    413: ("payload_too_large", N_("The request body is too large: a JSON body may be at most "
                                  "1 MB, a file %(megabytes)s MB.")),
    415: ("unsupported_media_type", N_("Send the body as JSON (Content-Type: application/json).")),
    429: ("too_many_requests", N_("Too many requests. Wait a moment and try again.")),
}
OTHER_ERROR = ("bad_request", N_("The request could not be processed."))
INTERNAL_ERROR = N_("Something went wrong on our side. Try again later.")


def _rollback() -> None:
    """Nothing of a refused request is kept (the one commit happens only on success)."""
    session = g.get("db")
    if session is not None:
        try:
            session.rollback()
        except Exception:  # the database itself may be what failed
            log.exception("rollback failed")


def handle_api_error(err: ApiError) -> Response:
    _rollback()
    return error_response(err.status, err.code, err.msgid, err.details, err.headers, **err.params)


def handle_workflow_error(err: WorkflowError) -> Response:
    _rollback()
    locale = request_locale()
    return respond({"error": {"code": err.code, "message": err.message(locale),
                              "details": localised(err.details, locale)}}, err.http_status)


def handle_http_error(err: HTTPException) -> Response:
    status = err.code or 500
    if status >= 500:
        return handle_unexpected(err)
    _rollback()
    code, message = HTTP_ERRORS.get(status, OTHER_ERROR)
    headers = {}
    if isinstance(err, MethodNotAllowed) and err.valid_methods:
        headers["Allow"] = ", ".join(sorted(err.valid_methods))
    params = {"megabytes": MAX_ATTACHMENT_BYTES // MEGABYTE} if status == 413 else {}
    return error_response(status, code, message, headers=headers, **params)


def handle_unexpected(err: BaseException) -> Response:
    """The last resort: logged with its traceback, answered with the error shape."""
    original = getattr(err, "original_exception", None) or err
    log.error("unexpected error in %s %s", request.method, request.path, exc_info=original)
    _rollback()
    return error_response(500, "internal_error", INTERNAL_ERROR)


@bp.before_app_request
def _unrouted_api_paths() -> Response | None:
    """A path under /api/v1 that matches no route (404) or not with this method (405) gets the
    API's error shape, not an HTML page: the blueprint's handlers never see it otherwise."""
    if not (request.path == PREFIX or request.path.startswith(PREFIX + "/")):
        return None
    routing = request.routing_exception
    if isinstance(routing, (NotFound, MethodNotAllowed)):
        return handle_http_error(routing)
    return None


def _register() -> None:
    bp.register_error_handler(ApiError, handle_api_error)
    bp.register_error_handler(WorkflowError, handle_workflow_error)
    # By status code too: Flask looks handlers up by code before it looks them up by class, so an
    # app-wide `errorhandler(404)` would otherwise win over a blueprint's HTTPException handler.
    for status in default_exceptions:
        bp.register_error_handler(status, handle_http_error)
    bp.register_error_handler(HTTPException, handle_http_error)
    bp.register_error_handler(Exception, handle_unexpected)


_register()

