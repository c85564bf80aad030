"""Applicants (bidders): their organisation's applications and tenders, drafting, submitting
with a receipt, withdrawing and answering completion requests.

Submitting, withdrawing and completing are workflow steps: their forms live in
transitions.py. Editing the working copy is `workflow.submissions.update_content`, and its
attachments `workflow.attachments` (downloads: attachments.py).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Call, Submission, SubmissionVersion, User

from .. import clock
from ..app import db
from ..attachments import add_attachment, limits_text, remove_attachment, working_attachments
from ..content import missing_fields
from ..engine import available_steps
from ..errors import WorkflowError
from ..guards import deadline_refusal
from ..permissions import can_edit_content, is_own_organisation
from ..submissions import create_draft, update_content
from .attachments import accepts_upload, upload_store
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
        completion_request=completion_request,
        attachments=working_attachments(db(), submission))


@bp.route("/submissions/<int:submission_id>/edit", methods=["GET", "POST"])
@applicants_only
@accepts_upload
def edit(submission_id: int) -> Response | str | tuple:
    """The working copy: the call's fields and the attachments, in one multipart form, so
    that adding or removing a file also saves what was typed (nothing is lost)."""
    user, submission = _own_submission(submission_id)
    call = submission.call
    if request.method == "GET":
        if not can_edit_content(user, submission):
            return _not_editable(submission)
        return _edit_page(submission, submission.content, ErrorSummary())

    values = {f["name"]: request.form.get(f["name"], "") for f in call.form_fields}
    labels = {f["name"]: field_label(f) for f in call.form_fields}
    remove = request.form.get("remove", "")
    upload = request.files.get("file")
    step = "content"
    try:
        update_content(db(), user, submission, values, version=parse_version(request.form))
        removed = (remove_attachment(db(), user, submission, _attachment_id(remove))
                   if remove else None)
        step = "file"
        added = (add_attachment(db(), user, submission, upload.filename, upload.stream,
                                store=upload_store())
                 if upload is not None and upload.filename else None)
    except WorkflowError as err:
        db().rollback()
        if err.code in ("deadline_passed", "invalid_transition", "not_allowed"):
            return _not_editable(submission, err)
        if step == "file":
            errors = ErrorSummary(status=err.http_status)
            errors.add("file", err.message(current_locale()), _("File"))
        else:
            errors = ErrorSummary.from_error(err, labels)
        return _edit_page(submission, values, errors), errors.status
    db().commit()
    if removed is not None:
        flash(_("The file %(name)s has been removed.", name=removed.filename), "success")
    if added is not None:
        flash(_("The file %(name)s has been attached.", name=added.filename), "success")
    if remove or request.form.get("action") != "continue":
        if removed is None:
            flash(_("The draft has been saved."), "success")
        anchor = "attachments" if (removed or added) else None
        return redirect(url_for("applicant.edit", submission_id=submission.id, _anchor=anchor))
    missing = missing_fields(call.form_fields, submission.content)
    if missing:
        errors = ErrorSummary(message=_("The draft has been saved, but these required fields are empty."))
        for name in missing:
            errors.add(name, _("Required."), labels.get(name, name))
        return _edit_page(submission, values, errors), 422
    return redirect(url_for("transitions.submission", submission_id=submission.id,
                            trigger="submit"))


def _edit_page(submission: Submission, values: dict, errors: ErrorSummary) -> str:
    return render_template("applicant/edit.html", submission=submission, call=submission.call,
                           values=values, errors=errors,
                           attachments=working_attachments(db(), submission),
                           limits=limits_text())


def _attachment_id(raw: str) -> int:
    """A posted attachment id; anything else names no attachment (refused as not found)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0


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
