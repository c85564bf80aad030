"""Fixtures: a migrated database (SQLite by default, PostgreSQL when
HANKEFLOW_TEST_DATABASE_URL says so), a session per test inside a rolled-back transaction,
a frozen clock to travel with, and factories that return callables.

What several folders share beyond these is in tests/support (see its __init__.py): plain
helpers to import, and the plugins below, whose fixtures every folder can use (the page tests'
`app`, `login`, ...; the evaluation scenes; the pilot `flow`)."""
from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Call, Organisation, Submission, User
from workflow import clock as clock_module
from workflow import migrate, passwords
from workflow.calls import create_call
from workflow.db import make_engine
from workflow.directory import business_id, create_organisation, create_user
from workflow.engine import fire
from workflow.submissions import create_draft

from support import ESR_DEADLINE, ESR_OPENS, PASSWORD, helsinki

pytest_plugins = ["support.web", "support.mail", "support.evaluation", "support.pilots"]

TEST_DATABASE_URL = os.environ.get("HANKEFLOW_TEST_DATABASE_URL")

# Argon2 at full strength costs ~50 ms a hash: too slow for hundreds of test users.
passwords.hasher = passwords.CHEAP


def is_postgres(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    """Tests marked postgres_only need real concurrent connections: skipped on SQLite."""
    if request.node.get_closest_marker("postgres_only") is None:
        return
    if not is_postgres(request.getfixturevalue("engine")):
        pytest.skip("needs PostgreSQL (set HANKEFLOW_TEST_DATABASE_URL)")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(database_url)
    if is_postgres(engine):
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    migrate.upgrade(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: sa.Engine) -> Iterator[so.Session]:
    """A session whose commits are savepoints inside one transaction that is rolled back."""
    with engine.connect() as connection:
        transaction = connection.begin()
        session = so.Session(bind=connection, join_transaction_mode="create_savepoint",
                             expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()
            transaction.rollback()


@pytest.fixture
def clock() -> Iterator[clock_module.FrozenClock]:
    """The frozen clock, at 2.6.2024 9.00 Helsinki time unless a test moves it."""
    frozen = clock_module.FrozenClock(helsinki(2024, 6, 2, 9, 0))
    with clock_module.using(frozen):
        yield frozen


_counter = itertools.count(1)


def next_business_id() -> str:
    """A business ID no other call returns in this test run."""
    while (found := business_id(1000000 + next(_counter))) is None:
        pass
    return found


@pytest.fixture
def make_org(session: so.Session, clock):
    def make(name: str | None = None, kind: str = "university") -> Organisation:
        n = next(_counter)
        return create_organisation(session, name=name or f"Organisation {n}",
                                   business_id=next_business_id(), kind=kind)
    return make


@pytest.fixture
def make_user(session: so.Session, clock, make_org):
    def make(*roles: str, organisation: Organisation | None = None, email: str | None = None,
             locale: str = "fi") -> User:
        roles = roles or ("applicant",)
        if organisation is None and "applicant" in roles:
            organisation = make_org()
        n = next(_counter)
        return create_user(session, email=email or f"user{n}@example.fi", name=f"User {n}",
                           password=PASSWORD, roles=list(roles), organisation=organisation,
                           locale=locale)
    return make


@pytest.fixture
def admin(make_user) -> User:
    return make_user("admin")


@pytest.fixture
def make_call(session: so.Session, clock, admin):
    """make_call("esr"|"jotpa", state="open", ...) → a call moved through the engine to `state`."""
    def make(kind: str = "esr", *, state: str | None = None, opens_at: dt.datetime = ESR_OPENS,
             deadline: dt.datetime = ESR_DEADLINE, **fields) -> Call:
        if kind == "jotpa":
            fields.setdefault("hilma_notice_id", "2024-123456")
            fields.setdefault("questions_until", deadline - dt.timedelta(days=7))
        saved = clock.now()
        clock.set(min(saved, opens_at - dt.timedelta(days=1)))
        call = create_call(session, admin, kind=kind, title=f"{kind} call", opens_at=opens_at,
                           deadline=deadline, **fields)
        clock.set(saved)
        path = {"esr": ["publish", "open"], "jotpa": ["publish", "start_tendering"]}[kind]
        for trigger in path:
            if call.state == state:
                break
            if trigger != "publish" and clock.now() < call.opens_at:
                break
            if trigger == "publish" and clock.now() >= call.deadline:
                raise ValueError("publish before the deadline; set the clock earlier")
            fire(session, call, trigger, admin if trigger == "publish" else None)
        if state is not None and call.state != state:
            raise ValueError(f"make_call cannot reach {state!r} (at {call.state!r})")
        return call
    return make


ESR_CONTENT = {"title": "Mikrotutkinnot työelämään", "summary": "Tiivistelmä",
               "objectives": "Tavoitteet", "budget_total": "250000"}
JOTPA_CONTENT = {"title": "Pilotti", "pilot_plan": "Suunnitelma", "price": "48000"}


def add_micro_credential(session: so.Session, applicant: User, tender: Submission,
                         data: dict | None = None):
    """Describe one complete micro-credential in a Jotpa tender, in the workload unit the
    bidder's kind of organisation uses."""
    from support.pilots import MICRO_CREDENTIAL  # a plugin: imported once pytest registered it
    from workflow.framework import framework
    from workflow.pilots.descriptions import add_description

    values = dict(data or MICRO_CREDENTIAL)
    unit = framework().units_for(tender.organisation.kind)[0]
    values["workload"] = {**values["workload"], "unit": unit}
    return add_description(session, applicant, tender, values)


@pytest.fixture
def make_submission(session: so.Session, make_user):
    def make(call: Call, applicant: User | None = None, *, content: dict | None = None,
             submit: bool = False) -> Submission:
        applicant = applicant or make_user("applicant")
        if content is None:
            content = dict(ESR_CONTENT if call.kind == "esr" else JOTPA_CONTENT)
        submission = create_draft(session, applicant, call, content)
        if call.kind == "jotpa":
            add_micro_credential(session, applicant, submission)
        if submit:
            fire(session, submission, "submit", applicant)
        return submission
    return make
