"""The four workflows, walked step by step from their definitions: every allowed step taken by
every party it names from every source state, every other actor refused, every step that
does not start from a state refused, and `available_steps` agreeing with `fire` throughout."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from engine_walk import (
    ACTOR_KINDS,
    PARTY_OF_KIND,
    WALKERS,
    every_state,
    every_step,
    every_step_source,
)

from models import AuditEntry
from workflow.definitions import WORKFLOWS
from workflow.engine import available_steps, available_triggers, fire, history
from workflow.errors import WorkflowError


def _audit_rows(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def _id(values: tuple) -> str:
    return ":".join(str(v) for v in values)


@pytest.mark.parametrize("name", sorted(WALKERS))
def test_every_state_has_a_path(name):
    """Can the walker reach every state a workflow declares (so every step is tested)?"""
    assert set(WALKERS[name].paths) == set(WORKFLOWS[name].states)


@pytest.mark.parametrize(("name", "trigger", "source", "party"), every_step(),
                         ids=[_id(v) for v in every_step()])
def test_every_allowed_step_is_taken(session, walkers, name, trigger, source, party):
    """Can every party a step names take it from every one of its source states, with one
    audit row saying who, when, and from where to where?"""
    walk = walkers[name]
    obj = walk.reach(source)
    step = walk.step(obj, trigger)
    actor = walk.actor_for(obj, party)
    walk.prepare(obj, trigger)  # idempotent: take() prepares again and finds nothing to do
    before = len(history(session, obj))

    entry = walk.take(obj, trigger, party)

    assert obj.state == step.dest
    rows = history(session, obj)
    assert len(rows) == before + 1 and rows[-1].id == entry.id
    assert (entry.trigger, entry.from_state, entry.to_state) == (trigger, source, step.dest)
    assert entry.actor_id == (actor.id if actor else None)
    assert entry.at == walk.clock.now()
    assert entry.comment == walk.comment(step)


@pytest.mark.parametrize(("name", "trigger", "source"), every_step_source(),
                         ids=[_id(v) for v in every_step_source()])
def test_actors_the_step_does_not_name_are_refused(session, walkers, name, trigger, source):
    """Is every actor who is not a party of a step (wrong role, another organisation, an
    evaluator, the clock, an inactive user) refused with not_allowed, changing nothing?"""
    walk = walkers[name]
    obj = walk.reach(source)
    step = walk.step(obj, trigger)
    rows_before = _audit_rows(session)
    version = obj.version
    refused = []
    for kind in ACTOR_KINDS:
        if PARTY_OF_KIND.get(kind) in step.by:
            continue
        with pytest.raises(WorkflowError) as err:
            fire(session, obj, trigger, walk.actor(obj, kind), comment="x", data=walk.inputs(step))
        assert err.value.code == "not_allowed", kind
        refused.append(kind)
    # An inactive user is refused even for a step their role allows.
    for party in step.by:
        actor = walk.actor_for(obj, party)
        if actor is None:
            continue
        actor.is_active = False
        try:
            with pytest.raises(WorkflowError) as err:
                fire(session, obj, trigger, actor, comment="x", data=walk.inputs(step))
            assert err.value.code == "not_allowed", f"inactive {party}"
        finally:
            actor.is_active = True
        refused.append(f"inactive {party}")
    assert "other_organisation" in refused and "evaluator" in refused
    assert obj.state == source and obj.version == version
    assert _audit_rows(session) == rows_before


@pytest.mark.parametrize(("name", "state"), every_state(), ids=[_id(v) for v in every_state()])
def test_steps_that_do_not_start_here_are_invalid(session, walkers, name, state):
    """Is every trigger that has no step from the current state (and a made-up one) refused
    with invalid_transition, whoever fires it?"""
    walk = walkers[name]
    obj = walk.reach(state)
    possible = {st.trigger for st in walk.workflow.steps_from(state)}
    for trigger in [*sorted(set(walk.workflow.triggers) - possible), "fly_to_the_moon"]:
        for kind in ("admin", "owner", "system"):
            with pytest.raises(WorkflowError) as err:
                fire(session, obj, trigger, walk.actor(obj, kind))
            assert err.value.code == "invalid_transition", (trigger, kind)
            assert err.value.http_status == 409
    assert obj.state == state


@pytest.mark.parametrize(("name", "state"), every_state(), ids=[_id(v) for v in every_state()])
def test_available_steps_are_exactly_what_fire_accepts(session, walkers, name, state):
    """Does available_steps list, for each kind of actor, exactly the triggers fire() would
    accept now (given a comment and valid inputs)?"""
    walk = walkers[name]
    obj = walk.reach(state)
    for kind in ACTOR_KINDS:
        actor = walk.actor(obj, kind)
        listed = {st.trigger for st in available_steps(actor, obj, session)}
        accepted = set()
        for trigger in walk.workflow.triggers:
            step = walk.workflow.step_for(trigger, obj.state)
            nested = session.begin_nested()
            try:
                fire(session, obj, trigger, actor, comment="Perustelu.",
                     data=walk.inputs(step) if step else {})
                accepted.add(trigger)
            except WorkflowError:
                pass
            finally:
                nested.rollback()
            assert obj.state == state
        assert listed == accepted, kind
        assert available_triggers(actor, [obj], session) == {
            obj.id: [st.trigger for st in available_steps(actor, obj, session)]}
