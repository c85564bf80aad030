"""Helpers of the issue-6 web tests: a Jotpa procurement driven through the engine to its
contract (as tests/pilots/pilot_flow.py does; sibling test folders share no modules), the
shared schemas, and small readers of pages."""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

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
from workflow.timeutil import HELSINKI

PASSWORD = "correct horse battery staple"  # tests/conftest.py's make_user
SCHEMAS = Path(__file__).resolve().parents[2] / "../shared/schemas"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')

JOTPA_OPENS = dt.datetime(2024, 5, 15, 9, 0, tzinfo=HELSINKI)
JOTPA_DEADLINE = dt.datetime(2024, 6, 4, 16, 15, tzinfo=HELSINKI)

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


def helsinki(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI).astimezone(dt.timezone.utc)


def description(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(FULL_DESCRIPTION)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def body(response) -> str:
    return response.get_data(as_text=True)


def csrf_token(client, path: str = "/sign-in") -> str:
    match = CSRF_INPUT.search(body(client.get(path)))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def load_schema(relative: str) -> dict[str, Any]:
    path = SCHEMAS / relative
    assert path.is_file(), f"shared schema missing: {path}"
    return json.loads(path.read_text("utf-8"))


def ocds_validator() -> Draft4Validator:
    package = load_schema("ocds-1.1.5/release-package-schema.json")
    release = load_schema("ocds-1.1.5/release-schema.json")
    registry = Registry().with_resource(
        release["id"], Resource.from_contents(release, default_specification=DRAFT4))
    return Draft4Validator(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def open_badge_validator() -> Draft201909Validator:
    schema = load_schema("openbadges-3.0/achievementcredential.json")
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


class Flow:
    """One procurement's story through the services and fire(), to its contract."""

    def __init__(self, session: so.Session, clock, admin: User, make_user, make_org, make_call):
        self.session, self.clock, self.admin = session, clock, admin
        self.make_user, self.make_org, self.make_call = make_user, make_org, make_call

    def at(self, *args: int) -> None:
        self.clock.set(helsinki(*args))

    def procurement(self) -> Call:
        """Taking tenders, on 1.6.2024."""
        self.at(2024, 6, 1, 9, 0)
        return self.make_call("jotpa", state="tendering", opens_at=JOTPA_OPENS.astimezone(dt.timezone.utc),
                              deadline=JOTPA_DEADLINE.astimezone(dt.timezone.utc),
                              budget=Decimal("200000"))

    def bidder(self, kind: str = "university", name: str | None = None, locale: str = "fi") -> User:
        return self.make_user("applicant", organisation=self.make_org(name=name, kind=kind),
                              locale=locale)

    def tender(self, call: Call, bidder: User, *, descriptions: list[dict[str, Any]] | None = None,
               submit: bool = True, price: str = "48000") -> Submission:
        tender = create_draft(self.session, bidder, call,
                              {"title": f"Pilotit, {bidder.organisation.name}",
                               "pilot_plan": "Kaksi toteutusta syksyllä 2024.", "price": price})
        for data in descriptions if descriptions is not None else [description()]:
            add_description(self.session, bidder, tender, data)
        if submit:
            fire(self.session, tender, "submit", bidder)
        return tender

    def review(self, tender: Submission) -> None:
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

    def contract(self, call: Call, tenders: list[Submission]) -> None:
        """Open, qualify, compare, award the best, deliver the decision on 7.6.2024 and sign
        the contract on 25.6.2024."""
        self.clock.set(call.deadline)
        fire(self.session, call, "open_tenders", None)
        self.at(2024, 6, 5, 10, 0)
        fire(self.session, call, "start_qualification", self.admin)
        for tender in tenders:
            fire(self.session, tender, "qualify", self.admin)
        fire(self.session, call, "start_comparison", self.admin)
        for tender in tenders:
            self.review(tender)
        award_by_ranking(self.session, self.admin, call, winners=1)
        fire(self.session, call, "decide", self.admin)
        self.at(2024, 6, 7, 12, 0)
        fire(self.session, call, "deliver_decision", self.admin)
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


# The JSON API ---------------------------------------------------------------------------------

API = "/api/v1"


def _absolute_refs(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: ("urn:hankeflow:openapi" + v if k == "$ref" and v.startswith("#") else
                    _absolute_refs(v)) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_absolute_refs(v) for v in schema]
    return schema


class ApiClient:
    """Calls /api/v1 with a bearer token and checks every answer against the OpenAPI document
    the API publishes (the documented schema for the path, method and status)."""

    def __init__(self, client, document: dict[str, Any]) -> None:
        from jsonschema import Draft202012Validator
        from referencing.jsonschema import DRAFT202012

        self.client = client
        self.document = document
        self.registry = Registry().with_resource(
            "urn:hankeflow:openapi", Resource.from_contents(document, default_specification=DRAFT202012))
        self.validator_class = Draft202012Validator

    def _template(self, path: str) -> str:
        for template in sorted(self.document["paths"], key=lambda p: (p.count("{"), p)):
            pattern = "^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)) + "$"
            if re.match(pattern, path):
                return template
        raise AssertionError(f"{path} is not documented")

    def request(self, method: str, path: str, token: str | None = None, json_body: Any = None,
                lang: str | None = None):
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if lang:
            headers["Accept-Language"] = lang
        kwargs: dict[str, Any] = {"headers": headers}
        if json_body is not None:
            kwargs.update(data=json.dumps(json_body), content_type="application/json")
        response = self.client.open(API + path, method=method, **kwargs)
        assert response.status_code < 500, body(response)
        operation = self.document["paths"][self._template(path.partition("?")[0])][method.lower()]
        documented = operation["responses"].get(str(response.status_code))
        assert documented is not None, f"{method} {path}: {response.status_code} is not documented"
        if "$ref" in documented:
            documented = self.document["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
        schema = documented["content"]["application/json"]["schema"]
        validator = self.validator_class(_absolute_refs(schema), registry=self.registry)
        errors = sorted(validator.iter_errors(response.get_json()), key=lambda e: list(e.path))
        assert not errors, f"{method} {path}: {errors[0].message} at {list(errors[0].path)}"
        return response

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs):
        return self.request("POST", path, json_body=body, **kwargs)
