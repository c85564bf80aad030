"""What every HTML view (applicant, evaluator, admin) needs: load an object for a user or
refuse, check a role, fire a trigger from a posted form, and show errors in a summary.

A view reads load → check → act → respond:

    @bp.post("/submissions/<int:submission_id>/edit")
    @role_required("applicant")
    def edit(submission_id):
        submission = load_submission_or_404(submission_id, actor(), content=True)
        ...service call...; db().commit(); return redirect(...)

See workflow/web/README.md.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort, current_app, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from models import AuditEntry, Call, EvaluatorAssignment, Submission, User

from ..app import db
from ..definitions import workflow_for
from ..engine import fire
from ..errors import WorkflowError
from ..i18n import N_, Msg, translate
from ..permissions import can_read_content, can_view_call, can_view_submission
from ..spec import Step, future_instant
from .extensions import login_manager
from .identity import MAX_ID, actor
from .locale import current_locale
from .security import safe_next

F = TypeVar("F", bound=Callable[..., Any])

# Short codes some services put into WorkflowError.details, as sentences for people.
DETAIL_CODES = {"required": N_("Required."), "in_past": N_("The date must be in the future.")}


# Loading with per-object permission checks ----------------------------------------------------

def _get(model: type, object_id: int) -> Any:
    if not 0 < object_id <= MAX_ID:
        abort(404)
    return db().get(model, object_id)


def load_call_or_404(call_id: int, user: User | None) -> Call:
    """The call, or 404 if it does not exist or is not public yet (for non-admins)."""
    call = _get(Call, call_id)
    if call is None or not can_view_call(user, call):
        abort(404)
    return call


def load_submission_or_404(submission_id: int, user: User | None, *,
                           content: bool = False) -> Submission:
    """The submission, or 404 if the user may not know it exists (another organisation,
    not assigned, anonymous). With `content=True` also 403 when the user knows it but may
    not read what was written (a sealed tender, an evaluator who has not declared)."""
    submission = _get(Submission, submission_id)
    if submission is None or not can_view_submission(user, submission):
        abort(404)
    if content and not can_read_content(user, submission):
        abort(403)
    return submission


def load_assignment_or_404(assignment_id: int, user: User | None) -> EvaluatorAssignment:
    """One of the user's own evaluator assignments; anybody else's is 404."""
    assignment = _get(EvaluatorAssignment, assignment_id)
    if assignment is None or user is None or assignment.evaluator_id != user.id:
        abort(404)
    return assignment


# Roles -------------------------------------------------------------------------------------

def role_required(*roles: str) -> Callable[[F], F]:
    """Anonymous → the sign-in page (with `next`); signed in without any of `roles` → 403."""
    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = actor()
            if user is None:
                return login_manager.unauthorized()
            if roles and not any(user.has_role(r) for r in roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped  # type: ignore[return-value]
    return decorator


admins_only = role_required("admin")
signed_in = role_required()


# Errors shown in a summary -------------------------------------------------------------------

@dataclass
class ErrorSummary:
    """What the error summary at the top of a form shows: a message, and per field a message
    that links to the field (`#field-<name>`, or `links[name]` when the field is on another
    page). Render with the `error_summary` macro of templates/shared/forms.html; fields ask
    `errors.for_field(name)`."""

    message: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    status: int = 422
    links: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.message or self.fields)

    def for_field(self, name: str) -> str:
        return self.fields.get(name, "")

    def add(self, name: str, message: str, label: str = "") -> None:
        self.fields[name] = message
        if label:
            self.labels[name] = label

    @classmethod
    def from_error(cls, err: WorkflowError, labels: Mapping[str, str] | None = None) -> ErrorSummary:
        locale = current_locale()
        fields = {}
        for name, detail in (err.details or {}).items():
            text = DETAIL_CODES.get(detail, detail) if isinstance(detail, str) else str(detail)
            fields[str(name)] = translate(text, locale)
        labels = dict(labels or {})
        message = err.message(locale)
        if "fields" in err.params and fields:
            # "Check these fields: budget_total" → the fields' labels, as people know them.
            names = ", ".join(labels.get(name, name) for name in fields)
            message = translate(err.msgid, locale, **{**err.params, "fields": names})
        return cls(message=message, fields=fields, labels=labels, status=err.http_status)


def parse_version(form: Mapping[str, str]) -> int | None:
    """The object version the form was rendered with; None if absent. A malformed one is
    treated as stale, so the user reloads instead of overwriting someone's change."""
    raw = form.get("version")
    if raw is None or raw == "":
        return None
    return int(raw) if raw.isdigit() and len(raw) < 10 else -1


