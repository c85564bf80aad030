"""Issue 6 in the API: OCDS, certificates, pilots and reports (CONTRACT § JSON API).

    GET /calls/{id}/ocds                         a Jotpa procurement as an OCDS 1.1.5 release
                                                 package (whoever may see the procurement)
    GET /certificates                            those the caller may see (the supplier's staff,
                                                 administrators)
    GET /certificates/{certificate_id}           the signed Open Badges 3.0 credential, as issued
    GET /certificates/{certificate_id}/elm       the European Learning Model (ELM 3) JSON-LD
    GET /certificates/{certificate_id}/verification  public: valid / revoked / invalid
    GET /pilots/{pilot_id}                       a pilot: results, cohorts, milestones
    GET /reports/{report_id}                     a report; its transitions and history are the
                                                 generic ones (the `reports` collection)

The documents themselves come from workflow/pilots/api.py; here the caller is authenticated,
times are put in the API's form (Helsinki time with its offset) and the paths are documented.
Certificate ids are their public UUIDs.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, current_app

from models import Call, Report, User

from ...app import db
from ...pilots import access
from ...pilots import api as pilots_api
from ...pilots.reports import report_json
from . import openapi
from .auth import optional_actor, require_actor
from .blueprint import ID, bp
from .errors import not_found
from .language import request_locale
from .registry import Collection, register
from .responses import respond
from .serializers import instant

CERTIFICATE_ID = "string(maxlength=100)"


def _base_url() -> str:
    return current_app.config["HANKEFLOW_SETTINGS"].base_url


def _instant_text(value: str | None) -> str | None:
    """An ISO instant of a backend document (UTC, often with "Z") in the API's Helsinki form."""
    return None if value is None else instant(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))


# Reports: a collection with a state machine -----------------------------------------------------

def load_report(report_id: int, actor: User | None) -> Report:
    report = db().get(Report, report_id)
    if report is None or not access.can_view_report(actor, report):
        raise not_found()
    return report


def report_representation(report: Report, actor: User | None, locale: str) -> dict[str, Any]:
    out = report_json(db(), actor, report, locale)
    out.update(due_at=instant(report.due_at), submitted_at=instant(report.submitted_at),
               accepted_at=instant(report.accepted_at))
    return out


register(Collection("reports", "Report", "report", ("jotpa-report", "esr-report"),
                    load_report, report_representation))


@bp.get(f"/reports/<{ID}:report_id>")
def get_report(report_id: int) -> Response:
    actor = require_actor()
    report = load_report(report_id, actor)
    return respond(report_representation(report, actor, request_locale()), version=report.version)


# Pilots ---------------------------------------------------------------------------------------

@bp.get(f"/pilots/<{ID}:pilot_id>")
def get_pilot(pilot_id: int) -> Response:
    out = pilots_api.pilot(db(), require_actor(), pilot_id)
    for milestone in out["milestones"]:
        milestone["due_at"] = _instant_text(milestone["due_at"])
        milestone["done_at"] = _instant_text(milestone["done_at"])
    return respond(out)


# OCDS -----------------------------------------------------------------------------------------

@bp.get(f"/calls/<{ID}:call_id>/ocds")
def get_call_ocds(call_id: int) -> Response:
    actor = optional_actor()
    return respond(pilots_api.ocds_package(db(), actor, db().get(Call, call_id), _base_url()))


# Certificates ---------------------------------------------------------------------------------

@bp.get("/certificates")
def list_certificates() -> Response:
    items = pilots_api.list_certificates(db(), require_actor())
    for item in items:
        item["issued_at"] = _instant_text(item["issued_at"])
    return respond({"items": items})


@bp.get(f"/certificates/<{CERTIFICATE_ID}:certificate_id>")
def get_certificate(certificate_id: str) -> Response:
    return respond(pilots_api.certificate_credential(db(), require_actor(), certificate_id))


@bp.get(f"/certificates/<{CERTIFICATE_ID}:certificate_id>/elm")
def get_certificate_elm(certificate_id: str) -> Response:
    return respond(pilots_api.certificate_elm(db(), require_actor(), certificate_id, _base_url()))


@bp.get(f"/certificates/<{CERTIFICATE_ID}:certificate_id>/verification")
def get_certificate_verification(certificate_id: str) -> Response:
    """Public, like the verification page: the id is a random UUID the learner shares."""
    out = pilots_api.certificate_verification(db(), certificate_id, request_locale())
    out["revoked_at"] = _instant_text(out["revoked_at"])
    return respond(out)


# The OpenAPI description ------------------------------------------------------------------------

ref, nullable, INSTANT, ID_SCHEMA, STATE = (openapi.ref, openapi.nullable, openapi.INSTANT,
                                            openapi.ID_SCHEMA, openapi.STATE)
DAY = openapi.DAY
TEXT = {"type": "string"}
UUID = {"type": "string", "format": "uuid",
        "description": "The certificate's public identifier (a random UUID)."}
