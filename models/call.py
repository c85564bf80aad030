from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from .base import Base
from .states import CALL_STATES, kind_state_check

if TYPE_CHECKING:
    from .submission import Submission

CALL_KINDS = ("esr", "jotpa")


class Call(Base):
    """An ESR project call (kind `esr`) or a Jotpa procurement (kind `jotpa`)."""

    __tablename__ = "calls"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('esr', 'jotpa')", name="kind"),
        sa.CheckConstraint(kind_state_check(CALL_STATES), name="state"),
        sa.CheckConstraint("opens_at < deadline", name="opens_before_deadline"),
        sa.CheckConstraint("questions_until IS NULL OR questions_until <= deadline",
                           name="questions_before_deadline"),
        sa.CheckConstraint("(decision_delivered_at IS NULL) = (standstill_last_day IS NULL)",
                           name="standstill_with_delivery"),
        sa.Index("ix_calls_kind_state", "kind", "state"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(8))
    state: so.Mapped[str] = so.mapped_column(sa.String(32), index=True)
    version: so.Mapped[int] = so.mapped_column(default=1)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    opens_at: so.Mapped[dt.datetime] = so.mapped_column(index=True)
    deadline: so.Mapped[dt.datetime] = so.mapped_column(index=True)
    questions_until: so.Mapped[dt.datetime | None]
    budget: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(14, 2))
    # The submission form: a list of {name, label: {fi, sv, en}, type, required}.
    form_fields: so.Mapped[list[Any]]
    hilma_notice_id: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    # When the tenders were opened (Jotpa): until then every tender is sealed.
    tenders_opened_at: so.Mapped[dt.datetime | None]
    decision_delivered_at: so.Mapped[dt.datetime | None]
    standstill_last_day: so.Mapped[dt.date | None]
    contract_signed_at: so.Mapped[dt.datetime | None]
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[dt.datetime]

    info_events: so.Mapped[list[InfoEvent]] = so.relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="InfoEvent.starts_at")
    submissions: so.WriteOnlyMapped[Submission] = so.relationship(back_populates="call")

    __mapper_args__ = {"version_id_col": version}

    object_type = "call"

    def __repr__(self) -> str:
        return f"<Call {self.id} {self.kind} {self.state}>"


class InfoEvent(Base):
    """A public information session of a call, e.g. Jotpa's Teams session 22.4.2024 10–11."""

    __tablename__ = "info_events"
    __table_args__ = (sa.CheckConstraint("starts_at < ends_at", name="starts_before_end"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    starts_at: so.Mapped[dt.datetime]
    ends_at: so.Mapped[dt.datetime]
    location: so.Mapped[str] = so.mapped_column(sa.String(300), default="")

    call: so.Mapped[Call] = so.relationship(back_populates="info_events")
