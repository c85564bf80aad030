"""Calendars: a published call's dates as a download, each user's deadlines as a private feed
at a revocable URL; both parse with icalendar and carry the right instants and time zone."""
from __future__ import annotations

import dataclasses
import datetime as dt

import icalendar
import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from support import ESR_DEADLINE, helsinki
from workflow.app import create_app
from workflow.assignments import assign_evaluator
from workflow.calls import add_info_event
from workflow.engine import fire
from workflow.scheduler.calendars import (
    active_calendar_token,
    create_calendar_token,
    revoke_calendar_tokens,
    user_entries,
)


@pytest.fixture
def client(engine: sa.Engine, session: so.Session, clock):
    app = create_app({"TESTING": True, "ENGINE": engine, "HANKEFLOW_OPTIONAL_BLUEPRINTS": ()})
    app.extensions["hankeflow.sessions"] = lambda: session
    app.extensions["hankeflow.close_sessions"] = False
    app.config["HANKEFLOW_SETTINGS"] = dataclasses.replace(app.config["HANKEFLOW_SETTINGS"],
                                                           base_url="https://hankeflow.example")
    return app.test_client()


def events(body: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_a_published_call_downloads_as_ics(session, clock, admin, make_call, client):
    """Can anyone download a published call's dates as .ics that calendars accept, with the
    deadline at 3.6.2024 16.15 Helsinki time?"""
    clock.set(helsinki(2024, 3, 1, 9, 0))
    call = make_call("jotpa", state="published", opens_at=helsinki(2024, 5, 6, 9, 0),
                     deadline=ESR_DEADLINE)
    add_info_event(session, admin, call, title="Infotilaisuus (Teams)",
                   starts_at=helsinki(2024, 4, 22, 10, 0), ends_at=helsinki(2024, 4, 22, 11, 0))
    session.flush()
    response = client.get(f"/calls/{call.id}/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    cal = icalendar.Calendar.from_ical(response.data)
    assert str(cal["PRODID"]).startswith("-//hankeflow//")
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Helsinki"]
    # The calendar's own VTIMEZONE rules agree with the tz database (EEST in June, EET in
    # January), for clients that read the rules rather than the name.
    own = cal.walk("VTIMEZONE")[0].to_tz()
    assert dt.datetime(2024, 6, 3, 16, 15, tzinfo=own).utcoffset() == dt.timedelta(hours=3)
    assert dt.datetime(2025, 1, 3, 16, 15, tzinfo=own).utcoffset() == dt.timedelta(hours=2)
    assert dt.datetime(2030, 10, 27, 3, 0, tzinfo=own).utcoffset() == dt.timedelta(hours=3)
    found = events(response.data)
    deadline = found[f"call-{call.id}-deadline@hankeflow.example"]
    start = deadline.decoded("DTSTART")
    assert start == ESR_DEADLINE
    assert str(start.tzinfo) == "Europe/Helsinki" and (start.hour, start.minute) == (16, 15)
    assert deadline.decoded("DTSTAMP").tzinfo is not None
    assert str(deadline["URL"]) == f"https://hankeflow.example/calls/{call.id}"
    info = next(e for uid, e in found.items() if uid.startswith("info-event-"))
    assert info.decoded("DTEND") - info.decoded("DTSTART") == dt.timedelta(hours=1)
    assert f"call-{call.id}-questions@hankeflow.example" in found
    # The same call downloaded again has the same UIDs (calendars update, not duplicate).
    assert set(events(client.get(f"/calls/{call.id}/calendar.ics").data)) == set(found)


def test_an_unpublished_call_has_no_calendar(clock, make_call, client):
    """Is a call that is not public yet not downloadable (404, as if it did not exist)?"""
    clock.set(helsinki(2024, 3, 1, 9, 0))
    call = make_call("esr", state="draft")
    assert client.get(f"/calls/{call.id}/calendar.ics").status_code == 404
    assert client.get("/calls/999999/calendar.ics").status_code == 404


def test_a_private_feed_lists_the_users_deadlines_until_revoked(session, clock, admin, make_call,
                                                               make_user, make_submission, client):
    """Does an applicant's private feed carry their call's deadline and a completion due date,
    and does it stop working when revoked?"""
    clock.set(helsinki(2024, 5, 1, 9, 0))
    call = make_call("esr", state="open")
    applicant = make_user("applicant", locale="en")
    make_submission(call, applicant)
    other = make_submission(call, make_user("applicant"))
    token = create_calendar_token(session, applicant)
    session.flush()

    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    found = events(response.data)
    assert found[f"call-{call.id}-deadline@hankeflow.example"].decoded("DTSTART") == ESR_DEADLINE
    assert str(found[f"call-{call.id}-deadline@hankeflow.example"]["SUMMARY"]) == "Deadline: esr call"
    assert not any(f"submission-{other.id}" in uid for uid in found)
    assert active_calendar_token(session, applicant).last_used_at == clock.now()

    # A new token replaces the old one; revoking stops the feed.
    newer = create_calendar_token(session, applicant)
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get(f"/calendar/{newer}.ics").status_code == 200
    assert revoke_calendar_tokens(session, applicant) == 1
    assert client.get(f"/calendar/{newer}.ics").status_code == 404
    assert active_calendar_token(session, applicant) is None
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_feeds_carry_completion_and_review_due_dates(session, clock, admin, make_call, make_user,
                                                    make_submission):
    """Do the applicant's and the evaluator's feeds carry the completion and review due dates?"""
    clock.set(helsinki(2024, 5, 1, 9, 0))
    call = make_call("esr", state="open")
    applicant = make_user("applicant")
    submission = make_submission(call, applicant, submit=True)
    clock.set(helsinki(2024, 6, 4, 9, 0))
    fire(session, call, "close", None)
    fire(session, submission, "start_eligibility_check", admin)
    due = helsinki(2024, 6, 14, 16, 15)
    fire(session, submission, "return_for_completion", admin, comment="Liite puuttuu",
         data={"due_at": due.isoformat()})
    evaluator = make_user("evaluator")
    review_due = helsinki(2024, 6, 28, 16, 0)
    assignment = assign_evaluator(session, admin, submission, evaluator, due_at=review_due)

    mine = {e.uid: e for e in user_entries(session, applicant, clock.now())}
    assert mine[f"submission-{submission.id}-completion"].start == due
    theirs = {e.uid: e for e in user_entries(session, evaluator, clock.now())}
    assert theirs[f"assignment-{assignment.id}-review"].start == review_due
    admins = {e.uid for e in user_entries(session, admin, clock.now())}
    assert f"call-{call.id}-deadline" in admins
