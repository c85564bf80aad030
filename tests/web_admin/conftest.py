"""Fixtures of the administrators' web tests: the app bound to the test's rolled-back session
(CSRF off, and `csrf_app` with CSRF on), `login(user)`, `anonymous`, and a statement counter.
Plain helpers are in admin_support.py.

Copied from tests/web/conftest.py (sibling folders do not share conftest files). Requests share
the test's `session` (tests/conftest.py), whose commits are savepoints: commit after arranging
data. On SQLite, workflow.db.make_engine begins the outer transaction explicitly, so those
savepoints hold there too.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask
from flask.testing import FlaskClient

from models import User
from workflow.app import create_app

from admin_support import PASSWORD, csrf_token


def _make_app(engine: sa.Engine, session: so.Session, **config) -> Flask:
    app = create_app({"TESTING": True, "ENGINE": engine, **config})
    app.extensions["hankeflow.sessions"] = lambda: session
    app.extensions["hankeflow.close_sessions"] = False
    return app


@pytest.fixture
def app(engine: sa.Engine, session: so.Session, clock) -> Flask:
    return _make_app(engine, session, WTF_CSRF_ENABLED=False)


@pytest.fixture
def csrf_app(engine: sa.Engine, session: so.Session, clock) -> Flask:
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
def statements(engine: sa.Engine):
    """`with statements() as seen:` → `seen` lists the SQL statements run inside the block,
    without the SAVEPOINTs of the test's transaction (not the page's queries)."""
    @contextlib.contextmanager
    def count() -> Iterator[list[str]]:
        seen: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                seen.append(statement)

        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield seen
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)
    return count
