"""Pilot delivery under a contract, for the supplier (the awarded tender's organisation) and
administrators.

    GET  /pilots/                               the contracts the user follows, with their pilots
    GET  /pilots/contracts/<tender id>          one contract (an awarded tender): its pilots
    GET  /pilots/<id>                           one pilot: cohorts, milestones, certificates, reports
    GET|POST /pilots/<id>/cohorts/new           a cohort (the supplier, while the contract runs)
    GET|POST /pilots/<id>/cohorts/<c>           its dates and participant counts
    POST /pilots/<id>/milestones                a milestone with its due instant (Jotpa or the supplier)
    POST /pilots/<id>/milestones/<m>/done       the supplier marks it done
    GET|POST /pilots/<id>/cohorts/<c>/certificates/new   a certificate for a learner who completed

Participants are counted; only certificate holders are named (their name and e-mail).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Certificate, Cohort, Pilot, Report, Submission

from ...app import db
from ...errors import WorkflowError
from ...framework import framework
from ...framework.validation import format_workload
from ...permissions import is_admin, is_own_organisation
from ...pilots import access
from ...pilots.certificates import issue_certificate
from ...pilots.delivery import (COHORT_FIELDS, add_cohort, add_milestone, mark_milestone_done,
                                update_cohort)
from ...pilots.rules import pilot_results
from ..helpers import ErrorSummary, load_submission_or_404, parse_version, signed_in
from ..identity import actor
from ..locale import current_locale
from .blueprint import bp
from .common import (base_url, percent, cohort_of_or_404, load_pilot_or_404, milestone_of_or_404,
                     signer)


def cohort_labels() -> dict[str, str]:
    return {"name": _("Name of the cohort"), "planned_start": _("Planned start"),
            "planned_end": _("Planned end"), "actual_start": _("Actual start"),
            "actual_end": _("Actual end"), "participants_approved": _("Participants approved"),
            "participants_started": _("Participants started"),
            "participants_completed": _("Participants completed")}


def milestone_labels() -> dict[str, str]:
    return {"title": _("Milestone"), "due_at": _("Due")}


def certificate_labels() -> dict[str, str]:
    return {"learner_name": _("Learner's name"), "learner_email": _("Learner's e-mail address"),
            "grade": _("Grade (optional)"), "completed_on": _("Completed on"),
            "participants_completed": _("Participants completed")}


def results_view(session: so.Session, pilot: Pilot) -> dict[str, Any]:
    """The pilot's figures (rules.pilot_results) with the completion rate as text."""
    results = pilot_results(session, pilot)
    results["completion_rate_text"] = percent(results["completion_rate"])
    return results


# Lists -----------------------------------------------------------------------------------------

def _visible_pilots(user) -> list[Pilot]:
    query = (sa.select(Pilot).options(so.joinedload(Pilot.call))
             .order_by(Pilot.call_id, Pilot.submission_id, Pilot.id))
    if not is_admin(user):
        if user is None or user.organisation_id is None or not user.has_role("applicant"):
            return []
        query = query.join(Submission, Pilot.submission_id == Submission.id).where(
            Submission.organisation_id == user.organisation_id)
    return list(db().scalars(query))


@bp.get("/pilots/")
@signed_in
def index() -> str:
    """Contracts (awarded tenders) with their pilots, procurement by procurement."""
    user = actor()
    contracts: dict[int, dict[str, Any]] = {}
    for pilot in _visible_pilots(user):
        entry = contracts.setdefault(pilot.submission_id, {"tender": pilot.submission,
                                                           "call": pilot.call, "pilots": []})
        entry["pilots"].append(pilot)
    return render_template("pilots/index.html", contracts=list(contracts.values()))


@bp.get("/pilots/contracts/<int:submission_id>")
@signed_in
def contract(submission_id: int) -> str:
    user = actor()
    tender = load_submission_or_404(submission_id, user)
    if tender.kind != "jotpa" or not (is_admin(user) or is_own_organisation(user, tender)):
        abort(404)
    pilots = list(db().scalars(sa.select(Pilot).where(Pilot.submission_id == tender.id)
                               .order_by(Pilot.id)))
    if not pilots:
        abort(404)
    rows = [{"pilot": p, "results": results_view(db(), p)} for p in pilots]
    return render_template("pilots/contract.html", tender=tender, call=tender.call, rows=rows)


@bp.get("/pilots/<int:pilot_id>")
@signed_in
def pilot(pilot_id: int) -> str:
    user = actor()
    pilot = load_pilot_or_404(pilot_id, user)
    return _render_pilot(pilot)


def _render_pilot(pilot: Pilot, *, milestone_errors: ErrorSummary | None = None,
                  milestone_values: dict[str, str] | None = None, status: int = 200):
    user = actor()
    certificates = list(db().scalars(sa.select(Certificate).where(Certificate.pilot_id == pilot.id)
                                     .order_by(Certificate.issued_at, Certificate.id)))
    issued: dict[int, int] = defaultdict(int)
    for certificate in certificates:
        if certificate.revoked_at is None:
            issued[certificate.cohort_id] += 1
    reports = list(db().scalars(sa.select(Report).where(Report.pilot_id == pilot.id)
                                .order_by(Report.report_type.desc())))
    data = pilot.description.submitted_data or pilot.description.data
    fw = framework(pilot.description.framework_version)
    workload = format_workload(data["workload"], fw, current_locale()) if data.get("workload") else ""
    return render_template(
        "pilots/pilot.html", pilot=pilot, call=pilot.call, tender=pilot.submission,
        data=data, workload=workload, results=results_view(db(), pilot),
        certificates=certificates,
        issued=issued, reports=reports,
        can_record=access.can_record_delivery(user, pilot),
        can_plan=access.can_plan_milestones(user, pilot),
        can_issue=access.can_issue_certificates(user, pilot),
        milestone_errors=milestone_errors or ErrorSummary(),
        milestone_values=milestone_values or {}), status


