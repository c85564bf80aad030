"""The page tests' fixtures and helpers, for every folder that drives the application
(tests/web, tests/web_admin, tests/web_evaluation, tests/web_pilots, tests/web_notifications,
and any new one): `app` bound to the test's rolled-back session (CSRF off; `csrf_app` with CSRF
on), `client`, `login(user)`, `anonymous`, and `instance`.

Requests share the test's `session` (tests/conftest.py), whose commits are savepoints inside
the test's transaction: commit after arranging data, since a refused request rolls the session
back to its last commit. On SQLite, workflow.db.make_engine begins the outer transaction
explicitly, so those savepoints hold there too.

A folder whose pages need more (an instance folder of their own, a commit before each request)
overrides `app` and `csrf_app` in its conftest.py with make_app(); `client`, `login` and
`anonymous` then use that folder's app.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask
from flask.testing import FlaskClient

from models import User
from workflow.app import create_app

from support import PASSWORD

BASE_URL = "https://hankeflow.example"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_app(engine: sa.Engine, session: so.Session, *, commit_each_request: bool = False,
             **config: Any) -> Flask:
    """The application, every request of it on the test's session, which is not closed at the
    end of a request (the test keeps its objects). With commit_each_request, each request first
    commits what the test arranged so far, so that a refused request rolls back its own work
    only."""
    app = create_app({"TESTING": True, "ENGINE": engine, **config})

    def shared_session() -> so.Session:
        if commit_each_request:
            session.commit()
        return session

    app.extensions["hankeflow.sessions"] = shared_session
    app.extensions["hankeflow.close_sessions"] = False
    return app


def body(response) -> str:
    return response.get_data(as_text=True)


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    """A CSRF token for this client's session, read from a page's form."""
    match = CSRF_INPUT.search(body(client.get(path)))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def cell(html: str, element_id: str) -> str:
    """The text of the element with this id, tags removed and spaces collapsed (an element
    of the same name must not be nested in it)."""
    match = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no element #{element_id}"
    end = html.index(f"</{match.group(1)}>", match.end())
    return " ".join(re.sub(r"<[^>]+>", " ", html[match.end():end]).split())


def sign_in(session: so.Session, user: User, client: FlaskClient, *,
            password: str = PASSWORD) -> FlaskClient:
    """The client, signed in as the user (what the test arranged is committed first; the CSRF
    token is sent when the client's application checks it)."""
    session.commit()
    data = {"email": user.email, "password": password}
    if client.application.config.get("WTF_CSRF_ENABLED", True):
        data["csrf_token"] = csrf_token(client)
    response = client.post("/sign-in", data=data)
    assert response.status_code == 302, body(response)
    return client


def absolute_refs(schema: Any) -> Any:
    """An OpenAPI schema whose "#/components/..." references point into the document registered
    as urn:hankeflow:openapi."""
    if isinstance(schema, dict):
        return {k: ("urn:hankeflow:openapi" + v if k == "$ref" and v.startswith("#") else
                    absolute_refs(v)) for k, v in schema.items()}
    if isinstance(schema, list):
        return [absolute_refs(v) for v in schema]
    return schema


@pytest.fixture
def app(engine: sa.Engine, session: so.Session, clock) -> Flask:
    """CSRF off: most tests are about something else."""
    return make_app(engine, session, WTF_CSRF_ENABLED=False)


@pytest.fixture
def csrf_app(engine: sa.Engine, session: so.Session, clock) -> Flask:
    return make_app(engine, session)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def login(app: Flask, session: so.Session) -> Callable[..., FlaskClient]:
    """login(user) → a client signed in as the user (a new client of `app` unless one is
    given)."""
    def login_as(user: User, client: FlaskClient | None = None, *,
                 password: str = PASSWORD) -> FlaskClient:
        return sign_in(session, user, client or app.test_client(), password=password)
    return login_as


@pytest.fixture
def anonymous(app: Flask, session: so.Session) -> FlaskClient:
    session.commit()
    return app.test_client()


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An instance folder of the test's own (the application makes its signing key there, not
    in the checkout) and a known base URL (feed and mail links). An `app` that needs them
    requests this fixture."""
    path = tmp_path / "instance"
    monkeypatch.setenv("HANKEFLOW_INSTANCE_PATH", str(path))
    monkeypatch.setenv("HANKEFLOW_BASE_URL", BASE_URL)
    return path
