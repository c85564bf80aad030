"""Validating a micro-credential description against its framework version, and showing it
as the learner will see it.

Two levels, as in any draft-then-submit form:
- `clean_description()` when a description is saved: every value must have its element's
  type, allowed value and range (a workload of 80 ECTS is refused at once); missing values
  are fine in a draft.
- `description_problems()` when the tender is submitted (and again before a pilot starts):
  every mandatory element the provider writes must be present, and still valid.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_decimal

from ..errors import WorkflowError
from ..i18n import N_, translate
from . import Element, Framework, framework

REQUIRED = N_("Required.")
INVALID = N_("Invalid value.")
UNKNOWN = N_("Unknown field.")
NOT_ALLOWED = N_("Choose one of the listed values.")
TOO_LONG = N_("The text is too long.")
TOO_FEW = N_("Enter at least one item.")
TOO_MANY = N_("Too many items.")
OUT_OF_RANGE = N_("Enter a workload within the range allowed for the unit.")
UNIT_NOT_USED = N_("This unit is not used by your kind of organisation.")

CONTENT_MISSING = N_("Micro-credential description %(number)s is incomplete. Missing: %(elements)s.")
NO_DESCRIPTION = N_("Add a description of the micro-credential first.")
DESCRIPTION_INVALID = N_("Check these fields: %(fields)s.")

REGION_MAX = 100
_SPACE = re.compile(r"[ \t]+")


class DescriptionIncomplete(WorkflowError):
    """`content_missing` whose message names the missing elements by their labels in the
    reader's language. The labels are framework data (fi/sv/en), not catalog strings, so
    they are resolved here rather than by gettext."""

    def __init__(self, message: str, *, labels: dict[str, list[str]] | None = None,
                 details: dict[str, Any] | None = None, **params: Any) -> None:
        self.labels = labels or {}
        super().__init__("content_missing", message, details=details,
                         **({"elements": ", ".join(self.labels.get("en", []))}
                            if labels is not None else {}), **params)

    def message(self, locale: str = "en") -> str:
        params = dict(self.params)
        if self.labels:
            params["elements"] = ", ".join(self.labels.get(locale) or self.labels["en"])
        return translate(self.msgid, locale, **params)


# Saving ---------------------------------------------------------------------------------------

def clean_description(data: Any, fw: Framework, organisation_kind: str | None = None) -> dict[str, Any]:
    """The description's values, each in its element's form; raises `invalid_input` with a
    message per element for what does not fit. Empty values are dropped (a draft)."""
    if not isinstance(data, dict):
        raise WorkflowError("invalid_input", INVALID)
    clean, errors = _clean(data, fw, organisation_kind)
    if errors:
        raise WorkflowError("invalid_input", DESCRIPTION_INVALID, fields=", ".join(errors),
                            details=errors)
    return clean


def _clean(data: dict[str, Any], fw: Framework,
           organisation_kind: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    writable = {e.key: e for e in fw.description_elements}
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in data.items():
        element = writable.get(key)
        if element is None:
            errors[str(key)[:80]] = UNKNOWN
            continue
        if _empty(value):
            continue
        try:
            clean[key] = _clean_value(element, value, fw, organisation_kind)
        except _Invalid as err:
            errors[key] = err.msgid
    return clean, errors


class _Invalid(Exception):
    def __init__(self, msgid: str) -> None:
        super().__init__(msgid)
        self.msgid = msgid


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return not any(not _empty(v) for v in (value.values() if isinstance(value, dict) else value))
    return False


def _text(value: Any, max_length: int | None, *, multiline: bool) -> str:
    if not isinstance(value, str):
        raise _Invalid(INVALID)
    text = value.replace("\r\n", "\n").strip()
    if not multiline:
        text = _SPACE.sub(" ", text.replace("\n", " "))
    if max_length is not None and len(text) > max_length:
        raise _Invalid(TOO_LONG)
    return text


def _clean_value(element: Element, value: Any, fw: Framework, organisation_kind: str | None) -> Any:
    kind = element.type
    if kind in ("text", "textarea"):
        return _text(value, element.max_length, multiline=kind == "textarea")
    if kind == "list":
        # A form sends one item per line; the API sends a list.
        items = value.splitlines() if isinstance(value, str) else value
        if not isinstance(items, list):
            raise _Invalid(INVALID)
        cleaned = [_text(item, element.max_length, multiline=False) for item in items
                   if not _empty(item)]
        if element.min_items and len(cleaned) < element.min_items:
            raise _Invalid(TOO_FEW)
        if element.max_items and len(cleaned) > element.max_items:
            raise _Invalid(TOO_MANY)
        return cleaned
    if kind == "choice":
        if not isinstance(value, (str, int)) or str(value) not in element.choice_values():
            raise _Invalid(NOT_ALLOWED)
        return str(value)
    if kind == "country_region":
        if isinstance(value, str):
            value = {"country": value}
        if not isinstance(value, dict) or set(value) - {"country", "region"}:
            raise _Invalid(INVALID)
        country = value.get("country")
        if not isinstance(country, str) or country.strip().upper() not in element.allowed:
            raise _Invalid(NOT_ALLOWED)
        out = {"country": country.strip().upper()}
        region = value.get("region")
        if not _empty(region):
            out["region"] = _text(region, REGION_MAX, multiline=False)
        return out
    if kind == "workload":
        return _clean_workload(value, fw, organisation_kind)
    # person / date come from the certificate, never from the description.
    raise _Invalid(UNKNOWN)


def _clean_workload(value: Any, fw: Framework, organisation_kind: str | None) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) - {"value", "unit"}:
        raise _Invalid(INVALID)
    unit = fw.workload_units.get(str(value.get("unit", "")))
    if unit is None:
        raise _Invalid(NOT_ALLOWED)
    if unit.key not in fw.units_for(organisation_kind):
        raise _Invalid(UNIT_NOT_USED)
    raw = value.get("value")
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        raise _Invalid(INVALID)
    try:
        amount = Decimal(str(raw).replace(",", ".").strip())
    except InvalidOperation:
        raise _Invalid(INVALID) from None
    if not amount.is_finite():
        raise _Invalid(INVALID)
    try:
        amount = amount.quantize(Decimal("0.1"))
    except InvalidOperation:  # more digits than the context holds (1e30): far out of range
        raise _Invalid(OUT_OF_RANGE) from None
    if not (Decimal(str(unit.min)) <= amount <= Decimal(str(unit.max))):
        raise _Invalid(OUT_OF_RANGE)
    number: int | float = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"value": number, "unit": unit.key}


# Completeness ---------------------------------------------------------------------------------

def missing_elements(data: dict[str, Any], fw: Framework) -> list[str]:
    """Keys of the mandatory elements the provider writes that the description leaves empty."""
    return [e.key for e in fw.description_elements if e.mandatory and _empty(data.get(e.key))]


def description_problems(data: dict[str, Any], fw: Framework,
                         organisation_kind: str | None = None) -> dict[str, str]:
    """Element key → what is wrong (a message id), in framework order; empty if complete."""
    _, errors = _clean(data or {}, fw, organisation_kind)
    problems = {key: REQUIRED for key in missing_elements(data or {}, fw)}
    problems.update(errors)
    order = {key: i for i, key in enumerate(fw.keys)}
    return dict(sorted(problems.items(), key=lambda kv: order.get(kv[0], len(order))))


@dataclasses.dataclass(frozen=True)
class DescriptionToCheck:
    position: int
    framework_version: str
    data: dict[str, Any]


def descriptions_refusal(descriptions: Sequence[DescriptionToCheck],
                         organisation_kind: str | None = None) -> WorkflowError | None:
    """The refusal for a tender whose descriptions are missing or incomplete, naming the
    first incomplete description's elements; None when every description is complete.
    `details` has one entry per problem: "descriptions.<position>.<element key>"."""
    if not descriptions:
        return DescriptionIncomplete(NO_DESCRIPTION, details={"descriptions": "required"})
    details: dict[str, Any] = {}
    first: tuple[DescriptionToCheck, Framework, list[str]] | None = None
    for description in sorted(descriptions, key=lambda d: d.position):
        fw = framework(description.framework_version)
        problems = description_problems(description.data, fw, organisation_kind)
        for key, msgid in problems.items():
            details[f"descriptions.{description.position}.{key}"] = (
                "required" if msgid == REQUIRED else msgid)
        if problems and first is None:
            first = (description, fw, list(problems))
    if first is None:
        return None
    description, fw, keys = first
    labels = {lang: [fw.element(k).label_in(lang) for k in keys if k in fw.keys]
              for lang in ("fi", "sv", "en")}
    return DescriptionIncomplete(CONTENT_MISSING, labels=labels, details=details,
                                 number=description.position)


# The learner's view ---------------------------------------------------------------------------

def format_workload(workload: dict[str, Any], fw: Framework, locale: str) -> str:
    unit = fw.workload_units[workload["unit"]]
    return f"{format_decimal(workload['value'], locale=locale)} {unit.label_in(locale)}"


def display_value(element: Element, value: Any, fw: Framework, locale: str) -> str | list[str]:
    """A value as text for people: choices by their label, workload with its unit."""
    if element.type == "choice":
        return element.choice_label(value, locale)
    if element.type == "workload":
        return format_workload(value, fw, locale)
    if element.type == "country_region":
        from babel import Locale

        country = Locale.parse(locale).territories.get(value["country"], value["country"])
        return f"{country}, {value['region']}" if value.get("region") else country
    return value


CERTIFICATE_NOTE = N_("Shown on each learner's certificate.")


def preview(data: dict[str, Any], fw: Framework, locale: str) -> dict[str, Any]:
    """The description as the learner will see it: the title, then every element that has a
    value (in framework order, labelled in the reader's language), and where the elements
    that belong to each learner's certificate will appear."""
    sections = []
    for element in fw.elements:
        if element.key in ("title", "language"):
            continue
        if not element.in_description:
            sections.append({"key": element.key, "label": element.label_in(locale),
                             "value": translate(CERTIFICATE_NOTE, locale), "on_certificate": True})
            continue
        value = data.get(element.key)
        if _empty(value):
            continue
        shown = display_value(element, value, fw, locale)
        sections.append({"key": element.key, "label": element.label_in(locale),
                         "value": shown, "list": isinstance(shown, list), "on_certificate": False})
    return {"title": data.get("title", ""), "language": data.get("language") or "fi",
            "framework_version": fw.version, "framework_title": fw.title.get(locale, fw.title["en"]),
            "complete": not missing_elements(data, fw), "sections": sections}
