"""Guards and effects of pilot delivery and reporting, used by the workflow definitions.

Like `workflow/guards.py` and `workflow/effects.py`: guards read and return a refusal or None,
effects change what a step changes besides the state and flush at most. This module imports
no services (the definitions import it, and the engine imports the definitions); the one
cascade, closing the procurement, imports the engine when it runs.
"""
from __future__ import annotations

import copy

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import (Call, Certificate, MicroCredentialDescription, Pilot, Report, ReportState,
                    Submission)
from models.states import ApplicationState, ProcurementState, TenderState

from ..content import content_sha256
from ..errors import WorkflowError
from ..framework import framework
from ..framework.validation import DescriptionToCheck, descriptions_refusal
from ..i18n import N_
from ..spec import Context
from .forms import report_refusal

# Pilot reports can be written while the pilots run and while they are reported on.
REPORTING_STATES = (ProcurementState.PILOT_DELIVERY, ProcurementState.FINAL_REPORTING)


def descriptions_of(session: so.Session, submission_id: int, *,
                    submitted: bool = False) -> list[MicroCredentialDescription]:
    """A tender's descriptions in order: the working copies (not removed), or with
    `submitted=True` those in the version of the tender submitted last."""
    D = MicroCredentialDescription
    condition = D.submitted_data.is_not(None) if submitted else D.removed_at.is_(None)
    return list(session.scalars(sa.select(D).where(D.submission_id == submission_id, condition)
                                .order_by(D.position)))


def description_refusal_for(session: so.Session, submission: Submission, *,
                            submitted: bool = False) -> WorkflowError | None:
    """The tender's descriptions must exist and be complete (DOMAIN §4: validated before the
    tender can be submitted and again before the pilot starts). Numbered 1, 2, ... as the
    bidder sees them."""
    rows = descriptions_of(session, submission.id, submitted=submitted)
    return descriptions_refusal(
        [DescriptionToCheck(number, d.framework_version,
                            (d.submitted_data if submitted else d.data) or {})
         for number, d in enumerate(rows, start=1)],
        organisation_kind=submission.organisation.kind)


def seal_descriptions(ctx: Context) -> None:
    """Submitting a tender submits its descriptions: each working copy is frozen as the
    submitted version, removed ones leave, and their SHA-256 goes into the audit row."""
    rows = ctx.session.scalars(
        sa.select(MicroCredentialDescription)
        .where(MicroCredentialDescription.submission_id == ctx.obj.id)
        .order_by(MicroCredentialDescription.position)).all()
    sealed = []
    for row in rows:
        if row.removed_at is not None:
            ctx.session.delete(row)
            continue
        row.submitted_data = copy.deepcopy(row.data)
        row.submitted_at = ctx.now
        sealed.append({"position": row.position, "framework_version": row.framework_version,
                       "data": row.submitted_data})
    ctx.data["descriptions_sha256"] = content_sha256({"micro_credentials": sealed})


def pilots_of(session: so.Session, call_id: int) -> list[Pilot]:
    return list(session.scalars(sa.select(Pilot).where(Pilot.call_id == call_id)
                                .order_by(Pilot.id)))


# Procurement ---------------------------------------------------------------------------------

def create_pilots(ctx: Context) -> None:
    """At contract signature every description of every awarded tender becomes a pilot with
    an interim and a final report to write."""
    call: Call = ctx.obj
    tenders = ctx.session.scalars(
        sa.select(Submission)
        .where(Submission.call_id == call.id, Submission.state == TenderState.AWARDED)
        .order_by(Submission.id)).all()
    for tender in tenders:
        for description in descriptions_of(ctx.session, tender.id, submitted=True):
            pilot = Pilot(call_id=call.id, submission_id=tender.id, description=description,
                          created_at=ctx.now)
            ctx.session.add(pilot)
            for report_type in ("interim", "final"):
                ctx.session.add(Report(kind="jotpa", report_type=report_type, submission=tender,
                                       pilot=pilot, state=ReportState.DRAFT.value, data={},
                                       created_at=ctx.now, updated_at=ctx.now))


def pilots_ready(ctx: Context) -> WorkflowError | None:
    """Pilot delivery starts with at least one pilot, each description complete again."""
    pilots = pilots_of(ctx.session, ctx.obj.id)
    if not pilots:
        return WorkflowError("invalid_transition",
                             N_("No pilots: no awarded tender describes a micro-credential."))
    for tender in {p.submission.id: p.submission for p in pilots}.values():
        refusal = description_refusal_for(ctx.session, tender, submitted=True)
        if refusal is not None:
            return refusal
    return None


def final_reports_accepted(ctx: Context) -> WorkflowError | None:
    """The procurement closes when the final report of every pilot has been accepted."""
    waiting = ctx.session.scalar(
        sa.select(sa.func.count()).select_from(Report).join(Pilot, Report.pilot_id == Pilot.id)
        .where(Pilot.call_id == ctx.obj.id, Report.report_type == "final",
               Report.state != ReportState.ACCEPTED)) or 0
    if waiting:
        return WorkflowError("invalid_transition",
                             N_("The final report of every pilot must be accepted first."))
    return None


