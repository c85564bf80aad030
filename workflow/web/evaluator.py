"""Evaluators: their assignments, the conflict-of-interest declaration that comes before any
content, the content once declared free of conflict, and completing the review.

Scoring: per scored criterion of the call a whole-number score on its scale and a written
justification, saved as a draft (`workflow.evaluation.reviews.save_scores`) and then submitted
(`workflow.assignments.complete_review`, which locks the review until an administrator
reopens it).
"""
from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import EvaluatorAssignment, Submission

from ..app import db
from ..assignments import complete_review, declare_conflict
from ..evaluation.queries import criteria_of, scored_criteria
from ..evaluation.reviews import review_view, save_scores
from ..engine import available_steps
from ..errors import WorkflowError
from ..submissions import readable_copy
from .helpers import ErrorSummary, load_assignment_or_404, role_required
from .identity import actor
from .locale import current_locale

bp = Blueprint("evaluator", __name__, url_prefix="/evaluator")
evaluators_only = role_required("evaluator")


@bp.get("/")
@evaluators_only
def index() -> str:
    user = actor()
    assert user is not None
    assignments = db().scalars(
        sa.select(EvaluatorAssignment).where(EvaluatorAssignment.evaluator_id == user.id)
        .join(EvaluatorAssignment.submission)
        .options(so.contains_eager(EvaluatorAssignment.submission))
        .order_by(EvaluatorAssignment.due_at.is_(None), EvaluatorAssignment.due_at,
                  EvaluatorAssignment.id)).all()
    return render_template("evaluator/index.html", assignments=assignments)


def _page(assignment: EvaluatorAssignment, errors: ErrorSummary, status: int = 200,
          form: Mapping[str, str] | None = None):
    user = actor()
    assert user is not None
    submission: Submission = assignment.submission
    # The content only after declaring no conflict (can_read_content asks exactly that),
    # and only as received: the version that counts.
    copy = readable_copy(db(), user, submission) if assignment.conflict is False else None
    steps = available_steps(user, submission, db()) if copy else []
    review = review_view(db(), user, assignment) if copy else None
    return render_template("evaluator/assignment.html", assignment=assignment,
                           submission=submission, call=submission.call, copy=copy,
                           steps=steps, errors=errors, review=review, form=form or {}), status


@bp.get("/assignments/<int:assignment_id>")
@evaluators_only
def assignment(assignment_id: int):
    return _page(load_assignment_or_404(assignment_id, actor()), ErrorSummary())


@bp.post("/assignments/<int:assignment_id>/declaration")
@evaluators_only
def declaration(assignment_id: int) -> Response | tuple:
    user = actor()
    assignment = load_assignment_or_404(assignment_id, user)
    answer = request.form.get("conflict", "")
    reason = request.form.get("reason", "")[:5000]
    if answer not in ("no", "yes"):
        errors = ErrorSummary()
        errors.add("conflict", _("Choose whether you have a conflict of interest."),
                   _("Conflict of interest"))
        return _page(assignment, errors, 422, request.form)
    try:
        declare_conflict(db(), user, assignment, conflicted=answer == "yes", reason=reason)
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err, {"reason": _("Reason")})
        return _page(assignment, errors, errors.status, request.form)
    db().commit()
    flash(_("Your declaration has been recorded."), "success")
    return redirect(url_for("evaluator.assignment", assignment_id=assignment.id))


@bp.post("/assignments/<int:assignment_id>/review")
@evaluators_only
def review(assignment_id: int) -> Response | tuple:
    """Save the scores as a draft (action=save) or save and submit the review (action=submit)."""
    user = actor()
    assignment = load_assignment_or_404(assignment_id, user)
    submission = assignment.submission
    criteria = scored_criteria(criteria_of(db(), submission.call_id))
    scores = {c.id: {"score": request.form.get(f"score_{c.id}", ""),
                     "justification": request.form.get(f"justification_{c.id}", "")}
              for c in criteria}
    locale = current_locale()
    labels = {f"criterion_{c.id}": c.label(locale) for c in criteria}
    try:
        save_scores(db(), user, assignment, scores)
        if request.form.get("action") == "submit":
            complete_review(db(), user, assignment)
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err, labels)
        return _page(assignment, errors, errors.status, request.form)
    db().commit()
    if request.form.get("action") == "submit":
        flash(_("Your review has been submitted."), "success")
        return redirect(url_for("evaluator.index"))
    flash(_("Your scores have been saved as a draft."), "success")
    return redirect(url_for("evaluator.assignment", assignment_id=assignment.id))
