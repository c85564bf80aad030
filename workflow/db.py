"""Engines and sessions. Services take a session and flush; whoever opened it commits once."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so


def make_engine(url: str, **kwargs) -> sa.Engine:
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                                  **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite begins transactions by itself, late, and breaks SAVEPOINTs and transactional
    # DDL; SQLAlchemy's documented remedy is to let the driver do nothing and emit BEGIN
    # ourselves (_sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def session_factory(engine: sa.Engine) -> so.sessionmaker[so.Session]:
    return so.sessionmaker(engine, expire_on_commit=False)


@contextlib.contextmanager
def transaction(factory: so.sessionmaker[so.Session]) -> Iterator[so.Session]:
    """One unit of work: commit at the end, roll back on any exception."""
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
