"""Fixtures for the web tests: an app bound to the test's rolled-back session, a client,
`login(user)`, and CSRF helpers.

Requests share the test's `session` (its commits are savepoints inside the test's
transaction). Commit after arranging data: a request that is refused rolls the session back
to its last commit.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask
from flask.testing import FlaskClient

from models import User
from workflow.app import create_app

from web_helpers import PASSWORD, csrf_token


def _make_app(engine: sa.Engine, session: so.Session, **config) -> Flask:
    app = create_app({"TESTING": True, "ENGINE": engine, **config})
    app.extensions["hankeflow.sessions"] = lambda: session
    app.extensions["hankeflow.close_sessions"] = False
    return app


@pytest.fixture
def app(engine: sa.Engine, session: so.Session, clock) -> Flask:
    """CSRF off: most tests are about something else."""
    return _make_app(engine, session, WTF_CSRF_ENABLED=False)


@pytest.fixture
def csrf_app(engine: sa.Engine, session: so.Session, clock) -> Flask:
    return _make_app(engine, session)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def login(app: Flask, session: so.Session) -> Callable[..., FlaskClient]:
    """login(user) → a client signed in as the user (a new client unless one is given)."""
    def sign_in(user: User, client: FlaskClient | None = None, *,
                password: str = PASSWORD) -> FlaskClient:
        session.commit()
        client = client or app.test_client()
        data = {"email": user.email, "password": password}
        if client.application.config.get("WTF_CSRF_ENABLED", True):
            data["csrf_token"] = csrf_token(client)
        response = client.post("/sign-in", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return sign_in


@pytest.fixture
def anonymous(app: Flask, session: so.Session) -> Iterator[FlaskClient]:
    session.commit()
    yield app.test_client()

