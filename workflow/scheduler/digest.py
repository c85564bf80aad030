"""The administrators' daily digest: what closes or falls due in the next 14 days and what is
overdue, as true at the moment it is written. Each list is a bounded, index-driven query."""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Call, EvaluatorAssignment, OutboxMessage, Report, Submission, User

from ..evaluation.queries import counted_versions, title_of
from ..timeutil import HELSINKI
from .reminders import ACCEPTING_CALL_STATES, REPORT_OPEN, REVIEWABLE, signable_from

HORIZON = dt.timedelta(days=14)
# Items per list in one digest; a longer list ends with "and more".
LIMIT = 50


@dataclasses.dataclass(frozen=True)
class Item:
    """One line of the digest: what (`what` and its parameters) and when."""

    what: str
    at: dt.datetime
    params: dict[str, object]
    path: str


@dataclasses.dataclass
class Digest:
    upcoming: list[Item]
    overdue: list[Item]
    undelivered: list[Item]
    more: dict[str, bool]           # a list was cut at LIMIT items


def digest_items(session: so.Session, now: dt.datetime) -> Digest:
    until = now + HORIZON
    upcoming: list[Item] = []
    overdue: list[Item] = []
    more: dict[str, bool] = {}

    calls = session.execute(
        sa.select(Call.id, Call.title, Call.kind, Call.deadline)
        .where(Call.state.in_(ACCEPTING_CALL_STATES), Call.deadline > now, Call.deadline <= until)
        .order_by(Call.deadline).limit(LIMIT + 1)).all()
    counts = _submission_counts(session, [c.id for c in calls])
    for c in calls:
        drafts, submitted = counts.get(c.id, (0, 0))
        upcoming.append(Item("call_closes", c.deadline, {"call": c.title, "drafts": drafts,
                                                          "submitted": submitted}, f"/calls/{c.id}"))
    for c in session.execute(
            sa.select(Call.id, Call.title, Call.opens_at)
            .where(Call.state == "published", Call.opens_at > now, Call.opens_at <= until)
            .order_by(Call.opens_at).limit(LIMIT + 1)):
        upcoming.append(Item("call_opens", c.opens_at, {"call": c.title}, f"/calls/{c.id}"))

    completion = (sa.select(Submission.id, Submission.completion_due_at, Submission.kind,
                            Submission.organisation_id)
                  .where(Submission.state == "returned_for_completion"))
    for s in session.execute(completion.where(Submission.completion_due_at > now,
                                              Submission.completion_due_at <= until)
                             .order_by(Submission.completion_due_at).limit(LIMIT + 1)):
        upcoming.append(_completion_item("completion_due", s))
    for s in session.execute(completion.where(Submission.completion_due_at <= now)
                             .order_by(Submission.completion_due_at).limit(LIMIT + 1)):
        overdue.append(_completion_item("completion_overdue", s))

    reviews = (sa.select(EvaluatorAssignment.due_at, EvaluatorAssignment.submission_id,
                         Submission.kind, User.name)
               .join(Submission, Submission.id == EvaluatorAssignment.submission_id)
               .join(User, User.id == EvaluatorAssignment.evaluator_id)
               .where(EvaluatorAssignment.completed_at.is_(None),
                      sa.or_(EvaluatorAssignment.conflict.is_(None),
                             EvaluatorAssignment.conflict.is_(False)),
                      Submission.state.in_(REVIEWABLE)))
    for r in session.execute(reviews.where(EvaluatorAssignment.due_at > now,
                                           EvaluatorAssignment.due_at <= until)
                             .order_by(EvaluatorAssignment.due_at).limit(LIMIT + 1)):
        upcoming.append(_review_item("review_due", r))
    for r in session.execute(reviews.where(EvaluatorAssignment.due_at <= now)
                             .order_by(EvaluatorAssignment.due_at).limit(LIMIT + 1)):
        overdue.append(_review_item("review_overdue", r))

    reports = (sa.select(Report.id, Report.due_at, Report.report_type, Report.sequence,
                         Report.submission_id)
               .where(Report.state.in_(REPORT_OPEN)))
    due = session.execute(reports.where(Report.due_at > now, Report.due_at <= until)
                          .order_by(Report.due_at).limit(LIMIT + 1)).all()
    late = session.execute(reports.where(Report.due_at <= now)
                           .order_by(Report.due_at).limit(LIMIT + 1)).all()
    # The titles received (administrators read the version that counts, not the working copy).
    received = counted_versions(session, {r.submission_id for r in (*due, *late)})
    upcoming.extend(_report_item("report_due", r, received) for r in due)
    overdue.extend(_report_item("report_overdue", r, received) for r in late)

    for c in session.execute(sa.select(Call.id, Call.title, Call.standstill_last_day)
                             .where(Call.state == "standstill").order_by(Call.id).limit(LIMIT + 1)):
        signable = signable_from(c.standstill_last_day)
        params = {"call": c.title, "day": c.standstill_last_day,
                  "from_day": signable.astimezone(HELSINKI).date()}
        if signable > until:
            continue
        if signable > now:
            upcoming.append(Item("standstill_ends", signable, params, f"/calls/{c.id}"))
        else:
            overdue.append(Item("contract_unsigned", signable, params, f"/calls/{c.id}"))

    undelivered = [Item("undelivered", m.sent_at or m.created_at,
                        {"subject": m.subject or m.kind, "recipient": m.recipient.email,
                         "error": m.reason}, "/notifications")
                   for m in session.scalars(
                       sa.select(OutboxMessage)
                       .where(OutboxMessage.status == "failed",
                              OutboxMessage.created_at > now - HORIZON)
                       .order_by(OutboxMessage.id.desc()).limit(LIMIT + 1))]
    for name, items in (("upcoming", upcoming), ("overdue", overdue), ("undelivered", undelivered)):
        items.sort(key=lambda item: item.at)
        more[name] = len(items) > LIMIT
        del items[LIMIT:]
    return Digest(upcoming, overdue, undelivered, more)


def _submission_counts(session: so.Session, call_ids: list[int]) -> dict[int, tuple[int, int]]:
    if not call_ids:
        return {}
    rows = session.execute(
        sa.select(Submission.call_id, Submission.state, sa.func.count())
        .where(Submission.call_id.in_(call_ids), Submission.state.in_(("draft", "submitted")))
        .group_by(Submission.call_id, Submission.state)).all()
    counts: dict[int, tuple[int, int]] = {}
    for call_id, state, n in rows:
        drafts, submitted = counts.get(call_id, (0, 0))
        counts[call_id] = (drafts + n, submitted) if state == "draft" else (drafts, submitted + n)
    return counts


def _completion_item(what: str, s: sa.Row) -> Item:
    return Item(what, s.completion_due_at, {"kind": s.kind, "id": s.id}, f"/submissions/{s.id}")


def _review_item(what: str, r: sa.Row) -> Item:
    return Item(what, r.due_at, {"kind": r.kind, "id": r.submission_id, "evaluator": r.name},
                f"/submissions/{r.submission_id}")


def _report_item(what: str, r: sa.Row, received: dict) -> Item:
    return Item(what, r.due_at, {"report_type": r.report_type, "sequence": r.sequence,
                                 "title": title_of(received.get(r.submission_id))},
                f"/reports/{r.id}")
