"""The standstill has not started for a bidder none of whose decision letters has left: the
contract waits for it, also when its letter was skipped (the recipient left the organisation)
or never written (the organisation had nobody to write to) — until an administrator records
a delivery by other means."""
from __future__ import annotations

import datetime as dt

import pytest

from workflow.engine import fire
from workflow.errors import WorkflowError

from support import helsinki
from support.web import body


def _refusal(session, call, admin) -> WorkflowError:
    with pytest.raises(WorkflowError) as refused:
        fire(session, call, "sign_contract", admin)
    return refused.value


def test_a_bidder_with_nobody_to_write_to_keeps_the_contract_waiting(
        session, clock, admin, decided_procurement, run_sweep):
    call, tenders, _ = decided_procurement()
    tenders[0].created_by.is_active = False          # the organisation's only applicant left
    fire(session, call, "deliver_decision", admin)
    run_sweep()                                       # the others' letters leave
    clock.set(helsinki(2024, 7, 31, 12, 0))           # long after any standstill
    refused = _refusal(session, call, admin)
    assert (refused.code, refused.params) == ("decision_not_delivered", {"count": 1})


def test_a_letter_skipped_because_its_recipient_left_keeps_the_contract_waiting(
        session, clock, admin, decided_procurement, run_sweep, outbox):
    call, tenders, _ = decided_procurement()
    fire(session, call, "deliver_decision", admin)
    tenders[1].created_by.is_active = False          # leaves before the letter is sent
    session.commit()
    run_sweep()
    assert sorted(r.status for r in outbox(kind="procurement_decision")).count("skipped") == 1
    clock.set(helsinki(2024, 7, 31, 12, 0))
    refused = _refusal(session, call, admin)
    assert (refused.code, refused.params) == ("decision_not_delivered", {"count": 1})


def test_an_administrator_records_a_delivery_by_registered_letter(
        session, clock, admin, decided_procurement, run_sweep, login, make_user):
    """The bidder with nobody to write to is served by registered letter, received Mon
    17.6.2024: once the administrator records it on the overview, the standstill counts from
    it (last day Mon 1.7), the history says so, and the contract can be signed after it;
    bad input and a second recording are refused with a message."""
    call, tenders, _ = decided_procurement()
    tenders[0].created_by.is_active = False
    fire(session, call, "deliver_decision", admin)       # Fri 7.6.2024
    run_sweep()
    clock.set(helsinki(2024, 6, 18, 9, 0))
    session.commit()
    client = login(admin)
    overview = f"/evaluation/calls/{call.id}"
    page = body(client.get(overview))
    assert f"/evaluation/submissions/{tenders[0].id}/served" in page
    assert f"/evaluation/submissions/{tenders[1].id}/served" not in page   # served by mail
    path = f"/evaluation/submissions/{tenders[0].id}/served"

    for form in ({"served_at": "2024-06-20T10:00", "how": "Kirjattu kirje"},   # the future
                 {"served_at": "2024-06-01T10:00", "how": "Kirjattu kirje"},   # before delivery
                 {"served_at": "eilen", "how": "Kirjattu kirje"},
                 {"served_at": "2024-06-17T10:00", "how": " "}):
        refused = client.post(path, data=form)
        assert refused.status_code == 302
        assert "govuk-notification-banner" in body(client.get(refused.headers["Location"]))
    assert _refusal(session, call, admin).code == "decision_not_delivered"
    assert login(make_user("applicant")).post(path, data={}).status_code == 403

    recorded = client.post(path, data={"served_at": "2024-06-17T10:00",
                                       "how": "Kirjattu kirje, vastaanotettu"})
    assert "Tiedoksianto muulla tavoin on kirjattu." in body(
        client.get(recorded.headers["Location"]))
    session.expire_all()
    assert call.standstill_last_day == dt.date(2024, 7, 1)
    again = client.post(path, data={"served_at": "2024-06-17T11:00", "how": "Uudelleen"})
    assert "Päätös on jo annettu tälle tarjoajalle tiedoksi." in body(
        client.get(again.headers["Location"]))
    timeline = body(client.get(f"/admin/submissions/{tenders[0].id}"))
    assert "Annettu tiedoksi muulla tavoin" in timeline and "Kirjattu kirje" in timeline

    clock.set(helsinki(2024, 7, 1, 23, 0))
    assert _refusal(session, call, admin).code == "standstill_not_over"
    clock.set(helsinki(2024, 7, 2, 0, 0))
    fire(session, call, "sign_contract", admin)
    assert call.state == "contracted"
