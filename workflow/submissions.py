"""Drafting submissions (ESR applications, Jotpa tenders). Submitting is the `submit` trigger."""
from __future__ import annotations

import dataclasses
import json
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy.orm as so

from models import Call, Submission, SubmissionVersion, User

from . import clock
from .definitions import WORKFLOWS
from .engine import record_event
from .errors import WorkflowError, not_allowed
from .evaluation.queries import counted_versions
from .guards import editing_refusal, submissions_refusal
from .i18n import N_
from .permissions import can_read_content, can_view_call, is_own_organisation

MAX_CONTENT_BYTES = 200_000


def create_draft(session: so.Session, actor: User, call: Call,
                 content: dict[str, Any] | None = None) -> Submission:
    """A new draft for the actor's organisation, while the call takes submissions."""
    if not (actor.has_role("applicant") and actor.organisation_id and actor.is_active
            and can_view_call(actor, call)):
        raise not_allowed()
    refusal = submissions_refusal(call, clock.now())
    if refusal:
        raise refusal
    initial = next(wf.initial for wf in WORKFLOWS.values()
                   if wf.model == "submission" and wf.kind == call.kind)
    now = clock.now()
    submission = Submission(call=call, kind=call.kind, organisation_id=actor.organisation_id,
                            created_by_id=actor.id, state=initial,
                            content=clean_content(call, content or {}),
                            created_at=now, updated_at=now)
    session.add(submission)
    session.flush()
    record_event(session, submission, "create", actor)
    return submission


def update_content(session: so.Session, actor: User, submission: Submission,
                   content: dict[str, Any], *, version: int | None = None) -> Submission:
    """Replace the working copy. What was submitted stays in its versions."""
    refusal = editing_refusal(actor, submission, clock.now(), version)
    if refusal:
        raise refusal
    submission.content = clean_content(submission.call, content)
    submission.updated_at = clock.now()
    session.flush()
    return submission


def clean_content(call: Call, content: dict[str, Any]) -> dict[str, Any]:
    """Keep the call's fields only, each as its type; refuse what does not fit."""
    if not isinstance(content, dict):
        raise WorkflowError("invalid_input", N_("Invalid value."))
    form = {f["name"]: f for f in call.form_fields}
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    for name, value in content.items():
        field = form.get(name)
        if field is None:
            errors[name] = N_("Unknown field.")
            continue
        if value is None or value == "":
            continue
        if field["type"] in ("number", "money"):
            try:
                number = Decimal(str(value).replace(",", ".").replace(" ", ""))
                if not number.is_finite() or number < 0:
                    raise ValueError
                # quantize refuses (InvalidOperation) a number too large for its precision.
                clean[name] = str(number.quantize(Decimal("0.01")) if field["type"] == "money"
                                  else number)
            except (InvalidOperation, ValueError):
                errors[name] = N_("Enter a number.")
                continue
        elif isinstance(value, str):
            clean[name] = value.replace("\r\n", "\n")
        else:
            errors[name] = N_("Invalid value.")
    if errors:
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."),
                            fields=", ".join(errors), details=errors)
    if len(json.dumps(clean, ensure_ascii=False).encode()) > MAX_CONTENT_BYTES:
        raise WorkflowError("invalid_input", N_("The content is too long."))
    return clean


@dataclasses.dataclass(frozen=True)
class Readable:
    """What a reader is shown of a submission. The own organisation sees its working copy;
    everyone else sees what was received: the last submitted version, the one that counts
    (DOMAIN §3), never edits made after it. `version` is None for the working copy, and for
    others when nothing has been submitted yet (then `content` and `attachments` are empty).
    `attachments` are manifest entries (id, filename, media_type, size, sha256)."""

    content: dict[str, Any]
    attachments: list[dict[str, Any]]
    version: SubmissionVersion | None
    working_copy: bool


def readable_copy(session: so.Session, reader: User | None, submission: Submission, *,
                  versions: dict[int, SubmissionVersion] | None = None) -> Readable | None:
    """None for whoever may not read the content (`permissions.can_read_content`).
    `versions`: `counted_versions` of a whole list, fetched once by the caller."""
    if not can_read_content(reader, submission):
        return None
    if is_own_organisation(reader, submission):
        # `attachments` is every file ever attached, in upload order (loaded with lists).
        files = [a.manifest_entry() for a in submission.attachments if a.removed_at is None]
        return Readable(submission.content, files, None, True)
    if versions is None:
        versions = counted_versions(session, [submission.id])
    version = versions.get(submission.id)
    if version is None:
        return Readable({}, [], None, False)
    return Readable(version.content, list(version.attachments or []), version, False)

