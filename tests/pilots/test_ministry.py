"""The ministry's view across pilots: the table, the charts with their table alternatives,
and the CSV export."""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from support.pilots import description

from models import Pilot, Report
from workflow.engine import fire
from workflow.errors import WorkflowError
from workflow.pilots import ministry
from workflow.pilots.delivery import add_cohort, update_cohort
from workflow.pilots.reports import update_report
from workflow.pilots.rules import report_framework

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def three_pilots(session, flow, admin):
    """Two suppliers' pilots with different workloads and completion, one final report in."""
    call = flow.procurement()
    first = flow.bidder("university", name="Itä-Suomen yliopisto")
    second = flow.bidder("vocational_provider", name="Koskilaakson koulutus <&>")
    tenders = [
        flow.tender(call, first, price="40000", descriptions=[
            description(), description(title="Data-analytiikka", workload={"value": 10, "unit": "ects"})]),
        flow.tender(call, second, price="45000", descriptions=[
            description(title="=Hitsaus", workload={"value": 15, "unit": "osp"}, level="4")])]
    flow.contract(call, tenders, winners=2)
    flow.at(2024, 8, 1, 9, 0)
    fire(session, call, "start_pilot_delivery", admin)
    pilots = session.query(Pilot).filter_by(call_id=call.id).order_by(Pilot.id).all()
    figures = [(24, 20), (30, 15), (10, 9)]
    flow.at(2024, 12, 2, 9, 0)
    for pilot, (started, completed) in zip(pilots, figures):
        supplier = first if pilot.submission_id == tenders[0].id else second
        cohort = add_cohort(session, supplier, pilot, name="Syksy", planned_start="2024-09-02",
                            planned_end="2024-11-29", participants_approved=started)
        update_cohort(session, supplier, cohort, actual_start="2024-09-02", actual_end="2024-11-29",
                      participants_started=started, participants_completed=completed)
    fire(session, call, "start_final_reporting", admin)
    report = session.query(Report).filter_by(pilot_id=pilots[2].id, report_type="final").one()
    feedback = {k: {"rating": "worked"} for k in report_framework(report).keys}
    feedback["workload"] = {"rating": "did_not", "comment": "Osaamispisteiden mitoitus epäselvä."}
    feedback["level"] = {"rating": "partly", "comment": "NQF-taso puuttuu."}
    update_report(session, second, report, {"feedback_summary": "Hyvä.", "framework_feedback": feedback})
    fire(session, report, "submit", second)
    return pilots


def test_every_pilot_side_by_side(session, admin, three_pilots):
    """Does the table show each pilot with its supplier, workload and completion rate?"""
    rows = ministry.pilot_rows(session, admin, "fi")
    assert [r["completion_rate"] for r in rows] == [round(20 / 24, 4), 0.5, 0.9]
    assert rows[2]["workload"] == "15 osaamispistettä (osp)" and rows[2]["workload_credits"] == 15.0
    assert rows[2]["final_report"] == "Jätetty" and rows[2]["problem_elements"] == 2


def test_charts_render_with_title_description_and_table(session, admin, three_pilots):
    """Does every chart parse as SVG, carry a <title> and <desc>, and have a table with the
    same numbers?"""
    charts = ministry.charts(session, admin, "en")
    assert [c["id"] for c in charts] == ["completion-rate", "workload-completion", "problem-elements"]
    for chart in charts:
        root = ET.fromstring(chart["svg"])
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        assert root.find(f"{SVG}title").text == chart["title"]
        assert root.find(f"{SVG}desc").text == chart["description"]
        assert chart["table"]["rows"] and len(chart["table"]["columns"]) == len(chart["table"]["rows"][0])
    completion, workload, elements = charts
    assert len(ET.fromstring(completion["svg"]).findall(f"{SVG}g")) == 3
    assert completion["table"]["rows"][1][-1] == "50.0%"
    assert len(ET.fromstring(workload["svg"]).findall(f".//{SVG}circle")) == 3
    assert [r[0] for r in elements["table"]["rows"]] == ["Notional workload", "Level (EQF/NQF)"]
    assert elements["table"]["rows"][0][1:] == [1, 0, 0]
    # Labels with markup characters are escaped, not injected.
    assert "Koskilaakson koulutus &lt;&amp;&gt;" in completion["svg"]


def test_charts_without_pilots_still_render(session, admin):
    """Do the charts render (empty) before any pilot exists?"""
    for chart in ministry.charts(session, admin, "sv"):
        ET.fromstring(chart["svg"])
        assert chart["table"]["rows"] == []


def test_the_csv_export_has_every_pilot_and_is_safe_in_a_spreadsheet(session, admin, three_pilots):
    """Does the CSV export list every pilot under translated headers, with a cell that looks
    like a formula defused?"""
    text = ministry.csv_export(session, admin, "sv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Pilot", "Upphandling", "Leverantör", "Mikromerit"]
    assert len(rows) == 4
    assert rows[3][3] == "'=Hitsaus"
    assert rows[1][rows[0].index("Slutförandegrad")] == str(round(20 / 24, 4))


def test_only_administrators_read_across_pilots(session, flow):
    """Can a supplier read the ministry's cross-pilot view?"""
    with pytest.raises(WorkflowError) as caught:
        ministry.overview(session, flow.bidder(), "fi")
    assert caught.value.code == "not_allowed"
