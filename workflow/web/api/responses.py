"""JSON responses: UTF-8, compact, in the request's language (Content-Language)."""
from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app

from .language import request_locale


def respond(payload: Any, status: int = 200, *, headers: dict[str, str] | None = None,
            version: int | None = None) -> Response:
    """`version` (an object's) goes out as its ETag, to be sent back as If-Match."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    response = current_app.response_class(body, status=status, mimetype="application/json",
                                          headers=headers)
    response.headers["Content-Language"] = request_locale()
    if version is not None:
        response.set_etag(str(version))
    return response


def no_content() -> Response:
    return current_app.response_class(status=204)
