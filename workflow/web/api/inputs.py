"""What a request sends: the JSON body, query parameters and the version it saw.

Each request body is declared once as a `Body` of `Field`s. The same declaration checks the
body (every refusal a 4xx with details per field, never a 500) and describes it in the OpenAPI
document, so the two cannot drift apart. The API checks shape, types and sizes; the services
check what the values mean (deadlines, states, the call's form).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import request

from ...content import FIELD_TYPES
from ...i18n import LOCALES, N_
from ...timeutil import parse_instant
from .blueprint import MAX_ID
from .errors import ApiError, invalid_input

MAX_DEPTH = 32
MAX_AMOUNT = Decimal("1e12")
EARLIEST, LATEST = 1900, 2999

REQUIRED = N_("Required.")
UNKNOWN = N_("Unknown field.")
INVALID = N_("Invalid value.")
TOO_LONG = N_("Too long.")
EXPECTED_TEXT = N_("Expected text.")
EXPECTED_INTEGER = N_("Expected a whole number.")
EXPECTED_BOOLEAN = N_("Expected true or false.")
EXPECTED_OBJECT = N_("Expected an object.")
EXPECTED_LIST = N_("Expected a list.")
CHOOSE = N_("Choose one of the listed values.")
INSTANT = N_("Enter a date and time, e.g. 2024-06-03T16:15.")
AMOUNT = N_("Enter a positive amount in euros.")
BAD_CHARACTERS = N_("Contains characters that are not allowed.")
INSTANT_PATTERN_DOC = ("ISO 8601 date and time; with an offset (2024-06-03T16:15:00+03:00) or "
                       "without one, which means Helsinki time (2024-06-03T16:15).")


class _Invalid(Exception):
    """One field's refusal while a body is checked; collected into 422 details."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# The JSON body -------------------------------------------------------------------------------

