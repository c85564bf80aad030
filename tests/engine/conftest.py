"""Fixtures of the engine tests: walkers over the four workflows and the actors they use
(tests marked postgres_only are skipped on SQLite by tests/conftest.py)."""
from __future__ import annotations

import pytest
from engine_walk import WALKERS, Walker


@pytest.fixture
def walkers(session, clock, make_user, make_call, make_submission, admin) -> dict[str, Walker]:
    """workflow name → a walker that drives fresh objects of it to any state."""
    return {name: cls(session, clock, make_user, make_call, make_submission, admin)
            for name, cls in WALKERS.items()}


@pytest.fixture
def applicant(make_user):
    return make_user("applicant")


@pytest.fixture
def evaluator(make_user):
    return make_user("evaluator")
