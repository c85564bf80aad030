"""The other reminders of DOMAIN §6 — completion and review due dates, the standstill's end and
the contract signature, the administrators' daily digest — and the services the web pages use:
in-app notifications and preferences."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from models import Call
from support import helsinki
from workflow.assignments import assign_evaluator, declare_conflict
from workflow.engine import fire
from workflow.errors import WorkflowError
from workflow.scheduler.notifications import list_notifications, mark_read, unread_count
from workflow.scheduler.preferences import get_preferences, update_preferences


@pytest.fixture
def returned(session, clock, admin, make_call, make_user, make_submission):
    """An application returned for completion, due 14.6.2024 16.15; the admin's digest off."""
    update_preferences(session, admin, digest=False)
    clock.set(helsinki(2024, 5, 1, 9, 0))
    call = make_call("esr", state="open")
    applicant = make_user("applicant", locale="fi")
    submission = make_submission(call, applicant, submit=True)
    clock.set(helsinki(2024, 6, 4, 9, 0))
    fire(session, call, "close", None)
    fire(session, submission, "start_eligibility_check", admin)
    fire(session, submission, "return_for_completion", admin, comment="Liite puuttuu",
         data={"due_at": helsinki(2024, 6, 14, 16, 15).isoformat()})
    return submission, applicant


def test_completion_reminders_7d_1d_and_overdue(session, clock, returned, run_sweep, reminders_to):
    """Is an applicant asked for a completion reminded 7 d and 1 d before it is due, and told
    once when it is overdue?"""
    submission, applicant = returned
    for t in (helsinki(2024, 6, 7, 16, 14), helsinki(2024, 6, 7, 16, 15), helsinki(2024, 6, 10, 9, 0),
              helsinki(2024, 6, 13, 16, 15), helsinki(2024, 6, 14, 16, 15), helsinki(2024, 6, 15, 9, 0)):
        clock.set(t)
        run_sweep()
    subjects = [r.subject for r in reminders_to(applicant.email)]
    assert len(subjects) == 3
    assert "perjantaina 14.6.2024 klo 16.15" in subjects[0]
    assert "huomenna klo 16.15" in subjects[1]
    assert "myöhässä" in subjects[2]
    assert f"/submissions/{submission.id}" in reminders_to(applicant.email)[2].text()


def test_answering_the_completion_stops_its_reminders(session, clock, returned, run_sweep,
                                                      reminders_to, outbox):
    """Once the applicant has sent the completion, do the remaining reminders stop?"""
    submission, applicant = returned
    clock.set(helsinki(2024, 6, 7, 16, 15))
    run_sweep()
    fire(session, submission, "complete", applicant, comment="Liite lisätty")
    for t in (helsinki(2024, 6, 13, 16, 15), helsinki(2024, 6, 14, 16, 15)):
        clock.set(t)
        run_sweep()
    assert len(reminders_to(applicant.email)) == 1
    assert [r.offset_name for r in outbox(recipient=applicant, kind="completion_due")] == ["7d"]


def test_evaluators_are_reminded_of_unfinished_reviews(session, clock, admin, returned, make_user,
                                                       run_sweep, smtp_server):
    """Is an evaluator with an unfinished review reminded before it is due — and is one who
    declared a conflict, or finished, left alone?"""
    submission, _ = returned
    busy, conflicted, done = (make_user("evaluator", locale="en") for _ in range(3))
    due = helsinki(2024, 6, 28, 16, 0)
    assignments = {e.id: assign_evaluator(session, admin, submission, e, due_at=due)
                   for e in (busy, conflicted, done)}
    declare_conflict(session, conflicted, assignments[conflicted.id], conflicted=True,
                     reason="Entinen työnantaja")
    declare_conflict(session, done, assignments[done.id], conflicted=False)
    # Submitting a review needs its scores (workflow.evaluation); here only the fact counts.
    assignments[done.id].completed_at = clock.now()
    session.flush()
    for t in (helsinki(2024, 6, 21, 16, 0), helsinki(2024, 6, 27, 16, 0), helsinki(2024, 6, 28, 16, 0)):
        clock.set(t)
        run_sweep()
    subjects = [r.subject for r in smtp_server.to(busy.email)]
    assert len(subjects) == 3
    assert "tomorrow at 16.00" in subjects[1] and "overdue" in subjects[2]
    assert f"application no. {submission.id}" in subjects[0]
    assert smtp_server.to(conflicted.email) == smtp_server.to(done.email) == []


