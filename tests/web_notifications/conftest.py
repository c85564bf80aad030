"""Fixtures of the notification and settings page tests: the application bound to the test's
rolled-back session (CSRF off; `csrf_app` with CSRF on), `login(user)`, `anonymous`, and
`make_message` for outbox rows (what the scheduler sent).

As in tests/web: requests share the test's `session`, whose commits are savepoints inside the
test's transaction; commit after arranging data.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask
from flask.testing import FlaskClient
from notif_helpers import csrf_token

from models import OutboxMessage, User
from workflow.app import create_app

PASSWORD = "correct horse battery staple"  # tests/conftest.py's make_user
BASE_URL = "https://hankeflow.example"


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An instance folder of the test's own and a known base URL (the feed address)."""
    path = tmp_path / "instance"
    monkeypatch.setenv("HANKEFLOW_INSTANCE_PATH", str(path))
    monkeypatch.setenv("HANKEFLOW_BASE_URL", BASE_URL)
    return path


def _make_app(engine: sa.Engine, session: so.Session, **config) -> Flask:
    app = create_app({"TESTING": True, "ENGINE": engine, **config})
    app.extensions["hankeflow.sessions"] = lambda: session
    app.extensions["hankeflow.close_sessions"] = False
    return app


@pytest.fixture
def app(engine: sa.Engine, session: so.Session, clock, instance) -> Flask:
    return _make_app(engine, session, WTF_CSRF_ENABLED=False)


@pytest.fixture
def csrf_app(engine: sa.Engine, session: so.Session, clock, instance) -> Flask:
    return _make_app(engine, session)


def _sign_in(app: Flask, session: so.Session) -> Callable[..., FlaskClient]:
    def sign_in(user: User) -> FlaskClient:
        session.commit()
        client = app.test_client()
        data = {"email": user.email, "password": PASSWORD}
        if app.config.get("WTF_CSRF_ENABLED", True):
            data["csrf_token"] = csrf_token(client)
        response = client.post("/sign-in", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return sign_in


@pytest.fixture
def login(app: Flask, session: so.Session) -> Callable[..., FlaskClient]:
    """login(user) → a client signed in as the user."""
    return _sign_in(app, session)


@pytest.fixture
def csrf_login(csrf_app: Flask, session: so.Session) -> Callable[..., FlaskClient]:
    """login(user) on the app with CSRF on."""
    return _sign_in(csrf_app, session)


@pytest.fixture
def anonymous(app: Flask, session: so.Session) -> FlaskClient:
    session.commit()
    return app.test_client()


@pytest.fixture
def make_message(session: so.Session, clock):
    """make_message(user, subject, status="sent") → an outbox row as the scheduler leaves it."""
    counter = iter(range(1, 10_000))

    def make(user: User, subject: str, *, status: str = "sent",
             sent_at: dt.datetime | None = None) -> OutboxMessage:
        now = clock.now()
        message = OutboxMessage(
            recipient_id=user.id, kind="draft_deadline", object_type="submission",
            object_id=next(counter), deadline=now + dt.timedelta(days=1), offset_name="1d",
            due_at=now, status=status, reason="550 no such user" if status == "failed" else "",
            attempts=1, subject=subject, body_text=f"{subject}\n\nbody", link="/calls/1",
            created_at=now, sent_at=(sent_at or now) if status == "sent" else None)
        session.add(message)
        session.flush()
        return message
    return make
