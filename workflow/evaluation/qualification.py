"""Pass/fail checks with reasons (issue 5 §5, §6): ESR eligibility per eligibility criterion,
Jotpa qualification per suitability requirement and exclusion ground. An administrator
records each check; `decide_requirements` then fires the matching trigger — `mark_eligible`
or `mark_ineligible` (ESR), `qualify` or `exclude` (Jotpa) — with the failed requirements and
their reasons as the step's comment. The guard `checks_not_failed` refuses the positive
trigger while a recorded check has failed, whoever fires it.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import sqlalchemy.orm as so

from models import AuditEntry, Criterion, RequirementCheck, Submission, User

from .. import clock
from ..engine import fire, record_event
from ..errors import WorkflowError, not_allowed
from ..i18n import N_
from ..permissions import is_admin, is_own_organisation
from . import queries as q

CHECK_KINDS = {"esr": ("eligibility",), "jotpa": ("suitability", "exclusion")}
# The submission's state and its call's state in which checks are recorded.
CHECKABLE = {"esr": ("eligibility_check", None), "jotpa": ("opened", "qualification")}
TRIGGERS = {"esr": ("mark_eligible", "mark_ineligible"), "jotpa": ("qualify", "exclude")}
MAX_REASON = 10_000


@dataclasses.dataclass(frozen=True)
class CheckOutcome:
    criteria: list[Criterion]
    checks: dict[int, RequirementCheck]

    @property
    def unchecked(self) -> list[Criterion]:
        return [c for c in self.criteria if c.id not in self.checks]

    @property
    def failed(self) -> list[tuple[Criterion, RequirementCheck]]:
        return [(c, self.checks[c.id]) for c in self.criteria
                if c.id in self.checks and not self.checks[c.id].passed]

    @property
    def passed(self) -> bool | None:
        """True: every requirement met; False: one failed; None: not all checked yet."""
        if self.failed:
            return False
        return None if self.unchecked else True


def requirements(session: so.Session, submission: Submission) -> list[Criterion]:
    return [c for c in q.criteria_of(session, submission.call_id)
            if c.kind in CHECK_KINDS[submission.kind]]


def outcome(session: so.Session, submission: Submission) -> CheckOutcome:
    return CheckOutcome(requirements(session, submission),
                        q.checks_by_submission(session, [submission.id])[submission.id])


def _checkable(actor: User, submission: Submission) -> None:
    if not is_admin(actor):
        raise not_allowed()
    state, call_state = CHECKABLE[submission.kind]
    if submission.state != state or (call_state and submission.call.state != call_state):
        raise WorkflowError("invalid_transition",
                            N_("Requirements cannot be checked at this stage."))


def record_checks(session: so.Session, actor: User, submission: Submission,
                  results: Mapping[Any, Mapping[str, Any]]) -> CheckOutcome:
    """Record pass/fail per requirement: {criterion id: {"passed": bool, "reason": str}}. A
    failed requirement needs its reason. Recording again replaces the earlier result."""
    _checkable(actor, submission)
    criteria = {c.id: c for c in requirements(session, submission)}
    existing = q.checks_by_submission(session, [submission.id])[submission.id]
    errors: dict[str, Any] = {}
    parsed: dict[int, tuple[bool, str]] = {}
    for key, item in (results.items() if isinstance(results, Mapping) else ()):
        field = f"criterion_{key}"
        try:
            criterion = criteria.get(int(key))
        except (TypeError, ValueError):
            criterion = None
        if criterion is None or not isinstance(item, Mapping):
            errors[field] = N_("Unknown criterion.")
            continue
        passed, reason = item.get("passed"), item.get("reason") or ""
        if not isinstance(passed, bool) or not isinstance(reason, str) or len(reason) > MAX_REASON:
            errors[field] = N_("Invalid value.")
        elif not passed and not reason.strip():
            errors[field] = N_("Write the reason.")
        else:
            parsed[criterion.id] = (passed, reason.strip())
    if errors or not isinstance(results, Mapping):
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."),
                            fields=", ".join(errors) or "results", details=errors)
    now = clock.now()
    for criterion_id, (passed, reason) in parsed.items():
        row = existing.get(criterion_id)
        if row is None:
            row = RequirementCheck(submission_id=submission.id, criterion_id=criterion_id)
            session.add(row)
        row.passed, row.reason, row.checked_by_id, row.checked_at = passed, reason, actor.id, now
        session.flush()
        record_event(session, submission, "check_requirement", actor, comment=reason,
                     data={"criterion_id": criterion_id, "passed": passed})
    return outcome(session, submission)


def decide_requirements(session: so.Session, actor: User, submission: Submission, *,
                        comment: str = "") -> AuditEntry:
    """Fire the eligibility or qualification outcome from the recorded checks: all met →
    `mark_eligible` / `qualify`; one failed → `mark_ineligible` / `exclude`, its comment
    listing each failed requirement with its reason (in the actor's language)."""
    _checkable(actor, submission)
    result = outcome(session, submission)
    if result.passed is None:
        raise WorkflowError("invalid_transition",
                            N_("Check every requirement first: %(count)s unchecked."),
                            count=len(result.unchecked))
    positive, negative = TRIGGERS[submission.kind]
    if result.passed:
        return fire(session, submission, positive, actor, comment=comment)
    reasons = "\n".join(f"{c.label(actor.locale)}: {check.reason}" for c, check in result.failed)
    text = f"{comment.strip()}\n{reasons}".strip()
    return fire(session, submission, negative, actor, comment=text)


def checks_view(session: so.Session, viewer: User, submission: Submission
                ) -> list[dict[str, Any]] | None:
    """Each requirement with its result and reason: for administrators, and for the
    submission's own organisation once it has been decided on (its reasons are its right)."""
    decided = submission.state not in ("opened", "eligibility_check", "submitted",
                                       "returned_for_completion")
    if not (is_admin(viewer) or (is_own_organisation(viewer, submission) and decided)):
        return None
    result = outcome(session, submission)
    return [{"criterion_id": c.id, "kind": c.kind, "name": dict(c.name),
             "passed": result.checks[c.id].passed if c.id in result.checks else None,
             "reason": result.checks[c.id].reason if c.id in result.checks else ""}
            for c in result.criteria]
