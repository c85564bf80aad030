"""The deadline dashboard: what opens, closes or falls due in the coming weeks and what is
overdue, with links; counts per state; and a number of SQL statements that does not grow with
the number of submissions (the dashboard and the submissions list alike)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from admin_support import to_standstill
from support import helsinki
from support.web import body

from workflow.assignments import assign_evaluator
from workflow.calls import add_info_event, create_call
from workflow.engine import fire
from workflow.questions import ask_question

NOW = helsinki(2024, 6, 2, 9, 0)


@pytest.fixture
def grow(session, clock, admin, make_call, make_submission, make_user, make_org):
    """grow(n): an ESR call that closed on 31.5.2024 with n applications, a quarter of them
    returned for completion (due ahead), a quarter overdue for completion, a quarter with
    evaluators due (one ahead, one overdue), the rest submitted. The clock ends at NOW."""
    evaluators = [make_user("evaluator", organisation=make_org(kind="authority")) for _ in range(2)]

    def run(n: int):
        clock.set(helsinki(2024, 5, 1, 9, 0))
        call = make_call("esr", state="open", opens_at=helsinki(2024, 3, 1, 9, 0),
                         deadline=helsinki(2024, 5, 31, 16, 15))
        apps = [make_submission(call, submit=True) for _ in range(n)]
        clock.set(call.deadline + dt.timedelta(minutes=1))
        fire(session, call, "close", None)
        fire(session, call, "start_evaluation", admin)
        for i, app in enumerate(apps):
            if i % 4 in (0, 1):
                fire(session, app, "start_eligibility_check", admin)
                due = helsinki(2024, 6, 5, 16, 0) if i % 4 == 0 else helsinki(2024, 6, 1, 12, 0)
                fire(session, app, "return_for_completion", admin, comment="Täydennä budjetti.",
                     data={"due_at": due.isoformat()})
            elif i % 4 == 2:
                assign_evaluator(session, admin, app, evaluators[0], due_at=helsinki(2024, 6, 10, 16, 0))
                assign_evaluator(session, admin, app, evaluators[1], due_at=helsinki(2024, 6, 1, 16, 0))
        clock.set(NOW)
        session.commit()
        return call, apps
    return run


def test_the_dashboard_lists_what_is_coming_and_what_is_overdue(
        session, clock, admin, make_call, make_user, login, grow):
    """Does the dashboard show, with links, a call closing, a procurement's questions period
    ending, an info session, completions and reviews due, and as overdue a completion and a
    review past their dates and a draft call whose opening passed unpublished; and the
    submissions per state?"""
    esr = make_call("esr", state="open")
    procurement = make_call("jotpa", state="tendering", opens_at=helsinki(2024, 5, 15, 9, 0),
                            deadline=helsinki(2024, 6, 14, 16, 15),
                            questions_until=helsinki(2024, 6, 7, 12, 0))
    add_info_event(session, admin, procurement, title="Toinen infotilaisuus",
                   starts_at=helsinki(2024, 6, 4, 10, 0), ends_at=helsinki(2024, 6, 4, 11, 0))
    forgotten = create_call(session, admin, kind="esr", title="Unohtunut luonnos",
                            opens_at=helsinki(2024, 6, 1, 9, 0), deadline=helsinki(2024, 9, 1, 16, 15))
    closed, apps = grow(4)
    ask_question(session, make_user("applicant"), procurement, "Kysymys")
    session.commit()
    page = body(login(admin).get("/admin/"))

    overdue, upcoming = page.split("Tulossa", 1)
    assert f'href="/admin/calls/{forgotten.id}"' in overdue and "ei ole julkaistu" in overdue
    assert f'href="/admin/submissions/{apps[1].id}"' in overdue      # completion overdue
    assert f'href="/admin/submissions/{apps[2].id}"' in overdue      # a review overdue
    assert f'href="/admin/calls/{esr.id}"' in upcoming and "3.6.2024 klo 16.15" in upcoming
    assert "Kysymysaika päättyy" in upcoming and "7.6.2024 klo 12.00" in upcoming
    assert "Toinen infotilaisuus" in upcoming
    assert f'href="/admin/submissions/{apps[0].id}"' in upcoming     # completion due 5.6.
    assert "5.6.2024 klo 16.00" in upcoming and "10.6.2024 klo 16.00" in upcoming
    assert f'href="/admin/submissions?call={closed.id}&amp;state=returned_for_completion"' in page
    assert "Palautettu täydennettäväksi: 2" in page

    shorter = body(login(admin).get("/admin/?weeks=1"))
    assert "10.6.2024 klo 16.00" not in shorter
    assert login(admin).get("/admin/?weeks=abc").status_code == 200


def test_a_standstill_shows_when_the_contract_can_be_signed(
        session, clock, admin, make_call, make_submission, make_user, make_org, login):
    """Does a procurement in its standstill period appear with the first day the contract can
    be signed (decision delivered Fri 7.6.2024: last day Mon 24.6., contract from 25.6.), and
    as overdue once that day has come without a contract?"""
    call = make_call("jotpa", state="tendering", opens_at=helsinki(2024, 5, 15, 9, 0),
                     deadline=helsinki(2024, 6, 4, 16, 15))
    tender = make_submission(call, submit=True)
    evaluators = [make_user("evaluator", organisation=make_org(kind="authority")) for _ in range(2)]
    to_standstill(session, clock, admin, call, [tender], evaluators)
    assert call.state == "standstill" and call.standstill_last_day == dt.date(2024, 6, 24)
    session.commit()
    client = login(admin)
    clock.set(helsinki(2024, 6, 20, 9, 0))
    upcoming = body(client.get("/admin/"))
    assert "Odotusaika päättyy" in upcoming and "25.6.2024 klo 0.00" in upcoming
    clock.set(helsinki(2024, 6, 26, 9, 0))
    assert "sopimusta ei ole vielä allekirjoitettu" in body(client.get("/admin/"))


@pytest.mark.parametrize("path", ["/admin/", "/admin/submissions",
                                  "/admin/submissions?state=returned_for_completion",
                                  "/admin/calls"])
def test_the_number_of_queries_does_not_grow_with_the_submissions(
        session, clock, admin, login, grow, statements, path):
    """Does the page run the same number of SQL statements with 5 and with 50 submissions?"""
    grow(5)
    client = login(admin)
    client.get(path)                           # warm: the first request loads what it caches
    with statements() as few:
        assert client.get(path).status_code == 200
    grow(45)
    with statements() as many:
        response = client.get(path)
        assert response.status_code == 200
    assert len(few) == len(many), "\n".join(many)
    assert len(many) <= 15
    if path == "/admin/submissions":
        assert len(re.findall(r'href="/admin/submissions/\d+"', body(response))) == 50
