"""Deadlines as iCalendar (RFC 5545): a private feed per user at a revocable token URL, and a
public download per published call. Outlook and Google Calendar accept what this writes:
times in Europe/Helsinki with its VTIMEZONE, stable UIDs (an event keeps its UID when its
time changes, so subscribed calendars update it), PRODID, DTSTAMP.

A deadline is a moment, not a meeting: its event has a start and no end (RFC 5545 §3.6.1:
then it takes no time).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from urllib.parse import urlsplit

import icalendar
import sqlalchemy as sa
import sqlalchemy.orm as so

from models import CalendarToken, Call, EvaluatorAssignment, Milestone, Pilot, Report, Submission, User

from .. import clock
from ..i18n import N_, translate
from ..permissions import UNPUBLISHED, is_admin
from ..timeutil import HELSINKI
from .messages import REPORT_NAMES
from .reminders import ACCEPTING_CALL_STATES, REPORT_OPEN, REVIEWABLE, signable_from

PRODID = "-//hankeflow//hankeflow deadlines//EN"
# A private feed lists what is at most this old, and everything ahead.
PAST = dt.timedelta(days=90)

CALL_OPENS = N_("Call opens: %(call)s")
CALL_CLOSES = N_("Deadline: %(call)s")
QUESTIONS_END = N_("Last day for questions: %(call)s")
COMPLETION_DUE = N_("Completion due: %(object)s")
REVIEW_DUE = N_("Review due: %(object)s")
SIGNABLE = N_("Contract can be signed: %(call)s")
REPORT_DUE = N_("Report due: %(report)s")
MILESTONE_DUE = N_("Milestone: %(milestone)s")
OBJECT_NAMES = {"esr": N_("application no. %(id)s"), "jotpa": N_("tender no. %(id)s")}


@dataclasses.dataclass(frozen=True)
class Entry:
    uid: str                        # stable: "<what>-<object id>", made unique with the host
    summary: str
    start: dt.datetime | dt.date    # a date: an all-day event
    end: dt.datetime | None = None
    path: str = ""
    location: str = ""


# What goes into a calendar -------------------------------------------------------------------

def call_entries(call: Call, locale: str) -> list[Entry]:
    """A call's public dates: opening, questions deadline, deadline, info sessions."""
    t = _t(locale)
    path = f"/calls/{call.id}"
    entries = [Entry(f"call-{call.id}-opens", t(CALL_OPENS, call=call.title), call.opens_at, path=path),
               Entry(f"call-{call.id}-deadline", t(CALL_CLOSES, call=call.title), call.deadline,
                     path=path)]
    if call.questions_until:
        entries.append(Entry(f"call-{call.id}-questions", t(QUESTIONS_END, call=call.title),
                             call.questions_until, path=path))
    entries.extend(Entry(f"info-event-{e.id}", e.title, e.starts_at, e.ends_at, path=path,
                         location=e.location) for e in call.info_events)
    return entries


def user_entries(session: so.Session, user: User, now: dt.datetime) -> list[Entry]:
    """The deadlines that concern the user: their organisation's calls and completions,
    their reviews, and for administrators every call and standstill."""
    t = _t(user.locale)
    since = now - PAST
    entries: list[Entry] = []
    calls: dict[int, Call] = {}
    if is_admin(user):
        for call in session.scalars(sa.select(Call).where(Call.state.not_in(UNPUBLISHED),
                                                          Call.deadline > since)):
            calls[call.id] = call
        for call in session.scalars(sa.select(Call).where(Call.state == "standstill")):
            if call.standstill_last_day:
                entries.append(Entry(f"call-{call.id}-signable", t(SIGNABLE, call=call.title),
                                     signable_from(call.standstill_last_day).astimezone(HELSINKI).date(),
                                     path=f"/calls/{call.id}"))
    if user.has_role("applicant") and user.organisation_id is not None:
        own = session.scalars(
            sa.select(Submission).where(Submission.organisation_id == user.organisation_id,
                                        Submission.state.not_in(("withdrawn",)))).all()
        for submission in own:
            call = submission.call
            if call.deadline > since and call.state in ACCEPTING_CALL_STATES + ("closed", "opened"):
                calls[call.id] = call
            if submission.state == "returned_for_completion" and submission.completion_due_at:
                entries.append(Entry(
                    f"submission-{submission.id}-completion",
                    t(COMPLETION_DUE, object=t(OBJECT_NAMES[submission.kind], id=submission.id)),
                    submission.completion_due_at, path=f"/submissions/{submission.id}"))
        for report in session.scalars(
                sa.select(Report).join(Submission, Submission.id == Report.submission_id)
                .where(Submission.organisation_id == user.organisation_id,
                       Report.state.in_(REPORT_OPEN), Report.due_at > since)):
            name = t(REPORT_NAMES.get(report.report_type, REPORT_NAMES["progress"]),
                     sequence=report.sequence)
            entries.append(Entry(f"report-{report.id}-due", t(REPORT_DUE, report=name),
                                 report.due_at, path=f"/reports/{report.id}"))
        for milestone in session.scalars(
                sa.select(Milestone).join(Pilot, Pilot.id == Milestone.pilot_id)
                .join(Submission, Submission.id == Pilot.submission_id)
                .where(Submission.organisation_id == user.organisation_id,
                       Milestone.done_at.is_(None), Milestone.due_at > since)):
            entries.append(Entry(f"milestone-{milestone.id}-due",
                                 t(MILESTONE_DUE, milestone=milestone.title), milestone.due_at,
                                 path=f"/pilots/{milestone.pilot_id}"))
    if user.has_role("evaluator"):
        for assignment in session.scalars(
                sa.select(EvaluatorAssignment)
                .join(Submission, Submission.id == EvaluatorAssignment.submission_id)
                .where(EvaluatorAssignment.evaluator_id == user.id,
                       EvaluatorAssignment.due_at.is_not(None),
                       EvaluatorAssignment.due_at > since,
                       EvaluatorAssignment.completed_at.is_(None),
                       sa.or_(EvaluatorAssignment.conflict.is_(None),
                              EvaluatorAssignment.conflict.is_(False)),
                       Submission.state.in_(REVIEWABLE))):
            submission = assignment.submission
            entries.append(Entry(
                f"assignment-{assignment.id}-review",
                t(REVIEW_DUE, object=t(OBJECT_NAMES[submission.kind], id=submission.id)),
                assignment.due_at, path=f"/submissions/{submission.id}"))
    for call in sorted(calls.values(), key=lambda c: c.id):
        entries.extend(call_entries(call, user.locale))
    return entries


