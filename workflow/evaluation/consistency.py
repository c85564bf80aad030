"""Is a call's list of criteria consistent enough to publish? (issue 5 §1). Pure: it reads
criterion-like objects (the models, or anything with the same attributes)."""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from ..i18n import LOCALES, N_, Msg

ALLOWED_KINDS = {"esr": ("eligibility", "scored"),
                 "jotpa": ("suitability", "exclusion", "scored", "price")}
POINT_KINDS = ("scored", "price")
MAX_SCALE = 100

NO_SCORED = N_("Add at least one scored criterion.")
WEIGHT_NOT_POSITIVE = N_("Every scored and price criterion needs a positive weight.")
SCALE_INVALID = N_("A scored criterion's scale runs from a whole number to a larger one, "
                   "from 0 to at most 100.")
THRESHOLD_OUTSIDE = N_("A minimum must lie within its criterion's scale.")
THRESHOLD_NOT_ALLOWED = N_("Only scored criteria can have a minimum.")
PRICE_COUNT = N_("A procurement needs exactly one price criterion.")
KIND_NOT_ALLOWED = N_("This kind of criterion does not belong to this kind of call.")
DUPLICATE_NAME = N_("Two criteria have the same name.")
NAME_MISSING = N_("Name every criterion in Finnish, Swedish and English.")


class CriterionLike(Protocol):
    kind: str
    name: dict[str, str]
    scale_min: int | None
    scale_max: int | None
    weight: Decimal | None
    threshold: Decimal | None


@dataclasses.dataclass(frozen=True)
class Problem:
    code: str
    message: Msg
    # Index of the criterion in the list given (None: about the list as a whole).
    index: int | None = None


def criteria_problems(call_kind: str, criteria: Sequence[Any]) -> list[Problem]:
    """Every reason the criteria cannot be published, first the list's, then each criterion's."""
    problems: list[Problem] = []
    if not any(c.kind == "scored" for c in criteria):
        problems.append(Problem("no_scored_criterion", NO_SCORED))
    prices = [i for i, c in enumerate(criteria) if c.kind == "price"]
    if call_kind == "jotpa" and len(prices) != 1:
        problems.append(Problem("price_count", PRICE_COUNT))
    seen: set[tuple[str, str]] = set()
    for i, c in enumerate(criteria):
        if c.kind not in ALLOWED_KINDS.get(call_kind, ()):
            problems.append(Problem("kind_not_allowed", KIND_NOT_ALLOWED, i))
        name = c.name if isinstance(c.name, dict) else {}
        if any(not str(name.get(locale) or "").strip() for locale in LOCALES):
            problems.append(Problem("name_missing", NAME_MISSING, i))
        keys = {(locale, " ".join(str(name.get(locale) or "").split()).casefold())
                for locale in LOCALES}
        keys = {key for key in keys if key[1]}
        if keys & seen:
            problems.append(Problem("duplicate_name", DUPLICATE_NAME, i))
        seen |= keys
        if c.kind in POINT_KINDS and (c.weight is None or not Decimal(c.weight).is_finite()
                                      or Decimal(c.weight) <= 0):
            problems.append(Problem("weight_not_positive", WEIGHT_NOT_POSITIVE, i))
        scale_ok = _scale_ok(c)
        if c.kind == "scored" and not scale_ok:
            problems.append(Problem("scale_invalid", SCALE_INVALID, i))
        if c.threshold is not None:
            if c.kind != "scored":
                problems.append(Problem("threshold_not_allowed", THRESHOLD_NOT_ALLOWED, i))
            elif scale_ok and not (c.scale_min <= Decimal(c.threshold) <= c.scale_max):
                problems.append(Problem("threshold_outside_scale", THRESHOLD_OUTSIDE, i))
    return problems


def _scale_ok(c: Any) -> bool:
    low, high = c.scale_min, c.scale_max
    return (isinstance(low, int) and isinstance(high, int) and not isinstance(low, bool)
            and 0 <= low < high <= MAX_SCALE)
