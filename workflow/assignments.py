"""Evaluator assignments and conflict-of-interest declarations (DOMAIN §2, §3).

An evaluator never evaluates anything from their own organisation, sees no content before
declaring no conflict, and a declared conflict frees the assignment for someone else.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy.orm as so

from models import EvaluatorAssignment, Submission, User

from . import clock
from .engine import record_event
from .errors import WorkflowError, not_allowed
from .i18n import N_
from .evaluation import queries as evaluation
from .permissions import is_admin, is_cleared_evaluator, is_sealed

# States in which reviews are written, submitted and reopened: after the eligibility check
# (ESR), and from the opening of the tenders until the comparison is recorded (Jotpa).
SCORABLE = {"esr": ("in_evaluation",), "jotpa": ("opened", "qualified")}
# States in which evaluators can still be assigned.
ASSIGNABLE = {"esr": ("submitted", "eligibility_check", "returned_for_completion", "in_evaluation"),
              "jotpa": ("opened", "qualified")}


def assign_evaluator(session: so.Session, actor: User, submission: Submission, evaluator: User,
                     *, due_at: dt.datetime | None = None) -> EvaluatorAssignment:
    if not is_admin(actor):
        raise not_allowed()
    if submission.state not in ASSIGNABLE[submission.kind] or is_sealed(submission):
        raise WorkflowError("invalid_transition",
                            N_("Evaluators cannot be assigned at this stage."))
    if not (evaluator.is_active and evaluator.has_role("evaluator")):
        raise WorkflowError("invalid_input", N_("This user is not an evaluator."))
    if evaluator.organisation_id is not None and evaluator.organisation_id == submission.organisation_id:
        raise WorkflowError("not_allowed",
                            N_("An evaluator cannot evaluate their own organisation's submission."))
    if any(a.evaluator_id == evaluator.id for a in submission.assignments):
        raise WorkflowError("invalid_input", N_("This evaluator is assigned already."))
    assignment = EvaluatorAssignment(evaluator=evaluator, assigned_by_id=actor.id,
                                     assigned_at=clock.now(), due_at=due_at)
    submission.assignments.append(assignment)
    session.flush()
    record_event(session, submission, "assign_evaluator", actor,
                 data={"evaluator_id": evaluator.id})
    return assignment


def declare_conflict(session: so.Session, actor: User, assignment: EvaluatorAssignment, *,
                     conflicted: bool, reason: str = "") -> EvaluatorAssignment:
    """The evaluator's declaration: once, before any content is shown."""
    if actor.id != assignment.evaluator_id or not actor.is_active:
        raise not_allowed()
    if assignment.conflict is not None:
        raise WorkflowError("invalid_transition", N_("The declaration has been made already."))
    if conflicted and not reason.strip():
        raise WorkflowError("comment_required", N_("Write the reason."),
                            details={"reason": N_("Required.")})
    assignment.conflict = conflicted
    assignment.conflict_reason = reason.strip()
    assignment.declared_at = clock.now()
    session.flush()
    record_event(session, assignment.submission,
                 "declare_conflict" if conflicted else "declare_no_conflict", actor,
                 comment=reason.strip())
    return assignment


def complete_review(session: so.Session, actor: User, assignment: EvaluatorAssignment) -> None:
    """Submit the evaluator's review (issue 5 §3): every scored criterion of the call needs a
    score and a justification (drafts: workflow.evaluation.reviews). Submitting locks the
    review; only an administrator can reopen it (`reopen_review`)."""
    if (actor.id != assignment.evaluator_id or not actor.is_active
            or assignment.conflict is not False
            or not is_cleared_evaluator(actor, assignment.submission)):
        raise not_allowed()
    if assignment.completed_at is not None:
        raise WorkflowError("invalid_transition", N_("The review has been submitted already."))
    submission = assignment.submission
    if submission.state not in SCORABLE[submission.kind]:
        raise WorkflowError("invalid_transition", N_("Reviews cannot be submitted at this stage."))
    criteria = evaluation.criteria_of(session, submission.call_id)
    scores = evaluation.scores_by_assignment(session, [assignment.id])[assignment.id]
    missing = evaluation.missing_scores(criteria, scores)
    if missing:
        raise WorkflowError("content_missing", N_("Score and justify every criterion first."),
                            details={f"criterion_{cid}": "required" for cid in missing})
    assignment.completed_at = clock.now()
    session.flush()
    record_event(session, submission, "complete_review", actor,
                 data={"assignment_id": assignment.id})


def reopen_review(session: so.Session, actor: User, assignment: EvaluatorAssignment, *,
                  reason: str) -> EvaluatorAssignment:
    """An administrator reopens a submitted review, with the reason (audited); the evaluator
    can then change it and submit it again. Only while the submission is being scored."""
    if not is_admin(actor):
        raise not_allowed()
    if not reason.strip():
        raise WorkflowError("comment_required", N_("Write the reason."),
                            details={"reason": N_("Required.")})
    if assignment.completed_at is None:
        raise WorkflowError("invalid_transition", N_("The review has not been submitted."))
    submission = assignment.submission
    if submission.state not in SCORABLE[submission.kind]:
        raise WorkflowError("invalid_transition", N_("Reviews cannot be reopened at this stage."))
    assignment.completed_at = None
    session.flush()
    record_event(session, submission, "reopen_review", actor, comment=reason.strip(),
                 data={"assignment_id": assignment.id, "evaluator_id": assignment.evaluator_id})
    return assignment
