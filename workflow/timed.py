"""Time-driven transitions: one idempotent pass over what is due (DOMAIN §6).

Every step declared with `at=` (a call opening at `opens_at`, closing at `deadline`, tenders
opened at the deadline) is fired by the system for each object whose instant has come. Running
the pass twice, or from two processes, changes nothing the second time: an object already moved
is no longer in the step's source state, and a concurrent move fails on the version column.
"""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import AuditEntry, Call

from . import clock
from .definitions import WORKFLOWS
from .engine import fire
from .errors import WorkflowError

log = logging.getLogger(__name__)
MODELS = {"call": Call}


def due_objects(session: so.Session, now: dt.datetime):
    """(workflow, step, object) for every time-driven step that is due, earliest first."""
    for wf in WORKFLOWS.values():
        model = MODELS.get(wf.model)
        for st in wf.timed_steps():
            if model is None:
                continue
            instant = getattr(model, st.at)
            rows = session.scalars(
                sa.select(model)
                .where(model.kind == wf.kind, model.state.in_(st.source), instant <= now)
                .order_by(instant, model.id)).all()
            for obj in rows:
                yield wf, st, obj


def run_due_transitions(session: so.Session) -> list[AuditEntry]:
    """Fire what is due at the clock's now, each in its own savepoint so that one refusal does not stop the rest.
    Repeats until nothing more is due (a call both opened and closed while we were down)."""
    now = clock.now()
    fired: list[AuditEntry] = []
    for _ in range(10):
        progressed = False
        for _wf, st, obj in list(due_objects(session, now)):
            try:
                with session.begin_nested():
                    fired.append(fire(session, obj, st.trigger, None))
                    progressed = True
            except WorkflowError as err:
                log.warning("time-driven %s on %r refused: %s", st.trigger, obj, err)
        if not progressed:
            break
    return fired
