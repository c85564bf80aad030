"""Requirement checks of one submission: ESR eligibility, Jotpa suitability requirements and
exclusion grounds, each met or not met with a reason (`qualification.record_checks`), and the
decision they lead to (`qualification.decide_requirements`: `mark_eligible` /
`mark_ineligible`, `qualify` / `exclude`, the failed requirements and reasons as the comment).
"""
from __future__ import annotations

from collections.abc import Mapping

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Submission

from ...app import db
from ...engine import available_steps
from ...errors import WorkflowError
from ...evaluation import qualification
from ..helpers import ErrorSummary, load_submission_or_404
from ..identity import actor
from ..locale import current_locale
from ..timeline import state_label
from . import bp
from .common import submission_title

MAX_REASON = qualification.MAX_REASON
MAX_COMMENT = 10_000


def checkable(submission: Submission) -> bool:
    state, call_state = qualification.CHECKABLE[submission.kind]
    return submission.state == state and (call_state is None or submission.call.state == call_state)


def _page(submission: Submission, errors: ErrorSummary | None = None, status: int = 200,
          form: Mapping[str, str] | None = None):
    user = actor()
    result = qualification.outcome(db(), submission)
    return render_template(
        "evaluation/checks.html", submission=submission, call=submission.call,
        title=submission_title(user, submission),
        outcome=result, checkable=checkable(submission),
        steps=available_steps(user, submission, db()), errors=errors or ErrorSummary(),
        form=form or {}), status


@bp.get("/submissions/<int:submission_id>/checks")
def checks(submission_id: int):
    return _page(load_submission_or_404(submission_id, actor()))


@bp.post("/submissions/<int:submission_id>/checks")
def record(submission_id: int) -> Response | tuple:
    """Save the checks (action=save), or save them and decide (action=decide)."""
    user = actor()
    submission = load_submission_or_404(submission_id, user)
    requirements = qualification.requirements(db(), submission)
    locale = current_locale()
    labels = {f"criterion_{c.id}": c.label(locale) for c in requirements}
    errors = ErrorSummary()
    results = {}
    for c in requirements:
        answer = request.form.get(f"passed_{c.id}", "")
        reason = str(request.form.get(f"reason_{c.id}", ""))
        if answer in ("yes", "no"):
            results[c.id] = {"passed": answer == "yes", "reason": reason[:MAX_REASON + 1]}
        elif answer:
            errors.add(f"criterion_{c.id}", _("Choose met or not met."),
                       labels[f"criterion_{c.id}"])
        elif reason.strip():
            errors.add(f"criterion_{c.id}", _("Choose met or not met for the reason to be saved."),
                       labels[f"criterion_{c.id}"])
    deciding = request.form.get("action") == "decide"
    if not errors:
        try:
            if results:
                qualification.record_checks(db(), user, submission, results)
            if deciding:
                qualification.decide_requirements(
                    db(), user, submission,
                    comment=str(request.form.get("comment", ""))[:MAX_COMMENT])
        except WorkflowError as err:
            db().rollback()
            errors = ErrorSummary.from_error(err, labels)
    if errors:
        errors.message = errors.message or _("Check the requirements below.")
        return _page(submission, errors, errors.status, request.form)
    db().commit()
    if deciding:
        flash(_("The checks have been recorded and the submission is now: %(state)s.",
                state=state_label(submission)), "success")
    else:
        flash(_("The checks have been saved."), "success")
    return redirect(url_for("evaluation.checks", submission_id=submission.id))
