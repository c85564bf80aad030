"""Domain errors: a stable code for programs, a message for people in their language."""
from __future__ import annotations

from typing import Any

from .i18n import N_, translate

# code → HTTP status, for the web and API layers.
HTTP_STATUS = {
    "invalid_input": 422,
    "content_missing": 422,
    "comment_required": 422,
    "not_found": 404,
    "not_allowed": 403,
    "invalid_transition": 409,
    "deadline_passed": 409,
    "not_open": 409,
    "too_early": 409,
    "standstill_not_over": 409,
    "decision_not_delivered": 409,
    "evaluations_incomplete": 409,
    "conflict": 409,
    "sealed": 409,
    # Attachments (workflow/attachments.py)
    "file_too_large": 413,
    "too_many_attachments": 422,
    "attachments_too_large": 422,
    "upload_allowance_used": 422,
    "file_type_not_accepted": 422,
    "file_type_mismatch": 422,
    "attachment_unavailable": 410,
}


class WorkflowError(Exception):
    """A refusal. Nothing was changed (the caller rolls back if it had flushed)."""

    def __init__(self, code: str, message: str, *, details: dict[str, Any] | None = None,
                 **params: Any) -> None:
        super().__init__(f"{code}: {message % params if params else message}")
        self.code = code
        self.msgid = message
        self.params = params
        self.details = details or {}

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 400)

    def message(self, locale: str = "en") -> str:
        return translate(self.msgid, locale, **self.params)


def invalid_transition(trigger: str, state: str) -> WorkflowError:
    return WorkflowError("invalid_transition",
                         N_("“%(trigger)s” is not possible in the state “%(state)s”."),
                         trigger=trigger, state=state)


def not_allowed() -> WorkflowError:
    return WorkflowError("not_allowed", N_("You are not allowed to do this."))


def conflict() -> WorkflowError:
    return WorkflowError("conflict", N_("Someone else changed this in the meantime. "
                                        "Reload it and try again."))
