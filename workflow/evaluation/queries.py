"""Read-only loaders for the evaluation data. No engine import here: the guards use these.

Each loader takes ids and runs one query, so a list of submissions costs a fixed number of
queries, never one per row.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import (ConsensusScore, Criterion, EvaluationSettings, EvaluatorAssignment,
                    RequirementCheck, ReviewScore, Submission, SubmissionVersion)

from .aggregation import CriterionSpec

# `once(name, call_id, load)`: what one call needs (its settings, its criteria) loaded once for
# a whole list. The guards pass `spec.Context.once`, which keeps it while
# `engine.available_triggers` evaluates a list; `load_now` loads it when asked.
Once = Callable[[str, Any, Callable[[], Any]], Any]


def load_now(name: str, key: Any, load: Callable[[], Any]) -> Any:
    return load()


def criteria_of(session: so.Session, call_id: int) -> list[Criterion]:
    return list(session.scalars(
        sa.select(Criterion).where(Criterion.call_id == call_id)
        .order_by(Criterion.position, Criterion.id)))


def criteria_by_call(session: so.Session, call_ids: Iterable[int]) -> dict[int, list[Criterion]]:
    """call id → its criteria in order, for a list of calls in one query."""
    ids = list(call_ids)
    out: dict[int, list[Criterion]] = {i: [] for i in ids}
    if ids:
        for row in session.scalars(sa.select(Criterion).where(Criterion.call_id.in_(ids))
                                   .order_by(Criterion.position, Criterion.id)):
            out[row.call_id].append(row)
    return out


def scored_criteria(criteria: Iterable[Criterion]) -> list[Criterion]:
    return [c for c in criteria if c.kind == "scored"]


def spec_of(criterion: Criterion) -> CriterionSpec:
    """The formulas' view of a point-giving criterion."""
    return CriterionSpec(id=criterion.id, kind=criterion.kind,
                         weight=Decimal(criterion.weight or 0),
                         scale_min=criterion.scale_min or 0,
                         scale_max=criterion.scale_max if criterion.scale_max is not None else 0,
                         threshold=criterion.threshold, position=criterion.position)


def specs_of(criteria: Iterable[Criterion]) -> list[CriterionSpec]:
    return [spec_of(c) for c in criteria if c.kind in ("scored", "price")]


def call_criteria(session: so.Session, call_id: int, once: Once = load_now) -> list[Criterion]:
    return once("call_criteria", call_id, lambda: criteria_of(session, call_id))


def call_settings(session: so.Session, call_id: int,
                  once: Once = load_now) -> EvaluationSettings:
    return once("call_settings", call_id, lambda: settings_of(session, call_id))


def settings_of(session: so.Session, call_id: int) -> EvaluationSettings:
    """The call's settings; an unsaved row with the defaults when the call has none."""
    row = session.get(EvaluationSettings, call_id)
    if row is None:
        row = EvaluationSettings(
            call_id=call_id, min_evaluators=EvaluationSettings.DEFAULT_MIN_EVALUATORS,
            disagreement_margin=EvaluationSettings.DEFAULT_DISAGREEMENT_MARGIN,
            abnormally_low_share=EvaluationSettings.DEFAULT_ABNORMALLY_LOW_SHARE)
    return row


def scores_by_assignment(session: so.Session,
                         assignment_ids: Iterable[int]) -> dict[int, dict[int, ReviewScore]]:
    """assignment id → criterion id → the evaluator's score row."""
    ids = list(assignment_ids)
    out: dict[int, dict[int, ReviewScore]] = {i: {} for i in ids}
    if ids:
        rows = session.scalars(sa.select(ReviewScore).where(ReviewScore.assignment_id.in_(ids)))
        for row in rows:
            out[row.assignment_id][row.criterion_id] = row
    return out


def score_values(session: so.Session,
                 assignment_ids: Iterable[int]) -> dict[int, dict[int, Decimal | None]]:
    """assignment id → criterion id → the evaluator's score (None: left empty in a draft).
    The numbers only, for the formulas: a ranking reads hundreds, and loading each as a
    `ReviewScore` row cost more than the rest of the computation."""
    ids = list(assignment_ids)
    out: dict[int, dict[int, Decimal | None]] = {i: {} for i in ids}
    if ids:
        for assignment_id, criterion_id, score in session.execute(
                sa.select(ReviewScore.assignment_id, ReviewScore.criterion_id, ReviewScore.score)
                .where(ReviewScore.assignment_id.in_(ids))):
            out[assignment_id][criterion_id] = score
    return out


