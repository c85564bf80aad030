"""Every representation the API sends, in one place (their schemas: openapi.py).

Instants go out as ISO 8601 in Helsinki time with its offset, to the second:
2024-06-03T16:15:00+03:00 (DOMAIN §6: deadlines are Helsinki wall-clock times). Dates
(the standstill's last day) are Helsinki dates, 2024-06-24. Money is a string with two
decimals, "250000.00", so that no client rounds it through a float.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy.orm as so

from models import (Attachment, AuditEntry, Call, InfoEvent, Organisation, Submission,
                    SubmissionVersion, User)

from ...definitions import workflow_for
from ...i18n import translate
from ...permissions import is_sealed
from ...spec import Step
from ...submissions import readable_copy
from ...timeutil import helsinki


def instant(value: dt.datetime | None) -> str | None:
    return None if value is None else helsinki(value).isoformat(timespec="seconds")


def day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def state_label(obj: Call | Submission, state: str, locale: str) -> str:
    label = workflow_for(obj).labels.get(state)
    return translate(label, locale) if label else state


def call_json(call: Call, locale: str) -> dict[str, Any]:
    out = {
        "id": call.id, "kind": call.kind, "state": call.state,
        "state_label": state_label(call, call.state, locale), "version": call.version,
        "title": call.title, "description": call.description,
        "opens_at": instant(call.opens_at), "deadline": instant(call.deadline),
        "questions_until": instant(call.questions_until), "budget": money(call.budget),
        "form_fields": call.form_fields,
        "info_events": [info_event_json(e) for e in call.info_events],
        "created_at": instant(call.created_at),
    }
    if call.kind == "jotpa":
        out.update({
            "hilma_notice_id": call.hilma_notice_id or None,
            "tenders_opened_at": instant(call.tenders_opened_at),
            "decision_delivered_at": instant(call.decision_delivered_at),
            "standstill_last_day": day(call.standstill_last_day),
            "contract_signed_at": instant(call.contract_signed_at),
        })
    return out


def info_event_json(event: InfoEvent) -> dict[str, Any]:
    return {"id": event.id, "title": event.title, "starts_at": instant(event.starts_at),
            "ends_at": instant(event.ends_at), "location": event.location}


def receipt_json(submission: Submission) -> dict[str, Any] | None:
    """The receipt of the version that counts: the server's instant and the content's SHA-256."""
    if submission.submitted_at is None:
        return None
    return {"received_at": instant(submission.submitted_at), "sha256": submission.content_sha256}


def submission_json(submission: Submission, actor: User | None, locale: str, *,
                    versions: dict[int, SubmissionVersion] | None = None) -> dict[str, Any]:
    """`content` and `attachments` only for those who may read it: a sealed tender's content
    reaches nobody but its own organisation, administrators included; they see that it exists
    and its state."""
    out: dict[str, Any] = {
        "id": submission.id, "kind": submission.kind, "call_id": submission.call_id,
        "state": submission.state,
        "state_label": state_label(submission, submission.state, locale),
        "version": submission.version,
        "organisation": organisation_json(submission.organisation),
        "sealed": is_sealed(submission),
        "created_at": instant(submission.created_at), "updated_at": instant(submission.updated_at),
        "receipt": receipt_json(submission),
        "completion_due_at": instant(submission.completion_due_at),
        "granted_amount": money(submission.granted_amount),
    }
    copy = readable_copy(so.object_session(submission), actor, submission, versions=versions)
    if copy is not None:
        # The own organisation: its working copy; others: the version received last.
        # File names are content too.
        out["content"] = copy.content
        files = {a.id: a for a in submission.attachments}  # every file, loaded with it
        out["attachments"] = [attachment_json(files[entry["id"]], working_copy=copy.working_copy)
                              for entry in copy.attachments if entry["id"] in files]
    return out


def attachment_json(attachment: Attachment, *, working_copy: bool = True) -> dict[str, Any]:
    """`working_copy`: shown to the own organisation, which alone learns when a file was taken
    out of its working copy."""
    return {"id": attachment.id, "filename": attachment.filename,
            "media_type": attachment.media_type, "size": attachment.size,
            "sha256": attachment.sha256, "uploaded_at": instant(attachment.uploaded_at),
            "removed_at": instant(attachment.removed_at) if working_copy else None}


def organisation_json(organisation: Organisation) -> dict[str, Any]:
    return {"id": organisation.id, "name": organisation.name,
            "business_id": organisation.business_id}


def step_json(obj: Call | Submission, step: Step, locale: str) -> dict[str, Any]:
    return {"trigger": step.trigger, "label": translate(step.label, locale),
            "to_state": step.dest, "to_state_label": state_label(obj, step.dest, locale),
            "needs_comment": step.needs_comment,
            "inputs": [{"name": i.name, "label": translate(i.label, locale)} for i in step.inputs]}


def audit_json(entry: AuditEntry) -> dict[str, Any]:
    return {"id": entry.id, "at": instant(entry.at), "trigger": entry.trigger,
            "from_state": entry.from_state, "to_state": entry.to_state,
            "actor": None if entry.actor is None else {"id": entry.actor.id,
                                                       "name": entry.actor.name},
            "comment": entry.comment, "content_sha256": entry.content_sha256,
            "data": entry.data or {}}


def user_json(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "name": user.name, "locale": user.locale,
            "roles": sorted(user.roles),
            "organisation": None if user.organisation is None
            else organisation_json(user.organisation)}


def token_json(token: str, expires_at: dt.datetime) -> dict[str, Any]:
    return {"token": token, "token_type": "Bearer", "expires_at": instant(expires_at)}
