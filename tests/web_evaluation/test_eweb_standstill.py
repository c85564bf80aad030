"""The standstill counts from the sending of the procurement decision letters (DOMAIN §4: a
decision sent by e-mail is delivered when it is sent): no contract while a bidder's letter has
not left, and the days the pages and the API show are the days the contract step keeps to."""
from __future__ import annotations

import datetime as dt

import pytest

from workflow.engine import fire
from workflow.errors import WorkflowError
from workflow.evaluation import decisions
from workflow.scheduler.preferences import update_preferences

from support import helsinki
from support.web import body, cell


def refusal_to_sign(session, call, admin) -> WorkflowError:
    with pytest.raises(WorkflowError) as refused:
        fire(session, call, "sign_contract", admin)
    return refused.value


def test_no_contract_while_the_letters_wait_and_the_standstill_counts_from_their_sending(
        session, clock, admin, decided_procurement, run_sweep, outbox, login, api_get):
    """The decision is delivered on Fri 7.6.2024 but its letters have not left by Tue 25.6,
    when a standstill counted from the delivery step would be over (last day Mon 24.6): is the
    contract refused, naming the four bidders waiting, also among the administrator's blocked
    steps; and once the letters leave on 25.6, does the standstill end on Tue 9.7 — on the
    evaluation pages, in the API and in the contract step alike?"""
    call, tenders, _ = decided_procurement()
    fire(session, call, "deliver_decision", admin)          # Fri 7.6.2024 10.00
    assert call.standstill_last_day == dt.date(2024, 6, 24)  # counted from the step so far

    clock.set(helsinki(2024, 6, 25, 9, 0))
    refused = refusal_to_sign(session, call, admin)
    assert (refused.code, refused.http_status) == ("decision_not_delivered", 409)
    assert refused.params == {"count": 4}
    assert "Bidders whose decision letter has not been sent yet: 4." in refused.message("en")
    assert "4" in refused.message("fi") and "4" in refused.message("sv")
    assert decisions.standstill(session, call).unsent == 4
    client = login(admin)
    admin_page = body(client.get(f"/admin/calls/{call.id}"))
    assert refused.message(admin.locale) in admin_page
    overview = body(client.get(f"/evaluation/calls/{call.id}"))
    assert refused.message(admin.locale) in cell(overview, "standstill-unsent")

    run_sweep()                                              # they leave on Tue 25.6 9.00
    assert {(r.status, r.sent_at) for r in outbox(kind="procurement_decision")} == {
        ("sent", helsinki(2024, 6, 25, 9, 0))}
    period = decisions.standstill(session, call)
    assert (period.unsent, period.last_day, period.contract_from) == (
        0, dt.date(2024, 7, 9), dt.date(2024, 7, 10))
    assert call.standstill_last_day == dt.date(2024, 7, 9)
    api = api_get(f"/calls/{call.id}", admin).get_json()
    assert api["standstill_last_day"] == "2024-07-09"
    assert api["decision_delivered_at"] == "2024-06-07T10:00:00+03:00"  # the step, as it was
    for page in (f"/evaluation/calls/{call.id}", f"/evaluation/calls/{call.id}/ranking"):
        shown = body(client.get(page))
        assert cell(shown, "standstill-last-day") == "9.7.2024"
        assert cell(shown, "contract-from") == "10.7.2024"

    clock.set(helsinki(2024, 7, 9, 23, 59))
    refused = refusal_to_sign(session, call, admin)
    assert (refused.code, refused.params) == ("standstill_not_over", {"day": dt.date(2024, 7, 9)})
    clock.set(helsinki(2024, 7, 10, 0, 0))
    fire(session, call, "sign_contract", admin)
    assert call.state == "contracted"


def test_a_letter_that_failed_for_good_keeps_the_contract_waiting(
        session, clock, admin, decided_procurement, run_sweep, smtp_server, outbox):
    """When the mail server refuses one bidder's decision letter for good (5xx, three
    attempts), is the contract still refused after the standstill counted from the others,
    naming the one bidder?"""
    update_preferences(session, admin, digest=False)
    call, tenders, _ = decided_procurement()
    run_sweep()  # the tenders' receipts: then the decision letters are the only mail
    fire(session, call, "deliver_decision", admin)
    start = clock.now()
    for minutes in (0, 1, 3):  # the first letter's attempts, with their backoff
        smtp_server.handler.refuse.append("550 5.1.1 No such user")
        clock.set(start + dt.timedelta(minutes=minutes))
        run_sweep()
    statuses = sorted(r.status for r in outbox(kind="procurement_decision"))
    assert statuses == ["failed", "sent", "sent", "sent"]

    clock.set(helsinki(2024, 6, 25, 9, 0))
    refused = refusal_to_sign(session, call, admin)
    assert (refused.code, refused.params) == ("decision_not_delivered", {"count": 1})
    assert call.state == "standstill" and call.contract_signed_at is None
