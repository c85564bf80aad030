"""PostgreSQL advisory locks that keep two schedulers from doubling the work.

- The *sweep lock* (transaction-level) is taken by every transaction that computes: the
  time-driven transitions and the reminders. A second sweeper (another `hankeflow scheduler`,
  a cron `hankeflow reminders sweep`) waits for the first one's commit, then finds nothing left
  to do. The unique keys of the outbox and the reminder batches would refuse a double anyway;
  the lock makes the second pass cheap and quiet.
- The *leader lock* (session-level, held by a dedicated connection for the life of the
  process) makes a second `hankeflow scheduler` wait as a standby until the first one stops.

Mail delivery takes no lock: senders share the outbox row by row (`FOR UPDATE SKIP LOCKED`).
On SQLite (the demo, a single process) both locks are no-ops.
"""
from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
import sqlalchemy.orm as so

log = logging.getLogger(__name__)

# Two fixed 64-bit keys: "hankeflw" sweep / leader.
SWEEP_LOCK = 0x68616E6B65666C01
LEADER_LOCK = 0x68616E6B65666C02


def hold_sweep_lock(session: so.Session) -> None:
    """Wait for the sweep lock; it is released when the session's transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(_signed(SWEEP_LOCK))))


class LeaderLock:
    """The scheduler process's standing as the one that runs the jobs."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.connection: sa.Connection | None = None
        # The scheduler's jobs run in threads and share the one connection that holds the lock.
        self._mutex = threading.RLock()

    @property
    def needed(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def try_acquire(self) -> bool:
        """Take the lock if it is free; True if this process holds it now."""
        if not self.needed:
            return True
        with self._mutex:
            return self._try_acquire()

    def _try_acquire(self) -> bool:
        if self._held():
            return True
        self._release()
        connection = self.engine.connect()
        got = connection.execute(sa.select(sa.func.pg_try_advisory_lock(_signed(LEADER_LOCK)))).scalar()
        connection.commit()  # end the implicit transaction; the session-level lock stays
        if got:
            self.connection = connection
            return True
        connection.close()
        return False

    def held(self) -> bool:
        """Still held: the connection that holds it is alive."""
        if not self.needed:
            return True
        with self._mutex:
            return self._held()

    def _held(self) -> bool:
        if self.connection is None:
            return False
        try:
            self.connection.execute(sa.text("SELECT 1"))
            self.connection.commit()
            return True
        except sa.exc.DBAPIError:
            log.warning("lost the scheduler lock's connection")
            self._release()
            return False

    def release(self) -> None:
        with self._mutex:
            self._release()

    def _release(self) -> None:
        if self.connection is not None:
            try:
                self.connection.execute(sa.select(sa.func.pg_advisory_unlock(_signed(LEADER_LOCK))))
                self.connection.commit()
            except sa.exc.DBAPIError:
                pass
            finally:
                self.connection.close()
                self.connection = None


def _signed(key: int) -> int:
    """PostgreSQL's bigint is signed."""
    return key - (1 << 64) if key >= 1 << 63 else key
