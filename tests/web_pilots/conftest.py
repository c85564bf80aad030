"""Fixtures of the issue-6 web tests: the application bound to the test's rolled-back session
(CSRF off; `csrf_app` with CSRF on), `login(user)`, `anonymous`, the procurement `flow`, an
instance folder of its own (the credential signing key), and a signer for certificates made
directly through the services.

As in tests/web and tests/api: requests share the test's `session`, whose commits are
savepoints inside the test's transaction; each request first commits what the test arranged,
so that a refused request rolls back only its own work.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask
from flask.testing import FlaskClient
from web_pilot_support import PASSWORD, Flow, csrf_token

from models import User
from workflow.app import create_app
from workflow.pilots.signing import Signer


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh instance folder: the app's signing key is made there, not in the checkout."""
    path = tmp_path / "instance"
    monkeypatch.setenv("HANKEFLOW_INSTANCE_PATH", str(path))
    monkeypatch.setenv("HANKEFLOW_BASE_URL", "https://hankeflow.example")
    return path


def _make_app(engine: sa.Engine, session: so.Session, **config) -> Flask:
    app = create_app({"TESTING": True, "ENGINE": engine, **config})

    def shared_session() -> so.Session:
        session.commit()
        return session

    app.extensions["hankeflow.sessions"] = shared_session
    app.extensions["hankeflow.close_sessions"] = False
    return app


@pytest.fixture
def app(engine: sa.Engine, session: so.Session, clock, instance) -> Flask:
    return _make_app(engine, session, WTF_CSRF_ENABLED=False)


@pytest.fixture
def csrf_app(engine: sa.Engine, session: so.Session, clock, instance) -> Flask:
    return _make_app(engine, session)


@pytest.fixture
def login(app: Flask, session: so.Session) -> Callable[..., FlaskClient]:
    """login(user) → a client signed in as the user (on `app`, or on the client given)."""
    def sign_in(user: User, client: FlaskClient | None = None) -> FlaskClient:
        session.commit()
        client = client or app.test_client()
        data = {"email": user.email, "password": PASSWORD}
        if client.application.config.get("WTF_CSRF_ENABLED", True):
            data["csrf_token"] = csrf_token(client)
        response = client.post("/sign-in", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return sign_in


@pytest.fixture
def anonymous(app: Flask, session: so.Session) -> FlaskClient:
    session.commit()
    return app.test_client()


@pytest.fixture
def flow(session, clock, admin, make_user, make_org, make_call) -> Flow:
    return Flow(session, clock, admin, make_user, make_org, make_call)


@pytest.fixture
def signer(instance: Path) -> Signer:
    """The same key the application signs with."""
    return Signer.from_instance(instance)


@pytest.fixture
def api(app: Flask):
    from web_pilot_support import ApiClient

    from workflow.web.api.openapi import build_document
    return ApiClient(app.test_client(), build_document())


@pytest.fixture
def token_for(session: so.Session):
    """token_for(user) → a bearer token of the API."""
    from workflow.web.api.auth import issue_token

    def make(user: User) -> str:
        token, _row = issue_token(session, user)
        session.commit()
        return token
    return make
