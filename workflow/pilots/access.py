"""Who may see and do what in pilot delivery: questions of (user, object, state).

The supplier is the organisation of the awarded tender; administrators follow every pilot
and read across them (the ministry view). Learners are not users: their certificates reach
them as documents and through the public verification page.
"""
from __future__ import annotations

from models import Certificate, Pilot, Report, User
from models.pilot import ReportState
from models.states import ProcurementState

from ..permissions import is_admin, is_own_organisation

# The procurement states in which a supplier records delivery (cohorts, milestones).
DELIVERY_STATES = (ProcurementState.CONTRACTED, ProcurementState.PILOT_DELIVERY,
                   ProcurementState.FINAL_REPORTING)
# Certificates are issued once learners have completed, while the pilots run or report.
CERTIFICATE_STATES = (ProcurementState.PILOT_DELIVERY, ProcurementState.FINAL_REPORTING)
EDITABLE_REPORT_STATES = (ReportState.DRAFT, ReportState.RETURNED)


def is_supplier(user: User | None, pilot: Pilot) -> bool:
    return is_own_organisation(user, pilot.submission)


def can_view_pilot(user: User | None, pilot: Pilot) -> bool:
    return is_admin(user) or is_supplier(user, pilot)


def can_record_delivery(user: User | None, pilot: Pilot) -> bool:
    """Cohorts and their figures: the supplier, while the contract runs."""
    return is_supplier(user, pilot) and pilot.call.state in DELIVERY_STATES


def can_plan_milestones(user: User | None, pilot: Pilot) -> bool:
    """Milestones come from the contract: Jotpa or the supplier may add them."""
    return (is_admin(user) or is_supplier(user, pilot)) and pilot.call.state in DELIVERY_STATES


def can_issue_certificates(user: User | None, pilot: Pilot) -> bool:
    return is_supplier(user, pilot) and pilot.call.state in CERTIFICATE_STATES


def can_view_certificate(user: User | None, certificate: Certificate) -> bool:
    return is_admin(user) or is_supplier(user, certificate.pilot)


def can_revoke_certificate(user: User | None, certificate: Certificate) -> bool:
    return certificate.revoked_at is None and can_view_certificate(user, certificate)


def can_view_report(user: User | None, report: Report) -> bool:
    return is_admin(user) or is_own_organisation(user, report.submission)


def can_edit_report(user: User | None, report: Report) -> bool:
    return is_own_organisation(user, report.submission) and report.state in EDITABLE_REPORT_STATES


def can_read_across_pilots(user: User | None) -> bool:
    """The ministry's read-only view of every pilot: administrators (DOMAIN §2)."""
    return is_admin(user)
