"""The one entry point that changes a workflow state, and the list of what an actor may do.

    fire(session, obj, trigger, actor, comment=..., version=..., data=...)

checks, in order: the step exists from the current state (`invalid_transition`), the actor is
a party to it (`not_allowed`), the version the actor saw (`conflict`), a comment and inputs
(`comment_required`, `invalid_input`), the guards (their own codes); then lets the workflow's
machine move the object and run the effects, writes the audit row and the step's letters
into the outbox (`Step.mails`), and flushes. A concurrent change to the same row makes the
flush fail on the version column: `conflict`. The caller commits once, or rolls back on any
error.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.exc import StaleDataError

from models import AuditEntry, Call, EvaluatorAssignment, Submission, User

from . import clock
from .definitions import workflow_for
from .errors import WorkflowError, conflict, invalid_transition, not_allowed
from .i18n import N_
from .permissions import is_party
from .spec import Context, Listing, Party, Step

Stateful = Call | Submission
REQUIRED = N_("Required.")


def fire(session: so.Session, obj: Stateful, trigger: str, actor: User | None, *,
         comment: str = "", version: int | None = None,
         data: dict[str, Any] | None = None) -> AuditEntry:
    wf = workflow_for(obj)
    step = wf.step_for(trigger, obj.state)
    if step is None:
        raise invalid_transition(trigger, wf.labels.get(obj.state, obj.state))
    if not _may_take(step, actor, obj):
        raise not_allowed()
    if version is not None and version != obj.version:
        raise conflict()
    ctx = Context(session=session, obj=obj, actor=actor, now=clock.now(), step=step,
                  comment=(comment or "").strip())
    if step.needs_comment and not ctx.comment:
        raise WorkflowError("comment_required", N_("Write the reason."),
                            details={"comment": "required"})
    ctx.data = _parse_inputs(step, data or {}, ctx)
    # Guards and effects query, and a query autoflushes: a concurrent change can surface as
    # a stale version there as well as at the final flush. Either way it is a `conflict`.
    try:
        for guard in step.guards:
            refusal = guard(ctx)
            if refusal is not None:
                raise refusal

        # One transition, one UPDATE of the object, so its `version` rises by exactly 1 (what
        # an integrator sent + 1): what was pending before is flushed now, so effects read it;
        # then the state change and the effects stay unflushed until the end (an effect's
        # query would otherwise write the state first and its own changes a second time).
        session.flush()
        with session.no_autoflush:
            from_state = obj.state
            if isinstance(obj, Submission):
                obj.updated_at = ctx.now
            wf.apply(obj, ctx)
            entry = AuditEntry(
                object_type=obj.object_type, object_id=obj.id, at=ctx.now,
                actor_id=actor.id if actor else None, trigger=trigger, from_state=from_state,
                to_state=obj.state, comment=ctx.comment, content_sha256=ctx.content_sha256,
                data=_jsonable(ctx.data) or None)
            session.add(entry)
        session.flush()
        for mail in step.mails:
            mail(ctx)
    except StaleDataError:
        raise conflict() from None
    return entry


def record_event(session: so.Session, obj: Stateful, event: str, actor: User | None, *,
                 comment: str = "", data: dict[str, Any] | None = None) -> AuditEntry:
    """Audit something that happened to an object without changing its state (created,
    edited, evaluator assigned, conflict declared)."""
    entry = AuditEntry(object_type=obj.object_type, object_id=obj.id, at=clock.now(),
                       actor_id=actor.id if actor else None, trigger=event,
                       from_state=obj.state, to_state=obj.state, comment=comment,
                       data=_jsonable(data) if data else None)
    session.add(entry)
    session.flush()
    return entry


def available_steps(actor: User | None, obj: Stateful, session: so.Session) -> list[Step]:
    """The steps this actor may take on this object now: the same checks as `fire`, except
    the inputs and comment a step asks for. Cheap: no query unless a guard needs one."""
    return _available_steps(actor, obj, session, None)


def _available_steps(actor: User | None, obj: Stateful, session: so.Session,
                     listing: Listing | None) -> list[Step]:
    wf = workflow_for(obj)
    ctx = Context(session=session, obj=obj, actor=actor, now=clock.now(),
                  step=None, listing=listing)  # type: ignore[arg-type]
    result = []
    for step in wf.steps_from(obj.state):
        if not _may_take(step, actor, obj):
            continue
        ctx.step = step
        if all(guard(ctx) is None for guard in step.guards):
            result.append(step)
    return result


def available_triggers(actor: User | None, objs: Iterable[Stateful],
                       session: so.Session) -> dict[int, list[str]]:
    """For a list page: object id → the triggers the actor may fire now. Guards that read
    rows load them for all the objects at once (`spec.Listing`), and submissions' assignments
    are loaded at once if the list did not load them: the number of queries does not grow
    with the number of objects."""
    objs = list(objs)
    _load_assignments(session, objs)
    listing = Listing(objs)
    return {obj.id: [s.trigger for s in _available_steps(actor, obj, session, listing)]
            for obj in objs}


def _load_assignments(session: so.Session, objs: list[Stateful]) -> None:
    """The evaluator party and the evaluation guards read `Submission.assignments`, which
    loads on access: one query for the listed submissions that a list page did not load
    them for (`so.selectinload(Submission.assignments)`), instead of one per submission."""
    # Not in the instance's __dict__: not loaded (a list page usually loaded them).
    pending = {o.id: o for o in objs if isinstance(o, Submission)
               and "assignments" not in vars(o) and sa.inspect(o).persistent}
    if not pending:
        return
    found: dict[int, list[EvaluatorAssignment]] = {i: [] for i in pending}
    for assignment in session.scalars(
            sa.select(EvaluatorAssignment)
            .where(EvaluatorAssignment.submission_id.in_(list(pending)))
            .order_by(EvaluatorAssignment.id)):
        found[assignment.submission_id].append(assignment)
    for submission_id, assignments in found.items():
        so.attributes.set_committed_value(pending[submission_id], "assignments", assignments)


def history(session: so.Session, obj: Stateful) -> list[AuditEntry]:
    return list(session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == obj.object_type, AuditEntry.object_id == obj.id)
        .order_by(AuditEntry.id)))


def _may_take(step: Step, actor: User | None, obj: Stateful) -> bool:
    if actor is not None and not actor.is_active:
        return False
    return any(is_party(actor, obj, party) for party in step.by)


def _parse_inputs(step: Step, data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    parsed, errors = {}, {}
    for field in step.inputs:
        raw = data.get(field.name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors[field.name] = REQUIRED
            continue
        try:
            parsed[field.name] = field.parse(raw, ctx)
        except WorkflowError as err:
            errors[field.name] = err.msgid
    if errors:
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."),
                            fields=", ".join(errors), details=errors)
    return parsed


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {str(k): _json_value(v) for k, v in data.items()}


def _json_value(value: Any) -> Any:
    """A JSON value for the audit's data: instants and dates as ISO 8601, amounts as strings,
    lists and mappings kept as such (not their Python repr)."""
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, dict):
        return _jsonable(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_value(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


__all__ = ["fire", "record_event", "available_steps", "available_triggers", "history", "Party"]