def consensus_by_submission(session: so.Session, submission_ids: Iterable[int]
                            ) -> dict[int, dict[int, ConsensusScore]]:
    ids = list(submission_ids)
    out: dict[int, dict[int, ConsensusScore]] = {i: {} for i in ids}
    if ids:
        for row in session.scalars(
                sa.select(ConsensusScore).where(ConsensusScore.submission_id.in_(ids))):
            out[row.submission_id][row.criterion_id] = row
    return out


def checks_by_submission(session: so.Session, submission_ids: Iterable[int]
                         ) -> dict[int, dict[int, RequirementCheck]]:
    ids = list(submission_ids)
    out: dict[int, dict[int, RequirementCheck]] = {i: {} for i in ids}
    if ids:
        for row in session.scalars(
                sa.select(RequirementCheck).where(RequirementCheck.submission_id.in_(ids))):
            out[row.submission_id][row.criterion_id] = row
    return out


def counted_versions(session: so.Session,
                     submission_ids: Iterable[int]) -> dict[int, SubmissionVersion]:
    """The version that counts for each submission: the last one received (DOMAIN §3). The
    working copy (`Submission.content`) may hold later unsubmitted edits, so prices and
    budgets are always read from here."""
    ids = list(submission_ids)
    if not ids:
        return {}
    latest = (sa.select(SubmissionVersion.submission_id,
                        sa.func.max(SubmissionVersion.number).label("number"))
              .where(SubmissionVersion.submission_id.in_(ids))
              .group_by(SubmissionVersion.submission_id).subquery())
    rows = session.scalars(sa.select(SubmissionVersion).join(
        latest, sa.and_(SubmissionVersion.submission_id == latest.c.submission_id,
                        SubmissionVersion.number == latest.c.number)))
    return {row.submission_id: row for row in rows}


def title_of(version: SubmissionVersion | None) -> str:
    """The title received in a version that counts ("" without one)."""
    return str((version.content if version else {}).get("title") or "")


def money(content: dict[str, Any] | None, field: str) -> Decimal | None:
    """A money field of submitted content, or None when missing or not a positive number."""
    try:
        value = Decimal(str((content or {})[field]))
    except (KeyError, ArithmeticError, ValueError):
        return None
    return value if value.is_finite() and value > 0 else None


def missing_scores(criteria: Sequence[Criterion], scores: dict[int, ReviewScore]) -> list[int]:
    """Ids of the scored criteria that a review has not yet scored and justified."""
    return [c.id for c in scored_criteria(criteria)
            if (row := scores.get(c.id)) is None or row.score is None
            or not row.justification.strip()]


def active_assignments(submission: Submission) -> list[EvaluatorAssignment]:
    """Assignments still in play: not declared conflicted (undeclared ones count)."""
    return [a for a in submission.assignments if a.conflict is not True]


def reviews_problem(session: so.Session, submission: Submission) -> str | None:
    """Why the submission's reviews are not complete, or None: at least the call's minimum
    number of evaluators, every active assignment submitted, every submitted review with a
    score and a justification on every scored criterion."""
    return reviews_problems(session, [submission])[submission.id]


def reviews_problems(session: so.Session, submissions: Sequence[Submission],
                     once: Once = load_now) -> dict[int, str | None]:
    """Submission id → `reviews_problem`, for a list page: the settings and criteria once per
    call, the scores of all of them in one query."""
    settings = {call_id: call_settings(session, call_id, once)
                for call_id in dict.fromkeys(s.call_id for s in submissions)}
    problems: dict[int, str | None] = {}
    done: dict[int, list[EvaluatorAssignment]] = {}
    for submission in submissions:
        active = active_assignments(submission)
        finished = [a for a in active if a.completed_at is not None]
        if (len(finished) < settings[submission.call_id].min_evaluators
                or len(finished) < len(active)):
            problems[submission.id] = "reviews_missing"
        else:
            done[submission.id] = finished
    if done:
        call_of = {s.id: s.call_id for s in submissions}
        criteria = {call_id: call_criteria(session, call_id, once)
                    for call_id in dict.fromkeys(call_of[i] for i in done)}
        scores = scores_by_assignment(session, [a.id for rows in done.values() for a in rows])
        for submission_id, finished in done.items():
            of_call = criteria[call_of[submission_id]]
            problems[submission_id] = (
                "scores_missing" if any(missing_scores(of_call, scores[a.id])
                                        for a in finished) else None)
    return problems
