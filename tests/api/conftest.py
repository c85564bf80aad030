"""Fixtures of the JSON API tests.

`app` is the real application bound to the test's rolled-back session; `api` is a client that
checks every response against the OpenAPI document the API publishes (its schema for that path,
method and status; the error shape for every error) and that no response is a 500; `world` is
one scene with every relationship a user can have to a submission.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy.orm as so
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from models import Call, Organisation, Submission, User
from workflow.assignments import assign_evaluator, declare_conflict
from workflow.engine import fire
from workflow.web.api.auth import issue_token
from workflow.web.api.openapi import build_document

from support import PASSWORD
from support.web import absolute_refs, make_app

PREFIX = "/api/v1"


@pytest.fixture
def app(engine, session: so.Session):
    """The application, every request of it on the test's session.

    Each request first commits what the test set up so far (a savepoint release inside the
    test's outer transaction), so that a refused request rolls back its own work only; and the
    session is not closed at the end of a request, so the test keeps its objects."""
    return make_app(engine, session, commit_each_request=True)


@pytest.fixture(autouse=True)
def no_unexpected_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No API request of any test reaches the catch-all 500 handler (which logs an error)."""
    caplog.set_level(logging.ERROR, logger="hankeflow.api")
    yield
    unexpected = [r for r in caplog.records if r.name == "hankeflow.api"]
    assert not unexpected, [r.getMessage() for r in unexpected]


class OpenApiChecker:
    """Validates responses against the published document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry = Registry().with_resource("urn:hankeflow:openapi", resource)
        # Static paths before templated ones, so that /tokens/current is not /tokens/{id}.
        self.templates = sorted(document["paths"], key=lambda p: (p.count("{"), p))

    def template_for(self, path: str) -> str | None:
        for template in self.templates:
            pattern = "^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)) + "$"
            if re.match(pattern, path):
                return template
        return None

    def schema_for(self, method: str, path: str, status: int) -> dict[str, Any] | None:
        """The documented schema, or None for a documented response without a body."""
        template = self.template_for(path.partition("?")[0])
        operation = self.document["paths"].get(template or "", {}).get(method.lower())
        if operation is None:
            assert status >= 400, f"{method} {path} answered {status} but is not documented"
            return {"$ref": "#/components/schemas/Error"}
        responses = operation["responses"]
        response = responses.get(str(status)) or responses.get("default")
        assert response is not None, f"{method} {template}: {status} is not documented"
        if status >= 400:
            assert str(status) in responses, f"{method} {template}: {status} is not documented"
        if "$ref" in response:
            response = self.document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        content = response.get("content")
        if content is None:
            return None
        return content["application/json"]["schema"]

    def validate(self, method: str, path: str, status: int, body: bytes) -> None:
        schema = self.schema_for(method, path, status)
        if schema is None:
            assert body == b"", f"{method} {path}: {status} should have no body"
            return
        data = json.loads(body)
        validator = Draft202012Validator(absolute_refs(schema), registry=self.registry)
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        assert not errors, f"{method} {path} {status}: {errors[0].message} at {list(errors[0].path)}"


@pytest.fixture(scope="session")
def openapi_document() -> dict[str, Any]:
    return build_document()


@pytest.fixture(scope="session")
def openapi_checker(openapi_document) -> OpenApiChecker:
    return OpenApiChecker(openapi_document)


class Api:
    """A test client for /api/v1: `api.get("/calls", token=t, lang="en")`."""

    def __init__(self, client, checker: OpenApiChecker) -> None:
        self.client = client
        self.checker = checker

    def request(self, method: str, path: str, *, token: str | None = None,
                lang: str | None = None, json_body: Any = None, data: Any = None,
                headers: dict[str, str] | None = None, content_type: str | None = None,
                check: bool = True):
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        if lang is not None:
            all_headers["Accept-Language"] = lang
        kwargs: dict[str, Any] = {"headers": all_headers}
        if json_body is not None:
            kwargs["data"] = json.dumps(json_body)
            kwargs["content_type"] = "application/json"
        if data is not None:
            kwargs["data"] = data
            kwargs["content_type"] = content_type or "application/json"
        response = self.client.open(PREFIX + path, method=method, **kwargs)
        assert response.status_code < 500, response.get_data(as_text=True)
        if response.status_code >= 400:
            error = response.get_json()["error"]
            assert set(error) == {"code", "message", "details"}
            assert re.fullmatch(r"[a-z][a-z0-9_]*", error["code"])
        if check:
            self.checker.validate(method, path, response.status_code, response.get_data())
        return response

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs):
        return self.request("POST", path, json_body=body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs):
        return self.request("PATCH", path, json_body=body, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api(app, openapi_checker) -> Api:
    return Api(app.test_client(), openapi_checker)


@pytest.fixture
def password() -> str:
    """The password tests/conftest.py gives every user its factories make."""
    return PASSWORD


@pytest.fixture
def token_for(session: so.Session):
    """A fresh bearer token for a user (None for the anonymous)."""
    def make(user: User | None) -> str | None:
        return None if user is None else issue_token(session, user)[0]
    return make


SECRETS = {
    "esr_a": "SALAISUUS-A-hakemus-41c7", "esr_b": "SALAISUUS-B-hakemus-9d02",
    "tender_a": "SALAISUUS-A-tarjous-5be1", "tender_b": "SALAISUUS-B-tarjous-e370",
}


@dataclasses.dataclass
class World:
    """An open ESR call and a Jotpa procurement in tendering (2.6.2024 9.00, the day before
    both close), an unpublished draft call, and two organisations with a submitted
    application and a sealed tender each. On organisation A's application: an evaluator who
    declared no conflict and one who declared a conflict."""

    users: dict[str, User | None]
    org_a: Organisation
    org_b: Organisation
    esr: Call
    jotpa: Call
    draft_call: Call
    esr_a: Submission
    esr_b: Submission
    tender_a: Submission
    tender_b: Submission
    secrets: dict[str, str]

    # What each relationship may read; every other secret must never reach it.
    READABLE = {
        "own": {"esr_a", "tender_a"}, "other": {"esr_b", "tender_b"}, "evaluator": {"esr_a"},
        "conflicted": set(), "unassigned": set(), "admin": {"esr_a", "esr_b"},
        "anonymous": set(),
    }

    def forbidden(self, actor: str) -> list[str]:
        return [text for key, text in self.secrets.items() if key not in self.READABLE[actor]]


def _content(kind: str, secret: str) -> dict[str, str]:
    if kind == "esr":
        return {"title": "Mikrotutkinnot työelämään", "summary": secret,
                "objectives": "Tavoitteet", "budget_total": "250000"}
    return {"title": "Pilotti", "pilot_plan": secret, "price": "48000"}


@pytest.fixture
def world(session, clock, admin, make_user, make_org, make_call, make_submission) -> World:
    org_a, org_b = make_org("Yliopisto A"), make_org("Ammattikorkeakoulu B")
    own = make_user("applicant", organisation=org_a)
    other = make_user("applicant", organisation=org_b)
    evaluator, conflicted, unassigned = (make_user("evaluator") for _ in range(3))
    esr = make_call("esr", state="open")
    jotpa = make_call("jotpa", state="tendering")
    draft_call = make_call("esr", state="draft")
    esr_a = make_submission(esr, own, content=_content("esr", SECRETS["esr_a"]), submit=True)
    esr_b = make_submission(esr, other, content=_content("esr", SECRETS["esr_b"]), submit=True)
    # make_submission describes a micro-credential in each tender (needed to submit one).
    tender_a = make_submission(jotpa, own, content=_content("jotpa", SECRETS["tender_a"]),
                               submit=True)
    tender_b = make_submission(jotpa, other, content=_content("jotpa", SECRETS["tender_b"]),
                               submit=True)
    declare_conflict(session, evaluator, assign_evaluator(session, admin, esr_a, evaluator),
                     conflicted=False)
    declare_conflict(session, conflicted, assign_evaluator(session, admin, esr_a, conflicted),
                     conflicted=True, reason="Entinen työnantaja")
    users = {"own": own, "other": other, "evaluator": evaluator, "conflicted": conflicted,
             "unassigned": unassigned, "admin": admin, "anonymous": None}
    return World(users, org_a, org_b, esr, jotpa, draft_call, esr_a, esr_b, tender_a, tender_b,
                 dict(SECRETS))


@pytest.fixture
def open_tenders(session, clock, admin):
    """Moves a procurement past its deadline and opens its tenders, as the scheduler would."""
    def run(procurement: Call) -> None:
        clock.set(procurement.deadline)
        fire(session, procurement, "open_tenders", None)
    return run
