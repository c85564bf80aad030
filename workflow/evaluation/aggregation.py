"""The evaluation formulas: pure functions over plain data (no database, no clock, no locale).

The pages, the JSON API, the exports, the decision documents and the tests all call these, so
that a number shown anywhere is the number that decided. README.md in this folder writes every
formula out with a worked example.

Arithmetic is exact: the Decimal inputs (scores, weights, prices) become `fractions.Fraction`,
nothing is rounded while computing, and rankings compare exact values, so the order in which
scores were entered, or how a sum is grouped, can never change a result. `display()` rounds
half up to two decimals for people (pages, letters, exports), and only there.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

SCORED, PRICE = "scored", "price"
DEFAULT_DISAGREEMENT_MARGIN = Decimal("0.4")
DEFAULT_ABNORMALLY_LOW_SHARE = Decimal("0.3")
_LAST = dt.datetime.max.replace(tzinfo=dt.timezone.utc)

Number = Decimal | int | Fraction


# Numbers -------------------------------------------------------------------------------------

def exact(value: Number) -> Fraction:
    """A finite Decimal or int as an exact fraction."""
    if type(value) is Fraction:  # immutable: already exact
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        return _decimal_fraction(value)
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
        raise TypeError(f"not a number: {value!r}")
    return Fraction(value)


@functools.lru_cache(maxsize=4096)
def _decimal_fraction(value: Decimal) -> Fraction:
    # Scores, weights, thresholds and margins repeat a few values over a whole ranking: each
    # is converted once. Equal Decimals (4 and 4.0) are the same fraction.
    return Fraction(value)


def display(value: Fraction | Decimal | int | None, places: int = 2) -> Decimal | None:
    """Round half up (away from zero) to `places` decimals: for people only."""
    if value is None:
        return None
    q = exact(value) * 10 ** places
    sign = -1 if q < 0 else 1
    rounded = sign * int(abs(q) + Fraction(1, 2))  # int() floors a positive fraction
    return Decimal(rounded).scaleb(-places)


# Criteria and entries ------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class CriterionSpec:
    """A criterion that gives points. `weight` is what it gives at the top of its scale (a
    scored criterion) or for the lowest price (the price criterion)."""

    id: int
    kind: str
    weight: Decimal
    scale_min: int = 0
    scale_max: int = 5
    threshold: Decimal | None = None
    position: int = 0

    @property
    def span(self) -> int:
        return self.scale_max - self.scale_min

    def check_score(self, score: Number) -> Fraction:
        value = exact(score)
        # scale_min <= value <= scale_max, compared as integers (the scale is whole numbers,
        # the denominator positive): a comparison of fractions costs far more.
        if not (self.scale_min * value.denominator <= value.numerator
                <= self.scale_max * value.denominator):
            raise ValueError(f"score {score} outside {self.scale_min}–{self.scale_max}")
        return value


@dataclasses.dataclass(frozen=True)
class Entry:
    """One submission as the formulas see it: the scores of its submitted reviews per scored
    criterion, the consensus scores set by an administrator, its price (Jotpa) and the instant
    of its receipt (the last tie-break)."""

    submission_id: int
    scores: Mapping[int, Sequence[Number]] = dataclasses.field(default_factory=dict)
    consensus: Mapping[int, Number] = dataclasses.field(default_factory=dict)
    price: Number | None = None
    received_at: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class CriterionResult:
    criterion_id: int
    kind: str
    # The score that counts: the consensus if set, else the evaluators' mean (None: no score).
    score: Fraction | None
    points: Fraction | None
    max_points: Fraction
    evaluator_scores: tuple[Fraction, ...]
    from_consensus: bool
    disagreement: bool
    below_threshold: bool


@dataclasses.dataclass(frozen=True)
class Result:
    submission_id: int
    criteria: tuple[CriterionResult, ...]
    quality_points: Fraction
    price: Fraction | None
    price_points: Fraction | None
    total: Fraction
    max_total: Fraction
    complete: bool
    below_threshold: bool
    abnormally_low: bool
    received_at: dt.datetime | None

    @property
    def rankable(self) -> bool:
        """May stand above the line: every criterion scored, no minimum missed, a valid price."""
        return self.complete and not self.below_threshold

    @property
    def problems(self) -> tuple[str, ...]:
        out = []
        if not self.complete:
            out.append("incomplete")
        if self.below_threshold:
            out.append("below_threshold")
        if self.abnormally_low:
            out.append("abnormally_low")
        return tuple(out)

    def line(self, criterion_id: int) -> CriterionResult | None:
        return next((c for c in self.criteria if c.criterion_id == criterion_id), None)


# The formulas --------------------------------------------------------------------------------

def mean(values: Iterable[Number]) -> Fraction | None:
    values = [exact(v) for v in values]
    if not values:
        return None
    if all(v.denominator == 1 for v in values):  # whole scores, the usual case: one division
        return Fraction(sum(v.numerator for v in values), len(values))
    return sum(values, Fraction(0)) / len(values)


def criterion_score(scores: Sequence[Number], consensus: Number | None = None) -> Fraction | None:
    """The score that counts for one criterion: the consensus when set, else the mean."""
    return exact(consensus) if consensus is not None else mean(scores)


def scored_points(spec: CriterionSpec, score: Number) -> Fraction:
    """points = weight × (score − scale_min) / (scale_max − scale_min)."""
    weight, value = exact(spec.weight), spec.check_score(score)
    # The same product as one fraction (one normalisation instead of three).
    return Fraction(weight.numerator * (value.numerator - spec.scale_min * value.denominator),
                    weight.denominator * value.denominator * spec.span)


def price_points(lowest: Number, offered: Number, max_points: Number) -> Fraction:
    """points = max_points × lowest price / offered price: the lowest price gets them all."""
    low, price = exact(lowest), exact(offered)
    if low <= 0 or price <= 0 or low > price:
        raise ValueError("prices must be positive and the lowest no higher than the offer")
    return exact(max_points) * low / price


def disagreement(spec: CriterionSpec, scores: Sequence[Number],
                 margin: Number = DEFAULT_DISAGREEMENT_MARGIN) -> bool:
    """Evaluators disagree when their highest and lowest scores differ by more than `margin`
    × the scale's span (0.4 × 5 = 2 points on a 0–5 scale)."""
    values = [exact(s) for s in scores]
    return len(values) >= 2 and max(values) - min(values) > exact(margin) * spec.span


