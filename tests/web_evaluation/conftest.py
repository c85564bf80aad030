"""Fixtures of the evaluation pages' tests: `api_get` for the JSON API. The app, `login(user)`
and `anonymous` are tests/support/web.py's; the evaluation scenes (calls with known criteria,
applications in evaluation, opened tenders, evaluators who score) tests/support/evaluation.py's.
"""
from __future__ import annotations

import pytest
import sqlalchemy.orm as so
from flask import Flask

from models import User
from workflow.web.api.auth import issue_token


@pytest.fixture
def api_get(app: Flask, session: so.Session):
    """api_get(path, user) → the JSON API's response to a GET as the user (None: anonymous)."""
    def get(path: str, user: User | None):
        headers = {}
        if user is not None:
            headers["Authorization"] = f"Bearer {issue_token(session, user)[0]}"
        session.commit()
        return app.test_client().get("/api/v1" + path, headers=headers)
    return get
