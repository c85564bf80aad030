"""Who may open the evaluation pages: administrators only, except the participants' decision
document and results; conflicted and unassigned evaluators never see content or scores; forms
need their CSRF token; bad input is a 4xx, never a 500."""
from __future__ import annotations

import re

import pytest

from models import ReviewScore
from workflow.assignments import assign_evaluator, declare_conflict
from workflow.engine import fire
from workflow.evaluation import decisions
from workflow.evaluation import queries as q
from workflow.web.evaluation import PARTICIPANT_ENDPOINTS

from support.evaluation import criteria, scores
from support.web import body, csrf_token

SECRET = "SALAINEN-TIIVISTELMÄ-7f3a"


def evaluation_routes(app, ids: dict[str, int]) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) of every route of the evaluation blueprint, with these ids."""
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("evaluation."):
            continue
        path = re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, path))
    return out


@pytest.fixture
def scene(session, admin, applications, evaluators, make_user):
    """An ESR application in evaluation with a cleared evaluator, a conflicted one, an
    unassigned one, and its applicant; its summary is a secret."""
    call, (app,) = applications("250000")
    app.content = {**app.content, "summary": SECRET}
    session.flush()
    cleared, conflicted, unassigned = evaluators(3)
    for evaluator in (cleared, conflicted):
        assignment = assign_evaluator(session, admin, app, evaluator)
        declare_conflict(session, evaluator, assignment, conflicted=evaluator is conflicted,
                         reason="Hallituksen jäsen" if evaluator is conflicted else "")
    other_applicant = make_user("applicant")
    return {"call": call, "app": app, "cleared": cleared, "conflicted": conflicted,
            "unassigned": unassigned, "applicant": app.created_by, "other": other_applicant}


def test_applicants_and_evaluators_get_403_on_every_administrator_page(app, scene, login,
                                                                      anonymous):
    """Do an applicant and an evaluator get 403 from every administrator page of the
    evaluation (GET and POST alike), and an anonymous visitor the sign-in page?"""
    a = scene["app"]
    assignment = a.assignments[0]
    ids = {"call_id": scene["call"].id, "submission_id": a.id, "assignment_id": assignment.id}
    routes = [r for r in evaluation_routes(app, ids) if r[0] not in PARTICIPANT_ENDPOINTS]
    assert len(routes) >= 18
    for who in ("applicant", "cleared", "conflicted"):
        client = login(scene[who])
        for endpoint, method, path in routes:
            response = client.open(path, method=method, data={"reason": "x"})
            assert response.status_code == 403, (who, endpoint, method, response.status_code)
    for endpoint, method, path in routes:
        response = anonymous.open(path, method=method)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], endpoint


def test_conflicted_and_unassigned_evaluators_never_see_content_or_score(
        session, admin, scene, review, evaluators, login, api_get):
    """Can an evaluator who declared a conflict, or one who is not assigned, read the
    application or score it through any page or the API? No: 403 or 404 everywhere, before
    and after the decision."""
    call, a = scene["call"], scene["app"]
    conflicted, unassigned = scene["conflicted"], scene["unassigned"]
    own_assignment = next(x for x in a.assignments if x.evaluator_id == conflicted.id)
    need = criteria(session, call)["Need"]

    client = login(conflicted)
    page = client.get(f"/evaluator/assignments/{own_assignment.id}")
    assert page.status_code == 200 and SECRET not in body(page)
    refused = client.post(f"/evaluator/assignments/{own_assignment.id}/review",
                          data={f"score_{need.id}": "5", f"justification_{need.id}": "x",
                                "action": "save"})
    assert refused.status_code == 403 and SECRET not in body(refused)
    assert session.query(ReviewScore).filter_by(assignment_id=own_assignment.id).count() == 0
    outsider = login(unassigned)
    assert outsider.get(f"/evaluator/assignments/{own_assignment.id}").status_code == 404
    assert outsider.post(f"/evaluator/assignments/{own_assignment.id}/review",
                         data={f"score_{need.id}": "5", "action": "save"}).status_code == 404

    for user, status in ((conflicted, 200), (unassigned, 404)):
        response = api_get(f"/submissions/{a.id}", user)
        assert response.status_code == status
        assert SECRET not in response.get_data(as_text=True)
        if status == 200:
            assert "content" not in response.get_json()

    # Scored by the cleared evaluator and a second one, evaluated, funded, decided.
    (second,) = evaluators(1)
    review(a, scene["cleared"], scores(4, 4, 4, 2))
    review(a, second, scores(4, 3, 4, 2))
    fire(session, a, "complete_evaluation", admin)
    decisions.apply_funding_proposal(session, admin, call)
    fire(session, call, "decide", admin)
    session.commit()
    for user in (conflicted, unassigned, scene["cleared"], scene["other"]):
        client = login(user)
        for path in (f"/evaluation/submissions/{a.id}/decision",
                     f"/evaluation/submissions/{a.id}/decision.pdf",
                     f"/evaluation/calls/{call.id}/results"):
            response = client.get(path)
            assert response.status_code == 404, (user.email, path)
            assert SECRET not in body(response)
        assert client.get(f"/evaluation/submissions/{a.id}/reviews").status_code == 403
        response = api_get(f"/calls/{call.id}/ranking", user)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert api_get(f"/calls/{call.id}/ranking", None).status_code == 401


def test_forms_need_their_csrf_token(session, admin, csrf_app, scene, login):
    """Is every form of the evaluation posted without its CSRF token (or with a forged one)
    refused with 400 and nothing changed, and the same form with the token accepted?"""
    client = login(admin, csrf_app.test_client())
    call, a = scene["call"], scene["app"]
    ids = {"call_id": call.id, "submission_id": a.id, "assignment_id": a.assignments[0].id}
    posts = [r for r in evaluation_routes(csrf_app, ids) if r[1] == "POST"]
    assert len(posts) >= 9
    for endpoint, _method, path in posts:
        for data in ({}, {"csrf_token": "forged"}):
            response = client.post(path, data={"min_evaluators": "3", "reason": "x", **data})
            assert response.status_code == 400, endpoint
    session.expire_all()
    assert q.settings_of(session, call.id).min_evaluators == 2
    path = f"/evaluation/calls/{call.id}/settings"
    token = csrf_token(client, f"/evaluation/calls/{call.id}/criteria")
    accepted = client.post(path, data={"min_evaluators": "3", "csrf_token": token})
    assert accepted.status_code == 302
    assert q.settings_of(session, call.id).min_evaluators == 3


def test_bad_ids_and_input_are_4xx_never_500(app, admin, scene, login):
    """Do unknown, zero and too large ids give 404 on every page, and odd form input a 4xx,
    never a 500?"""
    client = login(admin)
    for bad in (0, 987654, 2**31, 10**12):
        ids = {"call_id": bad, "submission_id": bad, "assignment_id": bad}
        for endpoint, method, path in evaluation_routes(app, ids):
            response = client.open(path, method=method, data={"reason": "x"})
            assert response.status_code == 404, (endpoint, method, bad, response.status_code)
    assert client.get("/evaluation/calls/abc/ranking").status_code == 404
    a, call = scene["app"], scene["call"]
    odd_forms = [
        (f"/evaluation/calls/{call.id}/criteria", {"rows": "9" * 40}),
        (f"/evaluation/calls/{call.id}/settings", {"min_evaluators": "1e9",
                                                    "disagreement_margin": "NaN"}),
        (f"/evaluation/calls/{call.id}/assignments/proposal", {"pair": "x" * 5000}),
        (f"/evaluation/submissions/{a.id}/checks", {"passed_1": "yes", "action": "decide"}),
        (f"/evaluation/submissions/{a.id}/consensus", {"criterion_id": "1" * 30, "score": "∞"}),
        (f"/evaluation/submissions/{a.id}/evaluators", {"evaluator_id": "٣"}),
        (f"/evaluation/calls/{call.id}/award", {"winners": "1"}),
    ]
    for path, data in odd_forms:
        response = client.post(path, data=data)
        assert 400 <= response.status_code < 500, (path, response.status_code)
