"""Sign-in rate limits, shared by every web process through the `sign_in_attempts` table.

Within 15 minutes: 5 failed attempts for one e-mail address (counted since its last success),
or 20 failed attempts from one address, and further attempts are refused until the oldest
failure leaves the window.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import SignInAttempt

WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20
KEEP = dt.timedelta(days=1)


def _failures(session: so.Session, column: sa.ColumnElement, value: str,
              since: dt.datetime) -> list[dt.datetime]:
    return list(session.scalars(
        sa.select(SignInAttempt.at)
        .where(column == value, SignInAttempt.at >= since, SignInAttempt.succeeded.is_(False))
        .order_by(SignInAttempt.at)))


def retry_after(session: so.Session, email: str, remote_addr: str,
                now: dt.datetime) -> dt.timedelta | None:
    """None if an attempt may be made now, else how long to wait."""
    since = now - WINDOW
    last_success = session.scalar(
        sa.select(sa.func.max(SignInAttempt.at))
        .where(SignInAttempt.email == email, SignInAttempt.succeeded.is_(True),
               SignInAttempt.at >= since))
    waits = []
    by_email = _failures(session, SignInAttempt.email, email, max(since, last_success or since))
    if len(by_email) >= MAX_FAILURES_PER_EMAIL:
        waits.append(by_email[-MAX_FAILURES_PER_EMAIL] + WINDOW - now)
    by_address = _failures(session, SignInAttempt.remote_addr, remote_addr, since)
    if len(by_address) >= MAX_FAILURES_PER_ADDRESS:
        waits.append(by_address[-MAX_FAILURES_PER_ADDRESS] + WINDOW - now)
    if not waits:
        return None
    return max(max(waits), dt.timedelta(seconds=1))


def record(session: so.Session, email: str, remote_addr: str, now: dt.datetime,
           succeeded: bool) -> None:
    session.add(SignInAttempt(email=email[:254], remote_addr=remote_addr[:64], at=now,
                              succeeded=succeeded))
    # Old rows answer no question any more.
    session.execute(sa.delete(SignInAttempt).where(SignInAttempt.at < now - KEEP))
    session.flush()
