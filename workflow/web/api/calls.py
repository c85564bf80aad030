"""Calls of both kinds: ESR project calls and Jotpa procurements.

    GET   /calls          what the caller may see (public calls also anonymously)
    POST  /calls          administrators: a new call (workflow.calls.create_call)
    GET   /calls/{id}
    PATCH /calls/{id}     administrators, before publication (workflow.calls.update_call)
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Response, url_for

from models import CALL_KINDS, Call, User
from models.states import CALL_STATES

from ...app import db
from ...calls import create_call, update_call
from ...errors import not_allowed
from ...i18n import N_
from ...permissions import UNPUBLISHED, can_view_call, is_admin
from .auth import optional_actor, require_actor
from .blueprint import ID, bp
from .errors import invalid_input, not_found
from .inputs import (INSTANT_PATTERN_DOC, VERSION, Body, Field, Param, expected_version, json_body,
                     query)
from .language import request_locale
from .registry import Collection, register
from .responses import respond
from .serializers import call_json
from .transaction import commit, stale_is_conflict

NOTHING_TO_CHANGE = N_("Send at least one field to change.")
ALL_CALL_STATES = tuple(sorted({s.value for states in CALL_STATES.values() for s in states}))

_EDITABLE = (
    Field("title", "text", "Title of the call.", max_length=300),
    Field("description", "text", "Description for applicants (plain text).", max_length=20000),
    Field("opens_at", "instant", "When submissions open. " + INSTANT_PATTERN_DOC),
    Field("deadline", "instant", "Submissions must be received strictly before this instant, "
          "typically 16.15 Helsinki time. " + INSTANT_PATTERN_DOC),
    Field("questions_until", "instant", "Jotpa: questions allowed until. " + INSTANT_PATTERN_DOC,
          nullable=True),
    Field("budget", "amount", "Budget in euros.", nullable=True),
    Field("hilma_notice_id", "text", "Jotpa: the Hilma notice number.", max_length=40,
          nullable=True),
    Field("form_fields", "form_fields", "The submission form; by default the kind's standard form."),
)


def _required(field: Field) -> Field:
    return Field(field.name, field.kind, field.description, required=True,
                 max_length=field.max_length)


CALL_CREATE = Body("CallCreate", (
    Field("kind", "choice", "esr: an ESR project call; jotpa: a Jotpa procurement.",
          required=True, choices=CALL_KINDS),
    *(_required(f) if f.name in ("title", "opens_at", "deadline") else f for f in _EDITABLE),
    Field("info_events", "info_events", "Public information sessions."),
), "A new call (it starts as a draft, or in planning for a procurement).")

CALL_PATCH = Body("CallPatch", (*_EDITABLE, VERSION),
                  "Changes to a call that is not yet published; only the fields sent change.")

LIST_PARAMS = (
    Param("kind", "choice", "Only calls of this kind.", CALL_KINDS),
    Param("state", "choice", "Only calls in this state.", ALL_CALL_STATES),
)


def load_call(call_id: int, actor: User | None) -> Call:
    """The call, or 404 also when the caller may not see it (an unpublished call)."""
    call = db().get(Call, call_id)
    if call is None or not can_view_call(actor, call):
        raise not_found()
    return call


def _represent(call: Call, actor: User | None, locale: str) -> dict:
    return call_json(call, locale)


register(Collection("calls", "Call", "call", ("esr-call", "jotpa-procurement"),
                    load_call, _represent))


@bp.get("/calls")
def list_calls() -> Response:
    actor = optional_actor()
    params = query(LIST_PARAMS)
    stmt = (sa.select(Call).options(so.selectinload(Call.info_events))
            .order_by(Call.deadline, Call.id))
    if not is_admin(actor):
        stmt = stmt.where(Call.state.not_in(UNPUBLISHED))
    if "kind" in params:
        stmt = stmt.where(Call.kind == params["kind"])
    if "state" in params:
        stmt = stmt.where(Call.state == params["state"])
    locale = request_locale()
    calls = [c for c in db().scalars(stmt) if can_view_call(actor, c)]
    return respond({"items": [call_json(c, locale) for c in calls]})


@bp.post("/calls")
def post_call() -> Response:
    actor = require_actor()
    if not is_admin(actor):
        raise not_allowed()
    body = CALL_CREATE.parse(json_body())
    with stale_is_conflict():
        call = create_call(db(), actor, **body)
    commit()
    return respond(call_json(call, request_locale()), 201, version=call.version,
                   headers={"Location": url_for("api.get_call", call_id=call.id)})


@bp.get(f"/calls/<{ID}:call_id>")
def get_call(call_id: int) -> Response:
    call = load_call(call_id, optional_actor())
    return respond(call_json(call, request_locale()), version=call.version)


@bp.patch(f"/calls/<{ID}:call_id>")
def patch_call(call_id: int) -> Response:
    actor = require_actor()
    call = load_call(call_id, actor)
    if not is_admin(actor):
        raise not_allowed()
    changes = CALL_PATCH.parse(json_body())
    version = expected_version(changes.pop("version", None))
    if not changes:
        raise invalid_input({"body": NOTHING_TO_CHANGE})
    with stale_is_conflict():
        update_call(db(), actor, call, version=version, **changes)
    commit()
    return respond(call_json(call, request_locale()), version=call.version)
