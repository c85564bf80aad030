"""Who sees the ranking, and the exports that carry the same numbers."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from workflow.engine import fire
from workflow.errors import WorkflowError
from workflow.evaluation import decisions, exports
from workflow.evaluation.explain import formula_lines
from workflow.evaluation import queries as q
from workflow.evaluation.ranking import ranking_view


@pytest.fixture
def decided_call(evaluated_call):
    """Three applications scored by two evaluators each and evaluated, ready for the funding
    proposal (support.evaluation's evaluated_call: the third is under the funding line, its
    evaluators disagreeing on Need)."""
    call, apps, _team = evaluated_call()
    return call, apps


def test_who_sees_the_ranking(session, admin, decided_call, make_user, evaluators):
    """Administrators see everything at once; applicants see their own points and everyone's
    positions only after the decision; evaluators and outsiders see nothing."""
    call, apps = decided_call
    full = ranking_view(session, call, admin)
    assert full["visibility"] == "full" and len(full["entries"]) == 3
    assert full["entries"][2]["criteria"][0]["evaluator_scores"] == ["1.00", "5.00"]
    assert full["entries"][2]["criteria"][0]["disagreement"] is True
    applicant = apps[0].created_by
    assert ranking_view(session, call, applicant) is None          # not decided yet
    decisions.apply_funding_proposal(session, admin, call)
    fire(session, call, "decide", admin)
    own = ranking_view(session, call, applicant)
    assert own["visibility"] == "own"
    mine, *others = own["entries"]
    assert mine["own"] and mine["criteria"][0]["points"] == "27.00"
    assert "evaluator_scores" not in mine["criteria"][0]
    for other in others:
        assert set(other) == {"position", "organisation", "total", "outcome", "own"}
    for outsider in (make_user("applicant"), evaluators(1)[0], None):
        assert ranking_view(session, call, outsider) is None
    evaluator = apps[0].assignments[0].evaluator
    assert ranking_view(session, call, evaluator) is None


def test_the_xlsx_export_has_the_ranking_numbers(session, admin, decided_call):
    """Does the XLSX open with openpyxl and show the same numbers as the ranking function?"""
    call, apps = decided_call
    view = ranking_view(session, call, admin)
    book = load_workbook(io.BytesIO(exports.summary_xlsx(session, admin, call, "en")))
    sheet = book["Ranking"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Position", "Submission", "Organisation")
    total_col = header.index("Total points")
    for entry, row in zip(view["entries"], rows[1:]):
        assert row[0] == entry["position"] and row[1] == entry["submission_id"]
        assert Decimal(str(row[total_col])) == Decimal(entry["total"])
        for i, line in enumerate(entry["criteria"]):
            assert Decimal(str(row[6 + i])) == Decimal(line["points"])
        assert Decimal(str(row[header.index("Requested or granted amount (€)")])) == \
            Decimal(entry["amount"])
    assert len(rows) == 1 + len(view["entries"])
    assert "evaluators disagree" in rows[3][-1]
    assert [r[0] for r in book["Formulas"].iter_rows(values_only=True)] == formula_lines(
        call, q.criteria_of(session, call.id), q.settings_of(session, call.id), "en")
    assert book["Criteria"].max_row == 1 + len(q.criteria_of(session, call.id))


def test_the_csv_export_has_the_same_numbers(session, admin, decided_call):
    call, apps = decided_call
    view = ranking_view(session, call, admin)
    text = exports.summary_csv(session, admin, call, "fi").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Sijoitus"
    assert [r[-6] for r in rows[1:]] == [e["total"] for e in view["entries"]]
    assert rows[1][2] == apps[0].organisation.name


def test_only_administrators_export(session, decided_call, make_user):
    call, apps = decided_call
    for user in (apps[0].created_by, make_user("evaluator")):
        for export in (exports.summary_csv, exports.summary_xlsx):
            with pytest.raises(WorkflowError) as refusal:
                export(session, user, call)
            assert refusal.value.code == "not_allowed"


def test_a_jotpa_export_has_price_columns(session, admin, tenders, qualify, evaluators, review):
    call, (t1, t2) = tenders("50000", "40000")
    qualify(t1)
    qualify(t2)
    fire(session, call, "start_comparison", admin)
    for evaluator in evaluators(2):
        review(t1, evaluator, {"Plan quality": 4, "Framework use": 4})
        review(t2, evaluator, {"Plan quality": 3, "Framework use": 3})
    book = load_workbook(io.BytesIO(exports.summary_xlsx(session, admin, call, "sv")))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    # ... quality points, price, price points, total, meets every minimum, notes.
    assert [(r[1], Decimal(str(r[-5])), Decimal(str(r[-4])), Decimal(str(r[-3])))
            for r in rows[1:]] == [(t1.id, 50000, 32, 80), (t2.id, 40000, 40, 76)]


def test_decision_documents_and_reasons_reach_only_their_organisation(session, admin,
                                                                      decided_call, make_user):
    """Is a funding decision printable for its own organisation once decided (and for
    administrators), and hidden from everybody else?"""
    from workflow.evaluation.qualification import checks_view

    call, apps = decided_call
    own = apps[2].created_by
    assert decisions.decision_document(session, own, apps[2], "fi") is None   # not decided yet
    assert decisions.decision_document(session, admin, apps[2], "sv") is not None
    decisions.apply_funding_proposal(session, admin, call)
    document = decisions.decision_document(session, own, apps[2], "sv")
    assert "avslagits" in document.text and "finansieringsgränsen" in document.text
    for outsider in (apps[0].created_by, make_user("evaluator"), None):
        assert decisions.decision_document(session, outsider, apps[2], "fi") is None
    assert [c["passed"] for c in checks_view(session, own, apps[2])] == [True, True]
    assert checks_view(session, apps[0].created_by, apps[2]) is None
