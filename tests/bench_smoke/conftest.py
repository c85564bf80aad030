"""Fixtures of the benchmark smoke test: the benchmark module, and where it may run on the test
database without touching what the other tests use."""
from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa

from workflow.db import make_engine

BENCH = Path(__file__).resolve().parents[2] / "bench" / "engine.py"
# On PostgreSQL the benchmark drops and rebuilds a schema: its own, never `public`.
SCHEMA = "bench_smoke"


@pytest.fixture(scope="session")
def bench() -> ModuleType:
    """bench/engine.py, imported from its file (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("hankeflow_bench_engine", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def bench_database(database_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """The benchmark's database arguments: a new SQLite file when the tests run on SQLite;
    on PostgreSQL the test database, in a schema of its own that is dropped afterwards."""
    if database_url.startswith("sqlite"):
        yield ["--database-url", f"sqlite:///{tmp_path / 'bench.sqlite3'}"]
        return
    try:
        yield ["--database-url", database_url, "--schema", SCHEMA]
    finally:
        engine = make_engine(database_url)
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        engine.dispose()
