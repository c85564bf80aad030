from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from .base import Base

if TYPE_CHECKING:
    from .organisation import Organisation

ROLES = ("applicant", "evaluator", "admin")
LOCALES = ("fi", "sv", "en")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(f"locale IN ({', '.join(repr(x) for x in LOCALES)})", name="locale"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(200))
    organisation_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("organisations.id"), index=True)
    locale: so.Mapped[str] = so.mapped_column(sa.String(2), default="fi")
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    # Part of the sign-in session and remember cookie; changing it (on a password change)
    # signs the user out everywhere.
    session_key: so.Mapped[str] = so.mapped_column(
        sa.String(64), default=lambda: secrets.token_hex(16))
    created_at: so.Mapped[dt.datetime]

    organisation: so.Mapped[Organisation | None] = so.relationship(lazy="joined")
    role_rows: so.Mapped[list[UserRole]] = so.relationship(
        cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    def has_role(self, role: str) -> bool:
        return any(r.role == role for r in self.role_rows)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (
        sa.CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role"),
    )

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)
