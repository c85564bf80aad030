"""Refusals with their codes: the deadline at 16.15 Helsinki time on both sides of the clock
changes, missing content, a stale version, the standstill, missing comments and inputs."""
from __future__ import annotations

import datetime as dt

import pytest
from engine_walk import ESR_CONTENT, ESR_DEADLINE, helsinki

from workflow.engine import fire, history
from workflow.errors import WorkflowError
from workflow.pilots.reports import update_esr_final_report
from workflow.submissions import create_draft, update_content
from workflow.timeutil import parse_instant

from support.mail import send_mail

UTC = dt.timezone.utc
MICROSECOND = dt.timedelta(microseconds=1)

# (deadline as entered, the same instant in UTC computed by hand, what people are shown)
DEADLINES = [
    # The ESR call of DOMAIN §1: summer time, UTC+3.
    ("2024-06-03T16:15", dt.datetime(2024, 6, 3, 13, 15, tzinfo=UTC), "3.6.2024 klo 16.15"),
    # Spring 2025: clocks go forward on Sunday 30.3.2025 at 03.00.
    ("2025-03-28T16:15", dt.datetime(2025, 3, 28, 14, 15, tzinfo=UTC), "28.3.2025 klo 16.15"),
    ("2025-03-31T16:15", dt.datetime(2025, 3, 31, 13, 15, tzinfo=UTC), "31.3.2025 klo 16.15"),
    # Autumn 2024: clocks go back on Sunday 27.10.2024 at 04.00.
    ("2024-10-25T16:15", dt.datetime(2024, 10, 25, 13, 15, tzinfo=UTC), "25.10.2024 klo 16.15"),
    ("2024-10-28T16:15", dt.datetime(2024, 10, 28, 14, 15, tzinfo=UTC), "28.10.2024 klo 16.15"),
]


def _open_call(clock, make_call, kind: str, deadline: dt.datetime):
    clock.set(deadline - dt.timedelta(days=1))
    return make_call(kind, state="open" if kind == "esr" else "tendering",
                     opens_at=deadline - dt.timedelta(days=30), deadline=deadline)


@pytest.mark.parametrize("kind", ["esr", "jotpa"])
@pytest.mark.parametrize(("entered", "utc", "shown"), DEADLINES, ids=[d[0] for d in DEADLINES])
def test_a_submission_counts_only_strictly_before_16_15(session, clock, make_call,
                                                         make_submission, kind, entered, utc,
                                                         shown):
    """Is an application or tender received one microsecond before 16.15 Helsinki time
    accepted, and one received at 16.15.00.000000 refused with deadline_passed, in summer
    and winter time alike?"""
    deadline = parse_instant(entered)
    assert deadline == utc
    call = _open_call(clock, make_call, kind, deadline)
    in_time, too_late = make_submission(call), make_submission(call)
    early, late = in_time.created_by, too_late.created_by

    clock.set(deadline - MICROSECOND)
    fire(session, in_time, "submit", early)
    assert in_time.state == "submitted" and in_time.submitted_at == deadline - MICROSECOND

    clock.set(deadline)
    with pytest.raises(WorkflowError) as err:
        fire(session, too_late, "submit", late)
    assert err.value.code == "deadline_passed" and err.value.http_status == 409
    assert err.value.params == {"deadline": deadline}
    assert err.value.message("fi") == f"Määräaika päättyi {shown} (Suomen aikaa)."
    assert too_late.state == "draft" and too_late.submitted_at is None
    # Nor can the one in time be replaced or withdrawn any more.
    for trigger in ("submit", "withdraw"):
        with pytest.raises(WorkflowError) as err:
            fire(session, in_time, trigger, early)
        assert err.value.code == "deadline_passed"


