"""A new integrator's first session, knowing nothing but the OpenAPI document."""
from __future__ import annotations

import hashlib
import json

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def test_an_integrator_submits_an_application_with_only_the_openapi_document(
        app, openapi_checker, clock, make_call, make_user, password):
    """Can an integrator who reads only openapi.json sign in, find the open call, draft and
    submit an application, get its receipt and read its history?"""
    make_call("esr", state="open")
    applicant = make_user("applicant")
    client = app.test_client()

    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    server = document["servers"][0]["url"]
    operations = {op["operationId"]: (path, method.upper())
                  for path, item in document["paths"].items()
                  for method, op in item.items() if method in HTTP_METHODS}
    scheme = document["components"]["securitySchemes"]["bearerAuth"]["scheme"]
    headers: dict[str, str] = {}

    def call(operation_id: str, body=None, **params):
        path, method = operations[operation_id]
        url = server + path.format(**params)
        response = client.open(url, method=method, headers=headers,
                               data=None if body is None else json.dumps(body),
                               content_type="application/json")
        openapi_checker.validate(method, path.format(**params), response.status_code,
                                 response.get_data())
        return response

    # Sign in: the request body's members are those the schema requires.
    token_request = document["components"]["schemas"]["TokenRequest"]
    assert set(token_request["required"]) == {"email", "password"}
    response = call("createToken", {"email": applicant.email, "password": password})
    assert response.status_code == 201
    headers["Authorization"] = f"{scheme.capitalize()} {response.get_json()['token']}"
    assert call("getMe").get_json()["organisation"]["id"] == applicant.organisation_id

    # The open ESR call, and its form.
    calls = call("listCalls").get_json()["items"]
    open_call = next(c for c in calls if c["kind"] == "esr" and c["state"] == "open")
    assert open_call["deadline"] == "2024-06-03T16:15:00+03:00"
    content = {f["name"]: ("1000" if f["type"] in ("number", "money") else "Vastaus")
               for f in open_call["form_fields"]}

    response = call("createSubmission", {"content": content}, id=open_call["id"])
    assert response.status_code == 201
    draft = response.get_json()
    assert draft["state"] == "draft" and draft["receipt"] is None

    triggers = [t["trigger"] for t in call("listSubmissionTransitions", id=draft["id"])
                .get_json()["items"]]
    assert "submit" in triggers

    response = call("fireSubmissionTransition", {"trigger": "submit", "version": draft["version"]},
                    id=draft["id"])
    assert response.status_code == 200
    submitted = response.get_json()
    assert submitted["state"] == "submitted"
    receipt = submitted["receipt"]
    assert receipt["received_at"] == "2024-06-02T09:00:00+03:00"  # the server's clock
    canonical = json.dumps(submitted["content"], sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False).encode()
    assert receipt["sha256"] == hashlib.sha256(canonical).hexdigest()

    history = call("getSubmissionHistory", id=draft["id"]).get_json()["items"]
    assert [(e["trigger"], e["to_state"]) for e in history] == [("create", "draft"),
                                                                ("submit", "submitted")]
    assert history[-1]["content_sha256"] == receipt["sha256"]
    assert history[-1]["actor"]["id"] == applicant.id

    assert call("revokeCurrentToken").status_code == 204
    assert call("getMe").status_code == 401
