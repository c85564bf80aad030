"""A Jotpa procurement driven through the services and fire() to its contract and its pilot
delivery (`Flow`, and the `flow` fixture: a plugin of tests/conftest.py), micro-credential
descriptions, and the shared schemas (../shared/schemas beside the checkout) with their
validators. Used by tests/pilots (the services) and tests/web_pilots (the pages and the API)."""
from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy.orm as so
from jsonschema import Draft4Validator, Draft201909Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from models import Call, Pilot, ReviewScore, Submission, User
from workflow import clock as clock_module
from workflow.assignments import assign_evaluator, complete_review, declare_conflict
from workflow.engine import fire
from workflow.evaluation.decisions import award_by_ranking
from workflow.evaluation.queries import criteria_of
from workflow.pilots.descriptions import add_description
from workflow.submissions import create_draft

from support import JOTPA_DEADLINE, JOTPA_OPENS, helsinki
from support.mail import send_mail

SCHEMAS = Path(__file__).resolve().parents[2] / "../shared/schemas"

# A complete micro-credential description (every Annex I element the provider writes): a
# Jotpa tender needs at least one to be submitted (guards.descriptions_complete).
MICRO_CREDENTIAL: dict[str, Any] = {
    "title": "Tekoäly asiakastyössä",
    "country_region": {"country": "FI", "region": "Pirkanmaa"},
    "learning_outcomes": ["Osaa käyttää generatiivista tekoälyä asiakasviestinnässä.",
                          "Osaa arvioida tekoälyn tuottaman tiedon luotettavuutta."],
    "workload": {"value": 5, "unit": "ects"},
    "level": "6",
    "assessment_type": "Projektityö ja sen esittely; arvioijana opettaja.",
    "participation_form": "blended",
    "quality_assurance": "Korkeakoulun laatujärjestelmä, jonka Karvi on auditoinut.",
}
# Every element of framework version 1 the provider writes, optional ones included.
FULL_DESCRIPTION: dict[str, Any] = {
    **MICRO_CREDENTIAL,
    "awarding_body": "Tampereen korkeakoulu",
    "prerequisites": "Asiakastyön kokemus.",
    "supervision_identity_verification": "supervised_online_id",
    "stackability": "Voidaan sisällyttää tradenomitutkinnon vapaasti valittaviin opintoihin.",
    "further_information": "Lisätietoja: https://example.fi/tekoaly",
    "language": "fi",
}


def description(**changes: Any) -> dict[str, Any]:
    """FULL_DESCRIPTION with these elements changed (None: left out)."""
    data = copy.deepcopy(FULL_DESCRIPTION)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def load_schema(relative: str) -> dict[str, Any]:
    path = SCHEMAS / relative
    assert path.is_file(), f"shared schema missing: {path} (CI keeps shared/ beside the checkout)"
    return json.loads(path.read_text("utf-8"))


def ocds_validator() -> Draft4Validator:
    """The OCDS 1.1.5 release package schema, with the release schema it refers to."""
    package = load_schema("ocds-1.1.5/release-package-schema.json")
    release = load_schema("ocds-1.1.5/release-schema.json")
    registry = Registry().with_resource(
        release["id"], Resource.from_contents(release, default_specification=DRAFT4))
    return Draft4Validator(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def open_badge_validator() -> Draft201909Validator:
    schema = load_schema("openbadges-3.0/achievementcredential.json")
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


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
        send_mail(self.session)  # the decision letters leave: the standstill runs from then
        self.at(2024, 6, 25, 9, 0)
        fire(self.session, call, "sign_contract", self.admin)

    def delivery(self, *, supplier_locale: str = "fi") -> tuple[Call, User, Pilot]:
        """A contracted procurement in pilot delivery since 1.8.2024, with one pilot."""
        call = self.procurement()
        supplier = self.bidder("university_of_applied_sciences", name="Tampereen ammattikorkeakoulu",
                               locale=supplier_locale)
        tender = self.tender(call, supplier)
        self.contract(call, [tender])
        self.at(2024, 8, 1, 9, 0)
        fire(self.session, call, "start_pilot_delivery", self.admin)
        pilot = self.session.query(Pilot).filter_by(call_id=call.id).one()
        return call, supplier, pilot


@pytest.fixture
def flow(session, clock, admin, make_user, make_org, make_call) -> Flow:
    return Flow(session, clock, admin, make_user, make_org, make_call)
