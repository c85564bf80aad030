"""Evaluator assignments (DOMAIN §2–§3): never one's own organisation, a conflict-of-interest
declaration before any content, and an ESR evaluation complete only with at least two
completed reviews by evaluators who declared no conflict."""
from __future__ import annotations

import pytest
from engine_walk import complete_a_review

from workflow.assignments import assign_evaluator, complete_review, declare_conflict
from workflow.engine import available_steps, fire, history
from workflow.errors import WorkflowError
from workflow.permissions import can_read_content, can_view_submission


@pytest.fixture
def in_evaluation(walkers):
    """An ESR application that passed the eligibility check."""
    return walkers["esr-application"].reach("in_evaluation")


def _refusal(call, *args, **kwargs) -> WorkflowError:
    with pytest.raises(WorkflowError) as err:
        call(*args, **kwargs)
    return err.value


def test_an_evaluator_from_the_same_organisation_is_refused(session, admin, make_user,
                                                           in_evaluation):
    """Can an evaluator never be assigned to their own organisation's application?"""
    colleague = make_user("evaluator", organisation=in_evaluation.organisation)
    err = _refusal(assign_evaluator, session, admin, in_evaluation, colleague)
    assert err.code == "not_allowed"
    assert in_evaluation.assignments == []


def test_only_administrators_assign_active_evaluators_once(session, admin, make_user,
                                                          in_evaluation):
    """Are assignments by non-administrators, of users without the evaluator role, of
    inactive evaluators, and of the same evaluator twice refused?"""
    evaluator = make_user("evaluator")
    assert _refusal(assign_evaluator, session, evaluator, in_evaluation,
                    evaluator).code == "not_allowed"
    assert _refusal(assign_evaluator, session, admin, in_evaluation,
                    make_user("applicant")).code == "invalid_input"
    inactive = make_user("evaluator")
    inactive.is_active = False
    assert _refusal(assign_evaluator, session, admin, in_evaluation,
                    inactive).code == "invalid_input"
    assign_evaluator(session, admin, in_evaluation, evaluator)
    assert _refusal(assign_evaluator, session, admin, in_evaluation,
                    evaluator).code == "invalid_input"
    assert [e.trigger for e in history(session, in_evaluation)][-1] == "assign_evaluator"


def test_no_assignment_to_a_draft(session, admin, make_user, make_call, make_submission):
    """Is assigning an evaluator to a draft refused with invalid_transition?"""
    draft = make_submission(make_call("esr", state="open"))
    err = _refusal(assign_evaluator, session, admin, draft, make_user("evaluator"))
    assert err.code == "invalid_transition"


def test_the_declaration_comes_first_and_once(session, admin, make_user, in_evaluation):
    """Does an assigned evaluator see the content only after declaring no conflict; is a
    conflict declared with a reason, once, by the evaluator only, and does it free the
    evaluator from the review?"""
    clear, conflicted = make_user("evaluator"), make_user("evaluator")
    a_clear = assign_evaluator(session, admin, in_evaluation, clear)
    a_conflicted = assign_evaluator(session, admin, in_evaluation, conflicted)
    assert can_view_submission(clear, in_evaluation) and not can_read_content(clear, in_evaluation)
    assert _refusal(complete_review, session, clear, a_clear).code == "not_allowed"

    assert _refusal(declare_conflict, session, conflicted, a_clear,
                    conflicted=False).code == "not_allowed"
    err = _refusal(declare_conflict, session, conflicted, a_conflicted, conflicted=True,
                   reason="  ")
    assert err.code == "comment_required" and set(err.details) == {"reason"}

    declare_conflict(session, clear, a_clear, conflicted=False)
    declare_conflict(session, conflicted, a_conflicted, conflicted=True,
                     reason="Olen hakijan hallituksen jäsen.")
    assert can_read_content(clear, in_evaluation)
    assert not can_read_content(conflicted, in_evaluation)
    assert a_conflicted.conflict_reason == "Olen hakijan hallituksen jäsen."
    assert _refusal(declare_conflict, session, clear, a_clear,
                    conflicted=True, reason="Muutin mieleni.").code == "invalid_transition"
    assert _refusal(complete_review, session, conflicted, a_conflicted).code == "not_allowed"

    complete_a_review(session, clear, a_clear)
    assert _refusal(complete_review, session, clear, a_clear).code == "invalid_transition"
    events = [(e.trigger, e.actor_id, e.comment) for e in history(session, in_evaluation)][-3:]
    assert events == [("declare_no_conflict", clear.id, ""),
                      ("declare_conflict", conflicted.id, "Olen hakijan hallituksen jäsen."),
                      ("complete_review", clear.id, "")]


def test_an_inactive_evaluator_can_neither_declare_nor_complete(session, admin, make_user,
                                                               in_evaluation):
    """Is a deactivated evaluator refused both the declaration and completing a review?"""
    declared, undeclared = make_user("evaluator"), make_user("evaluator")
    a_declared = assign_evaluator(session, admin, in_evaluation, declared)
    a_undeclared = assign_evaluator(session, admin, in_evaluation, undeclared)
    declare_conflict(session, declared, a_declared, conflicted=False)
    declared.is_active = undeclared.is_active = False
    assert _refusal(complete_review, session, declared, a_declared).code == "not_allowed"
    assert _refusal(declare_conflict, session, undeclared, a_undeclared,
                    conflicted=False).code == "not_allowed"
    assert a_declared.completed_at is None and a_undeclared.conflict is None
    assert not can_read_content(declared, in_evaluation)


def _reviewers(session, admin, make_user, submission, *, completed: int, conflicted: int = 0,
               undeclared: int = 0, pending: int = 0) -> None:
    for _ in range(completed + pending):
        evaluator = make_user("evaluator")
        assignment = assign_evaluator(session, admin, submission, evaluator)
        declare_conflict(session, evaluator, assignment, conflicted=False)
        if completed:
            complete_a_review(session, evaluator, assignment)
            completed -= 1
    for _ in range(conflicted):
        evaluator = make_user("evaluator")
        assignment = assign_evaluator(session, admin, submission, evaluator)
        declare_conflict(session, evaluator, assignment, conflicted=True, reason="Jäävi.")
    for _ in range(undeclared):
        assign_evaluator(session, admin, submission, make_user("evaluator"))


@pytest.mark.parametrize(("reviewers", "allowed"), [
    ({"completed": 0}, False),
    ({"completed": 1}, False),
    ({"completed": 1, "conflicted": 2}, False),
    ({"completed": 2, "pending": 1}, False),
    ({"completed": 2, "undeclared": 1}, False),
    ({"completed": 2}, True),
    ({"completed": 2, "conflicted": 1}, True),
    ({"completed": 3}, True),
])
def test_evaluation_completes_with_two_unconflicted_reviews(session, admin, make_user,
                                                            in_evaluation, reviewers, allowed):
    """Can the evaluation of an ESR application be completed only when at least two evaluators
    who declared no conflict have completed, and no other active evaluator is still at work?"""
    _reviewers(session, admin, make_user, in_evaluation, **reviewers)
    listed = "complete_evaluation" in [s.trigger for s in available_steps(admin, in_evaluation,
                                                                          session)]
    assert listed is allowed
    if allowed:
        fire(session, in_evaluation, "complete_evaluation", admin)
        assert in_evaluation.state == "evaluated"
    else:
        err = _refusal(fire, session, in_evaluation, "complete_evaluation", admin)
        assert err.code == "evaluations_incomplete" and err.http_status == 409
        assert in_evaluation.state == "in_evaluation"
