"""The ranking page, its downloads, the funding proposal (ESR), the opening record and awards
by ranking (Jotpa)."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from markupsafe import escape
from openpyxl import load_workbook

from workflow.engine import fire
from workflow.evaluation import formatting as fmt
from workflow.evaluation.aggregation import display
from workflow.evaluation.explain import formula_lines
from workflow.evaluation import queries as q
from workflow.evaluation.ranking import build_ranking
from workflow.i18n import translate
from workflow.web.evaluation.common import FLAG_LABELS, SEPARATED_BY

from support.evaluation import quality
from support.mail import send_mail
from support.web import body, cell


def test_the_ranking_page_shows_the_numbers_of_build_ranking(session, admin, evaluated_call,
                                                             login):
    """Does the ranking page show, for every entry, the position, each criterion's points and
    the total that build_ranking computes (rounded half up to two decimals, the Finnish way),
    the flags, the funding line, the tie-break rule and the formulas?"""
    call, apps, _team = evaluated_call()
    page = body(login(admin).get(f"/evaluation/calls/{call.id}/ranking"))
    ranking = build_ranking(session, call)
    assert [r.submission.id for r in ranking.rows] == [a.id for a in apps]
    for row in ranking.rows:
        sid = row.submission.id
        assert cell(page, f"entry-{sid}-position") == str(row.ranked.position)
        assert cell(page, f"entry-{sid}-total") == fmt.points(row.result.total, "fi")
        for line in row.result.criteria:
            assert cell(page, f"entry-{sid}-c{line.criterion_id}") == fmt.points(line.points, "fi")
    assert cell(page, f"entry-{apps[0].id}-total") == "94,50"
    assert cell(page, f"entry-{apps[1].id}-rule") == translate(SEPARATED_BY["total"], "fi")
    assert translate(FLAG_LABELS["disagreement"], "fi") in cell(page, f"entry-{apps[2].id}")
    line = cell(page, "funding-line")
    assert "500 000,00" in line and "450 000,00" in line
    # The funding line stands between the second and the third application.
    assert page.index(f'id="entry-{apps[1].id}"') < page.index('id="funding-line"') < \
        page.index(f'id="entry-{apps[2].id}"')
    settings = q.settings_of(session, call.id)
    for text in formula_lines(call, q.criteria_of(session, call.id), settings, "fi"):
        assert str(escape(text)) in page


def test_the_xlsx_download_has_the_numbers_of_the_page(session, admin, evaluated_call, login):
    """Does the Excel download open with openpyxl and carry the same positions, points per
    criterion and totals as the ranking page?"""
    admin.locale = "en"
    call, apps, _team = evaluated_call()
    client = login(admin)
    page = body(client.get(f"/evaluation/calls/{call.id}/ranking"))
    download = client.get(f"/evaluation/calls/{call.id}/ranking.xlsx")
    assert download.status_code == 200
    assert download.mimetype == ("application/vnd.openxmlformats-officedocument."
                                 "spreadsheetml.sheet")
    assert "attachment" in download.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(download.data))
    rows = list(book["Ranking"].iter_rows(values_only=True))
    header = rows[0]
    point_criteria = [c for c in q.criteria_of(session, call.id) if c.kind == "scored"]
    total_col = header.index("Total points")
    assert len(rows) == 1 + len(apps)
    for row in rows[1:]:
        position, sid = row[0], row[1]
        assert cell(page, f"entry-{sid}-position") == str(position)
        assert cell(page, f"entry-{sid}-total") == fmt.points(Decimal(str(row[total_col])), "en")
        for c in point_criteria:
            value = row[header.index(c.label("en"))]
            assert cell(page, f"entry-{sid}-c{c.id}") == fmt.points(Decimal(str(value)), "en")
    assert [r[0] for r in book["Formulas"].iter_rows(values_only=True)] == formula_lines(
        call, q.criteria_of(session, call.id), q.settings_of(session, call.id), "en")


def test_the_csv_download(session, admin, evaluated_call, login):
    """Is the CSV download UTF-8 with a header row and the same totals?"""
    admin.locale = "en"
    call, apps, _team = evaluated_call()
    download = login(admin).get(f"/evaluation/calls/{call.id}/ranking.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8"))))
    total = rows[0].index("Total points")
    ranking = build_ranking(session, call)
    assert [r[total] for r in rows[1:]] == [str(display(r.result.total)) for r in ranking.rows]


def test_the_funding_proposal_is_applied_from_the_page(session, admin, evaluated_call, login):
    """Does the page propose approving the two applications above the funding line with their
    amounts and rejecting the third, and does applying it decide them?"""
    admin.locale = "en"
    call, apps, _team = evaluated_call()
    client = login(admin)
    page = body(client.get(f"/evaluation/calls/{call.id}/ranking"))
    assert "Approve: €250,000.00" in page and "Reject: Under the funding line" in page
    assert client.post(f"/evaluation/calls/{call.id}/funding-proposal").status_code == 302
    for app in apps:
        session.refresh(app)
    assert [a.state for a in apps] == ["approved", "approved", "rejected"]
    assert apps[0].granted_amount == Decimal("250000")
    again = client.post(f"/evaluation/calls/{call.id}/funding-proposal")
    assert again.status_code == 409


def test_opening_record_award_and_standstill(session, clock, admin, tenders, qualify,
                                            evaluators, review, login):
    """Does the opening record show who opened the tenders, when, and each tender's hash; can
    the tenders be awarded by the ranking from the page; and does the page show the
    standstill's last day and the first contract day once the decision is delivered?"""
    admin.locale = "en"
    call, (t1, t2, t3) = tenders("50000", "40000", "64000")
    client = login(admin)
    record = body(client.get(f"/evaluation/calls/{call.id}/opening"))
    for tender in (t1, t2, t3):
        assert tender.content_sha256 in record
    assert "the system, automatically at the deadline" in cell(record, "opened-by")
    for tender in (t1, t2, t3):
        qualify(tender)
    fire(session, call, "start_comparison", admin)
    team = evaluators(2)
    for tender, given in {t1: [(3, 5), (4, 5)], t2: [(2, 2), (2, 2)],
                          t3: [(5, 5), (5, 5)]}.items():
        for evaluator, values in zip(team, given):
            review(tender, evaluator, quality(*values))
    session.commit()
    page = body(client.get(f"/evaluation/calls/{call.id}/ranking"))
    assert cell(page, f"entry-{t3.id}-total") == "85.00"
    assert cell(page, f"entry-{t1.id}-total") == "80.00"
    assert cell(page, f"entry-{t1.id}-price") == "€50,000.00"
    assert "Award by the ranking" in page
    bad = client.post(f"/evaluation/calls/{call.id}/award", data={"winners": "zero"})
    assert bad.status_code == 422 and 'href="#field-winners"' in body(bad)
    assert client.post(f"/evaluation/calls/{call.id}/award",
                       data={"winners": "1"}).status_code == 302
    for tender in (t1, t2, t3):
        session.refresh(tender)
    assert [t.state for t in (t1, t2, t3)] == ["not_awarded", "not_awarded", "awarded"]

    clock.set(dt.datetime(2024, 6, 7, 7, 0, tzinfo=dt.timezone.utc))
    fire(session, call, "decide", admin, comment="Paras hinta-laatusuhde.")
    fire(session, call, "deliver_decision", admin)
    send_mail(session)
    session.commit()
    page = body(client.get(f"/evaluation/calls/{call.id}/ranking"))
    assert cell(page, "standstill-last-day") == "24 June 2024"
    assert cell(page, "contract-from") == "25 June 2024"


def test_esr_only_and_jotpa_only_pages(session, admin, esr_call, procurement, login):
    """Do the pages of the other kind of call answer 404 (an ESR call has no opening record or
    awards, a procurement no funding proposal)?"""
    esr, jotpa = esr_call(), procurement()
    client = login(admin)
    assert client.get(f"/evaluation/calls/{esr.id}/opening").status_code == 404
    award = client.post(f"/evaluation/calls/{esr.id}/award", data={"winners": "1"})
    assert award.status_code == 404
    assert client.post(f"/evaluation/calls/{jotpa.id}/funding-proposal").status_code == 404
    page = body(client.get(f"/evaluation/calls/{jotpa.id}/opening"))
    assert 'id="opened-at"' not in page                 # not opened yet
    assert client.get(f"/evaluation/calls/{jotpa.id}/ranking").status_code == 200
