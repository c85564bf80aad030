"""A call's criteria (while the call is unpublished) and its evaluation settings (until the
decision).

The criteria form edits the whole list at once, one fieldset per criterion and an empty one
to add a new criterion; saving replaces the list (`criteria.replace_criteria`). Values that a
kind cannot have are dropped, as `criteria.update_criterion` does when a kind changes. A list
may be saved while inconsistent, so that it can be drafted step by step: the page lists the
problems in its error summary, and the engine refuses to publish the call until they are
fixed (guard `criteria_consistent`).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import PASS_FAIL_KINDS, Call, Criterion

from ...app import db
from ...engine import available_steps
from ...errors import WorkflowError
from ...evaluation import criteria as service
from ...evaluation import queries as q
from ...evaluation.consistency import ALLOWED_KINDS, Problem
from ...i18n import LOCALES, translate
from ...permissions import UNPUBLISHED
from ..helpers import ErrorSummary, load_call_or_404, parse_version
from ..identity import actor
from ..locale import current_locale
from . import bp
from .common import KIND_LABELS

MAX_ROWS = 100
NUMBERS = ("scale_min", "scale_max", "weight", "threshold")
# Where on the form each consistency problem points to.
PROBLEM_FIELDS = {"kind_not_allowed": "kind", "name_missing": "name_fi",
                  "duplicate_name": "name_fi", "weight_not_positive": "weight",
                  "scale_invalid": "scale_min", "threshold_outside_scale": "threshold",
                  "threshold_not_allowed": "threshold"}


def field_labels() -> dict[str, str]:
    return {"kind": _("Kind"), "name_fi": _("Name in Finnish"), "name_sv": _("Name in Swedish"),
            "name_en": _("Name in English"), "scale_min": _("Lowest score"),
            "scale_max": _("Highest score"), "weight": _("Weight (maximum points)"),
            "threshold": _("Minimum score"), "order": _("Order")}


def settings_labels() -> dict[str, str]:
    return {"min_evaluators": _("Evaluators per submission"),
            "disagreement_margin": _("Disagreement margin"),
            "abnormally_low_share": _("Abnormally low price")}


def _row_label(number: int, field: str) -> str:
    return _("Criterion %(number)s", number=number) + ": " + field_labels().get(field, field)


def form_rows(criteria: list[Criterion]) -> list[dict[str, str]]:
    """The form's values for the saved criteria, and an empty row for a new one."""
    rows = []
    for i, c in enumerate(criteria):
        row = {"kind": c.kind, "order": str(i + 1)}
        row.update({f"name_{locale}": c.name.get(locale, "") for locale in LOCALES})
        for key in NUMBERS:
            value = getattr(c, key)
            if value is None:
                row[key] = ""
            elif key in ("weight", "threshold"):
                row[key] = f"{value.normalize():f}"     # 30, not 30.00
            else:
                row[key] = str(value)
        rows.append(row)
    rows.append({"kind": "", "order": str(len(criteria) + 1)})
    return rows


def posted_rows(form: Mapping[str, str]) -> list[dict[str, str]]:
    """The rows as posted (for showing the form again after a refusal)."""
    try:
        count = min(max(int(form.get("rows", "0")), 0), MAX_ROWS + 1)
    except ValueError:
        count = 0
    keys = ("kind", "order", "remove", *(f"name_{locale}" for locale in LOCALES), *NUMBERS)
    return [{key: str(form.get(f"c{i}_{key}", ""))[:400] for key in keys} for i in range(count)]


def read_rows(rows: list[dict[str, str]]) -> tuple[list[dict[str, Any]], ErrorSummary]:
    """The criteria list to save, in the order asked for, or the errors per form field."""
    errors = ErrorSummary()
    items: list[tuple[int, int, dict[str, Any]]] = []
    for i, row in enumerate(rows):
        number = i + 1
        names = {locale: row.get(f"name_{locale}", "") for locale in LOCALES}
        empty = not row.get("kind") and not any(v.strip() for v in names.values()) and not any(
            row.get(key, "").strip() for key in NUMBERS)
        if row.get("remove") or empty:
            continue
        kind = row.get("kind", "")
        item: dict[str, Any] = {"kind": kind, "name": names}
        # A kind's values only: pass/fail has no numbers, a price only its weight.
        for key in NUMBERS:
            if kind in PASS_FAIL_KINDS or (kind == "price" and key != "weight"):
                continue
            item[key] = row.get(key, "").strip()
        try:
            service.parse_criterion(item)
        except WorkflowError as err:
            for key, message in err.details.items():
                field = "name_fi" if key == "name" else key
                errors.add(f"c{i}_{field}", translate(message, current_locale()),
                           _row_label(number, field))
        try:
            order = int(row.get("order", "").strip() or number)
            if not 0 <= order <= 10_000:
                raise ValueError
        except ValueError:
            errors.add(f"c{i}_order", _("Enter a whole number."), _row_label(number, "order"))
            order = number
        items.append((order, i, item))
    if len(items) > MAX_ROWS:
        errors.message = _("A call can have at most %(count)s criteria.", count=MAX_ROWS)
    if errors:
        errors.message = errors.message or _("Check the criteria below.")
    return [item for _order, _i, item in sorted(items, key=lambda t: (t[0], t[1]))], errors


