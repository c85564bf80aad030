"""The evaluation scenes, for tests/evaluation (the services) and tests/web_evaluation (the
pages): criteria with known English names and the fixtures that bring calls, applications and
tenders to the evaluation and score them (a plugin of tests/conftest.py)."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest
import sqlalchemy.orm as so

from models import Call, Criterion, EvaluatorAssignment, Submission, User
from workflow.assignments import assign_evaluator, declare_conflict
from workflow.engine import fire
from workflow.evaluation import decisions
from workflow.evaluation import queries as q
from workflow.evaluation.qualification import decide_requirements, record_checks
from workflow.evaluation.reviews import save_scores, score_and_submit

from support import JOTPA_DEADLINE, JOTPA_OPENS, helsinki


def name(en: str) -> dict[str, str]:
    return {"fi": f"{en} (fi)", "sv": f"{en} (sv)", "en": en}


# Four scored ESR criteria, 100 points in all, the first with a minimum of 2 of 5.
ESR_CRITERIA = [
    {"kind": "eligibility", "name": name("Eligible applicant")},
    {"kind": "eligibility", "name": name("Fits the call")},
    {"kind": "scored", "name": name("Need"), "scale_min": 0, "scale_max": 5, "weight": "30",
     "threshold": "2"},
    {"kind": "scored", "name": name("Implementation"), "scale_min": 0, "scale_max": 5,
     "weight": "30"},
    {"kind": "scored", "name": name("Impact"), "scale_min": 0, "scale_max": 5, "weight": "25"},
    {"kind": "scored", "name": name("Horizontal"), "scale_min": 0, "scale_max": 3,
     "weight": "15"},
]
# Jotpa: 60 quality points and 40 price points.
JOTPA_CRITERIA = [
    {"kind": "exclusion", "name": name("No exclusion ground")},
    {"kind": "suitability", "name": name("Experience")},
    {"kind": "scored", "name": name("Plan quality"), "scale_min": 0, "scale_max": 5,
     "weight": "40"},
    {"kind": "scored", "name": name("Framework use"), "scale_min": 0, "scale_max": 5,
     "weight": "20"},
    {"kind": "price", "name": name("Price"), "weight": "40"},
]


def criteria(session: so.Session, call: Call) -> dict[str, Criterion]:
    """The call's criteria by English name."""
    return {c.name["en"]: c for c in q.criteria_of(session, call.id)}


def scores(*values: int, names: Sequence[str] = ("Need", "Implementation", "Impact",
                                                  "Horizontal")) -> dict[str, int]:
    return dict(zip(names, values))


def quality(*values: int) -> dict[str, int]:
    return scores(*values, names=("Plan quality", "Framework use"))


@pytest.fixture
def esr_call(make_call):
    """An open ESR call with the criteria above and a budget of 500 000 €."""
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
def close_call(session, clock):
    """Move the clock to the deadline and let the system close (ESR) or open (Jotpa)."""
    def close(call: Call) -> Call:
        clock.set(call.deadline)
        fire(session, call, "close" if call.kind == "esr" else "open_tenders", None)
        return call
    return close


@pytest.fixture
def submitted_applications(session, esr_call, make_submission, make_org, make_user,
                           close_call, admin):
    """An ESR call (a new one unless given) closed and in evaluation, whose applications
    (asking for these amounts) are submitted and in the eligibility check."""
    def make(*amounts: str, call: Call | None = None) -> tuple[Call, list[Submission]]:
        call = call or esr_call()
        apps = []
        for i, amount in enumerate(amounts):
            applicant = make_user("applicant", organisation=make_org(f"Korkeakoulu {i + 1}"))
            apps.append(make_submission(call, applicant, submit=True, content={
                "title": f"Hanke {i + 1}", "summary": f"Tiivistelmä {i + 1}",
                "objectives": "Tavoitteet", "budget_total": amount}))
        close_call(call)
        fire(session, call, "start_evaluation", admin)
        for app in apps:
            fire(session, app, "start_eligibility_check", admin)
        return call, apps
    return make


@pytest.fixture
def applications(session, submitted_applications, admin):
    """The same, each eligible (every eligibility check passed) and in evaluation."""
    def make(*amounts: str, call: Call | None = None) -> tuple[Call, list[Submission]]:
        call, apps = submitted_applications(*amounts, call=call)
        for app in apps:
            checks = {c.id: {"passed": True, "reason": ""} for c in criteria(session, call).values()
                      if c.kind == "eligibility"}
            record_checks(session, admin, app, checks)
            decide_requirements(session, admin, app)
        return call, apps
    return make


