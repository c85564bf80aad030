"""Applicants (bidders): their organisation's applications and tenders, drafting, submitting
with a receipt, withdrawing and answering completion requests.

Submitting, withdrawing and completing are workflow steps: their forms live in
transitions.py. Editing the working copy is `workflow.submissions.update_content`.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Call, Submission, SubmissionVersion, User

from .. import clock
from ..app import db
from ..content import missing_fields
from ..engine import available_steps
from ..errors import WorkflowError
from ..guards import deadline_refusal
from ..permissions import can_edit_content, is_own_organisation
from ..submissions import create_draft, update_content
from .helpers import (ErrorSummary, field_label, latest_history_comment, load_call_or_404,
                      load_submission_or_404, parse_version, role_required)
from .identity import actor
from .locale import current_locale
from .public import accepts_submissions
from .timeline import timeline

bp = Blueprint("applicant", __name__, url_prefix="/applicant")
applicants_only = role_required("applicant")


def _own_submission(submission_id: int) -> tuple[User, Submission]:
    """The user's organisation's submission: unknown → 404, someone else's that the user
    may know of (an administrator's view) → 403. Applicant pages are for the own organisation."""
    user = actor()
    submission = load_submission_or_404(submission_id, user)
    if not is_own_organisation(user, submission):
        abort(403)
    assert user is not None
    return user, submission


@bp.get("/")
@applicants_only
def index() -> str:
    user = actor()
    assert user is not None
    submissions = db().scalars(
        sa.select(Submission).where(Submission.organisation_id == user.organisation_id)
        .join(Submission.call).order_by(Call.deadline.desc(), Submission.id)).all()
    calls = db().scalars(sa.select(Call).where(Call.state.in_(("published", "open", "tendering")))
                         .order_by(Call.deadline)).all()
    open_calls = [c for c in calls if accepts_submissions(c)]
    return render_template("applicant/index.html", submissions=submissions, open_calls=open_calls)


@bp.post("/calls/<int:call_id>/submissions")
@applicants_only
def start(call_id: int) -> Response | tuple:
    user = actor()
    call = load_call_or_404(call_id, user)
    try:
        submission = create_draft(db(), user, call)
    except WorkflowError as err:
        db().rollback()
        flash(err.message(current_locale()), "error")
        return redirect(url_for("public.call", call_id=call.id))
    db().commit()
    return redirect(url_for("applicant.edit", submission_id=submission.id))


@bp.get("/submissions/<int:submission_id>")
@applicants_only
def submission(submission_id: int) -> str:
    user, submission = _own_submission(submission_id)
    versions = db().scalars(sa.select(SubmissionVersion)
                            .where(SubmissionVersion.submission_id == submission.id)
                            .order_by(SubmissionVersion.number.desc())).all()
    completion_request = None
    if submission.state == "returned_for_completion":
        completion_request = latest_history_comment(submission, "return_for_completion")
    return render_template(
        "applicant/submission.html", submission=submission, call=submission.call,
        steps=available_steps(user, submission, db()), versions=versions,
        can_edit=can_edit_content(user, submission), timeline=timeline(submission, user),
        completion_request=completion_request)


@bp.route("/submissions/<int:submission_id>/edit", methods=["GET", "POST"])
@applicants_only
def edit(submission_id: int) -> Response | str | tuple:
    user, submission = _own_submission(submission_id)
    call = submission.call
    if request.method == "GET":
        if not can_edit_content(user, submission):
            return _not_editable(submission)
        return render_template("applicant/edit.html", submission=submission, call=call,
                               values=submission.content, errors=ErrorSummary())

    values = {f["name"]: request.form.get(f["name"], "") for f in call.form_fields}
    labels = {f["name"]: field_label(f) for f in call.form_fields}
    try:
        update_content(db(), user, submission, values, version=parse_version(request.form))
    except WorkflowError as err:
        db().rollback()
        if err.code in ("deadline_passed", "invalid_transition", "not_allowed"):
            return _not_editable(submission, err)
        errors = ErrorSummary.from_error(err, labels)
        return render_template("applicant/edit.html", submission=submission, call=call,
                               values=values, errors=errors), errors.status
    db().commit()
    if request.form.get("action") != "continue":
        flash(_("The draft has been saved."), "success")
        return redirect(url_for("applicant.edit", submission_id=submission.id))
    missing = missing_fields(call.form_fields, submission.content)
    if missing:
        errors = ErrorSummary(message=_("The draft has been saved, but these required fields are empty."))
        for name in missing:
            errors.add(name, _("Required."), labels.get(name, name))
        return render_template("applicant/edit.html", submission=submission, call=call,
                               values=values, errors=errors), 422
    return redirect(url_for("transitions.submission", submission_id=submission.id,
                            trigger="submit"))


def _not_editable(submission: Submission, err: WorkflowError | None = None) -> tuple[str, int]:
    """The working copy cannot change any more: say why (deadline passed, state)."""
    if err is None:
        err = deadline_refusal(submission.call, clock.now())
    message = err.message(current_locale()) if err else _("This can no longer be edited.")
    return render_template("errors/error.html", status=409, title=_("Not possible now"),
                           message=message), 409


@bp.get("/submissions/<int:submission_id>/receipt")
@bp.get("/submissions/<int:submission_id>/versions/<int:number>/receipt")
@applicants_only
def receipt(submission_id: int, number: int | None = None) -> str:
    _user, submission = _own_submission(submission_id)
    query = sa.select(SubmissionVersion).where(SubmissionVersion.submission_id == submission.id)
    if number is not None:
        if number > 10**6:
            abort(404)
        query = query.where(SubmissionVersion.number == number)
    version = db().scalar(query.order_by(SubmissionVersion.number.desc()).limit(1))
    if version is None:
        abort(404)
    submitted_by = db().get(User, version.submitted_by_id)
    return render_template("applicant/receipt.html", submission=submission, call=submission.call,
                           version=version, submitted_by=submitted_by)
