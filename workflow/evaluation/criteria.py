"""A call's criteria and evaluation settings: administrators edit them while the call is not
public (issue 5 §1). Each edit checks the shape of what is given (a kind, names, numbers);
whether the list as a whole is consistent is asked by `problems()` and enforced when the call
is published (the guard `criteria_consistent`).

Every call starts with the default criteria of its kind (below), as it starts with the
default form, so that a new call can be published as it is and edited where it differs.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy.orm as so

from models import CRITERION_KINDS, PASS_FAIL_KINDS, Call, Criterion, EvaluationSettings, User

from ..engine import record_event
from ..errors import WorkflowError, conflict, not_allowed
from ..i18n import LOCALES, N_
from ..permissions import UNPUBLISHED, is_admin
from . import queries as q
from .consistency import Problem, criteria_problems

MAX_NAME = 300
# Settings can change until the decision: after it they explain what was decided.
SETTINGS_CLOSED_STATES = ("decided", "archived", "standstill", "contracted", "pilot_delivery",
                          "final_reporting", "closed", "cancelled")

# Typical ESF+ criteria (DOMAIN §3): content criteria 0–5, horizontal criteria 0–3; and a Jotpa
# price–quality comparison of 60 quality points and 40 price points (DOMAIN §4).
DEFAULT_CRITERIA: dict[str, list[dict[str, Any]]] = {
    "esr": [
        {"kind": "eligibility", "name": {
            "fi": "Hakija on oikeutettu ESR+-rahoitukseen",
            "sv": "Sökanden är berättigad till ESF+-finansiering",
            "en": "The applicant is eligible for ESF+ funding"}},
        {"kind": "eligibility", "name": {
            "fi": "Hanke vastaa haun tavoitteita",
            "sv": "Projektet motsvarar utlysningens mål",
            "en": "The project matches the objectives of the call"}},
        {"kind": "eligibility", "name": {
            "fi": "Kustannusarvio ja rahoitussuunnitelma ovat täydelliset",
            "sv": "Kostnadsförslaget och finansieringsplanen är fullständiga",
            "en": "The budget and the financing plan are complete"}},
        {"kind": "scored", "scale_min": 0, "scale_max": 5, "weight": "30", "name": {
            "fi": "Tarve ja tavoitteet", "sv": "Behov och mål", "en": "Need and objectives"}},
        {"kind": "scored", "scale_min": 0, "scale_max": 5, "weight": "30", "name": {
            "fi": "Toteutus ja resurssit", "sv": "Genomförande och resurser",
            "en": "Implementation and resources"}},
        {"kind": "scored", "scale_min": 0, "scale_max": 5, "weight": "25", "name": {
            "fi": "Tulokset ja vaikuttavuus", "sv": "Resultat och effekter",
            "en": "Results and impact"}},
        {"kind": "scored", "scale_min": 0, "scale_max": 3, "weight": "15", "name": {
            "fi": "Horisontaaliset periaatteet (tasa-arvo, yhdenvertaisuus, kestävä kehitys, "
                  "saavutettavuus)",
            "sv": "Horisontella principer (jämställdhet, icke-diskriminering, hållbar "
                  "utveckling, tillgänglighet)",
            "en": "Horizontal principles (equality, non-discrimination, sustainable "
                  "development, accessibility)"}},
    ],
    "jotpa": [
        {"kind": "exclusion", "name": {
            "fi": "Pakolliset poissulkemisperusteet (hankintalaki 80 §) eivät koske tarjoajaa",
            "sv": "De obligatoriska uteslutningsgrunderna (upphandlingslagen 80 §) gäller inte "
                  "anbudsgivaren",
            "en": "No mandatory exclusion ground (Procurement Act, section 80) applies to the "
                  "bidder"}},
        {"kind": "exclusion", "name": {
            "fi": "Harkinnanvaraiset poissulkemisperusteet (hankintalaki 81 §) eivät koske "
                  "tarjoajaa",
            "sv": "De frivilliga uteslutningsgrunderna (upphandlingslagen 81 §) gäller inte "
                  "anbudsgivaren",
            "en": "No discretionary exclusion ground (Procurement Act, section 81) applies to "
                  "the bidder"}},
        {"kind": "suitability", "name": {
            "fi": "Tarjoajalla on kokemusta jatkuvan oppimisen koulutusten toteuttamisesta",
            "sv": "Anbudsgivaren har erfarenhet av att genomföra utbildningar för "
                  "kontinuerligt lärande",
            "en": "The bidder has experience in delivering continuous-learning training"}},
        {"kind": "suitability", "name": {
            "fi": "Pienen osaamiskokonaisuuden kuvaus noudattaa viitekehystä",
            "sv": "Beskrivningen av mikromeriten följer referensramen",
            "en": "The micro-credential description follows the framework"}},
        {"kind": "scored", "scale_min": 0, "scale_max": 5, "weight": "40", "name": {
            "fi": "Pilotin toteutussuunnitelman laatu",
            "sv": "Kvaliteten på planen för pilotens genomförande",
            "en": "Quality of the pilot delivery plan"}},
        {"kind": "scored", "scale_min": 0, "scale_max": 5, "weight": "20", "name": {
            "fi": "Viitekehyksen soveltaminen ja raportointi",
            "sv": "Tillämpning av referensramen och rapportering",
            "en": "Application of the framework and reporting"}},
        {"kind": "price", "weight": "40", "name": {"fi": "Hinta", "sv": "Pris", "en": "Price"}},
    ],
}

INVALID = N_("Invalid value.")
CHECK_FIELDS = N_("Check these fields: %(fields)s.")


def default_criteria(kind: str) -> list[dict[str, Any]]:
    return [{**item, "name": dict(item["name"])} for item in DEFAULT_CRITERIA[kind]]


def problems(session: so.Session, call: Call) -> list[Problem]:
    """Why the call's criteria could not be published now (empty: consistent)."""
    return criteria_problems(call.kind, q.criteria_of(session, call.id))