def below_threshold(spec: CriterionSpec, score: Number | None) -> bool:
    return spec.threshold is not None and score is not None and exact(score) < exact(spec.threshold)


def abnormally_low(prices: Mapping[int, Number],
                   share: Number = DEFAULT_ABNORMALLY_LOW_SHARE) -> set[int]:
    """Offers priced more than `share` below the mean of the *other* offers (30 %: a price
    under 0.7 × that mean). With a single offer nothing is compared, so nothing is flagged."""
    exact_prices = {k: exact(v) for k, v in prices.items()}
    total, count, flagged = sum(exact_prices.values(), Fraction(0)), len(exact_prices), set()
    for key, price in exact_prices.items():
        if count < 2:
            break
        others_mean = (total - price) / (count - 1)
        if price < (1 - exact(share)) * others_mean:
            flagged.add(key)
    return flagged


def max_total(criteria: Iterable[CriterionSpec]) -> Fraction:
    """The most a submission can get: the sum of the weights of the point-giving criteria."""
    return sum((exact(c.weight) for c in criteria if c.kind in (SCORED, PRICE)), Fraction(0))


def evaluate(criteria: Sequence[CriterionSpec], entries: Sequence[Entry], *,
             disagreement_margin: Number = DEFAULT_DISAGREEMENT_MARGIN,
             abnormally_low_share: Number = DEFAULT_ABNORMALLY_LOW_SHARE) -> list[Result]:
    """Points per criterion and totals for each entry, in the entries' order.

    Price points compare each price with the lowest valid price among *these* entries, so pass
    exactly the tenders being compared (qualified ones, never excluded ones)."""
    scored = sorted((c for c in criteria if c.kind == SCORED), key=lambda c: (c.position, c.id))
    price_criteria = [c for c in criteria if c.kind == PRICE]
    if len(price_criteria) > 1:
        raise ValueError("at most one price criterion")
    price_spec = price_criteria[0] if price_criteria else None
    prices = {e.submission_id: exact(e.price) for e in entries
              if price_spec is not None and e.price is not None and exact(e.price) > 0}
    lowest = min(prices.values()) if prices else None
    low = abnormally_low(prices, abnormally_low_share) if price_spec is not None else set()
    ceiling = max_total(criteria)

    results = []
    for entry in entries:
        lines, quality, complete, under = [], Fraction(0), True, False
        for spec in scored:
            given = tuple(spec.check_score(s) for s in entry.scores.get(spec.id, ()))
            agreed = entry.consensus.get(spec.id)
            if agreed is not None:
                spec.check_score(agreed)
            score = criterion_score(given, agreed)
            points = scored_points(spec, score) if score is not None else None
            missed = below_threshold(spec, score)
            lines.append(CriterionResult(
                criterion_id=spec.id, kind=SCORED, score=score, points=points,
                max_points=exact(spec.weight), evaluator_scores=given,
                from_consensus=agreed is not None,
                disagreement=disagreement(spec, given, disagreement_margin),
                below_threshold=missed))
            complete &= score is not None
            under |= missed
            quality += points or 0
        price = prices.get(entry.submission_id)
        p_points = None
        if price_spec is not None:
            if price is None:
                complete = False
            else:
                p_points = price_points(lowest, price, price_spec.weight)
            lines.append(CriterionResult(
                criterion_id=price_spec.id, kind=PRICE, score=None, points=p_points,
                max_points=exact(price_spec.weight), evaluator_scores=(), from_consensus=False,
                disagreement=False, below_threshold=False))
        results.append(Result(
            submission_id=entry.submission_id, criteria=tuple(lines), quality_points=quality,
            price=price, price_points=p_points, total=quality + (p_points or 0),
            max_total=ceiling, complete=complete, below_threshold=under,
            abnormally_low=entry.submission_id in low, received_at=entry.received_at))
    return results


