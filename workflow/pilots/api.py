"""The JSON the API's pilot and reporting endpoints return (CONTRACT § JSON API). The routes
(workflow/web/api/) only load the caller, call these, and turn a WorkflowError into its status.

| route                                        | function                         |
|----------------------------------------------|----------------------------------|
| GET /api/v1/calls/{id}/ocds                  | ocds_package(session, user, call) |
| GET /api/v1/certificates                     | list_certificates(session, user) |
| GET /api/v1/certificates/{id}                | certificate_credential(...)      |
| GET /api/v1/certificates/{id}/elm            | certificate_elm(...)             |
| GET /api/v1/certificates/{id}/verification   | certificate_verification(...) (public) |
| GET /api/v1/pilots/{id}                      | pilot(session, user, id)         |
| GET /api/v1/reports/{id}                     | report(session, user, id)        |
| GET/POST /api/v1/reports/{id}/transitions    | engine.available_steps / engine.fire on the report |
| GET /api/v1/reports/{id}/history             | engine.history(session, report)  |
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Call, Certificate, Pilot, Submission, User

from ..errors import WorkflowError
from ..i18n import N_
from ..permissions import is_admin
from . import access, ocds
from .certificates import (certificate_summary, default_base_url, european_learning_model,
                           find_certificate, verify)
from .delivery import get_pilot, pilot_json
from .reports import get_report, report_json


def _not_found() -> WorkflowError:
    return WorkflowError("not_found", N_("Not found."))


def ocds_package(session: so.Session, actor: User | None, call: Call | None,
                 base_url: str | None = None) -> dict[str, Any]:
    return ocds.package_for(session, actor, call, base_url)


def list_certificates(session: so.Session, actor: User | None) -> list[dict[str, Any]]:
    """The certificates the caller may see: all for administrators, the own organisation's
    for a supplier's staff, none for others."""
    query = sa.select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if not is_admin(actor):
        if actor is None or actor.organisation_id is None or not actor.has_role("applicant"):
            return []
        query = (query.join(Pilot, Certificate.pilot_id == Pilot.id)
                 .join(Submission, Pilot.submission_id == Submission.id)
                 .where(Submission.organisation_id == actor.organisation_id))
    return [certificate_summary(c) for c in session.scalars(query)]


def _visible_certificate(session: so.Session, actor: User | None, certificate_id: Any) -> Certificate:
    certificate = find_certificate(session, certificate_id)
    if certificate is None or not access.can_view_certificate(actor, certificate):
        raise _not_found()
    return certificate


def certificate_credential(session: so.Session, actor: User | None,
                           certificate_id: Any) -> dict[str, Any]:
    """The signed Open Badges 3.0 credential, exactly as issued."""
    return _visible_certificate(session, actor, certificate_id).credential


def certificate_elm(session: so.Session, actor: User | None, certificate_id: Any,
                    base_url: str | None = None) -> dict[str, Any]:
    return european_learning_model(_visible_certificate(session, actor, certificate_id),
                                   base_url or default_base_url())


def certificate_verification(session: so.Session, certificate_id: Any,
                             locale: str = "fi") -> dict[str, Any]:
    return verify(session, certificate_id, locale)


def pilot(session: so.Session, actor: User | None, pilot_id: Any) -> dict[str, Any]:
    return pilot_json(session, get_pilot(session, actor, pilot_id))


def report(session: so.Session, actor: User | None, report_id: Any,
           locale: str = "fi") -> dict[str, Any]:
    return report_json(session, actor, get_report(session, actor, report_id), locale)
