"""What reports contain, and when they are complete (no database, no engine: guards use it).

- A Jotpa pilot's interim and final report: a summary of the learners' feedback (and, if
  collected, their average rating), and feedback on the framework element by element:
  worked / partly / did not, a comment, a proposal. The final report rates every element of
  the framework version the pilot's description was written against. The participant
  figures are not typed in: they are taken from the cohorts when the report is submitted.
- An ESR project's progress report: a summary and the indicators reached so far.
- An ESR project's final report (`Submission.final_report`): a summary, the results, every
  indicator, and optionally framework feedback.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import WorkflowError
from ..framework import Framework
from ..i18n import N_

RATINGS = {"worked": N_("Worked"), "partly": N_("Partly worked"), "did_not": N_("Did not work")}
PROBLEM_RATINGS = ("partly", "did_not")

# ESR (ESF+) project indicators reported in progress and final reports.
ESR_INDICATORS: list[dict[str, Any]] = [
    {"key": "micro_credentials_designed",
     "label": {"fi": "Suunnitellut pienet osaamiskokonaisuudet", "sv": "Planerade mikromeriter",
               "en": "Micro-credentials designed"}},
    {"key": "micro_credentials_delivered",
     "label": {"fi": "Toteutetut pienet osaamiskokonaisuudet", "sv": "Genomförda mikromeriter",
               "en": "Micro-credentials delivered"}},
    {"key": "staff_trained",
     "label": {"fi": "Osaamistaan kehittäneet henkilöstön jäsenet",
               "sv": "Anställda som utvecklat sin kompetens", "en": "Staff members trained"}},
    {"key": "participants",
     "label": {"fi": "Osallistujat", "sv": "Deltagare", "en": "Participants"}},
    {"key": "participants_completed",
     "label": {"fi": "Suorittaneet osallistujat", "sv": "Deltagare som slutfört",
               "en": "Participants who completed"}},
    {"key": "partner_organisations",
     "label": {"fi": "Mukana olleet työelämän organisaatiot",
               "sv": "Deltagande arbetslivsorganisationer",
               "en": "Working-life partner organisations"}},
]
ESR_INDICATOR_KEYS = [i["key"] for i in ESR_INDICATORS]

SUMMARY_MAX = 5000
COMMENT_MAX = 2000
INDICATOR_MAX = 10_000_000

REQUIRED = N_("Required.")
INVALID = N_("Invalid value.")
UNKNOWN = N_("Unknown field.")
TOO_LONG = N_("The text is too long.")
NOT_ALLOWED = N_("Choose one of the listed values.")
WHOLE_NUMBER = N_("Enter a whole number, 0 or more.")
RATING_RANGE = N_("Enter a rating from 1 to 5.")
COMMENT_NEEDED = N_("Say what did not work.")
CHECK_FIELDS = N_("Check these fields: %(fields)s.")
INCOMPLETE = N_("The report is incomplete. Check the marked fields.")

# The fields each kind of report has, and which must be filled in to submit.
SCHEMAS: dict[str, dict[str, tuple[str, bool]]] = {
    # field → (type, required to submit)
    "interim": {"feedback_summary": ("summary", True), "satisfaction": ("rating", False),
                "feedback_respondents": ("count", False), "framework_feedback": ("feedback", False),
                "other_experiences": ("summary", False)},
    "final": {"feedback_summary": ("summary", True), "satisfaction": ("rating", False),
              "feedback_respondents": ("count", False), "framework_feedback": ("feedback", True),
              "other_experiences": ("summary", False)},
    "progress": {"summary": ("summary", True), "indicators": ("indicators", False)},
    "esr_final": {"summary": ("summary", True), "results": ("summary", True),
                  "indicators": ("indicators", True), "framework_feedback": ("feedback", False)},
}


class _Invalid(Exception):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


def clean_report(report_type: str, data: Any, fw: Framework | None) -> dict[str, Any]:
    """The report's fields, each in its form; raises `invalid_input` (details per field) for
    what does not fit. A draft may leave fields empty. `fw` is the framework version whose
    elements framework feedback may name (None: any feedback is refused)."""
    if not isinstance(data, dict):
        raise WorkflowError("invalid_input", INVALID)
    clean, problems = _clean(report_type, data, fw)
    if problems:
        raise WorkflowError("invalid_input", CHECK_FIELDS, fields=", ".join(problems),
                            details=problems)
    return clean


def report_problems(report_type: str, data: dict[str, Any] | None,
                    fw: Framework | None) -> dict[str, str]:
    """Field → what is wrong, for submitting; empty when the report is complete."""
    data = data or {}
    clean, problems = _clean(report_type, data, fw)
    for field, (kind, required) in SCHEMAS[report_type].items():
        if not required or field in problems:
            continue
        if kind == "feedback":
            for element in (fw.elements if fw else ()):
                if element.key not in clean.get(field, {}):
                    problems[f"{field}.{element.key}"] = REQUIRED
        elif kind == "indicators":
            for key in ESR_INDICATOR_KEYS:
                if key not in clean.get(field, {}):
                    problems[f"{field}.{key}"] = REQUIRED
        elif field not in clean:
            problems[field] = REQUIRED
    return problems


def report_refusal(report_type: str, data: dict[str, Any] | None,
                   fw: Framework | None) -> WorkflowError | None:
    problems = report_problems(report_type, data, fw)
    if problems:
        return WorkflowError("content_missing", INCOMPLETE,
                             details={k: "required" if v == REQUIRED else v
                                      for k, v in problems.items()})
    return None


def _clean(report_type: str, data: dict[str, Any],
           fw: Framework | None) -> tuple[dict[str, Any], dict[str, str]]:
    schema = SCHEMAS[report_type]
    clean: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for field, value in data.items():
        if field == "results" and report_type in ("interim", "final"):
            continue  # taken from the cohorts at submission, never typed in
        if field not in schema:
            problems[str(field)[:80]] = UNKNOWN
            continue
        if value is None or value == "" or value == {}:
            continue
        kind = schema[field][0]
        try:
            if kind == "summary":
                clean[field] = _text(value, SUMMARY_MAX)
            elif kind == "rating":
                clean[field] = _rating(value)
            elif kind == "count":
                clean[field] = _count(value)
            elif kind == "indicators":
                clean[field] = _indicators(value)
            elif kind == "feedback":
                clean[field] = _feedback(value, fw)
        except _Invalid as err:
            problems.update({(field if k == "" else f"{field}.{k}"): v
                             for k, v in err.problems.items()})
    return clean, problems


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise _Invalid({"": INVALID})
    text = value.replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise _Invalid({"": TOO_LONG})
    return text


def _count(value: Any) -> int:
    if isinstance(value, bool):
        raise _Invalid({"": WHOLE_NUMBER})
    try:
        number = int(str(value).strip())
    except ValueError:
        raise _Invalid({"": WHOLE_NUMBER}) from None
    if not 0 <= number <= INDICATOR_MAX:
        raise _Invalid({"": WHOLE_NUMBER})
    return number


def _rating(value: Any) -> float:
    if isinstance(value, bool):
        raise _Invalid({"": RATING_RANGE})
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation:
        raise _Invalid({"": RATING_RANGE}) from None
    if not number.is_finite() or not 1 <= number <= 5:
        raise _Invalid({"": RATING_RANGE})
    return float(number.quantize(Decimal("0.01")))


def _indicators(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise _Invalid({"": INVALID})
    out, problems = {}, {}
    for key, raw in value.items():
        if key not in ESR_INDICATOR_KEYS:
            problems[str(key)[:80]] = UNKNOWN
        elif raw is None or raw == "":
            continue
        else:
            try:
                out[key] = _count(raw)
            except _Invalid as err:
                problems[key] = err.problems[""]
    if problems:
        raise _Invalid(problems)
    return out


def _feedback(value: Any, fw: Framework | None) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise _Invalid({"": INVALID})
    keys = set(fw.keys) if fw else set()
    out, problems = {}, {}
    for key, entry in value.items():
        if key not in keys:
            problems[str(key)[:80]] = UNKNOWN
            continue
        if not isinstance(entry, dict) or set(entry) - {"rating", "comment", "proposal"}:
            problems[key] = INVALID
            continue
        rating = entry.get("rating")
        comment, proposal = entry.get("comment") or "", entry.get("proposal") or ""
        if rating in (None, "") and not str(comment).strip() and not str(proposal).strip():
            continue
        if rating not in RATINGS:
            problems[f"{key}.rating"] = NOT_ALLOWED
            continue
        try:
            item = {"rating": rating, "comment": _text(comment, COMMENT_MAX),
                    "proposal": _text(proposal, COMMENT_MAX)}
        except _Invalid as err:
            problems[key] = err.problems[""]
            continue
        # What did not (fully) work is what the ministry needs to hear about.
        if rating in PROBLEM_RATINGS and not item["comment"]:
            problems[f"{key}.comment"] = COMMENT_NEEDED
            continue
        out[key] = item
    if problems:
        raise _Invalid(problems)
    return out
