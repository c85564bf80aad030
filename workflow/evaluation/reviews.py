"""Scoring (issue 5 §3): an evaluator's score and justification per scored criterion, kept as a
draft until the review is submitted (`assignments.complete_review`, which locks it); an
administrator can reopen a submitted review with a reason (`assignments.reopen_review`) and
set a consensus score with its justification, which replaces the evaluators' mean for that
criterion.

Only a cleared evaluator scores: assigned to the submission, declared no conflict of
interest, not from the submission's organisation (`permissions.is_cleared_evaluator`).
Anybody else is refused with `not_allowed`, before anything else is looked at.

Scores are whole numbers on the criterion's scale (0–5, 0–3, ...); means and points can have
decimals.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy.orm as so

from models import ConsensusScore, Criterion, EvaluatorAssignment, ReviewScore, Submission, User

from .. import clock
from ..assignments import SCORABLE, complete_review
from ..engine import record_event
from ..errors import WorkflowError, not_allowed
from ..i18n import N_
from ..permissions import assignment_of, is_admin, is_cleared_evaluator
from . import queries as q

MAX_JUSTIFICATION = 20_000
CHECK_FIELDS = N_("Check these fields: %(fields)s.")
NOT_NOW = N_("Scores cannot be given at this stage.")


def _may_score(actor: User, assignment: EvaluatorAssignment) -> Submission:
    submission = assignment.submission
    if actor.id != assignment.evaluator_id or not is_cleared_evaluator(actor, submission):
        raise not_allowed()
    if assignment.completed_at is not None:
        raise WorkflowError("invalid_transition",
                            N_("The review has been submitted; an administrator can reopen it."))
    if submission.state not in SCORABLE[submission.kind]:
        raise WorkflowError("invalid_transition", NOT_NOW)
    return submission


def save_scores(session: so.Session, actor: User, assignment: EvaluatorAssignment,
                scores: Mapping[Any, Mapping[str, Any]]) -> dict[int, ReviewScore]:
    """Save a draft: {criterion id: {"score": 4, "justification": "..."}}. Only what is given
    changes; a score of None or "" clears it. Returns the review's rows by criterion id."""
    submission = _may_score(actor, assignment)
    criteria = {c.id: c for c in q.scored_criteria(q.criteria_of(session, submission.call_id))}
    rows = q.scores_by_assignment(session, [assignment.id])[assignment.id]
    if not isinstance(scores, Mapping):
        raise WorkflowError("invalid_input", CHECK_FIELDS, fields="scores",
                            details={"scores": N_("Invalid value.")})
    parsed: dict[int, dict[str, Any]] = {}
    errors: dict[str, Any] = {}
    for key, item in scores.items():
        criterion = _criterion(criteria, key)
        field = f"criterion_{key}"
        if criterion is None or not isinstance(item, Mapping):
            errors[field] = N_("Unknown criterion.")
            continue
        values: dict[str, Any] = {}
        if "score" in item:
            try:
                values["score"] = parse_score(criterion, item["score"])
            except ValueError:
                errors[field] = N_("Enter a whole number on the criterion's scale.")
                continue
        if "justification" in item:
            text = item["justification"]
            if text is None:
                text = ""
            if not isinstance(text, str) or len(text) > MAX_JUSTIFICATION:
                errors[field] = N_("The justification is too long.")
                continue
            values["justification"] = text.replace("\r\n", "\n").strip()
        parsed[criterion.id] = values
    if errors:
        raise WorkflowError("invalid_input", CHECK_FIELDS, fields=", ".join(errors), details=errors)
    now = clock.now()
    for criterion_id, values in parsed.items():
        row = rows.get(criterion_id)
        if row is None:
            row = ReviewScore(assignment_id=assignment.id, criterion_id=criterion_id,
                              score=None, justification="", updated_at=now)
            session.add(row)
            rows[criterion_id] = row
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = now
    session.flush()
    return rows


def save_scores_for(session: so.Session, actor: User, submission: Submission,
                    scores: Mapping[Any, Mapping[str, Any]]) -> dict[int, ReviewScore]:
    """The same, for the actor's own assignment to the submission (none: `not_allowed`)."""
    assignment = assignment_of(actor, submission)
    if assignment is None:
        raise not_allowed()
    return save_scores(session, actor, assignment, scores)


def submit_review(session: so.Session, actor: User, assignment: EvaluatorAssignment) -> None:
    """Submit and lock the review (every scored criterion scored and justified)."""
    complete_review(session, actor, assignment)


def score_and_submit(session: so.Session, actor: User, assignment: EvaluatorAssignment,
                     scores: Mapping[Any, Mapping[str, Any]]) -> None:
    """Save the scores and submit the review in one go (the CLI, the demo seed, tests)."""
    save_scores(session, actor, assignment, scores)
    complete_review(session, actor, assignment)


