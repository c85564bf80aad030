"""Walkers: drive one object of each workflow through the engine to any of its states.

A walker knows, for its workflow, a path of triggers from the initial state to every state
and how to make a step's guards pass (move the clock, add evaluators, write the final
report, ...). The tests use it to take every declared step from every source state with every
party the definition names, so a step added to a definition is tested without anyone
remembering to.

Adding a guard to one of these four workflows? Teach the walker's `prepare` (or `new`) to
satisfy it the way a real user would, and test the refusal itself in your own tests.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import AuditEntry, Call, Report, Submission, User
from workflow import clock as clock_module
from workflow.assignments import assign_evaluator, declare_conflict
from workflow.definitions import WORKFLOWS
from workflow.engine import fire, history
from workflow.evaluation.queries import criteria_of
from workflow.evaluation.reviews import score_and_submit
from workflow.pilots.delivery import add_cohort
from workflow.pilots.forms import ESR_INDICATOR_KEYS
from workflow.pilots.reports import update_esr_final_report, update_report
from workflow.pilots.rules import pilots_of, report_framework
from workflow.spec import Party, Step, Workflow
from workflow.timeutil import HELSINKI

from support.mail import send_mail

UTC = dt.timezone.utc


def helsinki(*args: int) -> dt.datetime:
    """An instant given as Helsinki wall-clock time: helsinki(2024, 6, 3, 16, 15)."""
    return dt.datetime(*args, tzinfo=HELSINKI).astimezone(UTC)


PASSWORD = "engine tests' password"
ESR_OPENS = helsinki(2024, 3, 11, 9, 0)
ESR_DEADLINE = helsinki(2024, 6, 3, 16, 15)
JOTPA_OPENS = helsinki(2024, 5, 15, 9, 0)
JOTPA_DEADLINE = helsinki(2024, 6, 4, 16, 15)
START = helsinki(2024, 6, 2, 9, 0)  # the clock fixture's default: both calls take submissions

ESR_CONTENT = {"title": "Mikrotutkinnot työelämään", "summary": "Tiivistelmä",
               "objectives": "Tavoitteet", "budget_total": "250000"}
JOTPA_CONTENT = {"title": "Pilotti", "pilot_plan": "Suunnitelma", "price": "48000"}
COMMENT = "Perustelu kirjattu."
ESR_FINAL_REPORT = {
    "summary": "Hanke kehitti kuusi pientä osaamiskokonaisuutta.",
    "results": "48 osallistujaa, joista 41 suoritti.",
    "indicators": {key: 6 for key in ESR_INDICATOR_KEYS}}

# The kinds of actor every matrix tries; the parties of a step are among the first three.
ACTOR_KINDS = ("admin", "owner", "system", "other_organisation", "evaluator")
PARTY_OF_KIND = {"admin": Party.ADMIN, "owner": Party.OWNER, "system": Party.SYSTEM}
KIND_OF_PARTY = {party: kind for kind, party in PARTY_OF_KIND.items()}


def default_party(step: Step) -> Party:
    """The party that takes a step on the usual path: the clock for time-driven steps."""
    if step.at and Party.SYSTEM in step.by:
        return Party.SYSTEM
    for party in (Party.ADMIN, Party.OWNER, Party.SYSTEM):
        if party in step.by:
            return party
    raise AssertionError(f"no party for {step.trigger}")


def complete_a_review(session: so.Session, evaluator: User, assignment) -> None:
    """The evaluator scores every scored criterion of the call at the top of its scale, with a
    justification, and submits the review."""
    criteria = criteria_of(session, assignment.submission.call_id)
    score_and_submit(session, evaluator, assignment, {
        c.id: {"score": c.scale_max, "justification": "Perusteltu arvio."}
        for c in criteria if c.kind == "scored"})


def add_reviews(session: so.Session, admin: User, make_user, submission: Submission,
                count: int = 2) -> list[User]:
    """`count` evaluators assigned, declared not conflicted, their reviews complete."""
    evaluators = []
    for _ in range(count):
        evaluator = make_user("evaluator")
        assignment = assign_evaluator(session, admin, submission, evaluator)
        declare_conflict(session, evaluator, assignment, conflicted=False)
        complete_a_review(session, evaluator, assignment)
        evaluators.append(evaluator)
    return evaluators


class Walker:
    workflow: Workflow
    paths: dict[str, list[str]]

    def __init__(self, session: so.Session, clock: clock_module.FrozenClock, make_user,
                 make_call, make_submission, admin: User) -> None:
        self.session = session
        self.clock = clock
        self.make_user = make_user
        self.make_call = make_call
        self.make_submission = make_submission  # a Jotpa tender comes with a micro-credential
        self.admin = admin
        self._other: User | None = None
        self._evaluator: User | None = None
        self._applicant: User | None = None

    # Objects and actors --------------------------------------------------------------------

    def new(self) -> Call | Submission:
        raise NotImplementedError

    def call_of(self, obj: Call | Submission) -> Call:
        return obj.call if isinstance(obj, Submission) else obj

    def owner(self, obj: Call | Submission) -> User:
        """The applicant who owns a submission; for a call, some applicant (owns nothing)."""
        if isinstance(obj, Submission):
            return obj.created_by
        if self._applicant is None:
            self._applicant = self.make_user("applicant")
        return self._applicant

    def actor(self, obj: Call | Submission, kind: str) -> User | None:
        if kind == "admin":
            return self.admin
        if kind == "owner":
            return self.owner(obj)
        if kind == "system":
            return None
        if kind == "other_organisation":
            if self._other is None:
                self._other = self.make_user("applicant")
            return self._other
        if kind == "evaluator":
            if self._evaluator is None:
                self._evaluator = self.make_user("evaluator")
            return self._evaluator
        raise ValueError(kind)

    def actor_for(self, obj: Call | Submission, party: Party) -> User | None:
        return self.actor(obj, KIND_OF_PARTY[party])

    # Steps ---------------------------------------------------------------------------------

    def step(self, obj: Call | Submission, trigger: str) -> Step:
        found = self.workflow.step_for(trigger, obj.state)
        assert found is not None, f"{self.workflow.name}: no {trigger} from {obj.state}"
        return found

    def comment(self, step: Step) -> str:
        return COMMENT if step.needs_comment else ""

    def inputs(self, step: Step) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field in step.inputs:
            if field.name == "granted_amount":
                values[field.name] = "120000"
            elif field.name == "due_at":
                values[field.name] = (clock_module.now() + dt.timedelta(days=7)).isoformat()
            else:
                raise AssertionError(f"the walker does not know the input {field.name}")
        return values

    def prepare(self, obj: Call | Submission, trigger: str) -> None:
        """Make the guards of `trigger` pass (the usual preparations of a real process)."""

    def take(self, obj: Call | Submission, trigger: str, party: Party | None = None) -> AuditEntry:
        """Prepare and fire one step with a party the definition names; the audit row."""
        step = self.step(obj, trigger)
        party = party or default_party(step)
        assert party in step.by
        self.prepare(obj, trigger)
        return fire(self.session, obj, trigger, self.actor_for(obj, party),
                    comment=self.comment(step), data=self.inputs(step))

    def reach(self, state: str) -> Call | Submission:
        obj = self.new()
        for trigger in self.paths[state]:
            self.take(obj, trigger)
        assert obj.state == state
        return obj

    def move_clock_to(self, instant: dt.datetime) -> None:
        if self.clock.now() < instant:
            self.clock.set(instant)


class EsrCallWalker(Walker):
    workflow = WORKFLOWS["esr-call"]
    paths = {
        "draft": [],
        "published": ["publish"],
        "open": ["publish", "open"],
        "closed": ["publish", "open", "close"],
        "in_evaluation": ["publish", "open", "close", "start_evaluation"],
        "decided": ["publish", "open", "close", "start_evaluation", "decide"],
        "archived": ["publish", "open", "close", "start_evaluation", "decide", "archive"],
    }

    def new(self) -> Call:
        self.clock.set(helsinki(2024, 3, 1, 9, 0))
        return self.make_call("esr", state="draft", opens_at=ESR_OPENS, deadline=ESR_DEADLINE)

    def prepare(self, obj: Call, trigger: str) -> None:
        if trigger == "open":
            self.move_clock_to(obj.opens_at)
        elif trigger == "close":
            self.move_clock_to(obj.deadline)


class EsrApplicationWalker(Walker):
    workflow = WORKFLOWS["esr-application"]
    _checked = ["submit", "start_eligibility_check"]
    _evaluated = [*_checked, "mark_eligible", "complete_evaluation"]
    _implementing = [*_evaluated, "approve", "start_implementation"]
    paths = {
        "draft": [],
        "submitted": ["submit"],
        "withdrawn": ["withdraw"],
        "eligibility_check": _checked,
        "returned_for_completion": [*_checked, "return_for_completion"],
        "ineligible": [*_checked, "mark_ineligible"],
        "in_evaluation": [*_checked, "mark_eligible"],
        "evaluated": _evaluated,
        "approved": [*_evaluated, "approve"],
        "rejected": [*_evaluated, "reject"],
        "in_implementation": _implementing,
        "final_report_submitted": [*_implementing, "submit_final_report"],
        "final_report_returned": [*_implementing, "submit_final_report", "return_final_report"],
        "closed": [*_implementing, "submit_final_report", "accept_final_report"],
    }

    def new(self) -> Submission:
        self.clock.set(START)
        call = self.make_call("esr", state="open", opens_at=ESR_OPENS, deadline=ESR_DEADLINE)
        return self.make_submission(call, content=dict(ESR_CONTENT))

    def prepare(self, obj: Submission, trigger: str) -> None:
        if trigger == "start_eligibility_check" and obj.call.state == "open":
            self.move_clock_to(obj.call.deadline)
            fire(self.session, obj.call, "close", None)
        elif trigger == "complete_evaluation" and not obj.assignments:
            add_reviews(self.session, self.admin, self.make_user, obj)
        elif trigger == "submit_final_report" and not obj.final_report:
            update_esr_final_report(self.session, obj.created_by, obj, ESR_FINAL_REPORT)


_PROCUREMENT_MAIN_LINE = [
    ("planning", None), ("published", "publish"), ("tendering", "start_tendering"),
    ("opened", "open_tenders"), ("qualification", "start_qualification"),
    ("comparison", "start_comparison"), ("decided", "decide"),
    ("standstill", "deliver_decision"), ("contracted", "sign_contract"),
    ("pilot_delivery", "start_pilot_delivery"), ("final_reporting", "start_final_reporting"),
    ("closed", "close")]


class JotpaProcurementWalker(Walker):
    workflow = WORKFLOWS["jotpa-procurement"]
    paths = {state: [t for _, t in _PROCUREMENT_MAIN_LINE[1:i + 1]]
             for i, (state, _) in enumerate(_PROCUREMENT_MAIN_LINE)}
    paths["cancelled"] = ["cancel"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenders: dict[int, list[Submission]] = {}

    def new(self) -> Call:
        self.clock.set(helsinki(2024, 5, 1, 9, 0))
        return self.make_call("jotpa", state="planning", opens_at=JOTPA_OPENS,
                              deadline=JOTPA_DEADLINE)

    def add_tender(self, procurement: Call, content: dict[str, Any] | None = None) -> Submission:
        tender = self.make_submission(procurement, content=dict(content or JOTPA_CONTENT),
                                      submit=True)
        self.tenders.setdefault(procurement.id, []).append(tender)
        return tender

    def report_every_pilot(self, procurement: Call) -> None:
        """The supplier delivers each pilot's cohort and final report; Jotpa accepts them
        (during pilot delivery, so that closing stays the administrator's step)."""
        self.move_clock_to(helsinki(2024, 12, 2, 10, 0))
        for pilot in pilots_of(self.session, procurement.id):
            report = self.session.scalars(sa.select(Report).where(
                Report.pilot_id == pilot.id, Report.report_type == "final")).one()
            if report.state == "accepted":
                continue
            supplier = pilot.submission.created_by
            add_cohort(self.session, supplier, pilot, name="Syksy 2024",
                       planned_start="2024-09-02", planned_end="2024-11-29",
                       actual_start="2024-09-02", actual_end="2024-11-29",
                       participants_approved=25, participants_started=24,
                       participants_completed=20)
            update_report(self.session, supplier, report, {
                "feedback_summary": "Palaute oli hyvää.",
                "framework_feedback": {key: {"rating": "worked"}
                                       for key in report_framework(report).keys}})
            fire(self.session, report, "submit", supplier)
            fire(self.session, report, "accept", self.admin)

    def prepare(self, obj: Call, trigger: str) -> None:
        tenders = self.tenders.get(obj.id, [])
        if trigger == "start_tendering":
            self.move_clock_to(obj.opens_at)
        elif trigger == "open_tenders":
            if not tenders:
                self.add_tender(obj)
            self.move_clock_to(obj.deadline)
        elif trigger == "start_comparison":
            for tender in tenders:
                if tender.state == "opened":
                    fire(self.session, tender, "qualify", self.admin)
        elif trigger == "decide":
            for i, tender in enumerate(t for t in tenders if t.state == "qualified"):
                if not tender.assignments:
                    add_reviews(self.session, self.admin, self.make_user, tender)
                fire(self.session, tender, "score", self.admin)
                fire(self.session, tender, "award" if i == 0 else "not_award", self.admin)
        elif trigger == "start_final_reporting":
            self.report_every_pilot(obj)
        elif trigger == "sign_contract":
            send_mail(self.session)  # the standstill counts from the decision letters' sending
            self.move_clock_to(helsinki(*(obj.standstill_last_day + dt.timedelta(days=1))
                                        .timetuple()[:3]))


class JotpaTenderWalker(Walker):
    workflow = WORKFLOWS["jotpa-tender"]
    paths = {
        "draft": [],
        "submitted": ["submit"],
        "withdrawn": ["withdraw"],
        "opened": ["submit", "open"],
        "qualified": ["submit", "open", "qualify"],
        "excluded": ["submit", "open", "exclude"],
        "scored": ["submit", "open", "qualify", "score"],
        "awarded": ["submit", "open", "qualify", "score", "award"],
        "not_awarded": ["submit", "open", "qualify", "score", "not_award"],
    }

    def new(self) -> Submission:
        self.clock.set(START)
        procurement = self.make_call("jotpa", state="tendering", opens_at=JOTPA_OPENS,
                                     deadline=JOTPA_DEADLINE)
        return self.make_submission(procurement, content=dict(JOTPA_CONTENT))

    def take(self, obj: Call | Submission, trigger: str, party: Party | None = None) -> AuditEntry:
        if trigger != "open":
            return super().take(obj, trigger, party)
        # A tender is opened only by its procurement's opening (at the deadline): the
        # procurement's step cascades to every submitted tender, each with its own audit row.
        party = party or default_party(self.step(obj, trigger))
        self.move_clock_to(obj.call.deadline)
        fire(self.session, obj.call, "open_tenders", self.actor_for(obj, party))
        return history(self.session, obj)[-1]

    def prepare(self, obj: Submission, trigger: str) -> None:
        procurement = obj.call
        if trigger in ("qualify", "exclude") and procurement.state == "opened":
            fire(self.session, procurement, "start_qualification", self.admin)
        elif trigger == "score":
            if procurement.state == "qualification":
                fire(self.session, procurement, "start_comparison", self.admin)
            if not obj.assignments:
                add_reviews(self.session, self.admin, self.make_user, obj)


WALKERS: dict[str, type[Walker]] = {
    cls.workflow.name: cls
    for cls in (EsrCallWalker, EsrApplicationWalker, JotpaProcurementWalker, JotpaTenderWalker)}


# The workflows of the engine core (issue 2); later workflows are tested by their owners.
CORE = [WORKFLOWS[name] for name in WALKERS]


def every_step() -> list[tuple[str, str, str, Party]]:
    """(workflow, trigger, source, party) for every step, source state and named party."""
    return [(wf.name, st.trigger, source, party)
            for wf in CORE for st in wf.steps for source in st.source for party in sorted(st.by)]


def every_step_source() -> list[tuple[str, str, str]]:
    return [(wf.name, st.trigger, source) for wf in CORE for st in wf.steps for source in st.source]


def every_state() -> list[tuple[str, str]]:
    return [(wf.name, state) for wf in CORE for state in wf.states]
