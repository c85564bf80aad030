from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from .base import Base


class AuditEntry(Base):
    """One transition (or workflow event) of one object: append-only.

    The migration adds triggers that refuse UPDATE and DELETE on this table, on PostgreSQL
    and SQLite alike. `actor_id` is NULL for the system clock (the scheduler).
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.CheckConstraint("object_type IN ('call', 'submission', 'report')", name="object_type"),
        sa.Index("ix_audit_entries_object", "object_type", "object_id", "id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    object_type: so.Mapped[str] = so.mapped_column(sa.String(20))
    object_id: so.Mapped[int]
    at: so.Mapped[dt.datetime]
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    trigger: so.Mapped[str] = so.mapped_column(sa.String(60))
    from_state: so.Mapped[str] = so.mapped_column(sa.String(32))
    to_state: so.Mapped[str] = so.mapped_column(sa.String(32))
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    content_sha256: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    data: so.Mapped[dict[str, Any] | None]

    actor = so.relationship("User", lazy="joined")
