"""Pilot delivery records (cohorts, milestones), report forms, ESR progress and final reports,
and the framework data itself."""
from __future__ import annotations

import datetime as dt

import pytest
from support import helsinki
from support.pilots import Flow

from models import Pilot, Report
from workflow.engine import fire
from workflow.errors import WorkflowError
from workflow.framework import LOCALES, framework, versions
from workflow.pilots import api
from workflow.pilots.delivery import (add_cohort, add_milestone, mark_milestone_done,
                                      open_milestones_due_by, update_cohort)
from workflow.pilots.forms import ESR_INDICATOR_KEYS
from workflow.pilots.reports import (report_json, schedule_progress_reports, set_report_due,
                                     update_esr_final_report, update_report)


@pytest.fixture
def in_delivery(session, flow, admin):
    call = flow.procurement()
    supplier = flow.bidder()
    tender = flow.tender(call, supplier)
    flow.contract(call, [tender])
    flow.at(2024, 8, 1, 9, 0)
    fire(session, call, "start_pilot_delivery", admin)
    return call, supplier, session.query(Pilot).filter_by(call_id=call.id).one()


def test_cohort_figures_must_make_sense(session, in_delivery, flow):
    """Are a cohort ending before it starts, more completers than starters, an actual date in
    the future and starters without a start date refused?"""
    _, supplier, pilot = in_delivery
    with pytest.raises(WorkflowError) as caught:
        add_cohort(session, supplier, pilot, name="", planned_start="2024-09-30",
                   planned_end="2024-09-01")
    assert set(caught.value.details) == {"name"}
    cohort = add_cohort(session, supplier, pilot, name="A", planned_start="2024-09-02",
                        planned_end="2024-11-29", participants_approved=10)
    for changes, field in [({"planned_end": "2024-08-01"}, "planned_end"),
                           ({"participants_started": 5}, "actual_start"),
                           ({"actual_start": "2024-09-02", "participants_started": 11}, "participants_started"),
                           ({"actual_start": "2024-09-02", "participants_started": 5,
                             "participants_completed": 6}, "participants_completed"),
                           ({"actual_start": "2024-08-15"}, "actual_start"),
                           ({"participants_approved": -1}, "participants_approved"),
                           ({"planned_start": "2.9.2024"}, "planned_start")]:
        with pytest.raises(WorkflowError) as caught:
            update_cohort(session, supplier, cohort, **changes)
        assert field in caught.value.details, changes
    with pytest.raises(WorkflowError) as caught:
        update_cohort(session, supplier, cohort, version=cohort.version + 1, name="B")
    assert caught.value.code == "conflict"


def test_only_the_supplier_records_delivery(session, in_delivery, admin, flow):
    """Can Jotpa or another organisation record a supplier's cohorts?"""
    _, _, pilot = in_delivery
    for outsider in (admin, flow.bidder()):
        with pytest.raises(WorkflowError) as caught:
            add_cohort(session, outsider, pilot, name="A", planned_start="2024-09-02",
                       planned_end="2024-09-30")
        assert caught.value.code == "not_allowed"
    with pytest.raises(WorkflowError) as caught:
        api.pilot(session, flow.bidder(), pilot.id)
    assert caught.value.code == "not_found"
    assert api.pilot(session, admin, pilot.id)["title"] == "Tekoäly asiakastyössä"


def test_milestones_have_due_instants_for_reminders(session, in_delivery, admin, clock):
    """Are milestones kept with a due instant, found when due and no longer once done?"""
    _, supplier, pilot = in_delivery
    due = add_milestone(session, admin, pilot, title="Ensimmäinen ryhmä alkaa", due_at="2024-09-02T09:00")
    later = add_milestone(session, supplier, pilot, title="Väliraportti", due_at=helsinki(2024, 10, 15, 16, 15))
    assert due.due_at == helsinki(2024, 9, 2, 9, 0)
    week_before = helsinki(2024, 9, 2, 9, 0) - dt.timedelta(days=7)
    assert open_milestones_due_by(session, week_before) == []
    assert open_milestones_due_by(session, helsinki(2024, 9, 2, 9, 0)) == [due]
    mark_milestone_done(session, supplier, due)
    assert open_milestones_due_by(session, helsinki(2024, 12, 1, 0, 0)) == [later]
    with pytest.raises(WorkflowError):
        add_milestone(session, admin, pilot, title="Ei aikaa", due_at="ensi viikolla")


