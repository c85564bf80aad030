"""A whole Jotpa procurement through the engine: opening record, qualification with an
exclusion, comparison, reasoned decision, standstill past Midsummer, contract."""
from __future__ import annotations

import datetime as dt

import pytest

from workflow.engine import fire, history
from workflow.errors import WorkflowError
from workflow.evaluation import decisions
from workflow.evaluation.ranking import build_ranking, ranking_view
from workflow.permissions import can_read_content

from support import helsinki
from support.evaluation import quality
from support.mail import send_mail


def test_a_procurement_from_opening_to_contract(session, clock, admin, evaluators, review,
                                                qualify, tenders):
    """Can Jotpa open four tenders at the deadline with a record of their hashes, exclude one
    with a reason, compare the rest by price and quality, decide with every bidder's points,
    deliver the decision on Friday 7.6.2024, and sign only after the standstill ends on Monday
    24.6.2024 (day 14 is Midsummer Eve)?"""
    call, (t1, t2, t3, t4) = tenders("50000", "40000", "64000", "20000")

    record = decisions.opening_record(session, call)
    assert record.opened_by is None and record.opened_at == call.deadline
    assert [(t.submission_id, t.sha256) for t in record.tenders] == [
        (t.id, t.content_sha256) for t in (t1, t2, t3, t4)]
    assert all(len(t.sha256) == 64 for t in record.tenders)

    qualify(t4, failing="Verovelkaa, todistus puuttuu (hankintalaki 81 §).")
    assert t4.state == "excluded"
    assert "Verovelkaa" in history(session, t4)[-1].comment
    for tender in (t1, t2, t3):
        qualify(tender)
    fire(session, call, "start_comparison", admin)

    team = evaluators(2)
    marks = {t1: [(3, 5), (4, 5)], t2: [(2, 2), (2, 2)], t3: [(5, 5), (5, 5)]}
    for tender, given in marks.items():
        for evaluator, values in zip(team, given):
            review(tender, evaluator, quality(*values))
    # t1: 28 + 20 + 32 = 80; t2: 16 + 8 + 40 = 64; t3: 40 + 20 + 25 = 85.
    # The excluded 20 000 € tender does not set the lowest price.
    ranking = build_ranking(session, call)
    assert [(r.submission.id, str(r.result.total)) for r in ranking.rows] == [
        (t3.id, "85"), (t1.id, "80"), (t2.id, "64")]
    assert not any(r.result.abnormally_low for r in ranking.rows)

    # Awarding out of ranking order is refused at the decision.
    for tender in (t1, t2, t3):
        fire(session, tender, "score", admin)
    fire(session, t1, "award", admin)
    fire(session, t2, "not_award", admin)
    fire(session, t3, "not_award", admin)
    with pytest.raises(WorkflowError) as refusal:
        fire(session, call, "decide", admin)
    assert refusal.value.code == "invalid_transition"
    assert "ranking" in refusal.value.message("en")


def test_awards_by_ranking_then_decision_standstill_and_contract(session, clock, admin,
                                                                 compared_procurement):
    call, (t1, t2, t3, t4), team = compared_procurement()
    decisions.award_by_ranking(session, admin, call)
    assert [t.state for t in (t1, t2, t3, t4)] == ["not_awarded", "not_awarded", "awarded",
                                                   "excluded"]
    clock.set(helsinki(2024, 6, 7, 10, 0))
    fire(session, call, "decide", admin,
         comment="Kokonaistaloudellisesti edullisin tarjous hinta-laatusuhteen perusteella.")

    # Before delivery the bidders see no ranking; the decision document previews the standstill.
    assert ranking_view(session, call, t1.created_by) is None
    fire(session, call, "deliver_decision", admin)
    send_mail(session)  # the letters leave at once: the standstill counts from 7.6.
    assert call.standstill_last_day == dt.date(2024, 6, 24)

    doc = decisions.procurement_decision_document(session, call, t1, "en").text
    assert "Your tender has not been chosen." in doc
    assert "The contract is awarded to: Tarjoaja 3." in doc
    assert "2. Tarjoaja 1: 80.00 points (your tender)" in doc
    assert "1. Tarjoaja 3: 85.00 points" in doc and "Tarjoaja 4: excluded" in doc
    assert "Plan quality: score 3.50 on the scale 0–5, 28.00 of 40.00 points" in doc
    assert "Price: offered price €50,000.00, 32.00 of 40.00 points" in doc
    # The rule, not days: the period counts from the letters' sending, which comes later.
    assert "A standstill period of 14 days runs from the delivery of this decision" in doc
    assert "Market Court" in doc and "14 days" in doc and "rectification" in doc
    assert "Kokonaistaloudellisesti edullisin" in doc
    assert "64,000" not in doc and "40,000.00" not in doc  # nobody else's price
    excluded = decisions.procurement_decision_document(session, call, t4, "fi").text
    assert "Verovelkaa" in excluded
    assert "14 päivän odotusaika" in excluded and "markkinaoikeu" in excluded.lower()
    letters = decisions.decision_letters(session, call)
    assert {out.submission.id for out in letters} == {t1.id, t2.id, t3.id, t4.id}

    # The bidder now sees its own points and the positions, not others' prices or points.
    view = ranking_view(session, call, t1.created_by)
    own = next(e for e in view["entries"] if e["own"])
    other = next(e for e in view["entries"] if not e["own"])
    assert own["price"] == "50000.00" and own["price_points"] == "32.00"
    assert set(other) == {"position", "organisation", "total", "outcome", "own"}
    assert ranking_view(session, call, team[0]) is None
    assert can_read_content(admin, t1) and not can_read_content(t2.created_by, t1)

    # The contract waits for the standstill: refused on Monday 24.6, signed on Tuesday 25.6.
    clock.set(helsinki(2024, 6, 24, 23, 59))
    with pytest.raises(WorkflowError) as refusal:
        fire(session, call, "sign_contract", admin)
    assert refusal.value.code == "standstill_not_over"
    clock.set(helsinki(2024, 6, 25, 0, 0))
    fire(session, call, "sign_contract", admin)
    assert call.state == "contracted"
    assert decisions.standstill(session, call).contract_from == dt.date(2024, 6, 25)


def test_a_tender_is_scored_only_with_complete_quality_scores(session, admin, evaluators,
                                                              review, qualify, tenders):
    """Can a tender's scores be recorded before two evaluators have scored it? No."""
    call, (t1, t2) = tenders("50000", "40000")
    qualify(t1)
    qualify(t2)
    fire(session, call, "start_comparison", admin)
    first, second = evaluators(2)
    review(t1, first, quality(4, 4))
    with pytest.raises(WorkflowError) as refusal:
        fire(session, t1, "score", admin)
    assert refusal.value.code == "evaluations_incomplete"
    review(t1, second, quality(4, 3))
    fire(session, t1, "score", admin)
    assert t1.state == "scored"


def test_comparison_needs_a_qualified_tender(session, admin, qualify, tenders):
    call, (t1,) = tenders("50000")
    qualify(t1, failing="Ei kokemusta.")
    with pytest.raises(WorkflowError) as refusal:
        fire(session, call, "start_comparison", admin)
    assert refusal.value.code == "invalid_transition"
