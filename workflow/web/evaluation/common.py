"""What the evaluation pages share: number filters in the reader's language, the labels of
criterion kinds, flags and tie-break rules, and loaders."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from flask import abort

from models import Call, EvaluatorAssignment, Submission, User

from ...app import db
from ...evaluation import formatting as fmt
from ...evaluation import queries as q
from ...i18n import N_, translate
from ...permissions import can_read_content
from ...timeutil import format_day
from ..identity import MAX_ID
from ..locale import current_locale
from . import bp

KIND_LABELS = {
    "eligibility": N_("Eligibility requirement (pass/fail)"),
    "suitability": N_("Suitability requirement (pass/fail)"),
    "exclusion": N_("Exclusion ground (pass/fail)"),
    "scored": N_("Scored on a scale"),
    "price": N_("Price"),
}
FLAG_LABELS = {
    "incomplete": N_("Evaluation incomplete"),
    "below_threshold": N_("Under a minimum score"),
    "abnormally_low": N_("Abnormally low price"),
    "disagreement": N_("Evaluators disagree"),
}
# Why an entry stands below the one above it (`aggregation.Ranked.separated_by`).
SEPARATED_BY = {
    "rankable": N_("Does not meet every minimum or is not completely evaluated"),
    "total": N_("Lower total"),
    "quality_points": N_("Equal total, lower quality points"),
    "criterion": N_("Equal so far, fewer points on “%(criterion)s”"),
    "received_at": N_("Equal points, received later"),
    "submission_id": N_("Equal points and receipt time, higher submission number"),
}
FUNDING_REASONS = {
    "budget": N_("Under the funding line"),
    "below_threshold": N_("Under a minimum score"),
    "incomplete": N_("Evaluation incomplete"),
    "amount_missing": N_("No valid requested amount"),
}


def _number(value: Fraction | Decimal | int | str | None) -> Fraction | Decimal | int | None:
    """Numbers as `ranking_view` gives them ("27.50") or as the formulas do."""
    return Decimal(value) if isinstance(value, str) else value


@bp.app_template_filter("eval_points")
def points(value: Fraction | Decimal | int | str | None) -> str:
    """Points rounded half up to two decimals, the reader's way: 27,50 / 27.50."""
    return fmt.points(_number(value), current_locale())


@bp.app_template_filter("eval_euros")
def euros(value: Fraction | Decimal | str | None) -> str:
    return fmt.euros(_number(value), current_locale())


@bp.app_template_filter("eval_plain")
def plain(value: Decimal | int | None) -> str:
    """A weight, scale value or minimum without needless decimals: 30, 2,5."""
    return fmt.plain(value, current_locale())


@bp.app_template_filter("eval_day")
def day(value) -> str:
    return "–" if value is None else format_day(value, current_locale())


@bp.app_template_global("criterion_name")
def criterion_name(name: dict[str, str]) -> str:
    """A criterion's name ({fi, sv, en}) in the reader's language."""
    locale = current_locale()
    return name.get(locale) or name.get("fi") or next(iter(name.values()), "")


def separated_by_text(rule: str | None, criteria_by_id: dict[int, str]) -> str:
    """The tie-break rule that put an entry below the one above, for people."""
    if rule is None:
        return ""
    kind, _, ident = rule.partition(":")
    locale = current_locale()
    if kind == "criterion":
        return translate(SEPARATED_BY["criterion"], locale,
                         criterion=criteria_by_id.get(int(ident), ident))
    return translate(SEPARATED_BY.get(kind, kind), locale)


def get_or_404(model: type, object_id: int):
    if not 0 < object_id <= MAX_ID:
        abort(404)
    found = db().get(model, object_id)
    if found is None:
        abort(404)
    return found


def assignment_or_404(assignment_id: int) -> EvaluatorAssignment:
    """Any assignment, for administrators (the blueprint has checked the role)."""
    return get_or_404(EvaluatorAssignment, assignment_id)


def submission_titles(user: User | None, submissions: Iterable[Submission]) -> dict[int, str]:
    """Each submission's title as received (the version that counts, never the working copy),
    only for those who may read its content (never a sealed tender's), else "": one query
    for a whole list."""
    submissions = list(submissions)
    versions = q.counted_versions(db(), [s.id for s in submissions
                                         if can_read_content(user, s)])
    return {s.id: q.title_of(versions.get(s.id)) for s in submissions}


def submission_title(user: User | None, submission: Submission) -> str:
    return submission_titles(user, [submission])[submission.id]


def is_procurement(call: Call) -> bool:
    return call.kind == "jotpa"
