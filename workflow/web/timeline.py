"""The history of an object as a person reads it: what happened, when, by whom, and why.

Applicants see the transitions of their own submission and the reasons given to them, but
nothing of the evaluation's inner life (who was assigned, conflict declarations, reviews):
those only administrators see. Others than administrators see the funding authority's people
as "Funding authority".
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from models import AuditEntry, Call, Submission, User

from ..app import db
from ..definitions import workflow_for
from ..engine import history
from ..i18n import N_, Msg
from ..permissions import is_admin
from .helpers import label

# Audited events that are not transitions (engine.record_event).
EVENT_LABELS: dict[str, Msg] = {
    "create": N_("Created"),
    "edit": N_("Edited"),
    "assign_evaluator": N_("Evaluator assigned"),
    "declare_no_conflict": N_("Declared no conflict of interest"),
    "declare_conflict": N_("Declared a conflict of interest"),
    "complete_review": N_("Review completed"),
    "publish_answer": N_("Answer to a question published"),  # workflow/questions.py
    "add_attachment": N_("File attached"),  # workflow/attachments.py
    "remove_attachment": N_("File removed"),
    "send_mail_again": N_("Undelivered mail sent again"),  # workflow/scheduler/notifications.py
    "served_by_other_means": N_("Served by other means"),  # evaluation.decisions
}
# What only the funding authority and evaluators see.
INTERNAL_EVENTS = {"assign_evaluator", "declare_no_conflict", "declare_conflict",
                   "complete_review"}


@dataclasses.dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    label: str
    actor: str
    comment: str
    sha256: str | None
    to_state: str


def state_label(obj: Call | Submission, state: str | None = None) -> str:
    wf = workflow_for(obj)
    state = state or obj.state
    return label(wf.labels.get(state, state))


def _trigger_label(obj: Call | Submission, entry: AuditEntry) -> str:
    if entry.trigger in EVENT_LABELS:
        return label(EVENT_LABELS[entry.trigger])
    step = next((s for s in workflow_for(obj).steps if s.trigger == entry.trigger), None)
    return label(step.label) if step else entry.trigger


def _actor_name(entry: AuditEntry, obj: Call | Submission, viewer: User | None) -> str:
    if entry.actor is None:
        return label(N_("System"))
    if is_admin(viewer) or entry.actor_id == (viewer.id if viewer else None):
        return entry.actor.name
    if isinstance(obj, Submission) and entry.actor.organisation_id == obj.organisation_id:
        return entry.actor.name
    return label(N_("Funding authority"))


def timeline(obj: Call | Submission, viewer: User | None) -> list[TimelineItem]:
    internal_visible = is_admin(viewer)
    items = []
    for entry in history(db(), obj):
        if entry.trigger in INTERNAL_EVENTS and not internal_visible:
            continue
        items.append(TimelineItem(at=entry.at, label=_trigger_label(obj, entry),
                                  actor=_actor_name(entry, obj, viewer), comment=entry.comment,
                                  sha256=entry.content_sha256, to_state=state_label(obj, entry.to_state)))
    return items
