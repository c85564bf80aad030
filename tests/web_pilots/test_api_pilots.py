"""The issue-6 routes of the JSON API: OCDS, certificates (Open Badges 3.0 and ELM), the
public verification, pilots, and reports with their transitions and history."""
from __future__ import annotations

import pytest
from support.pilots import ocds_validator, open_badge_validator

from models import Report
from workflow.pilots.certificates import issue_certificate
from workflow.pilots.delivery import add_cohort, update_cohort
from workflow.pilots.signing import verify_proof


@pytest.fixture
def certified(flow, session, signer):
    call, supplier, pilot = flow.delivery()
    cohort = add_cohort(session, supplier, pilot, name="Syksy 2024", planned_start="2024-09-02",
                        planned_end="2024-11-29", participants_approved=25)
    flow.at(2024, 12, 2, 10, 0)
    update_cohort(session, supplier, cohort, actual_start="2024-09-02", actual_end="2024-11-29",
                  participants_started=24, participants_completed=20)
    certificate = issue_certificate(session, supplier, cohort, learner_name="Maija Meikäläinen",
                                    learner_email="maija@example.fi", signer=signer,
                                    base_url="https://hankeflow.example")
    return call, supplier, pilot, certificate


def test_the_procurement_is_a_valid_ocds_package_for_anyone_who_may_see_it(certified, api, token_for, admin):
    """Is GET /calls/{id}/ocds an OCDS 1.1.5 release package valid against the published
    schema, for anonymous callers too, and 404 for an ESR call or an unknown id?"""
    call, supplier, _, _ = certified
    for token in (None, token_for(supplier), token_for(admin)):
        response = api.get(f"/calls/{call.id}/ocds", token=token)
        assert response.status_code == 200
        package = response.get_json()
        assert sorted(e.message for e in ocds_validator().iter_errors(package)) == []
        assert package["releases"][-1]["ocid"] == f"ocds-hankeflow-{call.id}"
    assert api.get(f"/calls/{2**31 - 1}/ocds").status_code == 404
    assert api.get("/calls/0/ocds").status_code == 404


def test_an_esr_call_has_no_ocds_package(api, make_call):
    """Is an ESR call's OCDS path 404 (it is not a procurement)?"""
    call = make_call("esr", state="open")
    response = api.get(f"/calls/{call.id}/ocds")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_certificates_are_listed_and_served_to_the_supplier_and_jotpa_only(certified, api, token_for, admin,
                                                                          flow, make_user):
    """Does the supplier (and Jotpa) list the certificate and get its Open Badges credential,
    valid against the OB 3.0 schema and signed, and its ELM document, while another
    organisation lists none and gets 404, and anonymous callers 401?"""
    _, supplier, _, certificate = certified
    for user in (supplier, admin):
        token = token_for(user)
        items = api.get("/certificates", token=token).get_json()["items"]
        assert [i["id"] for i in items] == [certificate.public_id]
        assert items[0]["issued_at"].endswith("+02:00")  # Helsinki time, as the API says times
        credential = api.get(f"/certificates/{certificate.public_id}", token=token).get_json()
        assert sorted(e.message for e in open_badge_validator().iter_errors(credential)) == []
        assert verify_proof(credential)
        elm = api.get(f"/certificates/{certificate.public_id}/elm", token=token).get_json()
        assert elm["id"] == f"urn:uuid:{certificate.public_id}"
    for outsider in (flow.bidder(), make_user("evaluator")):
        token = token_for(outsider)
        assert api.get("/certificates", token=token).get_json() == {"items": []}
        for path in (f"/certificates/{certificate.public_id}", f"/certificates/{certificate.public_id}/elm"):
            response = api.get(path, token=token)
            assert response.status_code == 404 and "Maija" not in response.get_data(as_text=True)
    for path in ("/certificates", f"/certificates/{certificate.public_id}",
                 f"/certificates/{certificate.public_id}/elm"):
        assert api.get(path).status_code == 401
    assert api.get("/certificates/not-a-uuid", token=token_for(supplier)).status_code == 404
    assert api.get("/certificates/" + "x" * 200, token=token_for(supplier)).status_code == 404


