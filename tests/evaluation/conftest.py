"""Fixtures of the evaluation tests: calls whose criteria are known, submissions brought to the
evaluation, and a reviewer who scores and submits."""
from __future__ import annotations

from decimal import Decimal

import pytest
from models import Call, EvaluatorAssignment, Submission, User
from workflow.assignments import assign_evaluator, declare_conflict
from workflow.engine import fire
from workflow.evaluation.qualification import decide_requirements, record_checks
from workflow.evaluation.reviews import score_and_submit

from eval_support import ESR_CRITERIA, JOTPA_CRITERIA, JOTPA_DEADLINE, JOTPA_OPENS, criteria


@pytest.fixture
def esr_call(make_call):
    """An open ESR call with the criteria of eval_support and a budget of 500 000 €."""
    def make(**fields) -> Call:
        fields.setdefault("criteria", ESR_CRITERIA)
        fields.setdefault("budget", Decimal("500000"))
        return make_call("esr", state="open", **fields)
    return make


@pytest.fixture
def procurement(make_call):
    def make(**fields) -> Call:
        fields.setdefault("criteria", JOTPA_CRITERIA)
        return make_call("jotpa", state="tendering", opens_at=JOTPA_OPENS,
                         deadline=JOTPA_DEADLINE, **fields)
    return make


@pytest.fixture
def close_call(session, clock, admin):
    """Move the clock to the deadline and let the system close (ESR) or open (Jotpa)."""
    def close(call: Call) -> Call:
        clock.set(call.deadline)
        fire(session, call, "close" if call.kind == "esr" else "open_tenders", None)
        return call
    return close


@pytest.fixture
def applications(session, esr_call, make_submission, make_org, make_user, close_call, admin):
    """An ESR call closed and in evaluation with applications asking for these amounts, each
    eligible (every eligibility check passed) and in evaluation."""
    def make(*amounts: str, call: Call | None = None) -> tuple[Call, list[Submission]]:
        call = call or esr_call()
        apps = []
        for i, amount in enumerate(amounts):
            applicant = make_user("applicant", organisation=make_org(f"Korkeakoulu {i + 1}"))
            apps.append(make_submission(call, applicant, submit=True, content={
                "title": f"Hanke {i + 1}", "summary": "Tiivistelmä", "objectives": "Tavoitteet",
                "budget_total": amount}))
        close_call(call)
        fire(session, call, "start_evaluation", admin)
        for app in apps:
            fire(session, app, "start_eligibility_check", admin)
            checks = {c.id: {"passed": True, "reason": ""} for c in criteria(session, call).values()
                      if c.kind == "eligibility"}
            record_checks(session, admin, app, checks)
            decide_requirements(session, admin, app)
        return call, apps
    return make


@pytest.fixture
def tenders(session, procurement, make_submission, make_org, make_user, close_call, admin):
    """A procurement whose tenders (at these prices) have been opened, and its qualification
    started."""
    def make(*prices: str) -> tuple[Call, list[Submission]]:
        call = procurement()
        out = []
        for i, price in enumerate(prices):
            bidder = make_user("applicant", organisation=make_org(f"Tarjoaja {i + 1}"))
            out.append(make_submission(call, bidder, submit=True, content={
                "title": f"Pilotti {i + 1}", "pilot_plan": "Suunnitelma", "price": price}))
        close_call(call)
        fire(session, call, "start_qualification", admin)
        return call, out
    return make


@pytest.fixture
def qualify(session, admin):
    """Record every requirement as met and qualify the tender (or exclude it with a reason
    for the first requirement)."""
    def run(tender: Submission, *, failing: str | None = None) -> None:
        results = {c.id: ({"passed": False, "reason": failing} if failing and i == 0
                          else {"passed": True, "reason": ""})
                   for i, c in enumerate(c for c in criteria(session, tender.call).values()
                                         if c.kind in ("exclusion", "suitability"))}
        record_checks(session, admin, tender, results)
        decide_requirements(session, admin, tender)
    return run


@pytest.fixture
def evaluators(make_user, make_org):
    """n evaluators, each from an organisation of their own (an authority)."""
    def make(n: int) -> list[User]:
        return [make_user("evaluator", organisation=make_org(kind="authority")) for _ in range(n)]
    return make


@pytest.fixture
def review(session, admin):
    """review(submission, evaluator, {"Need": 4, ...}) assigns the evaluator (unless assigned),
    declares no conflict, scores each named criterion with a justification and submits."""
    def run(submission: Submission, evaluator: User, scores: dict[str, int],
            *, submit: bool = True) -> EvaluatorAssignment:
        assignment = next((a for a in submission.assignments if a.evaluator_id == evaluator.id),
                          None)
        if assignment is None:
            assignment = assign_evaluator(session, admin, submission, evaluator)
        if assignment.conflict is None:
            declare_conflict(session, evaluator, assignment, conflicted=False)
        by_name = criteria(session, submission.call)
        values = {by_name[n].id: {"score": s, "justification": f"Perustelu: {n} {s}"}
                  for n, s in scores.items()}
        if submit:
            score_and_submit(session, evaluator, assignment, values)
        else:
            from workflow.evaluation.reviews import save_scores
            save_scores(session, evaluator, assignment, values)
        return assignment
    return run
