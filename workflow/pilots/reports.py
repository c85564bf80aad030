"""Writing reports: a Jotpa pilot's interim and final report, an ESR project's progress
reports (on a schedule Jotpa/the authority sets) and its final report.

Saving checks each field's form (`forms.clean_report`); submitting is the report's `submit`
step (or the application's `submit_final_report`), whose guards check completeness. Returning
for correction and accepting are the administrator's steps. Accepting the last pilot's final
report closes the procurement (definitions/report.py).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Pilot, Report, ReportState, Submission, User
from models.states import ApplicationState

from .. import clock
from ..definitions import workflow_for
from ..engine import available_steps, record_event
from ..errors import WorkflowError, conflict, not_allowed
from ..framework import framework
from ..i18n import N_, translate
from ..permissions import is_admin, is_own_organisation
from ..timeutil import parse_instant
from . import access
from .forms import ESR_INDICATORS, RATINGS, clean_report, report_problems
from .rules import report_framework

MAX_PROGRESS_REPORTS = 24
ESR_FINAL_EDITABLE = (ApplicationState.IN_IMPLEMENTATION, ApplicationState.FINAL_REPORT_RETURNED)


def _not_found() -> WorkflowError:
    return WorkflowError("not_found", N_("Not found."))


def get_report(session: so.Session, actor: User | None, report_id: Any) -> Report:
    report = session.get(Report, report_id) if isinstance(report_id, int) else None
    if report is None or not access.can_view_report(actor, report):
        raise _not_found()
    return report


def reports_of_pilot(session: so.Session, actor: User | None, pilot: Pilot) -> list[Report]:
    if not access.can_view_pilot(actor, pilot):
        raise _not_found()
    return list(session.scalars(sa.select(Report).where(Report.pilot_id == pilot.id)
                                .order_by(Report.report_type.desc())))  # interim, final


def reports_of_submission(session: so.Session, actor: User | None,
                          submission: Submission) -> list[Report]:
    if not (is_admin(actor) or is_own_organisation(actor, submission)):
        raise _not_found()
    return list(session.scalars(sa.select(Report).where(Report.submission_id == submission.id)
                                .order_by(Report.pilot_id, Report.sequence, Report.id)))


def update_report(session: so.Session, actor: User, report: Report, data: dict[str, Any], *,
                  version: int | None = None) -> Report:
    """Replace what the report says (a draft, or one returned for correction)."""
    if not access.can_edit_report(actor, report):
        if access.can_view_report(actor, report) and is_own_organisation(actor, report.submission):
            raise WorkflowError("invalid_transition", N_("This can no longer be edited."))
        raise not_allowed()
    if version is not None and version != report.version:
        raise conflict()
    report.data = clean_report(report.report_type, data, report_framework(report))
    report.updated_at = clock.now()
    session.flush()
    return report


def _instant(value: Any, field: str) -> dt.datetime:
    try:
        instant = value if isinstance(value, dt.datetime) else parse_instant(str(value))
        if instant.tzinfo is None:
            raise ValueError("naive")
        return instant
    except (ValueError, TypeError, OverflowError):
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."), fields=field,
                            details={field: N_("Enter a date and time, e.g. 2024-06-03T16:15.")}) from None


def set_report_due(session: so.Session, actor: User, report: Report, due_at: Any) -> Report:
    """When a report is due (the scheduler reminds before and after)."""
    if not is_admin(actor):
        raise not_allowed()
    if report.state == ReportState.ACCEPTED:
        raise WorkflowError("invalid_transition", N_("This can no longer be edited."))
    report.due_at = _instant(due_at, "due_at")
    report.updated_at = clock.now()
    session.flush()
    record_event(session, report, "due_set", actor, data={"due_at": report.due_at})
    return report


def schedule_progress_reports(session: so.Session, actor: User, application: Submission,
                              due_dates: list[Any]) -> list[Report]:
    """Progress reports of an approved ESR project, one per due instant, numbered on from
    those scheduled before."""
    if not is_admin(actor):
        raise not_allowed()
    if application.kind != "esr" or application.state not in (ApplicationState.APPROVED,
                                                              ApplicationState.IN_IMPLEMENTATION):
        raise WorkflowError("invalid_transition",
                            N_("Progress reports are scheduled for approved projects."))
    instants = sorted(_instant(value, "due_dates") for value in due_dates)
    existing = session.scalars(sa.select(Report.sequence).where(
        Report.submission_id == application.id, Report.kind == "esr")).all()
    if not instants or len(existing) + len(instants) > MAX_PROGRESS_REPORTS:
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."), fields="due_dates",
                            details={"due_dates": N_("Invalid value.")})
    now = clock.now()
    reports = []
    for number, due in enumerate(instants, start=max(existing, default=0) + 1):
        report = Report(kind="esr", report_type="progress", submission=application, sequence=number,
                        state=ReportState.DRAFT.value, due_at=due, data={}, created_at=now, updated_at=now)
        session.add(report)
        reports.append(report)
    session.flush()
    for report in reports:
        record_event(session, report, "create", actor, data={"due_at": report.due_at})
    return reports


def update_esr_final_report(session: so.Session, actor: User, application: Submission,
                            data: dict[str, Any], *, version: int | None = None) -> Submission:
    """An ESR project's final report (`Submission.final_report`): summary, results, every
    indicator and optional framework feedback. Submitted with the application's
    `submit_final_report` step."""
    if not is_own_organisation(actor, application) or application.kind != "esr":
        raise not_allowed()
    if application.state not in ESR_FINAL_EDITABLE:
        raise WorkflowError("invalid_transition", N_("This can no longer be edited."))
    if version is not None and version != application.version:
        raise conflict()
    application.final_report = clean_report("esr_final", data, framework())
    application.updated_at = clock.now()
    session.flush()
    record_event(session, application, "final_report_edited", actor)
    return application


def report_json(session: so.Session, actor: User | None, report: Report,
                locale: str = "fi") -> dict[str, Any]:
    """A report for the API and the web: its data, what is missing, and what the caller may
    do next (`transitions`)."""
    wf = workflow_for(report)
    fw = report_framework(report)
    return {
        "id": report.id, "kind": report.kind, "report_type": report.report_type,
        "submission_id": report.submission_id, "pilot_id": report.pilot_id,
        "sequence": report.sequence, "state": report.state,
        "state_label": translate(wf.labels[report.state], locale), "version": report.version,
        "due_at": report.due_at.isoformat() if report.due_at else None,
        "submitted_at": report.submitted_at.isoformat() if report.submitted_at else None,
        "accepted_at": report.accepted_at.isoformat() if report.accepted_at else None,
        "data": report.data,
        "missing": sorted(report_problems(report.report_type, report.data, fw)),
        "transitions": [s.trigger for s in available_steps(actor, report, session)],
    }


def report_form(report_type: str, framework_version: str | None = None,
                locale: str = "fi") -> dict[str, Any]:
    """What a report form asks, labelled in the reader's language (for the web and API)."""
    fw = framework(framework_version) if framework_version else framework()
    form: dict[str, Any] = {"report_type": report_type,
                            "ratings": [{"value": k, "label": translate(v, locale)}
                                        for k, v in RATINGS.items()]}
    if report_type in ("interim", "final", "esr_final"):
        form["framework_elements"] = [{"key": e.key, "label": e.label_in(locale),
                                       "help": e.help_in(locale)} for e in fw.elements]
    if report_type in ("progress", "esr_final"):
        form["indicators"] = [{"key": i["key"], "label": i["label"].get(locale, i["label"]["en"])}
                              for i in ESR_INDICATORS]
    return form
