"""Sealed tenders and the time-driven transitions: calls open at `opens_at` and close at the
deadline by themselves, tenders stay sealed to everyone but their own organisation until the
procurement opens them at the deadline, and the sweep is idempotent."""
from __future__ import annotations

import datetime as dt

import pytest
from engine_walk import (
    ESR_DEADLINE,
    ESR_OPENS,
    JOTPA_CONTENT,
    JOTPA_DEADLINE,
    JOTPA_OPENS,
    helsinki,
)

from workflow.assignments import assign_evaluator, declare_conflict
from workflow.engine import available_steps, fire, history
from workflow.errors import WorkflowError
from workflow.permissions import can_read_content, can_view_submission
from workflow.timed import run_due_transitions

MICROSECOND = dt.timedelta(microseconds=1)


def _mine(entries, *objects) -> list[tuple[str, int, str, str, str]]:
    """The fired entries that concern these objects (others' data may be due too)."""
    keys = {(o.object_type, o.id) for o in objects}
    return [(e.object_type, e.object_id, e.trigger, e.from_state, e.to_state)
            for e in entries if (e.object_type, e.object_id) in keys]


# Time-driven transitions ------------------------------------------------------------------

def test_an_esr_call_opens_and_closes_by_itself(session, clock, make_call):
    """Does a published call open exactly at opens_at and close exactly at the deadline,
    without anyone clicking, with the clock (no actor) in the audit, once only?"""
    clock.set(helsinki(2024, 3, 1, 9, 0))
    call = make_call("esr", state="published")
    draft_call = make_call("esr", state="draft")

    clock.set(ESR_OPENS - MICROSECOND)
    assert _mine(run_due_transitions(session), call) == []
    assert call.state == "published"

    clock.set(ESR_OPENS)
    assert _mine(run_due_transitions(session), call, draft_call) == [
        ("call", call.id, "open", "published", "open")]
    assert _mine(run_due_transitions(session), call) == []  # idempotent

    clock.set(ESR_DEADLINE - MICROSECOND)
    assert _mine(run_due_transitions(session), call) == []
    clock.set(ESR_DEADLINE)
    assert _mine(run_due_transitions(session), call) == [
        ("call", call.id, "close", "open", "closed")]
    assert _mine(run_due_transitions(session), call) == []

    rows = [e for e in history(session, call) if e.trigger in ("open", "close")]
    assert [(e.actor_id, e.at) for e in rows] == [(None, ESR_OPENS), (None, ESR_DEADLINE)]
    assert draft_call.state == "draft"  # an unpublished call never opens


def test_a_call_missed_while_down_opens_and_closes_in_one_sweep(session, clock, make_call):
    """If the scheduler was down over both instants, does one sweep open and then close?"""
    clock.set(helsinki(2024, 3, 1, 9, 0))
    call = make_call("esr", state="published")
    clock.set(ESR_DEADLINE + dt.timedelta(days=2))
    assert _mine(run_due_transitions(session), call) == [
        ("call", call.id, "open", "published", "open"),
        ("call", call.id, "close", "open", "closed")]
    assert _mine(run_due_transitions(session), call) == []


def test_opening_before_time_is_too_early(session, clock, make_call, admin):
    """Can neither an administrator nor the clock open a call before opens_at (too_early)?"""
    clock.set(helsinki(2024, 3, 1, 9, 0))
    call = make_call("esr", state="published")
    for actor in (admin, None):
        assert "open" not in [s.trigger for s in available_steps(actor, call, session)]
        with pytest.raises(WorkflowError) as err:
            fire(session, call, "open", actor)
        assert err.value.code == "too_early" and "11.3.2024 klo 9.00" in err.value.message("fi")


def _procurement_with_tenders(session, clock, make_call, make_submission):
    clock.set(helsinki(2024, 5, 1, 9, 0))
    procurement = make_call("jotpa", state="published", opens_at=JOTPA_OPENS,
                            deadline=JOTPA_DEADLINE)
    clock.set(JOTPA_OPENS)
    fired = run_due_transitions(session)
    assert _mine(fired, procurement) == [
        ("call", procurement.id, "start_tendering", "published", "tendering")]
    clock.set(helsinki(2024, 6, 1, 12, 0))
    tenders = [make_submission(procurement, content={**JOTPA_CONTENT, "price": str(40000 + i)},
                               submit=i < 2) for i in range(3)]
    return procurement, [t.created_by for t in tenders], tenders


