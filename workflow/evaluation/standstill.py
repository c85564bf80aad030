"""When a procurement's standstill runs (DOMAIN §4): 14 days, counted under Act 150/1930, from
the delivery of the decision; a decision sent by e-mail is delivered when it is sent.

The `deliver_decision` step writes every bidder's letter into the outbox and records its own
instant (`Call.decision_delivered_at`); the letters leave afterwards. So the standstill starts
at the later of that instant and the sending of the last letter (`sent_at` of the
`procurement_decision` outbox rows of the call's tenders), and no contract is signed while a
bidder has not been served (`unsent`): none of the letters to its people has been sent yet
(waiting, failed, skipped because the recipient left, or never written because the
organisation had nobody to write to). An administrator resolves it by sending a failed letter
again, or by recording a delivery by other means (a registered letter, by hand:
`decisions.record_served_otherwise`, audited on the tender), which counts from its instant.

`Call.standstill_last_day` is stored, so that the reminders, the digest, the calendars, the
dashboard and the API read it with the call: set from the delivery step's instant by the step,
and counted again (`letters_sent`) in the transaction where the outbox records a letter as
sent, only ever later. Once every bidder has been served it is final, and the guard and every
page agree on it.

Read-only but for `letters_sent`; no engine import (the guards use it).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import PROCUREMENT_DECISION, AuditEntry, Call, OutboxMessage, Submission

from ..timeutil import standstill_last_day

# The tenders a procurement decision is delivered to (also decisions.TENDERS_DECIDED).
DECIDED = ("awarded", "not_awarded", "excluded")


# The audit event of a bidder served by other means (decisions.record_served_otherwise).
SERVED_OTHERWISE = "served_by_other_means"


@dataclasses.dataclass(frozen=True)
class LetterDelivery:
    """How far the procurement decision's letters have gone."""

    unsent: int                         # bidders not served: no letter to them sent yet
    last_sent_at: dt.datetime | None    # when the last bidder served so far was served
    unserved: frozenset[int] = frozenset()  # those bidders' tender ids


def letter_delivery(session: so.Session, call_id: int) -> LetterDelivery:
    """Three queries: the call's decided tenders, the decision letters sent to them, and the
    deliveries recorded by other means. A bidder is served when a letter to one of its
    people has been sent, or when an administrator recorded its delivery by other means (a
    registered letter, by hand), whichever came first; a bidder with neither (its letter
    waiting, failed, skipped, or none written because the organisation had nobody to write
    to) is not served, and the contract waits for it."""
    tenders = set(session.scalars(sa.select(Submission.id).where(
        Submission.call_id == call_id, Submission.state.in_(DECIDED))))
    first_sent: dict[int, dt.datetime] = {}
    for tender_id, sent_at in session.execute(
            sa.select(OutboxMessage.object_id, OutboxMessage.sent_at)
            .join(Submission, Submission.id == OutboxMessage.object_id)
            .where(OutboxMessage.kind == PROCUREMENT_DECISION, OutboxMessage.status == "sent",
                   OutboxMessage.object_type == "submission", Submission.call_id == call_id,
                   OutboxMessage.sent_at.is_not(None))):
        first_sent[tender_id] = min(sent_at, first_sent.get(tender_id, sent_at))
    for tender_id, data in session.execute(
            sa.select(AuditEntry.object_id, AuditEntry.data)
            .where(AuditEntry.object_type == "submission", AuditEntry.trigger == SERVED_OTHERWISE,
                   AuditEntry.object_id.in_(tenders))):
        at = dt.datetime.fromisoformat(data["served_at"])
        first_sent[tender_id] = min(at, first_sent.get(tender_id, at))
    served = {t: at for t, at in first_sent.items() if t in tenders}
    unserved = frozenset(tenders - served.keys())
    return LetterDelivery(len(unserved), max(served.values(), default=None), unserved)


def starts_at(call: Call, delivery: LetterDelivery) -> dt.datetime | None:
    """The delivery the standstill counts from: the later of the delivery step and the last
    letter sent. None before the decision is delivered."""
    if call.decision_delivered_at is None:
        return None
    if delivery.last_sent_at is None:
        return call.decision_delivered_at
    return max(call.decision_delivered_at, delivery.last_sent_at)


def letters_sent(session: so.Session, outbox_ids: Iterable[int]) -> None:
    """The outbox has just recorded these rows as sent: count again the standstill of every
    procurement in its standstill whose decision letter is among them."""
    ids = list(outbox_ids)
    if not ids:
        return
    calls = session.scalars(
        sa.select(Call).where(Call.state == "standstill", Call.id.in_(
            sa.select(Submission.call_id)
            .join(OutboxMessage, OutboxMessage.object_id == Submission.id)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.kind == PROCUREMENT_DECISION,
                   OutboxMessage.object_type == "submission"))))
    for call in calls:
        recount(session, call)


def recount(session: so.Session, call: Call) -> None:
    """Count the standstill's last day again from the bidders served so far."""
    start = starts_at(call, letter_delivery(session, call.id))
    if start is not None:
        # A plain UPDATE that only moves the day later, without the call's version: a
        # concurrent edit of the call must not fail (and resend) a whole batch of mail.
        session.execute(
            sa.update(Call).where(Call.id == call.id, sa.or_(
                Call.standstill_last_day.is_(None),
                Call.standstill_last_day < standstill_last_day(start)))
            .values(standstill_last_day=standstill_last_day(start)),
            execution_options={"synchronize_session": False})
        session.expire(call, ["standstill_last_day"])