# Ranking -------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Ranked:
    position: int
    result: Result
    # Which rule placed this entry below the one above it (None for the first):
    # "rankable", "total", "quality_points", "criterion:<id>", "received_at", "submission_id".
    separated_by: str | None


def _tie_key(result: Result, order: Sequence[CriterionSpec],
             with_price: bool) -> list[tuple[str, object]]:
    key: list[tuple[str, object]] = [("rankable", 0 if result.rankable else 1),
                                     ("total", -result.total)]
    if with_price:
        key.append(("quality_points", -result.quality_points))
    for spec in order:
        line = result.line(spec.id)
        key.append((f"criterion:{spec.id}", -(line.points or 0) if line else 0))
    key.append(("received_at", result.received_at or _LAST))
    key.append(("submission_id", result.submission_id))
    return key


def rank(results: Iterable[Result], criteria: Sequence[CriterionSpec]) -> list[Ranked]:
    """Order: rankable entries first (complete, no minimum missed), then by exact total, higher
    first. Ties: (Jotpa) higher quality points; then higher points on each scored criterion
    taken by weight, heaviest first (equal weights: in the criteria's order); then the earlier
    receipt; then the lower submission id. Positions are 1, 2, 3, ... without gaps or shares."""
    order = sorted((c for c in criteria if c.kind == SCORED),
                   key=lambda c: (-exact(c.weight), c.position, c.id))
    with_price = any(c.kind == PRICE for c in criteria)
    keyed = sorted(((_tie_key(r, order, with_price), r) for r in results),
                   key=lambda pair: [value for _name, value in pair[0]])
    ranked: list[Ranked] = []
    previous = None
    for position, (key, result) in enumerate(keyed, start=1):
        separated = None
        if previous is not None:
            separated = next(name for (name, a), (_n, b) in zip(key, previous) if a != b)
        ranked.append(Ranked(position, result, separated))
        previous = key
    return ranked


# Funding line (ESR) --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class FundingRow:
    submission_id: int
    amount: Decimal | None
    # The running sum of the amounts of the funded applications up to and including this one.
    cumulative: Decimal
    funded: bool
    # Why not funded: "below_threshold", "incomplete", "amount_missing", "budget".
    reason: str | None


def funding_line(ranking: Sequence[Ranked], amounts: Mapping[int, Decimal | None],
                 budget: Decimal | None) -> list[FundingRow]:
    """Walk the ranking from the top and fund while the budget lasts. The line is drawn at the
    first rankable application whose amount no longer fits: it and everything under it stay
    unfunded, even a smaller one that would fit (the ranking order is never skipped). Without a
    budget every rankable application with an amount is above the line."""
    rows, cumulative, drawn = [], Decimal(0), False
    for ranked in ranking:
        sid = ranked.result.submission_id
        amount = amounts.get(sid)
        reason = None
        if not ranked.result.complete:
            reason = "incomplete"
        elif ranked.result.below_threshold:
            reason = "below_threshold"
        elif amount is None or amount <= 0:
            reason = "amount_missing"
        elif drawn or (budget is not None and cumulative + amount > budget):
            drawn, reason = True, "budget"
        else:
            cumulative += amount
        rows.append(FundingRow(sid, amount, cumulative, reason is None, reason))
    return rows
