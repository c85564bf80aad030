"""The one clock. Everything that asks "what time is it?" asks `clock.now()`.

Production uses the system clock. Tests install a `FrozenClock` and travel in time with
`advance()`/`set()`; the demo installs a `VirtualClock` that runs from a chosen start.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from typing import Protocol

UTC = dt.timezone.utc


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)


class FrozenClock:
    """Stands still until told to move."""

    def __init__(self, at: dt.datetime) -> None:
        self.set(at)

    def set(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = at.astimezone(UTC)

    def advance(self, delta: dt.timedelta | None = None, **kwargs: float) -> dt.datetime:
        self._now += delta if delta is not None else dt.timedelta(**kwargs)
        return self._now

    def now(self) -> dt.datetime:
        return self._now


class VirtualClock:
    """Starts at a chosen instant and then runs at real speed (the demo's clock)."""

    def __init__(self, start: dt.datetime) -> None:
        self._offset = start.astimezone(UTC) - dt.datetime.now(UTC)

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC) + self._offset


_lock = threading.Lock()
_clock: Clock = SystemClock()


def now() -> dt.datetime:
    """The current instant, timezone-aware UTC."""
    return _clock.now()


def get_clock() -> Clock:
    return _clock


def set_clock(clock: Clock) -> Clock:
    """Install a clock for the whole process; returns the previous one."""
    global _clock
    with _lock:
        previous, _clock = _clock, clock
    return previous


@contextlib.contextmanager
def using(clock: Clock) -> Iterator[Clock]:
    previous = set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(previous)
