"""Reports: a Jotpa pilot's interim and final report, an ESR project's progress reports and its
final report.

    GET|POST /reports/<id>                  the report: its form for the supplier (save, or
                                            save and submit), the steps for Jotpa
    GET|POST /reports/<id>/transition       one step of the report's workflow (submit, return
                                            with a comment, accept): its form and its firing,
                                            as workflow/web/transitions.py does for submissions
    GET|POST /projects/<id>/reports         an ESR project's progress reports; Jotpa schedules them
    GET|POST /projects/<id>/final-report    the ESR project's structured final report (its steps
                                            are the application's: transitions.py)

Every state change is engine.fire(): the report's own workflow (`jotpa-report`, `esr-report`)
or the application's `submit_final_report`.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import Report, Submission, User

from ...app import db
from ...definitions import workflow_for
from ...engine import available_steps, fire
from ...errors import WorkflowError
from ...evaluation.queries import counted_versions, title_of
from ...framework import framework
from ...permissions import is_admin, is_own_organisation
from ...submissions import readable_copy
from ...pilots import access
from ...pilots.forms import ESR_INDICATORS, report_problems
from ...pilots.reports import (ESR_FINAL_EDITABLE, report_form, reports_of_submission,
                               schedule_progress_reports, update_esr_final_report, update_report)
from ...pilots.rules import pilot_results, report_framework
from ..helpers import (ErrorSummary, fire_from_form, label, latest_history_comment,
                       load_submission_or_404, parse_version, return_to, signed_in)
from ..identity import actor
from ..locale import current_locale
from ..timeline import timeline
from .blueprint import bp
from .common import blocked_steps, load_report_or_404, report_timeline
from .forms import rating_options, report_from_form, report_labels, report_to_form

# The application's steps that belong to its final report (shown on the final report page).
ESR_FINAL_STEPS = ("submit_final_report", "return_final_report", "accept_final_report")


def report_title(report: Report) -> str:
    if report.report_type == "interim":
        return _("Interim report")
    if report.report_type == "final":
        return _("Final report")
    return _("Progress report %(number)s", number=report.sequence)


def _form_spec(report_type: str, fw) -> dict[str, Any]:
    spec = report_form(report_type, fw.version if fw else None, current_locale())
    spec["ratings"] = rating_options()
    return spec


def _missing_labels(report_type: str, data: dict[str, Any] | None, fw) -> list[str]:
    labels = report_labels(report_type, fw)
    return [labels.get(key, key) for key in report_problems(report_type, data, fw)]


# A Jotpa or ESR progress report ----------------------------------------------------------------

def _render_report(report: Report, values: dict[str, str] | None = None,
                   errors: ErrorSummary | None = None, status: int = 200):
    user = actor()
    fw = report_framework(report)
    labels = report_labels(report.report_type, fw)
    returned = latest_history_comment(report, "return") if report.state == "returned" else None
    results = report.data.get("results") if report.report_type != "progress" else None
    if results is None and report.pilot is not None:
        results = pilot_results(db(), report.pilot)
    return render_template(
        "pilots/report.html", report=report, title=report_title(report),
        subject=(report.pilot.description.title if report.pilot
                 else title_of(counted_versions(db(), [report.submission_id])
                               .get(report.submission_id))),
        pilot=report.pilot, submission=report.submission, spec=_form_spec(report.report_type, fw),
        values=values if values is not None else report_to_form(report.report_type, report.data),
        errors=errors or ErrorSummary(), can_edit=access.can_edit_report(user, report),
        steps=available_steps(user, report, db()), blocked=blocked_steps(user, report, labels),
        missing=_missing_labels(report.report_type, report.data, fw), results=results,
        returned=returned, timeline=report_timeline(report, user),
        schema=report.report_type), status


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
@signed_in
def report(report_id: int):
    user = actor()
    report = load_report_or_404(report_id, user)
    if request.method == "GET":
        return _render_report(report)
    if not access.can_edit_report(user, report):
        abort(403 if not is_own_organisation(user, report.submission) else 409)
    fw = report_framework(report)
    labels = report_labels(report.report_type, fw)
    values = {k: v for k, v in request.form.items() if k not in ("csrf_token", "version", "action")}
    try:
        update_report(db(), user, report, report_from_form(report.report_type, request.form, fw),
                      version=parse_version(request.form))
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err, labels)
        return _render_report(report, values, errors, errors.status)
    db().commit()
    if request.form.get("action") != "submit":
        flash(_("The report has been saved."), "success")
        return redirect(url_for("pilots.report", report_id=report.id))
    try:
        fire(db(), report, "submit", user)
    except WorkflowError as err:
        db().rollback()  # the report stays saved; only the submission is refused
        errors = ErrorSummary.from_error(err, labels)
        errors.message = _("The report has been saved, but it cannot be submitted yet.") + " " + errors.message
        return _render_report(report, None, errors, errors.status)
    db().commit()
    flash(_("Done: %(step)s.", step=_("Submit report")), "success")
    return redirect(url_for("pilots.report", report_id=report.id))


def _step_label(report: Report, trigger: str) -> str:
    return label(next(s.label for s in workflow_for(report).steps if s.trigger == trigger))


def _render_transition(report: Report, trigger: str, errors: ErrorSummary, status: int = 200):
    user = actor()
    step = workflow_for(report).step_for(trigger, report.state)
    if step is None:
        if trigger not in workflow_for(report).triggers:
            abort(404)
        return render_template("errors/error.html", status=409, title=_("Not possible now"),
                               message=_("This step is not possible now.")), 409
    if not errors and step not in available_steps(user, report, db()):
        errors = ErrorSummary(message=_("This step is not possible now."), status=409)
        status = 409
    back = return_to(request.values, url_for("pilots.report", report_id=report.id))
    return render_template("pilots/report_transition.html", report=report,
                           title=report_title(report), step=step, errors=errors,
                           form=request.form, back=back), status


@bp.route("/reports/<int:report_id>/transition", methods=["GET", "POST"])
@signed_in
def report_transition(report_id: int):
    """The report's steps, as transitions.py serves those of submissions and calls."""
    user = actor()
    report = load_report_or_404(report_id, user)
    if request.method == "GET":
        return _render_transition(report, request.args.get("trigger", "")[:60], ErrorSummary())
    trigger = request.form.get("trigger", "")[:60]
    _entry, errors = fire_from_form(report, user, request.form)
    if errors is not None:
        if workflow_for(report).step_for(trigger, report.state) is None:
            return render_template("errors/error.html", status=errors.status,
                                   title=_("Not possible now"), message=errors.message), errors.status
        return _render_transition(report, trigger, errors, errors.status)
    flash(_("Done: %(step)s.", step=_step_label(report, trigger)), "success")
    return redirect(return_to(request.form, url_for("pilots.report", report_id=report.id)))