def test_verification_is_public(certified, api):
    """Does anyone get a certificate's status without a token, and 404 for an unknown id?"""
    _, _, _, certificate = certified
    result = api.get(f"/certificates/{certificate.public_id}/verification").get_json()
    assert result["status"] == "valid" and result["learner_name"] == "Maija Meikäläinen"
    assert api.get("/certificates/00000000-0000-4000-8000-000000000000/verification").status_code == 404


def test_pilots_are_served_to_the_supplier_and_jotpa(certified, api, token_for, admin, flow):
    """Does GET /pilots/{id} give the supplier and Jotpa the cohorts and results, and others 404?"""
    _, supplier, pilot, _ = certified
    data = api.get(f"/pilots/{pilot.id}", token=token_for(supplier)).get_json()
    assert data["results"]["participants_completed"] == 20 and data["cohorts"][0]["name"] == "Syksy 2024"
    assert api.get(f"/pilots/{pilot.id}", token=token_for(admin)).status_code == 200
    assert api.get(f"/pilots/{pilot.id}", token=token_for(flow.bidder())).status_code == 404
    assert api.get(f"/pilots/{pilot.id}").status_code == 401


def test_report_transitions_and_history_through_the_api(certified, api, token_for, admin, session, flow):
    """Can the supplier fire the report's submit through /reports/{id}/transitions, Jotpa
    return and accept it, each listed when possible, with the history of the steps; and is
    the report 404 to other organisations?"""
    _, supplier, pilot, _ = certified
    interim = session.query(Report).filter_by(pilot_id=pilot.id, report_type="interim").one()
    own, jotpa = token_for(supplier), token_for(admin)
    from workflow.pilots.reports import update_report
    update_report(session, supplier, interim, {"feedback_summary": "Hyvä."})
    session.commit()

    assert [t["trigger"] for t in api.get(f"/reports/{interim.id}/transitions", token=own)
            .get_json()["items"]] == ["submit"]
    response = api.post(f"/reports/{interim.id}/transitions", {"trigger": "submit"}, token=own)
    assert response.status_code == 200 and response.get_json()["state"] == "submitted"
    response = api.post(f"/reports/{interim.id}/transitions", {"trigger": "return"}, token=jotpa)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "comment_required"
    assert api.post(f"/reports/{interim.id}/transitions", {"trigger": "return", "comment": "Tarkentakaa."},
                    token=jotpa).get_json()["state"] == "returned"
    assert api.post(f"/reports/{interim.id}/transitions", {"trigger": "submit"}, token=own).status_code == 200
    response = api.post(f"/reports/{interim.id}/transitions", {"trigger": "accept"}, token=own)
    assert response.status_code == 403
    response = api.post(f"/reports/{interim.id}/transitions", {"trigger": "accept", "version": 1}, token=jotpa)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"
    report = api.post(f"/reports/{interim.id}/transitions", {"trigger": "accept"}, token=jotpa).get_json()
    assert report["state"] == "accepted" and report["accepted_at"].endswith("+02:00")
    history = api.get(f"/reports/{interim.id}/history", token=own).get_json()["items"]
    assert [e["trigger"] for e in history] == ["submit", "return", "submit", "accept"]
    assert api.get(f"/reports/{interim.id}", token=own).get_json()["data"]["results"]["participants_completed"] == 20

    other = token_for(flow.bidder())
    for path in (f"/reports/{interim.id}", f"/reports/{interim.id}/transitions", f"/reports/{interim.id}/history"):
        assert api.get(path, token=other).status_code == 404, path
        assert api.get(path).status_code == 401, path
    assert api.post(f"/reports/{interim.id}/transitions", {"trigger": "submit"}, token=other).status_code == 404
    response = api.post(f"/reports/{interim.id}/transitions", {"trigger": ["x"]}, token=own)
    assert response.status_code == 422
