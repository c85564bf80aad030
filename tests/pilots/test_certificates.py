"""Certificates: Open Badges 3.0 and European Learning Model documents, signatures,
verification, revocation, and the limits on issuing."""
from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import Draft201909Validator, Draft202012Validator
from support.pilots import description
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from models import AuditEntry, Pilot
from workflow.engine import fire
from workflow.errors import WorkflowError
from workflow.framework import framework
from workflow.pilots import api
from workflow.pilots.certificates import (ELM_ANNEX_I_PATHS, OB_ANNEX_I_PATHS, european_learning_model,
                                          issue_certificate, revoke_certificate, verify)
from workflow.pilots.delivery import add_cohort, update_cohort
from workflow.pilots.signing import verify_proof

BASE = "https://hankeflow.example"


@pytest.fixture
def delivered(session, flow, admin):
    """A pilot in delivery whose autumn cohort has ended: 20 of 24 completed."""
    call = flow.procurement()
    supplier = flow.bidder("university_of_applied_sciences", name="Tampereen ammattikorkeakoulu")
    tender = flow.tender(call, supplier)
    flow.contract(call, [tender])
    flow.at(2024, 8, 1, 9, 0)
    fire(session, call, "start_pilot_delivery", admin)
    pilot = session.query(Pilot).filter_by(call_id=call.id).one()
    cohort = add_cohort(session, supplier, pilot, name="Syksy 2024", planned_start="2024-09-02",
                        planned_end="2024-11-29", participants_approved=25)
    flow.at(2024, 12, 2, 10, 0)
    update_cohort(session, supplier, cohort, actual_start="2024-09-02", actual_end="2024-11-29",
                  participants_started=24, participants_completed=20)
    return supplier, pilot, cohort


def issue(session, supplier, cohort, signer, **changes: Any):
    fields = {"learner_name": "Maija Meikäläinen", "learner_email": "Maija@Example.fi",
              "grade": "4", "signer": signer, "base_url": BASE, **changes}
    return issue_certificate(session, supplier, cohort, **fields)


def resolve(document: dict[str, Any], path: str) -> Any:
    """A dotted path; `[0]` takes an item, `[key]` the note whose subject is that element."""
    value: Any = document
    for part in path.split("."):
        name, _, index = part.partition("[")
        if name:
            value = value[name]
        if index:
            key = index.rstrip("]")
            if key.isdigit():
                value = value[int(key)]
            else:
                value = next(n for n in value if n["subject"]["id"].endswith(key))
    return value


