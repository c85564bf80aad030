"""Benchmark of the administrators' list pages (issue 3): the deadline dashboard and the
submissions list with 10,000 submissions in the database.

    python bench/web_lists.py [--database-url URL ...] [--submissions N] [--requests R]
                              [--schema NAME]

By default it runs on SQLite, in a new file in a temp dir; PostgreSQL only when a
`--database-url` names it. Each database gets a fresh schema (SQLite: a new temp file;
PostgreSQL: DROP SCHEMA ... CASCADE of --schema, then CREATE, reached through the search
path), migrated to head. The
calls, the administrator and the evaluators are created through the services and the engine
(so criteria and audit rows exist as in real use); the organisations, their applicants, the
submissions and the evaluator assignments are inserted with Core bulk inserts for speed:

- an ESR call in evaluation (60 %): submitted, in eligibility check, returned for completion
  with due dates spread over ±3 weeks, in evaluation with two evaluators due over ±3 weeks;
- an open ESR call (20 %): drafts and submitted applications;
- a Jotpa procurement taking tenders (20 %): sealed drafts and submitted tenders;
then ANALYZE, so that the planner knows the tables as it would in production.

Then, with the Flask test client signed in as the administrator (a request's own session,
as in production), each page is requested a few times to warm up and R times measured; the
median and 95th percentile of the response time and the number of SQL statements per
request are printed. The clock is frozen at 2.6.2024 9.00 Helsinki time. Run by hand; not
part of the tests.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import tempfile
import time

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import EvaluatorAssignment, Organisation, Submission, User, UserRole
from workflow import clock, migrate, passwords
from workflow.app import create_app
from workflow.calls import create_call
from workflow.content import content_sha256
from workflow.db import make_engine
from workflow.directory import business_ids, create_organisation, create_user
from workflow.engine import fire
from workflow.timeutil import HELSINKI

DEFAULT_SCHEMA = "bench_web_lists"
PASSWORD = "benchmark password 1234"
NOW = dt.datetime(2024, 6, 2, 9, 0, tzinfo=HELSINKI)
PAGES = {
    "dashboard (/admin/)": "/admin/",
    "submissions list, page 1": "/admin/submissions",
    "submissions list, filtered by state": "/admin/submissions?state=returned_for_completion",
    "submissions list, page 100": "/admin/submissions?page=100",
}
WARMUP = 5
PER_ORGANISATION = 10


def helsinki(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI).astimezone(dt.timezone.utc)


def with_search_path(url: str, schema: str) -> str:
    parsed = sa.engine.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return parsed.render_as_string(hide_password=False)


def fresh_database(url: str, schema: str) -> str:
    """A migrated, empty schema; returns the URL to use."""
    if not url.startswith("sqlite"):
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
            raise SystemExit(f"--schema: not a plain identifier: {schema!r}")
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        finally:
            engine.dispose()
        url = with_search_path(url, schema)
    migrate.upgrade(url)
    return url


def load(url: str, n: int) -> None:
    """The calls through the services, everything numerous through Core bulk inserts."""
    engine = make_engine(url)
    frozen = clock.FrozenClock(helsinki(2024, 2, 1, 9, 0))
    with clock.using(frozen), passwords.cheap_hashing(), so.Session(engine) as session:
        ids = business_ids()
        authority = create_organisation(session, name="Opetushallitus", business_id=next(ids),
                                        kind="authority")
        admin = create_user(session, email="admin@bench.fi", name="Anna Admin", password=PASSWORD,
                            roles=["admin"], organisation=authority)
        evaluators = [create_user(session, email=f"evaluator{i}@bench.fi", name=f"Arvioija {i}",
                                  password=PASSWORD, roles=["evaluator"], organisation=authority)
                      for i in range(20)]
        in_evaluation = create_call(session, admin, kind="esr", title="ESR-haku (arvioinnissa)",
                                    opens_at=helsinki(2024, 2, 5, 9, 0),
                                    deadline=helsinki(2024, 5, 6, 16, 15))
        open_call = create_call(session, admin, kind="esr", title="ESR-haku (avoinna)",
                                opens_at=helsinki(2024, 3, 11, 9, 0),
                                deadline=helsinki(2024, 6, 3, 16, 15))
        procurement = create_call(session, admin, kind="jotpa", title="Jotpan pilotit",
                                  opens_at=helsinki(2024, 5, 15, 9, 0),
                                  deadline=helsinki(2024, 6, 14, 16, 15),
                                  questions_until=helsinki(2024, 6, 7, 12, 0),
                                  hilma_notice_id="2024-123456")
        for call in (in_evaluation, open_call, procurement):
            fire(session, call, "publish", admin)
        frozen.set(helsinki(2024, 3, 12, 9, 0))
        fire(session, in_evaluation, "open", None)
        fire(session, open_call, "open", None)
        frozen.set(helsinki(2024, 5, 16, 9, 0))
        fire(session, procurement, "start_tendering", None)
        fire(session, in_evaluation, "close", None)
        fire(session, in_evaluation, "start_evaluation", admin)
        frozen.set(NOW)
        session.commit()
        calls = {"evaluation": in_evaluation.id, "open": open_call.id, "jotpa": procurement.id}
        evaluator_ids = [e.id for e in evaluators]
        admin_id = admin.id

    now = NOW.astimezone(dt.timezone.utc)
    organisations = (n + PER_ORGANISATION - 1) // PER_ORGANISATION
    with engine.begin() as conn:
        org_ids = business_ids(3_000_000)
        conn.execute(sa.insert(Organisation.__table__), [
            {"name": f"Oppilaitos {i}", "business_id": next(org_ids),
             "kind": "university_of_applied_sciences", "created_at": now}
            for i in range(organisations)])
        orgs = conn.execute(sa.select(Organisation.id).where(Organisation.name.like("Oppilaitos %"))
                            .order_by(Organisation.id)).scalars().all()
        conn.execute(sa.insert(User.__table__), [
            {"email": f"applicant{org}@bench.fi", "name": f"Hakija {org}", "password_hash": "!",
             "organisation_id": org, "locale": "fi", "is_active": True, "session_key": f"k{org}",
             "created_at": now} for org in orgs])
        applicants = dict(conn.execute(sa.select(User.organisation_id, User.id)
                                       .where(User.email.like("applicant%@bench.fi"))).all())
        conn.execute(sa.insert(UserRole.__table__),
                     [{"user_id": user_id, "role": "applicant"} for user_id in applicants.values()])

        rows = []
        for i in range(n):
            org = orgs[i // PER_ORGANISATION]
            share = i % 10
            if share < 6:
                call, kind = calls["evaluation"], "esr"
                state = ("submitted", "eligibility_check", "returned_for_completion",
                         "in_evaluation")[i % 4]
            elif share < 8:
                call, kind, state = calls["open"], "esr", ("draft", "submitted")[i % 2]
            else:
                call, kind, state = calls["jotpa"], "jotpa", ("draft", "submitted")[i % 2]
            content = ({"title": f"Hanke {i}", "summary": "Tiivistelmä", "objectives": "Tavoitteet",
                        "budget_total": "250000.00"} if kind == "esr" else
                       {"title": f"Pilotti {i}", "pilot_plan": "Suunnitelma", "price": "48000.00"})
            submitted = state != "draft"
            rows.append({
                "call_id": call, "kind": kind, "organisation_id": org,
                "created_by_id": applicants[org], "state": state, "version": 1, "content": content,
                "submitted_at": now - dt.timedelta(days=20) if submitted else None,
                "content_sha256": content_sha256(content) if submitted else None,
                "completion_due_at": (now + dt.timedelta(hours=(i % 1000) - 500))
                if state == "returned_for_completion" else None,
                "created_at": now - dt.timedelta(days=30), "updated_at": now - dt.timedelta(days=20)})
        conn.execute(sa.insert(Submission.__table__), rows)

        evaluated = conn.execute(sa.select(Submission.id).where(
            Submission.call_id == calls["evaluation"], Submission.state == "in_evaluation")
            .order_by(Submission.id)).scalars().all()
        conn.execute(sa.insert(EvaluatorAssignment.__table__), [
            {"submission_id": sid, "evaluator_id": evaluator_ids[(k + j) % len(evaluator_ids)],
             "assigned_by_id": admin_id, "assigned_at": now - dt.timedelta(days=10),
             "due_at": now + dt.timedelta(hours=(k * 7 % 1000) - 500), "conflict_reason": ""}
            for k, sid in enumerate(evaluated) for j in range(2)])
    # Fresh planner statistics, as autovacuum (PostgreSQL) would have them after such a load.
    with engine.connect() as conn:
        conn.execute(sa.text("ANALYZE"))
        conn.commit()
    engine.dispose()


def measure(url: str, requests: int) -> list[tuple[str, float, float, int, int]]:
    engine = make_engine(url)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *args: statements.append(statement))
    app = create_app({"TESTING": True, "ENGINE": engine, "WTF_CSRF_ENABLED": False})
    results = []
    with clock.using(clock.FrozenClock(NOW)):
        client = app.test_client()
        signed_in = client.post("/sign-in", data={"email": "admin@bench.fi", "password": PASSWORD})
        if signed_in.status_code != 302:
            raise SystemExit(f"sign-in failed: {signed_in.status_code}")
        for name, path in PAGES.items():
            for _ in range(WARMUP):
                assert client.get(path).status_code == 200, path
            times = []
            for _ in range(requests):
                statements.clear()
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, path
            rows = len(re.findall(r'href="/admin/submissions/\d+"', response.get_data(as_text=True)))
            p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
            results.append((name, statistics.median(times), p95, len(statements), rows))
    engine.dispose()
    return results


def run(url: str, n: int, requests: int, schema: str) -> None:
    started = time.perf_counter()
    url = fresh_database(url, schema)
    load(url, n)
    where = sa.engine.make_url(url).render_as_string(hide_password=True)
    print(f"\n{where}: {n} submissions loaded in {time.perf_counter() - started:.1f} s; "
          f"{requests} requests per page")
    print(f"  {'page':40} {'median ms':>10} {'p95 ms':>10} {'SQL/request':>12} {'links':>6}")
    for name, median, p95, count, rows in measure(url, requests):
        print(f"  {name:40} {median:10.1f} {p95:10.1f} {count:12d} {rows:6d}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append",
                        help="`sqlite` (the default: a new file in a temp dir) or a PostgreSQL "
                             "URL whose --schema is DROPPED and rebuilt; repeatable")
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--schema", default=DEFAULT_SCHEMA)
    args = parser.parse_args(argv)
    for url in args.database_url or ["sqlite"]:
        if url == "sqlite":
            with tempfile.TemporaryDirectory(prefix="hankeflow-bench-") as tmp:
                run(f"sqlite:///{tmp}/bench.sqlite3", args.submissions, args.requests,
                    args.schema)
        else:
            run(url, args.submissions, args.requests, args.schema)


if __name__ == "__main__":
    main()