# Cohorts ---------------------------------------------------------------------------------------

def _cohort_form(pilot: Pilot, cohort: Cohort | None, values: dict[str, Any], errors: ErrorSummary,
                 status: int = 200):
    return render_template("pilots/cohort.html", pilot=pilot, call=pilot.call, cohort=cohort,
                           values=values, errors=errors), status


def _cohort_values(cohort: Cohort) -> dict[str, str]:
    return {name: ("" if getattr(cohort, name) is None else str(getattr(cohort, name)))
            for name in COHORT_FIELDS}


def _posted_cohort() -> dict[str, str]:
    return {name: request.form.get(name, "").strip() for name in COHORT_FIELDS}


@bp.route("/pilots/<int:pilot_id>/cohorts/new", methods=["GET", "POST"])
@signed_in
def new_cohort(pilot_id: int):
    user = actor()
    pilot = load_pilot_or_404(pilot_id, user)
    if not access.can_record_delivery(user, pilot):
        abort(403)
    if request.method == "GET":
        return _cohort_form(pilot, None, {}, ErrorSummary())
    values = _posted_cohort()
    try:
        add_cohort(db(), user, pilot, **values)
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err, cohort_labels())
        return _cohort_form(pilot, None, values, errors, errors.status)
    db().commit()
    flash(_("The cohort has been added."), "success")
    return redirect(url_for("pilots.pilot", pilot_id=pilot.id))


@bp.route("/pilots/<int:pilot_id>/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@signed_in
def edit_cohort(pilot_id: int, cohort_id: int):
    user = actor()
    pilot = load_pilot_or_404(pilot_id, user)
    cohort = cohort_of_or_404(pilot, cohort_id)
    if not access.can_record_delivery(user, pilot):
        abort(403)
    if request.method == "GET":
        return _cohort_form(pilot, cohort, _cohort_values(cohort), ErrorSummary())
    values = _posted_cohort()
    try:
        update_cohort(db(), user, cohort, version=parse_version(request.form), **values)
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err, cohort_labels())
        return _cohort_form(pilot, cohort, values, errors, errors.status)
    db().commit()
    flash(_("The cohort has been saved."), "success")
    return redirect(url_for("pilots.pilot", pilot_id=pilot.id))


# Milestones ------------------------------------------------------------------------------------

@bp.post("/pilots/<int:pilot_id>/milestones")
@signed_in
def new_milestone(pilot_id: int):
    user = actor()
    pilot = load_pilot_or_404(pilot_id, user)
    if not access.can_plan_milestones(user, pilot):
        abort(403)
    values = {"title": request.form.get("title", ""), "due_at": request.form.get("due_at", "")}
    try:
        add_milestone(db(), user, pilot, title=values["title"], due_at=values["due_at"])
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err, milestone_labels())
        return _render_pilot(pilot, milestone_errors=errors, milestone_values=values,
                             status=errors.status)
    db().commit()
    flash(_("The milestone has been added."), "success")
    return redirect(url_for("pilots.pilot", pilot_id=pilot.id) + "#milestones")


@bp.post("/pilots/<int:pilot_id>/milestones/<int:milestone_id>/done")
@signed_in
def milestone_done(pilot_id: int, milestone_id: int) -> Response:
    user = actor()
    pilot = load_pilot_or_404(pilot_id, user)
    milestone = milestone_of_or_404(pilot, milestone_id)
    if not access.can_record_delivery(user, pilot):
        abort(403)
    mark_milestone_done(db(), user, milestone)
    db().commit()
    flash(_("The milestone has been marked done."), "success")
    return redirect(url_for("pilots.pilot", pilot_id=pilot.id) + "#milestones")


# Certificates ----------------------------------------------------------------------------------

@bp.route("/pilots/<int:pilot_id>/cohorts/<int:cohort_id>/certificates/new", methods=["GET", "POST"])
@signed_in
def issue(pilot_id: int, cohort_id: int):
    user = actor()
    pilot = load_pilot_or_404(pilot_id, user)
    cohort = cohort_of_or_404(pilot, cohort_id)
    if not access.can_issue_certificates(user, pilot):
        abort(403)
    if request.method == "GET":
        return render_template("pilots/certificate_issue.html", pilot=pilot, cohort=cohort,
                               call=pilot.call, values={}, errors=ErrorSummary())
    values = {name: request.form.get(name, "").strip()
              for name in ("learner_name", "learner_email", "grade", "completed_on")}
    try:
        certificate = issue_certificate(db(), user, cohort, signer=signer(), base_url=base_url(),
                                        **values)
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err, certificate_labels())
        return render_template("pilots/certificate_issue.html", pilot=pilot, cohort=cohort,
                               call=pilot.call, values=values, errors=errors), errors.status
    db().commit()
    flash(_("The certificate has been issued."), "success")
    return redirect(url_for("pilots.certificate", certificate_id=certificate.public_id))
