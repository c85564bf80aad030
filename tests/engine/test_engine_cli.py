"""The `hankeflow` command (CONTRACT § Commands), run in-process with click's CliRunner against
temporary SQLite databases given by HANKEFLOW_DATABASE_URL."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from engine_walk import ESR_DEADLINE, ESR_OPENS, PASSWORD, helsinki

from models import AuditEntry, Call, User
from workflow import migrate
from workflow.calls import create_call
from workflow.cli import main
from workflow.db import make_engine
from workflow.definitions import WORKFLOWS
from workflow.directory import create_user
from workflow.engine import fire
from workflow.passwords import verify_password


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment of one command: its own SQLite file and instance folder."""
    return {"HANKEFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
            "HANKEFLOW_INSTANCE_PATH": str(tmp_path / "instance"),
            "HANKEFLOW_PASSWORD": ""}


def _run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _session(env: dict[str, str]):
    engine = make_engine(env["HANKEFLOW_DATABASE_URL"])
    return engine, so.Session(engine, expire_on_commit=False)


SHOWN = ["esr-call", "esr-application", "jotpa-procurement", "jotpa-tender"]


@pytest.mark.parametrize("name", SHOWN)
def test_workflow_show_mermaid_has_every_state_and_transition(env, name):
    """Does `workflow show NAME --format mermaid` print a stateDiagram-v2 with every state of
    the definition and every transition from each of its source states?"""
    output = _run(env, "workflow", "show", name, "--format", "mermaid")
    lines = output.splitlines()
    assert lines[0] == "stateDiagram-v2"
    wf = WORKFLOWS[name]
    declared = {m.group(1) for m in map(re.compile(r'^\s+state "[^"]+" as (\w+)$').match, lines)
                if m}
    assert declared == set(wf.states)
    assert f"    [*] --> {wf.initial}" in lines
    arrows = {(m.group(1), m.group(2), m.group(3)) for m in map(
        re.compile(r"^\s+(\w+) --> (\w+): (\w+) \(").match, lines) if m}
    assert arrows == {(source, st.dest, st.trigger) for st in wf.steps for source in st.source}


def test_workflow_show_esr_application_in_finnish(env):
    """Are the state labels of the diagram translated with --locale fi?"""
    output = _run(env, "workflow", "show", "esr-application", "--locale", "fi")
    assert 'state "Luonnos" as draft' in output
    assert 'state "Palautettu täydennettäväksi" as returned_for_completion' in output


@pytest.mark.parametrize("name", SHOWN)
def test_workflow_show_json_parses(env, name):
    """Does `--format json` print JSON describing the same states and transitions?"""
    document = json.loads(_run(env, "workflow", "show", name, "--format", "json"))
    wf = WORKFLOWS[name]
    assert document["name"] == name and document["initial"] == wf.initial
    assert [s["name"] for s in document["states"]] == wf.states
    assert [(t["trigger"], t["source"], t["dest"]) for t in document["transitions"]] == [
        (st.trigger, list(st.source), st.dest) for st in wf.steps]
    timed = {t["trigger"]: t["time_driven_at"] for t in document["transitions"]
             if t["time_driven_at"]}
    assert timed == {st.trigger: st.at for st in wf.steps if st.at}


def test_an_unknown_workflow_is_refused(env):
    """Is an unknown workflow name a usage error (exit code 2), not a crash?"""
    result = CliRunner().invoke(main, ["workflow", "show", "esr-grant"], env=env)
    assert result.exit_code == 2 and "esr-grant" in result.output


