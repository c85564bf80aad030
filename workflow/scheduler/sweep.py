"""One sweep: the time-driven transitions, then the due reminders, then mail delivery.

Each piece is its own function and its own transaction(s), so that tests call them directly
on a FrozenClock and so that a failure in one is logged without stopping the others.
Every piece is idempotent: a sweep that runs twice, late, or in two processes at once does
each thing once.
"""
from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Callable, Iterator

import sqlalchemy.orm as so

from .. import clock
from ..config import Settings
from ..db import transaction
from ..timed import run_due_transitions
from .locks import hold_sweep_lock
from .mailer import Transport
from .outbox import DeliveryReport, Units, deliver
from .reminders import ComputeReport, compute_reminders

log = logging.getLogger(__name__)


def units_from(factory: so.sessionmaker[so.Session]) -> Units:
    """Production: each unit of work is a fresh session committed once."""
    return lambda: transaction(factory)


def units_on(session: so.Session) -> Units:
    """Tests: each unit of work is a savepoint of the one test session (which the test fixture
    rolls back at the end), so that the test's objects stay attached."""
    @contextlib.contextmanager
    def unit() -> Iterator[so.Session]:
        with session.begin_nested():
            yield session
    return unit


@dataclasses.dataclass
class Transition:
    object_type: str
    object_id: int
    trigger: str
    from_state: str
    to_state: str

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id}: {self.trigger} {self.from_state} → {self.to_state}"


@dataclasses.dataclass
class SweepReport:
    transitions: list[Transition] = dataclasses.field(default_factory=list)
    reminders: ComputeReport = dataclasses.field(default_factory=ComputeReport)
    delivery: DeliveryReport = dataclasses.field(default_factory=DeliveryReport)
    errors: list[str] = dataclasses.field(default_factory=list)

    def summary(self) -> str:
        r, d = self.reminders, self.delivery
        return (f"{len(self.transitions)} time-driven transition(s); reminders: {r.pending} to send, "
                f"{r.skipped} skipped ({r.batches} computed, {r.superseded} superseded); "
                f"mail: {d.sent} sent, {d.retrying} to retry, {d.failed} failed, {d.skipped} skipped"
                + (f"; errors: {len(self.errors)}" if self.errors else ""))


def transitions(units: Units) -> list[Transition]:
    """Fire every time-driven step that is due (workflow.timed), under the sweep lock."""
    with units() as session:
        hold_sweep_lock(session)
        fired = run_due_transitions(session)
        return [Transition(e.object_type, e.object_id, e.trigger, e.from_state, e.to_state)
                for e in fired]


def reminders(units: Units) -> ComputeReport:
    """Compute the due reminders into the outbox, under the sweep lock."""
    with units() as session:
        hold_sweep_lock(session)
        return compute_reminders(session, clock.now())


PIECES = ("transitions", "reminders", "delivery")


def sweep(units: Units, transport: Transport, settings: Settings, *,
          pieces: tuple[str, ...] = PIECES, raise_errors: bool = False) -> SweepReport:
    """The whole pass, or the pieces named, in order. Exceptions are logged per piece, and the
    next piece still runs (re-raised instead if asked, for tests)."""
    report = SweepReport()
    steps: dict[str, Callable[[], None]] = {
        "transitions": lambda: report.transitions.extend(transitions(units)),
        "reminders": lambda: setattr(report, "reminders", reminders(units)),
        "delivery": lambda: setattr(report, "delivery", deliver(units, transport, settings)),
    }
    for name in pieces:
        try:
            steps[name]()
        except Exception as err:
            if raise_errors:
                raise
            log.exception("sweep: %s failed", name)
            report.errors.append(f"{name}: {err}")
    return report
