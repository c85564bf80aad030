"""The one generic way to fire a workflow trigger from a web form, per object type.

    GET  /submissions/<id>/transition?trigger=T   the step's form: confirmation, comment, inputs
    POST /submissions/<id>/transition             trigger, comment, version, the step's inputs,
                                                  return_to; fires through workflow.engine.fire()
    GET|POST /calls/<id>/transition               the same for calls (administrators' steps)

A step without a comment or inputs can be posted directly from a button on any page (see the
`step_buttons` macro in templates/shared/workflow.html). A refusal re-renders the step's form
with the error summary (the engine's message in the user's language) and its status code.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Call, Submission

from ..app import db
from ..definitions import workflow_for
from ..engine import available_steps
from ..submissions import readable_copy
from .helpers import (ErrorSummary, fire_from_form, label, link_to_form, load_call_or_404,
                      load_submission_or_404, object_page, return_to, signed_in, step_of)
from .identity import actor
from .pilots.descriptions import link_to_descriptions

bp = Blueprint("transitions", __name__)

# Steps whose form asks the user to confirm, even though they need no comment or input.
CONFIRM = {"submit", "withdraw"}


def _render(obj: Call | Submission, trigger: str, errors: ErrorSummary, status: int = 200):
    user = actor()
    step = step_of(obj, trigger)
    if step is None:
        if trigger not in workflow_for(obj).triggers:
            abort(404)
        return render_template("errors/error.html", status=409, title=_("Not possible now"),
                               message=_("This step is not possible now.")), 409
    if not errors and step not in available_steps(user, obj, db()):
        # Offered nowhere now; say why instead of showing a form the engine would refuse.
        errors = ErrorSummary(message=_("This step is not possible now."), status=409)
        status = 409
    copy = readable_copy(db(), user, obj) if isinstance(obj, Submission) else None
    if isinstance(obj, Submission):  # the content is edited on pages of its own
        link_to_form(errors, obj)
        if obj.kind == "jotpa":
            link_to_descriptions(errors, obj)
    back = return_to(request.values, object_page(obj, user))
    return render_template("shared/transition.html", obj=obj, step=step, errors=errors,
                           form=request.form, copy=copy, back=back,
                           is_call=isinstance(obj, Call)), status


def _fire(obj: Call | Submission) -> Response | tuple:
    user = actor()
    trigger = request.form.get("trigger", "")
    entry, errors = fire_from_form(obj, user, request.form)
    if errors is not None:
        if step_of(obj, trigger) is None:
            # An unknown trigger has no form to show again: answer with the refusal.
            return render_template("errors/error.html", status=errors.status,
                                   title=_("Not possible now"), message=errors.message), errors.status
        return _render(obj, trigger, errors, errors.status)
    flash(_("Done: %(step)s.", step=label(_step_label(obj, trigger))), "success")
    if isinstance(obj, Submission) and trigger == "submit" and entry is not None:
        return redirect(url_for("applicant.receipt", submission_id=obj.id))
    return redirect(return_to(request.form, object_page(obj, user)))


def _step_label(obj: Call | Submission, trigger: str) -> str:
    """The label of a trigger (the object has moved on, so look it up by trigger only)."""
    return next(s.label for s in workflow_for(obj).steps if s.trigger == trigger)


@bp.get("/submissions/<int:submission_id>")
@signed_in
def submission_page_for_user(submission_id: int) -> Response:
    """Links in mails name the submission, not the role: each reader lands on the page where
    they work with it (their own organisation's, their assignment, the administrator's)."""
    user = actor()
    return redirect(object_page(load_submission_or_404(submission_id, user), user))


@bp.route("/submissions/<int:submission_id>/transition", methods=["GET", "POST"])
@signed_in
def submission(submission_id: int):
    obj = load_submission_or_404(submission_id, actor())
    if request.method == "POST":
        return _fire(obj)
    return _render(obj, request.args.get("trigger", ""), ErrorSummary())


@bp.route("/calls/<int:call_id>/transition", methods=["GET", "POST"])
@signed_in
def call(call_id: int):
    obj = load_call_or_404(call_id, actor())
    if request.method == "POST":
        return _fire(obj)
    return _render(obj, request.args.get("trigger", ""), ErrorSummary())
