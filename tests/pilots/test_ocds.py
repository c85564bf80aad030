"""A Jotpa procurement as an OCDS 1.1.5 release package."""
from __future__ import annotations

import csv

import pytest
from jsonschema import Draft4Validator
from support.pilots import SCHEMAS, ocds_validator

from models import Pilot
from workflow.engine import fire
from workflow.errors import WorkflowError
from workflow.pilots import api
from workflow.pilots.delivery import add_cohort, add_milestone

BASE = "https://hankeflow.example"


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    return ocds_validator()


def codes(name: str) -> set[str]:
    with open(SCHEMAS / "ocds-1.1.5" / "codelists" / f"{name}.csv", encoding="utf-8") as handle:
        return {row["Code"] for row in csv.DictReader(handle)}


def check(validator: Draft4Validator, package: dict) -> None:
    assert sorted(e.message for e in validator.iter_errors(package)) == []
    for release in package["releases"]:
        assert release["ocid"].startswith("ocds-hankeflow-")
        assert set(release["tag"]) <= codes("releaseTag")
        assert release["tender"]["status"] in codes("tenderStatus")
        assert release["tender"]["procurementMethod"] in codes("method")
        assert release["tender"]["awardCriteria"] in codes("awardCriteria")
        assert set(release["tender"]["submissionMethod"]) <= codes("submissionMethod")
        assert {role for p in release["parties"] for role in p["roles"]} <= codes("partyRole")
        for award in release.get("awards", []):
            assert award["status"] in codes("awardStatus")
        for contract in release.get("contracts", []):
            assert contract["status"] in codes("contractStatus")
            for milestone in contract.get("implementation", {}).get("milestones", []):
                assert milestone["status"] in codes("milestoneStatus")
    assert len({r["id"] for r in package["releases"]}) == len(package["releases"])


def test_a_procurement_in_pilot_delivery_is_a_valid_release_package(session, flow, admin, validator):
    """Is a contracted procurement in pilot delivery published as a valid OCDS 1.1.5
    package, stage by stage, with awards, contracts and milestones?"""
    call = flow.procurement()
    winner = flow.bidder(name="Tampereen ammattikorkeakoulu")
    tenders = [flow.tender(call, winner, price="48000"),
               flow.tender(call, flow.bidder(name="Osaamispolku Oy"), price="52000")]
    flow.contract(call, tenders)
    flow.at(2024, 8, 1, 9, 0)
    fire(session, call, "start_pilot_delivery", admin)
    pilot = session.query(Pilot).filter_by(call_id=call.id).one()
    add_cohort(session, winner, pilot, name="Syksy", planned_start="2024-09-02", planned_end="2024-11-29")
    add_milestone(session, admin, pilot, title="Väliraportti", due_at="2024-10-15T16:15")

    package = api.ocds_package(session, None, call, base_url=BASE)
    check(validator, package)
    assert [r["tag"] for r in package["releases"]] == [
        ["planning"], ["tender"], ["tenderUpdate"], ["award"], ["contract"], ["implementation"]]
    last = package["releases"][-1]
    assert last["tender"]["numberOfTenderers"] == 2
    assert last["awards"][0]["status"] == "active"
    assert last["awards"][0]["value"] == {"amount": 48000.0, "currency": "EUR"}
    assert last["contracts"][0]["implementation"]["milestones"][0]["status"] == "scheduled"
    award_release = package["releases"][3]
    assert award_release["awards"][0]["status"] == "pending"  # in its standstill
    assert package["uri"] == f"{BASE}/api/v1/calls/{call.id}/ocds"


def test_tenders_stay_sealed_in_ocds_until_opened(session, flow, validator):
    """Does the package of a procurement still taking tenders say nothing about bidders?"""
    call = flow.procurement()
    flow.tender(call, flow.bidder(name="Salainen Oy"))
    package = api.ocds_package(session, None, call, base_url=BASE)
    check(validator, package)
    assert "Salainen" not in str(package)
    assert all("tenderers" not in r["tender"] for r in package["releases"])


def test_a_cancelled_procurement_says_so(session, flow, admin, validator):
    """Is a cancelled procurement's last release a tender cancellation?"""
    call = flow.procurement()
    fire(session, call, "cancel", admin, comment="Määrärahat eivät riittäneet.")
    package = api.ocds_package(session, None, call, base_url=BASE)
    check(validator, package)
    assert package["releases"][-1]["tag"] == ["tenderCancellation"]
    assert package["releases"][-1]["tender"]["status"] == "cancelled"


def test_only_published_jotpa_procurements_have_ocds(session, make_call, clock, admin):
    """Is an unpublished procurement hidden from the public, and an ESR call not OCDS?"""
    clock.set(clock.now().replace(year=2024, month=3, day=1))
    planning = make_call("jotpa", state="planning")
    with pytest.raises(WorkflowError) as caught:
        api.ocds_package(session, None, planning, base_url=BASE)
    assert caught.value.code == "not_found"
    assert api.ocds_package(session, admin, planning, base_url=BASE)["releases"][0]["tag"] == ["planning"]
    with pytest.raises(WorkflowError):
        api.ocds_package(session, admin, make_call("esr"), base_url=BASE)
