"""Which reminders are due, computed into the outbox exactly once (DOMAIN §6).

A *rule* names a kind of deadline (a call closing for applicants with a draft, a completion
due date, an evaluator's review due date, the end of a standstill period), the reminders
(offsets) before or after it, how to find the deadlines whose reminders may be due now (an
index-driven query over a bounded window of time), and who receives them.

A sweep at `now`, for each deadline in its window:

1. the rule's moments that have passed (moment <= now) are the candidates; the latest of them
   is the *current* reminder, the earlier ones are *superseded* (DOMAIN §6: after downtime, the
   one-day reminder goes out late, the seven-day one is recorded as skipped);
2. a moment already in `reminder_batches` is done; otherwise a batch row is inserted (unique
   key: kind, object, deadline, offset) and, only if that insert took, the recipients are
   fanned out into the outbox (unique key: recipient, kind, object, deadline, offset), as
   `pending` for the current reminder and `skipped` for superseded ones and for optional
   reminders the recipient switched off.

Computing twice inserts nothing the second time: that is the "exactly-once computation". The
batch rows are what keep a sweep cheap: a deadline whose current reminder is computed costs
one indexed look-up, however many drafts the call has.

Offsets: hours are real time (2 h before is 2 h of elapsed time, whatever the clock on the
wall does in between); days are calendar days in Helsinki wall time ("1 d before 3.6.2024
16.15" is 2.6.2024 16.15 local time, also across an EET/EEST change).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import (
    Call,
    EvaluatorAssignment,
    Milestone,
    NotificationPreference,
    OutboxMessage,
    Pilot,
    ReminderBatch,
    Report,
    Submission,
    User,
    UserRole,
)

from ..outbox import insert_ignoring_duplicates
from ..timeutil import HELSINKI, UTC, local_instant

# An overdue reminder that could not be computed within this long after its moment is no
# longer useful as a mail (the administrators' digest lists what is overdue).
OVERDUE_USEFUL = dt.timedelta(days=30)
# The administrators' daily digest is computed at this Helsinki wall-clock hour.
DIGEST_HOUR = 7
# States in which a call takes submissions (drafts exist only then).
ACCEPTING_CALL_STATES = ("published", "open", "tendering")
# States in which a report is still to be (re)submitted.
REPORT_OPEN = ("draft", "returned")
# States in which an evaluator's review is still wanted.
REVIEWABLE = ("submitted", "eligibility_check", "returned_for_completion", "in_evaluation",
              "opened", "qualified")


@dataclasses.dataclass(frozen=True)
class Offset:
    """A reminder's moment relative to its deadline: `days` in Helsinki calendar days, or
    `hours` of real time; negative is before the deadline."""

    name: str
    days: int = 0
    hours: int = 0

    def moment(self, deadline: dt.datetime) -> dt.datetime:
        if self.days:
            # Aware arithmetic in a zoneinfo zone keeps the wall-clock time.
            local = deadline.astimezone(HELSINKI) + dt.timedelta(days=self.days)
            return local.astimezone(UTC)
        return deadline + dt.timedelta(hours=self.hours)

    @property
    def after_deadline(self) -> bool:
        """At or after the deadline: an overdue reminder, a notice that something ended."""
        return self.days >= 0 and self.hours >= 0


BEFORE_14D, BEFORE_7D, BEFORE_1D = Offset("14d", days=-14), Offset("7d", days=-7), Offset("1d", days=-1)
BEFORE_2H = Offset("2h", hours=-2)
OVERDUE = Offset("overdue")
AT = Offset("0")
AFTER_7D = Offset("+7d", days=7)


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A deadline whose reminders may be due: the object it belongs to and its instant."""

    object_id: int
    deadline: dt.datetime


@dataclasses.dataclass(frozen=True)
class Recipient:
    """Who gets one reminder, about which object (a draft, a submission, an assignment)."""

    user_id: int
    object_type: str
    object_id: int


CandidateQuery = Callable[[so.Session, dt.datetime, dt.datetime, dt.datetime], Sequence[Candidate]]
RecipientQuery = Callable[[so.Session, int], Sequence[Recipient]]