# An ESR project ------------------------------------------------------------------------------

def _esr_project_or_404(submission_id: int, user: User | None) -> Submission:
    """An ESR application whose reports the user follows: its own organisation or Jotpa /
    the funding authority; others who may know of it (evaluators) 403."""
    application = load_submission_or_404(submission_id, user)
    if application.kind != "esr":
        abort(404)
    if not (is_admin(user) or is_own_organisation(user, application)):
        abort(403)
    return application


@bp.route("/projects/<int:submission_id>/reports", methods=["GET", "POST"])
@signed_in
def project_reports(submission_id: int):
    user = actor()
    application = _esr_project_or_404(submission_id, user)
    errors = ErrorSummary()
    due_at = ""
    if request.method == "POST":
        if not is_admin(user):
            abort(403)
        due_at = request.form.get("due_at", "").strip()
        try:
            schedule_progress_reports(db(), user, application, [due_at])
        except WorkflowError as err:
            db().rollback()
            errors = ErrorSummary.from_error(err, {"due_dates": _("Due"), "due_at": _("Due")})
            if "due_dates" in errors.fields:
                errors.fields["due_at"] = errors.fields.pop("due_dates")
                errors.labels["due_at"] = _("Due")
        else:
            db().commit()
            flash(_("The progress report has been scheduled."), "success")
            return redirect(url_for("pilots.project_reports", submission_id=application.id))
    reports = reports_of_submission(db(), user, application)
    return render_template("pilots/project_reports.html", application=application,
                           project_title=_project_title(user, application),
                           call=application.call, reports=reports, errors=errors, due_at=due_at,
                           can_schedule=is_admin(user) and application.state in ("approved", "in_implementation"),
                           titles={r.id: report_title(r) for r in reports}), (errors.status if errors else 200)


def _project_title(user: User | None, application: Submission) -> str:
    """The project's title as its reader is shown it: the own organisation its working copy,
    others the application as received (submissions.readable_copy)."""
    copy = readable_copy(db(), user, application)
    return str(copy.content.get("title") or "") if copy else ""


def _render_final(application: Submission, values: dict[str, str] | None = None,
                  errors: ErrorSummary | None = None, status: int = 200):
    user = actor()
    fw = framework()
    steps = [s for s in available_steps(user, application, db()) if s.trigger in ESR_FINAL_STEPS]
    returned = (latest_history_comment(application, "return_final_report")
                if application.state == "final_report_returned" else None)
    return render_template(
        "pilots/final_report.html", application=application, call=application.call,
        project_title=_project_title(user, application),
        spec=_form_spec("esr_final", fw),
        values=values if values is not None else report_to_form("esr_final", application.final_report),
        errors=errors or ErrorSummary(),
        can_edit=is_own_organisation(user, application) and application.state in ESR_FINAL_EDITABLE,
        steps=steps, missing=_missing_labels("esr_final", application.final_report, fw),
        returned=returned, timeline=timeline(application, user),
        indicators=ESR_INDICATORS, schema="esr_final"), status


@bp.route("/projects/<int:submission_id>/final-report", methods=["GET", "POST"])
@signed_in
def final_report(submission_id: int):
    user = actor()
    application = _esr_project_or_404(submission_id, user)
    if request.method == "GET":
        return _render_final(application)
    if not is_own_organisation(user, application):
        abort(403)
    fw = framework()
    labels = report_labels("esr_final", fw)
    values = {k: v for k, v in request.form.items() if k not in ("csrf_token", "version", "action")}
    try:
        update_esr_final_report(db(), user, application,
                                report_from_form("esr_final", request.form, fw),
                                version=parse_version(request.form))
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err, labels)
        return _render_final(application, values, errors, errors.status)
    db().commit()
    if request.form.get("action") != "submit":
        flash(_("The report has been saved."), "success")
        return redirect(url_for("pilots.final_report", submission_id=application.id))
    try:
        fire(db(), application, "submit_final_report", user)
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err, labels)
        errors.message = _("The report has been saved, but it cannot be submitted yet.") + " " + errors.message
        return _render_final(application, None, errors, errors.status)
    db().commit()
    flash(_("Done: %(step)s.", step=_("Submit final report")), "success")
    return redirect(url_for("pilots.final_report", submission_id=application.id))
