"""Setting up calls (ESR) and procurements (Jotpa): administrators only."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy.orm as so

from models import CALL_KINDS, Call, InfoEvent, User

from . import clock
from .content import FIELD_TYPES, default_form
from .definitions import WORKFLOWS
from .engine import record_event
from .evaluation.criteria import create_initial_criteria, replace_criteria
from .errors import WorkflowError, conflict, not_allowed
from .i18n import N_
from .permissions import UNPUBLISHED, is_admin
from .timeutil import parse_instant

EDITABLE = ("title", "description", "opens_at", "deadline", "questions_until", "budget",
            "hilma_notice_id", "form_fields")
INSTANTS = ("opens_at", "deadline", "questions_until")


def create_call(session: so.Session, actor: User, *, kind: str, title: str,
                opens_at: Any, deadline: Any, **fields: Any) -> Call:
    if not is_admin(actor):
        raise not_allowed()
    if kind not in CALL_KINDS:
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."), fields="kind",
                            details={"kind": N_("Choose one of the listed values.")})
    initial = next(wf.initial for wf in WORKFLOWS.values() if wf.model == "call" and wf.kind == kind)
    # Info events are rows of their own, not call fields: take them out before validating.
    events = fields.pop("info_events", None) or []
    # Criteria are rows of their own too (workflow.evaluation); None: the kind's defaults.
    criteria = fields.pop("criteria", None)
    values = _validated({"title": title, "opens_at": opens_at, "deadline": deadline, **fields})
    values.setdefault("form_fields", default_form(kind))
    values.setdefault("description", "")
    call = Call(kind=kind, state=initial, created_by_id=actor.id, created_at=clock.now(),
                **values)
    call.info_events = [_info_event(e) for e in events]
    session.add(call)
    session.flush()
    create_initial_criteria(session, call, criteria)
    record_event(session, call, "create", actor)
    return call


def update_call(session: so.Session, actor: User, call: Call, *, version: int | None = None,
                **changes: Any) -> Call:
    """Change a call that is not yet public. Published calls keep what applicants rely on."""
    if not is_admin(actor):
        raise not_allowed()
    if version is not None and version != call.version:
        raise conflict()
    if call.state not in UNPUBLISHED:
        raise WorkflowError("invalid_transition",
                            N_("A published call can no longer be edited."))
    criteria = changes.pop("criteria", None)
    merged = {k: getattr(call, k) for k in ("title", "opens_at", "deadline", "questions_until")}
    merged.update(changes)
    values = _validated(merged)
    for key, value in values.items():
        if key in changes or key in ("opens_at", "deadline", "questions_until"):
            setattr(call, key, value)
    session.flush()
    record_event(session, call, "edit", actor, data={"fields": sorted(changes)})
    if criteria is not None:
        replace_criteria(session, actor, call, criteria)
    return call


def add_info_event(session: so.Session, actor: User, call: Call, **event: Any) -> InfoEvent:
    if not is_admin(actor):
        raise not_allowed()
    info = _info_event(event)
    call.info_events.append(info)
    session.flush()
    return info


def _info_event(event: dict[str, Any]) -> InfoEvent:
    try:
        starts, ends = _instant(event.get("starts_at")), _instant(event.get("ends_at"))
    except (ValueError, TypeError, OverflowError):
        starts = ends = None
    if starts is None or ends is None or starts >= ends or not str(event.get("title", "")).strip():
        raise WorkflowError("invalid_input", N_("An info event needs a title, a start and a later end."),
                            details={"info_events": N_("Check the title and times.")})
    return InfoEvent(title=str(event["title"]).strip(), starts_at=starts, ends_at=ends,
                     location=str(event.get("location", "")))


def _instant(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive")
        return value.astimezone(dt.timezone.utc)
    return parse_instant(str(value))


def _validated(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for key, value in values.items():
        if key not in EDITABLE:
            errors[key] = N_("Unknown field.")
            continue
        try:
            if key in INSTANTS:
                out[key] = _instant(value)
            elif key == "budget":
                out[key] = None if value in (None, "") else Decimal(str(value))
                if out[key] is not None and (not out[key].is_finite() or out[key] <= 0):
                    raise ValueError
            elif key == "form_fields":
                out[key] = _form(value)
            else:
                out[key] = "" if value is None else str(value).strip()
        except (ValueError, TypeError, InvalidOperation, OverflowError):
            errors[key] = N_("Invalid value.")
    if "title" in out and not out["title"]:
        errors["title"] = N_("Required.")
    for key in ("opens_at", "deadline"):
        if key in values and out.get(key) is None and key not in errors:
            errors[key] = N_("Required.")
    if not errors and out.get("opens_at") and out.get("deadline") and out["opens_at"] >= out["deadline"]:
        errors["deadline"] = N_("The deadline must be after the opening.")
    q = out.get("questions_until")
    if not errors and q is not None and out.get("deadline") and q > out["deadline"]:
        errors["questions_until"] = N_("Questions must end before the deadline.")
    if errors:
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."),
                            fields=", ".join(errors), details=errors)
    return out


def _form(fields: Any) -> list[dict[str, Any]]:
    if not isinstance(fields, list) or not fields:
        raise ValueError
    names = set()
    for field in fields:
        # A name may not start with "_": receipts hash "_attachments" beside the fields
        # (content.receipt_document).
        if (not isinstance(field, dict) or not str(field.get("name", "")).isidentifier()
                or str(field["name"]).startswith("_") or field.get("type") not in FIELD_TYPES
                or field["name"] in names or not isinstance(field.get("label"), dict)):
            raise ValueError
        names.add(field["name"])
    return fields
