"""Report pages: a pilot's interim and final report written by the supplier, returned and
accepted by Jotpa through the report's workflow steps; an ESR project's progress reports and
its structured final report."""
from __future__ import annotations

import html

import pytest
from support.web import body

from models import Report
from workflow.engine import fire, history
from workflow.pilots.delivery import add_cohort, update_cohort
from workflow.pilots.forms import ESR_INDICATOR_KEYS


def report_of(session, pilot, report_type: str) -> Report:
    return session.query(Report).filter_by(pilot_id=pilot.id, report_type=report_type).one()


def test_a_report_is_submitted_returned_resubmitted_and_accepted_through_the_pages(flow, login, session, admin):
    """Can the supplier write and submit the interim report, Jotpa return it with a reason,
    the supplier correct and resubmit it, and Jotpa accept it, each step on the pages?"""
    _, supplier, pilot = flow.delivery()
    cohort = add_cohort(session, supplier, pilot, name="Syksy", planned_start="2024-09-02",
                        planned_end="2024-11-29", participants_approved=25)
    flow.at(2024, 10, 15, 9, 0)
    update_cohort(session, supplier, cohort, actual_start="2024-09-02", participants_started=24)
    interim = report_of(session, pilot, "interim")
    client = login(supplier)
    page = html.unescape(body(client.get(f"/reports/{interim.id}")))
    assert "Laadunvarmistus" in page  # framework feedback, element by element

    response = client.post(f"/reports/{interim.id}", data={
        "feedback_summary": "Osallistujat tyytyväisiä.", "satisfaction": "4,3",
        "framework_feedback.workload.rating": "partly",
        "framework_feedback.workload.comment": "Työmäärä arvioitiin alakanttiin.",
        "framework_feedback.workload.proposal": "Ohjeeseen esimerkkejä.",
        "version": str(interim.version), "action": "save"})
    assert response.status_code == 302, body(response)
    session.refresh(interim)
    assert interim.data["satisfaction"] == 4.3
    assert interim.data["framework_feedback"]["workload"]["rating"] == "partly"

    page = body(client.get(f"/reports/{interim.id}"))
    assert f"/reports/{interim.id}/transition?trigger=submit" in page
    assert client.get(f"/reports/{interim.id}/transition?trigger=submit").status_code == 200
    response = client.post(f"/reports/{interim.id}/transition", data={"trigger": "submit",
                                                                      "version": str(interim.version)})
    assert response.status_code == 302
    session.refresh(interim)
    assert interim.state == "submitted" and interim.data["results"]["participants_started"] == 24
    # Submitted: the supplier can no longer change it.
    assert client.post(f"/reports/{interim.id}", data={"feedback_summary": "x"}).status_code == 409

    jotpa = login(admin)
    page = body(jotpa.get(f"/reports/{interim.id}"))
    assert f"/reports/{interim.id}/transition?trigger=return" in page
    response = jotpa.post(f"/reports/{interim.id}/transition", data={"trigger": "return", "comment": ""})
    assert response.status_code == 422 and 'href="#field-comment"' in body(response)
    response = jotpa.post(f"/reports/{interim.id}/transition",
                          data={"trigger": "return", "comment": "Kertokaa palautteen keruutavasta."})
    assert response.status_code == 302
    session.refresh(interim)
    assert interim.state == "returned"

    page = html.unescape(body(client.get(f"/reports/{interim.id}")))
    assert "Kertokaa palautteen keruutavasta." in page
    response = client.post(f"/reports/{interim.id}", data={
        "feedback_summary": "Osallistujat tyytyväisiä; palaute kerättiin kyselyllä.",
        "satisfaction": "4,3", "feedback_respondents": "18",
        "framework_feedback.workload.rating": "partly",
        "framework_feedback.workload.comment": "Työmäärä arvioitiin alakanttiin.",
        "version": str(interim.version), "action": "submit"})
    assert response.status_code == 302, body(response)
    session.refresh(interim)
    assert interim.state == "submitted" and interim.data["feedback_respondents"] == 18

    response = jotpa.post(f"/reports/{interim.id}/transition",
                          data={"trigger": "accept", "version": str(interim.version)})
    assert response.status_code == 302
    session.refresh(interim)
    assert interim.state == "accepted"
    assert [e.trigger for e in history(session, interim)] == ["submit", "return", "submit", "accept"]
    # Nothing more to do, and the pages say so rather than fail.
    assert jotpa.post(f"/reports/{interim.id}/transition", data={"trigger": "accept"}).status_code == 409
    assert jotpa.get(f"/reports/{interim.id}/transition?trigger=nonsense").status_code == 404


def test_a_final_report_waits_for_the_cohorts_and_names_what_is_missing(flow, login, session):
    """Is the final report refused while a cohort has not ended, and then while framework
    elements are unrated, with the error summary linking to each element's field?"""
    _, supplier, pilot = flow.delivery(supplier_locale="en")
    cohort = add_cohort(session, supplier, pilot, name="Autumn", planned_start="2024-09-02",
                        planned_end="2024-11-29", participants_approved=25)
    flow.at(2024, 10, 15, 9, 0)
    update_cohort(session, supplier, cohort, actual_start="2024-09-02", participants_started=24)
    final = report_of(session, pilot, "final")
    client = login(supplier)
    page = html.unescape(body(client.get(f"/reports/{final.id}")))
    assert "The final report can be submitted when every cohort has ended" in page

    response = client.post(f"/reports/{final.id}", data={"feedback_summary": "Hyvä.", "action": "submit"})
    assert response.status_code == 409
    assert "every cohort has ended" in html.unescape(body(response))
    flow.at(2024, 12, 2, 9, 0)
    update_cohort(session, supplier, cohort, actual_end="2024-11-29", participants_completed=20)
    response = client.post(f"/reports/{final.id}", data={"feedback_summary": "Hyvä.", "action": "submit",
                                                         "framework_feedback.title.rating": "worked"})
    assert response.status_code == 422
    page = html.unescape(body(response))
    assert '<a href="#field-framework_feedback.quality_assurance">Type of quality assurance: Required.</a>' in page
    assert 'id="field-framework_feedback.quality_assurance"' in page
    session.refresh(final)
    assert final.state == "draft" and final.data["feedback_summary"] == "Hyvä."
    response = client.post(f"/reports/{final.id}", data={"satisfaction": "7", "action": "save",
                                                         "framework_feedback.level.rating": "did_not"})
    assert response.status_code == 422
    page = body(response)
    assert 'href="#field-satisfaction"' in page and 'href="#field-framework_feedback.level.comment"' in page


