"""Fixtures of the demo seed tests. A replay commits step by step, so the rolled-back `session`
fixture cannot hold it: each replay gets a fresh, migrated database of its own — a SQLite file,
or, when HANKEFLOW_TEST_DATABASE_URL names a PostgreSQL database, a schema of its own in it,
dropped afterwards."""
from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from workflow import migrate
from workflow.db import make_engine, session_factory
from workflow.seed import replay

TEST_DATABASE_URL = os.environ.get("HANKEFLOW_TEST_DATABASE_URL")

DEFAULT_CLOCK = dt.datetime.fromisoformat("2024-06-02T09:00+03:00")
STORY_END = dt.datetime.fromisoformat("2025-12-31T12:00+02:00")

Factory = so.sessionmaker[so.Session]


@pytest.fixture(scope="module")
def fresh_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], Factory]]:
    """fresh_database() → a sessionmaker on a new, migrated, empty database."""
    engines: list[sa.Engine] = []
    schemas: list[str] = []

    def make() -> Factory:
        if TEST_DATABASE_URL:
            schema = f"seed_{uuid.uuid4().hex[:12]}"
            admin = make_engine(TEST_DATABASE_URL)
            with admin.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            admin.dispose()
            schemas.append(schema)
            url = (sa.engine.make_url(TEST_DATABASE_URL)
                   .update_query_dict({"options": f"-csearch_path={schema}"})
                   .render_as_string(hide_password=False))
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('seed') / 'seed.sqlite3'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        engines.append(engine)
        return session_factory(engine)

    yield make
    for engine in engines:
        engine.dispose()
    if schemas:
        admin = make_engine(TEST_DATABASE_URL)
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instance folder of the tests' own: the certificates' signing key is made there."""
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="module")
def at_default_clock(fresh_database, instance) -> tuple[Factory, str]:
    """The scenario replayed up to the demo's default clock, 2.6.2024 9.00: (factory, report)."""
    factory = fresh_database()
    return factory, replay(factory, DEFAULT_CLOCK, instance_path=instance)


@pytest.fixture(scope="module")
def whole_story(fresh_database, instance) -> tuple[Factory, str]:
    """The scenario replayed to its end (31.12.2025): (factory, report)."""
    factory = fresh_database()
    return factory, replay(factory, STORY_END, instance_path=instance)