def problem_summary(problems: list[Problem], criteria: list[Criterion]) -> ErrorSummary:
    """The consistency problems, each linked to the field it is about."""
    summary = ErrorSummary(status=200)
    if not problems:
        return summary
    locale = current_locale()
    summary.message = _("The call cannot be published until these are fixed.")
    for problem in problems:
        message = translate(problem.message, locale)
        if problem.index is None:
            name, label = "criteria", _("Criteria")
        else:
            field = PROBLEM_FIELDS.get(problem.code, "kind")
            name = f"c{problem.index}_{field}"
            label = _("Criterion %(number)s", number=problem.index + 1)
            if problem.index < len(criteria):
                label += f" ({criteria[problem.index].label(locale)})"
        if name in summary.fields:
            message = f"{summary.fields[name]} {message}"
        summary.add(name, message, label)
    return summary


def _page(call: Call, *, rows: list[dict[str, str]] | None = None,
          errors: ErrorSummary | None = None, settings_form: Mapping[str, str] | None = None,
          settings_errors: ErrorSummary | None = None, status: int = 200):
    user = actor()
    criteria = q.criteria_of(db(), call.id)
    editable = call.state in UNPUBLISHED
    problems = service.problems(db(), call)
    settings = q.settings_of(db(), call.id)
    settings_values = dict(settings_form) if settings_form is not None else {
        "min_evaluators": str(settings.min_evaluators),
        "disagreement_margin": f"{settings.disagreement_margin.normalize():f}",
        "abnormally_low_share": f"{settings.abnormally_low_share.normalize():f}"}
    steps = [s for s in available_steps(user, call, db()) if s.trigger == "publish"]
    criteria_errors = errors or problem_summary(problems, criteria)
    return render_template(
        "evaluation/criteria.html", call=call, criteria=criteria, editable=editable,
        rows=rows if rows is not None else form_rows(criteria),
        kinds=[(k, KIND_LABELS[k]) for k in ALLOWED_KINDS[call.kind]], kind_labels=KIND_LABELS,
        summary=settings_errors or criteria_errors, errors=criteria_errors, problems=problems,
        settings_values=settings_values, settings_errors=settings_errors or ErrorSummary(),
        settings_editable=call.state not in service.SETTINGS_CLOSED_STATES,
        steps=steps, labels=field_labels(), settings_labels=settings_labels()), status


@bp.get("/calls/<int:call_id>/criteria")
def criteria(call_id: int):
    return _page(load_call_or_404(call_id, actor()))


@bp.post("/calls/<int:call_id>/criteria")
def save_criteria(call_id: int) -> Response | tuple:
    call = load_call_or_404(call_id, actor())
    rows = posted_rows(request.form)
    if call.state not in UNPUBLISHED:
        errors = ErrorSummary(message=_("The criteria of a published call can no longer be "
                                        "changed."), status=409)
        return _page(call, errors=errors, status=409)
    items, errors = read_rows(rows)
    if not errors:
        try:
            service.replace_criteria(db(), actor(), call, items,
                                     version=parse_version(request.form))
        except WorkflowError as err:
            db().rollback()
            errors = ErrorSummary.from_error(err)
    if errors:
        return _page(call, rows=rows, errors=errors, status=errors.status)
    db().commit()
    if service.problems(db(), call):
        flash(_("The criteria have been saved. Fix the problems listed before publishing."),
              "info")
    else:
        flash(_("The criteria have been saved."), "success")
    return redirect(url_for("evaluation.criteria", call_id=call.id))


@bp.post("/calls/<int:call_id>/settings")
def save_settings(call_id: int) -> Response | tuple:
    call = load_call_or_404(call_id, actor())
    form = {key: str(request.form.get(key, ""))[:40] for key in settings_labels()}
    values = {key: (form[key].strip() or None) for key in form}
    if call.kind != "jotpa":
        values["abnormally_low_share"] = None
    try:
        service.set_settings(db(), actor(), call, **values)
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err, settings_labels())
        return _page(call, settings_form=form, settings_errors=errors, status=errors.status)
    db().commit()
    flash(_("The evaluation settings have been saved."), "success")
    return redirect(url_for("evaluation.criteria", call_id=call.id) + "#settings")
