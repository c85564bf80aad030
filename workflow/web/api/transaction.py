"""The request's unit of work: services flush, the view commits once at the end of a successful
write, and every refusal rolls back (errors.py). A concurrent change to the same row shows up as
a failed version check when SQLAlchemy flushes (StaleDataError): to the client that is 409
`conflict`, the same as a stale `version` it sent itself."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy.orm.exc import StaleDataError

from ...app import db
from ...errors import conflict


@contextlib.contextmanager
def stale_is_conflict() -> Iterator[None]:
    try:
        yield
    except StaleDataError:
        raise conflict() from None


def commit() -> None:
    with stale_is_conflict():
        db().commit()
