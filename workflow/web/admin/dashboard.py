"""The deadline dashboard: what opens, closes or falls due in the coming weeks, what is
overdue, and how many submissions each call has in each state.

The number of queries is fixed, whatever the number of calls and submissions: one per kind
of deadline (calls, info sessions, completion requests, evaluator assignments), one GROUP BY
for the counts and one for the unanswered questions; each list is capped at LIMIT rows.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from flask import render_template, request, url_for

from models import Call, EvaluatorAssignment, InfoEvent, Organisation, Submission, User
from models.states import EsrCallState, ProcurementState

from ... import clock
from ...app import db
from ...definitions import WORKFLOWS
from ...i18n import N_, Msg, translate, translations
from ...permissions import UNPUBLISHED
from ...questions import unanswered_counts
from ...timeutil import local_instant
from ..locale import current_locale
from . import bp

DEFAULT_WEEKS, MAX_WEEKS = 4, 26
LIMIT = 50
# Calls whose own dates still matter: not yet public, public, taking submissions, standstill.
WATCHED_CALL_STATES = (*UNPUBLISHED, EsrCallState.PUBLISHED.value, EsrCallState.OPEN.value,
                       ProcurementState.TENDERING.value, ProcurementState.STANDSTILL.value)
# States in which a submission still waits for its evaluators' reviews.
REVIEWABLE = ("submitted", "eligibility_check", "returned_for_completion", "in_evaluation",
              "opened", "qualified")


@dataclasses.dataclass(frozen=True)
class Due:
    """One dated thing: `what` names it (the template words it), `url` leads to the object."""

    at: dt.datetime
    what: str
    url: str
    call_title: str
    subject: str = ""
    unpublished: bool = False


@dataclasses.dataclass
class Dashboard:
    now: dt.datetime
    until: dt.datetime
    weeks: int
    upcoming: list[Due]
    overdue: list[Due]
    truncated: bool
    counts: list[dict[str, Any]]
    totals: dict[str, list[tuple[str, str, int]]]


def _weeks() -> int:
    raw = request.args.get("weeks", "")
    if raw.isdigit() and len(raw) < 4:
        return min(max(int(raw), 1), MAX_WEEKS)
    return DEFAULT_WEEKS


def build_dashboard(now: dt.datetime, weeks: int) -> Dashboard:
    until = now + dt.timedelta(weeks=weeks)
    upcoming: list[Due] = []
    overdue: list[Due] = []
    truncated = False

    def place(item: Due) -> None:
        if item.at <= now:
            overdue.append(item)
        elif item.at <= until:
            upcoming.append(item)

    # 1. The calls' own dates; a date that has passed while the call still waits for it
    #    (not published, not opened, not closed: the scheduler is late) is overdue.
    waiting_to_open = (*UNPUBLISHED, EsrCallState.PUBLISHED.value)
    taking = (*waiting_to_open, EsrCallState.OPEN.value, ProcurementState.TENDERING.value)
    calls = db().execute(
        sa.select(Call.id, Call.title, Call.kind, Call.state, Call.opens_at, Call.deadline,
                  Call.questions_until, Call.standstill_last_day)
        .where(Call.state.in_(WATCHED_CALL_STATES),
               sa.or_(sa.and_(Call.state.in_(waiting_to_open), Call.opens_at <= until),
                      sa.and_(Call.state.in_(taking), Call.deadline <= until),
                      sa.and_(Call.state.in_(taking), Call.questions_until > now,
                              Call.questions_until <= until),
                      Call.state == ProcurementState.STANDSTILL.value))
        .order_by(Call.deadline, Call.id).limit(LIMIT + 1)).all()
    truncated |= len(calls) > LIMIT
    for c in calls[:LIMIT]:
        url = url_for("admin.call", call_id=c.id)
        unpublished = c.state in UNPUBLISHED
        if c.state == ProcurementState.STANDSTILL:
            if c.standstill_last_day is not None:
                # The contract may be signed from 00.00 the day after the last day (DOMAIN §4).
                signable = local_instant(c.standstill_last_day + dt.timedelta(days=1), 0)
                place(Due(signable, "standstill_ends", url, c.title))
            continue
        if c.state in waiting_to_open:
            place(Due(c.opens_at, "call_opens", url, c.title, unpublished=unpublished))
        place(Due(c.deadline, "call_closes", url, c.title, unpublished=unpublished))
        if c.questions_until is not None and now < c.questions_until:
            # Questions ending is news while ahead; once past it needs nobody's action.
            place(Due(c.questions_until, "questions_close", url, c.title, unpublished=unpublished))

    # 2. Info sessions of calls that are not archived or cancelled.
    events = db().execute(
        sa.select(InfoEvent.starts_at, InfoEvent.title, Call.id, Call.title.label("call_title"),
                  Call.state)
        .join(Call, Call.id == InfoEvent.call_id)
        .where(InfoEvent.starts_at > now, InfoEvent.starts_at <= until)
        .order_by(InfoEvent.starts_at).limit(LIMIT + 1)).all()
    truncated |= len(events) > LIMIT
    for e in events[:LIMIT]:
        upcoming.append(Due(e.starts_at, "info_event", url_for("admin.call", call_id=e.id) +
                            "#section-info_events", e.call_title, e.title,
                            unpublished=e.state in UNPUBLISHED))

    # 3. Completion requests: the applicant's answer is due (or overdue).
    completions = db().execute(
        sa.select(Submission.id, Submission.kind, Submission.completion_due_at,
                  Organisation.name, Call.title)
        .join(Organisation, Organisation.id == Submission.organisation_id)
        .join(Call, Call.id == Submission.call_id)
        .where(Submission.state == "returned_for_completion",
               Submission.completion_due_at <= until)
        .order_by(Submission.completion_due_at).limit(LIMIT + 1)).all()
    truncated |= len(completions) > LIMIT
    for s in completions[:LIMIT]:
        place(Due(s.completion_due_at, "completion_due",
                  url_for("admin.submission", submission_id=s.id), s.title,
                  f"#{s.id} {s.name}"))

    # 4. Evaluator assignments with a due date, not submitted, not declared conflicted.
    reviews = db().execute(
        sa.select(EvaluatorAssignment.due_at, Submission.id, User.name.label("evaluator"),
                  Organisation.name.label("organisation"), Call.title)
        .join(Submission, Submission.id == EvaluatorAssignment.submission_id)
        .join(User, User.id == EvaluatorAssignment.evaluator_id)
        .join(Organisation, Organisation.id == Submission.organisation_id)
        .join(Call, Call.id == Submission.call_id)
        .where(EvaluatorAssignment.due_at <= until, EvaluatorAssignment.completed_at.is_(None),
               sa.or_(EvaluatorAssignment.conflict.is_(None),
                      EvaluatorAssignment.conflict.is_(False)),
               Submission.state.in_(REVIEWABLE))
        .order_by(EvaluatorAssignment.due_at).limit(LIMIT + 1)).all()
    truncated |= len(reviews) > LIMIT
    for r in reviews[:LIMIT]:
        place(Due(r.due_at, "review_due", url_for("admin.submission", submission_id=r.id),
                  r.title, f"{r.evaluator} – #{r.id} {r.organisation}"))

    upcoming.sort(key=lambda d: d.at)
    overdue.sort(key=lambda d: d.at)
    counts, totals = _counts()
    return Dashboard(now, until, weeks, upcoming, overdue, truncated, counts, totals)


def _counts() -> tuple[list[dict[str, Any]], dict[str, list[tuple[str, str, int]]]]:
    """Submissions per call and state (one GROUP BY; calls without submissions included),
    the unanswered questions per call, and the totals per kind and state."""
    rows = db().execute(
        sa.select(Call.id, Call.title, Call.kind, Call.state, Call.deadline,
                  Submission.state.label("submission_state"), sa.func.count(Submission.id))
        .select_from(Call).outerjoin(Submission, Submission.call_id == Call.id)
        .group_by(Call.id, Call.title, Call.kind, Call.state, Call.deadline, Submission.state)
        .order_by(Call.deadline.desc(), Call.id)).all()
    questions = unanswered_counts(db())
    calls: dict[int, dict[str, Any]] = {}
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for call_id, title, kind, state, _deadline, sub_state, n in rows:
        entry = calls.setdefault(call_id, {
            "id": call_id, "title": title, "kind": kind, "state": state, "states": {},
            "total": 0, "questions": questions.get(call_id, 0)})
        if sub_state is not None and n:
            entry["states"][sub_state] = n
            entry["total"] += n
            totals[kind][sub_state] += n
    ordered_totals = {}
    for kind, by_state in sorted(totals.items()):
        wf = _submission_workflow(kind)
        ordered_totals[kind] = [(s, wf.labels[s], by_state[s]) for s in wf.states if s in by_state]
    for entry in calls.values():
        wf = _submission_workflow(entry["kind"])
        entry["states"] = [(s, wf.labels[s], entry["states"][s]) for s in wf.states
                           if s in entry["states"]]
        entry["call_state_label"] = _call_workflow(entry["kind"]).labels[entry["state"]]
    return list(calls.values()), ordered_totals


def _submission_workflow(kind: str):
    return next(wf for wf in WORKFLOWS.values() if wf.model == "submission" and wf.kind == kind)


def _call_workflow(kind: str):
    return next(wf for wf in WORKFLOWS.values() if wf.model == "call" and wf.kind == kind)


# What each item says, by (what, overdue, unpublished); the subject goes into %(subject)s.
PHRASES: dict[tuple[str, bool, bool], Msg] = {
    ("call_opens", False, False): N_("Opens"),
    ("call_opens", False, True): N_("Opens"),
    ("call_opens", True, False): N_("Opening time passed, but the call has not opened"),
    ("call_opens", True, True): N_("Opening time passed, but the call is not published"),
    ("call_closes", False, False): N_("Deadline"),
    ("call_closes", False, True): N_("Deadline"),
    ("call_closes", True, False): N_("Deadline passed, but the call has not closed"),
    ("call_closes", True, True): N_("Deadline passed, but the call has not closed"),
    ("questions_close", False, False): N_("Questions end"),
    ("questions_close", False, True): N_("Questions end"),
    ("info_event", False, False): N_("Info session: %(subject)s"),
    ("info_event", False, True): N_("Info session: %(subject)s"),
    ("completion_due", False, False): N_("Completion due: %(subject)s"),
    ("completion_due", True, False): N_("Completion overdue: %(subject)s"),
    ("review_due", False, False): N_("Review due: %(subject)s"),
    ("review_due", True, False): N_("Review overdue: %(subject)s"),
    ("standstill_ends", False, False): N_("Standstill ends: contract can be signed"),
    ("standstill_ends", True, False): N_("Standstill over, contract not signed yet"),
}


@dataclasses.dataclass(frozen=True)
class Line:
    """An item as the page shows it: its words and how far it is from now."""

    item: Due
    text: str
    relative: str


def _lines(items: list[Due], now: dt.datetime, overdue: bool, locale: str) -> list[Line]:
    # Translated with the catalogs directly: hundreds of rows, one dictionary look-up each.
    out = []
    for item in items:
        phrase = PHRASES[item.what, overdue, item.unpublished]
        text = translate(phrase, locale, subject=item.subject) if "%(subject)s" in phrase \
            else translate(phrase, locale)
        span = _span(now - item.at if overdue else item.at - now, locale)
        relative = translate(N_("%(time)s ago") if overdue else N_("in %(time)s"), locale, time=span)
        out.append(Line(item, text, relative))
    return out


def _span(delta: dt.timedelta, locale: str) -> str:
    """The two largest units of a time span, as workflow.web.locale.format_time_left words it."""
    ngettext = translations(locale).ngettext
    seconds = max(int(delta.total_seconds()), 60)
    days, rest = divmod(seconds, 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    parts = []
    if days:
        parts.append(ngettext("%(num)d day", "%(num)d days", days) % {"num": days})
    if hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours) % {"num": hours})
    if minutes and not days:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", minutes) % {"num": minutes})
    return " ".join(parts[:2])


@bp.get("/")
def index() -> str:
    board = build_dashboard(clock.now(), _weeks())
    locale = current_locale()
    return render_template("admin/dashboard.html", board=board,
                           overdue=_lines(board.overdue, board.now, True, locale),
                           upcoming=_lines(board.upcoming, board.now, False, locale))
