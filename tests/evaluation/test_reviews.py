"""Scoring: who may score, drafts, submitting locks, reopening with a reason, consensus."""
from __future__ import annotations

import pytest

from workflow.assignments import (assign_evaluator, complete_review, declare_conflict,
                                  reopen_review)
from workflow.engine import fire, history
from workflow.errors import WorkflowError
from workflow.evaluation import reviews
from workflow.evaluation.ranking import submission_result
from workflow.permissions import can_read_content

from support.evaluation import criteria, scores


def full(session, call, values=(4, 3, 4, 2)):
    by_name = criteria(session, call)
    return {by_name[n].id: {"score": s, "justification": f"Perustelu {n}"}
            for n, s in scores(*values).items()}


@pytest.fixture
def app_in_evaluation(applications):
    call, [app] = applications("200000")
    return call, app


def test_a_conflicted_evaluator_never_scores_nor_reads(session, admin, evaluators,
                                                       app_in_evaluation):
    """An evaluator who declared a conflict of interest: refused with not_allowed, and never
    shown the content."""
    call, app = app_in_evaluation
    [evaluator] = evaluators(1)
    assignment = assign_evaluator(session, admin, app, evaluator)
    declare_conflict(session, evaluator, assignment, conflicted=True, reason="Entinen työnantaja")
    assert not can_read_content(evaluator, app)
    values = full(session, call)
    for attempt in (lambda: reviews.save_scores(session, evaluator, assignment, values),
                    lambda: reviews.save_scores_for(session, evaluator, app, values),
                    lambda: complete_review(session, evaluator, assignment),
                    lambda: reviews.score_and_submit(session, evaluator, assignment,
                                                     full(session, call))):
        with pytest.raises(WorkflowError) as refusal:
            attempt()
        assert refusal.value.code == "not_allowed"
    assert reviews.review_view(session, evaluator, assignment) is None


def test_an_undeclared_or_unassigned_evaluator_never_scores_nor_reads(session, admin, evaluators,
                                                                      app_in_evaluation):
    """Assigned but not yet declared, or not assigned at all: refused, content hidden."""
    call, app = app_in_evaluation
    undeclared, unassigned = evaluators(2)
    assignment = assign_evaluator(session, admin, app, undeclared)
    assert not can_read_content(undeclared, app) and not can_read_content(unassigned, app)
    with pytest.raises(WorkflowError) as refusal:
        reviews.save_scores(session, undeclared, assignment, full(session, call))
    assert refusal.value.code == "not_allowed"
    values = full(session, call)
    for attempt in (lambda: reviews.save_scores(session, unassigned, assignment, values),
                    lambda: reviews.save_scores_for(session, unassigned, app, values),
                    lambda: complete_review(session, unassigned, assignment)):
        with pytest.raises(WorkflowError) as refusal:
            attempt()
        assert refusal.value.code == "not_allowed"


def test_an_evaluator_saves_a_draft_then_submits_and_it_locks(session, admin, evaluators,
                                                             app_in_evaluation):
    """Can an evaluator save a partial draft, finish it, submit it, and then no longer change
    it? And is a draft invisible to the totals until submitted?"""
    call, app = app_in_evaluation
    [evaluator] = evaluators(1)
    assignment = assign_evaluator(session, admin, app, evaluator)
    declare_conflict(session, evaluator, assignment, conflicted=False)
    assert can_read_content(evaluator, app)
    need = criteria(session, call)["Need"]
    reviews.save_scores(session, evaluator, assignment,
                        {need.id: {"score": "4", "justification": "Hyvä tarve"}})
    view = reviews.review_view(session, evaluator, assignment)
    assert view["editable"] and not view["submitted"] and len(view["missing"]) == 3
    with pytest.raises(WorkflowError) as refusal:
        complete_review(session, evaluator, assignment)
    assert refusal.value.code == "content_missing"
    assert submission_result(session, app).line(need.id).score is None  # drafts do not count
    reviews.save_scores(session, evaluator, assignment, full(session, call))
    complete_review(session, evaluator, assignment)
    assert submission_result(session, app).line(need.id).score == 4
    with pytest.raises(WorkflowError) as refusal:
        reviews.save_scores(session, evaluator, assignment, full(session, call, (1, 1, 1, 1)))
    assert refusal.value.code == "invalid_transition"
    assert history(session, app)[-1].trigger == "complete_review"


def test_a_score_needs_its_justification(session, admin, evaluators, app_in_evaluation):
    """Can a review be submitted with a score but no justification? No."""
    call, app = app_in_evaluation
    [evaluator] = evaluators(1)
    assignment = assign_evaluator(session, admin, app, evaluator)
    declare_conflict(session, evaluator, assignment, conflicted=False)
    values = full(session, call)
    values[criteria(session, call)["Impact"].id]["justification"] = "   "
    reviews.save_scores(session, evaluator, assignment, values)
    with pytest.raises(WorkflowError) as refusal:
        complete_review(session, evaluator, assignment)
    assert refusal.value.code == "content_missing"
    assert f"criterion_{criteria(session, call)['Impact'].id}" in refusal.value.details


@pytest.mark.parametrize("raw", [6, -1, "3.5", 2.0, True, "kolme", {"x": 1}])
def test_a_score_off_the_scale_is_refused(session, admin, evaluators, app_in_evaluation, raw):
    call, app = app_in_evaluation
    [evaluator] = evaluators(1)
    assignment = assign_evaluator(session, admin, app, evaluator)
    declare_conflict(session, evaluator, assignment, conflicted=False)
    need = criteria(session, call)["Need"]
    with pytest.raises(WorkflowError) as refusal:
        reviews.save_scores(session, evaluator, assignment, {need.id: {"score": raw}})
    assert refusal.value.code == "invalid_input"
    with pytest.raises(WorkflowError) as refusal:
        reviews.save_scores(session, evaluator, assignment, {"999999": {"score": 1}})
    assert refusal.value.code == "invalid_input"


