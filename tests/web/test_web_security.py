"""Refusals at the edge: CSRF on every state-changing request, security headers, bad input of
every kind answered with 4xx and a clear message, never a 500."""
from __future__ import annotations

import re

import pytest
from support.web import body, csrf_token

from workflow.assignments import assign_evaluator


def _state_changing_rules(app):
    """Every POST route of the HTML application (the API authenticates otherwise)."""
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and not rule.rule.startswith("/api/"):
            yield rule


def _url(rule, ids):
    # Ids of objects this test does not make (later areas' routes) need not exist: the CSRF
    # check refuses the post before any view loads an object.
    return re.sub(r"<int:(\w+)>", lambda m: str(ids.get(m.group(1), 1)), rule.rule)


def test_every_form_post_without_a_csrf_token_is_refused(session, clock, csrf_app, make_call,
                                                         make_submission, make_user, admin):
    """Is every state-changing request without a valid CSRF token refused with 400, signed in
    or not, and does nothing change?"""
    from support import PASSWORD

    call = make_call("esr", state="open")
    submission = make_submission(call)
    evaluator = make_user("evaluator")
    assignment = assign_evaluator(session, admin, make_submission(call, submit=True), evaluator)
    session.commit()
    client = csrf_app.test_client()
    token = csrf_token(client)
    assert client.post("/sign-in", data={"email": submission.created_by.email, "password": PASSWORD,
                                         "csrf_token": token}).status_code == 302
    ids = {"call_id": call.id, "submission_id": submission.id, "assignment_id": assignment.id,
           "number": 1}
    rules = list(_state_changing_rules(csrf_app))
    assert len(rules) >= 9
    for rule in rules:
        for data in ({}, {"csrf_token": "forged"}):
            response = client.post(_url(rule, ids), data={"trigger": "submit", **data})
            assert response.status_code == 400, rule.rule
            assert "Lomaketta ei voitu lähettää" in body(response)
    assert submission.state == "draft"


def test_a_csrf_token_from_another_session_is_refused(session, csrf_app, make_user):
    """Is a token taken from someone else's session refused?"""
    user = make_user("applicant")
    session.commit()
    attacker = csrf_app.test_client()
    stolen = csrf_token(attacker)
    victim = csrf_app.test_client()
    victim.get("/sign-in")
    response = victim.post("/language", data={"locale": "en", "csrf_token": stolen})
    assert response.status_code == 400
    assert user.locale == "fi"


def test_pages_carry_security_headers(client):
    """Does every page carry a CSP without inline scripts and the other security headers?"""
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers   # plain http in tests
    assert "<script" not in body(response) and 'style="' not in body(response)
    not_found = client.get("/no-such-page")
    assert not_found.status_code == 404 and "Content-Security-Policy" in not_found.headers


def test_a_huge_body_is_refused_with_413(session, make_user, login):
    """Is a body over the limit refused with 413 and a clear message, not a 500?"""
    client = login(make_user("applicant"))
    response = client.post("/sign-in", data={"email": "x" * (2 * 1024 * 1024), "password": "y"})
    assert response.status_code == 413
    assert "Liian suuri" in body(response)


@pytest.mark.parametrize("path", [
    "/calls/abc", "/calls/-1", "/calls/0", "/calls/99999999999999999999",
    "/applicant/submissions/abc", "/applicant/submissions/2147483648",
    "/applicant/submissions/99999999999999999999/receipt",
    "/applicant/submissions/1/versions/99999999999999999999/receipt",
    "/evaluator/assignments/1e3", "/evaluator/assignments/99999999999999999999",
    "/submissions/9999999999999/transition", "/calls/%00/transition",
])
def test_bad_ids_are_404_not_500(session, make_user, login, path):
    """Are non-numeric, negative and huge ids answered with 404?"""
    user = make_user("applicant", "evaluator")
    client = login(user)
    response = client.get(path)
    assert response.status_code == 404, path


def test_unknown_triggers_and_bad_forms_are_refused_clearly(session, clock, make_call,
                                                            make_submission, login):
    """Are an unknown trigger, a trigger not possible now, a malformed version and a missing
    trigger refused with 4xx and a message, never a 500?"""
    call = make_call("esr", state="open")
    submission = make_submission(call)
    client = login(submission.created_by)
    url = f"/submissions/{submission.id}/transition"
    for data, status in [({"trigger": "explode"}, 409), ({"trigger": ""}, 409), ({}, 409),
                         ({"trigger": "approve"}, 409),
                         ({"trigger": "x" * 5000}, 409),
                         ({"trigger": "withdraw", "version": "abc"}, 409),
                         ({"trigger": "withdraw", "version": "99999999999999999999"}, 409)]:
        response = client.post(url, data=data)
        assert response.status_code == status, data
        assert "govuk-heading-l" in body(response)
    assert client.get(url + "?trigger=explode").status_code == 404
    assert client.get(url + "?trigger=approve").status_code == 409
    assert submission.state == "draft"


def test_odd_form_values_are_refused_not_500(session, clock, make_call, make_submission, login):
    """Are odd values in the edit form (unknown fields, huge numbers, NaN) handled?"""
    call = make_call("esr", state="open")
    submission = make_submission(call)
    client = login(submission.created_by)
    url = f"/applicant/submissions/{submission.id}/edit"
    for value in ("NaN", "1e999999", "-5", "Infinity", "9" * 400):
        response = client.post(url, data={"title": "x", "budget_total": value, "action": "save"})
        assert response.status_code in (302, 422), value
    assert client.post(url, data={"unknown": "x", "action": "save"}).status_code in (302, 422)
    assert client.put(url).status_code == 405


def test_a_wrong_method_is_405(client):
    """Is GET on a POST-only address 405 with a page, not a 500?"""
    response = client.get("/sign-out")
    assert response.status_code == 405
    assert "govuk-heading-l" in body(response)
