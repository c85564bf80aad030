"""What the scheduler records: the mail outbox (also the in-app notifications), the reminder
batches that make a second computation harmless, preferences and calendar feed tokens."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from .base import Base

if TYPE_CHECKING:
    from .user import User

OUTBOX_STATUSES = ("pending", "sending", "sent", "skipped", "failed")
BATCH_STATUSES = ("computed", "skipped")


class OutboxMessage(Base):
    """One message to one user: a reminder, a digest or a notice.

    The unique key (recipient, kind, object, deadline, offset) is the reminder's identity:
    computing it again inserts nothing. `pending` rows wait for `next_attempt_at`; a sender
    claims a row (`sending`, until `lease_until`), sends, then marks it `sent`, back to
    `pending` with a later attempt, or `failed`. `skipped` rows record a reminder that was
    superseded, opted out of, or no longer useful: they are never sent.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        sa.UniqueConstraint("recipient_id", "kind", "object_type", "object_id", "deadline",
                            "offset_name", name="uq_outbox_reminder"),
        sa.CheckConstraint(f"status IN ({', '.join(repr(s) for s in OUTBOX_STATUSES)})",
                           name="status"),
        sa.CheckConstraint("status <> 'sending' OR lease_until IS NOT NULL", name="lease"),
        # The sender's work list: due pending (and expired sending) rows.
        sa.Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        # A user's notifications, newest first.
        sa.Index("ix_outbox_recipient_id_id", "recipient_id", "id"),
        # What was written about an object (the decision letters' delivery on the overview).
        sa.Index("ix_outbox_object_type_object_id", "object_type", "object_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    recipient_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    object_type: so.Mapped[str] = so.mapped_column(sa.String(20))
    object_id: so.Mapped[int]
    # The instant the message is about (a deadline, the digest's morning) ...
    deadline: so.Mapped[dt.datetime]
    # ... and which of its reminders this is: "14d", "2h", "overdue", "daily", ...
    offset_name: so.Mapped[str] = so.mapped_column(sa.String(16))
    # The reminder's own moment (deadline minus or plus the offset).
    due_at: so.Mapped[dt.datetime]
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="pending")
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[dt.datetime | None]
    lease_until: so.Mapped[dt.datetime | None]
    # What was (last) rendered, in the recipient's language at that moment.
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(2))
    subject: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    body_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    body_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    link: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    data: so.Mapped[dict[str, Any] | None]
    created_at: so.Mapped[dt.datetime]
    sent_at: so.Mapped[dt.datetime | None]
    read_at: so.Mapped[dt.datetime | None]

    recipient: so.Mapped[User] = so.relationship(lazy="joined")

    def __repr__(self) -> str:
        return (f"<OutboxMessage {self.id} {self.kind} {self.object_type}:{self.object_id} "
                f"{self.offset_name} {self.status}>")


class ReminderBatch(Base):
    """One reminder moment of one object, computed (fanned out to its recipients) or skipped
    as superseded. Its existence is what keeps a sweep from computing the moment again, so a
    sweep costs what is due, not what is in the tables."""

    __tablename__ = "reminder_batches"
    __table_args__ = (
        sa.UniqueConstraint("kind", "object_type", "object_id", "deadline", "offset_name",
                            name="uq_reminder_batches_moment"),
        sa.CheckConstraint(f"status IN ({', '.join(repr(s) for s in BATCH_STATUSES)})",
                           name="status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    object_type: so.Mapped[str] = so.mapped_column(sa.String(20))
    object_id: so.Mapped[int]
    deadline: so.Mapped[dt.datetime]
    offset_name: so.Mapped[str] = so.mapped_column(sa.String(16))
    status: so.Mapped[str] = so.mapped_column(sa.String(12))
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    recipients: so.Mapped[int] = so.mapped_column(default=0)
    computed_at: so.Mapped[dt.datetime]


class NotificationPreference(Base):
    """A user's choices about messages; no row means the defaults. The language is
    `User.locale`."""

    __tablename__ = "notification_preferences"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    digest_enabled: so.Mapped[bool] = so.mapped_column(default=True)
    # Off: only the reminders that cannot be switched off (the last one before a deadline).
    optional_reminders_enabled: so.Mapped[bool] = so.mapped_column(default=True)
    updated_at: so.Mapped[dt.datetime]


class CalendarToken(Base):
    """The secret in a user's private calendar feed URL. Only its SHA-256 is stored."""

    __tablename__ = "calendar_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_sha256: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[dt.datetime]
    revoked_at: so.Mapped[dt.datetime | None]
    last_used_at: so.Mapped[dt.datetime | None]

    user: so.Mapped[User] = so.relationship(lazy="joined")
