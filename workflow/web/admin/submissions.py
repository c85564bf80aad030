"""Submissions for administrators: a filtered, paged list across calls, and one submission
with its evaluators, its steps and its history.

A sealed tender (before the procurement opens its tenders) is listed and shown by its number,
organisation, state and receipt times only: `submissions.readable_copy` (which asks
`can_read_content`) is asked for every row and page, and nothing of the content (not even its
title) is put into the template otherwise. What is shown is the version received last, never
the applicant's later unsubmitted edits.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Call, Organisation, Submission, SubmissionVersion, User, UserRole

from ...app import db
from ...assignments import ASSIGNABLE, assign_evaluator
from ...definitions import WORKFLOWS
from ...engine import available_steps
from ...errors import WorkflowError
from ...evaluation.queries import counted_versions
from ...i18n import N_, translate
from ...permissions import is_sealed
from ...submissions import readable_copy
from ..helpers import ErrorSummary, label, load_submission_or_404
from ..identity import MAX_ID, actor
from ..locale import current_locale
from ..timeline import timeline
from . import bp
from .calls import _workflow_page
from .forms import Reader
from .steps import blocked_steps

PAGE_SIZE = 50
MAX_PAGE = 100_000
MAX_QUERY = 200


@dataclasses.dataclass
class Filters:
    call_id: int | None = None
    state: str = ""
    kind: str = ""
    organisation: str = ""
    organisation_id: int | None = None
    page: int = 1

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query string of this list, with some values changed (for links)."""
        values = {"call": self.call_id, "state": self.state, "kind": self.kind,
                  "organisation": self.organisation, "organisation_id": self.organisation_id,
                  "page": self.page, **changes}
        return {k: v for k, v in values.items()
                if v not in (None, "") and not (k == "page" and v == 1)}


def _id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_ID and len(raw) < 11 else None


def submission_states() -> dict[str, str]:
    """Every submission state of both kinds → its label(s), in workflow order."""
    states: dict[str, list[str]] = {}
    for wf in WORKFLOWS.values():
        if wf.model != "submission":
            continue
        for state in wf.states:
            text = label(wf.labels[state])
            if text not in states.setdefault(state, []):
                states[state].append(text)
    return {state: " / ".join(texts) for state, texts in states.items()}


def read_filters(args: Any) -> tuple[Filters, ErrorSummary]:
    errors = ErrorSummary(status=400)
    labels = {"call": _("Call"), "state": _("State"), "kind": _("Type"),
              "organisation": _("Organisation"), "page": _("Page")}
    f = Filters()
    for name, attr in (("call", "call_id"), ("organisation_id", "organisation_id")):
        raw = args.get(name, "")
        if raw:
            value = _id(raw)
            if value is None:
                errors.add(name, _("Choose one of the listed values."), labels.get(name, name))
            setattr(f, attr, value)
    f.state = args.get("state", "")
    if f.state and f.state not in submission_states():
        errors.add("state", _("Choose one of the listed values."), labels["state"])
        f.state = ""
    f.kind = args.get("kind", "")
    if f.kind and f.kind not in ("esr", "jotpa"):
        errors.add("kind", _("Choose one of the listed values."), labels["kind"])
        f.kind = ""
    reader = Reader(args, labels)
    f.organisation = reader.text("organisation", MAX_QUERY) or ""
    for name, message in reader.errors.fields.items():
        errors.add(name, message, labels.get(name, name))
    raw_page = args.get("page", "1") or "1"
    if raw_page.isdigit() and len(raw_page) < 7:
        f.page = min(max(int(raw_page), 1), MAX_PAGE)
    else:
        errors.add("page", _("Enter a whole number."), labels["page"])
    return f, errors


def _filtered(query: sa.Select, f: Filters) -> sa.Select:
    if f.call_id is not None:
        query = query.where(Submission.call_id == f.call_id)
    if f.state:
        query = query.where(Submission.state == f.state)
    if f.kind:
        query = query.where(Submission.kind == f.kind)
    if f.organisation_id is not None:
        query = query.where(Submission.organisation_id == f.organisation_id)
    if f.organisation:
        text = f.organisation.lower()
        query = query.where(sa.or_(sa.func.lower(Organisation.name).contains(text, autoescape=True),
                                   Organisation.business_id == f.organisation))
    return query


@dataclasses.dataclass(frozen=True)
class Row:
    submission: Submission
    readable: bool
    title: str


