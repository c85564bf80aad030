"""Guards: each answers one question about a step about to be taken, and returns the refusal
(a `WorkflowError` with its code) or None. They read; they never change anything."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Call, Submission, User
from models.states import ApplicationState as A
from models.states import TenderState as T

from .content import CONTENT_MISSING, missing_fields
from .errors import WorkflowError, conflict, not_allowed
from .evaluation import queries as evaluation
from .evaluation import standstill
from .evaluation.consistency import criteria_problems
from .evaluation.ranking import build_ranking, submission_results
from .framework import framework
from .i18n import N_
from .pilots.forms import report_refusal
from .permissions import EDITABLE_STATES, is_own_organisation
from .pilots.rules import description_refusal_for
from .spec import Context
from .timeutil import helsinki_date

MIN_EVALUATORS = 2


def _call(ctx: Context) -> Call:
    return ctx.obj.call if isinstance(ctx.obj, Submission) else ctx.obj


# Time ----------------------------------------------------------------------------------------

def deadline_refusal(call: Call, now: dt.datetime) -> WorkflowError | None:
    """A submission counts only if received strictly before the deadline (DOMAIN §6)."""
    if now >= call.deadline:
        return WorkflowError("deadline_passed",
                             N_("The deadline passed at %(deadline)s (Finnish time)."),
                             deadline=call.deadline)
    return None


def editing_refusal(actor: User, submission: Submission, now: dt.datetime,
                    version: int | None) -> WorkflowError | None:
    """Changing a working copy, its content or its files: the own organisation, while the
    submission can still be (re)submitted, strictly before the deadline, at the version the
    actor saw. In this order: the first refusal is the one that explains."""
    if not is_own_organisation(actor, submission):
        return not_allowed()
    if submission.state not in EDITABLE_STATES:
        return WorkflowError("invalid_transition", N_("This can no longer be edited."))
    refusal = deadline_refusal(submission.call, now)
    if refusal is None and version is not None and version != submission.version:
        refusal = conflict()
    return refusal


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
                                 instant=instant)
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
                             deadline=due)
    return None


def decision_letters_sent(ctx: Context) -> WorkflowError | None:
    """DOMAIN §4: the standstill runs from the delivery of the decision, and an e-mailed
    decision is delivered when it is sent; so no contract while a bidder's letter is still
    waiting, being sent, or failed (evaluation.standstill)."""
    delivery = standstill.letter_delivery(ctx.session, _call(ctx).id)
    if delivery.unsent:
        return WorkflowError(
            "decision_not_delivered",
            N_("Bidders whose decision letter has not been sent yet: %(count)s. The standstill "
               "period starts when every letter has been sent."),
            count=delivery.unsent)
    return None


def standstill_over(ctx: Context) -> WorkflowError | None:
    """The day after the standstill's last day, counted from the last letter sent (kept in
    `Call.standstill_last_day` by the outbox, evaluation.standstill)."""
    call = _call(ctx)
    if call.standstill_last_day is None:
        return WorkflowError("standstill_not_over",
                             N_("The decision has not been delivered yet."))
    if helsinki_date(ctx.now) <= call.standstill_last_day:
        return WorkflowError(
            "standstill_not_over",
            N_("The standstill period ends on %(day)s; the contract can be signed from the next day on."),
            day=call.standstill_last_day)
    return None


# Content -------------------------------------------------------------------------------------

def content_complete(ctx: Context) -> WorkflowError | None:
    missing = missing_fields(ctx.obj.call.form_fields, ctx.obj.content)
    if missing:
        return WorkflowError("content_missing", CONTENT_MISSING, fields=", ".join(missing),
                             details={name: "required" for name in missing})
    return None


def final_report_complete(ctx: Context) -> WorkflowError | None:
    """An ESR project's final report: summary, results and every indicator (pilots.forms)."""
    return report_refusal("esr_final", ctx.obj.final_report, framework())


# The former name: the guard now checks the structured report, not only that text exists.
final_report_present = final_report_complete


def descriptions_complete(ctx: Context) -> WorkflowError | None:
    """A Jotpa tender describes at least one micro-credential, each with every mandatory
    framework element; the refusal names the missing elements in the reader's language."""
    return description_refusal_for(ctx.session, ctx.obj)


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
    """At least the call's minimum number of evaluators (MIN_EVALUATORS unless the call sets
    its own) have submitted their reviews, every active assignment is submitted, and every
    submitted review scores and justifies every scored criterion."""
    # Through ctx (spec.Context.of_object): on a list page, one query for all the rows.
    problem = ctx.of_object("reviews_problem", lambda objs: evaluation.reviews_problems(
        ctx.session, objs, ctx.once))
    if problem == "reviews_missing":
        settings = evaluation.call_settings(ctx.session, ctx.obj.call_id, ctx.once)
        return WorkflowError("evaluations_incomplete",
                             N_("At least %(n)s evaluators must have completed their reviews."),
                             n=settings.min_evaluators)
    if problem == "scores_missing":
        return WorkflowError("evaluations_incomplete",
                             N_("Every submitted review must score and justify every "
                                "scored criterion."))
    return None


