"""The formulas by hand-computed examples (README.md in workflow/evaluation shows the same)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from fractions import Fraction

import pytest

from workflow.evaluation.aggregation import (CriterionSpec, Entry, abnormally_low, display,
                                             evaluate, funding_line, max_total, price_points,
                                             rank, scored_points)

NEED = CriterionSpec(1, "scored", D(30), 0, 5, threshold=D(2), position=0)
IMPLEMENTATION = CriterionSpec(2, "scored", D(30), 0, 5, position=1)
IMPACT = CriterionSpec(3, "scored", D(25), 0, 5, position=2)
HORIZONTAL = CriterionSpec(4, "scored", D(15), 0, 3, position=3)
ESR = [NEED, IMPLEMENTATION, IMPACT, HORIZONTAL]

PLAN = CriterionSpec(11, "scored", D(40), 0, 5, position=0)
FRAMEWORK = CriterionSpec(12, "scored", D(20), 0, 5, position=1)
PRICE = CriterionSpec(13, "price", D(40), position=2)
JOTPA = [PLAN, FRAMEWORK, PRICE]


def esr_entry(sid: int, need, implementation, impact, horizontal, **kw) -> Entry:
    return Entry(sid, {1: need, 2: implementation, 3: impact, 4: horizontal}, **kw)


def test_weighted_total_by_hand():
    """Is an ESR application's total the weighted sum worked out on paper?

    Need (4, 5): mean 4.5 → 30 × 4.5 / 5 = 27; Implementation (3, 3) → 18;
    Impact (4, 2): mean 3 → 15; Horizontal (2, 3) on 0–3: mean 2.5 → 15 × 2.5 / 3 = 12.5.
    Total 72.5 of 100."""
    [result] = evaluate(ESR, [esr_entry(1, [4, 5], [3, 3], [4, 2], [2, 3])])
    assert [line.points for line in result.criteria] == [27, 18, 15, Fraction(25, 2)]
    assert result.total == Fraction(145, 2)
    assert result.max_total == 100
    assert display(result.total) == D("72.50")
    assert result.rankable


def test_a_consensus_score_replaces_the_mean_for_its_criterion():
    """When an administrator sets a consensus score, does it count instead of the mean?"""
    entry = Entry(1, {1: [1, 5], 2: [3, 3], 3: [4, 2], 4: [2, 3]}, consensus={1: D(4)})
    [result] = evaluate(ESR, [entry])
    need = result.line(1)
    assert need.from_consensus and need.score == 4 and need.points == 24
    assert need.disagreement  # the evaluators still disagreed (1 vs 5); the flag stays
    assert result.total == 24 + 18 + 15 + Fraction(25, 2)


def test_disagreement_is_more_than_the_margin_of_the_scale():
    """Do evaluators disagree only when their scores differ by more than 40 % of the scale?"""
    [result] = evaluate(ESR, [esr_entry(1, [1, 3], [1, 4], [5, 5], [0, 2])])
    # 0–5: margin 2 points: 2 apart is not, 3 apart is; 0–3: margin 1.2: 2 apart is.
    assert [line.disagreement for line in result.criteria] == [False, True, False, True]


def test_price_points_by_hand():
    """Do price points follow lowest / offered × maximum (40 000, 50 000, 64 000 → 40, 32, 25)?"""
    assert price_points(40000, 40000, 40) == 40
    assert price_points(40000, 50000, 40) == 32
    assert price_points(40000, 64000, 40) == 25
    assert display(price_points(D("40000"), D("48000"), 40)) == D("33.33")
    with pytest.raises(ValueError):
        price_points(40000, 0, 40)


def test_a_tender_total_is_quality_plus_price_points():
    """Plan (3, 4): 3.5 → 28; Framework (5, 5) → 20; price 50 000 vs lowest 40 000 → 32.
    Total 80 of 100."""
    results = evaluate(JOTPA, [Entry(1, {11: [3, 4], 12: [5, 5]}, price=D(50000)),
                               Entry(2, {11: [2, 2], 12: [2, 2]}, price=D(40000))])
    first = results[0]
    assert (first.quality_points, first.price_points, first.total) == (48, 32, 80)
    assert results[1].price_points == 40
    assert max_total(JOTPA) == 100


def test_a_tender_without_a_price_is_incomplete():
    """Can a tender without a valid price be ranked above the others? No."""
    results = evaluate(JOTPA, [Entry(1, {11: [5], 12: [5]}, price=None),
                               Entry(2, {11: [1], 12: [1]}, price=D(1))])
    assert not results[0].complete and results[1].complete
    assert [r.result.submission_id for r in rank(results, JOTPA)] == [2, 1]


def test_abnormally_low_is_more_than_30_percent_under_the_mean_of_the_others():
    """Is a price flagged when under 0.7 × the mean of the other prices, and only then?"""
    # Others of 30 000: mean (50 000 + 70 000) / 2 = 60 000 → limit 42 000.
    assert abnormally_low({1: 30000, 2: 50000, 3: 70000}) == {1}
    assert abnormally_low({1: 42000, 2: 50000, 3: 70000}) == set()
    assert abnormally_low({1: 41999, 2: 50000, 3: 70000}) == {1}
    assert abnormally_low({1: 10000}) == set()


def test_a_submission_under_a_minimum_ranks_below_all_that_meet_them():
    """Does an application under a criterion's minimum stay below one with a lower total?"""
    strong_but_short = esr_entry(1, [1, 2], [5, 5], [5, 5], [3, 3])   # Need 1.5 < 2
    modest = esr_entry(2, [2, 2], [2, 2], [2, 2], [1, 1])
    results = evaluate(ESR, [strong_but_short, modest])
    assert results[0].total > results[1].total
    assert results[0].below_threshold and not results[0].rankable
    ranked = rank(results, ESR)
    assert [r.result.submission_id for r in ranked] == [2, 1]
    assert ranked[1].separated_by == "rankable"