def test_editing_stops_at_the_deadline(session, clock, make_call, make_submission):
    """Can the working copy be edited until 16.14.59.999999 but not at 16.15?"""
    call = make_call("esr", state="open")
    submission = make_submission(call)
    clock.set(ESR_DEADLINE - MICROSECOND)
    update_content(session, submission.created_by, submission, {**ESR_CONTENT, "summary": "Uusi"})
    clock.set(ESR_DEADLINE)
    with pytest.raises(WorkflowError) as err:
        update_content(session, submission.created_by, submission, dict(ESR_CONTENT))
    assert err.value.code == "deadline_passed"


def test_a_call_not_yet_open_refuses_submissions(session, clock, make_call, make_user):
    """Is a submission to a published call refused with not_open before its opening?"""
    clock.set(helsinki(2024, 3, 1, 9, 0))
    call = make_call("esr", state="published")
    applicant = make_user("applicant")
    clock.set(call.opens_at - MICROSECOND)
    with pytest.raises(WorkflowError) as err:
        create_draft(session, applicant, call, dict(ESR_CONTENT))
    assert err.value.code == "not_open"


def test_missing_content_is_named(session, clock, make_call, make_submission):
    """Is an application with empty required fields refused with content_missing, and do the
    details and the message name exactly those fields?"""
    call = make_call("esr", state="open")
    submission = make_submission(call, content={"title": "Vain nimi", "objectives": "  "})
    with pytest.raises(WorkflowError) as err:
        fire(session, submission, "submit", submission.created_by)
    assert err.value.code == "content_missing" and err.value.http_status == 422
    assert err.value.details == {"summary": "required", "objectives": "required",
                                 "budget_total": "required"}
    assert "summary, objectives, budget_total" in err.value.message("fi")
    assert submission.state == "draft"


def test_final_report_needs_content(session, walkers):
    """Is a final report without its results and indicators refused with content_missing
    naming what is missing?"""
    submission = walkers["esr-application"].reach("in_implementation")
    update_esr_final_report(session, submission.created_by, submission,
                            {"summary": "Hanke eteni suunnitellusti.", "results": "   "})
    with pytest.raises(WorkflowError) as err:
        fire(session, submission, "submit_final_report", submission.created_by)
    assert err.value.code == "content_missing"
    assert {"results", "indicators.participants"} <= set(err.value.details)
    assert "summary" not in err.value.details
    assert submission.state == "in_implementation"


def test_a_stale_version_is_a_conflict(session, walkers):
    """Is a step fired with the version the actor saw before someone else's change refused
    with conflict, and accepted with the current version?"""
    walk = walkers["esr-application"]
    submission = walk.reach("eligibility_check")
    seen = submission.version
    fire(session, submission, "return_for_completion", walk.admin, comment="Liite puuttuu.",
         version=seen, data={"due_at": "2024-06-20T16:15"})
    assert submission.version == seen + 1
    with pytest.raises(WorkflowError) as err:
        fire(session, submission, "complete", submission.created_by, comment="Liite lisätty.",
             version=seen)
    assert err.value.code == "conflict" and err.value.http_status == 409
    assert submission.state == "returned_for_completion"
    fire(session, submission, "complete", submission.created_by, comment="Liite lisätty.",
         version=seen + 1)
    assert submission.state == "eligibility_check"


def test_contract_waits_for_the_standstill_past_midsummer(session, clock, walkers):
    """DOMAIN §4: a decision delivered on Fri 7.6.2024 ends the standstill on Mon 24.6.2024
    (day 14 is Midsummer Eve); is the contract refused on 24.6. at 23.59 Helsinki time and
    allowed from 25.6.?"""
    walk = walkers["jotpa-procurement"]
    procurement = walk.reach("decided")
    clock.set(helsinki(2024, 6, 7, 10, 0))
    entry = fire(session, procurement, "deliver_decision", walk.admin)
    send_mail(session)  # the letters leave at once
    assert procurement.decision_delivered_at == helsinki(2024, 6, 7, 10, 0)
    assert procurement.standstill_last_day == dt.date(2024, 6, 24)
    assert entry.data == {"standstill_last_day": "2024-06-24"}

    for day, hour, minute in [(10, 9, 0), (21, 12, 0), (24, 23, 59)]:
        clock.set(helsinki(2024, 6, day, hour, minute))
        with pytest.raises(WorkflowError) as err:
            fire(session, procurement, "sign_contract", walk.admin)
        assert err.value.code == "standstill_not_over" and err.value.http_status == 409
        assert err.value.params == {"day": dt.date(2024, 6, 24)}
        assert "24.6.2024" in err.value.message("fi")
    assert procurement.state == "standstill" and procurement.contract_signed_at is None

    clock.set(helsinki(2024, 6, 25, 0, 0))
    fire(session, procurement, "sign_contract", walk.admin)
    assert procurement.state == "contracted"
    assert procurement.contract_signed_at == helsinki(2024, 6, 25, 0, 0)


