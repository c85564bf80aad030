"""Fixtures of the issue-6 web tests: the application in an instance folder of the test's own
(the credential signing key is made there), each request first committing what the test
arranged so that a refused request rolls back only its own work (as in tests/api); a signer
with the application's key for certificates made directly through the services; and the JSON
API. `login(user)`, `anonymous` and `instance` are tests/support/web.py's, the procurement
`flow` tests/support/pilots.py's.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask
from support.web import make_app
from web_pilot_support import ApiClient

from models import User
from workflow.pilots.signing import Signer
from workflow.web.api.auth import issue_token
from workflow.web.api.openapi import build_document


@pytest.fixture
def app(engine: sa.Engine, session: so.Session, clock, instance) -> Flask:
    return make_app(engine, session, commit_each_request=True, WTF_CSRF_ENABLED=False)


@pytest.fixture
def csrf_app(engine: sa.Engine, session: so.Session, clock, instance) -> Flask:
    return make_app(engine, session, commit_each_request=True)


@pytest.fixture
def signer(instance: Path) -> Signer:
    """The same key the application signs with."""
    return Signer.from_instance(instance)


@pytest.fixture
def api(app: Flask) -> ApiClient:
    return ApiClient(app.test_client(), build_document())


@pytest.fixture
def token_for(session: so.Session):
    """token_for(user) → a bearer token of the API."""
    def make(user: User) -> str:
        token, _row = issue_token(session, user)
        session.commit()
        return token
    return make
