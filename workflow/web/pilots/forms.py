"""HTML forms ⇄ the services' data: a micro-credential description (one field per framework
element) and the reports (framework feedback element by element, indicators).

Field names are the services' detail keys, so that an error summary links each message to its
field (`#field-<name>`): `title`, `framework_feedback.workload.comment`, `indicators.participants`;
a compound element posts its parts (`workload.value`, `workload.unit`) and its first input has
the element's id (`#field-workload`). Checking is the services' job (workflow/framework/validation.py,
workflow/pilots/forms.py); here values are only gathered and laid out.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel import Locale
from flask_babel import gettext as _

from ...framework import Element, Framework
from ...pilots.forms import ESR_INDICATORS, RATINGS, SCHEMAS
from ..helpers import label
from ..locale import current_locale

# Micro-credential descriptions ---------------------------------------------------------------

def description_from_form(fw: Framework, form: Mapping[str, str]) -> dict[str, Any]:
    """What the editor posted, per element key (empty values are left for the service to drop)."""
    data: dict[str, Any] = {}
    for element in fw.description_elements:
        key = element.key
        if element.type == "workload":
            amount = form.get(f"{key}.value", "").strip()
            data[key] = {"value": amount, "unit": form.get(f"{key}.unit", "")} if amount else None
        elif element.type == "country_region":
            country = form.get(f"{key}.country", "").strip()
            region = form.get(f"{key}.region", "").strip()
            data[key] = ({"country": country, **({"region": region} if region else {})}
                         if country or region else None)
        else:
            data[key] = form.get(key, "")
    return data


def _number(value: Any) -> str:
    return "" if value in (None, "") else str(value)


def description_to_form(fw: Framework, data: Mapping[str, Any]) -> dict[str, str]:
    """A saved description as the editor's field values."""
    values: dict[str, str] = {}
    for element in fw.description_elements:
        key = element.key
        value = data.get(key)
        if element.type == "workload":
            values[f"{key}.value"] = _number((value or {}).get("value"))
            values[f"{key}.unit"] = (value or {}).get("unit", "")
        elif element.type == "country_region":
            values[f"{key}.country"] = (value or {}).get("country", "")
            values[f"{key}.region"] = (value or {}).get("region", "")
        elif element.type == "list":
            values[key] = "\n".join(value or [])
        else:
            values[key] = "" if value is None else str(value)
    return values


def country_options(element: Element, locale: str) -> list[tuple[str, str]]:
    """(alpha-2 code, name in the reader's language), alphabetically by name."""
    names = Locale.parse(locale).territories
    return sorted(((code, names.get(code, code)) for code in element.choice_values()),
                  key=lambda option: option[1])


def element_labels(fw: Framework, locale: str) -> dict[str, str]:
    """Element key → label, for the error summary (the framework's own words, not gettext)."""
    return {e.key: e.label_in(locale) for e in fw.elements}


# Reports -------------------------------------------------------------------------------------

def report_from_form(report_type: str, form: Mapping[str, str], fw: Framework | None) -> dict[str, Any]:
    """The report's fields from the form: texts and numbers as typed (the service checks
    them), framework feedback per element, indicators per key."""
    data: dict[str, Any] = {}
    for field, (kind, _required) in SCHEMAS[report_type].items():
        if kind == "feedback":
            feedback = {}
            for element in (fw.elements if fw else ()):
                entry = {part: form.get(f"{field}.{element.key}.{part}", "").strip()
                         for part in ("rating", "comment", "proposal")}
                if any(entry.values()):
                    feedback[element.key] = entry
            data[field] = feedback
        elif kind == "indicators":
            data[field] = {i["key"]: form.get(f"{field}.{i['key']}", "").strip()
                           for i in ESR_INDICATORS if form.get(f"{field}.{i['key']}", "").strip()}
        else:
            data[field] = form.get(field, "")
    return data


def report_to_form(report_type: str, data: Mapping[str, Any] | None) -> dict[str, str]:
    """Saved report data as the form's field values."""
    data = data or {}
    values: dict[str, str] = {}
    for field, (kind, _required) in SCHEMAS[report_type].items():
        value = data.get(field)
        if kind == "feedback":
            for key, entry in (value or {}).items():
                for part in ("rating", "comment", "proposal"):
                    values[f"{field}.{key}.{part}"] = str(entry.get(part) or "")
        elif kind == "indicators":
            for key, number in (value or {}).items():
                values[f"{field}.{key}"] = _number(number)
        else:
            values[field] = _number(value)
    return values


def report_labels(report_type: str, fw: Framework | None) -> dict[str, str]:
    """Every field name the report form has → its label, in the request's language."""
    locale = current_locale()
    labels = {
        "feedback_summary": _("Summary of the learners' feedback"),
        "satisfaction": _("Learners' average satisfaction (1–5)"),
        "feedback_respondents": _("Number of learners who gave feedback"),
        "other_experiences": _("Other experiences"),
        "summary": _("Summary"),
        "results": _("Results"),
        "framework_feedback": _("Feedback on the framework"),
        "indicators": _("Indicators"),
    }
    for element in (fw.elements if fw else ()):
        name = element.label_in(locale)
        labels[f"framework_feedback.{element.key}"] = name
        labels[f"framework_feedback.{element.key}.rating"] = f"{name}: {_('How did it work?')}"
        labels[f"framework_feedback.{element.key}.comment"] = f"{name}: {_('Comment')}"
        labels[f"framework_feedback.{element.key}.proposal"] = f"{name}: {_('Proposal')}"
    for indicator in ESR_INDICATORS:
        labels[f"indicators.{indicator['key']}"] = indicator["label"].get(locale, indicator["label"]["en"])
    return {k: v for k, v in labels.items() if k.split(".")[0] in SCHEMAS[report_type]}


def rating_options() -> list[tuple[str, str]]:
    return [(value, label(text)) for value, text in RATINGS.items()]
