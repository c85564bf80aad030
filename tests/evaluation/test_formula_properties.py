"""Properties of the formulas that must hold for any criteria and any scores (Hypothesis)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.evaluation.aggregation import CriterionSpec, Entry, evaluate, rank
from workflow.evaluation.proposals import Candidate, Need, propose

PROPERTY = settings(max_examples=150, deadline=None, database=None)
BASE = dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)


@st.composite
def criteria_lists(draw, with_price: bool | None = None) -> list[CriterionSpec]:
    n = draw(st.integers(1, 4))
    specs = []
    for i in range(n):
        low = draw(st.integers(0, 2))
        high = draw(st.integers(low + 1, 10))
        threshold = draw(st.none() | st.integers(low, high).map(Decimal))
        weight = draw(st.integers(1, 5000).map(lambda w: Decimal(w) / 100))
        specs.append(CriterionSpec(i + 1, "scored", weight, low, high, threshold, position=i))
    if with_price if with_price is not None else draw(st.booleans()):
        specs.append(CriterionSpec(99, "price", Decimal(draw(st.integers(1, 100))), position=n))
    return specs


@st.composite
def entries_for(draw, specs: list[CriterionSpec], min_size: int = 1) -> list[Entry]:
    has_price = any(s.kind == "price" for s in specs)
    count = draw(st.integers(min_size, 6))
    entries = []
    for sid in range(1, count + 1):
        scores, consensus = {}, {}
        for spec in specs:
            if spec.kind != "scored":
                continue
            scale = st.integers(spec.scale_min, spec.scale_max)
            scores[spec.id] = draw(st.lists(scale, min_size=1, max_size=4))
            if draw(st.integers(0, 4)) == 0:
                consensus[spec.id] = draw(scale)
        price = (Decimal(draw(st.integers(1, 10_000_000))) / 100) if has_price else None
        received = BASE + dt.timedelta(minutes=draw(st.integers(0, 5)))
        entries.append(Entry(sid, scores, consensus, price, received))
    return entries


@st.composite
def scenarios(draw, with_price: bool | None = None):
    specs = draw(criteria_lists(with_price))
    return specs, draw(entries_for(specs))


@PROPERTY
@given(scenarios(with_price=True))
def test_the_lowest_price_gets_the_maximum_price_points(scenario):
    """Does every tender at the lowest price get all the price points, and no other?"""
    specs, entries = scenario
    price = next(s for s in specs if s.kind == "price")
    results = evaluate(specs, entries)
    lowest = min(e.price for e in entries)
    for entry, result in zip(entries, results):
        assert (result.price_points == price.weight) == (entry.price == lowest)
        assert 0 < result.price_points <= price.weight


@PROPERTY
@given(scenarios())
def test_no_total_exceeds_the_maximum(scenario):
    """Is every total between 0 and the sum of the weights, and every criterion's points
    within its weight?"""
    specs, entries = scenario
    for result in evaluate(specs, entries):
        assert 0 <= result.total <= result.max_total
        for line in result.criteria:
            assert line.points is None or 0 <= line.points <= line.max_points


@PROPERTY
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_ranking_does_not_depend_on_the_order_of_entry(scenario, random):
    """Shuffling the submissions, and the order in which each criterion's scores were
    entered, gives the same ranking with the same totals."""
    specs, entries = scenario
    shuffled = []
    for entry in entries:
        scores = {}
        for key in random.sample(list(entry.scores), len(entry.scores)):
            values = list(entry.scores[key])
            random.shuffle(values)
            scores[key] = values
        shuffled.append(Entry(entry.submission_id, scores, entry.consensus, entry.price,
                              entry.received_at))
    random.shuffle(shuffled)
    before = [(r.result.submission_id, r.result.total, r.separated_by)
              for r in rank(evaluate(specs, entries), specs)]
    after = [(r.result.submission_id, r.result.total, r.separated_by)
             for r in rank(evaluate(specs, shuffled), specs)]
    assert before == after


@PROPERTY
@given(scenarios(), st.data())
def test_totals_are_monotone_in_each_score(scenario, data):
    """Raising one evaluator's score on one criterion never lowers the total (and raises it
    unless a consensus score stands in for that criterion)."""
    specs, entries = scenario
    entry = data.draw(st.sampled_from(entries))
    scored = [s for s in specs if s.kind == "scored" and min(entry.scores[s.id]) < s.scale_max]
    if not scored:
        return
    spec = data.draw(st.sampled_from(scored))
    values = list(entry.scores[spec.id])
    i = data.draw(st.sampled_from([k for k, v in enumerate(values) if v < spec.scale_max]))
    values[i] += 1
    raised = Entry(entry.submission_id, {**entry.scores, spec.id: values}, entry.consensus,
                   entry.price, entry.received_at)
    index = entries.index(entry)
    before = evaluate(specs, entries)[index].total
    after = evaluate(specs, [raised if e is entry else e for e in entries])[index].total
    assert after >= before
    if spec.id not in entry.consensus:
        assert after > before


@PROPERTY
@given(scenarios())
def test_rankable_submissions_come_first_and_totals_descend_among_them(scenario):
    specs, entries = scenario
    ranked = rank(evaluate(specs, entries), specs)
    flags = [r.result.rankable for r in ranked]
    assert flags == sorted(flags, reverse=True)
    for group in (True, False):
        totals = [r.result.total for r in ranked if r.result.rankable is group]
        assert totals == sorted(totals, reverse=True)
    assert [r.position for r in ranked] == list(range(1, len(ranked) + 1))


@PROPERTY
@given(st.integers(1, 12), st.integers(2, 8), st.integers(1, 3))
def test_the_proposal_balances_the_workload(submissions, evaluators, per_submission):
    """With no conflicts and nobody from the submitters' organisations, does everyone get
    within one assignment of everyone else, and each submission the evaluators it needs?"""
    needs = [Need(s, organisation_id=1000 + s) for s in range(1, submissions + 1)]
    candidates = [Candidate(u, organisation_id=None) for u in range(1, evaluators + 1)]
    pairs = propose(needs, candidates, per_submission)
    assert len(pairs) == submissions * min(per_submission, evaluators)
    assert len(set(pairs)) == len(pairs)
    load = {c.user_id: 0 for c in candidates}
    for _s, user in pairs:
        load[user] += 1
    assert max(load.values()) - min(load.values()) <= 1