def test_a_report_is_checked_when_saved_and_when_submitted(session, in_delivery, admin, flow):
    """Does a report refuse bad values at once, and refuse submission while incomplete, with
    the fields to fix?"""
    call, supplier, pilot = in_delivery
    interim = session.query(Report).filter_by(pilot_id=pilot.id, report_type="interim").one()
    with pytest.raises(WorkflowError) as caught:
        update_report(session, supplier, interim, {"satisfaction": 7, "framework_feedback": {
            "workload": {"rating": "did_not"}, "colour": {"rating": "worked"}}})
    assert set(caught.value.details) == {"satisfaction", "framework_feedback.workload.comment",
                                         "framework_feedback.colour"}
    with pytest.raises(WorkflowError) as caught:
        fire(session, interim, "submit", supplier)
    assert caught.value.details == {"feedback_summary": "required"}
    with pytest.raises(WorkflowError) as caught:
        update_report(session, flow.bidder(), interim, {"feedback_summary": "x"})
    assert caught.value.code == "not_allowed"
    final = session.query(Report).filter_by(pilot_id=pilot.id, report_type="final").one()
    update_report(session, supplier, final, {"feedback_summary": "Hyvä.", "framework_feedback": {
        "title": {"rating": "worked"}}})
    view = report_json(session, supplier, final, "fi")
    assert "framework_feedback.quality_assurance" in view["missing"]
    # A final report waits for the cohorts to end.
    with pytest.raises(WorkflowError) as caught:
        fire(session, final, "submit", supplier)
    assert caught.value.code == "invalid_transition"
    set_report_due(session, admin, final, "2025-01-31T16:15")
    assert final.due_at == helsinki(2025, 1, 31, 16, 15)


@pytest.fixture
def esr_project(session, clock, make_call, make_submission, admin, make_user):
    """An approved ESR project in implementation."""
    call = make_call("esr", state="open")
    application = make_submission(call, submit=True)
    clock.set(call.deadline)
    fire(session, call, "close", None)
    fire(session, application, "start_eligibility_check", admin)
    fire(session, application, "mark_eligible", admin)
    return call, application


def test_an_esr_project_reports_progress_on_schedule_and_then_its_final_report(
        session, esr_project, admin, make_user, clock):
    """Does an ESR project submit scheduled progress reports and a final report with every
    indicator, which Jotpa can return for correction and accept to close the project?"""
    call, application = esr_project
    Flow(session, clock, admin, make_user, None, None).review(application)
    fire(session, application, "complete_evaluation", admin)
    fire(session, application, "approve", admin, data={"granted_amount": "120000"})
    fire(session, application, "start_implementation", admin)
    owner = application.created_by

    progress = schedule_progress_reports(session, admin, application,
                                         ["2024-12-31T16:15", "2025-06-30T16:15"])
    assert [r.sequence for r in progress] == [1, 2]
    update_report(session, owner, progress[0], {"summary": "Kaksi kokonaisuutta suunniteltu.",
                                                "indicators": {"micro_credentials_designed": "2"}})
    fire(session, progress[0], "submit", owner)
    # The final report cannot be accepted while a progress report waits for review.
    update_esr_final_report(session, owner, application, {
        "summary": "Hanke toteutui.", "results": "Neljä kokonaisuutta.",
        "indicators": {key: 4 for key in ESR_INDICATOR_KEYS}})
    fire(session, application, "submit_final_report", owner)
    with pytest.raises(WorkflowError) as caught:
        fire(session, application, "accept_final_report", admin)
    assert caught.value.code == "invalid_transition"
    fire(session, progress[0], "accept", admin)
    fire(session, application, "return_final_report", admin, comment="Lisätkää kumppanit.")
    with pytest.raises(WorkflowError) as caught:
        update_esr_final_report(session, owner, application, {"summary": "x", "indicators": {"staff_trained": -3}})
    assert "indicators.staff_trained" in caught.value.details
    fire(session, application, "submit_final_report", owner)
    fire(session, application, "accept_final_report", admin)
    assert application.state == "closed"


def test_an_esr_final_report_needs_every_indicator(session, esr_project):
    """Is an ESR final report without its indicators refused, naming them?"""
    from workflow.pilots.forms import report_refusal
    refusal = report_refusal("esr_final", {"summary": "x", "results": "y",
                                           "indicators": {"participants": 3}}, framework())
    assert refusal.code == "content_missing"
    assert "indicators.staff_trained" in refusal.details and "indicators.participants" not in refusal.details


def test_the_framework_is_data_with_every_annex_i_element_in_three_languages():
    """Does framework version 1 carry the Annex I elements (11 mandatory, 5 optional), each
    with a label and help in Finnish, Swedish and English?"""
    fw = framework("1")
    assert versions() == ["1"]
    annex = fw.annex_i_elements
    assert len([e for e in annex if e.annex_i == "mandatory"]) == 11
    assert len([e for e in annex if e.annex_i == "optional"]) == 5
    assert all(e.mandatory == (e.annex_i == "mandatory") for e in annex)
    for element in fw.elements:
        for locale in LOCALES:
            assert element.label_in(locale) and element.help_in(locale)
        for value in element.choice_values() if element.type == "choice" else []:
            assert all(element.choice_label(value, locale) for locale in LOCALES)
    assert (fw.workload_units["ects"].min, fw.workload_units["ects"].max) == (1, 59)
    assert fw.units_for("vocational_provider") == ("osp",)
