"""Why an administrator's step is not offered now: the refusal its guards give.

The buttons show exactly `available_steps`; a step an administrator is waiting for (publish
while the Hilma number is missing, decide while applications wait) would otherwise just be
absent. Here the same guards are asked once more, read-only, for their reason.
"""
from __future__ import annotations

import dataclasses

from models import Call, Submission, User

from ... import clock
from ...app import db
from ...definitions import workflow_for
from ...engine import available_steps
from ...spec import Context, Party, Step
from ..helpers import ErrorSummary


@dataclasses.dataclass(frozen=True)
class BlockedStep:
    step: Step
    reason: str


def blocked_steps(user: User | None, obj: Call | Submission,
                  labels: dict[str, str] | None = None) -> list[BlockedStep]:
    """Administrator steps from the object's state that a guard refuses now, with its reason.
    Steps only the clock takes are left out (they happen by themselves)."""
    available = set(id(s) for s in available_steps(user, obj, db()))
    ctx = Context(session=db(), obj=obj, actor=user, now=clock.now(), step=None)  # type: ignore[arg-type]
    out = []
    for step in workflow_for(obj).steps_from(obj.state):
        if id(step) in available or Party.ADMIN not in step.by:
            continue
        ctx.step = step
        for guard in step.guards:
            refusal = guard(ctx)
            if refusal is not None:
                out.append(BlockedStep(step, ErrorSummary.from_error(refusal, labels).message))
                break
    return out
