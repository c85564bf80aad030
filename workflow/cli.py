"""The `hankeflow` command (CONTRACT § Commands)."""
from __future__ import annotations

import json
import os
import sys

import click
import sqlalchemy as sa

from . import clock, migrate
from .config import Settings
from .db import make_engine, session_factory, transaction
from .definitions import WORKFLOWS
from .errors import WorkflowError
from .timeutil import parse_instant


def _settings() -> Settings:
    return Settings.from_env()


def _instant(value: str | None):
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 instant: {value!r}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """hankeflow: ESR calls and Jotpa procurements of micro-credentials, end to end."""


# db ------------------------------------------------------------------------------------------

@main.group()
def db() -> None:
    """Database migrations (Alembic)."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database up to REVISION (default: head)."""
    migrate.upgrade(_settings().database_url, revision)
    click.echo(f"database at {revision}")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION (`base` empties it)."""
    migrate.downgrade(_settings().database_url, revision)
    click.echo(f"database at {revision}")


@db.command("current")
def db_current() -> None:
    """Show the database's current revision."""
    engine = make_engine(_settings().database_url)
    with engine.connect() as conn:
        from alembic.runtime.migration import MigrationContext

        heads = MigrationContext.configure(conn).get_current_heads()
    engine.dispose()
    click.echo(", ".join(heads) if heads else "(empty database)")


# user ----------------------------------------------------------------------------------------

@main.group()
def user() -> None:
    """Users."""


@user.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(["applicant", "evaluator", "admin"]))
@click.option("--organisation", "organisation_ref", default=None,
              help="Business ID (Y-tunnus) or exact name of an existing organisation.")
@click.option("--locale", default="fi", type=click.Choice(["fi", "sv", "en"]))
def user_create(email: str, name: str, roles: tuple[str, ...], organisation_ref: str | None,
                locale: str) -> None:
    """Create a user; the password comes from HANKEFLOW_PASSWORD or is prompted for."""
    from models import Organisation

    from .directory import create_user

    password = os.environ.get("HANKEFLOW_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    factory = session_factory(make_engine(_settings().database_url))
    try:
        with transaction(factory) as session:
            organisation = None
            if organisation_ref:
                organisation = session.scalar(sa.select(Organisation).where(sa.or_(
                    Organisation.business_id == organisation_ref,
                    Organisation.name == organisation_ref)))
                if organisation is None:
                    raise click.ClickException(f"no organisation {organisation_ref!r}")
            created = create_user(session, email=email, name=name, password=password,
                                  roles=list(roles), organisation=organisation, locale=locale)
            click.echo(f"created user {created.id} {created.email} ({', '.join(roles)})")
    except WorkflowError as err:
        details = "; ".join(f"{k}: {v}" for k, v in err.details.items())
        raise click.ClickException(f"{err.message('en')} {details}".strip()) from None


# workflow ------------------------------------------------------------------------------------

@main.group()
def workflow() -> None:
    """The state machines."""


@workflow.command("show")
@click.argument("name", type=click.Choice(list(WORKFLOWS)))
@click.option("--format", "fmt", type=click.Choice(["mermaid", "json"]), default="mermaid")
@click.option("--locale", default="en", type=click.Choice(["fi", "sv", "en"]))
def workflow_show(name: str, fmt: str, locale: str) -> None:
    """Print a workflow, generated from its definition."""
    from .diagram import to_json, to_mermaid

    wf = WORKFLOWS[name]
    click.echo(to_mermaid(wf, locale) if fmt == "mermaid" else json.dumps(to_json(wf, locale), indent=2, ensure_ascii=False))


# reminders / time-driven work ----------------------------------------------------------------

@main.group()
def reminders() -> None:
    """Time-driven work."""


@reminders.command("sweep")
@click.option("--now", "now_text", default=None, help="Run as if at this instant (ISO 8601).")
def reminders_sweep(now_text: str | None) -> None:
    """One pass of the time-driven work (transitions, reminders, mail), then exit."""
    from .scheduler.mailer import transport_from_settings
    from .scheduler.sweep import sweep, units_from

    at = _instant(now_text)
    settings = _settings()
    try:
        transport = transport_from_settings(settings)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    engine = make_engine(settings.database_url)
    with clock.using(clock.FrozenClock(at) if at else clock.get_clock()):
        report = sweep(units_from(session_factory(engine)), transport, settings)
    engine.dispose()
    for transition in report.transitions:
        click.echo(str(transition))
    click.echo(report.summary())
    if report.errors:
        raise click.ClickException("; ".join(report.errors))


@main.command()
@click.option("--interval", default=60, show_default=True, type=click.IntRange(5, 3600),
              help="Seconds between sweeps.")
def scheduler(interval: int) -> None:
    """The scheduler process: time-driven transitions, reminders and mail, every minute.
    A second one on the same database waits as a standby."""
    import logging

    from .scheduler.runner import run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # APScheduler logs every run at INFO; its warnings and errors (a missed run) still show.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("transitions").setLevel(logging.WARNING)
    try:
        sys.exit(run(_settings(), interval=interval))
    except ValueError as err:  # a malformed HANKEFLOW_SMTP_URL
        raise click.ClickException(str(err)) from None


# demo ----------------------------------------------------------------------------------------

@main.command()
@click.option("--port", default=5000, show_default=True)
@click.option("--no-serve", is_flag=True, help="Load the scenario and exit.")
@click.option("--at", "at_text", default="2024-06-02T09:00+03:00", show_default=True,
              help="The demo's virtual clock starts here.")
def demo(port: int, no_serve: bool, at_text: str) -> None:
    """A fresh SQLite demo database with the seed scenario replayed up to --at."""
    from .demo import run_demo

    at = _instant(at_text)
    sys.exit(run_demo(_settings(), at=at, serve=not no_serve, port=port))