def criteria_consistent(ctx: Context) -> WorkflowError | None:
    """A call with inconsistent criteria cannot be published (issue 5 §1)."""
    criteria = ctx.of_object("criteria", lambda objs: evaluation.criteria_by_call(
        ctx.session, [o.id for o in objs]))
    problems = criteria_problems(ctx.obj.kind, criteria or [])
    if problems:
        return WorkflowError(
            "invalid_input",
            N_("A call with inconsistent criteria cannot be published: %(problem)s"),
            problem=problems[0].message, details={"criteria": problems[0].message})
    return None


def checks_not_failed(ctx: Context) -> WorkflowError | None:
    """Eligible or qualified only if no recorded pass/fail check failed (workflow.evaluation.
    qualification records them; a submission with no checks recorded is not refused here)."""
    checks = ctx.of_object("requirement_checks", lambda objs: evaluation.checks_by_submission(
        ctx.session, [o.id for o in objs]))
    if any(not check.passed for check in checks.values()):
        return WorkflowError("invalid_transition",
                             N_("A requirement has been recorded as not met."))
    return None


def fundable(ctx: Context) -> WorkflowError | None:
    """Approval: every scored criterion's minimum is met, the grant is no more than the amount
    applied for, and the grants of the call stay within its budget (when it has one)."""
    # The criteria and settings once per call for the whole list (ctx.once), shared with
    # evaluations_complete.
    result = ctx.of_object("submission_result",
                           lambda objs: submission_results(ctx.session, objs, ctx.once))
    if not result.rankable:
        return WorkflowError("invalid_transition",
                             N_("The application does not meet every minimum score and "
                                "cannot be funded."))
    call = _call(ctx)
    amount = ctx.data.get("granted_amount")
    # Without an amount (listing what may be done) there is nothing to compare it with.
    version = None if amount is None else ctx.of_object(
        "counted_version",
        lambda objs: evaluation.counted_versions(ctx.session, [o.id for o in objs]))
    requested = evaluation.money(version.content if version else None, "budget_total")
    if amount is not None and requested is not None and amount > requested:
        return WorkflowError("invalid_input",
                             N_("The granted amount cannot exceed the amount applied for "
                                "(%(requested)s €)."),
                             requested=str(requested),
                             details={"granted_amount": N_("More than applied for.")})
    if call.budget is not None and amount is not None:
        granted = ctx.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Submission.granted_amount), 0))
            .where(Submission.call_id == call.id, Submission.id != ctx.obj.id,
                   Submission.granted_amount.is_not(None))) or 0
        if granted + amount > call.budget:
            return WorkflowError("invalid_input",
                                 N_("The grants would exceed the call's budget of %(budget)s €."),
                                 budget=str(call.budget),
                                 details={"granted_amount": N_("Over the budget.")})
    return None


def tender_price_valid(ctx: Context) -> WorkflowError | None:
    """A tender is scored only with a positive price in the version that counts."""
    version = ctx.of_object("counted_version", lambda objs: evaluation.counted_versions(
        ctx.session, [o.id for o in objs]))
    if version is None or evaluation.money(version.content, "price") is None:
        return WorkflowError("content_missing", N_("The tender has no valid price."),
                             details={"price": "required"})
    return None


def some_tender_qualified(ctx: Context) -> WorkflowError | None:
    if not _count(ctx, [T.QUALIFIED]):
        return WorkflowError("invalid_transition",
                             N_("No tender has qualified; the procurement can only be cancelled."))
    return None


def awards_follow_ranking(ctx: Context) -> WorkflowError | None:
    """The awarded tenders are the top of the ranking: none is under a minimum or incomplete,
    and none is ranked below a tender that was not awarded."""
    ranking = build_ranking(ctx.session, ctx.obj)
    passed_over = False
    for row in ranking.rows:
        awarded = row.submission.state == T.AWARDED
        if awarded and (passed_over or not row.result.rankable):
            return WorkflowError("invalid_transition",
                                 N_("The awards must follow the ranking: award the "
                                    "best-ranked tenders."))
        passed_over |= not awarded
    return None


def _count(ctx: Context, states: list[str]) -> int:
    """How many submissions of the call are in these states (for a list of calls, counted for
    all of them in one query)."""
    return ctx.of_object(f"submissions_in:{','.join(states)}", lambda calls: _counts(
        ctx.session, [c.id for c in calls], states)) or 0


def _counts(session: so.Session, call_ids: list[int], states: list[str]) -> dict[int, int]:
    return dict(session.execute(
        sa.select(Submission.call_id, sa.func.count())
        .where(Submission.call_id.in_(call_ids), Submission.state.in_(states))
        .group_by(Submission.call_id)).all())


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