def test_a_score_on_the_minimum_meets_it():
    [result] = evaluate(ESR, [esr_entry(1, [2, 2], [0, 0], [0, 0], [0, 0])])
    assert not result.below_threshold


def test_ties_go_to_the_heaviest_criterion_then_the_earlier_receipt():
    """Equal totals: does the higher score on the most heavily weighted criterion come first,
    and with everything equal the earlier receipt?"""
    heavy = CriterionSpec(1, "scored", D(40), 0, 5, position=2)
    light_a = CriterionSpec(2, "scored", D(20), 0, 5, position=0)
    light_b = CriterionSpec(3, "scored", D(20), 0, 5, position=1)
    specs = [heavy, light_a, light_b]
    early = dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)
    late = early + dt.timedelta(hours=1)
    entries = [Entry(1, {1: [3], 2: [5], 3: [0]}, received_at=early),   # 24 + 20 + 0 = 44
               Entry(2, {1: [4], 2: [1], 3: [2]}, received_at=late),    # 32 + 4 + 8 = 44
               Entry(3, {1: [4], 2: [1], 3: [2]}, received_at=early)]   # the same, earlier
    ranked = rank(evaluate(specs, entries), specs)
    assert [r.result.total for r in ranked] == [44, 44, 44]
    assert [r.result.submission_id for r in ranked] == [3, 2, 1]
    assert [r.separated_by for r in ranked] == [None, "received_at", "criterion:1"]
    assert [r.position for r in ranked] == [1, 2, 3]