def test_tenders_are_sealed_until_opened_at_the_deadline(session, clock, make_call, make_user,
                                                         make_submission, admin):
    """Before the opening may only the bidder's own organisation read a tender (administrators
    and evaluators included refused); does the clock open the tenders exactly at the deadline,
    each with an audit row carrying its hash, after which administrators can read them?"""
    procurement, bidders, (first, second, unsent) = _procurement_with_tenders(
        session, clock, make_call, make_submission)
    colleague = make_user("applicant", organisation=first.organisation)
    both_roles = make_user("admin", "evaluator")
    outsiders = [admin, both_roles, make_user("evaluator"), bidders[1], make_user("applicant")]

    clock.set(JOTPA_DEADLINE - MICROSECOND)
    assert _mine(run_due_transitions(session), procurement, first, second) == []
    assert procurement.tenders_opened_at is None
    assert can_read_content(bidders[0], first) and can_read_content(colleague, first)
    assert [can_read_content(u, first) for u in outsiders] == [False] * len(outsiders)
    assert can_view_submission(admin, first)  # it exists and has a state, content sealed
    with pytest.raises(WorkflowError) as err:  # nobody can assess a sealed tender
        assign_evaluator(session, admin, first, make_user("evaluator"))
    assert err.value.code == "invalid_transition"

    clock.set(JOTPA_DEADLINE)
    fired = run_due_transitions(session)
    assert _mine(fired, procurement) == [
        ("call", procurement.id, "open_tenders", "tendering", "opened")]
    assert _mine(run_due_transitions(session), procurement, first, second) == []

    assert procurement.state == "opened" and procurement.tenders_opened_at == JOTPA_DEADLINE
    assert (first.state, second.state, unsent.state) == ("opened", "opened", "draft")
    for tender in (first, second):
        opening = history(session, tender)[-1]
        assert (opening.trigger, opening.actor_id, opening.at) == ("open", None, JOTPA_DEADLINE)
        assert opening.content_sha256 == tender.content_sha256 is not None
    assert first.content_sha256 != second.content_sha256
    assert can_read_content(admin, first) and can_read_content(both_roles, second)
    assert not can_read_content(bidders[1], first)  # a rival bidder never reads it
    assert not can_read_content(make_user("evaluator"), first)  # not assigned

    evaluator = make_user("evaluator")
    fire(session, procurement, "start_qualification", admin)
    assignment = assign_evaluator(session, admin, first, evaluator)
    assert not can_read_content(evaluator, first)  # has not declared yet
    declare_conflict(session, evaluator, assignment, conflicted=False)
    assert can_read_content(evaluator, first)


def test_an_administrator_cannot_open_tenders_early(session, clock, make_call, make_submission,
                                                   admin):
    """Is an administrator's early opening refused (too_early), keeping the tenders sealed?"""
    procurement, _bidders, (first, _second, _unsent) = _procurement_with_tenders(
        session, clock, make_call, make_submission)
    clock.set(JOTPA_DEADLINE - MICROSECOND)
    with pytest.raises(WorkflowError) as err:
        fire(session, procurement, "open_tenders", admin)
    assert err.value.code == "too_early"
    with pytest.raises(WorkflowError) as err:  # nor tender by tender
        fire(session, first, "open", admin)
    assert err.value.code == "invalid_transition"
    assert first.state == "submitted" and not can_read_content(admin, first)


def test_an_administrator_opening_is_recorded_with_who_opened(session, clock, make_call,
                                                             make_submission, admin):
    """When an administrator opens the tenders after the deadline, does every opening row
    name them and carry the tender's hash?"""
    procurement, _bidders, (first, second, _unsent) = _procurement_with_tenders(
        session, clock, make_call, make_submission)
    clock.set(JOTPA_DEADLINE + dt.timedelta(minutes=5))
    fire(session, procurement, "open_tenders", admin)
    for tender in (first, second):
        opening = history(session, tender)[-1]
        assert (opening.trigger, opening.actor_id) == ("open", admin.id)
        assert opening.content_sha256 == tender.content_sha256


def test_a_withdrawn_tender_is_not_opened(session, clock, make_call, make_submission):
    """Does a tender withdrawn before the deadline stay out of the opening?"""
    procurement, bidders, (first, second, _unsent) = _procurement_with_tenders(
        session, clock, make_call, make_submission)
    fire(session, second, "withdraw", bidders[1])
    clock.set(JOTPA_DEADLINE)
    run_due_transitions(session)
    assert (first.state, second.state) == ("opened", "withdrawn")


def test_a_cancelled_procurement_is_never_opened(session, clock, make_call, make_submission,
                                                admin):
    """Does the clock leave a procurement cancelled before its deadline alone?"""
    procurement, _bidders, (first, _second, _unsent) = _procurement_with_tenders(
        session, clock, make_call, make_submission)
    fire(session, procurement, "cancel", admin, comment="Määrärahat peruttu.")
    clock.set(JOTPA_DEADLINE + dt.timedelta(days=1))
    assert _mine(run_due_transitions(session), procurement, first) == []
    assert procurement.state == "cancelled" and first.state == "submitted"
