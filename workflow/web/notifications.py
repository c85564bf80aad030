"""A user's notifications (what was sent to them and when; undelivered mail for
administrators) and settings (language, digest, optional reminders, the private calendar feed).

Thin: the scheduler's services (workflow.scheduler.notifications, .preferences, .calendars)
decide; these views load → check → act → respond.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import User

from ..app import db
from ..errors import WorkflowError
from ..permissions import is_admin
from ..scheduler import calendars, notifications, preferences
from .helpers import ErrorSummary, signed_in
from .identity import MAX_ID, actor
from .locale import LOCALE_NAMES, current_locale

bp = Blueprint("notifications", __name__)

PAGE_SIZE = 50
# The settings form's switches: radio buttons with these two values.
SWITCH = {"on": True, "off": False}


def _user() -> User:
    user = actor()
    assert user is not None  # @signed_in
    return user


# Notifications -----------------------------------------------------------------------------

@bp.get("/notifications")
@signed_in
def index() -> str:
    user = _user()
    before = request.args.get("before")
    before_id = None
    if before is not None:
        if not before.isdigit() or not 0 < int(before) <= MAX_ID:
            abort(400)
        before_id = int(before)
    session = db()
    messages = notifications.list_notifications(session, user, limit=PAGE_SIZE,
                                                before_id=before_id)
    failed = notifications.failed_deliveries(session, user) if is_admin(user) else []
    older = messages[-1].id if len(messages) == PAGE_SIZE else None
    return render_template("notifications/index.html", messages=messages, failed=failed,
                           older=older, unread=notifications.unread_count(session, user))


@bp.post("/notifications/read")
@signed_in
def mark_read() -> Response:
    notifications.mark_read(db(), _user())
    db().commit()
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/failed/<int:message_id>/send-again")
@signed_in
def send_again(message_id: int) -> Response:
    user = _user()
    if not is_admin(user):
        abort(403)
    if message_id > MAX_ID:
        abort(404)
    try:
        row = notifications.send_again(db(), user, message_id)
    except WorkflowError as err:
        db().rollback()
        if err.code == "not_found":
            abort(404)
        flash(err.message(current_locale()), "error")
        return redirect(url_for("notifications.index", _anchor="failed-deliveries"))
    db().commit()
    flash(_("The message to %(recipient)s will be sent again within a minute.",
            recipient=row.recipient.email), "success")
    return redirect(url_for("notifications.index", _anchor="failed-deliveries"))


# Settings ------------------------------------------------------------------------------------

def _settings_page(user: User, errors: ErrorSummary | None = None, *,
                   values: dict | None = None, new_token: str | None = None,
                   status: int = 200) -> tuple[str, int]:
    session = db()
    prefs = preferences.get_preferences(session, user)
    shown = {"language": prefs.language, "digest": prefs.digest,
             "optional_reminders": prefs.optional_reminders, **(values or {})}
    feed_url = None
    if new_token is not None:
        feed_url = (current_app.config["HANKEFLOW_SETTINGS"].base_url
                    + url_for("calendar.feed", token=new_token))
    return render_template(
        "notifications/settings.html", errors=errors or ErrorSummary(), prefs=shown,
        languages=LOCALE_NAMES, admin=is_admin(user), essential_note=preferences.ESSENTIAL_NOTE,
        token=calendars.active_calendar_token(session, user), feed_url=feed_url), status


def _labels() -> dict[str, str]:
    return {"language": _("Language"), "digest": _("Daily digest"),
            "optional_reminders": _("Earlier reminders")}


@bp.get("/settings")
@signed_in
def settings() -> tuple[str, int]:
    return _settings_page(_user())


@bp.post("/settings")
@signed_in
def save_settings() -> Response | tuple[str, int]:
    user = _user()
    form = request.form
    labels = _labels()
    errors = ErrorSummary(labels=labels)
    names = ["optional_reminders"] + (["digest"] if is_admin(user) else [])
    switches: dict[str, bool] = {}
    for name in names:
        value = form.get(name, "")
        if value not in SWITCH:
            errors.add(name, _("Choose on or off."), labels[name])
        else:
            switches[name] = SWITCH[value]
    language = form.get("language", "")[:10]
    if errors:
        return _settings_page(user, errors, values={"language": language, **switches},
                              status=422)
    try:
        preferences.update_preferences(db(), user, language=language,
                                       digest=switches.get("digest"),
                                       optional_reminders=switches["optional_reminders"])
    except WorkflowError as err:
        db().rollback()
        return _settings_page(user, ErrorSummary.from_error(err, labels),
                              values={"language": language, **switches}, status=422)
    db().commit()
    flash(_("Your settings have been saved."), "success")
    return redirect(url_for("notifications.settings"))


@bp.post("/settings/calendar")
@signed_in
def create_calendar() -> tuple[str, int]:
    """A new feed address; shown on this page once (only its hash is kept)."""
    user = _user()
    token = calendars.create_calendar_token(db(), user)
    db().commit()
    return _settings_page(user, new_token=token)


@bp.post("/settings/calendar/revoke")
@signed_in
def revoke_calendar() -> Response:
    calendars.revoke_calendar_tokens(db(), _user())
    db().commit()
    flash(_("Your calendar address no longer works."), "success")
    return redirect(url_for("notifications.settings"))