@pytest.fixture
def tenders(session, procurement, make_submission, make_org, make_user, close_call, admin):
    """A procurement whose tenders (at these prices) have been opened, and its qualification
    started. The bidders read English; each tender's plan carries a secret no other bidder
    may ever read."""
    def make(*prices: str) -> tuple[Call, list[Submission]]:
        call = procurement()
        out = []
        for i, price in enumerate(prices):
            bidder = make_user("applicant", organisation=make_org(f"Tarjoaja {i + 1}"),
                               locale="en")
            out.append(make_submission(call, bidder, submit=True, content={
                "title": f"Pilotti {i + 1}", "pilot_plan": f"SALAINEN-SUUNNITELMA-{i + 1}",
                "price": price}))
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
    def run(submission: Submission, evaluator: User, given: dict[str, int],
            *, submit: bool = True) -> EvaluatorAssignment:
        assignment = next((a for a in submission.assignments if a.evaluator_id == evaluator.id),
                          None)
        if assignment is None:
            assignment = assign_evaluator(session, admin, submission, evaluator)
        if assignment.conflict is None:
            declare_conflict(session, evaluator, assignment, conflicted=False)
        by_name = criteria(session, submission.call)
        values = {by_name[n].id: {"score": s, "justification": f"Perustelu: {n} {s}"}
                  for n, s in given.items()}
        if submit:
            score_and_submit(session, evaluator, assignment, values)
        else:
            save_scores(session, evaluator, assignment, values)
        return assignment
    return run


# Per application: each evaluator's scores (Need, Implementation, Impact, Horizontal).
# 94.5 (funded), 75 (funded), 58.5 with a disagreement on Need (under the funding line).
EVALUATED = [((5, 5, 4, 3), (4, 5, 5, 3)), ((4, 4, 4, 2), (4, 3, 4, 2)),
             ((1, 3, 3, 2), (5, 3, 3, 1))]


@pytest.fixture
def evaluated_call(session, admin, applications, evaluators, review):
    """Three applications (250 000, 200 000, 150 000 €; budget 500 000 €) scored by two
    evaluators each and evaluated: two above the funding line, the third under it."""
    def make() -> tuple[Call, list[Submission], list[User]]:
        call, apps = applications("250000", "200000", "150000")
        team = evaluators(2)
        for app, pair in zip(apps, EVALUATED):
            for evaluator, values in zip(team, pair):
                review(app, evaluator, scores(*values))
            fire(session, app, "complete_evaluation", admin)
        return call, apps, team
    return make


@pytest.fixture
def compared_procurement(session, admin, tenders, qualify, evaluators, review):
    """Four tenders (50 000, 40 000, 64 000 and 20 000 €); the cheapest excluded with a
    reason, the others qualified and scored by two evaluators in the comparison: 85, 80 and
    64 points once ranked."""
    def make() -> tuple[Call, list[Submission], list[User]]:
        call, (t1, t2, t3, t4) = tenders("50000", "40000", "64000", "20000")
        qualify(t4, failing="Verovelkaa, todistus puuttuu.")
        for tender in (t1, t2, t3):
            qualify(tender)
        fire(session, call, "start_comparison", admin)
        team = evaluators(2)
        for tender, given in {t1: [(3, 5), (4, 5)], t2: [(2, 2), (2, 2)],
                              t3: [(5, 5), (5, 5)]}.items():
            for evaluator, values in zip(team, given):
                review(tender, evaluator, quality(*values))
        return call, [t1, t2, t3, t4], team
    return make


@pytest.fixture
def decided_procurement(session, clock, admin, compared_procurement):
    """The compared procurement with the best-ranked tender awarded and the decision made on
    Friday 7.6.2024 10.00 (not delivered yet): 85 (awarded), 80, 64 points."""
    def make() -> tuple[Call, list[Submission], list[User]]:
        call, tenders, team = compared_procurement()
        decisions.award_by_ranking(session, admin, call)
        clock.set(helsinki(2024, 6, 7, 10, 0))
        fire(session, call, "decide", admin, comment="Hinta-laatusuhteeltaan paras tarjous.")
        return call, tenders, team
    return make


@pytest.fixture
def delivered_procurement(session, admin, decided_procurement):
    """The decided procurement, its decision delivered on 7.6.2024 10.00."""
    def make() -> tuple[Call, list[Submission], list[User]]:
        call, tenders, team = decided_procurement()
        fire(session, call, "deliver_decision", admin)
        return call, tenders, team
    return make
