"""Pilot delivery pages: the supplier records cohorts and milestones and issues certificates
after the contract; administrators follow; other organisations do not see the pilot."""
from __future__ import annotations

import html

from support.web import body

from models import Certificate, Cohort, Milestone
from workflow.pilots.delivery import add_cohort

COHORT = {"name": "Syksy 2024", "planned_start": "2024-09-02", "planned_end": "2024-11-29",
          "participants_approved": "25", "actual_start": "", "actual_end": "",
          "participants_started": "", "participants_completed": ""}


def test_the_supplier_records_cohorts_and_issues_certificates_after_the_contract(flow, login, session):
    """Can the supplier add a cohort with its planned dates, record when it actually ran and
    how many started and completed, and issue a certificate to a learner who completed, which
    then names the learner on the pilot's page?"""
    call, supplier, pilot = flow.delivery()
    client = login(supplier)
    page = body(client.get("/pilots/"))
    assert f"/pilots/{pilot.id}" in page and "Tekoäly asiakastyössä" in page
    assert client.get(f"/pilots/contracts/{pilot.submission_id}").status_code == 200

    response = client.post(f"/pilots/{pilot.id}/cohorts/new", data=COHORT)
    assert response.status_code == 302
    cohort = session.query(Cohort).filter_by(pilot_id=pilot.id).one()
    assert (cohort.planned_start.isoformat(), cohort.participants_approved) == ("2024-09-02", 25)

    flow.at(2024, 12, 2, 10, 0)
    response = client.post(f"/pilots/{pilot.id}/cohorts/{cohort.id}", data={
        **COHORT, "actual_start": "2024-09-02", "actual_end": "2024-11-29",
        "participants_started": "24", "participants_completed": "20", "version": str(cohort.version)})
    assert response.status_code == 302, body(response)
    page = html.unescape(body(client.get(f"/pilots/{pilot.id}")))
    assert "25 hyväksytty, 24 aloittanut, 20 suorittanut" in page
    assert f"/pilots/{pilot.id}/cohorts/{cohort.id}/certificates/new" in page

    response = client.post(f"/pilots/{pilot.id}/cohorts/{cohort.id}/certificates/new", data={
        "learner_name": "Maija Meikäläinen", "learner_email": "maija@example.fi", "grade": "4"})
    assert response.status_code == 302, body(response)
    certificate = session.query(Certificate).filter_by(pilot_id=pilot.id).one()
    assert response.headers["Location"].endswith(f"/certificates/{certificate.public_id}")
    page = html.unescape(body(client.get(f"/pilots/{pilot.id}")))
    assert "Maija Meikäläinen" in page and "maija@example.fi" in page


def test_figures_that_do_not_add_up_are_refused_on_the_form(flow, login, session):
    """Are more completers than starters, an end before the start and a non-number refused
    with the error summary linked to the field, nothing saved?"""
    _, supplier, pilot = flow.delivery()
    client = login(supplier)
    cohort = add_cohort(session, supplier, pilot, name="A", planned_start="2024-09-02",
                        planned_end="2024-11-29", participants_approved=10)
    flow.at(2024, 10, 1, 9, 0)
    path = f"/pilots/{pilot.id}/cohorts/{cohort.id}"
    for changes, field in [({"participants_started": "5", "actual_start": "2024-09-02",
                             "participants_completed": "6"}, "participants_completed"),
                           ({"planned_end": "2024-08-01"}, "planned_end"),
                           ({"participants_approved": "kymmenen"}, "participants_approved"),
                           ({"actual_start": "2025-01-01"}, "actual_start"),
                           ({"planned_start": "2.9.2024"}, "planned_start"),
                           ({"name": ""}, "name")]:
        response = client.post(path, data={**COHORT, "name": "A", **changes})
        assert response.status_code == 422, changes
        assert f'href="#field-{field}"' in body(response), changes
    session.refresh(cohort)
    assert (cohort.participants_approved, cohort.planned_end.isoformat()) == (10, "2024-11-29")
    assert client.post(path, data={**COHORT, "version": "99"}).status_code == 409
    # A certificate needs a completed participant first.
    response = client.post(f"{path}/certificates/new", data={"learner_name": "A", "learner_email": "a@example.fi"})
    assert response.status_code == 422
    response = client.post(f"{path}/certificates/new", data={"learner_name": "", "learner_email": "ei-osoite"})
    assert response.status_code == 422 and 'href="#field-learner_email"' in body(response)


