"""The notifications page and the settings page (issue 4 items 5–7): what was sent to whom,
message preferences, the private calendar feed."""
from __future__ import annotations

import re

from support.web import body

from models import CalendarToken, NotificationPreference
from workflow.scheduler.preferences import get_preferences

FEED = re.compile(r'<code id="feed-url">https://hankeflow\.example(/calendar/[^<]+\.ics)</code>')


def test_user_sees_only_own_notifications_newest_first(login, make_user, make_message, clock):
    """Does an applicant see what was sent to them, newest first, and nothing of anyone else's?"""
    me = make_user("applicant")
    other = make_user("applicant")
    make_message(me, "Older reminder for me")
    clock.advance(hours=2)
    make_message(me, "Newer reminder for me")
    make_message(other, "Someone else's reminder")
    page = body(login(me).get("/notifications"))
    assert "Someone else&#39;s reminder" not in page and "Someone else's reminder" not in page
    assert page.index("Newer reminder for me") < page.index("Older reminder for me")
    assert "Undelivered mail" not in page


def test_admin_sees_undelivered_mail(login, admin, make_user, make_message):
    """Does an administrator see mail that could not be delivered, and an applicant not?"""
    applicant = make_user("applicant")
    make_message(applicant, "Bounced reminder", status="failed")
    admin_page = body(login(admin).get("/notifications"))
    assert 'id="failed-deliveries"' in admin_page and "Bounced reminder" in admin_page
    assert "550 no such user" in admin_page
    other = make_user("applicant")
    assert "Bounced reminder" not in body(login(other).get("/notifications"))


def test_mark_all_read(login, make_user, make_message, session):
    """Can a user mark their notifications read?"""
    me = make_user("applicant")
    message = make_message(me, "Read me")
    response = login(me).post("/notifications/read")
    assert response.status_code == 302
    session.refresh(message)
    assert message.read_at is not None


def test_header_links_for_signed_in_users(login, anonymous, make_user):
    """Does a signed-in user find notifications and settings in the header (anonymous not)?"""
    page = body(login(make_user("evaluator")).get("/"))
    assert 'href="/notifications"' in page and 'href="/settings"' in page
    assert 'href="/notifications"' not in body(anonymous.get("/"))


def test_preferences_saved_and_last_reminder_explained(login, make_user, session):
    """Can an applicant switch earlier reminders off and change language, being told that the
    last reminder before a deadline still comes?"""
    me = make_user("applicant")
    client = login(me)
    page = body(client.get("/settings"))
    assert 'id="essential-note"' in page
    assert 'name="digest"' not in page  # the digest is the administrators'
    response = client.post("/settings", data={"language": "sv", "optional_reminders": "off"})
    assert response.status_code == 302
    prefs = get_preferences(session, me)
    assert prefs.language == "sv" and prefs.optional_reminders is False
    page = body(client.get("/settings"))
    assert "Den sista påminnelsen före en tidsfrist" in page  # now in Swedish


def test_admin_switches_digest_off(login, admin, session):
    """Can an administrator switch the daily digest off?"""
    client = login(admin)
    response = client.post("/settings", data={"language": "fi", "digest": "off",
                                              "optional_reminders": "on"})
    assert response.status_code == 302
    row = session.get(NotificationPreference, admin.id)
    assert row is not None and row.digest_enabled is False and row.optional_reminders_enabled


def test_bad_settings_refused(login, make_user, session):
    """Is an unknown language or a missing switch refused with a summary, nothing saved?"""
    me = make_user("applicant")
    client = login(me)
    response = client.post("/settings", data={"language": "de", "optional_reminders": "off"})
    assert response.status_code == 422 and "govuk-error-summary" in body(response)
    response = client.post("/settings", data={"language": "fi", "optional_reminders": "maybe"})
    assert response.status_code == 422 and 'href="#field-optional_reminders"' in body(response)
    assert get_preferences(session, me).optional_reminders is True
    assert client.get("/notifications?before=x").status_code == 400
    assert client.get("/notifications?before=99999999999").status_code == 400


def test_calendar_token_create_feed_revoke(login, make_user, session):
    """Can a user create a private calendar address that answers with iCalendar, and stop it
    so the old address is not found?"""
    me = make_user("applicant")
    client = login(me)
    page = body(client.post("/settings/calendar"))
    match = FEED.search(page)
    assert match, page
    path = match.group(1)
    feed = client.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert b"BEGIN:VCALENDAR" in feed.data
    # The address is shown once; afterwards only that it exists.
    settings = body(client.get("/settings"))
    assert 'id="feed-active"' in settings and path not in settings
    assert client.post("/settings/calendar/revoke").status_code == 302
    assert client.get(path).status_code == 404
    assert session.query(CalendarToken).filter_by(user_id=me.id, revoked_at=None).count() == 0


def test_new_calendar_address_replaces_old(login, make_user):
    """Does creating a new calendar address stop the earlier one?"""
    client = login(make_user("evaluator"))
    first = FEED.search(body(client.post("/settings/calendar"))).group(1)
    second = FEED.search(body(client.post("/settings/calendar"))).group(1)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_anonymous_sent_to_sign_in(anonymous):
    """Is an anonymous visitor sent to sign in, and refused when posting?"""
    for path in ("/notifications", "/settings"):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    for path in ("/settings", "/settings/calendar", "/settings/calendar/revoke",
                 "/notifications/read"):
        response = anonymous.post(path, data={"language": "fi", "optional_reminders": "on"})
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_csrf_required(csrf_login, make_user, session):
    """Is a settings form posted without its CSRF token refused, and accepted with it?"""
    from support.web import csrf_token

    me = make_user("applicant")
    client = csrf_login(me)
    for path in ("/settings", "/settings/calendar", "/settings/calendar/revoke",
                 "/notifications/read"):
        response = client.post(path, data={"language": "sv", "optional_reminders": "off"})
        assert response.status_code == 400, path
    assert session.query(CalendarToken).filter_by(user_id=me.id).count() == 0
    assert get_preferences(session, me).language != "sv"
    response = client.post("/settings", data={"language": "sv", "optional_reminders": "off",
                                              "csrf_token": csrf_token(client, "/settings")})
    assert response.status_code == 302
