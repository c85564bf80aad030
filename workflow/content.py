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


# The key under which a receipt's hashed document lists the attachments. Form fields may not
# start with "_" (calls.py, the API, the admin form editor), so it cannot clash with one.
ATTACHMENTS_KEY = "_attachments"


def receipt_document(content: dict[str, Any],
                     attachments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What a receipt's SHA-256 is computed from: the content as submitted, and when the
    version has attachments also `"_attachments"`: [{"filename", "media_type", "size",
    "sha256"}] in upload order (the version's manifest without ids). Without attachments it
    is exactly the content, so receipts from before attachments existed stay valid."""
    if not attachments:
        return content
    files = [{key: item[key] for key in ("filename", "media_type", "size", "sha256")}
             for item in attachments]
    return {**content, ATTACHMENTS_KEY: files}


def receipt_sha256(content: dict[str, Any],
                   attachments: list[dict[str, Any]] | None = None) -> str:
    """The receipt's SHA-256: canonical JSON (sorted keys, no whitespace, UTF-8) of
    `receipt_document(content, attachments)`."""
    return content_sha256(receipt_document(content, attachments))


CONTENT_MISSING = N_("Fill in the required fields first: %(fields)s.")
