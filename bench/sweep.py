"""Benchmark of the scheduler's sweep (issue 4): its cost must grow with what is due, not with
the tables. Run by hand:

    python bench/sweep.py [--database-url URL ...] [--sizes 10000 100000] [--repeat 5]
                          [--nothing-due-only]

For each database (by default SQLite, in a new file in a temp dir; PostgreSQL only when a
`--database-url` names it: its `public` schema is DROPPED and rebuilt) and each size N, a
fresh migrated schema is loaded with Core executemany:
N open draft submissions (one applicant per five drafts) spread over 20 open ESR calls whose
deadlines are 30–90 days away, plus one call closing in 10 days that holds a tenth of the
drafts and whose 14 d reminder was computed (and sent) already; N/10 applications returned
for completion and N/10 evaluator assignments due in 60 days; N sent outbox rows.

Then, at a moment when nothing is due:
1. the whole sweep (transitions, reminders, delivery) — target under 1 s for 100,000;
and, for contrast, at the moment the closing call's 7 d reminder falls due:
2. the sweep that computes that reminder for its N/10 drafts (and writes the mails as .eml
   files), then the sweep after it (nothing due again).
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models import (  # noqa: E402
    Call,
    EvaluatorAssignment,
    Organisation,
    OutboxMessage,
    ReminderBatch,
    Submission,
    User,
    UserRole,
)
from workflow import clock, migrate  # noqa: E402
from workflow.config import Settings  # noqa: E402
from workflow.content import default_form  # noqa: E402
from workflow.db import make_engine, session_factory  # noqa: E402
from workflow.scheduler.mailer import FileTransport  # noqa: E402
from workflow.scheduler.reminders import BEFORE_7D, BEFORE_14D  # noqa: E402
from workflow.scheduler.sweep import sweep, units_from  # noqa: E402
from workflow.timeutil import HELSINKI  # noqa: E402

TARGET_S = 1.0
NOW = dt.datetime(2024, 4, 2, 9, 0, tzinfo=HELSINKI).astimezone(dt.timezone.utc)
CLOSING = dt.datetime(2024, 4, 12, 16, 15, tzinfo=HELSINKI).astimezone(dt.timezone.utc)
CHUNK = 5000


def fresh(url: str) -> sa.Engine:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    migrate.upgrade(url)
    return engine


def insert(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        conn.execute(sa.insert(table), rows[start:start + CHUNK])


def load(engine: sa.Engine, n: int) -> None:
    t = {m.__name__: m.__table__ for m in (Organisation, User, UserRole, Call, Submission,
                                           EvaluatorAssignment, OutboxMessage, ReminderBatch)}
    created = NOW - dt.timedelta(days=30)
    orgs = max(1, n // 5)
    with engine.begin() as conn:
        insert(conn, t["Organisation"], [
            dict(id=i, name=f"Org {i}", business_id=f"{i:07d}-0"[-9:], kind="university",
                 created_at=created) for i in range(1, orgs + 1)])
        insert(conn, t["User"], [
            dict(id=i, email=f"user{i}@example.fi", name=f"User {i}", password_hash="x",
                 organisation_id=i, locale="fi", is_active=True, session_key=f"{i:032x}",
                 created_at=created) for i in range(1, orgs + 1)])
        admin_id, evaluator_id = orgs + 1, orgs + 2
        insert(conn, t["User"], [
            dict(id=admin_id, email="admin@example.fi", name="Admin", password_hash="x",
                 locale="fi", is_active=True, session_key="a" * 32, created_at=created),
            dict(id=evaluator_id, email="evaluator@example.fi", name="Evaluator",
                 password_hash="x", locale="fi", is_active=True, session_key="e" * 32,
                 created_at=created)])
        insert(conn, t["UserRole"], [dict(user_id=i, role="applicant") for i in range(1, orgs + 1)]
               + [dict(user_id=admin_id, role="admin"), dict(user_id=evaluator_id, role="evaluator")])
        form = default_form("esr")
        calls = [dict(id=c, kind="esr", state="open", version=2, title=f"Call {c}",
                      description="", opens_at=created,
                      deadline=NOW + dt.timedelta(days=30 + 3 * c), form_fields=form,
                      created_by_id=admin_id, created_at=created) for c in range(1, 21)]
        calls.append(dict(id=21, kind="esr", state="open", version=2, title="Closing soon",
                          description="", opens_at=created, deadline=CLOSING, form_fields=form,
                          created_by_id=admin_id, created_at=created))
        insert(conn, t["Call"], calls)
        content = {"title": "Hanke", "summary": "s", "objectives": "o", "budget_total": "1000"}
        closing_share = n // 10
        insert(conn, t["Submission"], [
            dict(id=i, call_id=21 if i <= closing_share else 1 + i % 20, kind="esr",
                 organisation_id=1 + i % orgs, created_by_id=1 + i % orgs, state="draft",
                 version=1, content=content, created_at=created, updated_at=created)
            for i in range(1, n + 1)])
        extra = n // 10
        due = NOW + dt.timedelta(days=60)
        insert(conn, t["Submission"], [
            dict(id=n + i, call_id=1 + i % 20, kind="esr", organisation_id=1 + i % orgs,
                 created_by_id=1 + i % orgs, state="returned_for_completion", version=3,
                 content=content, submitted_at=created, content_sha256="0" * 64,
                 completion_due_at=due, created_at=created, updated_at=created)
            for i in range(1, extra + 1)])
        insert(conn, t["EvaluatorAssignment"], [
            dict(submission_id=n + i, evaluator_id=evaluator_id, assigned_by_id=admin_id,
                 assigned_at=created, due_at=due, conflict_reason="")
            for i in range(1, extra + 1)])
        # The closing call's 14 d reminder: computed and sent already.
        moment = BEFORE_14D.moment(CLOSING)
        insert(conn, t["ReminderBatch"], [dict(
            kind="draft_deadline", object_type="call", object_id=21, deadline=CLOSING,
            offset_name="14d", status="computed", reason="", recipients=closing_share,
            computed_at=moment)])
        insert(conn, t["OutboxMessage"], [
            dict(recipient_id=1 + i % orgs, kind="draft_deadline", object_type="submission",
                 object_id=i, deadline=CLOSING if i <= closing_share else NOW - dt.timedelta(days=i % 365 + 1),
                 offset_name="14d", due_at=moment, status="sent", reason="", attempts=1,
                 subject="Muistutus", body_text="", body_html="", link="", created_at=moment,
                 sent_at=moment)
            for i in range(1, n + 1)])
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))


def timed(settings: Settings, factory: so.sessionmaker[so.Session], transport) -> tuple[float, object]:
    start = time.perf_counter()
    report = sweep(units_from(factory), transport, settings, raise_errors=True)
    return time.perf_counter() - start, report


def run(url: str, n: int, repeat: int, *, due: bool = True) -> None:
    engine = fresh(url)
    started = time.perf_counter()
    load(engine, n)
    loaded = time.perf_counter() - started
    factory = session_factory(engine)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(instance_path=Path(tmp), database_url=url, secret_key=None,
                            smtp_url=None, mail_from="hankeflow@localhost",
                            base_url="http://127.0.0.1:5000", timezone="Europe/Helsinki")
        transport = FileTransport(Path(tmp) / "mail")
        with clock.using(clock.FrozenClock(NOW)) as frozen:
            timed(settings, factory, transport)   # warm-up: today's digest is computed and sent
            quiet = []
            for _ in range(repeat):
                frozen.advance(minutes=1)
                quiet.append(timed(settings, factory, transport)[0])
            due_text = ""
            if due:
                frozen.set(BEFORE_7D.moment(CLOSING))
                due_s, report = timed(settings, factory, transport)
                frozen.advance(minutes=1)
                after_s, _ = timed(settings, factory, transport)
                due_text = (f"; 7 d reminder of {report.reminders.pending} drafts due: "  # type: ignore[attr-defined]
                            f"{due_s:.2f} s ({report.delivery.sent} mails written); "  # type: ignore[attr-defined]
                            f"next sweep {after_s * 1000:.1f} ms")
    verdict = "ok" if statistics.median(quiet) < TARGET_S else f"OVER the {TARGET_S} s target"
    print(f"{engine.dialect.name:10} {n:>7} open drafts (loaded in {loaded:.1f} s): "
          f"nothing due: median {statistics.median(quiet) * 1000:.1f} ms, "
          f"max {max(quiet) * 1000:.1f} ms ({verdict}){due_text}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append", dest="urls", metavar="URL",
                        help="`sqlite` (the default: a new file in a temp dir) or a PostgreSQL "
                             "URL whose public schema is DROPPED and rebuilt; repeatable")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--nothing-due-only", action="store_true",
                        help="skip the contrast run that sends a tenth of the drafts a reminder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hankeflow-bench-") as tmp:
        for url in args.urls or ["sqlite"]:
            if url == "sqlite":
                url = f"sqlite:///{tmp}/bench.sqlite3"
            for n in args.sizes:
                run(url, n, args.repeat, due=not args.nothing_due_only)


if __name__ == "__main__":
    main()
