"""Who may use the administrators' pages: administrators only; every other role gets 403 on
every page and form, anonymous browsers go to sign in; and no form posts without its CSRF
token."""
from __future__ import annotations

import pytest
from admin_support import ESR_CALL_FORM
from support import PASSWORD, helsinki
from support.web import body, csrf_token

from workflow.questions import ask_question


@pytest.fixture
def scene(session, clock, admin, make_call, make_submission, make_user):
    call = make_call("jotpa", state="tendering", opens_at=helsinki(2024, 5, 15, 9, 0),
                     deadline=helsinki(2024, 6, 14, 16, 15))
    bidder = make_user("applicant")
    submission = make_submission(call, bidder, submit=True)
    question = ask_question(session, bidder, call, "Kysymys")
    return {"call_id": call.id, "submission_id": submission.id, "question_id": question.id,
            "bidder": bidder}


def _admin_rules(app, ids):
    """(method, path) of every route of the admin blueprint, ids filled in."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            path = rule.build({name: ids[name] for name in rule.arguments})[1]
            out += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return out


def test_applicants_and_evaluators_get_403_everywhere(app, scene, make_user, login):
    """Do an applicant (of the submission's own organisation, even) and an evaluator get 403 on
    every administrator page and form, GET and POST alike?"""
    rules = _admin_rules(app, scene)
    assert len(rules) >= 15
    for user in (scene["bidder"], make_user("evaluator"), make_user("applicant", "evaluator")):
        client = login(user)
        for method, path in rules:
            response = client.open(path, method=method, data={"title": "x"})
            assert response.status_code == 403, (user.roles, method, path)


def test_anonymous_browsers_are_sent_to_sign_in(app, scene, anonymous):
    """Is an anonymous browser redirected to sign in from every administrator page (and sent
    back to the page afterwards), and refused on every form?"""
    for method, path in _admin_rules(app, scene):
        response = anonymous.open(path, method=method)
        assert response.status_code == 302, (method, path)
        assert "/sign-in" in response.headers["Location"]
        if method == "GET":
            assert "next=" in response.headers["Location"]


def test_an_inactive_administrator_is_refused(app, session, admin, login):
    """Is an administrator whose account was deactivated refused too?"""
    client = login(admin)
    admin.is_active = False
    session.commit()
    assert client.get("/admin/").status_code in (302, 403)


def test_forms_without_the_csrf_token_are_refused(csrf_app, session, clock, scene, admin):
    """Is every administrator form (and the bidders' question form) refused with 400 without
    its CSRF token, and accepted with it?"""
    session.commit()
    client = csrf_app.test_client()
    client.post("/sign-in", data={"email": admin.email, "password": PASSWORD,
                                  "csrf_token": csrf_token(client)})
    assert client.get("/admin/").status_code == 200
    posts = [(m, p) for m, p in _admin_rules(csrf_app, scene) if m == "POST"]
    assert len(posts) >= 6
    for _method, path in posts:
        response = client.post(path, data={"title": "x"})
        assert response.status_code == 400, path
        assert "Lomaketta ei voitu lähettää" in body(response)

    token = csrf_token(client, "/admin/calls/new")
    created = client.post("/admin/calls/new", data={**ESR_CALL_FORM, "csrf_token": token})
    assert created.status_code == 302

    bidder = csrf_app.test_client()
    bidder.post("/sign-in", data={"email": scene["bidder"].email,
                                  "password": PASSWORD,
                                  "csrf_token": csrf_token(bidder)})
    path = f"/calls/{scene['call_id']}/questions"
    assert bidder.post(path, data={"question": "Kysymys ilman tunnistetta"}).status_code == 400
    ok = bidder.post(path, data={"question": "Kysymys", "csrf_token": csrf_token(bidder, path)})
    assert ok.status_code == 302