def test_reports_are_not_shown_to_other_organisations(flow, login, session, make_user):
    """Are a supplier's reports and their steps 404 to another organisation and evaluators?"""
    _, _, pilot = flow.delivery()
    interim = report_of(session, pilot, "interim")
    for outsider in (flow.bidder(), make_user("evaluator")):
        client = login(outsider)
        assert client.get(f"/reports/{interim.id}").status_code == 404
        assert client.get(f"/reports/{interim.id}/transition?trigger=submit").status_code == 404
        assert client.post(f"/reports/{interim.id}", data={"feedback_summary": "x"}).status_code == 404
        assert client.post(f"/reports/{interim.id}/transition", data={"trigger": "submit"}).status_code == 404
    assert client.get(f"/reports/{2**40}").status_code == 404


@pytest.fixture
def esr_project(session, clock, flow, make_call, make_submission, admin):
    """An approved ESR project in implementation with one progress report scheduled."""
    call = make_call("esr", state="open")
    application = make_submission(call, submit=True)
    clock.set(call.deadline)
    fire(session, call, "close", None)
    fire(session, application, "start_eligibility_check", admin)
    fire(session, application, "mark_eligible", admin)
    flow.review(application)
    fire(session, application, "complete_evaluation", admin)
    fire(session, application, "approve", admin, data={"granted_amount": "120000"})
    fire(session, application, "start_implementation", admin)
    return application


def test_an_esr_project_reports_progress_and_its_final_report_with_indicators(esr_project, login, session, admin):
    """Can Jotpa schedule a progress report, the project write and submit it and its
    structured final report with every indicator (refused while one is missing), and Jotpa
    accept the report on the page?"""
    application = esr_project
    owner = application.created_by
    jotpa = login(admin)
    response = jotpa.post(f"/projects/{application.id}/reports", data={"due_at": "ensi kuussa"})
    assert response.status_code == 422 and 'href="#field-due_at"' in body(response)
    response = jotpa.post(f"/projects/{application.id}/reports", data={"due_at": "2024-12-31T16:15"})
    assert response.status_code == 302
    progress = session.query(Report).filter_by(submission_id=application.id, kind="esr").one()

    client = login(owner)
    assert f"/projects/{application.id}/reports" in body(client.get(f"/applicant/submissions/{application.id}"))
    page = html.unescape(body(client.get(f"/projects/{application.id}/reports")))
    assert f"/reports/{progress.id}" in page
    response = client.post(f"/reports/{progress.id}", data={
        "summary": "Kaksi kokonaisuutta suunniteltu.", "indicators.micro_credentials_designed": "2",
        "action": "submit"})
    assert response.status_code == 302, body(response)
    session.refresh(progress)
    assert progress.state == "submitted" and progress.data["indicators"] == {"micro_credentials_designed": 2}
    response = jotpa.post(f"/reports/{progress.id}/transition", data={"trigger": "accept"})
    assert response.status_code == 302

    final_page = f"/projects/{application.id}/final-report"
    indicators = {f"indicators.{key}": "4" for key in ESR_INDICATOR_KEYS}
    response = client.post(final_page, data={"summary": "Hanke toteutui.", "results": "Neljä kokonaisuutta.",
                                             **{**indicators, "indicators.staff_trained": ""},
                                             "action": "submit"})
    assert response.status_code == 422
    assert 'href="#field-indicators.staff_trained"' in body(response)
    response = client.post(final_page, data={**indicators, "indicators.staff_trained": "-3",
                                             "summary": "x", "action": "save"})
    assert response.status_code == 422
    response = client.post(final_page, data={"summary": "Hanke toteutui.", "results": "Neljä kokonaisuutta.",
                                             **indicators, "action": "submit"})
    assert response.status_code == 302, body(response)
    session.refresh(application)
    assert application.state == "final_report_submitted"
    assert application.final_report["indicators"]["staff_trained"] == 4

    page = body(jotpa.get(final_page))
    assert "accept_final_report" in page
    response = jotpa.post(f"/submissions/{application.id}/transition",
                          data={"trigger": "accept_final_report", "version": str(application.version)})
    assert response.status_code == 302
    session.refresh(application)
    assert application.state == "closed"


def test_the_project_pages_title_the_project_as_received(esr_project, login, session, admin):
    """An edit the applicant saved after its last submit (before the deadline) never
    submitted: Jotpa's project pages name the project as it was received; the applicant's
    own pages show its working copy."""
    application = esr_project
    received = application.content["title"]
    application.content = {**application.content, "title": "Tallennettu, ei lähetetty"}
    session.commit()
    for path in (f"/projects/{application.id}/reports", f"/projects/{application.id}/final-report"):
        assert received in html.unescape(body(login(admin).get(path)))
        assert "Tallennettu, ei lähetetty" not in body(login(admin).get(path))
        assert "Tallennettu, ei lähetetty" in body(login(application.created_by).get(path))
