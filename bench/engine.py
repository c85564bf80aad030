"""Benchmark of the workflow engine (issue 2): what one transition costs compared with a bare
write, and how long listing the available triggers of 500 objects takes.

    python bench/engine.py [--database-url URL ...] [--n N] [--objects M] [--repeat R]
                           [--schema NAME] [--profile]

By default it runs on SQLite, in a new file in a temp dir (deleted afterwards); PostgreSQL only
when a `--database-url` names it. Each database gets a fresh schema (PostgreSQL: DROP SCHEMA
... CASCADE of --schema; SQLite: a new file), migrated to head and loaded through the real
services under a FrozenClock. Then:

1. transition: a new session loads one ESR application by id, `fire()` takes it between
   final_report_submitted and final_report_returned (return_final_report by an administrator
   with a comment / submit_final_report by the owner, guarded by final_report_complete),
   commit; for contrast also with the object loaded before the clock starts;
2. bare write: a new connection, a Core UPDATE of state and version (WHERE id AND version)
   plus an INSERT of the same audit columns, commit; interleaved with 1, on another row;
3. the ratio of the medians (target <= 2.0);
4. `available_triggers()` over a list page of M submissions of one call (one query with the
   call and organisation joined, one for the assignments) for an administrator, an owner
   applicant and an evaluator, with and without the loading (target < 50 ms for 500).

See bench/README.md. Not part of the tests; tests/bench_smoke runs it tiny so it cannot rot.
"""
from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import io
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import AuditEntry, Organisation, Submission, User
from workflow import clock, migrate, passwords
from workflow.assignments import assign_evaluator, declare_conflict
from workflow.calls import create_call
from workflow.db import make_engine, session_factory
from workflow.directory import business_ids, create_organisation, create_user
from workflow.engine import available_steps, available_triggers, fire
from workflow.evaluation.queries import criteria_of
from workflow.evaluation.reviews import score_and_submit
from workflow.framework import framework
from workflow.pilots.forms import ESR_INDICATOR_KEYS, clean_report
from workflow.submissions import create_draft
from workflow.timeutil import HELSINKI

TRANSITION_TARGET = 2.0      # engine transition / bare write, ratio of medians
TRIGGERS_TARGET_MS = 50.0    # available_triggers for 500 objects
TRIGGERS_TARGET_OBJECTS = 500
WARMUP = 50
TRANSACTION_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")
PASSWORD = "benchmark password 1234"
SUBMISSIONS_PER_ORG = 10

ESR_CONTENT = {"title": "Mikrotutkinnot työelämään", "summary": "Tiivistelmä",
               "objectives": "Tavoitteet", "budget_total": "250000"}
RETURN_COMMENT = "Täydennä osallistujamäärät."

# Where the M listed applications end up, one slot per application in turn: a call in
# evaluation, with applications at every stage (drafts left unsubmitted, some withdrawn).
STATE_MIX = (
    "submitted", "eligibility_check", "in_evaluation", "draft", "evaluated",
    "returned_for_completion", "in_evaluation", "approved", "submitted", "in_implementation",
    "ineligible", "in_evaluation", "final_report_submitted", "withdrawn", "rejected",
    "eligibility_check", "in_evaluation", "final_report_returned", "evaluated",
    "in_implementation",
)
# The path from `submitted` (once the call is in evaluation) to each state, as
# (trigger, who: "admin" | "owner", comment, data); "review" stands for the evaluators'
# declarations and completed reviews, "report" for writing the final report.
_ELIGIBLE = [("start_eligibility_check", "admin", "", None),
             ("mark_eligible", "admin", "", None)]