def test_a_decision_e_mailed_late_in_the_evening_counts_from_its_helsinki_date(session, clock,
                                                                               walkers):
    """Is the delivery day the Helsinki date of the sending (7.6. at 00.30 is 6.6. in UTC)?"""
    walk = walkers["jotpa-procurement"]
    procurement = walk.reach("decided")
    clock.set(helsinki(2024, 6, 7, 0, 30))
    fire(session, procurement, "deliver_decision", None)
    assert procurement.standstill_last_day == dt.date(2024, 6, 24)


@pytest.mark.parametrize(("state", "trigger", "actor"), [
    ("published", "unpublish", "admin"),
    ("eligibility_check", "return_for_completion", "admin"),
    ("returned_for_completion", "complete", "owner"),
    ("eligibility_check", "mark_ineligible", "admin"),
    ("evaluated", "reject", "admin"),
    ("final_report_submitted", "return_final_report", "admin"),
    ("opened", "exclude", "admin"),
    ("tendering", "cancel", "admin"),
])
def test_reasons_are_required(session, walkers, state, trigger, actor):
    """Is a step that needs a reason refused with comment_required when the comment is empty
    or blank?"""
    name = {"published": "esr-call", "tendering": "jotpa-procurement",
            "opened": "jotpa-tender"}.get(state, "esr-application")
    walk = walkers[name]
    obj = walk.reach(state)
    if trigger == "exclude":
        walk.prepare(obj, trigger)
    step = walk.step(obj, trigger)
    assert step.needs_comment
    for comment in ("", "   \n"):
        with pytest.raises(WorkflowError) as err:
            fire(session, obj, trigger, walk.actor(obj, actor), comment=comment,
                 data=walk.inputs(step))
        assert err.value.code == "comment_required" and err.value.details == {"comment": "required"}
    assert obj.state == state
    entry = fire(session, obj, trigger, walk.actor(obj, actor), comment="  Perustelu.  ",
                 data=walk.inputs(step))
    assert entry.comment == "Perustelu."


@pytest.mark.parametrize(("amount", "granted"), [
    ("120000", "120000.00"), ("1 250,50", "1250.50"), (99.999, "100.00"), ("0.01", "0.01")])
def test_approval_records_the_granted_amount(session, walkers, amount, granted):
    """Is the granted amount of an approval parsed (Finnish decimal comma too), stored and
    audited?"""
    walk = walkers["esr-application"]
    submission = walk.reach("evaluated")
    entry = fire(session, submission, "approve", walk.admin, data={"granted_amount": amount})
    assert str(submission.granted_amount) == granted
    assert entry.data == {"granted_amount": granted}


@pytest.mark.parametrize("amount", [None, "", "  ", "0", "-5000", "-0.01", "abc", "NaN",
                                    "Infinity", "1e12", True, [1]])
def test_approval_needs_a_positive_amount(session, walkers, amount):
    """Is an approval without a granted amount, or with a zero, negative or nonsensical one,
    refused with invalid_input naming the field?"""
    walk = walkers["esr-application"]
    submission = walk.reach("evaluated")
    data = {} if amount is None else {"granted_amount": amount}
    with pytest.raises(WorkflowError) as err:
        fire(session, submission, "approve", walk.admin, data=data)
    assert err.value.code == "invalid_input" and err.value.http_status == 422
    assert set(err.value.details) == {"granted_amount"}
    assert "granted_amount" in err.value.message("en")
    assert submission.state == "evaluated" and submission.granted_amount is None