def test_milestones_are_planned_by_jotpa_and_marked_done_by_the_supplier(flow, login, session, admin):
    """Can Jotpa add a milestone with its due time, the supplier mark it done, and is a
    malformed due time refused on the page?"""
    _, supplier, pilot = flow.delivery()
    jotpa = login(admin)
    response = jotpa.post(f"/pilots/{pilot.id}/milestones", data={"title": "Ensimmäinen ryhmä alkaa",
                                                                  "due_at": "2024-09-02T09:00"})
    assert response.status_code == 302
    milestone = session.query(Milestone).filter_by(pilot_id=pilot.id).one()
    response = jotpa.post(f"/pilots/{pilot.id}/milestones", data={"title": "X", "due_at": "ensi viikolla"})
    assert response.status_code == 422 and 'href="#field-due_at"' in body(response)
    # Jotpa follows the pilot but does not record the supplier's delivery.
    assert jotpa.get(f"/pilots/{pilot.id}").status_code == 200
    assert jotpa.get(f"/pilots/{pilot.id}/cohorts/new").status_code == 403
    assert jotpa.post(f"/pilots/{pilot.id}/milestones/{milestone.id}/done").status_code == 403
    client = login(supplier)
    assert client.post(f"/pilots/{pilot.id}/milestones/{milestone.id}/done").status_code == 302
    session.refresh(milestone)
    assert milestone.done_at is not None


def test_another_organisation_and_evaluators_do_not_see_the_pilot(flow, login, session, make_user):
    """Is every delivery page and form 404 to another organisation's bidder and to an
    evaluator, and are bad ids 404, never a 500?"""
    _, supplier, pilot = flow.delivery()
    cohort = add_cohort(session, supplier, pilot, name="A", planned_start="2024-09-02",
                        planned_end="2024-11-29", participants_approved=10)
    for outsider in (flow.bidder(), make_user("evaluator")):
        client = login(outsider)
        for path in ("/pilots/{p}", "/pilots/{p}/cohorts/new", "/pilots/{p}/cohorts/{c}",
                     "/pilots/{p}/cohorts/{c}/certificates/new", "/pilots/contracts/{s}"):
            assert client.get(path.format(p=pilot.id, c=cohort.id, s=pilot.submission_id)).status_code == 404, path
        assert client.post(f"/pilots/{pilot.id}/cohorts/{cohort.id}", data=COHORT).status_code == 404
        assert client.post(f"/pilots/{pilot.id}/milestones", data={"title": "x"}).status_code == 404
        assert "Tekoäly" not in body(client.get("/pilots/"))
    client = login(supplier)
    for path in (f"/pilots/{2**40}", f"/pilots/{pilot.id}/cohorts/{2**35}", "/pilots/abc",
                 f"/pilots/{pilot.id}/cohorts/0"):
        assert client.get(path).status_code == 404, path


def test_a_contract_before_delivery_has_no_certificates_yet(flow, login, session):
    """Before the certificates can be issued (the contract signed, delivery not started), is
    the certificate form refused with 403 while cohorts can already be planned?"""
    call = flow.procurement()
    supplier = flow.bidder("university_of_applied_sciences")
    tender = flow.tender(call, supplier)
    flow.contract(call, [tender])
    from models import Pilot
    pilot = session.query(Pilot).filter_by(call_id=call.id).one()
    client = login(supplier)
    assert client.post(f"/pilots/{pilot.id}/cohorts/new", data=COHORT).status_code == 302
    cohort = session.query(Cohort).filter_by(pilot_id=pilot.id).one()
    assert client.get(f"/pilots/{pilot.id}/cohorts/{cohort.id}/certificates/new").status_code == 403