def test_an_administrator_reopens_a_review_with_a_reason(session, admin, evaluators, review,
                                                         app_in_evaluation):
    """Can an administrator reopen a submitted review, only with a reason, audited, and can the
    evaluator then change it and submit again?"""
    call, app = app_in_evaluation
    [evaluator] = evaluators(1)
    assignment = review(app, evaluator, scores(4, 3, 4, 2))
    with pytest.raises(WorkflowError) as refusal:
        reopen_review(session, evaluator, assignment, reason="Haluan muuttaa")
    assert refusal.value.code == "not_allowed"
    with pytest.raises(WorkflowError) as refusal:
        reopen_review(session, admin, assignment, reason="  ")
    assert refusal.value.code == "comment_required"
    reopen_review(session, admin, assignment, reason="Perustelu puuttui kriteeristä 2")
    entry = history(session, app)[-1]
    assert (entry.trigger, entry.comment, entry.actor_id) == (
        "reopen_review", "Perustelu puuttui kriteeristä 2", admin.id)
    assert entry.data["assignment_id"] == assignment.id
    review(app, evaluator, scores(5, 3, 4, 2))
    assert submission_result(session, app).line(criteria(session, call)["Need"].id).score == 5


def test_reviews_are_only_given_while_the_submission_is_in_evaluation(session, admin, evaluators,
                                                                      review, applications):
    """Once the evaluation is complete, can a review be reopened or a consensus set? No."""
    call, [app] = applications("100000")
    first, second = evaluators(2)
    review(app, first, scores(4, 3, 4, 2))
    assignment = review(app, second, scores(4, 3, 4, 2))
    fire(session, app, "complete_evaluation", admin)
    for attempt in (lambda: reopen_review(session, admin, assignment, reason="Myöhässä"),
                    lambda: reviews.set_consensus(session, admin, app,
                                                  criteria(session, call)["Need"].id,
                                                  score=3, justification="Sovittu")):
        with pytest.raises(WorkflowError) as refusal:
            attempt()
        assert refusal.value.code == "invalid_transition"


def test_complete_evaluation_needs_two_full_reviews(session, admin, evaluators, review,
                                                   app_in_evaluation):
    """Is the evaluation complete only with two submitted reviews, every criterion scored and
    justified, and no active assignment left open?"""
    call, app = app_in_evaluation
    first, second, third = evaluators(3)
    review(app, first, scores(4, 3, 4, 2))
    with pytest.raises(WorkflowError) as refusal:
        fire(session, app, "complete_evaluation", admin)
    assert refusal.value.code == "evaluations_incomplete"
    review(app, second, scores(4, 3, 4, 2), submit=False)       # a draft is not a review
    with pytest.raises(WorkflowError):
        fire(session, app, "complete_evaluation", admin)
    review(app, second, scores(4, 3, 4, 2))
    assign_evaluator(session, admin, app, third)                 # undeclared: still open
    with pytest.raises(WorkflowError):
        fire(session, app, "complete_evaluation", admin)
    declare_conflict(session, third, app.assignments[-1], conflicted=True, reason="Jäävi")
    fire(session, app, "complete_evaluation", admin)
    assert app.state == "evaluated"


def test_a_consensus_score_replaces_the_mean_and_is_audited(session, admin, evaluators, review,
                                                            app_in_evaluation):
    """When the evaluators disagree, can an administrator set a consensus score with its
    justification, and does it replace their mean?"""
    call, app = app_in_evaluation
    first, second = evaluators(2)
    need = criteria(session, call)["Need"]
    review(app, first, scores(1, 3, 4, 2))
    review(app, second, scores(5, 3, 4, 2))
    line = submission_result(session, app).line(need.id)
    assert line.disagreement and line.score == 3
    with pytest.raises(WorkflowError) as refusal:
        reviews.set_consensus(session, admin, app, need.id, score=4, justification="")
    assert refusal.value.code == "invalid_input" and "justification" in refusal.value.details
    with pytest.raises(WorkflowError) as refusal:
        reviews.set_consensus(session, first, app, need.id, score=4, justification="Sovittu")
    assert refusal.value.code == "not_allowed"
    reviews.set_consensus(session, admin, app, need.id, score=4,
                          justification="Arviointikokous 10.6.: tarve hyvin perusteltu")
    line = submission_result(session, app).line(need.id)
    assert line.from_consensus and line.score == 4 and line.points == 24
    entry = history(session, app)[-1]
    assert entry.trigger == "set_consensus" and entry.data == {"criterion_id": need.id,
                                                               "score": "4"}
    reviews.clear_consensus(session, admin, app, need.id, reason="Kirjattu väärin")
    assert submission_result(session, app).line(need.id).score == 3


def test_the_review_views_show_only_what_each_may_see(session, admin, evaluators, review,
                                                      make_user, app_in_evaluation):
    call, app = app_in_evaluation
    first, second = evaluators(2)
    assignment = review(app, first, scores(4, 3, 4, 2))
    assert reviews.review_view(session, second, assignment) is None
    assert reviews.review_view(session, app.created_by, assignment) is None
    own = reviews.review_view(session, first, assignment)
    assert own["submitted"] and not own["editable"] and own["missing"] == []
    listing = reviews.reviews_view(session, admin, app)
    assert [r["evaluator"] for r in listing] == [first.name]
    assert reviews.reviews_view(session, first, app) is None
