"""One submission's reviews for administrators: every evaluator's score and justification
per criterion (drafts marked), the score that counts, the disagreement and minimum flags,
the consensus score with its justification, and reopening a submitted review with a reason.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import ConsensusScore, Criterion, Submission

from ...app import db
from ...assignments import SCORABLE, reopen_review
from ...engine import available_steps
from ...errors import WorkflowError
from ...evaluation import queries as q
from ...evaluation import reviews as service
from ...evaluation.aggregation import CriterionResult
from ...evaluation.ranking import submission_result
from ...i18n import N_
from ..helpers import ErrorSummary, load_submission_or_404
from ..identity import MAX_ID, actor
from ..locale import current_locale
from . import bp
from .common import assignment_or_404, submission_title

MAX_TEXT = 20_000
UNKNOWN_CRITERION = N_("Unknown criterion.")


@dataclasses.dataclass(frozen=True)
class CriterionBlock:
    criterion: Criterion
    line: CriterionResult | None
    consensus: ConsensusScore | None
    # (review, its score row for this criterion) per evaluator
    scores: list[tuple[dict[str, Any], dict[str, Any] | None]]


def _page(submission: Submission, errors: ErrorSummary | None = None, status: int = 200,
          form: Mapping[str, str] | None = None):
    user = actor()
    session = db()
    reviews = service.reviews_view(session, user, submission) or []
    completed = {a.id: a.completed_at for a in submission.assignments}
    for review in reviews:
        review["submitted_at_instant"] = completed.get(review["assignment_id"])
    criteria = q.scored_criteria(q.criteria_of(session, submission.call_id))
    result = submission_result(session, submission)
    consensus = q.consensus_by_submission(session, [submission.id])[submission.id]
    blocks = []
    for c in criteria:
        scores = [(r, next((s for s in r.get("scores", []) if s["criterion_id"] == c.id), None))
                  for r in reviews]
        blocks.append(CriterionBlock(c, result.line(c.id), consensus.get(c.id), scores))
    return render_template(
        "evaluation/reviews.html", submission=submission, call=submission.call,
        title=submission_title(user, submission),
        reviews=reviews, blocks=blocks, result=result,
        problem=q.reviews_problem(session, submission),
        scorable=submission.state in SCORABLE[submission.kind],
        steps=available_steps(user, submission, session),
        errors=errors or ErrorSummary(), form=form or {}), status


@bp.get("/submissions/<int:submission_id>/reviews")
def reviews(submission_id: int):
    return _page(load_submission_or_404(submission_id, actor()))


def _criterion_id(raw: Any) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID else None


@bp.post("/submissions/<int:submission_id>/consensus")
def consensus(submission_id: int) -> Response | tuple:
    """Set (action=set) or remove (action=clear, with a reason) a consensus score."""
    user = actor()
    submission = load_submission_or_404(submission_id, user)
    criterion_id = _criterion_id(request.form.get("criterion_id"))
    prefix = f"consensus_{criterion_id}"
    labels = {"score": _("Consensus score"), "justification": _("Justification"),
              "reason": _("Reason for removing"), "criterion": _("Criterion")}
    clearing = request.form.get("action") == "clear"
    session = db()
    try:
        if criterion_id is None:
            raise WorkflowError("invalid_input", UNKNOWN_CRITERION,
                                details={"criterion": UNKNOWN_CRITERION})
        if clearing:
            service.clear_consensus(session, user, submission, criterion_id,
                                    reason=str(request.form.get("reason", ""))[:MAX_TEXT])
        else:
            service.set_consensus(
                session, user, submission, criterion_id,
                score=str(request.form.get("score", ""))[:40],
                justification=str(request.form.get("justification", ""))[:MAX_TEXT + 1])
    except WorkflowError as err:
        session.rollback()
        errors = ErrorSummary.from_error(err, labels)
        # Each criterion has its own form: point the messages at this one's fields.
        errors.fields = {f"{prefix}_{k}": v for k, v in errors.fields.items()}
        errors.labels = {f"{prefix}_{k}": v for k, v in labels.items()}
        return _page(submission, errors, errors.status, request.form)
    session.commit()
    flash(_("The consensus score has been removed.") if clearing
          else _("The consensus score has been saved."), "success")
    return redirect(url_for("evaluation.reviews", submission_id=submission.id)
                    + f"#criterion-{criterion_id}")


@bp.post("/assignments/<int:assignment_id>/reopen")
def reopen(assignment_id: int) -> Response | tuple:
    user = actor()
    assignment = assignment_or_404(assignment_id)
    submission = load_submission_or_404(assignment.submission_id, user)
    try:
        reopen_review(db(), user, assignment,
                      reason=str(request.form.get("reason", ""))[:MAX_TEXT])
    except WorkflowError as err:
        db().rollback()
        name = f"reopen_{assignment.id}_reason"
        errors = ErrorSummary(message=err.message(current_locale()), status=err.http_status)
        if err.details:
            errors.add(name, _("Write the reason."), _("Reason for reopening"))
        return _page(submission, errors, errors.status, request.form)
    db().commit()
    flash(_("The review has been reopened: the evaluator can change it and submit it again."),
          "success")
    return redirect(url_for("evaluation.reviews", submission_id=submission.id) + "#reviews")
