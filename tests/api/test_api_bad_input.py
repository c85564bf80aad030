"""Bad input of every kind is a 4xx with the error shape, never a 500 (the autouse fixture
`no_unexpected_errors` also fails a test whose request reached the catch-all handler)."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflow.web.api import calls as calls_module

CALL_FIELDS = ["kind", "title", "opens_at", "deadline", "questions_until", "description",
               "budget", "hilma_notice_id", "form_fields", "info_events", "version"]
SUBMISSION_FIELDS = ["content", "version"]
TRANSITION_FIELDS = ["trigger", "comment", "version", "granted_amount", "due_at"]


@pytest.fixture
def scene(world, token_for):
    """Tokens of the administrator and of organisation A's applicant, and the paths to write to."""
    admin, own = token_for(world.users["admin"]), token_for(world.users["own"])
    return {
        "admin": admin, "own": own,
        "writes": [
            ("POST", "/tokens", None, CALL_FIELDS),
            ("POST", "/calls", admin, CALL_FIELDS),
            ("PATCH", f"/calls/{world.draft_call.id}", admin, CALL_FIELDS),
            ("POST", f"/calls/{world.esr.id}/submissions", own, SUBMISSION_FIELDS),
            ("PATCH", f"/submissions/{world.esr_a.id}", own, SUBMISSION_FIELDS),
            ("POST", f"/submissions/{world.esr_a.id}/transitions", own, TRANSITION_FIELDS),
            ("POST", f"/calls/{world.esr.id}/transitions", admin, TRANSITION_FIELDS),
        ],
    }


