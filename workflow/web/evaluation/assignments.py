"""Evaluator assignments of a call: the automatic proposal (`proposals.propose_assignments`:
balanced load, never the submission's own organisation, never someone already assigned,
conflicted ones included, so that a declared conflict gets a replacement) and adjustments by
hand (`assignments.assign_evaluator`).

Accepting applies exactly the proposal that was shown: the form carries its pairs, and if
the proposal computed again differs (someone assigned or declared meanwhile), nothing is
applied and the new proposal is shown instead.
"""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Call, EvaluatorAssignment, Submission, User

from ...app import db
from ...assignments import assign_evaluator
from ...errors import WorkflowError
from ...evaluation import proposals
from ...evaluation import queries as q
from ..helpers import ErrorSummary, load_call_or_404, load_submission_or_404
from ..identity import MAX_ID, actor
from ..locale import current_locale
from . import bp
from .common import submission_titles

MAX_PAIRS = 5000


@dataclasses.dataclass(frozen=True)
class SubmissionRow:
    submission: Submission
    title: str
    assignments: list[EvaluatorAssignment]
    active: int
    candidates: list[User]
    proposed: list[proposals.Proposal]


def _pair(p: proposals.Proposal) -> str:
    return f"{p.submission.id}:{p.evaluator.id}"


def _page(call: Call, errors: ErrorSummary | None = None, status: int = 200,
          chosen: dict[str, str] | None = None):
    user = actor()
    session = db()
    pool = proposals.evaluator_pool(session)
    proposal = proposals.propose_assignments(session, user, call, evaluators=pool)
    submissions = proposals.assignable_submissions(session, call)
    # Evaluators assigned earlier may have left the pool: load them at once for their names.
    known = {u.id for u in pool}
    others = {a.evaluator_id for s in submissions for a in s.assignments} - known
    if others:
        session.scalars(sa.select(User).where(User.id.in_(others))).all()
    load = proposals.loads(session, call, [u.id for u in pool])
    titles = submission_titles(user, submissions)
    rows = []
    for s in submissions:
        assigned = {a.evaluator_id for a in s.assignments}
        rows.append(SubmissionRow(
            submission=s, title=titles[s.id],
            assignments=sorted(s.assignments, key=lambda a: a.id),
            active=len(q.active_assignments(s)),
            candidates=[u for u in pool if u.id not in assigned and (
                u.organisation_id is None or u.organisation_id != s.organisation_id)],
            proposed=[p for p in proposal if p.submission.id == s.id]))
    sealed = call.kind == "jotpa" and call.tenders_opened_at is None
    return render_template(
        "evaluation/assignments.html", call=call, rows=rows, proposal=proposal,
        pairs=[_pair(p) for p in proposal], pool=pool, load=load, sealed=sealed,
        per_submission=q.settings_of(session, call.id).min_evaluators,
        errors=errors or ErrorSummary(), chosen=chosen or {}), status


@bp.get("/calls/<int:call_id>/assignments")
def assignments(call_id: int):
    return _page(load_call_or_404(call_id, actor()))


@bp.post("/calls/<int:call_id>/assignments/proposal")
def accept_proposal(call_id: int) -> Response | tuple:
    user = actor()
    call = load_call_or_404(call_id, user)
    posted = sorted(str(p)[:40] for p in request.form.getlist("pair")[:MAX_PAIRS])
    current = proposals.propose_assignments(db(), user, call,
                                            evaluators=proposals.evaluator_pool(db()))
    if not posted or sorted(_pair(p) for p in current) != posted:
        errors = ErrorSummary(message=_("The proposal has changed since the page was loaded. "
                                        "Check the new proposal and accept it again."),
                              status=409)
        return _page(call, errors, 409)
    try:
        made = proposals.apply_proposals(db(), user, current)
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err)
        return _page(call, errors, errors.status)
    db().commit()
    flash(_("Evaluators assigned as proposed: %(count)s assignments.", count=len(made)),
          "success")
    return redirect(url_for("evaluation.assignments", call_id=call.id))


@bp.post("/submissions/<int:submission_id>/evaluators")
def assign(submission_id: int) -> Response | tuple:
    user = actor()
    submission = load_submission_or_404(submission_id, user)
    name = f"evaluator_{submission.id}"
    label = _("Evaluator for submission %(number)s", number=submission.id)
    raw = str(request.form.get("evaluator_id", "")).strip()
    known = raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID
    evaluator = db().get(User, int(raw)) if known else None
    errors = ErrorSummary()
    if evaluator is None:
        errors.add(name, _("Choose an evaluator."), label)
    else:
        try:
            assign_evaluator(db(), user, submission, evaluator)
        except WorkflowError as err:
            db().rollback()
            errors = ErrorSummary(status=err.http_status)
            errors.add(name, err.message(current_locale()), label)
    if errors:
        return _page(submission.call, errors, errors.status, chosen={name: raw})
    db().commit()
    flash(_("%(name)s has been assigned to submission %(number)s.", name=evaluator.name,
            number=submission.id), "success")
    return redirect(url_for("evaluation.assignments", call_id=submission.call_id)
                    + f"#submission-{submission.id}")
