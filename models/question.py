"""Questions bidders ask about a call for tenders, and the answers published to all of them.

The asker (organisation and user) is kept for the procurement officers only: a published
answer shows the question without them (DOMAIN §4: answers are published anonymised).
`public_question` is the wording that is published, when the officer had to take identifying
details out of the original; NULL publishes the question as asked.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from .base import Base

if TYPE_CHECKING:
    from .call import Call
    from .organisation import Organisation
    from .user import User


class TenderQuestion(Base):
    __tablename__ = "tender_questions"
    __table_args__ = (
        sa.CheckConstraint("(answer IS NULL) = (answered_at IS NULL)", name="answered"),
        sa.CheckConstraint("(answered_at IS NULL) = (answered_by_id IS NULL)",
                           name="answered_by"),
        sa.CheckConstraint("published_at IS NULL OR answered_at IS NOT NULL",
                           name="published_answered"),
        # The public page lists a call's published answers; the officers its open questions.
        sa.Index("ix_tender_questions_call_id_published_at", "call_id", "published_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"))
    # The asker: never shown to other bidders.
    organisation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organisations.id"),
                                                       index=True)
    asked_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    question: so.Mapped[str] = so.mapped_column(sa.Text)
    asked_at: so.Mapped[dt.datetime]
    public_question: so.Mapped[str | None] = so.mapped_column(sa.Text)
    answer: so.Mapped[str | None] = so.mapped_column(sa.Text)
    answered_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    answered_at: so.Mapped[dt.datetime | None]
    published_at: so.Mapped[dt.datetime | None]

    call: so.Mapped[Call] = so.relationship()
    organisation: so.Mapped[Organisation] = so.relationship()
    asked_by: so.Mapped[User] = so.relationship(foreign_keys=[asked_by_id])
    answered_by: so.Mapped[User | None] = so.relationship(foreign_keys=[answered_by_id])

    @property
    def published_wording(self) -> str:
        """The question as it is (or will be) published."""
        return self.public_question or self.question

    def __repr__(self) -> str:
        return f"<TenderQuestion {self.id} call={self.call_id}>"