# Editing -------------------------------------------------------------------------------------

def _editable(actor: User, call: Call) -> None:
    if not is_admin(actor):
        raise not_allowed()
    if call.state not in UNPUBLISHED:
        raise WorkflowError("invalid_transition",
                            N_("The criteria of a published call can no longer be changed."))


def add_criterion(session: so.Session, actor: User, call: Call, **fields: Any) -> Criterion:
    """Add one criterion at the end (or at `position`)."""
    _editable(actor, call)
    values = parse_criterion(fields)
    existing = q.criteria_of(session, call.id)
    if "position" not in values:
        values["position"] = max((c.position for c in existing), default=-1) + 1
    criterion = Criterion(call_id=call.id, **values)
    session.add(criterion)
    session.flush()
    record_event(session, call, "add_criterion", actor, data={"criterion_id": criterion.id})
    return criterion


def update_criterion(session: so.Session, actor: User, criterion: Criterion,
                     **changes: Any) -> Criterion:
    call = session.get(Call, criterion.call_id)
    _editable(actor, call)
    current = {"kind": criterion.kind, "name": criterion.name, "weight": criterion.weight,
               "scale_min": criterion.scale_min, "scale_max": criterion.scale_max,
               "threshold": criterion.threshold, "position": criterion.position}
    # A new kind drops what it cannot have: pass/fail has no numbers, a price no scale.
    if changes.get("kind") in PASS_FAIL_KINDS:
        current.update(weight=None, scale_min=None, scale_max=None, threshold=None)
    elif changes.get("kind") == "price":
        current.update(scale_min=None, scale_max=None, threshold=None)
    values = parse_criterion({**current, **changes})
    for key, value in values.items():
        setattr(criterion, key, value)
    session.flush()
    record_event(session, call, "edit_criterion", actor,
                 data={"criterion_id": criterion.id, "fields": sorted(changes)})
    return criterion


def remove_criterion(session: so.Session, actor: User, criterion: Criterion) -> None:
    call = session.get(Call, criterion.call_id)
    _editable(actor, call)
    criterion_id = criterion.id
    session.delete(criterion)
    session.flush()
    record_event(session, call, "remove_criterion", actor, data={"criterion_id": criterion_id})


def replace_criteria(session: so.Session, actor: User, call: Call, items: list[dict[str, Any]],
                     *, version: int | None = None) -> list[Criterion]:
    """Set the whole list at once (its order is the list's), e.g. from a form or the API."""
    _editable(actor, call)
    if version is not None and version != call.version:
        raise conflict()
    parsed = parse_criteria(items)
    for old in q.criteria_of(session, call.id):
        session.delete(old)
    session.flush()
    created = _create(session, call, parsed)
    record_event(session, call, "replace_criteria", actor, data={"count": len(created)})
    return created


def create_initial_criteria(session: so.Session, call: Call,
                            items: list[dict[str, Any]] | None = None) -> list[Criterion]:
    """A new call's criteria: the given ones, or the defaults of its kind. Part of creating
    the call (`calls.create_call`), so audited by its `create` row."""
    return _create(session, call, parse_criteria(default_criteria(call.kind)
                                                 if items is None else items))


def _create(session: so.Session, call: Call, parsed: list[dict[str, Any]]) -> list[Criterion]:
    created = [Criterion(call_id=call.id, **{**values, "position": i})
               for i, values in enumerate(parsed)]
    session.add_all(created)
    session.flush()
    return created


def parse_criteria(items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list) or len(items) > 100:
        raise WorkflowError("invalid_input", CHECK_FIELDS, fields="criteria",
                            details={"criteria": INVALID})
    parsed, errors = [], {}
    for i, item in enumerate(items):
        try:
            values = parse_criterion(item if isinstance(item, dict) else {"kind": None})
        except WorkflowError as err:
            errors.update({f"criteria.{i}.{k}": v for k, v in err.details.items()})
            continue
        values.pop("position", None)
        parsed.append(values)
    if errors:
        raise WorkflowError("invalid_input", CHECK_FIELDS, fields=", ".join(errors), details=errors)
    return parsed


