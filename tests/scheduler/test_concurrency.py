"""Two schedulers on one PostgreSQL database, for many sweeps: every reminder and every
time-driven transition happens once.

These tests commit for real, so they run on a database of their own: the test database's name
with "2" appended (hf_sched → hf_sched2), created if missing and emptied first.
"""
from __future__ import annotations

import collections
import datetime as dt
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from models import AuditEntry, OutboxMessage
from support import helsinki
from workflow import clock as clock_module
from workflow import migrate
from workflow.calls import create_call
from workflow.config import Settings
from workflow.db import make_engine, transaction
from workflow.directory import business_ids, create_organisation, create_user
from workflow.engine import fire
from workflow.scheduler.locks import LeaderLock
from workflow.scheduler.mailer import SmtpTransport
from workflow.scheduler.sweep import sweep, units_from
from workflow.submissions import create_draft

pytestmark = pytest.mark.postgres_only

PROJECT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
ESR_OPENS, ESR_DEADLINE = helsinki(2024, 3, 11, 9, 0), helsinki(2024, 6, 3, 16, 15)
JOTPA_OPENS, JOTPA_DEADLINE = helsinki(2024, 5, 6, 9, 0), helsinki(2024, 6, 10, 12, 0)
ESR_MOMENTS = [helsinki(2024, 5, 20, 16, 15), helsinki(2024, 5, 27, 16, 15),
               helsinki(2024, 6, 2, 16, 15), helsinki(2024, 6, 3, 14, 15)]
JOTPA_MOMENTS = [helsinki(2024, 5, 27, 12, 0), helsinki(2024, 6, 3, 12, 0),
                 helsinki(2024, 6, 9, 12, 0), helsinki(2024, 6, 10, 10, 0)]


@pytest.fixture
def second_database(engine: sa.Engine) -> Iterator[str]:
    """The URL of a migrated, empty database next to the test database."""
    url = engine.url.set(database=f"{engine.url.database}2")
    admin_url = engine.url.set(database="postgres")
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": url.database}).scalar()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    text = url.render_as_string(hide_password=False)
    own = make_engine(text)
    with own.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    own.dispose()
    migrate.upgrade(text)
    yield text


def _scenario(factory: so.sessionmaker[so.Session], clock: clock_module.FrozenClock) -> dict:
    """An ESR call and a Jotpa procurement, published; run the sweeps that open them, then
    call `drafts()` to add applicants with drafts (and submitted tenders)."""
    clock.set(helsinki(2024, 3, 1, 9, 0))
    with transaction(factory) as s:
        admin = create_user(s, email="admin@example.fi", name="Admin", password=PASSWORD,
                            roles=["admin"])
        esr = create_call(s, admin, kind="esr", title="ESR", opens_at=ESR_OPENS,
                          deadline=ESR_DEADLINE)
        jotpa = create_call(s, admin, kind="jotpa", title="Jotpa", opens_at=JOTPA_OPENS,
                            deadline=JOTPA_DEADLINE, hilma_notice_id="2024-123456",
                            questions_until=JOTPA_DEADLINE - dt.timedelta(days=7))
        fire(s, esr, "publish", admin)
        fire(s, jotpa, "publish", admin)
        return {"esr": esr.id, "jotpa": jotpa.id}


def _drafts(factory, clock, ids: dict, *, orgs: int = 4) -> dict[str, list[str]]:
    """Each organisation has two applicants and a draft in both calls (the last one only in
    the ESR call). Returns the applicants' e-mail addresses per call."""
    from models import Call

    clock.set(helsinki(2024, 5, 7, 9, 0))
    emails: dict[str, list[str]] = {"esr": [], "jotpa": []}
    with transaction(factory) as s:
        esr, jotpa = s.get(Call, ids["esr"]), s.get(Call, ids["jotpa"])
        for n in range(orgs):
            org = create_organisation(s, name=f"Org {n}",
                                      business_id=next(business_ids(8800000 + n * 100)),
                                      kind="university")
            users = [create_user(s, email=f"a{n}-{i}@example.fi", name=f"A {n} {i}",
                                 password=PASSWORD, roles=["applicant"], organisation=org,
                                 locale=("fi", "sv", "en")[(n + i) % 3]) for i in (0, 1)]
            create_draft(s, users[0], esr, {"title": f"Hanke {n}", "summary": "s",
                                            "objectives": "o", "budget_total": "1000"})
            if n < orgs - 1:  # the last organisation has no tender draft
                create_draft(s, users[1], jotpa, {"title": f"Tarjous {n}", "pilot_plan": "p",
                                                  "price": "1000"})
                emails["jotpa"].extend(u.email for u in users)
            emails["esr"].extend(u.email for u in users)
    return emails


def _check_once(factory, smtp_server, ids: dict, emails: dict[str, list[str]], *,
                jotpa_reminders: int) -> None:
    # Every mail arrived once: no Message-ID twice, and each reminder per recipient once.
    counts = collections.Counter(r.message_id for r in smtp_server.received)
    assert counts and max(counts.values()) == 1
    with factory() as s:
        rows = s.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "draft_deadline")).all()
        keys = collections.Counter((r.recipient_id, r.object_id, r.offset_name) for r in rows)
        assert max(keys.values()) == 1
        assert {r.status for r in rows} == {"sent"}
        audit = s.execute(sa.select(AuditEntry.object_type, AuditEntry.object_id, AuditEntry.trigger)
                          .where(AuditEntry.actor_id.is_(None))).all()
    for address in emails["esr"]:
        esr_mails = [r for r in smtp_server.to(address) if "ESR" in r.subject]
        assert len(esr_mails) == 4, address
    for address in emails["jotpa"]:
        jotpa_mails = [r for r in smtp_server.to(address) if "Jotpa" in r.subject]
        assert len(jotpa_mails) == jotpa_reminders, address
    fired = collections.Counter(audit)
    assert max(fired.values()) == 1
    assert {(t, i, trig) for t, i, trig in audit if t == "call"} == {
        ("call", ids["esr"], "open"), ("call", ids["esr"], "close"),
        ("call", ids["jotpa"], "start_tendering"), ("call", ids["jotpa"], "open_tenders")}


