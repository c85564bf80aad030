"""One submission's reviews for administrators: scores and justifications, disagreement,
consensus scores and reopening a review."""
from __future__ import annotations

from decimal import Decimal

from models import ConsensusScore
from workflow.evaluation.ranking import build_ranking

from support.evaluation import criteria, scores
from support.web import body, cell


def test_the_reviews_page_shows_scores_justifications_and_disagreement(
        session, admin, applications, evaluators, review, login):
    """Does the administrator see each evaluator's score and justification per criterion,
    drafts marked as not counting, the score that counts and a disagreement flag?"""
    admin.locale = "en"
    call, (app,) = applications("250000")
    first, second, third = evaluators(3)
    review(app, first, scores(1, 3, 3, 2))
    review(app, second, scores(5, 3, 3, 1))
    review(app, third, scores(2, 2, 2, 2), submit=False)          # a draft
    need = criteria(session, call)["Need"]
    page = body(login(admin).get(f"/evaluation/submissions/{app.id}/reviews"))
    assert "Perustelu: Need 1" in page and "Perustelu: Need 5" in page
    assert first.name in page and third.name in page
    assert "Draft (does not count)" in page
    assert "Evaluators disagree" in page
    result = cell(page, f"criterion-{need.id}-result")
    assert "3.00" in result and "mean of the submitted reviews" in result
    assert "18.00 of 30.00 points" in result


def test_an_admin_sets_and_removes_a_consensus_score(session, admin, applications, evaluators,
                                                    review, login):
    """Can an administrator resolve a disagreement with a consensus score and its
    justification, which then counts in the ranking, and remove it again with a reason?"""
    admin.locale = "en"
    call, (app,) = applications("250000")
    first, second = evaluators(2)
    review(app, first, scores(1, 3, 3, 2))
    review(app, second, scores(5, 3, 3, 1))
    need = criteria(session, call)["Need"]
    client = login(admin)
    path = f"/evaluation/submissions/{app.id}/consensus"
    saved = client.post(path, data={"criterion_id": need.id, "action": "set", "score": "4",
                                    "justification": "Tarve on hyvin perusteltu."})
    assert saved.status_code == 302
    row = session.query(ConsensusScore).filter_by(submission_id=app.id).one()
    assert (row.score, row.set_by_id) == (Decimal("4"), admin.id)
    line = build_ranking(session, call).row(app.id).result.line(need.id)
    assert line.from_consensus and line.points == 24
    page = body(client.get(f"/evaluation/submissions/{app.id}/reviews"))
    assert "Tarve on hyvin perusteltu." in page and "consensus score" in page

    refused = client.post(path, data={"criterion_id": need.id, "action": "clear", "reason": ""})
    assert refused.status_code == 422
    assert f'href="#field-consensus_{need.id}_reason"' in body(refused)
    removed = client.post(path, data={"criterion_id": need.id, "action": "clear",
                                      "reason": "Arvioijat sopivat asiasta."})
    assert removed.status_code == 302
    assert session.query(ConsensusScore).filter_by(submission_id=app.id).count() == 0


def test_bad_consensus_input_is_refused_with_a_message(session, admin, applications,
                                                       evaluators, review, login):
    """Are a score outside the scale, a fraction, letters, a missing justification and an
    unknown criterion refused with messages on the right fields, never a 500?"""
    admin.locale = "en"
    call, (app,) = applications("250000")
    (first,) = evaluators(1)
    review(app, first, scores(3, 3, 3, 2))
    need = criteria(session, call)["Need"]
    client = login(admin)
    path = f"/evaluation/submissions/{app.id}/consensus"
    for score, justification in (("9", "x"), ("2.5", "x"), ("neljä", "x"), ("4", "  ")):
        response = client.post(path, data={"criterion_id": need.id, "action": "set",
                                           "score": score, "justification": justification})
        assert response.status_code == 422, score
        page = body(response)
        assert f'href="#field-consensus_{need.id}_' in page
    pass_fail = criteria(session, call)["Fits the call"]
    for criterion_id in ("", "abc", "99999999999", str(pass_fail.id)):
        response = client.post(path, data={"criterion_id": criterion_id, "action": "set",
                                           "score": "3", "justification": "x"})
        assert response.status_code == 422
        assert "Unknown criterion." in body(response)
    assert session.query(ConsensusScore).count() == 0


def test_an_admin_reopens_a_submitted_review_with_a_reason(session, admin, applications,
                                                          evaluators, review, login):
    """Can an administrator reopen a submitted review only with a reason, after which the
    evaluator may change it?"""
    admin.locale = "en"
    call, (app,) = applications("250000")
    (first,) = evaluators(1)
    assignment = review(app, first, scores(3, 3, 3, 2))
    client = login(admin)
    refused = client.post(f"/evaluation/assignments/{assignment.id}/reopen", data={"reason": ""})
    assert refused.status_code == 422
    assert f'href="#field-reopen_{assignment.id}_reason"' in body(refused)
    session.refresh(assignment)
    assert assignment.completed_at is not None
    reopened = client.post(f"/evaluation/assignments/{assignment.id}/reopen",
                           data={"reason": "Perustelu puuttuu kriteeristä 2."})
    assert reopened.status_code == 302
    session.refresh(assignment)
    assert assignment.completed_at is None
    again = client.post(f"/evaluation/assignments/{assignment.id}/reopen",
                        data={"reason": "Uudelleen"})
    assert again.status_code == 409 and "has not been submitted" in body(again)
    assert client.post("/evaluation/assignments/99999999999/reopen",
                       data={"reason": "x"}).status_code == 404
    assert client.post("/evaluation/assignments/987654/reopen",
                       data={"reason": "x"}).status_code == 404
