"""Who may do what to which object: questions of (user, object, state), answered here only."""
from __future__ import annotations

from models import Call, EvaluatorAssignment, Report, Submission, User
from models.states import EsrCallState, ProcurementState

from . import clock
from .spec import Party

# Calls in these states are not public yet.
UNPUBLISHED = {EsrCallState.DRAFT.value, ProcurementState.PLANNING.value}
# A submission's working copy can be edited in these states, before the deadline.
EDITABLE_STATES = ("draft", "submitted")


def is_admin(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_role("admin")


def is_own_organisation(user: User | None, submission: Submission) -> bool:
    return (user is not None and user.is_active and user.has_role("applicant")
            and user.organisation_id is not None
            and user.organisation_id == submission.organisation_id)


def assignment_of(user: User | None, submission: Submission) -> EvaluatorAssignment | None:
    if user is None:
        return None
    return next((a for a in submission.assignments if a.evaluator_id == user.id), None)


def is_cleared_evaluator(user: User | None, submission: Submission) -> bool:
    """Assigned, has declared no conflict of interest, and is not from the same organisation."""
    if user is None or not user.is_active or not user.has_role("evaluator"):
        return False
    if user.organisation_id is not None and user.organisation_id == submission.organisation_id:
        return False
    assignment = assignment_of(user, submission)
    return assignment is not None and assignment.conflict is False


def is_party(user: User | None, obj: Call | Submission | Report, party: Party) -> bool:
    if party is Party.SYSTEM:
        return user is None
    if party is Party.ADMIN:
        return is_admin(user)
    if isinstance(obj, Report):
        # A report is written by the organisation of the tender or project it reports on.
        obj = obj.submission
    if not isinstance(obj, Submission):
        return False
    if party is Party.OWNER:
        return is_own_organisation(user, obj)
    if party is Party.EVALUATOR:
        return is_cleared_evaluator(user, obj)
    return False


def is_sealed(submission: Submission) -> bool:
    """A Jotpa tender's content is sealed until the procurement's tenders are opened."""
    return submission.kind == "jotpa" and submission.call.tenders_opened_at is None


def can_view_call(user: User | None, call: Call) -> bool:
    return call.state not in UNPUBLISHED or is_admin(user)


def can_view_submission(user: User | None, submission: Submission) -> bool:
    """May know that the submission exists and see its state (not necessarily its content)."""
    return (is_own_organisation(user, submission) or is_admin(user)
            or assignment_of(user, submission) is not None)


def can_read_content(user: User | None, submission: Submission) -> bool:
    """May read what was written: the own organisation always; nobody else while sealed;
    then administrators, and evaluators who have declared no conflict."""
    if is_own_organisation(user, submission):
        return True
    if is_sealed(submission):
        return False
    return is_admin(user) or is_cleared_evaluator(user, submission)


def can_edit_content(user: User | None, submission: Submission) -> bool:
    """The working copy: the own organisation, while the submission can still be (re)submitted."""
    return (is_own_organisation(user, submission) and submission.state in EDITABLE_STATES
            and submission.call.deadline > clock.now())
