"""The ministry view: every pilot side by side, three server-rendered charts with their table
alternatives, and the CSV export; for administrators only."""
from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from support.pilots import description
from support.web import body

from models import Pilot, Report
from workflow.engine import fire
from workflow.pilots.delivery import add_cohort, update_cohort
from workflow.pilots.reports import update_report

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def reported(flow, session, admin):
    """Two pilots in delivery with ended cohorts, one interim report with framework feedback."""
    call = flow.procurement()
    supplier = flow.bidder("university_of_applied_sciences", name="Tampereen ammattikorkeakoulu")
    tender = flow.tender(call, supplier, descriptions=[
        description(), description(title="Datan visualisointi", workload={"value": 3, "unit": "ects"})])
    flow.contract(call, [tender])
    flow.at(2024, 8, 1, 9, 0)
    fire(session, call, "start_pilot_delivery", admin)
    pilots = session.query(Pilot).filter_by(call_id=call.id).order_by(Pilot.id).all()
    flow.at(2024, 12, 2, 9, 0)
    for pilot, completed in zip(pilots, (20, 12)):
        cohort = add_cohort(session, supplier, pilot, name="Syksy", planned_start="2024-09-02",
                            planned_end="2024-11-29", participants_approved=25)
        update_cohort(session, supplier, cohort, actual_start="2024-09-02", actual_end="2024-11-29",
                      participants_started=24, participants_completed=completed)
    interim = session.query(Report).filter_by(pilot_id=pilots[0].id, report_type="interim").one()
    update_report(session, supplier, interim, {
        "feedback_summary": "Hyvä.", "framework_feedback": {
            "quality_assurance": {"rating": "did_not", "comment": "Ohje epäselvä."},
            "workload": {"rating": "partly", "comment": "Vaihteli <paljon>."}}})
    fire(session, interim, "submit", supplier)
    return supplier, pilots


def test_the_ministry_view_shows_every_pilot_and_three_charts_with_tables(reported, login, admin):
    """Does an administrator see every pilot side by side and three charts, each an SVG that
    parses as XML with a title and description, followed by its table alternative, and can
    the table be downloaded as CSV?"""
    _, pilots = reported
    client = login(admin)
    response = client.get("/ministry/pilots")
    assert response.status_code == 200
    page = body(response)
    assert "Tekoäly asiakastyössä" in page and "Datan visualisointi" in page
    svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    assert len(svgs) == 3
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
    # Each chart has a table alternative with its numbers; the comment's markup is escaped.
    for chart_id in ("completion-rate", "workload-completion", "problem-elements"):
        section = page.split(f'id="chart-{chart_id}"', 1)[1].split("</section>", 1)[0]
        assert "<svg" in section and "<table" in section, chart_id
    assert "83,3" in page  # 20 of 24 completed, Finnish style
    assert "Vaihteli &lt;paljon&gt;." in page
    assert "<script" not in page and "style=" not in page

    response = client.get("/ministry/pilots.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body(response))))
    assert len(rows) == 1 + len(pilots)
    assert rows[0][0] == "Pilotti"


@pytest.mark.parametrize("role", ["applicant", "evaluator"])
def test_only_administrators_see_the_ministry_view(role, login, make_user, anonymous):
    """Are applicants and evaluators refused (403) and anonymous visitors sent to sign in?"""
    client = login(make_user(role))
    assert client.get("/ministry/pilots").status_code == 403
    assert client.get("/ministry/pilots.csv").status_code == 403
    response = anonymous.get("/ministry/pilots")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_ministry_view_with_no_pilots_yet(login, admin):
    """Does the page render, charts included, before any pilot exists?"""
    page = body(login(admin).get("/ministry/pilots"))
    assert len(re.findall(r"<svg\b", page)) == 3