CERTIFICATE_PARAMETER = {"name": "certificate_id", "in": "path", "required": True, "schema": UUID}
_op, _ok, _errors = openapi._operation, openapi._ok, openapi._errors  # noqa: SLF001  (same package)

SCHEMAS: dict[str, dict[str, Any]] = {
    "Report": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "kind", "report_type", "submission_id", "pilot_id", "sequence", "state",
                     "state_label", "version", "due_at", "submitted_at", "accepted_at", "data",
                     "missing", "transitions"],
        "description": "A Jotpa pilot's interim or final report (kind jotpa) or an ESR project's "
                       "progress report (kind esr). `data`: what the report says (for Jotpa "
                       "reports also `results`, frozen from the cohorts at submission); "
                       "`missing`: the fields still needed to submit; `transitions`: what the "
                       "caller may fire now.",
        "properties": {
            "id": ID_SCHEMA, "kind": {"type": "string", "enum": ["jotpa", "esr"]},
            "report_type": {"type": "string", "enum": ["interim", "final", "progress"]},
            "submission_id": ID_SCHEMA, "pilot_id": nullable(ID_SCHEMA),
            "sequence": {"type": "integer", "minimum": 1}, "state": STATE,
            "state_label": TEXT, "version": {"type": "integer", "minimum": 1},
            "due_at": nullable(INSTANT), "submitted_at": nullable(INSTANT),
            "accepted_at": nullable(INSTANT), "data": {"type": "object"},
            "missing": {"type": "array", "items": TEXT},
            "transitions": {"type": "array", "items": TEXT},
        },
    },
    "PilotCohort": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "pilot_id", "name", "version", "planned_start", "planned_end",
                     "actual_start", "actual_end", "participants_approved",
                     "participants_started", "participants_completed"],
        "description": "Dates (Helsinki days) and participant counts; learners are not named.",
        "properties": {
            "id": ID_SCHEMA, "pilot_id": ID_SCHEMA, "name": TEXT,
            "version": {"type": "integer", "minimum": 1},
            "planned_start": DAY, "planned_end": DAY, "actual_start": nullable(DAY),
            "actual_end": nullable(DAY),
            **{f"participants_{k}": {"type": "integer", "minimum": 0}
               for k in ("approved", "started", "completed")},
        },
    },
    "PilotMilestone": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "pilot_id", "title", "due_at", "done_at"],
        "properties": {"id": ID_SCHEMA, "pilot_id": ID_SCHEMA, "title": TEXT, "due_at": INSTANT,
                       "done_at": nullable(INSTANT)},
    },
    "Pilot": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "call_id", "submission_id", "organisation", "title", "description_id",
                     "framework_version", "results", "cohorts", "milestones"],
        "description": "The delivery of one micro-credential of an awarded tender (the supplier's "
                       "organisation) under the procurement's contract.",
        "properties": {
            "id": ID_SCHEMA, "call_id": ID_SCHEMA, "submission_id": ID_SCHEMA,
            "organisation": TEXT, "title": TEXT, "description_id": ID_SCHEMA,
            "framework_version": TEXT,
            "results": {"type": "object", "description": "Cohorts, participants approved / "
                        "started / completed, completion_rate (0–1 or null), certificates."},
            "cohorts": {"type": "array", "items": ref("PilotCohort")},
            "milestones": {"type": "array", "items": ref("PilotMilestone")},
        },
    },
    "CertificateSummary": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "pilot_id", "cohort_id", "title", "learner_name", "issued_at", "revoked"],
        "properties": {"id": UUID, "pilot_id": ID_SCHEMA, "cohort_id": ID_SCHEMA, "title": TEXT,
                       "learner_name": TEXT, "issued_at": INSTANT, "revoked": {"type": "boolean"}},
    },
    "OpenBadgeCredential": {
        "type": "object", "required": ["@context", "id", "type", "issuer", "validFrom",
                                       "credentialSubject", "proof"],
        "description": "An Open Badges 3.0 OpenBadgeCredential (a W3C Verifiable Credential "
                       "2.0), valid against the 1EdTech JSON schema "
                       "(ob_v3p0_achievementcredential_schema.json), exactly as issued, with its "
                       "Data Integrity proof (cryptosuite eddsa-jcs-2022, a did:key "
                       "verification method). Every Annex I element of the Council "
                       "Recommendation on micro-credentials is in it; those without an Open "
                       "Badges field are in credentialSubject.achievement.microCredential.",
        "properties": {"@context": {"type": "array"}, "id": {"type": "string", "pattern": "^urn:uuid:"},
                       "type": {"type": "array", "contains": {"const": "OpenBadgeCredential"}},
                       "issuer": {"type": "object"}, "validFrom": TEXT,
                       "credentialSubject": {"type": "object"}, "proof": {"type": "array"}},
    },
    "ElmCredential": {
        "type": "object", "required": ["@context", "id", "type", "credentialSubject", "issuer"],
        "description": "The certificate as a European Digital Credential (European Learning Model "
                       "3, VCDM 2.0 JSON-LD), shaped after the Commission's micro-credential "
                       "sample and valid against the EDC JSON schema. Not signed here: Europass "
                       "seals EDCs with its own tooling; its id is the signed badge's.",
        "properties": {"@context": {"type": "array"}, "id": {"type": "string", "pattern": "^urn:uuid:"},
                       "type": {"type": "array", "contains": {"const": "EuropeanDigitalCredential"}},
                       "credentialSubject": {"type": "object"}, "issuer": {"type": "object"}},
    },
    "CertificateVerification": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "status", "signature_valid", "title", "learner_name", "awarding_body",
                     "issued_on", "completed_on", "workload", "revoked_at", "revocation_reason",
                     "verification_method"],
        "properties": {
            "id": UUID, "status": {"type": "string", "enum": ["valid", "revoked", "invalid"],
                                   "description": "invalid: the signature no longer verifies."},
            "signature_valid": {"type": "boolean"}, "title": TEXT, "learner_name": TEXT,
            "awarding_body": TEXT, "issued_on": DAY, "completed_on": DAY,
            "workload": nullable(TEXT), "revoked_at": nullable(INSTANT),
            "revocation_reason": nullable(TEXT), "verification_method": nullable(TEXT),
        },
    },
    "OcdsReleasePackage": {
        "type": "object", "required": ["uri", "version", "publishedDate", "publisher", "releases"],
        "description": "An OCDS 1.1.5 release package (Open Contracting Data Standard): one "
                       "release per stage the procurement has reached (planning, tender, "
                       "tenderUpdate, award, contract, implementation, contractTermination, "
                       "tenderCancellation), ocid ocds-hankeflow-<id>. Nothing about tenders "
                       "appears before they are opened.",
        "properties": {"uri": TEXT, "version": {"const": "1.1"}, "publishedDate": TEXT,
                       "publisher": {"type": "object"}, "license": TEXT,
                       "publicationPolicy": TEXT,
                       "releases": {"type": "array", "items": {"type": "object"}}},
    },
}

