"""The micro-credential descriptions of a Jotpa tender: the editor's services.

A tender may describe several micro-credentials. Its own organisation edits them while the
tender can still be (re)submitted (`permissions.can_edit_content`: draft or submitted, before
the deadline); like the tender's content they are sealed until the tenders are opened.
Saving checks each value against its element (type, allowed values, workload range); the
tender's `submit` step checks that every mandatory element is there (`guards.descriptions_complete`).
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import MicroCredentialDescription, Submission, User

from .. import clock
from ..engine import record_event
from ..errors import WorkflowError, conflict, not_allowed
from ..framework import CURRENT_VERSION, framework
from ..framework.validation import clean_description, missing_elements, preview
from ..i18n import N_
from ..permissions import can_edit_content, can_read_content
from .rules import descriptions_of

MAX_DESCRIPTIONS = 10


def _not_found() -> WorkflowError:
    return WorkflowError("not_found", N_("Not found."))


def list_descriptions(session: so.Session, actor: User | None,
                      submission: Submission) -> list[MicroCredentialDescription]:
    """The working copies, for whoever may read the tender's content (sealed until opened);
    after the deadline, what was submitted."""
    if not can_read_content(actor, submission):
        raise not_allowed()
    return descriptions_of(session, submission.id,
                           submitted=submission.call.deadline <= clock.now())


def add_description(session: so.Session, actor: User, submission: Submission,
                    data: dict[str, Any] | None = None) -> MicroCredentialDescription:
    """A new description, prefilled with the bidder's organisation as the awarding body in
    Finland, in Finnish (the defaults a Finnish provider would type)."""
    if submission.kind != "jotpa":
        raise WorkflowError("invalid_input", N_("Only Jotpa tenders describe micro-credentials."))
    _check_editable(actor, submission)
    existing = session.scalars(sa.select(MicroCredentialDescription.position).where(
        MicroCredentialDescription.submission_id == submission.id)).all()
    active = descriptions_of(session, submission.id)
    if len(active) >= MAX_DESCRIPTIONS:
        raise WorkflowError("invalid_input",
                            N_("A tender can describe at most %(n)s micro-credentials."),
                            n=MAX_DESCRIPTIONS)
    fw = framework(CURRENT_VERSION)
    defaults = {"awarding_body": submission.organisation.name,
                "country_region": {"country": "FI"}, "language": "fi"}
    values = clean_description({**defaults, **(data or {})}, fw, submission.organisation.kind)
    now = clock.now()
    description = MicroCredentialDescription(
        submission=submission, position=max(existing, default=0) + 1,
        framework_version=fw.version, data=values, created_at=now, updated_at=now)
    session.add(description)
    session.flush()
    record_event(session, submission, "description_added", actor,
                 data={"description_id": description.id})
    return description


def update_description(session: so.Session, actor: User, description: MicroCredentialDescription,
                       data: dict[str, Any], *, version: int | None = None) -> MicroCredentialDescription:
    """Replace the working copy (the whole description, as an editor form sends it)."""
    submission = description.submission
    _check_editable(actor, submission)
    if description.removed_at is not None:
        raise _not_found()
    if version is not None and version != description.version:
        raise conflict()
    fw = framework(description.framework_version)
    description.data = clean_description(data, fw, submission.organisation.kind)
    description.updated_at = clock.now()
    session.flush()
    record_event(session, submission, "description_edited", actor,
                 data={"description_id": description.id})
    return description


def remove_description(session: so.Session, actor: User,
                       description: MicroCredentialDescription) -> None:
    """Drop a description from the tender. One that was already submitted stays on record
    (the submitted tender includes it) until the tender is submitted again."""
    submission = description.submission
    _check_editable(actor, submission)
    if description.submitted_data is None:
        session.delete(description)
    else:
        description.removed_at = clock.now()
    session.flush()
    record_event(session, submission, "description_removed", actor,
                 data={"description_id": description.id})


def _check_editable(actor: User, submission: Submission) -> None:
    if not can_edit_content(actor, submission):
        if can_read_content(actor, submission) and submission.state in ("draft", "submitted"):
            raise WorkflowError("deadline_passed", N_("The deadline has passed: this can no longer be edited."))
        raise not_allowed()


def description_json(description: MicroCredentialDescription, locale: str = "fi") -> dict[str, Any]:
    """For the editor and the API: the values, what is still missing, the learner's view."""
    fw = framework(description.framework_version)
    return {"id": description.id, "submission_id": description.submission_id,
            "position": description.position, "framework_version": description.framework_version,
            "version": description.version, "data": description.data,
            "submitted_data": description.submitted_data,
            "submitted_at": description.submitted_at.isoformat() if description.submitted_at else None,
            "missing": missing_elements(description.data, fw),
            "preview": preview(description.data, fw, locale)}


def learner_preview(description: MicroCredentialDescription, locale: str = "fi") -> dict[str, Any]:
    """The description as the learner will see it (the working copy while it is edited)."""
    return preview(description.data, framework(description.framework_version), locale)
