"""Micro-credential descriptions, pilots and what their delivery records: cohorts,
milestones, certificates and reports (DOMAIN §4–§5, issue 6).

A Jotpa tender describes one or more micro-credentials (`MicroCredentialDescription`, written
against a framework version). When the contract is signed, each description of an awarded
tender becomes a `Pilot`; its cohorts count participants (no personal data), and only those
who complete and get a certificate are named (`Certificate`). Reports have their own small
workflow (draft → submitted → returned/accepted): a Jotpa pilot's interim and final report, an
ESR project's scheduled progress reports.
"""
from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from .base import Base

if TYPE_CHECKING:
    from .call import Call
    from .submission import Submission


class ReportState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


# Jotpa pilots report an interim and a final report; ESR projects report progress on a
# schedule (their final report is `Submission.final_report`, on the application's workflow).
REPORT_TYPES = {"jotpa": ("interim", "final"), "esr": ("progress",)}


class MicroCredentialDescription(Base):
    """One micro-credential described in a tender, against one framework version.

    `data` is the working copy the bidder edits until the deadline. Submitting the tender
    freezes it into `submitted_data` (its SHA-256 goes into the submit step's audit row), and
    as with the tender's content, the version submitted last before the deadline counts: pilots
    and certificates use `submitted_data`. A description removed after it was submitted is
    kept (`removed_at`) until the next submission drops it.
    """

    __tablename__ = "micro_credential_descriptions"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "position"),
        sa.CheckConstraint("position >= 1", name="position_positive"),
        sa.CheckConstraint("(submitted_data IS NULL) = (submitted_at IS NULL)", name="submitted"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    position: so.Mapped[int]
    framework_version: so.Mapped[str] = so.mapped_column(sa.String(10))
    # Element key → value, as workflow.framework.validation cleans it.
    data: so.Mapped[dict[str, Any]]
    submitted_data: so.Mapped[dict[str, Any] | None]
    submitted_at: so.Mapped[dt.datetime | None]
    removed_at: so.Mapped[dt.datetime | None]
    version: so.Mapped[int] = so.mapped_column(default=1)
    created_at: so.Mapped[dt.datetime]
    updated_at: so.Mapped[dt.datetime]

    submission: so.Mapped[Submission] = so.relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def title(self) -> str:
        return str((self.submitted_data or self.data).get("title") or "")


class Pilot(Base):
    """The delivery of one described micro-credential under a signed contract."""

    __tablename__ = "pilots"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("calls.id"), index=True)
    # The awarded tender: its organisation is the supplier.
    submission_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("submissions.id"), index=True)
    description_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("micro_credential_descriptions.id"), unique=True)
    created_at: so.Mapped[dt.datetime]

    call: so.Mapped[Call] = so.relationship()
    submission: so.Mapped[Submission] = so.relationship(lazy="joined")
    description: so.Mapped[MicroCredentialDescription] = so.relationship(lazy="joined")
    cohorts: so.Mapped[list[Cohort]] = so.relationship(
        back_populates="pilot", order_by="Cohort.planned_start, Cohort.id", lazy="selectin",
        cascade="all, delete-orphan")
    milestones: so.Mapped[list[Milestone]] = so.relationship(
        back_populates="pilot", order_by="Milestone.due_at, Milestone.id", lazy="selectin",
        cascade="all, delete-orphan")

    @property
    def organisation_id(self) -> int:
        return self.submission.organisation_id

    def __repr__(self) -> str:
        return f"<Pilot {self.id} call={self.call_id} tender={self.submission_id}>"