def _instants() -> list[dt.datetime]:
    """Sweep moments: each reminder's and transition's instant, and some in between."""
    moments = [ESR_OPENS, JOTPA_OPENS, ESR_DEADLINE, JOTPA_DEADLINE, *ESR_MOMENTS, *JOTPA_MOMENTS]
    between = [helsinki(2024, 5, 24, 9, 0), helsinki(2024, 6, 1, 9, 0), helsinki(2024, 6, 5, 9, 0)]
    return sorted({m + dt.timedelta(seconds=30) for m in moments} | set(between))


def test_two_scheduler_processes_do_everything_once(second_database, smtp_server, tmp_path):
    """Do two `hankeflow reminders sweep` processes, started together at each moment against
    one PostgreSQL database, fire each time-driven transition once and send each reminder once?"""
    engine = make_engine(second_database)
    factory = so.sessionmaker(engine, expire_on_commit=False)
    env = dict(os.environ, HANKEFLOW_DATABASE_URL=second_database,
               HANKEFLOW_SMTP_URL=smtp_server.url, HANKEFLOW_INSTANCE_PATH=str(tmp_path),
               HANKEFLOW_BASE_URL="https://hankeflow.example")
    env.pop("HANKEFLOW_TEST_DATABASE_URL", None)

    def both(at: dt.datetime) -> None:
        command = [sys.executable, "-c", "from workflow.cli import main; main()",
                   "reminders", "sweep", "--now", at.isoformat()]
        procs = [subprocess.Popen(command, env=env, cwd=PROJECT, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True) for _ in range(2)]
        for proc in procs:
            out, _ = proc.communicate(timeout=120)
            assert proc.returncode == 0, out

    # Starting a process costs a second or two: sweep only at the ESR call's moments (the
    # Jotpa call's 14 d and 7 d reminders fall due in between; its 1 d and 2 h never do).
    half_a_minute = dt.timedelta(seconds=30)
    with clock_module.using(clock_module.FrozenClock(helsinki(2024, 3, 1, 9, 0))) as clock:
        ids = _scenario(factory, clock)
        for at in (ESR_OPENS, JOTPA_OPENS):
            both(at + half_a_minute)
        emails = _drafts(factory, clock, ids)
        for at in (*ESR_MOMENTS, ESR_DEADLINE, JOTPA_DEADLINE):
            both(at + half_a_minute)
    _check_once(factory, smtp_server, ids, emails, jotpa_reminders=2)
    engine.dispose()


def test_two_schedulers_on_separate_connections_for_many_sweeps(second_database, smtp_server,
                                                                tmp_path):
    """Do two schedulers (threads with their own connections) sweeping together every few
    hours for a month still do each transition and send each reminder exactly once?"""
    settings = Settings(instance_path=tmp_path, database_url=second_database, secret_key=None,
                        smtp_url=smtp_server.url, mail_from="hankeflow@hankeflow.example",
                        base_url="https://hankeflow.example", timezone="Europe/Helsinki")
    engines = [make_engine(second_database) for _ in range(2)]
    factory = so.sessionmaker(engines[0], expire_on_commit=False)
    transport = SmtpTransport.from_url(smtp_server.url)
    errors: list[BaseException] = []

    def round_at(clock, at: dt.datetime) -> None:
        clock.set(at)
        barrier = threading.Barrier(2)

        def work(engine: sa.Engine) -> None:
            try:
                barrier.wait(timeout=30)
                report = sweep(units_from(so.sessionmaker(engine, expire_on_commit=False)),
                               transport, settings, raise_errors=True)
                assert not report.errors
            except BaseException as err:  # noqa: BLE001 - reported below
                errors.append(err)
        threads = [threading.Thread(target=work, args=(e,)) for e in engines]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors

    with clock_module.using(clock_module.FrozenClock(helsinki(2024, 3, 1, 9, 0))) as clock:
        ids = _scenario(factory, clock)
        for at in [i for i in _instants() if i < helsinki(2024, 5, 7, 0, 0)]:
            round_at(clock, at)
        emails = _drafts(factory, clock, ids)
        t = helsinki(2024, 5, 7, 3, 0)
        stops = set(_instants())
        while t < helsinki(2024, 6, 11, 0, 0):
            stops.add(t)
            t += dt.timedelta(hours=8)
        for at in sorted(s for s in stops if s >= helsinki(2024, 5, 7, 0, 0)):
            round_at(clock, at)
    _check_once(factory, smtp_server, ids, emails, jotpa_reminders=4)
    for engine in engines:
        engine.dispose()


def test_a_second_scheduler_waits_for_the_first(second_database):
    """Does a second `hankeflow scheduler` stand by while the first one holds the lock, and
    take over when the first stops?"""
    engines = [make_engine(second_database) for _ in range(2)]
    first, second = LeaderLock(engines[0]), LeaderLock(engines[1])
    assert first.try_acquire()
    assert not second.try_acquire()
    assert first.held() and not second.held()
    first.release()
    assert second.try_acquire()
    second.release()
    for engine in engines:
        engine.dispose()