# Writing iCalendar -----------------------------------------------------------------------------

def to_ical(entries: list[Entry], *, name: str, base_url: str, now: dt.datetime) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Helsinki")
    cal.add_component(helsinki_vtimezone())  # before the events that refer to it
    host = urlsplit(base_url).hostname or "hankeflow"
    stamp = now.astimezone(dt.timezone.utc)
    for entry in entries:
        event = icalendar.Event()
        event.add("uid", f"{entry.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", entry.summary)
        if isinstance(entry.start, dt.datetime):
            event.add("dtstart", entry.start.astimezone(HELSINKI))
            if entry.end is not None:
                event.add("dtend", entry.end.astimezone(HELSINKI))
        else:
            event.add("dtstart", entry.start)
            event.add("dtend", entry.start + dt.timedelta(days=1))
        if entry.path:
            event.add("url", base_url + entry.path)
            event.add("description", base_url + entry.path)
        if entry.location:
            event.add("location", entry.location)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


def helsinki_vtimezone() -> icalendar.Timezone:
    """Europe/Helsinki as the EU's yearly rule (since 1996: EEST from the last Sunday of March
    03.00, EET from the last Sunday of October 04.00): the compact RRULE form that Outlook
    itself writes and every calendar reads, instead of a list of every change since 1970."""
    tz = icalendar.Timezone()
    tz.add("tzid", "Europe/Helsinki")
    for kind, name, start, offset_from, offset_to, month in (
            (icalendar.TimezoneStandard, "EET", dt.datetime(1996, 10, 27, 4, 0), 3, 2, 10),
            (icalendar.TimezoneDaylight, "EEST", dt.datetime(1996, 3, 31, 3, 0), 2, 3, 3)):
        part = kind()
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("tzoffsetfrom", dt.timedelta(hours=offset_from))
        part.add("tzoffsetto", dt.timedelta(hours=offset_to))
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        tz.add_component(part)
    return tz


def call_calendar(call: Call, *, locale: str, base_url: str) -> bytes:
    return to_ical(call_entries(call, locale), name=call.title, base_url=base_url, now=clock.now())


def user_calendar(session: so.Session, user: User, *, base_url: str) -> bytes:
    now = clock.now()
    return to_ical(user_entries(session, user, now), name=f"hankeflow – {user.name}",
                   base_url=base_url, now=now)


def _t(locale: str):
    return lambda msgid, **params: translate(msgid, locale, **params)


# Feed tokens -------------------------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_calendar_token(session: so.Session, user: User) -> str:
    """A new secret for the user's feed; any earlier one stops working. Returns the token: it
    is shown once (only its SHA-256 is stored). The feed is at /calendar/<token>.ics."""
    revoke_calendar_tokens(session, user)
    token = secrets.token_urlsafe(32)
    session.add(CalendarToken(user_id=user.id, token_sha256=_digest(token), created_at=clock.now()))
    session.flush()
    return token


def revoke_calendar_tokens(session: so.Session, user: User) -> int:
    """Stop the user's feed URL from working; returns how many tokens were revoked."""
    result = session.execute(
        sa.update(CalendarToken)
        .where(CalendarToken.user_id == user.id, CalendarToken.revoked_at.is_(None))
        .values(revoked_at=clock.now()), execution_options={"synchronize_session": False})
    session.flush()
    return result.rowcount


def active_calendar_token(session: so.Session, user: User) -> CalendarToken | None:
    """The user's working feed token (its row: created_at, last_used_at), if any."""
    return session.scalar(
        sa.select(CalendarToken)
        .where(CalendarToken.user_id == user.id, CalendarToken.revoked_at.is_(None))
        .order_by(CalendarToken.id.desc()).limit(1))


def user_for_calendar_token(session: so.Session, token: str) -> User | None:
    """The active user whose feed this token opens, or None; notes when it was used."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(sa.select(CalendarToken).where(
        CalendarToken.token_sha256 == _digest(token), CalendarToken.revoked_at.is_(None)))
    if row is None or not row.user.is_active:
        return None
    row.last_used_at = clock.now()
    session.flush()
    return row.user