def parse_score(criterion: Criterion, raw: Any) -> Decimal | None:
    """A whole number on the criterion's scale, or None for an empty value."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, (bool, float)):
        raise ValueError("not a whole number")
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except ArithmeticError:
        raise ValueError("not a number") from None
    if (not value.is_finite() or value != value.to_integral_value()
            or not (criterion.scale_min or 0) <= value <= (criterion.scale_max or 0)):
        raise ValueError("outside the scale")
    return value.quantize(Decimal(1))


def _criterion(criteria: dict[int, Criterion], key: Any) -> Criterion | None:
    try:
        return criteria.get(int(key))
    except (TypeError, ValueError):
        return None


# Consensus -----------------------------------------------------------------------------------

def _consensus_allowed(actor: User, submission: Submission) -> None:
    if not is_admin(actor):
        raise not_allowed()
    if submission.state not in SCORABLE[submission.kind]:
        raise WorkflowError("invalid_transition", NOT_NOW)


def set_consensus(session: so.Session, actor: User, submission: Submission, criterion_id: int,
                  *, score: Any, justification: str) -> ConsensusScore:
    """An administrator's consensus score on one criterion, with its justification (audited).
    It replaces the evaluators' mean for that criterion in every total and ranking."""
    _consensus_allowed(actor, submission)
    criteria = {c.id: c for c in q.scored_criteria(q.criteria_of(session, submission.call_id))}
    criterion = _criterion(criteria, criterion_id)
    errors: dict[str, Any] = {}
    value = None
    if criterion is None:
        errors["criterion"] = N_("Unknown criterion.")
    else:
        try:
            value = parse_score(criterion, score)
        except ValueError:
            pass
        if value is None:
            errors["score"] = N_("Enter a whole number on the criterion's scale.")
    text = justification.strip() if isinstance(justification, str) else ""
    if not text:
        errors["justification"] = N_("Required.")
    elif len(text) > MAX_JUSTIFICATION:
        errors["justification"] = N_("The justification is too long.")
    if errors:
        raise WorkflowError("invalid_input", CHECK_FIELDS, fields=", ".join(errors), details=errors)
    row = q.consensus_by_submission(session, [submission.id])[submission.id].get(criterion.id)
    if row is None:
        row = ConsensusScore(submission_id=submission.id, criterion_id=criterion.id)
        session.add(row)
    row.score, row.justification = value, text
    row.set_by_id, row.set_at = actor.id, clock.now()
    session.flush()
    record_event(session, submission, "set_consensus", actor, comment=text,
                 data={"criterion_id": criterion.id, "score": str(value)})
    return row


def clear_consensus(session: so.Session, actor: User, submission: Submission, criterion_id: int,
                    *, reason: str) -> None:
    """Remove a consensus score (the mean counts again), with the reason (audited)."""
    _consensus_allowed(actor, submission)
    if not reason.strip():
        raise WorkflowError("comment_required", N_("Write the reason."),
                            details={"reason": N_("Required.")})
    row = q.consensus_by_submission(session, [submission.id])[submission.id].get(criterion_id)
    if row is None:
        raise WorkflowError("not_found", N_("There is no consensus score to remove."))
    session.delete(row)
    session.flush()
    record_event(session, submission, "clear_consensus", actor, comment=reason.strip(),
                 data={"criterion_id": criterion_id})


# Views ---------------------------------------------------------------------------------------

def review_view(session: so.Session, viewer: User, assignment: EvaluatorAssignment
                ) -> dict[str, Any] | None:
    """One review for its evaluator (cleared) or an administrator; None for anybody else."""
    submission = assignment.submission
    own = viewer.id == assignment.evaluator_id and is_cleared_evaluator(viewer, submission)
    if not (own or is_admin(viewer)):
        return None
    criteria = q.scored_criteria(q.criteria_of(session, submission.call_id))
    rows = q.scores_by_assignment(session, [assignment.id])[assignment.id]
    return {
        "assignment_id": assignment.id, "submission_id": submission.id,
        "evaluator_id": assignment.evaluator_id,
        "submitted": assignment.completed_at is not None,
        "submitted_at": assignment.completed_at.isoformat() if assignment.completed_at else None,
        "editable": own and assignment.completed_at is None
                    and submission.state in SCORABLE[submission.kind],
        "missing": q.missing_scores(criteria, rows),
        "scores": [{"criterion_id": c.id, "name": dict(c.name), "scale_min": c.scale_min,
                    "scale_max": c.scale_max,
                    "score": None if (r := rows.get(c.id)) is None or r.score is None
                    else int(r.score),
                    "justification": r.justification if r is not None else ""}
                   for c in criteria],
    }


def reviews_view(session: so.Session, viewer: User, submission: Submission
                 ) -> list[dict[str, Any]] | None:
    """Every review of a submission, with the evaluator's name and declaration: for
    administrators only (None otherwise)."""
    if not is_admin(viewer):
        return None
    out = []
    for assignment in sorted(submission.assignments, key=lambda a: a.id):
        item = review_view(session, viewer, assignment) or {}
        item.update({"evaluator": assignment.evaluator.name, "conflict": assignment.conflict,
                     "conflict_reason": assignment.conflict_reason})
        out.append(item)
    return out
