"""The whole story through the engine: a contracted procurement, delivered pilots,
certificates, reports, and the accepted final reports that close the procurement."""
from __future__ import annotations

from support.pilots import description

from models import Pilot, Report
from workflow.engine import available_steps, fire, history
from workflow.errors import WorkflowError
from workflow.pilots import ministry
from workflow.pilots.certificates import issue_certificate, verify
from workflow.pilots.delivery import add_cohort, add_milestone, mark_milestone_done, update_cohort
from workflow.pilots.forms import report_problems
from workflow.pilots.reports import update_report
from workflow.pilots.rules import report_framework


def feedback_for_all(report: Report, problems: dict[str, str] | None = None) -> dict:
    problems = problems or {}
    return {key: ({"rating": problems[key], "comment": "Tulkinta vaihteli toteuttajittain.",
                   "proposal": "Tarkennetaan ohjetta."} if key in problems else {"rating": "worked"})
            for key in report_framework(report).keys}


def test_contracted_procurement_runs_its_pilots_to_accepted_final_reports(session, flow, admin, signer):
    """Can a supplier deliver its pilots after the contract, certify those who complete, and
    have its final reports accepted, which closes the procurement?"""
    call = flow.procurement()
    supplier = flow.bidder("university_of_applied_sciences", name="Tampereen ammattikorkeakoulu")
    other = flow.bidder("training_company", name="Osaamispolku Oy")
    two = [description(), description(title="Datan visualisointi", level="5",
                                      workload={"value": 3, "unit": "ects"},
                                      participation_form="online")]
    won = flow.tender(call, supplier, price="48000", descriptions=two)
    lost = flow.tender(call, other, price="52000",
                       descriptions=[description(workload={"value": 40, "unit": "hours"})])
    flow.contract(call, [won, lost])
    assert (call.state, won.state, lost.state) == ("contracted", "awarded", "not_awarded")

    # The contract made one pilot per micro-credential of the awarded tender, each with an
    # interim and a final report to write.
    pilots = session.query(Pilot).filter_by(call_id=call.id).order_by(Pilot.id).all()
    assert [p.description.title for p in pilots] == ["Tekoäly asiakastyössä", "Datan visualisointi"]
    assert all(p.submission_id == won.id for p in pilots)

    flow.at(2024, 8, 1, 9, 0)
    fire(session, call, "start_pilot_delivery", admin)
    first, second = pilots
    cohorts = [add_cohort(session, supplier, pilot, name="Syksy 2024", planned_start="2024-09-02",
                          planned_end="2024-11-29", participants_approved=25)
               for pilot in pilots]
    milestone = add_milestone(session, admin, first, title="Ensimmäinen toteutus alkaa",
                              due_at="2024-09-02T09:00")

    flow.at(2024, 10, 15, 9, 0)
    for cohort in cohorts:
        update_cohort(session, supplier, cohort, actual_start="2024-09-02", participants_started=24)
    mark_milestone_done(session, supplier, milestone)
    interim = session.query(Report).filter_by(pilot_id=first.id, report_type="interim").one()
    update_report(session, supplier, interim, {"feedback_summary": "Osallistujat tyytyväisiä.",
                                               "satisfaction": "4,3"})
    fire(session, interim, "submit", supplier)
    fire(session, interim, "accept", admin)
    assert interim.state == "accepted" and interim.data["results"]["participants_started"] == 24

    flow.at(2024, 12, 2, 10, 0)
    update_cohort(session, supplier, cohorts[0], actual_end="2024-11-29", participants_completed=20)
    update_cohort(session, supplier, cohorts[1], actual_end="2024-11-29", participants_completed=12)
    certificate = issue_certificate(session, supplier, cohorts[0], learner_name="Maija Meikäläinen",
                                    learner_email="maija@example.fi", grade="4", signer=signer,
                                    base_url="https://hankeflow.example")
    assert verify(session, certificate.public_id)["status"] == "valid"

    fire(session, call, "start_final_reporting", admin)
    finals = {p.id: session.query(Report).filter_by(pilot_id=p.id, report_type="final").one()
              for p in pilots}
    for pilot in pilots:
        report = finals[pilot.id]
        update_report(session, supplier, report, {
            "feedback_summary": "Palaute oli hyvää.",
            "framework_feedback": feedback_for_all(report, {"workload": "partly",
                                                            "quality_assurance": "did_not"})})
        assert report_problems("final", report.data, report_framework(report)) == {}
        fire(session, report, "submit", supplier)

    # Jotpa returns one for correction; the supplier corrects and resubmits.
    fire(session, finals[second.id], "return", admin, comment="Tarkentakaa laadunvarmistus.")
    assert finals[second.id].state == "returned"
    try:
        fire(session, call, "close", admin)
        raise AssertionError("closed with a final report unaccepted")
    except WorkflowError as err:
        assert err.code == "invalid_transition"
    fire(session, finals[second.id], "submit", supplier)

    fire(session, finals[first.id], "accept", admin)
    assert call.state == "final_reporting"
    fire(session, finals[second.id], "accept", admin)
    # Accepting the last final report closed the procurement, through its own step.
    assert call.state == "closed"
    assert [e.trigger for e in history(session, call)][-1] == "close"
    assert available_steps(admin, finals[second.id], session) == []

    rows = {r["pilot_id"]: r for r in ministry.pilot_rows(session, admin, "en")}
    assert rows[first.id]["completion_rate"] == round(20 / 24, 4)
    assert rows[first.id]["certificates"] == 1
    assert rows[second.id]["final_report"] == "Accepted"
    top = ministry.element_feedback(session, admin, "en")[0]
    assert (top["element"], top["did_not"]) == ("quality_assurance", 2)
