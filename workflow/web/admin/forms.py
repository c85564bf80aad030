"""Reading the administrators' forms: Helsinki dates and times as people type them, amounts,
bounded texts, the call form and its submission-form editor.

Every reader returns values for the services plus an `ErrorSummary` with one message per
field in the user's language; nothing here raises on bad input. The services check again
(what a value means, e.g. the deadline after the opening); these readers make sure that what
reaches them fits the database (lengths, magnitudes, characters) and say clearly what to fix.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ...content import DEFAULT_FORMS, FIELD_TYPES
from ...i18n import LOCALES, N_, Msg, translate
from ...timeutil import HELSINKI, UTC, helsinki
from ..helpers import ErrorSummary, label
from ..locale import current_locale

DATE_FI = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\.?$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
TIME = re.compile(r"^(?:klo\s*|kl\.?\s*)?(\d{1,2})(?:[.:](\d{2}))?$")
FIRST_YEAR, LAST_YEAR = 2000, 2999
MAX_AMOUNT = Decimal("1e12")  # Numeric(14, 2)
# Column sizes (models/call.py) and a sensible bound for long texts.
MAX_TITLE, MAX_HILMA, MAX_LOCATION, MAX_TEXT = 300, 40, 300, 20_000
MAX_FIELDS, MAX_FIELD_NAME = 40, 40
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

ENTER_DATE = N_("Enter a date such as 3.6.2024.")
ENTER_TIME = N_("Enter a time such as 16.15.")
ENTER_BOTH = N_("Enter both a date and a time.")
NO_SUCH_TIME = N_("This time does not exist in Finnish time: the clocks move forward that night.")
YEAR_RANGE = N_("Enter a year between 2000 and 2999.")
AMOUNT = N_("Enter a positive amount in euros.")
REQUIRED = N_("Required.")
TOO_LONG = N_("Use at most %(n)s characters.")
BAD_CHARACTERS = N_("Contains characters that are not allowed.")
CHOOSE = N_("Choose one of the listed values.")
AFTER_OPENING = N_("The deadline must be after the opening.")
QUESTIONS_BEFORE_DEADLINE = N_("Questions must end before the deadline.")
ENDS_AFTER_START = N_("The end must be after the start.")
LABEL_IN = {"fi": N_("Label in Finnish"), "sv": N_("Label in Swedish"), "en": N_("Label in English")}


class Invalid(Exception):
    """One field's refusal: a declared message and its parameters."""

    def __init__(self, msgid: Msg | str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    def text(self) -> str:
        return translate(self.msgid, current_locale(), **self.params)


# Single values ---------------------------------------------------------------------------------

def parse_date(text: str) -> dt.date:
    """3.6.2024, 03.06.2024 or 2024-06-03."""
    text = text.strip()
    match = DATE_FI.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = DATE_ISO.match(text)
        if not match:
            raise Invalid(ENTER_DATE)
        year, month, day = (int(g) for g in match.groups())
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(YEAR_RANGE)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise Invalid(ENTER_DATE) from None


def parse_time(text: str) -> dt.time:
    """16.15, 16:15, klo 16.15 or 16 (a whole hour)."""
    match = TIME.match(text.strip().lower())
    if not match:
        raise Invalid(ENTER_TIME)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise Invalid(ENTER_TIME)
    return dt.time(hour, minute)


def helsinki_instant(day: dt.date, time: dt.time) -> dt.datetime:
    """A Helsinki wall-clock time as a UTC instant; a time skipped when the clocks move forward
    is refused rather than silently moved (an ambiguous autumn hour means the summer one)."""
    local = dt.datetime.combine(day, time, tzinfo=HELSINKI)
    instant = local.astimezone(UTC)
    if helsinki(instant).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise Invalid(NO_SUCH_TIME)
    return instant


def parse_amount(text: str) -> Decimal:
    """250000, 250 000, 250 000,50 €."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text).replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except (InvalidOperation, ValueError):
        raise Invalid(AMOUNT) from None
    if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT:
        raise Invalid(AMOUNT)
    if amount != amount.quantize(Decimal("0.01")):
        raise Invalid(AMOUNT)
    return amount.quantize(Decimal("0.01"))


def clean_text(text: str, limit: int, *, required: bool = False, multiline: bool = False) -> str:
    text = text.replace("\r\n", "\n").strip()
    if required and not text:
        raise Invalid(REQUIRED)
    if len(text) > limit:
        raise Invalid(TOO_LONG, n=limit)
    allowed = "\n\t" if multiline else ""
    if any((ord(ch) < 0x20 and ch not in allowed) or ord(ch) == 0x7F
           or 0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise Invalid(BAD_CHARACTERS)
    return text


def date_text(instant: dt.datetime | None) -> str:
    """An instant's Helsinki date as the form shows it: 3.6.2024."""
    if instant is None:
        return ""
    local = helsinki(instant)
    return f"{local.day}.{local.month}.{local.year}"


def time_text(instant: dt.datetime | None) -> str:
    """An instant's Helsinki time as the form shows it: 16.15."""
    if instant is None:
        return ""
    local = helsinki(instant)
    return f"{local.hour}.{local.minute:02d}"


# Reading a whole form ----------------------------------------------------------------------------

class Reader:
    """Reads fields of one posted form, collecting a message per field instead of raising."""

    def __init__(self, form: Mapping[str, str], labels: Mapping[str, str]) -> None:
        self.form = form
        self.labels = labels
        self.errors = ErrorSummary()

    def raw(self, name: str) -> str:
        value = self.form.get(name, "")
        return value if isinstance(value, str) else ""

    def fail(self, name: str, message: str) -> None:
        if name not in self.errors.fields:
            self.errors.add(name, message, self.labels.get(name, ""))

    def text(self, name: str, limit: int, *, required: bool = False,
             multiline: bool = False) -> str | None:
        try:
            return clean_text(self.raw(name), limit, required=required, multiline=multiline)
        except Invalid as err:
            self.fail(name, err.text())
            return None

    def instant(self, name: str, *, required: bool = False) -> dt.datetime | None:
        """`<name>_date` and `<name>_time`; both empty is None (an error if required)."""
        day, time = self.raw(f"{name}_date").strip(), self.raw(f"{name}_time").strip()
        if not day and not time:
            if required:
                self.fail(name, label(REQUIRED))
            return None
        if not day or not time:
            self.fail(name, label(ENTER_BOTH))
            return None
        try:
            return helsinki_instant(parse_date(day), parse_time(time))
        except Invalid as err:
            self.fail(name, err.text())
            return None

    def amount(self, name: str) -> Decimal | None:
        raw = self.raw(name).strip()
        if not raw:
            return None
        try:
            return parse_amount(raw)
        except Invalid as err:
            self.fail(name, err.text())
            return None


@dataclasses.dataclass
class CallForm:
    """A call form as read: values for create_call/update_call, the info event to add (on
    creation) and the errors."""

    values: dict[str, Any]
    info_event: dict[str, Any] | None
    errors: ErrorSummary


def call_labels() -> dict[str, str]:
    return {"kind": label(N_("Type")), "title": label(N_("Title")),
            "description": label(N_("Description")), "opens_at": label(N_("Opens")),
            "deadline": label(N_("Deadline")), "questions_until": label(N_("Questions until")),
            "budget": label(N_("Budget (€)")), "hilma_notice_id": label(N_("Hilma notice number")),
            **info_event_labels()}


def info_event_labels() -> dict[str, str]:
    return {"event_title": label(N_("Info session title")), "event_date": label(N_("Date")),
            "event_starts": label(N_("Starts")), "event_ends": label(N_("Ends")),
            "event_location": label(N_("Place or link"))}


def read_call_form(form: Mapping[str, str], *, creating: bool) -> CallForm:
    reader = Reader(form, call_labels())
    values: dict[str, Any] = {}
    if creating:
        kind = reader.raw("kind")
        if kind not in DEFAULT_FORMS:
            reader.fail("kind", label(CHOOSE))
        values["kind"] = kind
    values["title"] = reader.text("title", MAX_TITLE, required=True)
    values["description"] = reader.text("description", MAX_TEXT, multiline=True)
    values["opens_at"] = reader.instant("opens_at", required=True)
    values["deadline"] = reader.instant("deadline", required=True)
    values["questions_until"] = reader.instant("questions_until")
    values["budget"] = reader.amount("budget")
    values["hilma_notice_id"] = reader.text("hilma_notice_id", MAX_HILMA)
    opens, deadline, questions = values["opens_at"], values["deadline"], values["questions_until"]
    if opens and deadline and deadline <= opens:
        reader.fail("deadline", label(AFTER_OPENING))
    if questions and deadline and questions > deadline:
        reader.fail("questions_until", label(QUESTIONS_BEFORE_DEADLINE))
    event = read_info_event(reader) if creating else None
    return CallForm(values, event, reader.errors)


def read_info_event(reader: Reader) -> dict[str, Any] | None:
    """The optional info session of a form: nothing filled in is None."""
    names = ("event_title", "event_date", "event_starts", "event_ends", "event_location")
    if not any(reader.raw(n).strip() for n in names):
        return None
    title = reader.text("event_title", MAX_TITLE, required=True)
    location = reader.text("event_location", MAX_LOCATION)
    day = starts = ends = None
    try:
        day = parse_date(reader.raw("event_date")) if reader.raw("event_date").strip() else None
        if day is None:
            reader.fail("event_date", label(REQUIRED))
    except Invalid as err:
        reader.fail("event_date", err.text())
    for name in ("event_starts", "event_ends"):
        raw = reader.raw(name).strip()
        if not raw:
            reader.fail(name, label(REQUIRED))
            continue
        try:
            value = parse_time(raw)
            if day is not None:
                instant = helsinki_instant(day, value)
                starts, ends = (instant, ends) if name == "event_starts" else (starts, instant)
        except Invalid as err:
            reader.fail(name, err.text())
    if starts and ends and ends <= starts:
        reader.fail("event_ends", label(ENDS_AFTER_START))
    if reader.errors:
        return None
    return {"title": title, "starts_at": starts, "ends_at": ends, "location": location or ""}


# The submission form editor ----------------------------------------------------------------

def field_editor_labels() -> dict[str, str]:
    return {"new_name": label(N_("Name of the new field")),
            "new_type": label(N_("Type of the new field")),
            "new_label_fi": label(LABEL_IN["fi"]), "new_label_sv": label(LABEL_IN["sv"]),
            "new_label_en": label(LABEL_IN["en"]),
            "form_fields": label(N_("Form fields"))}


def read_form_fields(form: Mapping[str, str], current: list[dict[str, Any]],
                     kind: str) -> tuple[list[dict[str, Any]], ErrorSummary]:
    """The edited list of the call's form fields: labels and `required` of each existing field,
    removals (not of the kind's default fields: the evaluation reads them, e.g. a tender's
    price), and at most one new field of a known type."""
    reader = Reader(form, field_editor_labels())
    protected = {f["name"] for f in DEFAULT_FORMS.get(kind, [])}
    fields: list[dict[str, Any]] = []
    for i, existing in enumerate(current):
        name = existing["name"]
        if form.get(f"remove_{i}") and name not in protected:
            continue
        labels = {}
        for locale in LOCALES:
            key = f"label_{locale}_{i}"
            reader.labels.setdefault(key, f"{name}: {label(LABEL_IN[locale])}")
            text = reader.text(key, MAX_TITLE, required=locale == "fi")
            if text:
                labels[locale] = text
        fields.append({**existing, "label": labels or existing.get("label", {}),
                       "required": bool(form.get(f"required_{i}"))})
    new = _new_field(reader, {f["name"] for f in fields})
    if new is not None:
        fields.append(new)
    if not fields:
        reader.fail("form_fields", label(N_("Keep at least one field.")))
    if len(fields) > MAX_FIELDS:
        reader.fail("form_fields",
                    Invalid(N_("A form can have at most %(n)s fields."), n=MAX_FIELDS).text())
    return fields, reader.errors


def _new_field(reader: Reader, taken: set[str]) -> dict[str, Any] | None:
    names = ("new_name", "new_label_fi", "new_label_sv", "new_label_en")
    if not any(reader.raw(n).strip() for n in names):
        return None
    name = reader.raw("new_name").strip()
    if not name:
        reader.fail("new_name", label(REQUIRED))
    elif len(name) > MAX_FIELD_NAME or not FIELD_NAME.match(name):
        reader.fail("new_name", label(N_("Use lower-case letters a–z, digits and _, starting with a letter.")))
    elif name in taken:
        reader.fail("new_name", label(N_("The form has a field with this name already.")))
    kind = reader.raw("new_type")
    if kind not in FIELD_TYPES:
        reader.fail("new_type", label(CHOOSE))
    labels = {}
    for locale in LOCALES:
        text = reader.text(f"new_label_{locale}", MAX_TITLE, required=locale == "fi")
        if text:
            labels[locale] = text
    if reader.errors:
        return None
    return {"name": name, "type": kind, "required": bool(reader.form.get("new_required")),
            "label": labels}
