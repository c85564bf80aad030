"""The submission list costs the same number of SQL statements for 5 rows as for 50."""
from __future__ import annotations

import contextlib

import sqlalchemy as sa

from workflow.assignments import assign_evaluator, declare_conflict


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


def test_the_submission_list_issues_a_bounded_number_of_queries(
        engine, session, clock, admin, make_call, make_submission, make_user, api, token_for):
    """Does listing submissions (with their organisations, calls, assignments and receipts)
    cost as many statements for 50 rows as for 5, for an administrator, an evaluator and the
    applicant whose organisation made them?"""
    call = make_call("esr", state="open")
    evaluator = make_user("evaluator")
    applicant = make_user("applicant")
    tokens = {"admin": token_for(admin), "evaluator": token_for(evaluator),
              "applicant": token_for(applicant)}

    def add(n: int) -> None:
        for _ in range(n):
            submission = make_submission(call, applicant, submit=True)
            declare_conflict(session, evaluator,
                             assign_evaluator(session, admin, submission, evaluator),
                             conflicted=False)

    def statements_for(who: str, rows: int) -> int:
        session.expire_all()  # as a new request in another process would: nothing cached
        with counting(engine) as statements:
            response = api.get("/submissions", token=tokens[who])
        assert response.status_code == 200
        items = response.get_json()["items"]
        assert len(items) == rows and all("content" in item for item in items)
        return len(statements)

    add(5)
    few = {who: statements_for(who, 5) for who in tokens}
    add(45)
    many = {who: statements_for(who, 50) for who in tokens}
    assert many == few
    assert max(few.values()) <= 6, few
