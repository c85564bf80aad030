"""When a procurement's standstill runs (DOMAIN §4): 14 days, counted under Act 150/1930, from
the delivery of the decision; a decision sent by e-mail is delivered when it is sent.

The `deliver_decision` step writes every bidder's letter into the outbox and records its own
instant (`Call.decision_delivered_at`); the letters leave afterwards. So the standstill starts
at the later of that instant and the sending of the last letter (`sent_at` of the
`procurement_decision` outbox rows of the call's tenders), and no contract is signed while a
bidder has not been served (`unsent`): none of the letters to its people has been sent yet
(waiting, failed, skipped because the recipient left, or never written because the
organisation had nobody to write to). An administrator resolves a failed letter by sending it
again; an organisation without people needs one added before the contract can be made.

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

from models import PROCUREMENT_DECISION, Call, OutboxMessage, Submission

from ..timeutil import standstill_last_day

# The tenders a procurement decision is delivered to (also decisions.TENDERS_DECIDED).
DECIDED = ("awarded", "not_awarded", "excluded")


@dataclasses.dataclass(frozen=True)
class LetterDelivery:
    """How far the procurement decision's letters have gone."""

    unsent: int                         # bidders not served: no letter to them sent yet
    last_sent_at: dt.datetime | None    # when the last letter sent so far left


def letter_delivery(session: so.Session, call_id: int) -> LetterDelivery:
    """Two queries: the call's decided tenders, and the decision letters sent to them. A
    bidder is served when a letter to one of its people has been sent, at the first such
    sending; a bidder with no letter sent (waiting, failed, skipped, or none written because
    the organisation had nobody to write to) is not served, and the contract waits for it."""
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
    served = {t: at for t, at in first_sent.items() if t in tenders}
    return LetterDelivery(len(tenders - served.keys()), max(served.values(), default=None))


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
        start = starts_at(call, letter_delivery(session, call.id))
        if start is None:
            continue
        # A plain UPDATE that only moves the day later, without the call's version: a
        # concurrent edit of the call must not fail (and resend) a whole batch of mail.
        session.execute(
            sa.update(Call).where(Call.id == call.id, sa.or_(
                Call.standstill_last_day.is_(None),
                Call.standstill_last_day < standstill_last_day(start)))
            .values(standstill_last_day=standstill_last_day(start)),
            execution_options={"synchronize_session": False})
        session.expire(call, ["standstill_last_day"])
