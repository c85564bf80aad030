from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from .base import Base

ORGANISATION_KINDS = ("university", "university_of_applied_sciences", "vocational_provider",
                      "training_company", "authority")


class Organisation(Base):
    """A university, UAS, vocational provider, training company or funding authority."""

    __tablename__ = "organisations"
    __table_args__ = (
        sa.CheckConstraint(
            f"kind IN ({', '.join(repr(k) for k in ORGANISATION_KINDS)})", name="kind"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    # Finnish business ID (Y-tunnus), e.g. 0313471-7; validated by workflow.organisations.
    business_id: so.Mapped[str] = so.mapped_column(sa.String(9), unique=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    created_at: so.Mapped[dt.datetime]

    def __repr__(self) -> str:
        return f"<Organisation {self.business_id} {self.name!r}>"
