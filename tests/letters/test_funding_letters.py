"""The ESR funding decision (tukipäätös) reaches the applicant by mail when the application is
approved, rejected or found ineligible: with the granted amount, or the reasons, and the
instructions for a request for rectification (oikaisuvaatimus)."""
from __future__ import annotations

from workflow.engine import fire
from workflow.evaluation.qualification import decide_requirements, record_checks

from support.evaluation import criteria


def decisions_to(smtp_server, user, subject: str = "Tukipäätös: esr call"):
    return [m for m in smtp_server.to(user.email) if m.subject == subject]


def test_an_approved_application_is_told_the_granted_amount(session, admin, evaluated_call,
                                                            run_sweep, smtp_server, outbox):
    """Does an approved application's applicant get the funding decision once, with the
    granted amount and the position in the ranking — as it was decided, even when the
    application's data changes before the mail goes out?"""
    _, (first, *_), _ = evaluated_call()
    applicant = first.created_by
    applicant.locale = "en"
    fire(session, first, "approve", admin, data={"granted_amount": "240000"})
    assert [(r.object_id, r.offset_name, r.recipient_id) for r in outbox(kind="funding_decision")
            ] == [(first.id, "approved", applicant.id)]
    first.content = {**first.content, "title": "Renamed afterwards"}

    run_sweep()
    run_sweep()

    (mail,) = decisions_to(smtp_server, applicant, "Funding decision: esr call")
    text = mail.text()
    assert "Your application “Hanke 1” has been approved. Granted amount: €240,000.00." in text
    assert "Position in the ranking: 1 of 3." in text
    assert "Request for rectification" in text and "within 30 days" in text
    assert f"https://hankeflow.example/evaluation/submissions/{first.id}/decision" in text
    assert "Renamed afterwards" not in text


def test_a_rejected_application_is_told_why_and_how_to_ask_for_rectification(
        session, admin, evaluated_call, run_sweep, smtp_server):
    """Does a rejected application's applicant get the decision in Finnish with the reasons
    the administrator wrote and the oikaisuvaatimus instructions, and no one else a copy?"""
    _, (first, second, third), _ = evaluated_call()
    fire(session, third, "reject", admin, comment="Hakemus jää rahoitusrajan alapuolelle.")

    run_sweep()

    (mail,) = decisions_to(smtp_server, third.created_by)
    text = mail.text()
    assert "Hakemuksenne ”Hanke 3” on hylätty." in text
    assert "Perustelut" in text and "Hakemus jää rahoitusrajan alapuolelle." in text
    assert "Oikaisuvaatimus" in text and "30 päivän" in text
    assert decisions_to(smtp_server, first.created_by) == []
    assert decisions_to(smtp_server, second.created_by) == []


def test_an_ineligible_application_is_told_which_requirement_failed(
        session, admin, submitted_applications, run_sweep, smtp_server):
    """Does an application found ineligible get the decision with the failed requirement and
    its reason?"""
    call, (app,) = submitted_applications("100000")
    by_name = criteria(session, call)
    record_checks(session, admin, app, {
        by_name["Eligible applicant"].id: {"passed": True, "reason": ""},
        by_name["Fits the call"].id: {"passed": False,
                                      "reason": "Hanke ei koske osaamiskokonaisuuksia."}})
    decide_requirements(session, admin, app)
    assert app.state == "ineligible"

    run_sweep()

    (mail,) = decisions_to(smtp_server, app.created_by)
    assert "Hanke ei koske osaamiskokonaisuuksia." in mail.text()