def test_administrators_learn_when_the_contract_can_be_signed(session, clock, admin, make_call,
                                                             run_sweep, smtp_server):
    """When a procurement's standstill period ends (decision delivered Fri 7.6.2024, last day
    Mon 24.6.2024 because of Midsummer), are the administrators told at the start of 25.6.
    that the contract can be signed — and reminded a week later if it still is not?"""
    update_preferences(session, admin, digest=False)
    clock.set(helsinki(2024, 5, 1, 9, 0))
    call = make_call("jotpa", state="published", opens_at=helsinki(2024, 5, 6, 9, 0))
    # The whole tender process is not this test's subject: put the procurement in standstill
    # as deliver_decision leaves it.
    delivered = helsinki(2024, 6, 7, 10, 0)
    session.execute(sa.update(Call).where(Call.id == call.id).values(
        state="standstill", decision_delivered_at=delivered,
        standstill_last_day=dt.date(2024, 6, 24)))
    session.expire(call)
    for t in (helsinki(2024, 6, 24, 23, 59), helsinki(2024, 6, 25, 0, 0), helsinki(2024, 6, 26, 9, 0),
              helsinki(2024, 7, 2, 0, 0)):
        clock.set(t)
        run_sweep()
    mails = smtp_server.to(admin.email)
    assert [m.at for m in mails] == [helsinki(2024, 6, 25, 0, 0), helsinki(2024, 7, 2, 0, 0)]
    assert "odotusaika on päättynyt" in mails[0].subject
    assert "tiistaina 25.6.2024" in mails[0].text()
    assert "maanantaina 24.6.2024" in mails[0].text()
    assert "ei ole allekirjoitettu" in mails[1].subject


def test_administrators_get_one_digest_a_day(session, clock, admin, make_call, make_user,
                                            make_submission, run_sweep, smtp_server):
    """Does each administrator get one digest a day at 7.00, telling what closes in the next
    14 days — and none once they switch it off?"""
    other_admin = make_user("admin", locale="sv")
    clock.set(helsinki(2024, 5, 1, 9, 0))
    call = make_call("esr", state="open")
    make_submission(call, make_user("applicant"))
    for t in (helsinki(2024, 6, 2, 6, 59), helsinki(2024, 6, 2, 7, 0), helsinki(2024, 6, 2, 12, 0)):
        clock.set(t)
        run_sweep()
    (digest,) = smtp_server.to(admin.email)
    assert digest.at == helsinki(2024, 6, 2, 7, 0)
    assert "kooste 2.6.2024" in digest.subject
    assert "”esr call” päättyy huomenna klo 16.15 (luonnoksia: 1, lähetetty: 0)" in digest.text()
    assert "i morgon kl. 16.15" in smtp_server.to(other_admin.email)[0].text()

    update_preferences(session, other_admin, digest=False)
    clock.set(helsinki(2024, 6, 3, 7, 0))
    run_sweep()
    assert len(smtp_server.to(admin.email)) == 2
    assert len(smtp_server.to(other_admin.email)) == 1
    assert "tänään klo 16.15" in smtp_server.to(admin.email)[1].text()


def test_users_see_what_was_sent_to_them(session, clock, make_call, make_user, make_submission,
                                         run_sweep):
    """Can a user list the messages sent to them (newest first), see how many are unread, and
    mark them read?"""
    clock.set(helsinki(2024, 5, 1, 9, 0))
    call = make_call("esr", state="open")
    applicant = make_user("applicant", locale="sv")
    make_submission(call, applicant)
    for t in (helsinki(2024, 5, 20, 16, 15), helsinki(2024, 5, 27, 16, 15)):
        clock.set(t)
        run_sweep()
    shown = list_notifications(session, applicant)
    assert [n.offset_name for n in shown] == ["7d", "14d"]
    assert shown[0].sent_at == helsinki(2024, 5, 27, 16, 15)
    assert shown[0].subject.startswith("Påminnelse:") and shown[0].link.endswith(
        f"/submissions/{shown[0].object_id}")
    assert unread_count(session, applicant) == 2
    assert mark_read(session, applicant, [shown[1].id]) == 1
    assert unread_count(session, applicant) == 1
    assert mark_read(session, applicant) == 1
    assert unread_count(session, applicant) == 0
    assert list_notifications(session, make_user("applicant")) == []