@bp.get("/submissions")
def submissions():
    """Three queries whatever the number of rows: the count, the page (with its call and
    organisation joined, its assignments in one more SELECT ... IN), and the calls to filter."""
    user = actor()
    f, errors = read_filters(request.args)
    base = sa.select(Submission).join(Organisation, Organisation.id == Submission.organisation_id)
    total = db().scalar(_filtered(sa.select(sa.func.count()).select_from(Submission)
                                  .join(Organisation, Organisation.id == Submission.organisation_id), f)) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    f.page = min(f.page, pages)
    page = db().scalars(
        _filtered(base, f).options(so.contains_eager(Submission.organisation),
                                   so.selectinload(Submission.assignments))
        .order_by(Submission.id.desc()).offset((f.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    rows = []
    received = counted_versions(db(), [s.id for s in page])  # titles as received, not drafts
    for s in page:
        copy = readable_copy(db(), user, s, versions=received)
        rows.append(Row(s, copy is not None, str(copy.content.get("title") or "") if copy else ""))
    calls = db().execute(sa.select(Call.id, Call.title, Call.kind)
                         .order_by(Call.deadline.desc(), Call.id)).all()
    status = errors.status if errors else 200
    # Words every row repeats, translated once (a page has 50 rows).
    locale = current_locale()
    words = {"esr": translate(N_("Application"), locale), "jotpa": translate(N_("Tender"), locale),
             "sealed": translate(N_("Sealed until the tenders are opened"), locale)}
    state_names = {wf.kind: {state: translate(text, locale) for state, text in wf.labels.items()}
                   for wf in WORKFLOWS.values() if wf.model == "submission"}
    return render_template("admin/submissions.html", rows=rows, filters=f, total=total,
                           pages=pages, calls=calls, states=submission_states(),
                           errors=errors, words=words, state_names=state_names), status


# One submission ----------------------------------------------------------------------------

def _evaluators() -> list[User]:
    return list(db().scalars(
        sa.select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "evaluator", User.is_active.is_(True))
        .order_by(User.name, User.id)))


def _submission_page(submission: Submission, errors: ErrorSummary | None = None,
                     form: Any = None, status: int = 200):
    user = actor()
    copy = readable_copy(db(), user, submission)
    versions = db().scalars(sa.select(SubmissionVersion)
                            .where(SubmissionVersion.submission_id == submission.id)
                            .order_by(SubmissionVersion.number.desc())).all()
    assignable = (submission.state in ASSIGNABLE[submission.kind] and not is_sealed(submission))
    assignments = sorted(submission.assignments, key=lambda a: a.assigned_at)
    return render_template(
        "admin/submission.html", submission=submission, call=submission.call,
        copy=copy, title=str(copy.content.get("title") or "") if copy else "",
        versions=versions, assignments=assignments, assignable=assignable,
        evaluators=_evaluators() if assignable else [],
        steps=available_steps(user, submission, db()), blocked=blocked_steps(user, submission),
        timeline=timeline(submission, user), errors=errors or ErrorSummary(),
        form=form or {}), status


@bp.get("/submissions/<int:submission_id>")
def submission(submission_id: int):
    return _submission_page(load_submission_or_404(submission_id, actor()))


@bp.post("/submissions/<int:submission_id>/evaluators")
def assign(submission_id: int) -> Response | tuple:
    user = actor()
    submission = load_submission_or_404(submission_id, user)
    labels = {"evaluator": _("Evaluator"), "due_at": _("Review due")}
    reader = Reader(request.form, labels)
    due_at = reader.instant("due_at")
    errors = reader.errors
    evaluator_id = _id(request.form.get("evaluator", ""))
    evaluator = db().get(User, evaluator_id) if evaluator_id else None
    if evaluator is None:
        errors.add("evaluator", _("Choose an evaluator from the list."), labels["evaluator"])
    if not errors:
        try:
            assign_evaluator(db(), user, submission, evaluator, due_at=due_at)
        except WorkflowError as err:
            db().rollback()
            errors = ErrorSummary.from_error(err, labels)
            if not errors.fields:
                errors.add("evaluator", errors.message, labels["evaluator"])
    if errors:
        return _submission_page(submission, errors, request.form, errors.status)
    db().commit()
    flash(_("%(name)s has been assigned as an evaluator.", name=evaluator.name), "success")
    return redirect(url_for("admin.submission", submission_id=submission.id) + "#evaluators")


@bp.get("/submissions/<int:submission_id>/workflow")
def submission_workflow(submission_id: int) -> str:
    submission = load_submission_or_404(submission_id, actor())
    name = label(N_("Application")) if submission.kind == "esr" else label(N_("Tender"))
    title = f"{name} #{submission.id} – {submission.organisation.name}"
    return _workflow_page(submission, title,
                          url_for("admin.submission", submission_id=submission.id))

