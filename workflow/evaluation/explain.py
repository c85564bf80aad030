"""The formulas as text for people (issue 5 §4: "the formula documented and available as text
for the page"): the same rules `aggregation` computes, with the call's own criteria, weights,
minimums and settings filled in. Used by the pages, the decision documents and the exports."""
from __future__ import annotations

from collections.abc import Sequence

from models import Call, Criterion, EvaluationSettings

from ..i18n import N_, translate
from . import formatting as fmt

SCORED_RULE = N_("Points of a scored criterion = weight × (score − lowest score of the scale) "
                 "/ (highest − lowest score of the scale). The score is the consensus score "
                 "when an administrator has set one, otherwise the mean of the submitted "
                 "reviews' scores.")
SCORED_LINE = N_("%(name)s: %(weight)s × (score − %(min)s) / %(span)s, at most %(weight)s points")
MINIMUM_LINE = N_("%(name)s: minimum score %(threshold)s")
PRICE_LINE = N_("%(name)s: %(weight)s × lowest price / offered price, at most %(weight)s points; "
                "the lowest price gets all %(weight)s points")
TOTAL_LINE = N_("Total = the sum of the criteria's points, at most %(max)s points.")
MINIMUM_RULE = N_("A submission under a criterion's minimum score cannot be funded or awarded and "
                  "is ranked below every submission that meets all minimums.")
DISAGREEMENT_RULE = N_("Evaluators disagree on a criterion when their scores differ by more "
                       "than %(share)s %% of its scale; an administrator may then set a consensus "
                       "score with its justification.")
LOW_PRICE_RULE = N_("A price more than %(share)s %% below the mean of the other compared "
                    "tenders' prices is flagged as abnormally low: the bidder is asked to "
                    "explain it before the decision.")
TIE_ESR = N_("Equal totals: the higher points on the most heavily weighted criterion come "
             "first, then on the next one; then the earlier receipt of the application.")
TIE_JOTPA = N_("Equal totals: the higher quality points come first, then the higher points on "
               "the most heavily weighted criterion, then on the next one; then the earlier "
               "receipt of the tender.")
FUNDING_RULE = N_("Funding line: applications are funded from the top of the ranking while the "
                  "budget of %(budget)s lasts; the first one that no longer fits, and every "
                  "one below it, stay under the line.")
ROUNDING_RULE = N_("Points are computed exactly and shown rounded half up to two decimals.")


def formula_lines(call: Call, criteria: Sequence[Criterion], settings: EvaluationSettings,
                  locale: str) -> list[str]:
    lines = [translate(SCORED_RULE, locale)]
    total = 0
    for c in criteria:
        name = c.label(locale)
        if c.kind == "scored":
            lines.append(translate(SCORED_LINE, locale, name=name,
                                   weight=fmt.plain(c.weight, locale), min=c.scale_min,
                                   span=(c.scale_max or 0) - (c.scale_min or 0)))
            if c.threshold is not None:
                lines.append(translate(MINIMUM_LINE, locale, name=name,
                                       threshold=fmt.plain(c.threshold, locale)))
        elif c.kind == "price":
            lines.append(translate(PRICE_LINE, locale, name=name,
                                   weight=fmt.plain(c.weight, locale)))
        else:
            continue
        total += c.weight or 0
    lines.append(translate(TOTAL_LINE, locale, max=fmt.plain(total, locale)))
    if any(c.threshold is not None for c in criteria):
        lines.append(translate(MINIMUM_RULE, locale))
    lines.append(translate(DISAGREEMENT_RULE, locale,
                           share=fmt.percent(settings.disagreement_margin, locale)))
    if call.kind == "jotpa":
        lines.append(translate(LOW_PRICE_RULE, locale,
                               share=fmt.percent(settings.abnormally_low_share, locale)))
        lines.append(translate(TIE_JOTPA, locale))
    else:
        lines.append(translate(TIE_ESR, locale))
        if call.budget is not None:
            lines.append(translate(FUNDING_RULE, locale, budget=fmt.euros(call.budget, locale)))
    lines.append(translate(ROUNDING_RULE, locale))
    return lines