def json_body(*, empty: Any = None) -> Any:
    """The parsed body: JSON in UTF-8, no NaN or Infinity, no duplicate keys, not too deep,
    no NUL or unpaired surrogate in any string (the database could not store them).
    Numbers with a fraction or exponent come as Decimal, exactly as written.
    `empty`: what a request without a body means, where it may have none."""
    raw = request.get_data(cache=True)  # over the size limit: 413
    if not raw and empty is not None:
        return empty
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise ApiError(415, "unsupported_media_type",
                       N_("Send the body as JSON (Content-Type: application/json)."))
    try:
        value = json.loads(raw.decode("utf-8"), parse_float=Decimal,
                           parse_constant=_no_constant, object_pairs_hook=_no_duplicates)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        raise ApiError(400, "malformed_json",
                       N_("The body is not valid JSON: send one JSON object.")) from None
    bad = _bad_text(value)
    if bad is not None:
        if bad == "":
            raise ApiError(400, "malformed_json", N_("The body is nested too deeply."))
        raise invalid_input({bad: BAD_CHARACTERS})
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _bad_text(value: Any) -> str | None:
    """The path of the first string (or key) that cannot be stored, "" if too deep, else None."""
    stack: list[tuple[Any, str, int]] = [(value, "body", 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            return ""
        if isinstance(item, str):
            if not _storable(item):
                return path
        elif isinstance(item, dict):
            for key, child in item.items():
                if not _storable(key):
                    return path
                stack.append((child, f"{key}" if path == "body" else f"{path}.{key}", depth + 1))
        elif isinstance(item, list):
            for index, child in enumerate(item):
                stack.append((child, f"{path}.{index}", depth + 1))
    return None


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # an unpaired surrogate, e.g. "\ud800"
        return False
    return True


# Fields --------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Field:
    """One member of a request body.

    kind: text | integer | boolean | instant | amount | choice | content | form_fields |
    info_events | scalar (a step's input: text, number or null)."""

    name: str
    kind: str
    description: str
    required: bool = False
    nullable: bool = False
    max_length: int = 300
    choices: tuple[str, ...] = ()
    minimum: int = 1
    maximum: int = MAX_ID

    def parse(self, value: Any) -> Any:
        if value is None:
            if self.nullable:
                return None
            raise _Invalid(REQUIRED)
        return PARSERS[self.kind](self, value)

    def schema(self) -> dict[str, Any]:
        schema = dict(SCHEMAS[self.kind](self))
        if self.nullable:
            kinds = schema.get("type")
            if isinstance(kinds, str):
                schema["type"] = [kinds, "null"]
            elif isinstance(kinds, list) and "null" not in kinds:
                schema["type"] = [*kinds, "null"]
        schema["description"] = self.description
        return schema


@dataclasses.dataclass(frozen=True)
class Body:
    """A request body: a JSON object of these fields, and no others (unless `extra` says which
    other names are accepted, e.g. the inputs of a workflow step)."""

    name: str
    fields: tuple[Field, ...]
    description: str = ""

    def parse(self, value: Any, *, extra: dict[str, Field] | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise invalid_input({"body": EXPECTED_OBJECT})
        known = {f.name: f for f in self.fields} | (extra or {})
        errors: dict[str, Any] = {}
        out: dict[str, Any] = {}
        for name, raw in value.items():
            field = known.get(name)
            if field is None:
                errors[name] = UNKNOWN
                continue
            try:
                out[name] = field.parse(raw)
            except _Invalid as refusal:
                errors[name] = refusal.message
            except _Nested as nested:
                errors.update({f"{name}.{k}": v for k, v in nested.errors.items()})
        for field in known.values():
            if field.required and field.name not in value:
                errors[field.name] = REQUIRED
        if errors:
            raise invalid_input(errors)
        return out

    def schema(self) -> dict[str, Any]:
        return {"type": "object", "description": self.description,
                "properties": {f.name: f.schema() for f in self.fields},
                "required": [f.name for f in self.fields if f.required],
                "additionalProperties": False}


class _Nested(Exception):
    """Refusals inside a list or object member: path → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def _text(field: Field, value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid(EXPECTED_TEXT)
    value = value.strip()
    if len(value) > field.max_length:
        raise _Invalid(TOO_LONG)
    if field.required and not value:
        raise _Invalid(REQUIRED)
    return value


def _integer(field: Field, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(EXPECTED_INTEGER)
    if not field.minimum <= value <= field.maximum:
        raise _Invalid(INVALID)
    return value


def _boolean(field: Field, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(EXPECTED_BOOLEAN)
    return value


def instant_value(value: Any) -> dt.datetime:
    """ISO 8601 text to an aware UTC instant; without an offset it is Helsinki time."""
    if not isinstance(value, str) or len(value) > 64:
        raise _Invalid(INSTANT)
    try:
        instant = parse_instant(value)
    except (ValueError, OverflowError):  # OverflowError: an offset pushes it past year 1 or 9999
        raise _Invalid(INSTANT) from None
    if not EARLIEST <= instant.year <= LATEST:
        raise _Invalid(INSTANT)
    return instant


def _instant(field: Field, value: Any) -> dt.datetime:
    return instant_value(value)


def _amount(field: Field, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)) or (
            isinstance(value, str) and len(value) > 40):
        raise _Invalid(AMOUNT)
    try:
        amount = Decimal(str(value).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise _Invalid(AMOUNT) from None
    if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT:
        raise _Invalid(AMOUNT)
    return amount.quantize(Decimal("0.01"))


def _choice(field: Field, value: Any) -> str:
    if not isinstance(value, str) or value not in field.choices:
        raise _Invalid(CHOOSE)
    return value


def _scalar(field: Field, value: Any) -> str | int | Decimal:
    """A step's input: the step's own parser decides what it means."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise _Invalid(INVALID)
    if isinstance(value, str) and len(value) > field.max_length:
        raise _Invalid(TOO_LONG)
    return value


def _content(field: Field, value: Any) -> dict[str, Any]:
    """A submission's content: an object of texts and numbers; the call's form says which
    names and types it takes (workflow.submissions.clean_content)."""
    if not isinstance(value, dict):
        raise _Invalid(EXPECTED_OBJECT)
    errors = {}
    for key, item in value.items():
        if len(key) > 100:
            errors[key[:100]] = UNKNOWN
        elif item is not None and (isinstance(item, bool)
                                   or not isinstance(item, (str, int, Decimal))):
            errors[key] = INVALID
    if errors:
        raise _Nested(errors)
    return value


LABEL = Field("label", "text", "", max_length=300)


def _form_fields(field: Field, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise _Invalid(EXPECTED_LIST)
    if not 1 <= len(value) <= 100:
        raise _Invalid(INVALID)
    errors: dict[str, str] = {}
    out = []
    for index, item in enumerate(value):
        try:
            out.append(FORM_FIELD.parse(item))
        except ApiError as refusal:
            errors.update({f"{index}.{k}": v for k, v in refusal.details.items()})
    if errors:
        raise _Nested(errors)
    return out


def _labels(field: Field, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _Invalid(EXPECTED_OBJECT)
    if set(value) - set(LOCALES) or "fi" not in value:
        raise _Invalid(INVALID)
    labels = {}
    for locale, text in value.items():
        labels[locale] = _text(LABEL, text)
    return labels


def _name(field: Field, value: Any) -> str:
    text = _text(field, value)
    # Not starting with "_": receipts hash "_attachments" beside the fields.
    if not text.isidentifier() or not text.isascii() or text.startswith("_"):
        raise _Invalid(INVALID)
    return text


def _info_events(field: Field, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise _Invalid(EXPECTED_LIST)
    if len(value) > 50:
        raise _Invalid(INVALID)
    errors: dict[str, str] = {}
    out = []
    for index, item in enumerate(value):
        try:
            event = INFO_EVENT.parse(item)
        except ApiError as refusal:
            errors.update({f"{index}.{k}": v for k, v in refusal.details.items()})
            continue
        if event["starts_at"] >= event["ends_at"]:
            errors[f"{index}.ends_at"] = N_("The end must be after the start.")
        out.append(event)
    if errors:
        raise _Nested(errors)
    return out


PARSERS = {
    "text": _text, "integer": _integer, "boolean": _boolean, "instant": _instant,
    "amount": _amount, "choice": _choice, "scalar": _scalar, "content": _content,
    "form_fields": _form_fields, "info_events": _info_events, "labels": _labels, "name": _name,
}

FORM_FIELD = Body("FormField", (
    Field("name", "name", "Identifier of the field in a submission's content.", required=True,
          max_length=60),
    Field("type", "choice", "What the field holds.", required=True, choices=FIELD_TYPES),
    Field("label", "labels", "The field's label per language; Finnish at least.", required=True),
    Field("required", "boolean", "Must be filled in before submitting."),
), "One field of a call's submission form.")

INFO_EVENT = Body("InfoEventInput", (
    Field("title", "text", "Title of the session.", required=True),
    Field("starts_at", "instant", INSTANT_PATTERN_DOC, required=True),
    Field("ends_at", "instant", INSTANT_PATTERN_DOC, required=True),
    Field("location", "text", "Where: an address or e.g. Teams."),
), "A public information session of a call.")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS = {
    "text": lambda f: {"type": "string", "maxLength": f.max_length,
                       **({"minLength": 1} if f.required else {})},
    "integer": lambda f: {"type": "integer", "minimum": f.minimum, "maximum": f.maximum},
    "boolean": lambda f: {"type": "boolean"},
    "instant": lambda f: {"type": "string", "examples": ["2024-06-03T16:15:00+03:00"]},
    "amount": lambda f: {"type": ["string", "number"], "examples": ["250000.00"],
                         "pattern": r"^\s*[0-9][0-9 ]*([.,][0-9]+)?\s*$"},
    "choice": lambda f: {"type": "string", "enum": list(f.choices)},
    "scalar": lambda f: {"type": ["string", "number"]},
    "content": lambda f: {"type": "object",
                          "additionalProperties": {"type": ["string", "number", "null"]}},
    "form_fields": lambda f: {"type": "array", "minItems": 1, "maxItems": 100,
                              "items": _ref("FormField")},
    "info_events": lambda f: {"type": "array", "maxItems": 50, "items": _ref("InfoEventInput")},
    "labels": lambda f: {"type": "object", "required": ["fi"], "additionalProperties": False,
                         "properties": {lc: {"type": "string", "maxLength": 300}
                                        for lc in LOCALES}},
    "name": lambda f: {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_]*$",
                       "maxLength": f.max_length},
}


# Query parameters ----------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Param:
    name: str
    kind: str  # integer | choice
    description: str
    choices: tuple[str, ...] = ()
    maximum: int = MAX_ID  # integers
    refusal: str = EXPECTED_INTEGER  # the message for a value out of range

    def schema(self) -> dict[str, Any]:
        if self.kind == "integer":
            return {"type": "integer", "minimum": 1, "maximum": self.maximum}
        return {"type": "string", "enum": list(self.choices)}


def query(params: tuple[Param, ...]) -> dict[str, Any]:
    """The query string, checked: unknown names and bad values are refused (422)."""
    known = {p.name: p for p in params}
    errors: dict[str, Any] = {}
    out: dict[str, Any] = {}
    for name in request.args:
        param = known.get(name)
        if param is None:
            errors[name] = N_("Unknown parameter.")
            continue
        raw = request.args.get(name, "")
        if param.kind == "integer":
            if not (raw.isascii() and raw.isdigit() and len(raw) <= 10
                    and 1 <= int(raw) <= param.maximum):
                errors[name] = param.refusal
                continue
            out[name] = int(raw)
        elif raw in param.choices:
            out[name] = raw
        else:
            errors[name] = CHOOSE
    if errors:
        raise invalid_input(errors)
    return out


# Versions ------------------------------------------------------------------------------------

VERSION = Field("version", "integer",
                "The object's version you last saw (or send it as If-Match): a stale version "
                "is refused with 409 conflict.")


def expected_version(body_version: int | None = None) -> int | None:
    """The version the client saw: If-Match ("3", W/"3" or 3) or the body's `version`."""
    if "If-Match" not in request.headers:
        return body_version
    tags = request.if_match
    if tags.star_tag:
        return body_version
    values = list(tags.as_set(include_weak=True))
    if len(values) != 1 or not (values[0].isascii() and values[0].isdigit()
                                and len(values[0]) <= 10):
        raise invalid_input({"If-Match": N_("Send one version, e.g. If-Match: \"3\".")})
    version = int(values[0])
    if body_version is not None and body_version != version:
        raise invalid_input({"If-Match": N_("If-Match and version disagree.")})
    return version
