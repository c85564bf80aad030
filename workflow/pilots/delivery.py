"""Pilot delivery under a contract: cohorts with planned and actual dates and participant
counts, and milestones with due dates.

Pilots themselves are made when the contract is signed (`rules.create_pilots`). Everything
here is recorded by the supplier (milestones also by Jotpa) and audited on the awarded tender.
Participants are counted, not named: names and e-mails are kept only for certificate holders.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Call, Certificate, Cohort, Milestone, Pilot, User

from .. import clock
from ..engine import record_event
from ..errors import WorkflowError, conflict, not_allowed
from ..i18n import N_
from ..timeutil import helsinki_date, parse_instant
from . import access
from .rules import pilot_results

MAX_PARTICIPANTS = 100_000
NAME_MAX = 200
TITLE_MAX = 300
COHORT_FIELDS = ("name", "planned_start", "planned_end", "actual_start", "actual_end",
                 "participants_approved", "participants_started", "participants_completed")
CHECK = N_("Check these fields: %(fields)s.")


def _not_found() -> WorkflowError:
    return WorkflowError("not_found", N_("Not found."))


# Pilots --------------------------------------------------------------------------------------

def get_pilot(session: so.Session, actor: User | None, pilot_id: Any) -> Pilot:
    pilot = session.get(Pilot, pilot_id) if isinstance(pilot_id, int) else None
    if pilot is None or not access.can_view_pilot(actor, pilot):
        raise _not_found()
    return pilot


def pilots_of_call(session: so.Session, actor: User | None, call: Call) -> list[Pilot]:
    pilots = session.scalars(sa.select(Pilot).where(Pilot.call_id == call.id)
                             .order_by(Pilot.id)).all()
    return [p for p in pilots if access.can_view_pilot(actor, p)]


def pilot_json(session: so.Session, pilot: Pilot) -> dict[str, Any]:
    return {"id": pilot.id, "call_id": pilot.call_id, "submission_id": pilot.submission_id,
            "organisation": pilot.submission.organisation.name,
            "title": pilot.description.title, "description_id": pilot.description_id,
            "framework_version": pilot.description.framework_version,
            "results": pilot_results(session, pilot),
            "cohorts": [cohort_json(c) for c in pilot.cohorts],
            "milestones": [milestone_json(m) for m in pilot.milestones]}


# Cohorts -------------------------------------------------------------------------------------

def add_cohort(session: so.Session, actor: User, pilot: Pilot, **fields: Any) -> Cohort:
    if not access.can_record_delivery(actor, pilot):
        raise not_allowed()
    now = clock.now()
    values = _cohort_values({"participants_approved": 0, "participants_started": 0,
                             "participants_completed": 0, "actual_start": None,
                             "actual_end": None, **fields}, required=True)
    cohort = Cohort(pilot=pilot, created_at=now, updated_at=now, **values)
    session.add(cohort)
    session.flush()
    record_event(session, pilot.submission, "cohort_added", actor,
                 data={"pilot_id": pilot.id, "cohort_id": cohort.id})
    return cohort


def update_cohort(session: so.Session, actor: User, cohort: Cohort, *,
                  version: int | None = None, **changes: Any) -> Cohort:
    pilot = cohort.pilot
    if not access.can_record_delivery(actor, pilot):
        raise not_allowed()
    if version is not None and version != cohort.version:
        raise conflict()
    merged = {name: getattr(cohort, name) for name in COHORT_FIELDS}
    unknown = set(changes) - set(COHORT_FIELDS)
    if unknown:
        raise WorkflowError("invalid_input", CHECK, fields=", ".join(sorted(unknown)),
                            details={k: N_("Unknown field.") for k in sorted(unknown)})
    merged.update(changes)
    values = _cohort_values(merged, required=True)
    certified = session.scalar(
        sa.select(sa.func.count()).select_from(Certificate)
        .where(Certificate.cohort_id == cohort.id, Certificate.revoked_at.is_(None))) or 0
    if values["participants_completed"] < certified:
        raise WorkflowError("invalid_input", N_("%(n)s certificates have been issued to this cohort: "
                                                "at least that many have completed."),
                            n=certified, details={"participants_completed": N_("Invalid value.")})
    for name, value in values.items():
        setattr(cohort, name, value)
    cohort.updated_at = clock.now()
    session.flush()
    record_event(session, pilot.submission, "cohort_updated", actor,
                 data={"pilot_id": pilot.id, "cohort_id": cohort.id, "fields": sorted(changes)})
    return cohort


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        raise ValueError("a day, not an instant")
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def _count(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("not a count")
    number = int(str(value).strip())
    if not 0 <= number <= MAX_PARTICIPANTS:
        raise ValueError("out of range")
    return number


def _cohort_values(values: dict[str, Any], *, required: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in COHORT_FIELDS:
        value = values.get(name)
        try:
            if name == "name":
                text = "" if value is None else str(value).strip()
                if not text:
                    errors[name] = N_("Required.")
                elif len(text) > NAME_MAX:
                    errors[name] = N_("The text is too long.")
                out[name] = text
            elif name.startswith("participants_"):
                out[name] = _count(0 if value in (None, "") else value)
            else:
                out[name] = _date(value)
        except (ValueError, TypeError, OverflowError):
            errors[name] = (N_("Enter a whole number, 0 or more.") if name.startswith("participants_")
                            else N_("Enter a date, e.g. 2024-09-02."))
    for name in ("planned_start", "planned_end"):
        if required and name not in errors and out.get(name) is None:
            errors[name] = N_("Required.")
    if not errors:
        today = helsinki_date(clock.now())
        if out["planned_start"] > out["planned_end"]:
            errors["planned_end"] = N_("The end must not be before the start.")
        if out["actual_end"] is not None and out["actual_start"] is None:
            errors["actual_start"] = N_("Required.")
        elif out["actual_start"] and out["actual_end"] and out["actual_start"] > out["actual_end"]:
            errors["actual_end"] = N_("The end must not be before the start.")
        for name in ("actual_start", "actual_end"):
            if out[name] is not None and out[name] > today:
                errors[name] = N_("An actual date cannot be in the future.")
        if out["participants_started"] > out["participants_approved"]:
            errors["participants_started"] = N_("More started than were approved.")
        if out["participants_completed"] > out["participants_started"]:
            errors["participants_completed"] = N_("More completed than started.")
        if out["actual_start"] is None and (out["participants_started"] or out["participants_completed"]):
            errors["actual_start"] = N_("Record when the cohort actually started.")
    if errors:
        raise WorkflowError("invalid_input", CHECK, fields=", ".join(errors), details=errors)
    return out


def cohort_json(cohort: Cohort) -> dict[str, Any]:
    def day(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None
    return {"id": cohort.id, "pilot_id": cohort.pilot_id, "name": cohort.name,
            "version": cohort.version,
            "planned_start": day(cohort.planned_start), "planned_end": day(cohort.planned_end),
            "actual_start": day(cohort.actual_start), "actual_end": day(cohort.actual_end),
            "participants_approved": cohort.participants_approved,
            "participants_started": cohort.participants_started,
            "participants_completed": cohort.participants_completed}


# Milestones ----------------------------------------------------------------------------------

def add_milestone(session: so.Session, actor: User, pilot: Pilot, *, title: Any,
                  due_at: Any) -> Milestone:
    if not access.can_plan_milestones(actor, pilot):
        raise not_allowed()
    errors: dict[str, str] = {}
    text = "" if title is None else str(title).strip()
    if not text:
        errors["title"] = N_("Required.")
    elif len(text) > TITLE_MAX:
        errors["title"] = N_("The text is too long.")
    instant = None
    try:
        instant = due_at if isinstance(due_at, dt.datetime) else parse_instant(str(due_at or ""))
        if instant.tzinfo is None:
            raise ValueError("naive")
    except (ValueError, TypeError, OverflowError):
        errors["due_at"] = N_("Enter a date and time, e.g. 2024-06-03T16:15.")
    if errors:
        raise WorkflowError("invalid_input", CHECK, fields=", ".join(errors), details=errors)
    milestone = Milestone(pilot=pilot, title=text, due_at=instant, created_by_id=actor.id,
                          created_at=clock.now())
    session.add(milestone)
    session.flush()
    record_event(session, pilot.submission, "milestone_added", actor,
                 data={"pilot_id": pilot.id, "milestone_id": milestone.id})
    return milestone


def mark_milestone_done(session: so.Session, actor: User, milestone: Milestone) -> Milestone:
    if not access.can_record_delivery(actor, milestone.pilot):
        raise not_allowed()
    if milestone.done_at is None:
        milestone.done_at = clock.now()
        session.flush()
        record_event(session, milestone.pilot.submission, "milestone_done", actor,
                     data={"pilot_id": milestone.pilot_id, "milestone_id": milestone.id})
    return milestone


def open_milestones_due_by(session: so.Session, instant: dt.datetime) -> list[Milestone]:
    """Milestones not done whose due instant is at or before `instant`, earliest first (for
    the scheduler's reminders: ask with now + 7 days, now + 1 day, now)."""
    return list(session.scalars(
        sa.select(Milestone).where(Milestone.done_at.is_(None), Milestone.due_at <= instant)
        .order_by(Milestone.due_at, Milestone.id)))


def milestone_json(milestone: Milestone) -> dict[str, Any]:
    return {"id": milestone.id, "pilot_id": milestone.pilot_id, "title": milestone.title,
            "due_at": milestone.due_at.isoformat(),
            "done_at": milestone.done_at.isoformat() if milestone.done_at else None}
