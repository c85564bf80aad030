from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from .base import Base


class ApiToken(Base):
    """A bearer token of the JSON API. Only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_sha256: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[dt.datetime]
    expires_at: so.Mapped[dt.datetime]
    revoked_at: so.Mapped[dt.datetime | None]
    last_used_at: so.Mapped[dt.datetime | None]

    user = so.relationship("User", lazy="joined")


class SignInAttempt(Base):
    """Sign-in attempts, for rate limiting across every web process."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        sa.Index("ix_sign_in_attempts_email_at", "email", "at"),
        sa.Index("ix_sign_in_attempts_remote_addr_at", "remote_addr", "at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    remote_addr: so.Mapped[str] = so.mapped_column(sa.String(64))
    at: so.Mapped[dt.datetime]
    succeeded: so.Mapped[bool]
