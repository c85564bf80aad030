"""Two people firing at the same object at the same moment, on real committed data and two
connections (PostgreSQL): exactly one wins, the other gets `conflict`, the audit has one row.

These tests commit, so they do not use the rolled-back `session` fixture; they TRUNCATE what
they committed afterwards (the audit refuses DELETE, TRUNCATE is allowed).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from engine_walk import ESR_CONTENT, ESR_DEADLINE, ESR_OPENS, PASSWORD, helsinki

from models import AuditEntry, Base, Call, Submission, SubmissionVersion, User
from workflow.calls import create_call
from workflow.directory import business_ids, create_organisation, create_user
from workflow.engine import fire
from workflow.errors import WorkflowError
from workflow.submissions import create_draft

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def committed(engine: sa.Engine, clock) -> Iterator[so.sessionmaker[so.Session]]:
    """A session factory on the real database; every table is emptied afterwards."""
    factory = so.sessionmaker(engine, expire_on_commit=False)
    yield factory
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def _scenario(factory, clock) -> dict[str, int]:
    """Commit an open ESR call with one applicant's draft and two administrators."""
    with factory() as s:
        org = create_organisation(s, name="Race University",
                                  business_id=next(business_ids(7700001)),
                                  kind="university")
        applicant = create_user(s, email="racer@example.fi", name="Racer", password=PASSWORD,
                                roles=["applicant"], organisation=org)
        admins = [create_user(s, email=f"admin{i}@example.fi", name=f"Admin {i}",
                              password=PASSWORD, roles=["admin"]) for i in (1, 2)]
        clock.set(helsinki(2024, 3, 1, 9, 0))
        call = create_call(s, admins[0], kind="esr", title="Race", opens_at=ESR_OPENS,
                           deadline=ESR_DEADLINE)
        fire(s, call, "publish", admins[0])
        clock.set(helsinki(2024, 6, 2, 9, 0))
        fire(s, call, "open", None)
        draft = create_draft(s, applicant, call, dict(ESR_CONTENT))
        s.commit()
        return {"call": call.id, "submission": draft.id, "applicant": applicant.id,
                "admin1": admins[0].id, "admin2": admins[1].id}


def _race(factory, attempts: list[Callable[[so.Session], None]]) -> list[str]:
    """Run each attempt on its own session and connection in its own thread; all load the
    object, then wait at a barrier and fire at once. Each result: "ok" or the error code."""
    barrier = threading.Barrier(len(attempts))
    results: list[str] = []
    lock = threading.Lock()

    def run(attempt: Callable[[so.Session, threading.Barrier], None]) -> None:
        with factory() as s:
            try:
                attempt(s, barrier)
                s.commit()
                outcome = "ok"
            except WorkflowError as err:
                s.rollback()
                outcome = err.code
            except Exception as err:  # recorded: the test fails with it, never a lost thread
                s.rollback()
                outcome = f"{type(err).__name__}: {err}"
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return sorted(results)


def _audit(factory, object_type: str, object_id: int, trigger: str) -> int:
    with factory() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.object_type == object_type, AuditEntry.object_id == object_id,
            AuditEntry.trigger == trigger))


def test_two_submits_at_the_same_moment(committed, clock):
    """When the same application is submitted from two browsers at the same instant, does
    exactly one get a receipt, the other `conflict`, with one audit row and one version?"""
    ids = _scenario(committed, clock)

    def submit(s: so.Session, barrier: threading.Barrier) -> None:
        submission = s.get(Submission, ids["submission"])
        applicant = s.get(User, ids["applicant"])
        barrier.wait()
        fire(s, submission, "submit", applicant)

    assert _race(committed, [submit, submit]) == ["conflict", "ok"]
    assert _audit(committed, "submission", ids["submission"], "submit") == 1
    with committed() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(SubmissionVersion)) == 1
        submission = s.get(Submission, ids["submission"])
        assert submission.state == "submitted" and submission.version > 1


def test_two_administrators_close_the_same_call(committed, clock):
    """When two administrators close the same call at once, does one close it and the other
    get `conflict`, with one audit row?"""
    ids = _scenario(committed, clock)
    clock.set(ESR_DEADLINE)

    def close(admin_key: str):
        def attempt(s: so.Session, barrier: threading.Barrier) -> None:
            call = s.get(Call, ids["call"])
            admin = s.get(User, ids[admin_key])
            barrier.wait()
            fire(s, call, "close", admin)
        return attempt

    assert _race(committed, [close("admin1"), close("admin2")]) == ["conflict", "ok"]
    assert _audit(committed, "call", ids["call"], "close") == 1


def test_both_loaded_then_fired_in_turn(committed, clock):
    """When two sessions hold the same application and fire one after the other, is the
    second refused with `conflict` (its version is stale), even via a different step?"""
    ids = _scenario(committed, clock)
    first, second = committed(), committed()
    try:
        mine = first.get(Submission, ids["submission"])
        theirs = second.get(Submission, ids["submission"])
        fire(first, mine, "submit", first.get(User, ids["applicant"]))
        first.commit()
        with pytest.raises(WorkflowError) as err:
            fire(second, theirs, "withdraw", second.get(User, ids["applicant"]))
            second.flush()
        assert err.value.code == "conflict"
        second.rollback()
    finally:
        first.close()
        second.close()
    assert _audit(committed, "submission", ids["submission"], "submit") == 1
    assert _audit(committed, "submission", ids["submission"], "withdraw") == 0
