"""Fixtures of the engine tests: walkers over the four workflows, the actors they use, and
PostgreSQL-only tests skipped on SQLite."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from engine_walk import WALKERS, Walker


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    """Tests marked postgres_only need real concurrent connections: skipped on SQLite."""
    if request.node.get_closest_marker("postgres_only") is None:
        return
    engine: sa.Engine = request.getfixturevalue("engine")
    if engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (set HANKEFLOW_TEST_DATABASE_URL)")


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
