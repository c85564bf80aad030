"""What loading costs: one application in one query (a transition's first step), and a list's
triggers in a number of queries that does not grow with the list, however it was loaded."""
from __future__ import annotations

import contextlib

import sqlalchemy as sa

from models import Submission
from workflow.assignments import assign_evaluator
from workflow.engine import available_steps, available_triggers, fire


@contextlib.contextmanager
def counting(engine: sa.Engine):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_one_application_loads_in_one_query(engine, session, clock, admin, make_call,
                                            make_submission, make_user):
    """Does opening an application (as a transition does first) cost one query with its call
    and organisation, its evaluators' assignments read only when something asks for them?"""
    submission = make_submission(make_call("esr", state="open"), submit=True)
    assign_evaluator(session, admin, submission, make_user("evaluator"))
    session.flush()
    session.expunge_all()

    with counting(engine) as statements:
        loaded = session.get(Submission, submission.id)
        assert loaded.call.kind == "esr" and loaded.organisation.name
    assert len(statements) == 1
    with counting(engine) as statements:
        assert len(loaded.assignments) == 1
    assert len(statements) == 1


def test_listing_triggers_reads_assignments_once_however_the_list_was_loaded(
        engine, session, clock, admin, make_call, make_submission, make_user):
    """An administrator's list of applications in evaluation, loaded without their
    assignments: does listing what may be done cost the same queries for 9 applications as
    for 3, and answer what asking application by application answers?"""
    call = make_call("esr", state="open")
    evaluator = make_user("evaluator")
    submissions = [make_submission(call, submit=True) for _ in range(9)]
    clock.set(call.deadline)
    fire(session, call, "close", None)
    fire(session, call, "start_evaluation", admin)
    for submission in submissions:
        fire(session, submission, "start_eligibility_check", admin)
        fire(session, submission, "mark_eligible", admin)
        assign_evaluator(session, admin, submission, evaluator)
    session.flush()

    def listed(rows: int) -> tuple[int, dict[int, list[str]], list[Submission]]:
        session.expunge_all()  # as a new request: nothing loaded, assignments not asked for
        objs = list(session.scalars(sa.select(Submission).where(Submission.call_id == call.id)
                                    .order_by(Submission.id).limit(rows)))
        with counting(engine) as statements:
            triggers = available_triggers(admin, objs, session)
        return len(statements), triggers, objs

    few, _, _ = listed(3)
    many, triggers, objs = listed(9)
    assert many == few
    assert triggers == {o.id: [s.trigger for s in available_steps(admin, o, session)]
                        for o in objs}
    # One evaluator of the two needed: the guard refused completing each evaluation.
    assert list(triggers.values()) == [[]] * 9
