"""Fixtures of the administrators' web tests: a statement counter. The app, `login(user)` and
`anonymous` are tests/support/web.py's; plain helpers are in admin_support.py."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
import sqlalchemy as sa


@pytest.fixture
def statements(engine: sa.Engine):
    """`with statements() as seen:` → `seen` lists the SQL statements run inside the block,
    without the SAVEPOINTs of the test's transaction (not the page's queries)."""
    @contextlib.contextmanager
    def count() -> Iterator[list[str]]:
        seen: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                seen.append(statement)

        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield seen
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)
    return count
