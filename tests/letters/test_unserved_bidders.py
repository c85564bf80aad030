"""The standstill has not started for a bidder none of whose decision letters has left: the
contract waits for it, also when its letter was skipped (the recipient left the organisation)
or never written (the organisation had nobody to write to)."""
from __future__ import annotations

import pytest

from workflow.engine import fire
from workflow.errors import WorkflowError

from support import helsinki


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
