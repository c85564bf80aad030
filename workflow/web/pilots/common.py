"""What the issue-6 views share: loading with per-object checks, the signing key and site
address of this instance, why a step is not offered, and a report's history for people."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from babel import Locale
from babel.numbers import format_percent
from flask import abort, current_app

from models import (Certificate, Cohort, MicroCredentialDescription, Milestone, Pilot, Report,
                    Submission, User)

from ... import clock
from ...app import db
from ...definitions import workflow_for
from ...engine import available_steps, history
from ...errors import WorkflowError
from ...i18n import N_, Msg
from ...permissions import is_admin, is_own_organisation, is_party
from ...pilots import access
from ...pilots.certificates import find_certificate
from ...pilots.rules import descriptions_of
from ...pilots.signing import Signer
from ...spec import Context, Step
from ..helpers import ErrorSummary, label, load_submission_or_404
from ..identity import MAX_ID
from ..locale import current_locale
from ..timeline import TimelineItem, state_label


def _get(model: type, object_id: int):
    if not 0 < object_id <= MAX_ID:
        abort(404)
    return db().get(model, object_id)


# Loading ------------------------------------------------------------------------------------

def own_tender_or_404(submission_id: int, user: User | None) -> Submission:
    """A Jotpa tender of the user's own organisation: another organisation's is 404, one the
    user may know of otherwise (an administrator, an evaluator) 403."""
    submission = load_submission_or_404(submission_id, user)
    if submission.kind != "jotpa":
        abort(404)
    if not is_own_organisation(user, submission):
        abort(403)
    return submission


def readable_tender_or_404(submission_id: int, user: User | None) -> Submission:
    """A Jotpa tender whose content the user may read (own organisation; after the opening
    administrators and cleared evaluators); a sealed one is 403 to those who know of it."""
    submission = load_submission_or_404(submission_id, user, content=True)
    if submission.kind != "jotpa":
        abort(404)
    return submission


def description_of_or_404(submission: Submission, description_id: int, *,
                          submitted: bool = False) -> tuple[int, MicroCredentialDescription]:
    """(number as the bidder sees it, description) of one of the tender's descriptions that
    is shown now: the working copies, or with `submitted` those submitted last."""
    if not 0 < description_id <= MAX_ID:
        abort(404)
    for number, description in enumerate(descriptions_of(db(), submission.id, submitted=submitted),
                                         start=1):
        if description.id == description_id:
            return number, description
    abort(404)


def load_pilot_or_404(pilot_id: int, user: User | None) -> Pilot:
    pilot = _get(Pilot, pilot_id)
    if pilot is None or not access.can_view_pilot(user, pilot):
        abort(404)
    return pilot


def cohort_of_or_404(pilot: Pilot, cohort_id: int) -> Cohort:
    cohort = _get(Cohort, cohort_id)
    if cohort is None or cohort.pilot_id != pilot.id:
        abort(404)
    return cohort


def milestone_of_or_404(pilot: Pilot, milestone_id: int) -> Milestone:
    milestone = _get(Milestone, milestone_id)
    if milestone is None or milestone.pilot_id != pilot.id:
        abort(404)
    return milestone


def load_report_or_404(report_id: int, user: User | None) -> Report:
    report = _get(Report, report_id)
    if report is None or not access.can_view_report(user, report):
        abort(404)
    return report


def load_certificate_or_404(certificate_id: str, user: User | None) -> Certificate:
    """By its public id (a UUID); 404 also for those who may not see it."""
    certificate = find_certificate(db(), certificate_id)
    if certificate is None or not access.can_view_certificate(user, certificate):
        abort(404)
    return certificate


def supplier_or_admin(user: User | None, submission: Submission) -> bool:
    return is_admin(user) or is_own_organisation(user, submission)


def percent(value: float | None) -> str:
    """A share with one decimal in the locale's own pattern (83,3 % / 83.3%); "–" for none."""
    if value is None:
        return "–"
    locale = current_locale()
    pattern = Locale.parse(locale).percent_formats[None].pattern.replace("#,##0", "#,##0.0", 1)
    return format_percent(value, format=pattern, locale=locale)


# This instance ------------------------------------------------------------------------------

def signer() -> Signer:
    """The instance's credential key (instance/keys/, made on first use)."""
    return Signer.from_instance(Path(current_app.instance_path))


def base_url() -> str:
    """The site's public address, for links inside credentials (HANKEFLOW_BASE_URL)."""
    return current_app.config["HANKEFLOW_SETTINGS"].base_url


# Steps that are not offered now -------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class BlockedStep:
    step: Step
    reason: str
    error: WorkflowError


def blocked_steps(user: User | None, obj, labels: dict[str, str] | None = None) -> list[BlockedStep]:
    """Steps from the object's state that the user is a party to but a guard refuses now,
    with the refusal: the buttons show only `available_steps`, this says why one is missing
    (a report still incomplete, the cohorts not yet ended)."""
    offered = {id(s) for s in available_steps(user, obj, db())}
    ctx = Context(session=db(), obj=obj, actor=user, now=clock.now(), step=None)  # type: ignore[arg-type]
    out = []
    for step in workflow_for(obj).steps_from(obj.state):
        if id(step) in offered or not any(is_party(user, obj, p) for p in step.by):
            continue
        ctx.step = step
        for guard in step.guards:
            refusal = guard(ctx)
            if refusal is not None:
                out.append(BlockedStep(step, ErrorSummary.from_error(refusal, labels).message, refusal))
                break
    return out


# A report's history --------------------------------------------------------------------------

REPORT_EVENTS: dict[str, Msg] = {"create": N_("Created"), "due_set": N_("Due date set")}


def report_timeline(report: Report, viewer: User | None) -> list[TimelineItem]:
    """Who did what to the report, as workflow/web/timeline.py shows a submission's: the
    supplier's own people by name, Jotpa's as "Funding authority" to others than Jotpa."""
    wf = workflow_for(report)
    items = []
    for entry in history(db(), report):
        if entry.trigger in REPORT_EVENTS:
            what = label(REPORT_EVENTS[entry.trigger])
        else:
            step = next((s for s in wf.steps if s.trigger == entry.trigger), None)
            what = label(step.label) if step else entry.trigger
        if entry.actor is None:
            who = label(N_("System"))
        elif (is_admin(viewer) or (viewer is not None and entry.actor_id == viewer.id)
              or entry.actor.organisation_id == report.submission.organisation_id):
            who = entry.actor.name
        else:
            who = label(N_("Funding authority"))
        items.append(TimelineItem(at=entry.at, label=what, actor=who, comment=entry.comment,
                                  sha256=entry.content_sha256,
                                  to_state=state_label(report, entry.to_state)))
    return items