PATHS: dict[str, dict[str, Any]] = {
    "/calls/{id}/ocds": {
        "parameters": [openapi.PATH_ID],
        "get": _op("getCallOcds", "pilots", "A Jotpa procurement as an OCDS release package",
                   {**_ok(200, "The release package.", ref("OcdsReleasePackage")),
                    **_errors(401, 404)},
                   description="For whoever may see the procurement (anonymous callers too once "
                               "it is published). An ESR call is 404.",
                   security=openapi.ANONYMOUS_OR_TOKEN),
    },
    "/certificates": {
        "get": _op("listCertificates", "pilots", "Certificates the caller may see",
                   {**_ok(200, "Newest first: all for administrators, the own organisation's "
                               "for a supplier's staff, none for others.",
                          openapi.list_of("CertificateSummary")), **_errors(401)}),
    },
    "/certificates/{certificate_id}": {
        "parameters": [CERTIFICATE_PARAMETER],
        "get": _op("getCertificate", "pilots", "A certificate as its Open Badges 3.0 credential",
                   {**_ok(200, "The signed credential, as issued.", ref("OpenBadgeCredential")),
                    **_errors(401, 404)},
                   description="The supplier that issued it and administrators; others 404."),
    },
    "/certificates/{certificate_id}/elm": {
        "parameters": [CERTIFICATE_PARAMETER],
        "get": _op("getCertificateElm", "pilots",
                   "A certificate as a European Learning Model credential",
                   {**_ok(200, "ELM 3 JSON-LD.", ref("ElmCredential")), **_errors(401, 404)},
                   description="The supplier that issued it and administrators; others 404."),
    },
    "/certificates/{certificate_id}/verification": {
        "parameters": [CERTIFICATE_PARAMETER],
        "get": _op("verifyCertificate", "pilots", "Whether a certificate is valid (public)",
                   {**_ok(200, "What the certificate states and its status.",
                          ref("CertificateVerification")), **_errors(404)},
                   description="No sign-in needed, like the page /verify/{certificate_id}.",
                   security=[]),
    },
    "/pilots/{pilot_id}": {
        "parameters": [{"name": "pilot_id", "in": "path", "required": True, "schema": ID_SCHEMA}],
        "get": _op("getPilot", "pilots", "A pilot and its delivery",
                   {**_ok(200, "Results, cohorts and milestones.", ref("Pilot")),
                    **_errors(401, 404)},
                   description="The supplier (the awarded tender's organisation) and "
                               "administrators; others 404."),
    },
    "/reports/{report_id}": {
        "parameters": [{"name": "report_id", "in": "path", "required": True, "schema": ID_SCHEMA}],
        "get": _op("getReport", "workflow", "A pilot's or project's report",
                   {**_ok(200, "The report.", ref("Report"), etag=True), **_errors(401, 404)},
                   description="The reporting organisation and administrators; others 404. "
                               "Its steps: /reports/{id}/transitions; its history: "
                               "/reports/{id}/history."),
    },
}

openapi.document(PATHS, SCHEMAS)