@dataclasses.dataclass(frozen=True)
class Rule:
    kind: str
    object_type: str                 # of the deadline's object (the batch)
    offsets: tuple[Offset, ...]      # earliest moment first
    essential: frozenset[str]        # offsets that preferences cannot switch off
    candidates: CandidateQuery       # (session, low, high, now) → deadlines in (low, high]
    recipients: RecipientQuery

    def window(self, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """Deadlines whose reminders can be due now lie in (low, high]. A day of slack on the
        early side covers an EET/EEST change between a moment and its deadline."""
        before = [o for o in self.offsets if not o.after_deadline]
        after = [o for o in self.offsets if o.after_deadline]
        high = now + max((now - o.moment(now) for o in before), default=dt.timedelta(0)) \
            + dt.timedelta(days=1)
        low = now - max((o.moment(now) - now for o in after), default=dt.timedelta(0)) \
            - (OVERDUE_USEFUL if after else dt.timedelta(0))
        return low, high

    def useful(self, offset: Offset, deadline: dt.datetime, now: dt.datetime) -> bool:
        """A reminder before a deadline is useful until the deadline; one after it for a while."""
        if offset.after_deadline:
            return now < offset.moment(deadline) + OVERDUE_USEFUL
        return now < deadline


# Candidate and recipient queries ---------------------------------------------------------------

def _applicants_of(organisation_id: sa.ColumnElement[int]) -> sa.Select[Any]:
    return (sa.select(User.id)
            .join(UserRole, sa.and_(UserRole.user_id == User.id, UserRole.role == "applicant"))
            .where(User.organisation_id == organisation_id, User.is_active.is_(True)))


def _calls_closing(session: so.Session, low: dt.datetime, high: dt.datetime,
                   now: dt.datetime) -> Sequence[Candidate]:
    rows = session.execute(
        sa.select(Call.id, Call.deadline)
        .where(Call.deadline > max(low, now), Call.deadline <= high,
               Call.state.in_(ACCEPTING_CALL_STATES))
        .order_by(Call.deadline, Call.id)).all()
    return [Candidate(r.id, r.deadline) for r in rows]


def _draft_recipients(session: so.Session, call_id: int) -> Sequence[Recipient]:
    """Every active applicant of each organisation with an unsubmitted draft in the call:
    one reminder per draft."""
    rows = session.execute(
        sa.select(User.id.label("user_id"), Submission.id.label("submission_id"))
        .select_from(Submission)
        .join(User, User.organisation_id == Submission.organisation_id)
        .join(UserRole, sa.and_(UserRole.user_id == User.id, UserRole.role == "applicant"))
        .where(Submission.call_id == call_id, Submission.state == "draft",
               User.is_active.is_(True))
        .order_by(Submission.id, User.id)).all()
    return [Recipient(r.user_id, "submission", r.submission_id) for r in rows]


def _completions_due(session: so.Session, low: dt.datetime, high: dt.datetime,
                     now: dt.datetime) -> Sequence[Candidate]:
    rows = session.execute(
        sa.select(Submission.id, Submission.completion_due_at)
        .where(Submission.completion_due_at > low, Submission.completion_due_at <= high,
               Submission.state == "returned_for_completion")
        .order_by(Submission.completion_due_at, Submission.id)).all()
    return [Candidate(r.id, r.completion_due_at) for r in rows]


def _completion_recipients(session: so.Session, submission_id: int) -> Sequence[Recipient]:
    organisation_id = sa.select(Submission.organisation_id).where(
        Submission.id == submission_id).scalar_subquery()
    users = session.scalars(_applicants_of(organisation_id).order_by(User.id)).all()
    return [Recipient(u, "submission", submission_id) for u in users]


def _reviews_due(session: so.Session, low: dt.datetime, high: dt.datetime,
                 now: dt.datetime) -> Sequence[Candidate]:
    rows = session.execute(
        sa.select(EvaluatorAssignment.id, EvaluatorAssignment.due_at)
        .join(Submission, Submission.id == EvaluatorAssignment.submission_id)
        .where(EvaluatorAssignment.due_at > low, EvaluatorAssignment.due_at <= high,
               EvaluatorAssignment.completed_at.is_(None),
               sa.or_(EvaluatorAssignment.conflict.is_(None),
                      EvaluatorAssignment.conflict.is_(False)),
               Submission.state.in_(REVIEWABLE))
        .order_by(EvaluatorAssignment.due_at, EvaluatorAssignment.id)).all()
    return [Candidate(r.id, r.due_at) for r in rows]


def _review_recipients(session: so.Session, assignment_id: int) -> Sequence[Recipient]:
    row = session.execute(
        sa.select(EvaluatorAssignment.evaluator_id)
        .join(User, User.id == EvaluatorAssignment.evaluator_id)
        .where(EvaluatorAssignment.id == assignment_id, User.is_active.is_(True))).first()
    return [Recipient(row.evaluator_id, "assignment", assignment_id)] if row else []


def _reports_due(session: so.Session, low: dt.datetime, high: dt.datetime,
                 now: dt.datetime) -> Sequence[Candidate]:
    rows = session.execute(
        sa.select(Report.id, Report.due_at)
        .where(Report.due_at > low, Report.due_at <= high, Report.state.in_(REPORT_OPEN))
        .order_by(Report.due_at, Report.id)).all()
    return [Candidate(r.id, r.due_at) for r in rows]


def _report_recipients(session: so.Session, report_id: int) -> Sequence[Recipient]:
    organisation_id = (sa.select(Submission.organisation_id)
                       .join(Report, Report.submission_id == Submission.id)
                       .where(Report.id == report_id).scalar_subquery())
    users = session.scalars(_applicants_of(organisation_id).order_by(User.id)).all()
    return [Recipient(u, "report", report_id) for u in users]


def _milestones_due(session: so.Session, low: dt.datetime, high: dt.datetime,
                    now: dt.datetime) -> Sequence[Candidate]:
    rows = session.execute(
        sa.select(Milestone.id, Milestone.due_at)
        .where(Milestone.due_at > low, Milestone.due_at <= high, Milestone.done_at.is_(None))
        .order_by(Milestone.due_at, Milestone.id)).all()
    return [Candidate(r.id, r.due_at) for r in rows]


def _milestone_recipients(session: so.Session, milestone_id: int) -> Sequence[Recipient]:
    """The supplier's applicants (the pilot's awarded tender's organisation)."""
    organisation_id = (sa.select(Submission.organisation_id)
                       .join(Pilot, Pilot.submission_id == Submission.id)
                       .join(Milestone, Milestone.pilot_id == Pilot.id)
                       .where(Milestone.id == milestone_id).scalar_subquery())
    users = session.scalars(_applicants_of(organisation_id).order_by(User.id)).all()
    return [Recipient(u, "milestone", milestone_id) for u in users]


def signable_from(last_day: dt.date) -> dt.datetime:
    """The instant a contract may be signed: 00.00 Helsinki time the day after the standstill's
    last day (DOMAIN §4)."""
    return local_instant(last_day + dt.timedelta(days=1), 0)


def _standstills(session: so.Session, low: dt.datetime, high: dt.datetime,
                 now: dt.datetime) -> Sequence[Candidate]:
    # Few procurements are ever in standstill at once; the state index bounds the scan.
    rows = session.execute(
        sa.select(Call.id, Call.standstill_last_day)
        .where(Call.state == "standstill", Call.standstill_last_day.is_not(None))
        .order_by(Call.id)).all()
    found = [Candidate(r.id, signable_from(r.standstill_last_day)) for r in rows]
    return [c for c in found if low < c.deadline <= high]


def _admin_recipients(object_type: str) -> RecipientQuery:
    def recipients(session: so.Session, object_id: int) -> Sequence[Recipient]:
        return [Recipient(u, object_type, object_id) for u in active_admin_ids(session)]
    return recipients


def active_admin_ids(session: so.Session) -> list[int]:
    return list(session.scalars(
        sa.select(User.id).join(UserRole, sa.and_(UserRole.user_id == User.id,
                                                  UserRole.role == "admin"))
        .where(User.is_active.is_(True)).order_by(User.id)))


RULES: tuple[Rule, ...] = (
    Rule("draft_deadline", "call", (BEFORE_14D, BEFORE_7D, BEFORE_1D, BEFORE_2H),
         frozenset({"2h"}), _calls_closing, _draft_recipients),
    Rule("completion_due", "submission", (BEFORE_7D, BEFORE_1D, OVERDUE),
         frozenset({"1d"}), _completions_due, _completion_recipients),
    Rule("review_due", "assignment", (BEFORE_7D, BEFORE_1D, OVERDUE),
         frozenset({"1d"}), _reviews_due, _review_recipients),
    Rule("report_due", "report", (BEFORE_7D, BEFORE_1D, OVERDUE),
         frozenset({"1d"}), _reports_due, _report_recipients),
    Rule("milestone_due", "milestone", (BEFORE_7D, BEFORE_1D, OVERDUE),
         frozenset({"1d"}), _milestones_due, _milestone_recipients),
    # The standstill's end is a single notice: nothing to switch off.
    Rule("standstill_end", "call", (AT,), frozenset({"0"}), _standstills,
         _admin_recipients("call")),
    Rule("contract_signature", "call", (AFTER_7D,), frozenset(), _standstills,
         _admin_recipients("call")),
)
RULES_BY_KIND = {rule.kind: rule for rule in RULES}


# Computing -------------------------------------------------------------------------------------

@dataclasses.dataclass
class ComputeReport:
    batches: int = 0          # reminder moments computed now
    superseded: int = 0       # reminder moments recorded as skipped
    pending: int = 0          # outbox rows to send
    skipped: int = 0          # outbox rows recorded as skipped

    def add(self, other: ComputeReport) -> None:
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


def compute_reminders(session: so.Session, now: dt.datetime) -> ComputeReport:
    """Every rule's due reminders plus today's digest into the outbox. Flushes, never commits."""
    report = ComputeReport()
    for rule in RULES:
        report.add(compute_rule(session, rule, now))
    report.add(compute_digest(session, now))
    return report


def compute_rule(session: so.Session, rule: Rule, now: dt.datetime) -> ComputeReport:
    report = ComputeReport()
    low, high = rule.window(now)
    candidates = rule.candidates(session, low, high, now)
    if not candidates:
        return report
    done = _batches_done(session, rule, candidates)
    for candidate in candidates:
        passed = [o for o in rule.offsets if o.moment(candidate.deadline) <= now]
        if not passed or (candidate.deadline, passed[-1].name) in done[candidate.object_id]:
            continue
        current, superseded = passed[-1], passed[:-1]
        recipients: Sequence[Recipient] | None = None
        for offset in superseded:
            if (candidate.deadline, offset.name) in done[candidate.object_id]:
                continue
            reason = f"superseded by {current.name}"
            if _claim_batch(session, rule, candidate, offset, now, "skipped", reason):
                recipients = rule.recipients(session, candidate.object_id) if recipients is None else recipients
                report.superseded += 1
                report.skipped += _fan_out(session, rule, candidate, offset, recipients, now,
                                           status="skipped", reason=reason)
        if not rule.useful(current, candidate.deadline, now):
            reason = "no longer useful"
            if _claim_batch(session, rule, candidate, current, now, "skipped", reason):
                report.superseded += 1
            continue
        if _claim_batch(session, rule, candidate, current, now, "computed", ""):
            recipients = rule.recipients(session, candidate.object_id) if recipients is None else recipients
            report.batches += 1
            optional_off = set() if current.name in rule.essential else _optional_off(
                session, [r.user_id for r in recipients])
            on = [r for r in recipients if r.user_id not in optional_off]
            off = [r for r in recipients if r.user_id in optional_off]
            report.pending += _fan_out(session, rule, candidate, current, on, now,
                                       status="pending")
            report.skipped += _fan_out(session, rule, candidate, current, off, now,
                                       status="skipped", reason="optional reminders off")
    session.flush()
    return report


def _batches_done(session: so.Session, rule: Rule,
                  candidates: Sequence[Candidate]) -> dict[int, set[tuple[dt.datetime, str]]]:
    done: dict[int, set[tuple[dt.datetime, str]]] = {c.object_id: set() for c in candidates}
    ids = list(done)
    for start in range(0, len(ids), 1000):
        rows = session.execute(
            sa.select(ReminderBatch.object_id, ReminderBatch.deadline, ReminderBatch.offset_name)
            .where(ReminderBatch.kind == rule.kind, ReminderBatch.object_type == rule.object_type,
                   ReminderBatch.object_id.in_(ids[start:start + 1000]))).all()
        for row in rows:
            done[row.object_id].add((row.deadline, row.offset_name))
    return done


def _claim_batch(session: so.Session, rule: Rule, candidate: Candidate, offset: Offset,
                 now: dt.datetime, status: str, reason: str) -> bool:
    """Insert the batch row; True if this sweep inserted it (and so owns the fan-out)."""
    inserted = insert_ignoring_duplicates(session, ReminderBatch, [dict(
        kind=rule.kind, object_type=rule.object_type, object_id=candidate.object_id,
        deadline=candidate.deadline, offset_name=offset.name, status=status, reason=reason,
        recipients=0, computed_at=now)])
    return inserted == 1


def _fan_out(session: so.Session, rule: Rule, candidate: Candidate, offset: Offset,
             recipients: Sequence[Recipient], now: dt.datetime, *, status: str,
             reason: str = "") -> int:
    if not recipients:
        return 0
    moment = offset.moment(candidate.deadline)
    rows = [dict(recipient_id=r.user_id, kind=rule.kind, object_type=r.object_type,
                 object_id=r.object_id, deadline=candidate.deadline, offset_name=offset.name,
                 due_at=moment, status=status, reason=reason, attempts=0,
                 next_attempt_at=now if status == "pending" else None,
                 subject="", body_text="", body_html="", link="", created_at=now)
            for r in recipients]
    count = insert_ignoring_duplicates(session, OutboxMessage, rows)
    session.execute(
        sa.update(ReminderBatch)
        .where(ReminderBatch.kind == rule.kind, ReminderBatch.object_type == rule.object_type,
               ReminderBatch.object_id == candidate.object_id,
               ReminderBatch.deadline == candidate.deadline,
               ReminderBatch.offset_name == offset.name)
        .values(recipients=ReminderBatch.recipients + count))
    return count


def _optional_off(session: so.Session, user_ids: list[int]) -> set[int]:
    off: set[int] = set()
    for start in range(0, len(user_ids), 1000):
        off.update(session.scalars(
            sa.select(NotificationPreference.user_id)
            .where(NotificationPreference.user_id.in_(user_ids[start:start + 1000]),
                   NotificationPreference.optional_reminders_enabled.is_(False))))
    return off


# The administrators' daily digest -----------------------------------------------------------

def digest_moment(now: dt.datetime) -> dt.datetime:
    """Today's digest moment: DIGEST_HOUR.00 Helsinki time."""
    return local_instant(now.astimezone(HELSINKI).date(), DIGEST_HOUR)


def compute_digest(session: so.Session, now: dt.datetime) -> ComputeReport:
    """One digest a day for each administrator who wants it, from DIGEST_HOUR on. Days the
    scheduler missed are not made up for: today's digest tells what is true today."""
    report = ComputeReport()
    moment = digest_moment(now)
    if now < moment:
        return report
    local_day = moment.astimezone(HELSINKI).date()
    day_id = int(local_day.strftime("%Y%m%d"))
    candidate = Candidate(day_id, moment)
    rule = DIGEST_RULE
    if not _claim_batch(session, rule, candidate, DAILY, now, "computed", ""):
        return report
    no_digest = set(session.scalars(
        sa.select(NotificationPreference.user_id)
        .where(NotificationPreference.digest_enabled.is_(False))))
    recipients = [Recipient(u, "day", day_id) for u in active_admin_ids(session)
                  if u not in no_digest]
    report.batches += 1
    report.pending += _fan_out(session, rule, candidate, DAILY, recipients, now, status="pending")
    session.flush()
    return report


DAILY = Offset("daily")
DIGEST_RULE = Rule("digest", "day", (DAILY,), frozenset({"daily"}),
                   lambda *_: (), _admin_recipients("day"))