MALFORMED = {
    "truncated": (b'{"title": ', 400, "malformed_json"),
    "empty": (b"", 400, "malformed_json"),
    "not utf-8": (b'{"title": "\xff\xfe"}', 400, "malformed_json"),
    "NaN": (b'{"version": NaN}', 400, "malformed_json"),
    "Infinity": (b'{"version": -Infinity}', 400, "malformed_json"),
    "duplicate keys": (b'{"version": 1, "version": 2}', 400, "malformed_json"),
    "nested too deeply": (b"[" * 5000 + b"]" * 5000, 400, "malformed_json"),
    "nested objects": (b'{"a":' * 100 + b"1" + b"}" * 100, 400, "malformed_json"),
    "5000-digit integer": (b'{"version": 1' + b"0" * 5000 + b"}", 400, "malformed_json"),
    "a list": (b"[]", 422, "invalid_input"),
    "null": (b"null", 422, "invalid_input"),
    "a number": (b"42", 422, "invalid_input"),
    "a string": (b'"hello"', 422, "invalid_input"),
    "NUL in a string": (b'{"comment": "a\\u0000b"}', 422, "invalid_input"),
    "NUL in a key": (b'{"a\\u0000": 1}', 422, "invalid_input"),
    "lone surrogate": (b'{"comment": "\\ud800"}', 422, "invalid_input"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_bodies_are_refused_by_every_write_endpoint(case, scene, api):
    """Does every write endpoint refuse a malformed or non-object body with 400 or 422?"""
    raw, status, code = MALFORMED[case]
    for method, path, token, _ in scene["writes"]:
        response = api.request(method, path, token=token, data=raw)
        if raw == b"" and path.endswith("/submissions"):
            assert response.status_code == 201  # a draft may start empty, without a body
            continue
        assert response.status_code == status, (method, path, response.get_json())
        assert response.get_json()["error"]["code"] == code


def test_a_body_that_is_not_json_is_415_and_too_large_is_413(scene, api):
    """Is a form-encoded body refused as 415, and a 2 MB body as 413, with the error shape?"""
    for method, path, token, _ in scene["writes"]:
        response = api.request(method, path, token=token, data=b"title=x",
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == 415
        assert response.get_json()["error"]["code"] == "unsupported_media_type"
        big = json.dumps({"comment": "x" * 2_000_000}).encode()
        response = api.request(method, path, token=token, data=big)
        assert response.status_code == 413
        assert response.get_json()["error"]["code"] == "payload_too_large"


def test_unknown_fields_and_wrong_types_get_details_per_field(world, scene, api):
    """Does a new call with unknown fields, wrong types, huge numbers and bad dates get 422
    with one message per field, in the request's language?"""
    response = api.post("/calls", {
        "kind": "esr", "title": 5, "opens_at": "ensi maanantaina",
        "deadline": "9999-12-31T23:59:59-23:59", "budget": 1e300, "colour": "blue",
        "form_fields": [{"name": "1x", "type": "blob", "label": "x"}],
        "info_events": [{"title": "Info", "starts_at": "2024-04-22T11:00",
                         "ends_at": "2024-04-22T10:00"}],
    }, token=scene["admin"], lang="en")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_input"
    assert error["details"] == {
        "title": "Expected text.",
        "opens_at": "Enter a date and time, e.g. 2024-06-03T16:15.",
        "deadline": "Enter a date and time, e.g. 2024-06-03T16:15.",
        "budget": "Enter a positive amount in euros.",
        "colour": "Unknown field.",
        "form_fields.0.name": "Invalid value.",
        "form_fields.0.type": "Choose one of the listed values.",
        "form_fields.0.label": "Expected an object.",
        "info_events.0.ends_at": "The end must be after the start.",
    }
    assert "colour" in error["message"]


@pytest.mark.parametrize("body, field", [
    ({"kind": "esr", "title": "t", "opens_at": "2024-08-01", "deadline": "2024-09-01",
      "budget": True}, "budget"),
    ({"kind": "esr", "title": "t", "opens_at": "2024-08-01", "deadline": "2024-09-01",
      "budget": "-5"}, "budget"),
    ({"kind": "esr", "title": "t", "opens_at": "2024-08-01", "deadline": "2024-09-01",
      "budget": "1e999999999"}, "budget"),
    ({"kind": "esr", "title": "t" * 301, "opens_at": "2024-08-01", "deadline": "2024-09-01"},
     "title"),
    ({"kind": "esr", "title": "  ", "opens_at": "2024-08-01", "deadline": "2024-09-01"}, "title"),
    ({"kind": "grant", "title": "t", "opens_at": "2024-08-01", "deadline": "2024-09-01"}, "kind"),
    ({"kind": "esr", "title": "t", "opens_at": "2024-08-01", "deadline": "0001-01-01T00:00+01:00"},
     "deadline"),
    ({"kind": "esr", "title": "t", "opens_at": "2024-08-01", "deadline": "2024-07-01"},
     "deadline"),
    ({"kind": "esr", "title": "t", "opens_at": "2024-08-01"}, "deadline"),
    ({"kind": "jotpa", "title": "t", "opens_at": "2024-08-01", "deadline": "2024-09-01",
      "hilma_notice_id": "x" * 41}, "hilma_notice_id"),
    ({"kind": "esr", "title": "t", "opens_at": "2024-08-01", "deadline": "2024-09-01",
      "form_fields": []}, "form_fields"),
    ({"kind": "esr", "title": "t", "opens_at": "2024-08-01", "deadline": "2024-09-01",
      "info_events": [{"title": "x", "starts_at": 5, "ends_at": None}]}, "info_events.0.starts_at"),
])
def test_each_bad_call_field_is_named(body, field, scene, api):
    """Is each bad field of a new call named in the 422's details?"""
    response = api.post("/calls", body, token=scene["admin"])
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["details"]


@pytest.mark.parametrize("content, field", [
    ({"summary": {"nested": "object"}}, "content.summary"),
    ({"summary": ["a", "list"]}, "content.summary"),
    ({"summary": True}, "content.summary"),
    ({"budget_total": 1e30}, "budget_total"),
    ({"budget_total": "1e999999"}, "budget_total"),
    ({"budget_total": "-3"}, "budget_total"),
    ({"summary": 12}, "summary"),
    ({"no_such_field": "x"}, "no_such_field"),
])
def test_bad_submission_content_is_named(content, field, scene, world, api):
    """Is bad content of a draft (wrong type, huge number, unknown field) a 422 naming it?"""
    response = api.patch(f"/submissions/{world.esr_a.id}", {"content": content},
                         token=scene["own"])
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["details"]


@pytest.mark.parametrize("body, status, code", [
    ({"trigger": 5}, 422, "invalid_input"),
    ({}, 422, "invalid_input"),
    ({"trigger": "explode"}, 409, "invalid_transition"),
    ({"trigger": "submit", "comment": ["x"]}, 422, "invalid_input"),
    ({"trigger": "submit", "version": True}, 422, "invalid_input"),
    ({"trigger": "submit", "version": 10**30}, 422, "invalid_input"),
    ({"trigger": "submit", "version": 0}, 422, "invalid_input"),
    ({"trigger": "submit", "granted_amount": "5"}, 422, "invalid_input"),
])
def test_bad_transition_requests(body, status, code, scene, world, api):
    """Is a transition request with a bad trigger, comment, version or input refused?"""
    response = api.post(f"/submissions/{world.esr_a.id}/transitions", body, token=scene["own"])
    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)


def test_a_step_input_that_is_no_date_is_422(world, session, clock, api, token_for):
    """Is an administrator's completion request with an impossible due date refused as bad
    input (not a 500)?"""
    clock.set(world.esr.deadline)
    from workflow.engine import fire
    fire(session, world.esr, "close", None)
    admin = world.users["admin"]
    fire(session, world.esr_a, "start_eligibility_check", admin)
    for due in ("huomenna", "9999-12-31T23:59:59-23:59", "2024-01-01T10:00", 5, None):
        response = api.post(f"/submissions/{world.esr_a.id}/transitions",
                            {"trigger": "return_for_completion", "comment": "Liite puuttuu",
                             "due_at": due}, token=token_for(admin))
        assert response.status_code == 422, (due, response.get_json())
        assert "due_at" in response.get_json()["error"]["details"]
    # The engine's per-field messages are message ids: translated like the message itself.
    english = api.post(f"/submissions/{world.esr_a.id}/transitions",
                       {"trigger": "return_for_completion", "comment": "Liite puuttuu",
                        "due_at": "huomenna"}, token=token_for(admin), lang="en")
    finnish = api.post(f"/submissions/{world.esr_a.id}/transitions",
                       {"trigger": "return_for_completion", "comment": "Liite puuttuu",
                        "due_at": "huomenna"}, token=token_for(admin))
    assert english.get_json()["error"]["details"] == {
        "due_at": "Enter a date and time, e.g. 2024-06-03T16:15."}
    assert finnish.get_json()["error"]["details"]["due_at"] not in (
        "", english.get_json()["error"]["details"]["due_at"])


@pytest.mark.parametrize("header", ['"abc"', '"1", "2"', "W/", '"99999999999999"'])
def test_a_bad_if_match_is_422(header, scene, world, api):
    """Is an If-Match that names no single version refused as bad input?"""
    response = api.patch(f"/submissions/{world.esr_a.id}", {"content": {"title": "x"}},
                         token=scene["own"], headers={"If-Match": header})
    assert response.status_code == 422
    assert "If-Match" in response.get_json()["error"]["details"]


@pytest.mark.parametrize("query", ["call_id=abc", "call_id=99999999999", "call_id=-1",
                                   "call_id=", "state=nope", "colour=blue", "call_id=١"])
def test_bad_query_parameters_are_422(query, scene, api):
    """Are unknown query parameters and bad values refused with details?"""
    response = api.get(f"/submissions?{query}", token=scene["own"])
    assert response.status_code == 422
    assert query.partition("=")[0] in response.get_json()["error"]["details"]


@pytest.mark.parametrize("path", ["/calls/99999999999999999999", "/calls/0", "/calls/-1",
                                  "/calls/abc", "/submissions/2147483648", "/nothing",
                                  "/reports/1/transitions", "/calls/1/nothing"])
def test_paths_that_name_nothing_are_404_in_json(path, scene, api):
    """Is a path that names nothing a JSON 404, whatever number it holds?"""
    response = api.get(path, token=scene["admin"])
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_wrong_method_is_405_with_allow(api):
    """Is a method a path does not take a JSON 405 naming the methods it does take?"""
    response = api.request("PUT", "/calls", lang="en")
    assert response.status_code == 405
    assert response.get_json()["error"]["message"] == "This address does not accept this method."
    assert "POST" in response.headers["Allow"]


def test_an_unexpected_error_is_a_logged_500_with_the_error_shape(
        api, monkeypatch, caplog):
    """Does a bug answer 500 with the error shape (and a logged traceback), not an HTML page?"""
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")
    monkeypatch.setattr(calls_module, "query", broken)
    response = api.client.get("/api/v1/calls", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert response.get_json() == {"error": {
        "code": "internal_error", "message": "Something went wrong on our side. Try again later.",
        "details": {}}}
    assert [r.exc_info[0] for r in caplog.records if r.name == "hankeflow.api"] == [RuntimeError]
    caplog.clear()  # the one expected visit to the catch-all


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)


def _bodies(fields: list[str]):
    """Garbage: any JSON, or objects of the endpoint's own field names with any values."""
    return st.one_of(json_values, st.dictionaries(st.sampled_from(fields), json_values,
                                                  max_size=len(fields)))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_garbage_never_reaches_the_catch_all(scene, api, data):
    """Whatever JSON (or bytes) arrives at a write endpoint, is the answer a 4xx (or a success)
    with the error shape, never a 500?"""
    for method, path, token, fields in scene["writes"]:
        body = data.draw(_bodies(fields), label=f"{method} {path}")
        raw = data.draw(st.binary(max_size=40), label="raw")
        for payload in (json.dumps(body).encode(), raw):
            response = api.request(method, path, token=token, data=payload, check=False)
            assert response.status_code < 500
