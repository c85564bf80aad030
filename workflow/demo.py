"""`hankeflow demo`: a fresh SQLite database, the seed scenario replayed through the engine
up to the demo's instant (the mail each step wrote delivered at its instant, `seed.replay`),
the demo accounts printed, then the web served on a virtual clock."""
from __future__ import annotations

import dataclasses
import datetime as dt

import click

from . import clock, migrate
from .config import Settings
from .db import make_engine, session_factory

DEMO_DB = "demo.sqlite3"


def demo_settings(settings: Settings) -> Settings:
    """The demo always runs on its own SQLite file under the instance path."""
    return dataclasses.replace(
        settings, database_url=f"sqlite:///{settings.instance_path / DEMO_DB}")


def run_demo(settings: Settings, *, at: dt.datetime, serve: bool, port: int) -> int:
    from .seed import print_accounts, replay

    settings = demo_settings(settings)
    path = settings.instance_path / DEMO_DB
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(DEMO_DB + "-wal"), path.with_name(DEMO_DB + "-shm")):
        stale.unlink(missing_ok=True)
    migrate.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    factory = session_factory(engine)
    click.echo(replay(factory, until=at, settings=settings))
    print_accounts()
    engine.dispose()
    if not serve:
        return 0
    return _serve(settings, at, port)


def _serve(settings: Settings, at: dt.datetime, port: int) -> int:
    from werkzeug.serving import run_simple

    from .app import create_app

    from .scheduler.runner import start_background

    clock.set_clock(clock.VirtualClock(at))
    app = create_app({"DEMO": True, "DATABASE_URL": settings.database_url})
    # Web and scheduler in one process: deadlines pass, reminders go out (as .eml files under
    # the instance path unless HANKEFLOW_SMTP_URL is set) on the demo's clock.
    scheduler = start_background(settings, database_url=settings.database_url)
    click.echo(f"hankeflow demo on http://127.0.0.1:{port}/ (demo time starts at {at.isoformat()})")
    try:
        run_simple("127.0.0.1", port, app, use_reloader=False, threaded=True)
    finally:
        scheduler.shutdown(wait=False)
    return 0