def test_preferences_are_kept_and_checked(session, make_user):
    """Can a user choose their language, the digest and optional reminders, and is a wrong
    value refused clearly?"""
    user = make_user("admin")
    assert get_preferences(session, user) == get_preferences(session, user).__class__("fi", True, True)
    prefs = update_preferences(session, user, language="sv", digest=False, optional_reminders=False)
    assert (prefs.language, prefs.digest, prefs.optional_reminders) == ("sv", False, False)
    assert update_preferences(session, user, digest=True).digest is True
    with pytest.raises(WorkflowError) as refused:
        update_preferences(session, user, language="de")
    assert refused.value.code == "invalid_input" and "language" in refused.value.details
    with pytest.raises(WorkflowError):
        update_preferences(session, user, digest="yes")  # type: ignore[arg-type]


def test_reports_and_pilot_milestones_are_reminded(session, clock, admin, make_call, make_user,
                                                   make_submission, run_sweep, reminders_to):
    """Is a project reminded of a progress report 7 d and 1 d before it is due and told when it
    is overdue, and a supplier of a pilot milestone — and does submitting the report stop it?"""
    from models import MicroCredentialDescription, Milestone, Pilot, Report

    update_preferences(session, admin, digest=False)
    clock.set(helsinki(2024, 5, 1, 9, 0))
    esr = make_call("esr", state="open")
    applicant = make_user("applicant", locale="en")
    project = make_submission(esr, applicant, submit=True)
    jotpa = make_call("jotpa", state="tendering")
    supplier = make_user("applicant", locale="fi")
    tender = make_submission(jotpa, supplier)
    # The approval, contract and pilot set-up are other modules' stories: arrange their result.
    due = helsinki(2024, 9, 30, 16, 15)
    now = clock.now()
    report = Report(kind="esr", report_type="progress", submission=project, sequence=1,
                    state="draft", due_at=due, data={}, created_at=now, updated_at=now)
    description = session.scalars(sa.select(MicroCredentialDescription).where(
        MicroCredentialDescription.submission_id == tender.id)).first()
    pilot = Pilot(call_id=jotpa.id, submission_id=tender.id, description_id=description.id,
                  created_at=now)
    session.add_all([report, pilot])
    session.flush()
    milestone = Milestone(pilot_id=pilot.id, title="Ensimmäinen toteutus alkaa", due_at=due,
                          created_by_id=admin.id, created_at=now)
    session.add(milestone)
    session.flush()

    for t in (helsinki(2024, 9, 23, 16, 15), helsinki(2024, 9, 29, 16, 15)):
        clock.set(t)
        run_sweep()
    report.state, report.submitted_at = "submitted", clock.now()
    session.flush()
    clock.set(helsinki(2024, 9, 30, 16, 15))
    run_sweep()

    project_mails = [r.subject for r in reminders_to(applicant.email)]
    assert project_mails == ["Reminder: progress report 1 due on Monday 30 September 2024 at 16.15",
                             "Reminder: progress report 1 due tomorrow at 16.15"]
    assert f"/reports/{report.id}" in reminders_to(applicant.email)[0].text()
    pilot_mails = reminders_to(supplier.email)
    assert [m.subject for m in pilot_mails] == [
        "Muistutus: välitavoite ”Ensimmäinen toteutus alkaa”, määräaika maanantaina 30.9.2024 klo 16.15",
        "Muistutus: välitavoite ”Ensimmäinen toteutus alkaa”, määräaika huomenna klo 16.15",
        "Myöhässä: välitavoite ”Ensimmäinen toteutus alkaa”"]
    assert f"/pilots/{pilot.id}" in pilot_mails[2].text()
