"""The micro-credential descriptions of a Jotpa tender: the list, the editor and the learner's
preview.

    GET  /tenders/<id>/descriptions                 the tender's descriptions, what each still lacks
    POST /tenders/<id>/descriptions                 add one (the bidder's organisation)
    GET  /tenders/<id>/descriptions/<d>             the editor: one field per framework element,
    POST                                            labelled and explained in the user's language
    GET  /tenders/<id>/descriptions/<d>/preview     as the learner will see it
    GET|POST /tenders/<id>/descriptions/<d>/remove  confirm, then remove

Only the tender's own organisation edits, while the tender can still be (re)submitted; the
descriptions are sealed like the tender (another organisation gets 404, an administrator 403
before the opening). Submitting the tender is its own step (transitions.py): the engine
refuses a tender whose description lacks a mandatory element and names the element; the
error summary of that refusal links each element to its field in the editor
(`link_to_descriptions`).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import MicroCredentialDescription, Submission

from ... import clock
from ...app import db
from ...errors import WorkflowError
from ...framework import framework
from ...framework.validation import missing_elements
from ...framework.validation import preview as preview_of
from ...guards import deadline_refusal
from ...permissions import can_edit_content
from ...pilots.descriptions import (MAX_DESCRIPTIONS, add_description, learner_preview,
                                    list_descriptions, remove_description, update_description)
from ...pilots.rules import descriptions_of
from ..helpers import ErrorSummary, parse_version, signed_in
from ..identity import actor
from ..locale import current_locale
from .blueprint import bp
from .common import description_of_or_404, own_tender_or_404, readable_tender_or_404
from .forms import (country_options, description_from_form, description_to_form,
                    element_labels)


def _submitted_shown(submission: Submission) -> bool:
    """After the deadline the submitted versions count (as list_descriptions shows them)."""
    return submission.call.deadline <= clock.now()


def _not_editable(submission: Submission, err: WorkflowError | None = None) -> tuple[str, int]:
    if err is None:
        err = deadline_refusal(submission.call, clock.now())
    message = err.message(current_locale()) if err else _("This can no longer be edited.")
    return render_template("errors/error.html", status=409, title=_("Not possible now"),
                           message=message), 409


@bp.get("/tenders/<int:submission_id>/descriptions")
@signed_in
def descriptions(submission_id: int) -> str:
    user = actor()
    submission = readable_tender_or_404(submission_id, user)
    rows = list_descriptions(db(), user, submission)
    locale = current_locale()
    items = []
    for number, description in enumerate(rows, start=1):
        fw = framework(description.framework_version)
        data = description.submitted_data if _submitted_shown(submission) else description.data
        items.append({"number": number, "description": description,
                      "title": (data or {}).get("title", ""),
                      "missing": [fw.element(k).label_in(locale) for k in missing_elements(data or {}, fw)]})
    can_edit = can_edit_content(user, submission)
    return render_template("pilots/descriptions.html", submission=submission, call=submission.call,
                           items=items, can_edit=can_edit,
                           can_add=can_edit and len(rows) < MAX_DESCRIPTIONS)


@bp.post("/tenders/<int:submission_id>/descriptions")
@signed_in
def add(submission_id: int) -> Response | tuple:
    user = actor()
    submission = own_tender_or_404(submission_id, user)
    try:
        description = add_description(db(), user, submission)
    except WorkflowError as err:
        db().rollback()
        if err.code in ("deadline_passed", "not_allowed"):
            return _not_editable(submission, err)
        flash(err.message(current_locale()), "error")
        return redirect(url_for("pilots.descriptions", submission_id=submission.id))
    db().commit()
    return redirect(url_for("pilots.edit_description", submission_id=submission.id,
                            description_id=description.id))


def link_to_descriptions(errors: ErrorSummary, submission: Submission) -> None:
    """A tender refused for its descriptions (details "descriptions.<number>.<element>", or
    "descriptions" when there is none): each entry of the error summary links to the element's
    field in that description's editor, labelled "Micro-credential <number>: <element>"; the
    missing descriptions link to the list, where one is added."""
    if not any(name.split(".")[0] == "descriptions" for name in errors.fields):
        return
    locale = current_locale()
    rows = descriptions_of(db(), submission.id)  # numbered as the engine numbered them
    listing = url_for("pilots.descriptions", submission_id=submission.id)
    for name in errors.fields:
        parts = name.split(".")
        if parts[0] != "descriptions":
            continue
        errors.links[name] = listing
        if len(parts) != 3 or not parts[1].isdigit() or not 0 < int(parts[1]) <= len(rows):
            errors.labels.setdefault(name, _("Micro-credential descriptions"))
            continue
        number, key = int(parts[1]), parts[2]
        description = rows[number - 1]
        element = element_labels(framework(description.framework_version), locale).get(key, key)
        errors.links[name] = url_for("pilots.edit_description", submission_id=submission.id,
                                     description_id=description.id, _anchor=f"field-{key}")
        errors.labels[name] = _("Micro-credential %(number)s", number=number) + f": {element}"


def _render_editor(submission: Submission, number: int, description: MicroCredentialDescription,
                   values: dict[str, str], errors: ErrorSummary, status: int = 200) -> tuple[str, int]:
    locale = current_locale()
    fw = framework(description.framework_version)
    units = [fw.workload_units[key] for key in fw.units_for(submission.organisation.kind)]
    missing = [fw.element(k).label_in(locale) for k in missing_elements(description.data, fw)]
    return render_template(
        "pilots/description_edit.html", submission=submission, call=submission.call,
        description=description, number=number, fw=fw, locale=locale,
        elements=fw.description_elements,
        certificate_elements=[e for e in fw.elements if not e.in_description],
        countries=country_options(fw.element("country_region"), locale), units=units,
        choices={e.key: [(v, e.choice_label(v, locale)) for v in e.choice_values()]
                 for e in fw.description_elements if e.type == "choice"},
        values=values, errors=errors, missing=missing), status


@bp.route("/tenders/<int:submission_id>/descriptions/<int:description_id>", methods=["GET", "POST"])
@signed_in
def edit_description(submission_id: int, description_id: int) -> Response | tuple:
    user = actor()
    submission = own_tender_or_404(submission_id, user)
    number, description = description_of_or_404(submission, description_id)
    fw = framework(description.framework_version)
    if request.method == "GET":
        if not can_edit_content(user, submission):
            return _not_editable(submission)
        return _render_editor(submission, number, description,
                              description_to_form(fw, description.data), ErrorSummary())

    try:
        update_description(db(), user, description, description_from_form(fw, request.form),
                           version=parse_version(request.form))
    except WorkflowError as err:
        db().rollback()
        if err.code in ("deadline_passed", "not_allowed"):
            return _not_editable(submission, err)
        errors = ErrorSummary.from_error(err, element_labels(fw, current_locale()))
        return _render_editor(submission, number, description, dict(request.form), errors,
                              errors.status)
    db().commit()
    if request.form.get("action") == "check":
        missing = missing_elements(description.data, fw)
        if missing:
            locale = current_locale()
            errors = ErrorSummary(message=_("The description has been saved, but these mandatory "
                                            "elements are empty."))
            for key in missing:
                errors.add(key, _("Required."), fw.element(key).label_in(locale))
            return _render_editor(submission, number, description,
                                  description_to_form(fw, description.data), errors, 422)
        flash(_("The description has been saved and has every mandatory element."), "success")
        return redirect(url_for("pilots.descriptions", submission_id=submission.id))
    flash(_("The description has been saved."), "success")
    return redirect(url_for("pilots.edit_description", submission_id=submission.id,
                            description_id=description.id))


@bp.get("/tenders/<int:submission_id>/descriptions/<int:description_id>/preview")
@signed_in
def preview(submission_id: int, description_id: int) -> str:
    user = actor()
    submission = readable_tender_or_404(submission_id, user)
    submitted = _submitted_shown(submission)
    number, description = description_of_or_404(submission, description_id, submitted=submitted)
    if submitted:
        # After the deadline the learner will get what was submitted, not a later draft.
        fw = framework(description.framework_version)
        language = (description.submitted_data or {}).get("language") or "fi"
        shown = preview_of(description.submitted_data or {}, fw, language)
    else:
        language = description.data.get("language") or "fi"
        shown = learner_preview(description, language)
    return render_template("pilots/description_preview.html", submission=submission,
                           call=submission.call, description=description, number=number,
                           preview=shown, language=language,
                           can_edit=can_edit_content(user, submission))


@bp.route("/tenders/<int:submission_id>/descriptions/<int:description_id>/remove",
          methods=["GET", "POST"])
@signed_in
def remove(submission_id: int, description_id: int) -> Response | tuple:
    user = actor()
    submission = own_tender_or_404(submission_id, user)
    number, description = description_of_or_404(submission, description_id)
    if not can_edit_content(user, submission):
        return _not_editable(submission)
    if request.method == "GET":
        return render_template("pilots/description_remove.html", submission=submission,
                               call=submission.call, description=description, number=number)
    try:
        remove_description(db(), user, description)
    except WorkflowError as err:
        db().rollback()
        return _not_editable(submission, err)
    db().commit()
    flash(_("The description has been removed."), "success")
    return redirect(url_for("pilots.descriptions", submission_id=submission.id))
