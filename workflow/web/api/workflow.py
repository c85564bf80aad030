"""Transitions and history, generic over the collections with a state machine (registry.py).

    GET  /{collection}/{id}/transitions   the triggers the caller may fire now
    POST /{collection}/{id}/transitions   {"trigger", "comment"?, "version"?, ...inputs}: fire one
                                          (workflow.engine.fire) and get the object back
    GET  /{collection}/{id}/history       the audit trail, for those who may see the object

Submitting is the trigger `submit`; the submission it returns carries its receipt.
"""
from __future__ import annotations

from typing import Any

from flask import Response

from models import AuditEntry, User

from ...app import db
from ...definitions import WORKFLOWS, workflow_for
from ...engine import available_steps, fire, history
from ...permissions import is_admin
from .auth import require_actor
from .blueprint import ID, bp
from .inputs import VERSION, Body, Field, expected_version, json_body
from .language import request_locale
from .registry import collection
from .responses import respond
from .serializers import audit_json, step_json
from .transaction import commit, stale_is_conflict

TRANSITION = Body("TransitionRequest", (
    Field("trigger", "text", "The trigger to fire, one of those GET …/transitions lists.",
          required=True, max_length=60),
    Field("comment", "text", "The reason or a note; required where the step needs_comment.",
          max_length=10000),
    VERSION,
), "Fire a trigger. A step's inputs (GET …/transitions lists them, e.g. granted_amount of "
   "approve, due_at of return_for_completion) are sent as further members.")

# What of an object's history a non-administrator sees: every transition (with its reason),
# what they did themselves, and on their own organisation's object what its members did; of
# a call also its public edits; of anything that it was created. Everything else (evaluator assignments, conflict declarations,
# consensus notes, certificates issued to learners, ...) stays between its parties and the
# administrators: an allowlist, so that events added later are not shown by default.
PUBLIC_EVENTS = frozenset({"create"})
PUBLIC_CALL_EVENTS = PUBLIC_EVENTS | {"edit", "publish_answer"}


def may_see_entry(actor: User, entry: AuditEntry, obj: Any) -> bool:
    if is_admin(actor) or entry.actor_id == actor.id or entry.from_state != entry.to_state:
        return True
    if entry.trigger in (PUBLIC_CALL_EVENTS if entry.object_type == "call" else PUBLIC_EVENTS):
        return True
    organisation_id = getattr(obj, "organisation_id", None)
    return (organisation_id is not None and actor.has_role("applicant")
            and actor.organisation_id == organisation_id and entry.actor is not None
            and entry.actor.organisation_id == organisation_id)


def _input_fields(obj: Any, trigger: Any) -> dict[str, Field]:
    """The inputs the trigger takes: those of its step from the current state, or, when there
    is none (the engine will refuse it as invalid_transition), of any step with that trigger."""
    wf = workflow_for(obj)
    if not isinstance(trigger, str):
        return {}
    step = wf.step_for(trigger, obj.state)
    steps = [step] if step is not None else [s for s in wf.steps if s.trigger == trigger]
    return {i.name: Field(i.name, "scalar", "") for s in steps for i in s.inputs}


@bp.get(f"/<string:collection_name>/<{ID}:object_id>/transitions")
def list_transitions(collection_name: str, object_id: int) -> Response:
    found = collection(collection_name)
    actor = require_actor()
    obj = found.load(object_id, actor)
    locale = request_locale()
    steps = available_steps(actor, obj, db())
    return respond({"items": [step_json(obj, s, locale) for s in steps]}, version=obj.version)


@bp.post(f"/<string:collection_name>/<{ID}:object_id>/transitions")
def fire_transition(collection_name: str, object_id: int) -> Response:
    found = collection(collection_name)
    actor = require_actor()
    obj = found.load(object_id, actor)
    raw = json_body()
    extra = _input_fields(obj, raw.get("trigger")) if isinstance(raw, dict) else {}
    body = TRANSITION.parse(raw, extra=extra)
    version = expected_version(body.pop("version", None))
    trigger = body.pop("trigger")
    comment = body.pop("comment", "")
    with stale_is_conflict():
        fire(db(), obj, trigger, actor, comment=comment, version=version, data=body)
    commit()
    return respond(found.represent(obj, actor, request_locale()), version=obj.version)


@bp.get(f"/<string:collection_name>/<{ID}:object_id>/history")
def object_history(collection_name: str, object_id: int) -> Response:
    found = collection(collection_name)
    actor = require_actor()
    obj = found.load(object_id, actor)
    entries = [e for e in history(db(), obj) if may_see_entry(actor, e, obj)]
    return respond({"items": [audit_json(e) for e in entries]})


def triggers_of(collection_workflows: tuple[str, ...]) -> list[str]:
    """Every trigger of the collection's workflows that a person may fire (for the docs)."""
    return sorted({s.trigger for name in collection_workflows for s in WORKFLOWS[name].steps
                   if any(p.value != "system" for p in s.by)})
