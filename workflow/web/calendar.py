"""Calendars: a user's private deadline feed at a revocable token URL, and a published call's
dates as a download. Thin: the iCalendar is written by workflow.scheduler.calendars."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app

from models import Call

from ..app import db
from ..permissions import UNPUBLISHED
from ..scheduler.calendars import call_calendar, user_calendar, user_for_calendar_token
from .locale import current_locale

bp = Blueprint("calendar", __name__)


def _base_url() -> str:
    return current_app.config["HANKEFLOW_SETTINGS"].base_url


def _ics(body: bytes, *, filename: str | None = None, private: bool) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.charset = "utf-8"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A private feed must not sit in shared caches; a call's dates may.
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response


@bp.get("/calendar/<token>.ics")
def feed(token: str) -> Response:
    """The user's deadlines; a revoked or unknown token is simply not found."""
    session = db()
    user = user_for_calendar_token(session, token)
    if user is None:
        abort(404)
    body = user_calendar(session, user, base_url=_base_url())
    session.commit()  # last_used_at
    return _ics(body, private=True)


@bp.get("/calls/<int:call_id>/calendar.ics")
def call_download(call_id: int) -> Response:
    """A published call's dates (opening, questions, deadline, info sessions)."""
    call = db().get(Call, call_id)
    if call is None or call.state in UNPUBLISHED:
        abort(404)
    body = call_calendar(call, locale=current_locale(), base_url=_base_url())
    return _ics(body, filename=f"call-{call.id}.ics", private=False)
