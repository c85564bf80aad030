"""Calls and procurements: the list, creating, editing (before publishing), the submission
form editor, info sessions, and the call page with its registered sections.

Publishing and every other call transition are workflow steps: the page offers exactly the
engine's available steps (`step_buttons`, which post to the generic transition pages), and
says why the other administrator steps from the current state are not possible yet.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import Call, Submission

from ...app import db
from ...calls import add_info_event, create_call, update_call
from ...content import DEFAULT_FORMS
from ...definitions import workflow_for
from ...engine import available_steps
from ...errors import WorkflowError
from ...i18n import N_
from ...permissions import UNPUBLISHED
from ...questions import questions_of
from ..helpers import ErrorSummary, load_call_or_404, parse_version
from ..identity import actor
from ..timeline import timeline
from . import bp
from .forms import (CallForm, Reader, call_labels, date_text, field_editor_labels,
                    info_event_labels, read_call_form, read_form_fields, read_info_event,
                    time_text)
from .sections import CallSection, register_call_section, render_sections
from .steps import blocked_steps
from .workflow_svg import build_diagram

INSTANT_FIELDS = ("opens_at", "deadline", "questions_until")


# The list ------------------------------------------------------------------------------------

@bp.get("/calls")
def calls() -> str:
    rows = db().scalars(sa.select(Call).order_by(Call.deadline.desc(), Call.id.desc())).all()
    return render_template("admin/calls.html", calls=rows)


# Creating and editing ----------------------------------------------------------------------

def _form_values(call: Call | None) -> dict[str, str]:
    """What the form shows for a call: texts, and each instant as Helsinki date and time."""
    if call is None:
        return {"kind": request.args.get("kind", "")}
    values: dict[str, str] = {
        "title": call.title, "description": call.description or "",
        "budget": "" if call.budget is None else f"{call.budget:f}",
        "hilma_notice_id": call.hilma_notice_id or "", "version": str(call.version)}
    for name in INSTANT_FIELDS:
        values[f"{name}_date"] = date_text(getattr(call, name))
        values[f"{name}_time"] = time_text(getattr(call, name))
    return values


def _render_form(call: Call | None, values: Mapping[str, str], errors: ErrorSummary,
                 status: int = 200):
    return render_template("admin/call_form.html", call=call, values=values, errors=errors,
                           creating=call is None), status


def _service_errors(err: WorkflowError) -> ErrorSummary:
    return ErrorSummary.from_error(err, call_labels())


@bp.route("/calls/new", methods=["GET", "POST"])
def new_call():
    if request.method == "GET":
        return _render_form(None, _form_values(None), ErrorSummary())
    read: CallForm = read_call_form(request.form, creating=True)
    if read.errors:
        return _render_form(None, request.form, read.errors, 422)
    values = {k: v for k, v in read.values.items() if k != "kind"}
    try:
        call = create_call(db(), actor(), kind=read.values["kind"],
                           info_events=[read.info_event] if read.info_event else None, **values)
    except WorkflowError as err:
        db().rollback()
        errors = _service_errors(err)
        return _render_form(None, request.form, errors, errors.status)
    db().commit()
    flash(_("The call has been created as a draft. Publish it when it is ready."), "success")
    return redirect(url_for("admin.call", call_id=call.id))


def _not_editable(call: Call):
    return render_template("errors/error.html", status=409, title=_("Not possible now"),
                           message=_("A published call can no longer be edited.")), 409


@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
def edit_call(call_id: int):
    call = load_call_or_404(call_id, actor())
    if call.state not in UNPUBLISHED:
        return _not_editable(call)
    if request.method == "GET":
        return _render_form(call, _form_values(call), ErrorSummary())
    read = read_call_form(request.form, creating=False)
    if read.errors:
        return _render_form(call, request.form, read.errors, 422)
    try:
        update_call(db(), actor(), call, version=parse_version(request.form), **read.values)
    except WorkflowError as err:
        db().rollback()
        if err.code == "invalid_transition":
            return _not_editable(call)
        errors = _service_errors(err)
        return _render_form(call, request.form, errors, errors.status)
    db().commit()
    flash(_("The changes have been saved."), "success")
    return redirect(url_for("admin.call", call_id=call.id))


@bp.route("/calls/<int:call_id>/form", methods=["GET", "POST"])
def edit_form(call_id: int):
    """The submission form: labels and `required` of each field, removing added fields,
    adding a text, long text, number or money field."""
    call = load_call_or_404(call_id, actor())
    if call.state not in UNPUBLISHED:
        return _not_editable(call)
    if request.method == "GET":
        return render_template("admin/form_editor.html", call=call, fields=call.form_fields,
                               values={}, errors=ErrorSummary(), default_names=_default_names(call))
    fields, errors = read_form_fields(request.form, list(call.form_fields), call.kind)
    if not errors:
        try:
            update_call(db(), actor(), call, version=parse_version(request.form),
                        form_fields=fields)
        except WorkflowError as err:
            db().rollback()
            if err.code == "invalid_transition":
                return _not_editable(call)
            errors = ErrorSummary.from_error(err, field_editor_labels())
    if errors:
        return render_template("admin/form_editor.html", call=call, fields=call.form_fields,
                               values=request.form, errors=errors,
                               default_names=_default_names(call)), errors.status
    db().commit()
    flash(_("The form has been saved."), "success")
    return redirect(url_for("admin.call", call_id=call.id) + "#section-form")


def _default_names(call: Call) -> set[str]:
    return {f["name"] for f in DEFAULT_FORMS.get(call.kind, [])}


@bp.post("/calls/<int:call_id>/info-events")
def add_event(call_id: int):
    call = load_call_or_404(call_id, actor())
    reader = Reader(request.form, info_event_labels())
    event = read_info_event(reader)
    errors = reader.errors
    if event is None and not errors:
        errors.add("event_title", _("Required."), info_event_labels()["event_title"])
    if not errors:
        try:
            add_info_event(db(), actor(), call, **event)
        except WorkflowError as err:
            db().rollback()
            errors = ErrorSummary.from_error(err, info_event_labels())
    if errors:
        return _call_page(call, errors=errors, form=request.form, status=errors.status)
    db().commit()
    flash(_("The info session has been added."), "success")
    return redirect(url_for("admin.call", call_id=call.id) + "#section-info_events")


# The call page -----------------------------------------------------------------------------

def _call_page(call: Call, *, errors: ErrorSummary | None = None,
               form: Mapping[str, str] | None = None, status: int = 200):
    user = actor()
    return render_template(
        "admin/call.html", call=call, steps=available_steps(user, call, db()),
        blocked=blocked_steps(user, call, call_labels()), sections=render_sections(call, user),
        timeline=timeline(call, user), editable=call.state in UNPUBLISHED,
        errors=errors or ErrorSummary(), form=form or {}), status


@bp.get("/calls/<int:call_id>")
def call(call_id: int):
    return _call_page(load_call_or_404(call_id, actor()))


@bp.get("/calls/<int:call_id>/workflow")
def call_workflow(call_id: int) -> str:
    call = load_call_or_404(call_id, actor())
    return _workflow_page(call, call.title, url_for("admin.call", call_id=call.id))


def _workflow_page(obj: Any, title: str, back: str) -> str:
    from ..locale import current_locale

    diagram = build_diagram(workflow_for(obj), current_locale(), current=obj.state)
    return render_template("admin/workflow.html", obj=obj, title=title, back=back,
                           diagram=diagram)


# The sections this package puts on the call page -------------------------------------------

def _submission_counts(call: Call, user: Any) -> dict[str, Any]:
    rows = db().execute(sa.select(Submission.state, sa.func.count())
                        .where(Submission.call_id == call.id)
                        .group_by(Submission.state)).all()
    counts = dict(rows)
    wf = _submission_workflow(call)
    return {"counts": [(state, wf.labels[state], counts[state]) for state in wf.states
                       if state in counts],
            "total": sum(counts.values())}


def _submission_workflow(call: Call):
    from ...definitions import WORKFLOWS

    return next(wf for wf in WORKFLOWS.values() if wf.model == "submission" and wf.kind == call.kind)


def _questions(call: Call, user: Any) -> dict[str, Any] | None:
    questions = questions_of(db(), user, call)
    if call.questions_until is None and not questions:
        return None
    return {"unanswered": sum(1 for q in questions if q.answered_at is None),
            "drafts": sum(1 for q in questions if q.answered_at is not None and q.published_at is None),
            "published": sum(1 for q in questions if q.published_at is not None)}


register_call_section(CallSection(
    key="info_events", title=N_("Info sessions"), template="admin/sections/info_events.html",
    load=lambda call, user: {}, order=10))
register_call_section(CallSection(
    key="form", title=N_("Submission form"), template="admin/sections/form.html",
    load=lambda call, user: {}, order=20))
register_call_section(CallSection(
    key="submissions", title=N_("Submissions"), template="admin/sections/submissions.html",
    load=_submission_counts, order=40))
register_call_section(CallSection(
    key="questions", title=N_("Questions and answers"), template="admin/sections/questions.html",
    load=_questions, order=45))
