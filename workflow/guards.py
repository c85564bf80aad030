"""Guards: each answers one question about a step about to be taken, and returns the refusal
(a `WorkflowError` with its code) or None. They read; they never change anything."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from models import Call, Submission
from models.states import ApplicationState as A
from models.states import TenderState as T

from .content import CONTENT_MISSING, missing_fields
from .errors import WorkflowError
from .i18n import N_
from .spec import Context
from .timeutil import format_fi, helsinki_date

MIN_EVALUATORS = 2


def _call(ctx: Context) -> Call:
    return ctx.obj.call if isinstance(ctx.obj, Submission) else ctx.obj


# Time ----------------------------------------------------------------------------------------

def deadline_refusal(call: Call, now: dt.datetime) -> WorkflowError | None:
    """A submission counts only if received strictly before the deadline (DOMAIN §6)."""
    if now >= call.deadline:
        return WorkflowError("deadline_passed",
                             N_("The deadline passed at %(deadline)s (Finnish time)."),
                             deadline=format_fi(call.deadline))
    return None


def submissions_refusal(call: Call, now: dt.datetime) -> WorkflowError | None:
    """The call takes submissions: opens_at <= now < deadline, and it is public."""
    refusal = deadline_refusal(call, now)
    if refusal is None and (now < call.opens_at
                            or call.state not in ("published", "open", "tendering")):
        refusal = WorkflowError("not_open", N_("The call is not open for submissions."))
    return refusal


def call_accepts_submissions(ctx: Context) -> WorkflowError | None:
    return submissions_refusal(_call(ctx), ctx.now)


def before_deadline(ctx: Context) -> WorkflowError | None:
    return deadline_refusal(_call(ctx), ctx.now)


def _reached(attribute: str):
    def guard(ctx: Context) -> WorkflowError | None:
        instant = getattr(_call(ctx), attribute)
        if ctx.now < instant:
            return WorkflowError("too_early", N_("This can be done only from %(instant)s on."),
                                 instant=format_fi(instant))
        return None
    guard.__name__ = f"{attribute}_reached"
    return guard


opens_at_reached = _reached("opens_at")
deadline_reached = _reached("deadline")


def completion_due_not_passed(ctx: Context) -> WorkflowError | None:
    due = ctx.obj.completion_due_at
    if due is not None and ctx.now >= due:
        return WorkflowError("deadline_passed",
                             N_("The deadline passed at %(deadline)s (Finnish time)."),
                             deadline=format_fi(due))
    return None


def standstill_over(ctx: Context) -> WorkflowError | None:
    call = _call(ctx)
    if call.standstill_last_day is None or helsinki_date(ctx.now) <= call.standstill_last_day:
        last = call.standstill_last_day
        return WorkflowError(
            "standstill_not_over",
            N_("The standstill period ends on %(day)s; the contract can be signed from the next day on."),
            day=f"{last.day}.{last.month}.{last.year}" if last else "?")
    return None


# Content -------------------------------------------------------------------------------------

def content_complete(ctx: Context) -> WorkflowError | None:
    missing = missing_fields(ctx.obj.call.form_fields, ctx.obj.content)
    if missing:
        return WorkflowError("content_missing", CONTENT_MISSING, fields=", ".join(missing),
                             details={name: "required" for name in missing})
    return None


def final_report_present(ctx: Context) -> WorkflowError | None:
    report = ctx.obj.final_report or {}
    if not any(str(v).strip() for v in report.values()):
        return WorkflowError("content_missing", N_("Write the final report first."),
                             details={"final_report": "required"})
    return None


def call_ready_to_publish(ctx: Context) -> WorkflowError | None:
    call = ctx.obj
    problems = {}
    if not call.title.strip():
        problems["title"] = "required"
    if call.deadline <= ctx.now:
        problems["deadline"] = "in_past"
    if not call.form_fields:
        problems["form_fields"] = "required"
    if call.kind == "jotpa":
        if not call.hilma_notice_id:
            problems["hilma_notice_id"] = "required"
        if call.questions_until is None:
            problems["questions_until"] = "required"
    if problems:
        return WorkflowError("invalid_input", N_("The call is not ready to be published: %(fields)s."),
                             fields=", ".join(problems), details=problems)
    return None


# Evaluation ----------------------------------------------------------------------------------

def evaluations_complete(ctx: Context) -> WorkflowError | None:
    active = [a for a in ctx.obj.assignments if a.conflict is not True]
    done = [a for a in active if a.completed_at is not None]
    if len(done) < MIN_EVALUATORS or len(done) < len(active):
        return WorkflowError("evaluations_incomplete",
                             N_("At least %(n)s evaluators must have completed their reviews."),
                             n=MIN_EVALUATORS)
    return None


def _count(ctx: Context, states: list[str]) -> int:
    return ctx.session.scalar(
        sa.select(sa.func.count()).select_from(Submission)
        .where(Submission.call_id == ctx.obj.id, Submission.state.in_(states))) or 0


def no_application_undecided(ctx: Context) -> WorkflowError | None:
    undecided = [A.SUBMITTED, A.ELIGIBILITY_CHECK, A.RETURNED_FOR_COMPLETION, A.IN_EVALUATION,
                 A.EVALUATED]
    if _count(ctx, undecided):
        return WorkflowError("invalid_transition",
                             N_("Some applications still wait for a decision."))
    return None


def no_tender_unqualified(ctx: Context) -> WorkflowError | None:
    if _count(ctx, [T.OPENED]):
        return WorkflowError("invalid_transition",
                             N_("Some tenders have not been qualified or excluded yet."))
    return None


def every_tender_decided(ctx: Context) -> WorkflowError | None:
    if _count(ctx, [T.QUALIFIED, T.SCORED]):
        return WorkflowError("invalid_transition",
                             N_("Every qualified tender must be scored and awarded or not awarded."))
    if not _count(ctx, [T.AWARDED]):
        return WorkflowError("invalid_transition", N_("No tender has been awarded."))
    return None


def procurement_in(*states: str):
    def guard(ctx: Context) -> WorkflowError | None:
        if ctx.obj.call.state not in states:
            return WorkflowError("invalid_transition",
                                 N_("The procurement is not at this stage."))
        return None
    guard.__name__ = f"procurement_in_{'_'.join(states)}"
    return guard


def call_in(*states: str):
    def guard(ctx: Context) -> WorkflowError | None:
        if ctx.obj.call.state not in states:
            return WorkflowError("invalid_transition", N_("The call is not at this stage."))
        return None
    guard.__name__ = f"call_in_{'_'.join(states)}"
    return guard
