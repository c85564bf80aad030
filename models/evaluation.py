"""Evaluation (issue 5): a call's criteria and settings, evaluators' scores, consensus scores,
pass/fail requirement checks, and the decision documents as issued.

A review is the set of `ReviewScore` rows of one `EvaluatorAssignment`; it is a draft while the
assignment's `completed_at` is NULL and locked (submitted) once it is set. The formulas that
turn these rows into points and a ranking live in `workflow/evaluation/aggregation.py`.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from .base import Base, JSONDocument

if TYPE_CHECKING:
    from .user import User

# Pass/fail kinds: ESR eligibility; Jotpa suitability requirements and exclusion grounds.
PASS_FAIL_KINDS = ("eligibility", "suitability", "exclusion")
CRITERION_KINDS = (*PASS_FAIL_KINDS, "scored", "price")
# The decision letters (also the kinds of their mails in the outbox, workflow/outbox.py).
FUNDING_DECISION = "funding_decision"
PROCUREMENT_DECISION = "procurement_decision"
DECISION_KINDS = (FUNDING_DECISION, PROCUREMENT_DECISION)


class Criterion(Base):
    """One criterion of a call. `weight` is the points it gives at the top of its scale (for
    `price`: the points of the lowest price); `threshold` is a minimum on the criterion's own
    scale. Consistency (a scored criterion at least, weights positive, ...) is checked when the
    call is published, not on every edit, so that a criteria list can be drafted step by step."""

    __tablename__ = "evaluation_criteria"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN ({', '.join(repr(k) for k in CRITERION_KINDS)})", name="kind"),
        sa.Index("ix_evaluation_criteria_call_id_position", "call_id", "position"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"))
    position: so.Mapped[int] = so.mapped_column(default=0)
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    # {"fi": ..., "sv": ..., "en": ...}
    name: so.Mapped[dict[str, str]] = so.mapped_column(JSONDocument)
    scale_min: so.Mapped[int | None]
    scale_max: so.Mapped[int | None]
    weight: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(8, 2))
    threshold: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(6, 2))

    @property
    def is_pass_fail(self) -> bool:
        return self.kind in PASS_FAIL_KINDS

    def label(self, locale: str) -> str:
        return self.name.get(locale) or self.name.get("fi") or next(iter(self.name.values()), "")

    def __repr__(self) -> str:
        return f"<Criterion {self.id} {self.kind} {self.name.get('en')!r}>"


class EvaluationSettings(Base):
    """Per-call evaluation settings; a call without a row uses the defaults below."""

    __tablename__ = "evaluation_settings"
    __table_args__ = (
        sa.CheckConstraint("min_evaluators >= 1", name="min_evaluators"),
        sa.CheckConstraint("disagreement_margin > 0 AND disagreement_margin <= 1",
                           name="disagreement_margin"),
        sa.CheckConstraint("abnormally_low_share > 0 AND abnormally_low_share < 1",
                           name="abnormally_low_share"),
    )

    DEFAULT_MIN_EVALUATORS = 2
    # Evaluators disagree on a criterion when their scores differ by more than this share of
    # its scale: 0.4 is 2 points on 0–5 and 1.2 points on 0–3.
    DEFAULT_DISAGREEMENT_MARGIN = Decimal("0.4")
    # A price is abnormally low when it is more than this share below the mean of the others.
    DEFAULT_ABNORMALLY_LOW_SHARE = Decimal("0.3")

    call_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    min_evaluators: so.Mapped[int] = so.mapped_column(default=DEFAULT_MIN_EVALUATORS)
    disagreement_margin: so.Mapped[Decimal] = so.mapped_column(
        sa.Numeric(5, 4), default=DEFAULT_DISAGREEMENT_MARGIN)
    abnormally_low_share: so.Mapped[Decimal] = so.mapped_column(
        sa.Numeric(5, 4), default=DEFAULT_ABNORMALLY_LOW_SHARE)


class ReviewScore(Base):
    """An evaluator's score and justification on one scored criterion (draft or submitted)."""

    __tablename__ = "review_scores"
    __table_args__ = (sa.UniqueConstraint("assignment_id", "criterion_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assignment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("evaluator_assignments.id", ondelete="CASCADE"))
    criterion_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("evaluation_criteria.id", ondelete="CASCADE"), index=True)
    score: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(6, 2))
    justification: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    updated_at: so.Mapped[dt.datetime]


class ConsensusScore(Base):
    """An administrator's consensus score on one criterion of one submission, with its
    justification: when present it replaces the evaluators' mean for that criterion."""

    __tablename__ = "consensus_scores"
    __table_args__ = (sa.UniqueConstraint("submission_id", "criterion_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"))
    criterion_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("evaluation_criteria.id", ondelete="CASCADE"), index=True)
    score: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(6, 2))
    justification: so.Mapped[str] = so.mapped_column(sa.Text)
    set_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    set_at: so.Mapped[dt.datetime]

    set_by: so.Mapped[User] = so.relationship(lazy="joined")


class RequirementCheck(Base):
    """Pass or fail on one pass/fail criterion (eligibility, suitability requirement or
    exclusion ground) for one submission, with the reason, recorded by an administrator."""

    __tablename__ = "requirement_checks"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "criterion_id"),
        sa.CheckConstraint("passed OR reason <> ''", name="reason_when_failed"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"))
    criterion_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("evaluation_criteria.id", ondelete="CASCADE"), index=True)
    passed: so.Mapped[bool]
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    checked_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    checked_at: so.Mapped[dt.datetime]


class IssuedDecision(Base):
    """A submission's decision document as issued: the letter in every language (fi, sv, en:
    `Letter.as_json()` by locale), written in the transaction of the step that makes the
    decision known (an ESR decision; the delivery of a procurement decision). The decision
    page, its PDF and the mails show this text, whatever the data it quotes becomes later.
    `issued_at` is the instant of the decision (a procurement: its `decide`), so the same
    decision delivered again is not a new document."""

    __tablename__ = "issued_decisions"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "kind", "issued_at"),
        sa.CheckConstraint(f"kind IN ({', '.join(repr(k) for k in DECISION_KINDS)})",
                           name="kind"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    issued_at: so.Mapped[dt.datetime]
    letters: so.Mapped[dict[str, Any]]
    created_at: so.Mapped[dt.datetime]
