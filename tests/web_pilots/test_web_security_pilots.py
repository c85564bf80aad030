"""The issue-6 forms refuse a post without a CSRF token, accept one with the page's token, and
the pages carry no inline script or style."""
from __future__ import annotations

import re

from support import PASSWORD
from support.web import body, csrf_token

from models import Cohort, MicroCredentialDescription, Report
from workflow.pilots.delivery import add_cohort, add_milestone


def test_every_issue_6_form_refuses_a_post_without_a_csrf_token(flow, csrf_app, session, admin):
    """Is every state-changing route of the issue-6 pages refused with 400 without a valid
    CSRF token, signed in as the supplier, and does nothing change?"""
    _, supplier, pilot = flow.delivery()
    cohort = add_cohort(session, supplier, pilot, name="A", planned_start="2024-09-02",
                        planned_end="2024-11-29", participants_approved=10)
    milestone = add_milestone(session, admin, pilot, title="M", due_at="2024-09-02T09:00")
    report = session.query(Report).filter_by(pilot_id=pilot.id, report_type="interim").one()
    description = session.get(MicroCredentialDescription, pilot.description_id)
    session.commit()
    ids = {"pilot_id": pilot.id, "cohort_id": cohort.id, "milestone_id": milestone.id,
           "report_id": report.id, "submission_id": pilot.submission_id,
           "description_id": description.id, "certificate_id": "00000000-0000-4000-8000-000000000000"}
    client = csrf_app.test_client()
    assert client.post("/sign-in", data={"email": supplier.email, "password": PASSWORD,
                                         "csrf_token": csrf_token(client)}).status_code == 302
    rules = [r for r in csrf_app.url_map.iter_rules()
             if r.endpoint.startswith("pilots.") and "POST" in r.methods]
    assert len(rules) >= 12
    for rule in rules:
        path = re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule)
        for data in ({}, {"csrf_token": "forged"}):
            response = client.post(path, data={"name": "B", "feedback_summary": "x", "trigger": "submit",
                                               "title": "T", "due_at": "2024-10-01T09:00", **data})
            assert response.status_code == 400, rule.rule
    session.refresh(cohort)
    session.refresh(report)
    assert cohort.name == "A" and report.state == "draft" and report.data == {}
    assert session.query(Cohort).filter_by(pilot_id=pilot.id).count() == 1

    # With the page's own token the same form goes through.
    page = f"/pilots/{pilot.id}/cohorts/{cohort.id}"
    token = csrf_token(client, page)
    response = client.post(page, data={"csrf_token": token, "name": "B", "planned_start": "2024-09-02",
                                       "planned_end": "2024-11-29", "participants_approved": "10"})
    assert response.status_code == 302
    session.refresh(cohort)
    assert cohort.name == "B"


def test_the_pages_have_no_inline_script_or_style(flow, login, session, admin):
    """Do the issue-6 pages keep to the Content-Security-Policy (no inline script or style)?"""
    _, supplier, pilot = flow.delivery()
    report = session.query(Report).filter_by(pilot_id=pilot.id, report_type="final").one()
    for user, paths in ((supplier, [f"/pilots/{pilot.id}", f"/pilots/{pilot.id}/cohorts/new",
                                    f"/reports/{report.id}", "/pilots/",
                                    f"/tenders/{pilot.submission_id}/descriptions",
                                    f"/tenders/{pilot.submission_id}/descriptions/{pilot.description_id}/preview"]),
                        (admin, ["/ministry/pilots", f"/reports/{report.id}", f"/pilots/contracts/{pilot.submission_id}"])):
        client = login(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            page = body(response)
            assert "style=" not in page and "<script" not in page, path
            assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_the_admin_procurement_page_has_a_pilots_section(flow, login, admin):
    """Does Jotpa's procurement page list the pilots, linking to them and the ministry view?"""
    call, _, pilot = flow.delivery()
    page = body(login(admin).get(f"/admin/calls/{call.id}"))
    assert 'id="section-pilots"' in page and f"/pilots/{pilot.id}" in page and "/ministry/pilots" in page
