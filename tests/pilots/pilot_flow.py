"""Helpers that drive a Jotpa procurement through the engine to its contract, and describe
micro-credentials, for the pilot tests. Everything goes through the services and fire()."""
from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy.orm as so

from models import Call, ReviewScore, Submission, User
from workflow import clock as clock_module
from workflow.assignments import assign_evaluator, complete_review, declare_conflict
from workflow.engine import fire
from workflow.evaluation.decisions import award_by_ranking
from workflow.evaluation.queries import criteria_of
from workflow.pilots.descriptions import add_description
from workflow.submissions import create_draft
from workflow.timeutil import HELSINKI

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "../shared/schemas"

UTC = dt.timezone.utc


def helsinki(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI).astimezone(UTC)


JOTPA_OPENS = helsinki(2024, 5, 15, 9, 0)
JOTPA_DEADLINE = helsinki(2024, 6, 4, 16, 15)

# Every element of framework version 1 the provider writes, optional ones included.
FULL_DESCRIPTION: dict[str, Any] = {
    "title": "Tekoäly asiakastyössä",
    "country_region": {"country": "FI", "region": "Pirkanmaa"},
    "awarding_body": "Tampereen korkeakoulu",
    "learning_outcomes": ["Osaa käyttää generatiivista tekoälyä asiakasviestinnässä.",
                          "Osaa arvioida tekoälyn tuottaman tiedon luotettavuutta."],
    "workload": {"value": 5, "unit": "ects"},
    "level": "6",
    "assessment_type": "Projektityö ja sen esittely; arvioijana opettaja.",
    "participation_form": "blended",
    "quality_assurance": "Korkeakoulun laatujärjestelmä, jonka Karvi on auditoinut.",
    "prerequisites": "Asiakastyön kokemus.",
    "supervision_identity_verification": "supervised_online_id",
    "stackability": "Voidaan sisällyttää tradenomitutkinnon vapaasti valittaviin opintoihin.",
    "further_information": "Lisätietoja: https://example.fi/tekoaly",
    "language": "fi",
}


def description(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(FULL_DESCRIPTION)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


class Flow:
    """One procurement's story, step by step."""

    def __init__(self, session: so.Session, clock, admin: User, make_user, make_org,
                 make_call) -> None:
        self.session, self.clock, self.admin = session, clock, admin
        self.make_user, self.make_org, self.make_call = make_user, make_org, make_call

    def at(self, *args: int) -> None:
        self.clock.set(helsinki(*args))

    def procurement(self, **fields: Any) -> Call:
        """A procurement taking tenders, on 1.6.2024."""
        self.at(2024, 6, 1, 9, 0)
        fields.setdefault("budget", Decimal("200000"))
        return self.make_call("jotpa", state="tendering", opens_at=JOTPA_OPENS,
                              deadline=JOTPA_DEADLINE, **fields)

    def bidder(self, kind: str = "university", name: str | None = None, locale: str = "fi") -> User:
        return self.make_user("applicant", organisation=self.make_org(name=name, kind=kind),
                              locale=locale)

    def tender(self, call: Call, bidder: User, *, price: str = "48000",
               descriptions: list[dict[str, Any]] | None = None, submit: bool = True) -> Submission:
        tender = create_draft(self.session, bidder, call,
                              {"title": f"Pilotit, {bidder.organisation.name}",
                               "pilot_plan": "Kaksi toteutusta syksyllä 2024.", "price": price})
        for data in descriptions if descriptions is not None else [description()]:
            add_description(self.session, bidder, tender, data)
        if submit:
            fire(self.session, tender, "submit", bidder)
        return tender

    def review(self, tender: Submission) -> None:
        """Two evaluators, no conflict, every scored criterion at the top of its scale."""
        for _ in range(2):
            evaluator = self.make_user("evaluator")
            assignment = assign_evaluator(self.session, self.admin, tender, evaluator)
            declare_conflict(self.session, evaluator, assignment, conflicted=False)
            for criterion in criteria_of(self.session, tender.call_id):
                if criterion.kind == "scored":
                    self.session.add(ReviewScore(
                        assignment_id=assignment.id, criterion_id=criterion.id,
                        score=Decimal(criterion.scale_max), justification="Perusteltu arvio.",
                        updated_at=clock_module.now()))
            self.session.flush()
            complete_review(self.session, evaluator, assignment)

    def contract(self, call: Call, tenders: list[Submission], *, winners: int = 1) -> None:
        """Open, qualify, compare, award the best `winners`, deliver the decision on
        7.6.2024, and sign the contract on 25.6.2024 (after the standstill)."""
        self.clock.set(call.deadline)
        fire(self.session, call, "open_tenders", None)
        self.at(2024, 6, 5, 10, 0)
        fire(self.session, call, "start_qualification", self.admin)
        for tender in tenders:
            fire(self.session, tender, "qualify", self.admin)
        fire(self.session, call, "start_comparison", self.admin)
        for tender in tenders:
            self.review(tender)
        award_by_ranking(self.session, self.admin, call, winners=winners)
        fire(self.session, call, "decide", self.admin)
        self.at(2024, 6, 7, 12, 0)
        fire(self.session, call, "deliver_decision", self.admin)
        self.at(2024, 6, 25, 9, 0)
        fire(self.session, call, "sign_contract", self.admin)