def parse_criterion(fields: dict[str, Any]) -> dict[str, Any]:
    """One criterion's values with their types checked; refuses what cannot be stored. The
    list's consistency (a scored criterion, positive weights, ...) is `problems()`'s job."""
    errors: dict[str, Any] = {}
    known = ("kind", "name", "weight", "scale_min", "scale_max", "threshold", "position")
    for key in fields:
        if key not in known:
            errors[key] = N_("Unknown field.")
    kind = fields.get("kind")
    if kind not in CRITERION_KINDS:
        errors["kind"] = N_("Choose one of the listed values.")
    values: dict[str, Any] = {"kind": kind, "name": _name(fields.get("name"), errors)}
    pass_fail = kind in PASS_FAIL_KINDS
    for key, parse, limit in (("weight", _decimal, Decimal("1e6")),
                              ("threshold", _decimal, Decimal("1e4")),
                              ("scale_min", _whole, 1000), ("scale_max", _whole, 1000)):
        raw = fields.get(key)
        if raw is None or raw == "":
            values[key] = None
            continue
        if pass_fail or (kind == "price" and key != "weight"):
            errors[key] = N_("This kind of criterion has no such value.")
            continue
        try:
            values[key] = parse(raw, limit)
        except (ValueError, TypeError, ArithmeticError):
            errors[key] = INVALID
    if kind == "scored":
        for key in ("scale_min", "scale_max"):
            if values.get(key) is None and key not in errors:
                errors[key] = N_("Required.")
    if "position" in fields and fields["position"] is not None:
        try:
            values["position"] = _whole(fields["position"], 10_000)
        except (ValueError, TypeError):
            errors["position"] = INVALID
    if errors:
        raise WorkflowError("invalid_input", CHECK_FIELDS, fields=", ".join(errors), details=errors)
    return values


def _name(raw: Any, errors: dict[str, Any]) -> dict[str, str]:
    if not isinstance(raw, dict) or any(k not in LOCALES for k in raw) or any(
            not isinstance(v, str) or len(v) > MAX_NAME for v in raw.values()):
        errors["name"] = N_("Give the name in Finnish, Swedish and English.")
        return {}
    return {locale: " ".join(raw.get(locale, "").split()) for locale in LOCALES}


def _decimal(raw: Any, limit: Decimal) -> Decimal:
    if isinstance(raw, (bool, float)):
        raise TypeError("use a decimal string or an integer")
    value = Decimal(str(raw).replace(",", ".").strip())
    if not value.is_finite() or abs(value) >= limit:
        raise ValueError("out of range")
    return value.quantize(Decimal("0.01"))


def _whole(raw: Any, limit: int) -> int:
    if isinstance(raw, bool):
        raise TypeError("not a number")
    value = int(raw) if isinstance(raw, int) else int(str(raw).strip())
    if not 0 <= value <= limit:
        raise ValueError("out of range")
    return value


# Settings ------------------------------------------------------------------------------------

def set_settings(session: so.Session, actor: User, call: Call, *,
                 min_evaluators: Any = None, disagreement_margin: Any = None,
                 abnormally_low_share: Any = None) -> EvaluationSettings:
    """Change the call's evaluation settings (None: keep). Possible until the decision."""
    if not is_admin(actor):
        raise not_allowed()
    if call.state in SETTINGS_CLOSED_STATES:
        raise WorkflowError("invalid_transition",
                            N_("The evaluation settings can no longer be changed."))
    row = q.settings_of(session, call.id)
    errors: dict[str, Any] = {}
    changes: dict[str, Any] = {}
    if min_evaluators is not None:
        try:
            changes["min_evaluators"] = _whole(min_evaluators, 20)
            if changes["min_evaluators"] < 1:
                raise ValueError
        except (ValueError, TypeError):
            errors["min_evaluators"] = N_("Enter a whole number from 1 to 20.")
    # A margin may be the whole scale (flag nothing); a share of 1 would flag nothing either.
    for key, raw, whole_ok in (("disagreement_margin", disagreement_margin, True),
                               ("abnormally_low_share", abnormally_low_share, False)):
        if raw is None:
            continue
        try:
            if isinstance(raw, (bool, float)):
                raise TypeError
            value = Decimal(str(raw).replace(",", ".").strip())
            if not value.is_finite() or value <= 0 or value > 1 or (value == 1 and not whole_ok):
                raise ValueError
            changes[key] = value.quantize(Decimal("0.0001"))
        except (ValueError, TypeError, ArithmeticError):
            errors[key] = N_("Enter a share between 0 and 1, e.g. 0.3.")
    if errors:
        raise WorkflowError("invalid_input", CHECK_FIELDS, fields=", ".join(errors), details=errors)
    for key, value in changes.items():
        setattr(row, key, value)
    if row not in session:
        session.add(row)
    session.flush()
    record_event(session, call, "evaluation_settings", actor,
                 data={k: str(v) for k, v in changes.items()})
    return row