# Firing a trigger from a form ------------------------------------------------------------

def step_of(obj: Call | Submission, trigger: str) -> Step | None:
    return workflow_for(obj).step_for(trigger, obj.state)


def input_type(step_input: Any) -> str:
    """The HTML input type for a step's input."""
    return "datetime-local" if step_input.parse is future_instant else "text"


def fire_from_form(obj: Call | Submission, user: User | None,
                   form: Mapping[str, str] | MultiDict) -> tuple[AuditEntry | None, ErrorSummary | None]:
    """Fire `form["trigger"]` on `obj` with the form's comment, version and the step's inputs.

    On success commits the request's session and returns (audit entry, None); on refusal rolls
    back and returns (None, ErrorSummary) with err.message(locale) and per-field messages.
    """
    trigger = str(form.get("trigger", ""))[:60]
    step = step_of(obj, trigger)
    data = {inp.name: form.get(inp.name) for inp in step.inputs} if step else {}
    try:
        entry = fire(db(), obj, trigger, user, comment=str(form.get("comment", "")),
                     version=parse_version(form), data=data)
        db().commit()
        return entry, None
    except WorkflowError as err:
        db().rollback()
        labels = {"comment": _("Comment")}
        if step:
            labels.update({inp.name: translate(inp.label, current_locale()) for inp in step.inputs})
        if isinstance(obj, Submission):  # "fill in the required fields first": the form's
            labels.update({f["name"]: field_label(f) for f in obj.call.form_fields})
        return None, ErrorSummary.from_error(err, labels)


def link_to_form(errors: ErrorSummary, submission: Submission) -> None:
    """The content's fields are edited on the edit page, not on the page that submits: each
    of them in the error summary links to its field there."""
    for name in errors.fields:
        if any(f["name"] == name for f in submission.call.form_fields):
            errors.links.setdefault(name, url_for("applicant.edit", submission_id=submission.id,
                                                  _anchor=f"field-{name}"))


def label(msg: Msg | str) -> str:
    """A declared (N_) message in the request's language."""
    return translate(msg, current_locale())


def field_label(form_field: Mapping[str, Any]) -> str:
    """A call form field's label ({"fi", "sv", "en"}) in the request's language."""
    labels = form_field.get("label") or {}
    return labels.get(current_locale()) or labels.get("fi") or str(form_field.get("name", ""))


# Where an object is shown ------------------------------------------------------------------

def submission_page(submission: Submission, user: User | None) -> str:
    """The page on which this user works with the submission."""
    from ..permissions import assignment_of, is_own_organisation

    if is_own_organisation(user, submission):
        return url_for("applicant.submission", submission_id=submission.id)
    assignment = assignment_of(user, submission)
    if assignment is not None:
        return url_for("evaluator.assignment", assignment_id=assignment.id)
    if "admin.submission" in current_app.view_functions:
        return url_for("admin.submission", submission_id=submission.id)
    return url_for("public.index")


def call_page(call: Call, user: User | None) -> str:
    from ..permissions import is_admin

    if is_admin(user) and "admin.call" in current_app.view_functions:
        return url_for("admin.call", call_id=call.id)
    return url_for("public.call", call_id=call.id)


def object_page(obj: Call | Submission, user: User | None) -> str:
    return call_page(obj, user) if isinstance(obj, Call) else submission_page(obj, user)


def return_to(form: Mapping[str, str], default: str) -> str:
    """The form's `return_to` if it is a path on this site, else `default`."""
    return safe_next(form.get("return_to")) or default


def latest_history_comment(obj: Call | Submission, trigger: str) -> AuditEntry | None:
    """The newest audit entry of one trigger, e.g. the administrator's completion request."""
    return db().scalar(sa.select(AuditEntry).where(
        AuditEntry.object_type == obj.object_type, AuditEntry.object_id == obj.id,
        AuditEntry.trigger == trigger).order_by(AuditEntry.id.desc()).limit(1))
