"""Certificates for learners who complete a pilot: issuing, revoking, verifying, and the two
documents a certificate is published as.

- An Open Badges 3.0 `OpenBadgeCredential` (a W3C Verifiable Credential 2.0), signed with an
  `eddsa-jcs-2022` Data Integrity proof (signing.py) and stored as issued.
- A European Learning Model (ELM 3 / Europass EDC) JSON-LD credential shaped after the
  Commission's micro-credential sample, built from what the certificate froze at issuing.

Both carry every element of the EU Council Recommendation's Annex I; `OB_ANNEX_I_PATHS` and
`ELM_ANNEX_I_PATHS` say where (README.md has the table, and how the EQF level and quality
assurance travel in Open Badges, which has no field of its own for them).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import secrets
import uuid
from typing import Any
from xml.sax.saxutils import escape

import sqlalchemy as sa
import sqlalchemy.orm as so
from babel import Locale

from models import Certificate, Cohort, User

from .. import clock
from ..config import Settings
from ..engine import record_event
from ..errors import WorkflowError, not_allowed
from ..framework import framework
from ..framework.validation import format_workload
from ..i18n import N_, translate
from ..timeutil import helsinki_date
from . import access
from .signing import Signer, verify_proof

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_MAX = 200
GRADE_MAX = 60

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
# Annex I elements without an Open Badges field travel in this extension: the description's
# values under `microCredential`, a JSON literal (`@json`) so the terms inside need no
# definitions of their own.
EXTENSION_CONTEXT = {
    "@version": 1.1,
    "microCredential": {"@id": "urn:hankeflow:terms:microCredential", "@type": "@json"},
}
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"

ELM_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
ELM_SCHEMA = "http://data.europa.eu/snb/model/ap/edc-generic-full"

# Where each Annex I element is in the two documents (dotted paths; [0] is the first item).
OB_ANNEX_I_PATHS = {
    "learner_identification": "credentialSubject.identifier",
    "title": "credentialSubject.achievement.name",
    "country_region": "issuer.address.addressCountryCode",
    "awarding_body": "issuer.name",
    "date_of_issuing": "validFrom",
    "learning_outcomes": "credentialSubject.achievement.criteria.narrative",
    "workload": "credentialSubject.achievement.microCredential.workload",
    "level": "credentialSubject.achievement.alignment",
    "assessment_type": "credentialSubject.achievement.microCredential.assessment_type",
    "participation_form": "credentialSubject.achievement.microCredential.participation_form",
    "quality_assurance": "credentialSubject.achievement.microCredential.quality_assurance",
    "prerequisites": "credentialSubject.achievement.microCredential.prerequisites",
    "supervision_identity_verification":
        "credentialSubject.achievement.microCredential.supervision_identity_verification",
    "grade": "credentialSubject.result[0].value",
    "stackability": "credentialSubject.achievement.microCredential.stackability",
    "further_information": "credentialSubject.achievement.microCredential.further_information",
}
_CLAIM = "credentialSubject.hasClaim[0]"
_SPEC = f"{_CLAIM}.specifiedBy"
ELM_ANNEX_I_PATHS = {
    "learner_identification": "credentialSubject.fullName",
    "title": f"{_CLAIM}.title",
    "country_region": f"{_CLAIM}.awardedBy.awardingBody[0].location[0].address[0].countryCode",
    "awarding_body": f"{_CLAIM}.awardedBy.awardingBody[0].legalName",
    "date_of_issuing": f"{_CLAIM}.awardedBy.awardingDate",
    "learning_outcomes": f"{_SPEC}.learningOutcome",
    "workload": f"{_SPEC}.creditPoint",
    "level": f"{_SPEC}.eqfLevel",
    "assessment_type": f"{_CLAIM}.provenBy[0].specifiedBy[0].description",
    "participation_form": f"{_SPEC}.mode",
    "quality_assurance": f"{_SPEC}.additionalNote[quality_assurance]",
    "prerequisites": f"{_SPEC}.entryRequirement",
    "supervision_identity_verification": f"{_CLAIM}.provenBy[0].idVerification",
    "grade": f"{_CLAIM}.provenBy[0].grade",
    "stackability": f"{_SPEC}.additionalNote[stackability]",
    "further_information": f"{_SPEC}.additionalNote[further_information]",
}

# Europass controlled vocabularies, as the Commission's sample uses them. Values with no
# published concept we could confirm get a hankeflow URN with a label instead.
LANGUAGE_IDS = {"fi": "FIN", "sv": "SWE", "en": "ENG"}
LANGUAGE_NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}
MODE_IDS = {"online": "http://data.europa.eu/snb/learning-assessment/920fbb3cbe",
            "blended": "http://data.europa.eu/snb/learning-assessment/e92d221e4d",
            "on_site": "http://data.europa.eu/snb/learning-assessment/9191af2ed9"}
SUPERVISION_IDS = {"unsupervised_no_id": "http://data.europa.eu/snb/supervision-verification/c598449d64"}
ECTS_ID = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
GENERIC_PROFILE = "http://data.europa.eu/snb/credential/e34929035b"
NOTE_SUBJECTS = ("quality_assurance", "stackability", "further_information")

PASS = {"fi": "hyväksytty", "sv": "godkänd", "en": "pass"}
CERTIFICATE = N_("Certificate")
COMPLETED = N_("has completed the micro-credential")
VERIFY_AT = N_("Verify this certificate at")


def _not_found() -> WorkflowError:
    return WorkflowError("not_found", N_("Not found."))


def default_signer() -> Signer:
    return Signer.from_instance(Settings.from_env().instance_path)


def default_base_url() -> str:
    return Settings.from_env().base_url


def _iso(instant: dt.datetime) -> str:
    return instant.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# Issuing -------------------------------------------------------------------------------------

def issue_certificate(session: so.Session, actor: User, cohort: Cohort, *, learner_name: Any,
                      learner_email: Any, grade: Any = None, completed_on: Any = None,
                      signer: Signer | None = None, base_url: str | None = None) -> Certificate:
    """A signed certificate for one learner of the cohort who completed. A cohort gets at
    most as many certificates as it has completed participants."""
    pilot = cohort.pilot
    if not access.can_issue_certificates(actor, pilot):
        raise not_allowed()
    now = clock.now()
    today = helsinki_date(now)
    errors: dict[str, str] = {}
    name = str(learner_name or "").strip()
    if not name:
        errors["learner_name"] = N_("Required.")
    elif len(name) > NAME_MAX:
        errors["learner_name"] = N_("The text is too long.")
    email = str(learner_email or "").strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        errors["learner_email"] = N_("Enter a valid e-mail address.")
    grade_text = str(grade).strip() if grade not in (None, "") else None
    if grade_text and len(grade_text) > GRADE_MAX:
        errors["grade"] = N_("The text is too long.")
    try:
        day = (cohort.actual_end or today) if completed_on in (None, "") else (
            completed_on if isinstance(completed_on, dt.date) else dt.date.fromisoformat(str(completed_on)))
        if cohort.actual_start is None or not cohort.actual_start <= day <= today:
            raise ValueError
    except (ValueError, TypeError):
        day = today
        errors["completed_on"] = N_("Enter a day between the cohort's start and today.")
    if errors:
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."),
                            fields=", ".join(errors), details=errors)
    issued = session.scalar(sa.select(sa.func.count()).select_from(Certificate).where(
        Certificate.cohort_id == cohort.id, Certificate.revoked_at.is_(None))) or 0
    if issued >= cohort.participants_completed:
        raise WorkflowError("invalid_input",
                            N_("Every completed participant of this cohort has a certificate. "
                               "Record the completion in the cohort first."),
                            details={"participants_completed": N_("Invalid value.")})
    description = pilot.description
    organisation = pilot.submission.organisation
    certificate = Certificate(
        public_id=str(uuid.uuid4()), pilot=pilot, cohort=cohort, learner_name=name,
        learner_email=email, grade=grade_text, completed_on=day, issued_at=now,
        issued_by_id=actor.id,
        description_snapshot={"framework_version": description.framework_version,
                              "data": description.submitted_data or description.data},
        awarding_body={"organisation_id": organisation.id, "name": organisation.name,
                       "business_id": organisation.business_id, "kind": organisation.kind},
        credential={})
    certificate.credential = (signer or default_signer()).sign(
        open_badge(certificate, base_url or default_base_url()), created=now)
    session.add(certificate)
    session.flush()
    # The audit row names the certificate, never the learner.
    record_event(session, pilot.submission, "certificate_issued", actor,
                 data={"pilot_id": pilot.id, "certificate_id": certificate.public_id})
    return certificate


def revoke_certificate(session: so.Session, actor: User, certificate: Certificate,
                       reason: Any) -> Certificate:
    if not access.can_revoke_certificate(actor, certificate):
        raise not_allowed()
    text = str(reason or "").strip()
    if not text:
        raise WorkflowError("comment_required", N_("Write the reason."), details={"reason": "required"})
    certificate.revoked_at = clock.now()
    certificate.revocation_reason = text[:2000]
    session.flush()
    record_event(session, certificate.pilot.submission, "certificate_revoked", actor,
                 comment=certificate.revocation_reason,
                 data={"certificate_id": certificate.public_id})
    return certificate


def find_certificate(session: so.Session, certificate_id: Any) -> Certificate | None:
    try:
        public_id = str(uuid.UUID(str(certificate_id)))
    except (ValueError, TypeError, AttributeError):
        return None
    return session.scalar(sa.select(Certificate).where(Certificate.public_id == public_id))


def verify(session: so.Session, certificate_id: Any, locale: str = "fi") -> dict[str, Any]:
    """The public verification page's data: whether the certificate exists, is unchanged
    since it was signed, and is not revoked; and what it states. No login needed: the id is
    a random UUID the learner shares."""
    certificate = find_certificate(session, certificate_id)
    if certificate is None:
        raise _not_found()
    signature_valid = verify_proof(certificate.credential)
    status = ("revoked" if certificate.revoked_at else "valid" if signature_valid else "invalid")
    data = certificate.description_snapshot["data"]
    fw = framework(certificate.description_snapshot["framework_version"])
    return {"id": certificate.public_id, "status": status, "signature_valid": signature_valid,
            "title": data.get("title", ""), "learner_name": certificate.learner_name,
            "awarding_body": data.get("awarding_body") or certificate.awarding_body["name"],
            "issued_on": helsinki_date(certificate.issued_at).isoformat(),
            "completed_on": certificate.completed_on.isoformat(),
            "workload": format_workload(data["workload"], fw, locale) if data.get("workload") else None,
            "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
            "revocation_reason": certificate.revocation_reason or None,
            "verification_method": (certificate.credential.get("proof") or [{}])[0].get("verificationMethod")}


def certificate_summary(certificate: Certificate) -> dict[str, Any]:
    """One row of a certificate list (API, web)."""
    return {"id": certificate.public_id, "pilot_id": certificate.pilot_id,
            "cohort_id": certificate.cohort_id,
            "title": certificate.description_snapshot["data"].get("title", ""),
            "learner_name": certificate.learner_name, "issued_at": _iso(certificate.issued_at),
            "revoked": certificate.revoked_at is not None}


# Open Badges 3.0 -----------------------------------------------------------------------------

def _language(data: dict[str, Any]) -> str:
    return data.get("language") or "fi"


def _issuer_profile(certificate: Certificate, data: dict[str, Any], base_url: str) -> dict[str, Any]:
    body = certificate.awarding_body
    language = _language(data)
    country = data.get("country_region", {}).get("country", "FI")
    address = {"type": ["Address"], "addressCountryCode": country,
               "addressCountry": Locale.parse(language).territories.get(country, country)}
    if data.get("country_region", {}).get("region"):
        address["addressRegion"] = data["country_region"]["region"]
    return {"id": f"{base_url}/organisations/{body['organisation_id']}", "type": ["Profile"],
            "name": data.get("awarding_body") or body["name"], "address": address,
            "otherIdentifier": [{"type": "IdentifierEntry", "identifier": body["business_id"],
                                 "identifierType": "ext:FinnishBusinessId"}]}


def open_badge(certificate: Certificate, base_url: str) -> dict[str, Any]:
    """The unsigned Open Badges 3.0 credential of a certificate."""
    snapshot = certificate.description_snapshot
    data = snapshot["data"]
    fw = framework(snapshot["framework_version"])
    language = _language(data)
    issuer = _issuer_profile(certificate, data, base_url)
    outcomes = data.get("learning_outcomes", [])
    workload = data.get("workload")
    achievement: dict[str, Any] = {
        "id": f"{base_url}/pilots/{certificate.pilot_id}/achievement",
        "type": ["Achievement"], "achievementType": "MicroCredential",
        "name": data.get("title", ""),
        "description": "; ".join(outcomes) or data.get("title", ""),
        "criteria": {"narrative": "\n".join(f"- {o}" for o in outcomes)},
        "inLanguage": language, "creator": issuer,
        # Annex I elements with no Open Badges field, as the description states them.
        "microCredential": {
            "frameworkVersion": fw.version,
            **{key: value for key, value in data.items()
               if key not in ("title", "awarding_body", "language", "learning_outcomes")},
            **({"workloadText": format_workload(workload, fw, language)} if workload else {}),
        },
    }
    level = data.get("level")
    if level and level != "not_applicable":
        # The EQF level as an alignment to the framework's published level.
        achievement["alignment"] = [{
            "type": ["Alignment"], "targetType": "ext:EQFLevel", "targetCode": level,
            "targetName": f"EQF level {level}",
            "targetFramework": "European Qualifications Framework",
            "targetUrl": f"http://data.europa.eu/snb/eqf/{level}"}]
    if workload and workload["unit"] == "ects":
        achievement["creditsAvailable"] = workload["value"]
    # The e-mail travels hashed and salted (OB 3.0 IdentityObject); the name in the clear, as
    # the learner identification on the certificate.
    salt = secrets.token_hex(8)
    email_hash = hashlib.sha256((certificate.learner_email + salt).encode()).hexdigest()
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {"type": "IdentityObject", "identityType": "name", "hashed": False,
             "identityHash": certificate.learner_name},
            {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
             "identityHash": f"sha256${email_hash}", "salt": salt}],
        "achievement": achievement,
        "result": [{"type": ["Result"], "value": certificate.grade or PASS[language]}],
    }
    if workload and workload["unit"] == "ects":
        subject["creditsEarned"] = workload["value"]
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT, EXTENSION_CONTEXT],
        "id": f"urn:uuid:{certificate.public_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": data.get("title", ""),
        "issuer": issuer,
        "validFrom": _iso(certificate.issued_at),
        "awardedDate": _iso(certificate.issued_at),
        "credentialSubject": subject,
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }


# European Learning Model ---------------------------------------------------------------------

def _concept(concept_id: str, scheme: str | None, label: dict[str, str],
             notation: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"id": concept_id, "type": "Concept"}
    if scheme:
        concept["inScheme"] = {"id": scheme, "type": "ConceptScheme"}
    if notation:
        concept["notation"] = notation
    concept["prefLabel"] = label
    return concept


def _language_concept(language: str) -> dict[str, Any]:
    return _concept(f"http://publications.europa.eu/resource/authority/language/{LANGUAGE_IDS[language]}",
                    "http://publications.europa.eu/resource/authority/language",
                    {"en": LANGUAGE_NAMES[language]}, "language")


def _note(text: str, language: str, note_id: str, subject: dict[str, Any] | None = None) -> dict[str, Any]:
    note: dict[str, Any] = {"id": note_id, "type": "Note", "noteLiteral": {language: text}}
    if subject:
        note["subject"] = subject
    return note


def european_learning_model(certificate: Certificate, base_url: str | None = None) -> dict[str, Any]:
    """The certificate as a European Digital Credential (ELM 3, VCDM 2.0 JSON-LD)."""
    base_url = base_url or default_base_url()
    snapshot = certificate.description_snapshot
    data = snapshot["data"]
    fw = framework(snapshot["framework_version"])
    lang = _language(data)
    uid = certificate.public_id
    body = certificate.awarding_body
    country = data.get("country_region", {}).get("country", "FI")
    country_element = fw.element("country_region")
    location: dict[str, Any] = {
        "id": f"urn:epass:location:{uid}", "type": "Location",
        "address": [{"id": f"urn:epass:address:{uid}", "type": "Address",
                     "countryCode": _concept(
                         f"http://publications.europa.eu/resource/authority/country/{country_element.allowed[country]}",
                         "http://publications.europa.eu/resource/authority/country",
                         {lang: Locale.parse(lang).territories.get(country, country)}, "country")}]}
    if data.get("country_region", {}).get("region"):
        location["description"] = {lang: data["country_region"]["region"]}
    organisation = {
        "id": f"urn:epass:org:{body['business_id']}", "type": "Organisation",
        "legalName": {lang: data.get("awarding_body") or body["name"]},
        "registration": {"id": f"urn:epass:legalIdentifier:{body['business_id']}",
                         "type": "LegalIdentifier", "notation": body["business_id"],
                         "schemeName": "Y-tunnus",
                         "spatial": _concept("http://publications.europa.eu/resource/authority/country/FIN",
                                             "http://publications.europa.eu/resource/authority/country",
                                             {"en": "Finland"}, "country")},
        "location": [location],
        "homepage": [{"id": f"urn:epass:webResource:org:{uid}", "type": "WebResource",
                      "contentURL": f"{base_url}/organisations/{body['organisation_id']}"}]}
    issued = _iso(certificate.issued_at)
    awarding = {"id": f"urn:epass:awardingProcess:{uid}", "type": "AwardingProcess",
                "awardingBody": [organisation], "awardingDate": issued}

    spec: dict[str, Any] = {
        "id": f"urn:epass:qualification:{uid}", "type": "Qualification",
        "title": {lang: data.get("title", "")},
        "language": [_language_concept(lang)],
        "learningOutcome": [{"id": f"urn:epass:learningOutcome:{uid}:{i}", "type": "LearningOutcome",
                             "title": {lang: text}}
                            for i, text in enumerate(data.get("learning_outcomes", []), start=1)],
        "dcType": [_concept("http://data.europa.eu/snb/learning-opportunity/74a4a268e8",
                            "http://data.europa.eu/snb/learning-opportunity/25831c2",
                            {"en": "Short learning programme"})],
    }
    workload = data.get("workload")
    if workload:
        unit = fw.workload_units[workload["unit"]]
        if workload["unit"] == "ects":
            framework_concept = _concept(ECTS_ID, "http://data.europa.eu/snb/education-credit/25831c2",
                                         {"en": "European Credit Transfer System"})
        else:
            framework_concept = _concept(f"urn:hankeflow:education-credit:{workload['unit']}", None,
                                         {lang: unit.label_in(lang)})
        spec["creditPoint"] = [{"id": f"urn:epass:creditPoint:{uid}", "type": "CreditPoint",
                                "framework": framework_concept, "point": str(workload["value"])}]
        if unit.hours_per_unit:
            hours = round(workload["value"] * unit.hours_per_unit)
            spec["volumeOfLearning"] = f"PT{hours}H"
    level = data.get("level")
    if level and level != "not_applicable":
        spec["eqfLevel"] = _concept(f"http://data.europa.eu/snb/eqf/{level}",
                                    "http://data.europa.eu/snb/eqf/25831c2", {"en": f"Level {level}"})
    elif level:
        spec.setdefault("additionalNote", []).append(_note(
            fw.element("level").choice_label(level, lang), lang, f"urn:epass:note:level:{uid}",
            _concept("urn:hankeflow:annex-i:level", None, {lang: fw.element("level").label_in(lang)})))
    if data.get("participation_form"):
        form = data["participation_form"]
        spec["mode"] = [_concept(MODE_IDS[form], "http://data.europa.eu/snb/learning-assessment/25831c2",
                                 {lang: fw.element("participation_form").choice_label(form, lang)})]
    if data.get("prerequisites"):
        spec["entryRequirement"] = _note(data["prerequisites"], lang, f"urn:epass:note:entry:{uid}")
    for key in NOTE_SUBJECTS:
        if data.get(key):
            element = fw.element(key)
            spec.setdefault("additionalNote", []).append(_note(
                data[key], lang, f"urn:epass:note:{key}:{uid}",
                _concept(f"urn:hankeflow:annex-i:{key}", None, {lang: element.label_in(lang)})))
    further = str(data.get("further_information", ""))
    link = re.search(r"https?://\S+", further)
    if link:
        spec["supplementaryDocument"] = [{"id": f"urn:epass:webResource:info:{uid}",
                                          "type": "WebResource", "contentURL": link.group(0).rstrip(".,)")}]

    assessment: dict[str, Any] = {
        "id": f"urn:epass:learningAssessment:{uid}", "type": "LearningAssessment",
        "title": {lang: fw.element("assessment_type").label_in(lang)},
        "grade": _note(certificate.grade or PASS[lang], lang, f"urn:epass:note:grade:{uid}"),
        "awardedBy": awarding,
        "specifiedBy": [{"id": f"urn:epass:learningAssessmentSpec:{uid}",
                         "type": "LearningAssessmentSpecification",
                         "title": {lang: fw.element("assessment_type").label_in(lang)},
                         "description": {lang: data.get("assessment_type", "")}}],
    }
    supervision = data.get("supervision_identity_verification")
    if supervision:
        assessment["idVerification"] = _concept(
            SUPERVISION_IDS.get(supervision, f"urn:hankeflow:supervision-verification:{supervision}"),
            "http://data.europa.eu/snb/supervision-verification/25831c2",
            {lang: fw.element("supervision_identity_verification").choice_label(supervision, lang)})

    title = translate(CERTIFICATE, lang)
    image = base64.b64encode(certificate_svg(certificate, base_url).encode("utf-8")).decode("ascii")
    language_concept = _language_concept(lang)
    return {
        "@context": [VC_CONTEXT, ELM_CONTEXT],
        "id": f"urn:uuid:{uid}",
        "type": ["VerifiableCredential", "VerifiableAttestation", "EuropeanDigitalCredential"],
        "credentialProfiles": [_concept(GENERIC_PROFILE, "http://data.europa.eu/snb/credential/25831c2",
                                        {"en": "Generic"})],
        "displayParameter": {
            "id": f"urn:epass:displayParameter:{uid}", "type": "DisplayParameter",
            "title": {lang: title}, "description": {lang: translate(COMPLETED, lang)},
            "language": [language_concept], "primaryLanguage": language_concept,
            "individualDisplay": [{
                "id": f"urn:epass:individualDisplay:{uid}", "type": "IndividualDisplay",
                "language": language_concept,
                "displayDetail": [{
                    "id": f"urn:epass:displayDetail:{uid}", "type": "DisplayDetail", "page": 1,
                    "image": {"id": f"urn:epass:mediaObject:{uid}", "type": "MediaObject",
                              "content": image,
                              "contentEncoding": _concept("http://data.europa.eu/snb/encoding/6146cde7dd",
                                                          "http://data.europa.eu/snb/encoding/25831c2",
                                                          {"en": "base64"}),
                              "contentType": _concept("http://publications.europa.eu/resource/authority/file-type/SVG",
                                                      "http://publications.europa.eu/resource/authority/file-type",
                                                      {"en": "SVG"}, "file-type")}}]}]},
        "identifier": [{"id": f"urn:epass:identifier:{uid}", "type": "Identifier",
                        "schemeName": "hankeflow certificate", "notation": uid}],
        "credentialSchema": [{"id": ELM_SCHEMA, "type": "ShaclValidator2017"}],
        "credentialSubject": {
            "id": f"urn:epass:person:{uid}", "type": "Person",
            "fullName": {lang: certificate.learner_name},
            "contactPoint": [{"id": f"urn:epass:contactPoint:{uid}", "type": "ContactPoint",
                              "emailAddress": [{"id": f"mailto:{certificate.learner_email}",
                                                "type": "Mailbox"}]}],
            "hasClaim": [{
                "id": f"urn:epass:learningAchievement:{uid}", "type": "LearningAchievement",
                "title": {lang: data.get("title", "")},
                "awardedBy": awarding, "provenBy": [assessment], "specifiedBy": spec}],
        },
        "issuer": organisation,
        "issued": issued,
        "validFrom": issued,
    }


# The certificate as a picture ----------------------------------------------------------------

def certificate_svg(certificate: Certificate, base_url: str) -> str:
    """A one-page certificate (A4 landscape) as SVG: the ELM display image, and the first
    page of the printable certificate."""
    data = certificate.description_snapshot["data"]
    fw = framework(certificate.description_snapshot["framework_version"])
    lang = _language(data)
    issued = helsinki_date(certificate.issued_at)
    workload = format_workload(data["workload"], fw, lang) if data.get("workload") else ""
    link = f"{base_url}/certificates/{certificate.public_id}"
    lines = [
        (120, 30, "bold", translate(CERTIFICATE, lang).upper()),
        (200, 28, "bold", certificate.learner_name),
        (245, 18, "normal", translate(COMPLETED, lang)),
        (300, 26, "bold", data.get("title", "")),
        (345, 18, "normal", workload),
        (400, 18, "normal", data.get("awarding_body") or certificate.awarding_body["name"]),
        (430, 18, "normal", f"{issued.day}.{issued.month}.{issued.year}"),
        (520, 12, "normal", f"{translate(VERIFY_AT, lang)} {link}"),
    ]
    texts = "\n".join(
        f'  <text x="421" y="{y}" font-size="{size}" font-weight="{weight}" '
        f'text-anchor="middle">{escape(text)}</text>' for y, size, weight, text in lines if text)
    title = f"{translate(CERTIFICATE, lang)}: {data.get('title', '')}"
    desc = f"{certificate.learner_name} — {data.get('title', '')}, {issued.isoformat()}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="842" height="595" viewBox="0 0 842 595" '
            f'role="img" aria-labelledby="t d" font-family="sans-serif">\n'
            f'  <title id="t">{escape(title)}</title>\n  <desc id="d">{escape(desc)}</desc>\n'
            f'  <rect x="20" y="20" width="802" height="555" fill="#fff" stroke="#1f4e79" stroke-width="4"/>\n'
            f'{texts}\n</svg>\n')
