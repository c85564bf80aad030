"""Fixtures of the notification and settings page tests: the application in an instance
folder of the test's own with a known base URL (the feed's address), `csrf_login(user)` on the
app with CSRF on, and `make_message` for outbox rows (what the scheduler sent). `login(user)`,
`anonymous` and `instance` are tests/support/web.py's.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask
from flask.testing import FlaskClient
from support.web import make_app, sign_in

from models import OutboxMessage, User


@pytest.fixture
def app(engine: sa.Engine, session: so.Session, clock, instance) -> Flask:
    return make_app(engine, session, WTF_CSRF_ENABLED=False)


@pytest.fixture
def csrf_app(engine: sa.Engine, session: so.Session, clock, instance) -> Flask:
    return make_app(engine, session)


@pytest.fixture
def csrf_login(csrf_app: Flask, session: so.Session) -> Callable[..., FlaskClient]:
    """login(user) on the app with CSRF on."""
    def login_as(user: User) -> FlaskClient:
        return sign_in(session, user, csrf_app.test_client())
    return login_as


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