class Cohort(Base):
    """A group of learners taking the pilot together: dates and counts only."""

    __tablename__ = "pilot_cohorts"
    __table_args__ = (
        sa.CheckConstraint("planned_start <= planned_end", name="planned_order"),
        sa.CheckConstraint("actual_end IS NULL OR (actual_start IS NOT NULL AND actual_start <= actual_end)",
                           name="actual_order"),
        sa.CheckConstraint("0 <= participants_completed AND participants_completed <= participants_started"
                           " AND participants_started <= participants_approved", name="funnel"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pilot_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pilots.id", ondelete="CASCADE"),
                                                index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    # Days in Helsinki: a cohort starts and ends on a day, not at an instant.
    planned_start: so.Mapped[dt.date]
    planned_end: so.Mapped[dt.date]
    actual_start: so.Mapped[dt.date | None]
    actual_end: so.Mapped[dt.date | None]
    participants_approved: so.Mapped[int] = so.mapped_column(default=0)
    participants_started: so.Mapped[int] = so.mapped_column(default=0)
    participants_completed: so.Mapped[int] = so.mapped_column(default=0)
    version: so.Mapped[int] = so.mapped_column(default=1)
    created_at: so.Mapped[dt.datetime]
    updated_at: so.Mapped[dt.datetime]

    pilot: so.Mapped[Pilot] = so.relationship(back_populates="cohorts")

    __mapper_args__ = {"version_id_col": version}


class Milestone(Base):
    """A contractual milestone of a pilot; the scheduler reminds about those not done."""

    __tablename__ = "pilot_milestones"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pilot_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pilots.id", ondelete="CASCADE"),
                                                index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    due_at: so.Mapped[dt.datetime] = so.mapped_column(index=True)
    done_at: so.Mapped[dt.datetime | None]
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[dt.datetime]

    pilot: so.Mapped[Pilot] = so.relationship(back_populates="milestones")


class Certificate(Base):
    """A learner-owned certificate of a completed micro-credential.

    The learner's name and e-mail are the only personal data hankeflow keeps, and only for
    certificate holders. What the certificate states is frozen at issuing: the description
    and awarding body as they were, and the signed Open Badges 3.0 credential itself.
    """

    __tablename__ = "certificates"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The public, unguessable identifier (a UUID): verification links and credential ids use it.
    public_id: so.Mapped[str] = so.mapped_column(sa.String(36), unique=True)
    pilot_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pilots.id"), index=True)
    cohort_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pilot_cohorts.id"), index=True)
    learner_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    learner_email: so.Mapped[str] = so.mapped_column(sa.String(254))
    grade: so.Mapped[str | None] = so.mapped_column(sa.String(60))
    completed_on: so.Mapped[dt.date]
    issued_at: so.Mapped[dt.datetime]
    issued_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    # {"framework_version", "data"} and {"name", "business_id", "kind"} at issuing.
    description_snapshot: so.Mapped[dict[str, Any]]
    awarding_body: so.Mapped[dict[str, Any]]
    credential: so.Mapped[dict[str, Any]]
    revoked_at: so.Mapped[dt.datetime | None]
    revocation_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    pilot: so.Mapped[Pilot] = so.relationship(lazy="joined")
    cohort: so.Mapped[Cohort] = so.relationship()


class Report(Base):
    """An interim or final report of a Jotpa pilot, or a progress report of an ESR project."""

    __tablename__ = "reports"
    __table_args__ = (
        sa.CheckConstraint(f"state IN ({', '.join(repr(s.value) for s in ReportState)})",
                           name="state"),
        sa.CheckConstraint("(kind = 'jotpa' AND report_type IN ('interim', 'final') AND pilot_id IS NOT NULL)"
                           " OR (kind = 'esr' AND report_type = 'progress' AND pilot_id IS NULL)",
                           name="kind_type"),
        sa.CheckConstraint("(submitted_at IS NULL) = (state = 'draft')", name="submitted"),
        sa.CheckConstraint("(accepted_at IS NULL) = (state <> 'accepted')", name="accepted"),
        sa.UniqueConstraint("pilot_id", "report_type"),
        sa.Index("ix_reports_submission_id_report_type", "submission_id", "report_type"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The workflow's kind: "jotpa" (a pilot's report) or "esr" (a project's progress report).
    kind: so.Mapped[str] = so.mapped_column(sa.String(8))
    report_type: so.Mapped[str] = so.mapped_column(sa.String(10))
    # The awarded tender or the approved application the report belongs to.
    submission_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("submissions.id"))
    pilot_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("pilots.id"), index=True)
    # Progress reports are numbered 1, 2, ...; pilot reports are 1.
    sequence: so.Mapped[int] = so.mapped_column(default=1)
    state: so.Mapped[str] = so.mapped_column(sa.String(16), index=True)
    version: so.Mapped[int] = so.mapped_column(default=1)
    due_at: so.Mapped[dt.datetime | None] = so.mapped_column(index=True)
    data: so.Mapped[dict[str, Any]]
    submitted_at: so.Mapped[dt.datetime | None]
    accepted_at: so.Mapped[dt.datetime | None]
    created_at: so.Mapped[dt.datetime]
    updated_at: so.Mapped[dt.datetime]

    submission: so.Mapped[Submission] = so.relationship(lazy="joined")
    pilot: so.Mapped[Pilot | None] = so.relationship()

    __mapper_args__ = {"version_id_col": version}

    object_type = "report"

    @property
    def organisation_id(self) -> int:
        return self.submission.organisation_id

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.kind} {self.report_type} {self.state}>"


__all__ = ["Certificate", "Cohort", "Milestone", "MicroCredentialDescription", "Pilot",
           "REPORT_TYPES", "Report", "ReportState"]
