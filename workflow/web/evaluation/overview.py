"""A call's evaluation at a glance, for administrators: every submission that has been
submitted with its requirement checks, reviews and decision, whether each decision mail was
sent (the standstill counts from it), and links to the work on each.
A fixed number of queries, whatever the number of submissions."""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import Call, Submission

from ...app import db
from ...engine import available_steps
from ...evaluation import criteria as criteria_service
from ...evaluation import decisions
from ...evaluation import queries as q
from ...evaluation.qualification import CHECK_KINDS
from ...errors import WorkflowError
from ...permissions import can_read_content
from ...timeutil import parse_instant
from ... import outbox
from ..helpers import load_call_or_404, load_submission_or_404
from ..identity import actor
from ..locale import current_locale
from . import bp
from .common import submission_titles
from .documents import decision_available

# Not yet (or never) part of the evaluation.
NOT_SUBMITTED = ("draft", "withdrawn")


@dataclasses.dataclass(frozen=True)
class Line:
    submission: Submission
    title: str
    sealed: bool
    met: int
    failed: int
    unchecked: int
    active: int
    submitted: int
    reviews_problem: str | None
    decision: bool


@bp.get("/calls/<int:call_id>")
def overview(call_id: int):
    user = actor()
    call: Call = load_call_or_404(call_id, user)
    session = db()
    submissions = list(session.scalars(
        sa.select(Submission).options(so.selectinload(Submission.assignments))
        .where(Submission.call_id == call.id, Submission.state.not_in(NOT_SUBMITTED))
        .order_by(Submission.id)))
    criteria = q.criteria_of(session, call.id)
    requirement_ids = [c.id for c in criteria if c.kind in CHECK_KINDS[call.kind]]
    checks = q.checks_by_submission(session, [s.id for s in submissions])
    problems = q.reviews_problems(session, submissions) if submissions else {}
    titles = submission_titles(user, submissions)
    lines = []
    for s in submissions:
        found = [checks[s.id][cid] for cid in requirement_ids if cid in checks[s.id]]
        active = q.active_assignments(s)
        readable = can_read_content(user, s)
        lines.append(Line(
            submission=s, title=titles[s.id], sealed=not readable,
            met=sum(1 for c in found if c.passed), failed=sum(1 for c in found if not c.passed),
            unchecked=len(requirement_ids) - len(found), active=len(active),
            submitted=sum(1 for a in active if a.completed_at is not None),
            reviews_problem=problems.get(s.id), decision=decision_available(s)))
    return render_template(
        "evaluation/overview.html", call=call, lines=lines,
        criteria_count=len(criteria), criteria_problems=criteria_service.problems(session, call),
        min_evaluators=q.settings_of(session, call.id).min_evaluators,
        decision_mails=outbox.decision_mails(session, submissions),
        standstill=decisions.standstill(session, call) if call.kind == "jotpa" else None,
        steps=available_steps(user, call, session))


@bp.post("/submissions/<int:submission_id>/served")
def served_otherwise(submission_id: int):
    """An administrator records that a bidder was served the decision by other means
    (decisions.record_served_otherwise); back to the overview, with the outcome."""
    user = actor()  # an administrator: the blueprint checks
    submission = load_submission_or_404(submission_id, user)
    back = url_for("evaluation.overview", call_id=submission.call_id,
                   _anchor=f"submission-{submission.id}")
    try:
        served_at = parse_instant(request.form.get("served_at", ""))
    except ValueError:
        served_at = None
    try:
        decisions.record_served_otherwise(db(), user, submission, served_at,
                                          request.form.get("how", ""))
    except WorkflowError as err:
        db().rollback()
        problems = "; ".join(str(v) for v in (err.details or {}).values())
        flash(problems or err.message(current_locale()), "error")
        return redirect(back)
    db().commit()
    flash(_("The delivery by other means has been recorded."), "success")
    return redirect(back)