def test_the_open_badge_is_valid_against_the_ob_3_schema_and_signed(session, delivered, signer, load_schema):
    """Is the certificate an Open Badges 3.0 credential the published schema accepts, with a
    signature that verifies, and that breaks when anything is changed?"""
    supplier, _, cohort = delivered
    certificate = issue(session, supplier, cohort, signer)
    credential = certificate.credential
    schema = load_schema("openbadges-3.0/achievementcredential.json")
    validator = Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)
    assert sorted(e.message for e in validator.iter_errors(credential)) == []
    assert credential["@context"][:2] == ["https://www.w3.org/ns/credentials/v2",
                                          "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert {"VerifiableCredential", "OpenBadgeCredential"} <= set(credential["type"])
    assert credential["credentialSubject"]["achievement"]["achievementType"] == "MicroCredential"
    assert verify_proof(credential)
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["result"][0]["value"] = "5"
    assert not verify_proof(tampered)
    # Stored as issued: reading it back from the database still verifies.
    session.expire(certificate)
    assert verify_proof(api.certificate_credential(session, supplier, certificate.public_id))


def test_the_open_badge_carries_every_annex_i_element(session, delivered, signer):
    """Does the Open Badges credential state each Annex I element, with the EQF level as an
    alignment and quality assurance in the micro-credential extension?"""
    supplier, _, cohort = delivered
    credential = issue(session, supplier, cohort, signer).credential
    for element in framework().annex_i_elements:
        assert resolve(credential, OB_ANNEX_I_PATHS[element.key]), element.key
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["alignment"][0]["targetUrl"] == "http://data.europa.eu/snb/eqf/6"
    assert achievement["microCredential"]["quality_assurance"].startswith("Korkeakoulun")
    assert achievement["creditsAvailable"] == 5
    identities = {i["identityType"]: i for i in credential["credentialSubject"]["identifier"]}
    assert identities["name"]["identityHash"] == "Maija Meikäläinen"
    assert identities["emailAddress"]["hashed"] is True
    assert "maija@example.fi" not in str(credential)


def test_the_elm_document_carries_every_annex_i_element_and_fits_the_edc_schema(
        session, delivered, signer, load_schema):
    """Does the European Learning Model document hold each Annex I element where the
    Commission's sample keeps it, and pass the EDC schema?"""
    supplier, _, cohort = delivered
    certificate = issue(session, supplier, cohort, signer)
    elm = api.certificate_elm(session, supplier, certificate.public_id, base_url=BASE)
    for element in framework().annex_i_elements:
        assert resolve(elm, ELM_ANNEX_I_PATHS[element.key]), element.key
    claim = elm["credentialSubject"]["hasClaim"][0]
    assert claim["specifiedBy"]["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/6"
    assert claim["specifiedBy"]["creditPoint"][0]["point"] == "5"
    assert claim["specifiedBy"]["volumeOfLearning"] == "PT135H"
    assert claim["provenBy"][0]["grade"]["noteLiteral"] == {"fi": "4"}

    # The sample's shape: the same top-level members (VCDM 2.0 dates instead of 1.1's).
    sample = load_schema("elm-3/sample-microcredential-annex1.jsonld")
    assert set(sample) - {"@context"} <= set(elm) | {"issuanceDate"}
    edc = load_schema("elm-3/edc-schema.json")
    attestation = load_schema("elm-3/attestation-schema.json")
    registry = Registry().with_resource(
        edc["$id"].rsplit("/", 1)[0] + "/vcdm2.0-attestation-schema/schema.json",
        Resource.from_contents(attestation, default_specification=DRAFT202012))
    validator = Draft202012Validator(edc, registry=registry,
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert sorted(e.message for e in validator.iter_errors(elm)) == []


def test_verification_says_valid_then_revoked(session, delivered, signer, admin):
    """Does the public verification show a valid certificate, and a revoked one as revoked?"""
    supplier, _, cohort = delivered
    certificate = issue(session, supplier, cohort, signer)
    shown = verify(session, certificate.public_id.upper(), "sv")
    assert (shown["status"], shown["signature_valid"]) == ("valid", True)
    assert shown["title"] == "Tekoäly asiakastyössä" and shown["workload"] == "5 studiepoäng (sp)"
    revoke_certificate(session, admin, certificate, "Myönnetty väärälle henkilölle.")
    assert verify(session, certificate.public_id)["status"] == "revoked"
    for unknown in ("00000000-0000-0000-0000-000000000000", "not-a-uuid", None):
        with pytest.raises(WorkflowError) as caught:
            verify(session, unknown)
        assert caught.value.code == "not_found"


def test_a_changed_stored_credential_fails_verification(session, delivered, signer):
    """If the stored credential were altered, would verification say so?"""
    supplier, _, cohort = delivered
    certificate = issue(session, supplier, cohort, signer)
    altered = copy.deepcopy(certificate.credential)
    altered["name"] = "Jotain muuta"
    certificate.credential = altered
    session.flush()
    assert verify(session, certificate.public_id)["status"] == "invalid"


def test_no_more_certificates_than_completed_participants(session, delivered, signer):
    """Can a cohort get more certificates than it has completed participants?"""
    supplier, _, cohort = delivered
    update_cohort(session, supplier, cohort, participants_completed=1)
    issue(session, supplier, cohort, signer)
    with pytest.raises(WorkflowError) as caught:
        issue(session, supplier, cohort, signer, learner_name="Matti", learner_email="m@example.fi")
    assert caught.value.code == "invalid_input"
    # Nor can the count drop below the certificates already issued.
    with pytest.raises(WorkflowError):
        update_cohort(session, supplier, cohort, participants_completed=0)


def test_a_certificate_needs_a_name_and_an_email(session, delivered, signer):
    """Are a missing name, a bad e-mail and a completion day before the cohort refused?"""
    supplier, _, cohort = delivered
    with pytest.raises(WorkflowError) as caught:
        issue(session, supplier, cohort, signer, learner_name=" ", learner_email="maija",
              completed_on="2024-01-01")
    assert set(caught.value.details) == {"learner_name", "learner_email", "completed_on"}


def test_only_the_supplier_issues_and_personal_data_stays_out_of_the_audit(
        session, delivered, signer, admin, flow):
    """Can only the supplier issue certificates, see them with Jotpa, and is the learner
    left out of the audit trail?"""
    supplier, pilot, cohort = delivered
    for outsider in (admin, flow.bidder()):
        with pytest.raises(WorkflowError) as caught:
            issue(session, outsider, cohort, signer)
        assert caught.value.code == "not_allowed"
    certificate = issue(session, supplier, cohort, signer)
    assert [c["id"] for c in api.list_certificates(session, supplier)] == [certificate.public_id]
    assert [c["id"] for c in api.list_certificates(session, admin)] == [certificate.public_id]
    assert api.list_certificates(session, flow.bidder()) == []
    with pytest.raises(WorkflowError):
        api.certificate_credential(session, flow.bidder(), certificate.public_id)
    entries = session.query(AuditEntry).filter_by(object_id=pilot.submission_id,
                                                  trigger="certificate_issued").all()
    assert len(entries) == 1 and "Maija" not in str(entries[0].data)


def test_an_optional_element_left_out_is_simply_absent(session, flow, admin, signer, load_schema):
    """Is a certificate of a description without optional elements (and with no EQF level)
    still valid in both formats?"""
    call = flow.procurement()
    supplier = flow.bidder("training_company")
    minimal = description(prerequisites=None, supervision_identity_verification=None,
                          stackability=None, further_information=None, level="not_applicable",
                          workload={"value": 40, "unit": "hours"}, language="en")
    tender = flow.tender(call, supplier, descriptions=[minimal])
    flow.contract(call, [tender])
    flow.at(2024, 8, 1, 9, 0)
    fire(session, call, "start_pilot_delivery", admin)
    pilot = session.query(Pilot).filter_by(call_id=call.id).one()
    cohort = add_cohort(session, supplier, pilot, name="A", planned_start="2024-09-02",
                        planned_end="2024-09-30", participants_approved=3)
    flow.at(2024, 10, 1, 9, 0)
    update_cohort(session, supplier, cohort, actual_start="2024-09-02", actual_end="2024-09-30",
                  participants_started=3, participants_completed=3)
    certificate = issue(session, supplier, cohort, signer, grade=None)
    assert certificate.credential["credentialSubject"]["result"][0]["value"] == "pass"
    assert "alignment" not in certificate.credential["credentialSubject"]["achievement"]
    elm = european_learning_model(certificate, BASE)
    spec = elm["credentialSubject"]["hasClaim"][0]["specifiedBy"]
    assert "eqfLevel" not in spec and spec["volumeOfLearning"] == "PT40H"
    assert any(n["subject"]["id"].endswith("level") for n in spec["additionalNote"])
    ob = Draft201909Validator(load_schema("openbadges-3.0/achievementcredential.json"))
    assert list(ob.iter_errors(certificate.credential)) == []
