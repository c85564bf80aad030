"""When a procurement's standstill runs (DOMAIN §4): 14 days, counted under Act 150/1930, from
the delivery of the decision; a decision sent by e-mail is delivered when it is sent.

The `deliver_decision` step writes every bidder's letter into the outbox and records its own
instant (`Call.decision_delivered_at`); the letters leave afterwards. So the standstill starts
at the later of that instant and the sending of the last letter (`sent_at` of the
`procurement_decision` outbox rows of the call's tenders), and no contract is signed while a
letter is still waiting, being sent, or failed (`unsent`). A letter *skipped* because its
recipient left the organisation has nobody to reach and is not waited for.

`Call.standstill_last_day` is stored, so that the reminders, the digest, the calendars, the
dashboard and the API read it with the call: set from the delivery step's instant by the step,
and counted again (`letters_sent`) in the transaction where the outbox records a letter as
sent. Once every letter has been sent it is final, and the guard and every page agree on it.

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

# Outbox states of a letter that has not reached its recipient but still may, or failed.
UNSENT = ("pending", "sending", "failed")


@dataclasses.dataclass(frozen=True)
class LetterDelivery:
    """How far the procurement decision's letters have gone."""

    unsent: int                         # bidders with a letter not (yet) sent
    last_sent_at: dt.datetime | None    # when the last letter sent so far left


def letter_delivery(session: so.Session, call_id: int) -> LetterDelivery:
    """One query over the decision letters of the call's tenders."""
    rows = session.execute(
        sa.select(OutboxMessage.object_id, OutboxMessage.status, OutboxMessage.sent_at)
        .join(Submission, Submission.id == OutboxMessage.object_id)
        .where(OutboxMessage.kind == PROCUREMENT_DECISION,
               OutboxMessage.object_type == "submission", Submission.call_id == call_id)).all()
    unsent = {r.object_id for r in rows if r.status in UNSENT}
    sent = [r.sent_at for r in rows if r.status == "sent" and r.sent_at is not None]
    return LetterDelivery(len(unsent), max(sent, default=None))


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
        if start is not None:
            last_day = standstill_last_day(start)
            if call.standstill_last_day != last_day:
                call.standstill_last_day = last_day
    session.flush()