# Reports -------------------------------------------------------------------------------------

def report_framework(report: Report):
    """The framework version the report's feedback is about: the pilot description's, or the
    current one for ESR reports."""
    if report.pilot is not None:
        return framework(report.pilot.description.framework_version)
    return framework()


def report_period_open(ctx: Context) -> WorkflowError | None:
    report: Report = ctx.obj
    if report.kind == "jotpa":
        if report.submission.call.state not in REPORTING_STATES:
            return WorkflowError("invalid_transition",
                                 N_("Pilot reports can be submitted during pilot delivery and final reporting."))
        if report.report_type == "final":
            cohorts = report.pilot.cohorts
            if not cohorts or any(c.actual_end is None for c in cohorts):
                return WorkflowError(
                    "invalid_transition",
                    N_("The final report can be submitted when every cohort has ended (actual end date)."))
        return None
    if report.submission.state != ApplicationState.IN_IMPLEMENTATION:
        return WorkflowError("invalid_transition",
                             N_("Progress reports can be submitted while the project is implemented."))
    return None


def report_complete(ctx: Context) -> WorkflowError | None:
    report: Report = ctx.obj
    return report_refusal(report.report_type, report.data, report_framework(report))


def pilot_results(session: so.Session, pilot: Pilot) -> dict[str, object]:
    """The participant figures of a pilot, from its cohorts and certificates."""
    approved = sum(c.participants_approved for c in pilot.cohorts)
    started = sum(c.participants_started for c in pilot.cohorts)
    completed = sum(c.participants_completed for c in pilot.cohorts)
    certificates = session.scalar(
        sa.select(sa.func.count()).select_from(Certificate)
        .where(Certificate.pilot_id == pilot.id, Certificate.revoked_at.is_(None))) or 0
    return {"cohorts": len(pilot.cohorts), "participants_approved": approved,
            "participants_started": started, "participants_completed": completed,
            "completion_rate": round(completed / started, 4) if started else None,
            "certificates": certificates}


def stamp_submitted(ctx: Context) -> None:
    """Record when, and freeze the pilot's figures as they were reported."""
    report: Report = ctx.obj
    report.submitted_at = ctx.now
    report.updated_at = ctx.now
    if report.pilot is not None:
        # Cohort edits were flushed by fire() before the effects: they are counted.
        report.data = {**report.data, "results": pilot_results(ctx.session, report.pilot)}


def stamp_accepted(ctx: Context) -> None:
    ctx.obj.accepted_at = ctx.now
    ctx.obj.updated_at = ctx.now


def touch(ctx: Context) -> None:
    ctx.obj.updated_at = ctx.now


def close_procurement_when_reported(ctx: Context) -> None:
    """Accepting the last final report closes a procurement in final reporting (the
    procurement's own `close` step, with its guard, through the one entry point)."""
    from ..engine import fire

    report: Report = ctx.obj
    if report.kind != "jotpa" or report.report_type != "final":
        return
    call = report.submission.call
    if call.state != ProcurementState.FINAL_REPORTING:
        return
    # The count below reads this report's acceptance from the database; every change of the
    # report is made by now, so this flush is its one UPDATE.
    ctx.session.flush()
    sub_ctx = Context(session=ctx.session, obj=call, actor=ctx.actor, now=ctx.now, step=ctx.step)
    if final_reports_accepted(sub_ctx) is None:
        fire(ctx.session, call, "close", ctx.actor)


# ESR application -----------------------------------------------------------------------------

def progress_reports_settled(ctx: Context) -> WorkflowError | None:
    """No progress report of the project is waiting for a review or a correction."""
    # Through ctx (spec.Context.of_object): on a list page, one query for all the rows.
    pending = ctx.of_object("pending_progress_reports", lambda objs: pending_progress_reports(
        ctx.session, [o.id for o in objs]))
    if pending:
        return WorkflowError("invalid_transition",
                             N_("A progress report is still waiting for review or correction."))
    return None


def pending_progress_reports(session: so.Session, submission_ids: list[int]) -> dict[int, int]:
    """Application id → its progress reports waiting for a review or a correction (ids
    without any are left out)."""
    return dict(session.execute(
        sa.select(Report.submission_id, sa.func.count())
        .where(Report.submission_id.in_(submission_ids), Report.kind == "esr",
               Report.state.in_([ReportState.SUBMITTED, ReportState.RETURNED]))
        .group_by(Report.submission_id)).all())


__all__ = ["REPORTING_STATES", "seal_descriptions", "close_procurement_when_reported", "create_pilots",
           "description_refusal_for", "descriptions_of", "final_reports_accepted",
           "pending_progress_reports", "pilot_results", "pilots_of", "pilots_ready",
           "progress_reports_settled",
           "report_complete", "report_framework", "report_period_open", "stamp_accepted",
           "stamp_submitted", "touch"]
