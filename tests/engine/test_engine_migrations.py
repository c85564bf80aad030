"""Migrations: an empty database goes to head, back to base and to head again, and the schema
at head is exactly what the models declare. Runs on a fresh SQLite file, or on a throwaway
PostgreSQL database beside the test database when the tests run on PostgreSQL."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import models
from workflow import migrate
from workflow.db import make_engine

THROWAWAY = "hf_engine_mig"


@contextlib.contextmanager
def _empty_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of the same backend as the tests; dropped after."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    admin = make_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {THROWAWAY} WITH (FORCE)"))
            conn.execute(sa.text(f"CREATE DATABASE {THROWAWAY}"))
        yield url.set(database=THROWAWAY).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {THROWAWAY} WITH (FORCE)"))
        admin.dispose()


def _heads(url: str) -> set[str]:
    return set(ScriptDirectory.from_config(migrate.alembic_config(url)).get_heads())


def _state(url: str) -> tuple[set[str], set[str]]:
    """(current revisions, tables) of the database at url."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
            tables = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()
    return current, tables


def _differences(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, models.Base.metadata)
    finally:
        engine.dispose()


def test_migrations_run_up_down_and_up_again(database_url, tmp_path):
    """Does an empty database migrate to head, back to base (empty again), and to head once
    more, with every table of the models present at head?"""
    with _empty_database(database_url, tmp_path) as url:
        assert _state(url) == (set(), set())
        migrate.upgrade(url, "head")
        current, tables = _state(url)
        assert current == _heads(url)
        assert tables == set(models.Base.metadata.tables)

        migrate.downgrade(url, "base")
        assert _state(url) == (set(), set())

        migrate.upgrade(url, "head")
        assert _state(url) == (_heads(url), set(models.Base.metadata.tables))


def test_models_and_migrations_agree(database_url, tmp_path):
    """Is the schema the migrations build exactly the one the models declare (autogenerate
    finds nothing to add, drop or alter)?"""
    with _empty_database(database_url, tmp_path) as url:
        migrate.upgrade(url, "head")
        differences = _differences(url)
    assert differences == [], "models and migrations differ:\n" + "\n".join(
        map(repr, differences))


def test_the_audit_is_append_only_after_migrating(database_url, tmp_path):
    """Do the triggers the migrations create refuse UPDATE and DELETE on the audit (and does
    downgrading to base remove them with the table)?"""
    with _empty_database(database_url, tmp_path) as url:
        migrate.upgrade(url, "head")
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO audit_entries (object_type, object_id, at, trigger, from_state,"
                    " to_state, comment) VALUES ('call', 1, CURRENT_TIMESTAMP, 'create',"
                    " 'draft', 'draft', '')"))
            for statement in ("UPDATE audit_entries SET comment = 'x'",
                              "DELETE FROM audit_entries"):
                with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                    with engine.begin() as conn:
                        conn.execute(sa.text(statement))
            with engine.connect() as conn:
                assert conn.scalar(sa.text("SELECT count(*) FROM audit_entries")) == 1
        finally:
            engine.dispose()
        migrate.downgrade(url, "base")
        assert _state(url) == (set(), set())