def test_db_upgrade_current_downgrade(env):
    """Do `db upgrade`, `db current` and `db downgrade base` migrate a new database to head,
    report it, and empty it again?"""
    heads = ScriptDirectory.from_config(
        migrate.alembic_config(env["HANKEFLOW_DATABASE_URL"])).get_heads()
    assert _run(env, "db", "current").strip() == "(empty database)"
    assert "database at head" in _run(env, "db", "upgrade")
    assert set(_run(env, "db", "current").strip().split(", ")) == set(heads)
    assert "database at base" in _run(env, "db", "downgrade", "base")
    assert _run(env, "db", "current").strip() == "(empty database)"
    engine = make_engine(env["HANKEFLOW_DATABASE_URL"])
    try:
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_user_create_with_the_password_from_the_environment(env):
    """Does `user create` make a user with the given roles and the password of
    HANKEFLOW_PASSWORD (stored hashed), and refuse a second one with the same e-mail?"""
    _run(env, "db", "upgrade")
    env = {**env, "HANKEFLOW_PASSWORD": "pitkä ja hyvä salasana"}
    output = _run(env, "user", "create", "--email", "Paakayttaja@Jotpa.fi", "--name",
                  "Pää Käyttäjä", "--role", "admin", "--role", "evaluator", "--locale", "sv")
    assert "created user" in output and "paakayttaja@jotpa.fi" in output

    engine, session = _session(env)
    try:
        user = session.scalar(sa.select(User).where(User.email == "paakayttaja@jotpa.fi"))
        assert user.roles == {"admin", "evaluator"} and user.locale == "sv"
        assert user.password_hash != "pitkä ja hyvä salasana"
        assert verify_password(user.password_hash, "pitkä ja hyvä salasana")
    finally:
        session.close()
        engine.dispose()

    again = CliRunner().invoke(main, ["user", "create", "--email", "paakayttaja@jotpa.fi",
                                      "--name", "Toinen", "--role", "admin"], env=env)
    assert again.exit_code == 1 and "e-mail" in again.output


def test_user_create_needs_an_organisation_for_an_applicant(env):
    """Is an applicant without an (existing) organisation refused with a clear message?"""
    _run(env, "db", "upgrade")
    env = {**env, "HANKEFLOW_PASSWORD": "pitkä ja hyvä salasana"}
    result = CliRunner().invoke(main, ["user", "create", "--email", "a@b.fi", "--name", "A",
                                       "--role", "applicant"], env=env)
    assert result.exit_code == 1 and "organisation" in result.output
    result = CliRunner().invoke(main, ["user", "create", "--email", "a@b.fi", "--name", "A",
                                       "--role", "applicant", "--organisation", "0000000-0"],
                                env=env)
    assert result.exit_code == 1 and "no organisation" in result.output


def test_reminders_sweep_opens_a_due_call(env, clock):
    """Does `reminders sweep --now ...` fire a published call's opening once its opens_at has
    come (and not before), with the clock as the actor?"""
    _run(env, "db", "upgrade")
    engine, session = _session(env)
    try:
        clock.set(helsinki(2024, 3, 1, 9, 0))
        admin = create_user(session, email="admin@okm.fi", name="Admin", password=PASSWORD,
                            roles=["admin"])
        call = create_call(session, admin, kind="esr", title="Pienet osaamiskokonaisuudet",
                           opens_at=ESR_OPENS, deadline=ESR_DEADLINE)
        fire(session, call, "publish", admin)
        session.commit()
        call_id = call.id
    finally:
        session.close()
        engine.dispose()

    early = _run(env, "reminders", "sweep", "--now", "2024-03-11T08:59:59")
    assert "0 time-driven transition(s)" in early
    output = _run(env, "reminders", "sweep", "--now", "2024-03-11T09:00")
    assert f"call {call_id}: open published → open" in output
    assert "1 time-driven transition(s)" in output
    again = _run(env, "reminders", "sweep", "--now", "2024-03-11T09:05")
    assert "0 time-driven transition(s)" in again

    engine, session = _session(env)
    try:
        assert session.get(Call, call_id).state == "open"
        opening = session.scalars(sa.select(AuditEntry).where(
            AuditEntry.object_type == "call", AuditEntry.object_id == call_id,
            AuditEntry.trigger == "open")).one()
        assert (opening.actor_id, opening.at) == (None, ESR_OPENS)
    finally:
        session.close()
        engine.dispose()


def test_reminders_sweep_refuses_a_bad_instant(env):
    """Is `--now` that is not ISO 8601 a usage error?"""
    result = CliRunner().invoke(main, ["reminders", "sweep", "--now", "huomenna"], env=env)
    assert result.exit_code == 2 and "ISO 8601" in result.output
