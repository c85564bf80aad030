"""`hankeflow scheduler`: one process that runs the sweep every minute with APScheduler 3.

The jobs are interval jobs over the database, kept in memory: nothing about them needs to
survive a restart, because every sweep finds what is due from the database itself (APScheduler
3 drops a date job missed while the process was down, and its job stores cannot be shared
between processes; neither matters here). A second scheduler process waits as a standby on the
leader lock (PostgreSQL) and takes over when the first one stops.

Two jobs, so that a slow mail server never delays a deadline closing:
- `sweep`: time-driven transitions, then the due reminders into the outbox;
- `deliver`: empty the outbox.
A failing piece is logged and the next one still runs; a failing job is logged and the
scheduler keeps running.
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
import signal
import threading
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from ..config import Settings
from ..db import make_engine, session_factory
from .locks import LeaderLock
from .mailer import Transport, transport_from_settings
from .outbox import Units
from .sweep import sweep, units_from

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 60   # seconds: time-driven transitions happen within this of their instant
STANDBY_POLL = 5        # seconds between a standby's attempts to take the leader lock


def guarded(name: str, job: Callable[[], object], leader: LeaderLock | None = None) -> Callable[[], None]:
    """A job that logs its exceptions instead of raising them, and runs only while this
    process holds the leader lock."""
    def run() -> None:
        if leader is not None and not leader.held() and not leader.try_acquire():
            log.info("%s: another scheduler holds the lock; standing by", name)
            return
        try:
            result = job()
            log.debug("%s: %s", name, result)
        except Exception:
            log.exception("%s failed; the scheduler goes on", name)
    return run


def add_jobs(scheduler: BaseScheduler, units: Units, transport: Transport, settings: Settings, *,
             interval: int = DEFAULT_INTERVAL, leader: LeaderLock | None = None) -> None:
    start = dt.datetime.now(dt.timezone.utc)
    defaults = dict(trigger="interval", seconds=interval, next_run_time=start,
                    max_instances=1, coalesce=True, misfire_grace_time=interval,
                    replace_existing=True)
    for name, pieces in (("sweep", ("transitions", "reminders")), ("deliver", ("delivery",))):
        job = functools.partial(sweep, units, transport, settings, pieces=pieces)
        scheduler.add_job(guarded(name, job, leader), id=name, name=name, **defaults)


def run(settings: Settings, *, interval: int = DEFAULT_INTERVAL) -> int:
    """The foreground scheduler: waits for the leader lock, then runs until a signal."""
    transport = transport_from_settings(settings)  # a malformed SMTP URL fails here, at once
    engine = make_engine(settings.database_url)
    leader = LeaderLock(engine)
    stopping = threading.Event()

    def stop(signum: int, _frame: object) -> None:
        log.info("signal %s: stopping", signum)
        stopping.set()
        if scheduler.running:
            scheduler.shutdown(wait=False)

    scheduler = BlockingScheduler(timezone=dt.timezone.utc)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    waited = False
    while not leader.try_acquire():
        if not waited:
            log.warning("another scheduler is running on this database; waiting to take over")
            waited = True
        if stopping.wait(STANDBY_POLL):
            return 0
    log.info("scheduler running every %s s on %s", interval, engine.url.render_as_string())
    units = units_from(session_factory(engine))
    add_jobs(scheduler, units, transport, settings, interval=interval, leader=leader)
    try:
        scheduler.start()
    finally:
        leader.release()
        engine.dispose()
    return 0


def start_background(settings: Settings, *, interval: int = DEFAULT_INTERVAL,
                     database_url: str | None = None) -> BackgroundScheduler:
    """The scheduler in a thread of another process (the demo serves web and scheduler in
    one). Call `.shutdown()` on the result to stop it."""
    engine = make_engine(database_url or settings.database_url)
    leader = LeaderLock(engine)
    scheduler = BackgroundScheduler(timezone=dt.timezone.utc)
    add_jobs(scheduler, units_from(session_factory(engine)), transport_from_settings(settings),
             settings, interval=interval, leader=leader if leader.needed else None)
    scheduler.start()
    return scheduler