_EVALUATED = _ELIGIBLE + [("review", "", "", None), ("complete_evaluation", "admin", "", None)]
_APPROVED = _EVALUATED + [("approve", "admin", "", {"granted_amount": "180000"})]
_IMPLEMENTING = _APPROVED + [("start_implementation", "owner", "", None)]
_REPORTED = _IMPLEMENTING + [("report", "", "", None), ("submit_final_report", "owner", "", None)]
AFTER_SUBMITTED: dict[str, list[tuple[str, str, str, dict[str, Any] | None]]] = {
    "submitted": [],
    "eligibility_check": _ELIGIBLE[:1],
    "returned_for_completion": _ELIGIBLE[:1] + [
        ("return_for_completion", "admin", "Liitä budjettierittely.", {"due_at": "14d"})],
    "ineligible": _ELIGIBLE[:1] + [("mark_ineligible", "admin", "Ei kelpoinen hakija.", None)],
    "in_evaluation": _ELIGIBLE,
    "evaluated": _EVALUATED,
    "approved": _APPROVED,
    "rejected": _EVALUATED + [("reject", "admin", "Pisteet jäivät alle kynnyksen.", None)],
    "in_implementation": _IMPLEMENTING,
    "final_report_submitted": _REPORTED,
    "final_report_returned": _REPORTED + [("return_final_report", "admin", RETURN_COMMENT, None)],
}


def final_report() -> dict[str, Any]:
    """A complete ESR final report, in the form the submit_final_report guard checks."""
    return clean_report("esr_final", {
        "summary": "Hanke toteutti kolme pientä osaamiskokonaisuutta.",
        "results": "42 osallistujaa, 37 suoritusta.",
        "indicators": {key: 10 + n for n, key in enumerate(ESR_INDICATOR_KEYS)}}, framework())


def helsinki(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI).astimezone(dt.timezone.utc)


# The scenario's calendar (the ESR call of DOMAIN §1).
CREATED = helsinki(2024, 3, 1, 9, 0)
OPENS = helsinki(2024, 3, 11, 9, 0)
DRAFTING = helsinki(2024, 5, 20, 12, 0)
DEADLINE = helsinki(2024, 6, 3, 16, 15)
EVALUATING = helsinki(2024, 6, 10, 9, 0)
# When the measurements run: evaluation under way, completion requests not yet due.
MEASURED_AT = helsinki(2024, 6, 11, 10, 0)


@dataclasses.dataclass
class Scenario:
    call_id: int
    listed: int                 # how many submissions the list page shows
    engine_subject_id: int      # cycled through fire()
    bare_subject_id: int        # cycled by the bare writes
    admin_id: int
    owner_id: int               # an applicant with SUBMISSIONS_PER_ORG listed applications
    evaluator_id: int           # assigned to most of the applications in evaluation
    subject_owner_id: int       # the owner of both subjects


# Setup -------------------------------------------------------------------------------------