def test_jotpa_ties_go_to_quality_first():
    """Equal totals in a procurement: does the better quality win over the lower price?"""
    results = evaluate(JOTPA, [Entry(1, {11: [5], 12: [5]}, price=D(50000)),   # 60 + 32 = 92
                               Entry(2, {11: [4], 12: [3]}, price=D(40000)),   # 32 + 12 + 40 = 84
                               Entry(3, {11: [4], 12: [4]}, price=D(40000))])  # 32 + 16 + 40 = 88
    assert [r.total for r in results] == [92, 84, 88]
    tie = evaluate(JOTPA, [Entry(1, {11: [4], 12: [4]}, price=D(40000)),       # 48 + 40 = 88
                           Entry(2, {11: [5], 12: [4]}, price=D(50000))])      # 56 + 32 = 88
    ranked = rank(tie, JOTPA)
    assert [r.result.submission_id for r in ranked] == [2, 1]
    assert ranked[1].separated_by == "quality_points"


def test_rounding_is_half_up_and_only_for_display():
    """Is 1.005 shown as 1.01 (not banker's 1.00), 2/3 as 0.67, while computing stays exact?"""
    assert display(Fraction(201, 200)) == D("1.01")
    assert display(Fraction(2, 3)) == D("0.67")
    assert display(D("-1.005")) == D("-1.01")
    assert display(None) is None
    assert scored_points(HORIZONTAL, 1) == 5
    assert scored_points(CriterionSpec(9, "scored", D(10), 0, 3), 1) == Fraction(10, 3)


def test_scores_outside_the_scale_are_refused():
    with pytest.raises(ValueError):
        evaluate(ESR, [esr_entry(1, [6], [1], [1], [1])])
    with pytest.raises(ValueError):
        evaluate(ESR, [Entry(1, {1: [1]}, consensus={4: 4})])


def test_the_funding_line_falls_where_the_budget_runs_out():
    """Budget 500 000: 250 000 + 200 000 fit; the next 150 000 does not and draws the line,
    and a 40 000 application below it stays under the line too."""
    specs = [CriterionSpec(1, "scored", D(100), 0, 5)]
    results = evaluate(specs, [Entry(i, {1: [s]}) for i, s in
                               ((1, 5), (2, 4), (3, 3), (4, 2), (5, 0))])
    ranked = rank(results, specs)
    amounts = {1: D(250000), 2: D(200000), 3: D(150000), 4: D(40000), 5: None}
    rows = funding_line(ranked, amounts, D(500000))
    assert [(r.submission_id, r.funded, r.reason) for r in rows] == [
        (1, True, None), (2, True, None), (3, False, "budget"), (4, False, "budget"),
        (5, False, "amount_missing")]
    assert rows[1].cumulative == D(450000)
    assert all(r.funded for r in funding_line(ranked, {**amounts, 5: D(1)}, None))


def test_points_are_exact_whatever_form_the_scores_come_in():
    """Is a criterion's score, and the points it gives, the exact fraction whether the scores
    come as Decimals (4.0 and 4 alike), ints or fractions, whole or not, and with a scale that
    does not start at 0?"""
    odd = CriterionSpec(7, "scored", D("33.33"), 0, 5)
    from_one = CriterionSpec(8, "scored", D(15), 1, 4)
    [result] = evaluate([odd, from_one], [Entry(1, {
        7: [D("4.0"), 5, Fraction(9, 2)],                  # mean 4.5
        8: [D(2), D(3), 2]})])                             # mean 7/3
    need, horizontal = result.criteria
    assert need.score == Fraction(9, 2) and need.points == Fraction("29.997")
    assert horizontal.score == Fraction(7, 3)
    assert horizontal.points == 15 * (Fraction(7, 3) - 1) / 3 == Fraction(20, 3)
    assert result.total == Fraction("29.997") + Fraction(20, 3)
    assert all(type(v) is Fraction for line in result.criteria
               for v in (line.score, line.points, *line.evaluator_scores))
    assert display(result.total) == D("36.66")
    # The scale's ends are in it; a half point past them is not.
    assert scored_points(from_one, 1) == 0 and scored_points(from_one, D("4.00")) == 15
    for outside in (Fraction(1, 2), D("4.5"), 5):
        with pytest.raises(ValueError):
            scored_points(from_one, outside)