@pytest.mark.parametrize("due_at", [None, "tomorrow", "2024-06-01T12:00", "2024-06-03T16:15+03:00"])
def test_a_completion_request_needs_a_future_due_date(session, clock, walkers, due_at):
    """Is a completion request without a due date, or with one not in the future, refused with
    invalid_input?"""
    walk = walkers["esr-application"]
    submission = walk.reach("eligibility_check")
    assert clock.now() == ESR_DEADLINE
    with pytest.raises(WorkflowError) as err:
        fire(session, submission, "return_for_completion", walk.admin, comment="Täydennä.",
             data={} if due_at is None else {"due_at": due_at})
    assert err.value.code == "invalid_input" and set(err.value.details) == {"due_at"}


def test_a_completion_after_its_due_date_is_refused(session, clock, walkers):
    """Does the applicant's answer to a completion request count only strictly before its due
    date, and does the content submitted before the deadline stay on record?"""
    walk = walkers["esr-application"]
    submission = walk.reach("eligibility_check")
    fire(session, submission, "return_for_completion", walk.admin, comment="Budjetti puuttuu.",
         data={"due_at": "2024-06-20T16:15"})
    assert submission.completion_due_at == helsinki(2024, 6, 20, 16, 15)
    clock.set(helsinki(2024, 6, 20, 16, 15))
    with pytest.raises(WorkflowError) as err:
        fire(session, submission, "complete", submission.created_by, comment="Tässä.")
    assert err.value.code == "deadline_passed"
    assert "20.6.2024 klo 16.15" in err.value.message("fi")
    clock.set(helsinki(2024, 6, 20, 16, 15) - MICROSECOND)
    fire(session, submission, "complete", submission.created_by, comment="Tässä.")
    assert submission.state == "eligibility_check" and submission.completion_due_at is None
    assert [e.trigger for e in history(session, submission)].count("submit") == 1


def test_an_unknown_trigger_is_an_invalid_transition(session, walkers):
    """Is a trigger no workflow knows refused with invalid_transition, naming it and the
    state in the reader's language?"""
    walk = walkers["esr-application"]
    submission = walk.reach("draft")
    with pytest.raises(WorkflowError) as err:
        fire(session, submission, "approve_everything", walk.admin)
    assert err.value.code == "invalid_transition"
    assert err.value.params == {"trigger": "approve_everything", "state": "Draft"}
    assert "Luonnos" in err.value.message("fi")


def test_an_inactive_applicant_cannot_submit(session, make_call, make_submission):
    """Is a deactivated applicant refused with not_allowed on their own organisation's draft?"""
    call = make_call("esr", state="open")
    submission = make_submission(call)
    submission.created_by.is_active = False
    with pytest.raises(WorkflowError) as err:
        fire(session, submission, "submit", submission.created_by)
    assert err.value.code == "not_allowed" and err.value.http_status == 403


def test_a_colleague_may_submit_but_another_organisation_may_not(session, make_call, make_user,
                                                                 make_submission):
    """May any applicant of the submission's organisation submit it, and is an applicant of
    another organisation (or an admin who is not an applicant) refused with not_allowed?"""
    call = make_call("esr", state="open")
    submission = make_submission(call)
    colleague = make_user("applicant", organisation=submission.organisation)
    for outsider in (make_user("applicant"), make_user("admin"), make_user("evaluator")):
        with pytest.raises(WorkflowError) as err:
            fire(session, submission, "submit", outsider)
        assert err.value.code == "not_allowed"
    entry = fire(session, submission, "submit", colleague)
    assert entry.actor_id == colleague.id
    assert [e.trigger for e in history(session, submission)] == ["create", "submit"]