def build_scenario(factory: so.sessionmaker[so.Session], frozen: clock.FrozenClock,
                   objects: int) -> Scenario:
    """Everything through the services and fire(), as users would have done it."""
    ids = business_ids()

    def new_org(session: so.Session, name: str, kind: str = "university") -> Organisation:
        return create_organisation(session, name=name, business_id=next(ids), kind=kind)

    def new_user(session: so.Session, label: str, *roles: str, org: Organisation | None) -> User:
        return create_user(session, email=f"{label}@bench.example.fi", name=label.title(),
                           password=PASSWORD, roles=list(roles), organisation=org)

    with factory() as session, passwords.cheap_hashing():
        frozen.set(CREATED)
        authority = new_org(session, "Rahoittava viranomainen", "authority")
        admin = new_user(session, "admin", "admin", org=authority)
        evaluators = [new_user(session, f"evaluator{i}", "evaluator", org=authority)
                      for i in range(3)]
        n_orgs = max(1, -(-objects // SUBMISSIONS_PER_ORG))
        applicants = [new_user(session, f"applicant{i}", "applicant",
                               org=new_org(session, f"Korkeakoulu {i}"))
                      for i in range(n_orgs)]
        subject_owner = new_user(session, "subject-owner", "applicant",
                                 org=new_org(session, "Benchmark Oy", "training_company"))
        call = create_call(session, admin, kind="esr",
                           title="Pienten osaamiskokonaisuuksien kehittäminen",
                           opens_at=OPENS, deadline=DEADLINE)
        fire(session, call, "publish", admin)
        frozen.set(OPENS)
        fire(session, call, "open", None)
        session.commit()

        # Drafting and submitting while the call is open. The applicants of one organisation
        # own consecutive slots of the mix, so every applicant sees every kind of state.
        frozen.set(DRAFTING)
        plan: list[tuple[Submission, User, str]] = []
        for i in range(objects):
            owner = applicants[i // SUBMISSIONS_PER_ORG]
            target = STATE_MIX[i % len(STATE_MIX)]
            submission = create_draft(session, owner, call, dict(ESR_CONTENT))
            frozen.advance(seconds=7)
            if target == "withdrawn":
                fire(session, submission, "withdraw", owner)
            elif target != "draft":
                fire(session, submission, "submit", owner)
            plan.append((submission, owner, target))
        subjects = []
        for _ in range(2):
            subject = create_draft(session, subject_owner, call, dict(ESR_CONTENT))
            fire(session, subject, "submit", subject_owner)
            plan.append((subject, subject_owner, "final_report_submitted"))
            subjects.append(subject)
        session.commit()

        frozen.set(DEADLINE)
        fire(session, call, "close", None)
        frozen.set(EVALUATING)
        fire(session, call, "start_evaluation", admin)
        for n, (submission, owner, target) in enumerate(plan):
            if target in ("draft", "withdrawn"):
                continue
            for trigger, who, comment, data in AFTER_SUBMITTED[target]:
                if trigger == "review":
                    _review(session, admin, submission, evaluators[0], evaluators[1 + n % 2])
                elif trigger == "report":
                    # No service writes ESR final reports yet; the guard reads this field.
                    submission.final_report = final_report()
                else:
                    actor = admin if who == "admin" else owner
                    if data and data.get("due_at") == "14d":
                        data = {"due_at": frozen.now() + dt.timedelta(days=14)}
                    fire(session, submission, trigger, actor, comment=comment, data=data)
            if target == "in_evaluation":
                # Assigned, and the benchmarked evaluator has declared no conflict on most.
                first = assign_evaluator(session, admin, submission, evaluators[0])
                assign_evaluator(session, admin, submission, evaluators[1 + n % 2])
                if n % 3:
                    declare_conflict(session, evaluators[0], first, conflicted=False)
        session.commit()
        return Scenario(
            call_id=call.id, listed=objects, engine_subject_id=subjects[0].id,
            bare_subject_id=subjects[1].id, admin_id=admin.id, owner_id=applicants[0].id,
            evaluator_id=evaluators[0].id, subject_owner_id=subject_owner.id)


def _review(session: so.Session, admin: User, submission: Submission, *evaluators: User) -> None:
    """Assigned, declared no conflict, every scored criterion scored and justified, submitted."""
    scored = [c for c in criteria_of(session, submission.call_id) if c.kind == "scored"]
    for n, evaluator in enumerate(evaluators):
        assignment = assign_evaluator(session, admin, submission, evaluator)
        declare_conflict(session, evaluator, assignment, conflicted=False)
        score_and_submit(session, evaluator, assignment, {
            c.id: {"score": (c.scale_max or 0) - (submission.id + n) % 2,
                   "justification": "Perusteltu arvio."} for c in scored})


# Measuring ---------------------------------------------------------------------------------

@dataclasses.dataclass
class Stats:
    median_ms: float
    p95_ms: float
    n: int

    @classmethod
    def of(cls, seconds: list[float]) -> Stats:
        ms = sorted(s * 1000 for s in seconds)
        p95 = statistics.quantiles(ms, n=20, method="inclusive")[-1] if len(ms) > 1 else ms[0]
        return cls(statistics.median(ms), p95, len(ms))


def load_actors(factory: so.sessionmaker[so.Session], sc: Scenario) -> dict[str, User]:
    """The signed-in users, loaded once (as a request's user loader would) and detached."""
    with factory() as session:
        return {name: session.get_one(User, uid) for name, uid in (
            ("admin", sc.admin_id), ("owner", sc.owner_id), ("evaluator", sc.evaluator_id),
            ("subject_owner", sc.subject_owner_id))}


def measure_transitions(engine: sa.Engine, factory: so.sessionmaker[so.Session], sc: Scenario,
                        actors: dict[str, User], n: int,
                        profile: cProfile.Profile | None = None) -> tuple[Stats, Stats, Stats]:
    """n transitions through fire() (loading the object first, as a request does), n more with
    the object loaded before the clock starts (what the engine itself adds), and n bare
    writes; interleaved so that all see the same table sizes, cache and WAL state."""
    admin, owner = actors["admin"], actors["subject_owner"]
    # From final_report_submitted: (trigger, actor, comment, destination).
    cycle = [("return_final_report", admin, RETURN_COMMENT, "final_report_returned"),
             ("submit_final_report", owner, "", "final_report_submitted")]
    subs, audit = Submission.__table__, AuditEntry.__table__
    with engine.connect() as conn:
        bare_state, bare_version = conn.execute(
            sa.select(subs.c.state, subs.c.version).where(subs.c.id == sc.bare_subject_id)).one()
    fired_so_far = 0  # the engine's subject alternates between the two states

    def engine_transition(*, loaded_before: bool) -> float:
        nonlocal fired_so_far
        trigger, actor, comment, _dest = cycle[fired_so_far % 2]
        t0 = time.perf_counter()
        with factory() as session:
            if loaded_before:
                obj = session.get_one(Submission, sc.engine_subject_id)
                t0 = time.perf_counter()
            if profile and not loaded_before:
                profile.enable()
            if not loaded_before:
                obj = session.get_one(Submission, sc.engine_subject_id)
            fire(session, obj, trigger, actor, comment=comment)
            session.commit()
            if profile and not loaded_before:
                profile.disable()
            elapsed = time.perf_counter() - t0
        fired_so_far += 1
        return elapsed

    def bare_transition(k: int) -> float:
        nonlocal bare_state, bare_version
        trigger, actor, comment, dest = cycle[k % 2]
        t0 = time.perf_counter()
        now = clock.now()
        with engine.connect() as conn:
            updated = conn.execute(
                sa.update(subs)
                .where(subs.c.id == sc.bare_subject_id, subs.c.version == bare_version)
                .values(state=dest, version=subs.c.version + 1, updated_at=now))
            if updated.rowcount != 1:
                raise RuntimeError("bare write: the row changed under the benchmark")
            conn.execute(sa.insert(audit).values(
                object_type="submission", object_id=sc.bare_subject_id, at=now,
                actor_id=actor.id, trigger=trigger, from_state=bare_state, to_state=dest,
                comment=comment, content_sha256=None, data=None))
            conn.commit()
        elapsed = time.perf_counter() - t0
        bare_state, bare_version = dest, bare_version + 1
        return elapsed

    for k in range(min(WARMUP, n)):
        engine_transition(loaded_before=False)
        engine_transition(loaded_before=True)
        bare_transition(k)
    fired, fired_only, bare = [], [], []
    for k in range(n):
        fired.append(engine_transition(loaded_before=False))
        fired_only.append(engine_transition(loaded_before=True))
        bare.append(bare_transition(k))
    return Stats.of(fired), Stats.of(fired_only), Stats.of(bare)


def list_page(session: so.Session, sc: Scenario) -> list[Submission]:
    """What a list page loads: one query with the call and the organisation joined (the
    model's eager loads) and one for the assignments, which a list asks for."""
    return list(session.scalars(
        sa.select(Submission).options(so.selectinload(Submission.assignments))
        .where(Submission.call_id == sc.call_id).order_by(Submission.id).limit(sc.listed)))


@dataclasses.dataclass
class TriggerFigures:
    triggers: Stats             # available_triggers only, objects already loaded
    with_load: Stats            # new session + list query + available_triggers
    queries: int                # SQL statements run by available_triggers itself
    load_queries: int           # SQL statements of the list query with its eager loads
    objects: int
    with_triggers: int          # objects on which the actor has at least one trigger


def count_queries(engine: sa.Engine) -> Callable[[], int]:
    """Counts the SQL statements from now until the returned function is called."""
    count = 0

    def listener(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        nonlocal count
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            count += 1
    sa.event.listen(engine, "before_cursor_execute", listener)

    def stop() -> int:
        sa.event.remove(engine, "before_cursor_execute", listener)
        return count
    return stop


def measure_triggers(engine: sa.Engine, factory: so.sessionmaker[so.Session], sc: Scenario,
                     actor: User, repeat: int,
                     profile: cProfile.Profile | None = None) -> TriggerFigures:
    with factory() as session:
        stop = count_queries(engine)
        objs = list_page(session, sc)
        load_queries = stop()
        stop = count_queries(engine)
        result = available_triggers(actor, objs, session)
        queries = stop()
        # The list answers exactly what asking object by object answers.
        one_by_one = {o.id: [s.trigger for s in available_steps(actor, o, session)] for o in objs}
        if result != one_by_one:
            raise RuntimeError(
                f"available_triggers disagrees with available_steps for {actor.email}")
        timings = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            if profile:
                profile.enable()
            available_triggers(actor, objs, session)
            if profile:
                profile.disable()
            timings.append(time.perf_counter() - t0)
    with_load = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with factory() as session:
            available_triggers(actor, list_page(session, sc), session)
        with_load.append(time.perf_counter() - t0)
    return TriggerFigures(Stats.of(timings), Stats.of(with_load), queries, load_queries,
                          len(objs), sum(1 for triggers in result.values() if triggers))


# One database ------------------------------------------------------------------------------

@dataclasses.dataclass
class Result:
    backend: str
    where: str
    setup_s: float
    transition: Stats           # load + fire() + commit
    fire_only: Stats            # fire() + commit, the object loaded before
    bare: Stats
    ratio: float
    triggers: dict[str, TriggerFigures]

    @property
    def transition_ok(self) -> bool:
        return self.ratio <= TRANSITION_TARGET

    @property
    def triggers_ok(self) -> bool:
        return all(f.triggers.median_ms < TRIGGERS_TARGET_MS for f in self.triggers.values())


def with_search_path(url: str, schema: str) -> str:
    """The URL with libpq's `options` putting `schema` first on the search path."""
    parsed = sa.engine.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return parsed.render_as_string(hide_password=False)


def fresh_postgres(url: str, schema: str) -> str:
    """Drop and recreate `schema` (everything in it is lost), migrate; returns the URL to use."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        raise SystemExit(f"--schema: not a plain identifier: {schema!r}")
    admin_engine = make_engine(url)
    try:
        with admin_engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    finally:
        admin_engine.dispose()
    if schema != "public":
        url = with_search_path(url, schema)
    migrate.upgrade(url)
    return url


def run_database(url: str, *, n: int, objects: int, repeat: int, schema: str = "public",
                 profile: bool = False, out: Any = sys.stdout) -> Result:
    """Set up a fresh schema at `url` (a PostgreSQL URL, or a SQLite file that does not exist
    yet), load the scenario and measure."""
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if not path or path == ":memory:" or Path(path).exists():
            raise SystemExit("SQLite: give a file that does not exist yet "
                             "(or `sqlite` for a temp file)")
        migrate.upgrade(url)
        where = f"{path} (WAL)"
    else:
        url = fresh_postgres(url, schema)
        where = sa.engine.make_url(url).render_as_string(hide_password=True)
        if schema != "public":
            where += f" (schema {schema})"
    engine = make_engine(url)
    factory = session_factory(engine)
    try:
        frozen = clock.FrozenClock(CREATED)
        with clock.using(frozen):
            t0 = time.perf_counter()
            sc = build_scenario(factory, frozen, objects)
            setup_s = time.perf_counter() - t0
            frozen.set(MEASURED_AT)
            actors = load_actors(factory, sc)
            profiler = cProfile.Profile() if profile else None
            transition, fire_only, bare = measure_transitions(engine, factory, sc, actors, n,
                                                              profiler)
            if profiler:
                _print_profile(profiler, "fire() transitions", out)
            triggers = {}
            for name in ("admin", "owner", "evaluator"):
                profiler = cProfile.Profile() if profile else None
                triggers[name] = measure_triggers(engine, factory, sc, actors[name], repeat,
                                                  profiler)
                if profiler:
                    _print_profile(profiler, f"available_triggers ({name})", out)
    finally:
        engine.dispose()
    return Result(engine.dialect.name, where, setup_s, transition, fire_only, bare,
                  transition.median_ms / bare.median_ms, triggers)


def _print_profile(profiler: cProfile.Profile, title: str, out: Any) -> None:
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(30)
    print(f"\n--- profile: {title} ---\n{buffer.getvalue()}", file=out)


# Report ------------------------------------------------------------------------------------

def report(result: Result, out: Any = sys.stdout) -> None:
    t, loaded, b = result.transition, result.fire_only, result.bare
    objects = next(iter(result.triggers.values())).objects

    def timed(label: str, stats: Stats) -> str:
        return f"   {label:<46}{stats.median_ms:>7.3f} ms{stats.p95_ms:>7.3f} ms"

    lines = [
        f"\n== {result.backend}: {result.where}",
        f"   scenario loaded through the services in {result.setup_s:.1f} s",
        "",
        f"   {f'one transition ({t.n} each)':<46}{'median':>10}{'p95':>10}",
        timed("engine: get + fire() + guard + audit + commit", t),
        timed("bare:   UPDATE + INSERT + commit", b),
        f"   {f'ratio of medians (target <= {TRANSITION_TARGET})':<46}{result.ratio:>10.2f}  "
        + ("OK" if result.transition_ok else "MISSED"),
        timed("(for contrast: object loaded before the clock)", loaded)
        + f"  ratio {loaded.median_ms / b.median_ms:.2f}",
        "",
        f"   {f'available_triggers, {objects} objects':<26}{'median':>10}{'p95':>10}"
        f"{'+ load':>11}{'p95':>10}{'queries':>9}{'load q.':>9}{'w/ trig.':>9}",
    ]
    for name, f in result.triggers.items():
        verdict = ("" if f.objects != TRIGGERS_TARGET_OBJECTS
                   else "OK" if f.triggers.median_ms < TRIGGERS_TARGET_MS else "MISSED")
        lines.append(
            f"   {name:<26}{f.triggers.median_ms:>7.2f} ms{f.triggers.p95_ms:>7.2f} ms"
            f"{f.with_load.median_ms:>8.2f} ms{f.with_load.p95_ms:>7.2f} ms"
            f"{f.queries:>9}{f.load_queries:>9}{f.with_triggers:>9}  {verdict}")
    lines.append(f"   (target: median < {TRIGGERS_TARGET_MS:.0f} ms for {TRIGGERS_TARGET_OBJECTS} "
                 "objects, available_triggers alone; queries = statements it ran itself)")
    print("\n".join(lines), file=out)


def main(argv: list[str] | None = None, out: Any = sys.stdout) -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", action="append", dest="urls", metavar="URL",
                        help="`sqlite` (the default: a new file in a temp dir), a sqlite:/// "
                             "path that does not exist yet, or a PostgreSQL URL whose --schema "
                             "is DROPPED and rebuilt; repeatable")
    parser.add_argument("--n", type=int, default=2000, help="transitions (and bare writes) timed")
    parser.add_argument("--objects", type=int, default=500, help="submissions on the list page")
    parser.add_argument("--repeat", type=int, default=50, help="runs of each trigger listing")
    parser.add_argument("--schema", default="public",
                        help="PostgreSQL schema to drop, rebuild and use (default public)")
    parser.add_argument("--profile", action="store_true", help="print cProfile of the timed code")
    args = parser.parse_args(argv)
    if args.n < 1 or args.objects < 1 or args.repeat < 1:
        parser.error("--n, --objects and --repeat must be positive")
    urls = args.urls or ["sqlite"]
    print(f"hankeflow engine benchmark: {args.n} transitions, {args.objects} listed objects, "
          f"{args.repeat} listing runs", file=out)
    results = []
    for url in urls:
        kwargs = dict(n=args.n, objects=args.objects, repeat=args.repeat, profile=args.profile,
                      out=out)
        if url == "sqlite":
            with tempfile.TemporaryDirectory(prefix="hankeflow-bench-") as tmp:
                result = run_database(f"sqlite:///{tmp}/bench.sqlite3", **kwargs)
        else:
            result = run_database(url, schema=args.schema, **kwargs)
        report(result, out)
        results.append(result)
    return results


if __name__ == "__main__":
    main()
