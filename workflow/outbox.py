"""The workflow's side of the transactional outbox: what its steps write for the scheduler to
deliver. This module only writes and reads outbox rows, in the caller's transaction; sending
is workflow/scheduler/outbox.py. So the engine and its effects never depend on the scheduler
(STYLE: models ← workflow ← web and scheduler).

The letters the law and the users expect: every submission's receipt, an ESR application's
funding decision, and the procurement decision to every bidder whose tender was opened. Each
is written into the outbox by the step that makes it (`Step.mails` in the workflow
definitions), after the step's audit row and in the same transaction: a decision is never
recorded without its letters, nor a letter written for a decision that was rolled back. The
scheduler delivers them after the commit like every other message (scheduler/README.md,
"Letters").

Each letter is its outbox key, so it is written once per recipient and event:

| kind | recipient | about (instant) | name |
|---|---|---|---|
| `submission_receipt` | the submitter | the version's `received_at` | `v<number>`: a resubmission is a new receipt |
| `funding_decision` | the organisation's applicants | the decision step's instant | the state reached |
| `procurement_decision` | each bidder's applicants | the procurement's `decide` | `decision`: the same decision delivered again is no new letter; a new decision is |

A decision letter is issued at delivery in every language (`decisions.issue`, kept as an
`IssuedDecision`, which the decision page and PDF show) and the recipient's copy is kept with
the message (`data["letter"]`), so the mail says what was decided and delivered then, whatever
changes later; a receipt is composed at sending from its submitted version, which never
changes.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects import postgresql, sqlite

from models import (DECISION_KINDS, FUNDING_DECISION, PROCUREMENT_DECISION, Call, OutboxMessage,
                    Submission, SubmissionVersion)

from .evaluation import decisions
from .evaluation.ranking import build_ranking

RECEIPT = "submission_receipt"
KINDS = (RECEIPT, *DECISION_KINDS)


# Writing ---------------------------------------------------------------------------------------

def enqueue(session: so.Session, recipients: Mapping[int, dict[str, Any] | None], *, kind: str,
            object_type: str, object_id: int, about: dt.datetime, name: str,
            now: dt.datetime) -> int:
    """Write a message of `kind` about an object to each recipient (user id → the message's
    `data`), due at once, in the caller's transaction. A message is its unique key (recipient,
    kind, object, the instant it is `about`, `name`): one already in the outbox is not written
    again. Returns how many were written."""
    return insert_ignoring_duplicates(session, OutboxMessage, [dict(
        recipient_id=recipient_id, kind=kind, object_type=object_type, object_id=object_id,
        deadline=about, offset_name=name, due_at=now, status="pending", reason="", attempts=0,
        next_attempt_at=now, subject="", body_text="", body_html="", link="", data=data,
        created_at=now)
        for recipient_id, data in recipients.items()])


def insert_ignoring_duplicates(session: so.Session, model: type, rows: list[dict[str, Any]]) -> int:
    """Insert rows, skipping those that collide with a unique key; returns how many went in.
    A second computation of the same reminders is harmless because of this."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    table = model.__table__  # type: ignore[attr-defined]
    if dialect == "postgresql":
        stmt = postgresql.insert(table).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).on_conflict_do_nothing()
    else:  # pragma: no cover - the project runs on these two
        raise RuntimeError(f"unsupported database {dialect}")
    # RETURNING counts what went in on both backends, also for a many-row insert.
    stmt = stmt.returning(table.c[next(iter(table.primary_key.columns)).name])
    inserted = 0
    for start in range(0, len(rows), 1000):
        inserted += len(session.execute(stmt, rows[start:start + 1000]).all())
    return inserted


# The letters -----------------------------------------------------------------------------------

def enqueue_receipt(session: so.Session, submission: Submission, now: dt.datetime) -> None:
    """The submitter's receipt of the submission's latest version."""
    version = session.scalars(
        sa.select(SubmissionVersion).where(SubmissionVersion.submission_id == submission.id)
        .order_by(SubmissionVersion.number.desc()).limit(1)).one()
    enqueue(session, {version.submitted_by_id: {"version": version.number}}, kind=RECEIPT,
            object_type="submission", object_id=submission.id, about=version.received_at,
            name=f"v{version.number}", now=now)


def enqueue_decision(session: so.Session, obj: Call | Submission, now: dt.datetime) -> None:
    """An ESR application just decided: its letter. A procurement whose decision is being
    delivered: the letter of every opened tender, keyed by the decision (`decide`)."""
    if isinstance(obj, Submission):
        issued = decisions.issue(session, obj, now, now)
        _enqueue(session, decisions.letters_for(session, obj, letters=issued),
                 kind=FUNDING_DECISION, about=now, name=obj.state, now=now)
        return
    decided = decisions.decision_entry(session, obj)
    if decided is None:  # the workflow delivers only a decided procurement
        raise ValueError(f"call {obj.id}: no decision to deliver")
    ranking = build_ranking(session, obj)
    for tender in session.scalars(sa.select(Submission).where(
            Submission.call_id == obj.id, Submission.state.in_(decisions.TENDERS_DECIDED))
            .order_by(Submission.id)):
        issued = decisions.issue(session, tender, decided.at, now, ranking=ranking)
        _enqueue(session, decisions.letters_for(session, tender, letters=issued),
                 kind=PROCUREMENT_DECISION, about=decided.at, name="decision", now=now)


def _enqueue(session: so.Session, letters: Iterable[decisions.OutgoingLetter], *, kind: str,
             about: dt.datetime, name: str, now: dt.datetime) -> None:
    by_submission: dict[int, dict[int, dict]] = {}
    for out in letters:
        by_submission.setdefault(out.submission.id, {})[out.recipient.id] = {
            "letter": out.letter.as_json()}
    for submission_id, recipients in by_submission.items():
        enqueue(session, recipients, kind=kind, object_type="submission",
                object_id=submission_id, about=about, name=name, now=now)


# Reading ---------------------------------------------------------------------------------------

def decision_mails(session: so.Session, submissions: Iterable[Submission]
                   ) -> dict[int, list[OutboxMessage]]:
    """The decision letters written for these submissions (the outbox rows: recipient,
    `status`, `sent_at`, `next_attempt_at`), per submission id, in the order written."""
    ids = [s.id for s in submissions]
    found: dict[int, list[OutboxMessage]] = {i: [] for i in ids}
    if ids:
        for row in session.scalars(sa.select(OutboxMessage).where(
                OutboxMessage.kind.in_(DECISION_KINDS), OutboxMessage.object_type == "submission",
                OutboxMessage.object_id.in_(ids)).order_by(OutboxMessage.id)):
            found[row.object_id].append(row)
    return found
