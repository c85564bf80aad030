"""Submission content: the per-call form, completeness, and the canonical form that is hashed
for receipts."""
from __future__ import annotations

import hashlib
import json
from typing import Any

from .i18n import N_

FIELD_TYPES = ("text", "textarea", "number", "money")

# The default forms; a call may define its own (`Call.form_fields`).
DEFAULT_FORMS: dict[str, list[dict[str, Any]]] = {
    "esr": [
        {"name": "title", "type": "text", "required": True,
         "label": {"fi": "Hankkeen nimi", "sv": "Projektets namn", "en": "Project title"}},
        {"name": "summary", "type": "textarea", "required": True,
         "label": {"fi": "Tiivistelmä", "sv": "Sammanfattning", "en": "Summary"}},
        {"name": "objectives", "type": "textarea", "required": True,
         "label": {"fi": "Tavoitteet", "sv": "Mål", "en": "Objectives"}},
        {"name": "budget_total", "type": "money", "required": True,
         "label": {"fi": "Kokonaisbudjetti (€)", "sv": "Total budget (€)", "en": "Total budget (€)"}},
    ],
    "jotpa": [
        {"name": "title", "type": "text", "required": True,
         "label": {"fi": "Tarjouksen nimi", "sv": "Anbudets namn", "en": "Tender title"}},
        {"name": "pilot_plan", "type": "textarea", "required": True,
         "label": {"fi": "Pilotin toteutussuunnitelma", "sv": "Plan för pilotens genomförande",
                   "en": "Pilot delivery plan"}},
        {"name": "price", "type": "money", "required": True,
         "label": {"fi": "Hinta (€, alv 0 %)", "sv": "Pris (€, moms 0 %)", "en": "Price (€, VAT 0%)"}},
    ],
}


def default_form(kind: str) -> list[dict[str, Any]]:
    return [dict(field) for field in DEFAULT_FORMS[kind]]


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def missing_fields(form: list[dict[str, Any]], content: dict[str, Any]) -> list[str]:
    """Names of the required fields the content leaves empty, in form order."""
    return [f["name"] for f in form if f.get("required") and not _present(content.get(f["name"]))]


def canonical_json(content: dict[str, Any]) -> bytes:
    """One byte string per content: sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def content_sha256(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


CONTENT_MISSING = N_("Fill in the required fields first: %(fields)s.")
