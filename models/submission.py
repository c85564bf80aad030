from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from .base import Base
from .states import SUBMISSION_STATES, kind_state_check

if TYPE_CHECKING:
    from .attachment import Attachment
    from .call import Call
    from .organisation import Organisation
    from .user import User


class Submission(Base):
    """An ESR application (kind `esr`) or a Jotpa tender (kind `jotpa`) of one organisation.

    `content` is the working copy the applicant edits; what was submitted is kept, version by
    version, in `SubmissionVersion`, and the latest receipt is mirrored here for listing.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('esr', 'jotpa')", name="kind"),
        sa.CheckConstraint(kind_state_check(SUBMISSION_STATES), name="state"),
        sa.CheckConstraint("(submitted_at IS NULL) = (content_sha256 IS NULL)", name="receipt"),
        sa.CheckConstraint("granted_amount IS NULL OR granted_amount > 0", name="granted_positive"),
        sa.Index("ix_submissions_call_id_state", "call_id", "state"),
        sa.Index("ix_submissions_organisation_id_state", "organisation_id", "state"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("calls.id"))
    # Equal to the call's kind; kept here so that the workflow is known without a join.
    kind: so.Mapped[str] = so.mapped_column(sa.String(8))
    organisation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organisations.id"))
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    state: so.Mapped[str] = so.mapped_column(sa.String(32), index=True)
    version: so.Mapped[int] = so.mapped_column(default=1)
    content: so.Mapped[dict[str, Any]]
    submitted_at: so.Mapped[dt.datetime | None]
    content_sha256: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    completion_due_at: so.Mapped[dt.datetime | None] = so.mapped_column(index=True)
    granted_amount: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(14, 2))
    final_report: so.Mapped[dict[str, Any] | None]
    created_at: so.Mapped[dt.datetime]
    updated_at: so.Mapped[dt.datetime]

    call: so.Mapped[Call] = so.relationship(back_populates="submissions", lazy="joined")
    organisation: so.Mapped[Organisation] = so.relationship(lazy="joined")
    created_by: so.Mapped[User] = so.relationship()
    versions: so.Mapped[list[SubmissionVersion]] = so.relationship(
        back_populates="submission", order_by="SubmissionVersion.number",
        cascade="all, delete-orphan", lazy="raise")
    # Loaded on access: a transition loads one submission in one query (call and organisation
    # joined). A list that reads them asks for them with `so.selectinload(Submission.assignments)`
    # (one query for all the rows); `engine.available_triggers` loads them itself when not.
    assignments: so.Mapped[list[EvaluatorAssignment]] = so.relationship(
        back_populates="submission", cascade="all, delete-orphan")
    # Every file ever attached, removed ones included (upload order); the working copy's are
    # those without `removed_at` (workflow.attachments.working_attachments).
    attachments: so.Mapped[list[Attachment]] = so.relationship(
        back_populates="submission", order_by="Attachment.id")

    __mapper_args__ = {"version_id_col": version}

    object_type = "submission"

    def __repr__(self) -> str:
        return f"<Submission {self.id} {self.kind} {self.state}>"


class SubmissionVersion(Base):
    """What was received at one submission: the content, the manifest of its attachments,
    their SHA-256 (workflow.content.receipt_sha256) and the server instant."""

    __tablename__ = "submission_versions"
    __table_args__ = (sa.UniqueConstraint("submission_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("submissions.id"))
    number: so.Mapped[int]
    content: so.Mapped[dict[str, Any]]
    # [{"id", "filename", "media_type", "size", "sha256"}] in upload order (models.Attachment).
    attachments: so.Mapped[list[Any]] = so.mapped_column(default=list, server_default="[]")
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    received_at: so.Mapped[dt.datetime]
    submitted_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))

    submission: so.Mapped[Submission] = so.relationship(back_populates="versions")


class EvaluatorAssignment(Base):
    """An evaluator assigned to a submission. `conflict` is None until declared."""

    __tablename__ = "evaluator_assignments"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "evaluator_id"),
        sa.CheckConstraint("(conflict IS NULL) = (declared_at IS NULL)", name="declared"),
        sa.CheckConstraint("completed_at IS NULL OR conflict = false", name="completed_unconflicted"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"))
    evaluator_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    assigned_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    assigned_at: so.Mapped[dt.datetime]
    due_at: so.Mapped[dt.datetime | None] = so.mapped_column(index=True)
    conflict: so.Mapped[bool | None]
    conflict_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    declared_at: so.Mapped[dt.datetime | None]
    completed_at: so.Mapped[dt.datetime | None]

    submission: so.Mapped[Submission] = so.relationship(back_populates="assignments")
    # Loaded when shown, not with the assignment: permission checks compare `evaluator_id`,
    # and every load of a submission brings its assignments (bench/README.md).
    evaluator: so.Mapped[User] = so.relationship(foreign_keys=[evaluator_id])

    @property
    def is_active(self) -> bool:
        """Assigned and not declared conflicted: the evaluator may (or will) score."""
        return self.conflict is not True
