"""Certificates on the web: the printable certificate with every Annex I element, the two
credential downloads, revocation, and the public verification page."""
from __future__ import annotations

import html
import json

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from support.pilots import load_schema, open_badge_validator
from support.web import body

from workflow.framework import framework
from workflow.pilots.certificates import issue_certificate
from workflow.pilots.delivery import add_cohort, update_cohort
from workflow.pilots.signing import verify_proof


@pytest.fixture
def certified(flow, session, signer):
    """A pilot whose autumn cohort ended with 20 completers, one of whom has a certificate."""
    _, supplier, pilot = flow.delivery()
    cohort = add_cohort(session, supplier, pilot, name="Syksy 2024", planned_start="2024-09-02",
                        planned_end="2024-11-29", participants_approved=25)
    flow.at(2024, 12, 2, 10, 0)
    update_cohort(session, supplier, cohort, actual_start="2024-09-02", actual_end="2024-11-29",
                  participants_started=24, participants_completed=20)
    certificate = issue_certificate(session, supplier, cohort, learner_name="Maija Meikäläinen",
                                    learner_email="maija@example.fi", grade="4", signer=signer,
                                    base_url="https://hankeflow.example")
    return supplier, pilot, certificate


def test_the_printable_certificate_shows_every_annex_i_element(certified, login):
    """Does the printable certificate state every Annex I element (learner, title, country,
    awarding body, date, outcomes, workload, level, assessment, participation, quality
    assurance, prerequisites, supervision, grade, stackability, further information) in the
    description's language, with the print stylesheet and no inline style?"""
    supplier, _, certificate = certified
    response = login(supplier).get(f"/certificates/{certificate.public_id}")
    assert response.status_code == 200
    page = html.unescape(body(response))
    for element in framework().annex_i_elements:
        assert f'id="annex-{element.key}"' in page, element.key
        assert element.label_in("fi") in page, element.key
    for value in ("Maija Meikäläinen", "Tekoäly asiakastyössä", "Suomi, Pirkanmaa",
                  "Tampereen korkeakoulu", "2.12.2024", "Osaa arvioida tekoälyn tuottaman tiedon luotettavuutta.",
                  "5 opintopistettä (op)", "EQF-taso 6", "Projektityö ja sen esittely",
                  "Monimuotona", "Karvi", "Asiakastyön kokemus", "Valvottu verkossa",
                  "tradenomitutkinnon", "https://example.fi/tekoaly", "Todistus"):
        assert value in page, value
    assert 'href="/static/pilots.css"' in page
    assert "style=" not in page and "<script" not in page
    assert f"https://hankeflow.example/verify/{certificate.public_id}" in page


def test_the_credentials_download_as_valid_documents(certified, login):
    """Are the Open Badges 3.0 credential (signed, schema-valid) and the ELM credential
    (valid against the EDC schema) downloadable as files?"""
    supplier, _, certificate = certified
    client = login(supplier)
    response = client.get(f"/certificates/{certificate.public_id}/open-badge.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    credential = json.loads(body(response))
    assert sorted(e.message for e in open_badge_validator().iter_errors(credential)) == []
    assert verify_proof(credential) and credential == certificate.credential

    response = client.get(f"/certificates/{certificate.public_id}/elm.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    elm = json.loads(body(response))
    edc = load_schema("elm-3/edc-schema.json")
    attestation = load_schema("elm-3/attestation-schema.json")
    registry = Registry().with_resource(
        edc["$id"].rsplit("/", 1)[0] + "/vcdm2.0-attestation-schema/schema.json",
        Resource.from_contents(attestation, default_specification=DRAFT202012))
    validator = Draft202012Validator(edc, registry=registry)
    assert sorted(e.message for e in validator.iter_errors(elm)) == []
    assert elm["id"] == f"urn:uuid:{certificate.public_id}"


def test_the_public_page_verifies_and_shows_a_revocation(certified, login, anonymous, session):
    """Can anyone verify a certificate by its id without signing in (valid), and does the page
    say revoked once the supplier has revoked it with a reason?"""
    supplier, _, certificate = certified
    response = anonymous.get(f"/verify/{certificate.public_id}")
    assert response.status_code == 200
    page = html.unescape(body(response))
    assert 'data-status="valid"' in page and "Maija Meikäläinen" in page
    # The printed link (/certificates/<id>) takes others to the same page.
    response = anonymous.get(f"/certificates/{certificate.public_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{certificate.public_id}")

    client = login(supplier)
    response = client.post(f"/certificates/{certificate.public_id}/revoke", data={"reason": ""})
    assert response.status_code == 422 and 'href="#field-reason"' in body(response)
    response = client.post(f"/certificates/{certificate.public_id}/revoke",
                           data={"reason": "Myönnetty väärälle henkilölle."})
    assert response.status_code == 302
    page = html.unescape(body(anonymous.get(f"/verify/{certificate.public_id}")))
    assert 'data-status="revoked"' in page and "Myönnetty väärälle henkilölle." in page
    assert client.get(f"/certificates/{certificate.public_id}/revoke").status_code == 409


def test_a_tampered_certificate_is_invalid_and_an_unknown_id_not_found(certified, anonymous, session):
    """Does the page say invalid for a certificate whose signed content was changed, and 404
    for an id that names no certificate?"""
    _, _, certificate = certified
    changed = json.loads(json.dumps(certificate.credential))
    changed["credentialSubject"]["result"][0]["value"] = "5"
    certificate.credential = changed
    session.commit()
    page = body(anonymous.get(f"/verify/{certificate.public_id}"))
    assert 'data-status="invalid"' in page
    for bad in ("00000000-0000-4000-8000-000000000000", "ei-tunnus", "x" * 300):
        assert anonymous.get(f"/verify/{bad}").status_code == 404, bad


def test_certificates_are_not_shown_to_other_organisations(certified, login, make_user, admin):
    """Are the printable certificate and its downloads withheld from another organisation (sent
    to the public page; 404 for the documents) while Jotpa sees them?"""
    _, _, certificate = certified
    for outsider in (make_user("applicant"), make_user("evaluator")):
        client = login(outsider)
        response = client.get(f"/certificates/{certificate.public_id}")
        assert response.status_code == 302 and "/verify/" in response.headers["Location"]
        for suffix in ("open-badge.json", "elm.jsonld", "revoke"):
            assert client.get(f"/certificates/{certificate.public_id}/{suffix}").status_code == 404, suffix
        assert client.post(f"/certificates/{certificate.public_id}/revoke",
                           data={"reason": "x"}).status_code == 404
    jotpa = login(admin)
    assert jotpa.get(f"/certificates/{certificate.public_id}").status_code == 200
    assert jotpa.get(f"/certificates/{certificate.public_id}/open-badge.json").status_code == 200
