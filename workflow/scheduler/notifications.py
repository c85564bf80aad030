"""In-app notifications: what was sent to a user and when (the outbox is the record), and,
for administrators, the messages that could not be delivered."""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Call, OutboxMessage, Report, Submission, User

from .. import clock
from ..engine import record_event
from ..errors import WorkflowError, not_allowed
from ..i18n import N_
from ..permissions import is_admin

# What a user is shown: sent messages, and those that failed (the app shows what the mail
# could not).
SHOWN = ("sent", "failed")


def list_notifications(session: so.Session, user: User, *, limit: int = 50,
                       before_id: int | None = None) -> list[OutboxMessage]:
    """The user's messages, newest first; page with `before_id` (the last id shown).
    Each row has subject, body_text, body_html, link, status, sent_at, read_at."""
    query = (sa.select(OutboxMessage)
             .where(OutboxMessage.recipient_id == user.id, OutboxMessage.status.in_(SHOWN))
             .order_by(OutboxMessage.id.desc()).limit(max(1, min(limit, 200))))
    if before_id is not None:
        query = query.where(OutboxMessage.id < before_id)
    return list(session.scalars(query))


def unread_count(session: so.Session, user: User) -> int:
    return session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.recipient_id == user.id, OutboxMessage.status.in_(SHOWN),
               OutboxMessage.read_at.is_(None))) or 0


def mark_read(session: so.Session, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them, or those listed); returns how many."""
    query = (sa.update(OutboxMessage)
             .where(OutboxMessage.recipient_id == user.id, OutboxMessage.status.in_(SHOWN),
                    OutboxMessage.read_at.is_(None))
             .values(read_at=clock.now()))
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    return session.execute(query, execution_options={"synchronize_session": False}).rowcount


def failed_deliveries(session: so.Session, actor: User, *, limit: int = 100) -> list[OutboxMessage]:
    """Messages that failed for good, newest first (administrators only)."""
    if not is_admin(actor):
        raise not_allowed()
    return list(session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.status == "failed")
        .order_by(OutboxMessage.id.desc()).limit(limit)))


AUDITED = {"submission": Submission, "call": Call, "report": Report}


def send_again(session: so.Session, actor: User, message_id: int) -> OutboxMessage:
    """An administrator sends a failed message again (the recipient's address corrected, the
    mail server mended): it is pending again with a full set of attempts, under the same
    Message-ID. A decision letter's resending is recorded in its submission's history. Only a
    failed message can be sent again, once: a second click finds it pending."""
    if not is_admin(actor):
        raise not_allowed()
    row = session.get(OutboxMessage, message_id)
    if row is None:
        raise WorkflowError("not_found", N_("There is no such message."))
    moved = session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=clock.now(), reason="",
                lease_until=None),
        execution_options={"synchronize_session": False}).rowcount
    if not moved:
        raise WorkflowError("invalid_transition", N_("Only undelivered mail can be sent again."))
    session.refresh(row)
    model = AUDITED.get(row.object_type)
    obj = session.get(model, row.object_id) if model else None
    if obj is not None:
        record_event(session, obj, "send_mail_again", actor,
                     data={"outbox_id": row.id, "kind": row.kind, "recipient_id": row.recipient_id})
    return row
