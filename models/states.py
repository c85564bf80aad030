"""The states of the four workflows (DOMAIN §3–§4).

They live with the models because the database guards them with CHECK constraints; the
transitions between them are declared in `workflow/definitions/`.
"""
from enum import StrEnum


class EsrCallState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    OPEN = "open"
    CLOSED = "closed"
    IN_EVALUATION = "in_evaluation"
    DECIDED = "decided"
    ARCHIVED = "archived"


class ProcurementState(StrEnum):
    PLANNING = "planning"
    PUBLISHED = "published"
    TENDERING = "tendering"
    OPENED = "opened"
    QUALIFICATION = "qualification"
    COMPARISON = "comparison"
    DECIDED = "decided"
    STANDSTILL = "standstill"
    CONTRACTED = "contracted"
    PILOT_DELIVERY = "pilot_delivery"
    FINAL_REPORTING = "final_reporting"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class ApplicationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    ELIGIBILITY_CHECK = "eligibility_check"
    RETURNED_FOR_COMPLETION = "returned_for_completion"
    INELIGIBLE = "ineligible"
    IN_EVALUATION = "in_evaluation"
    EVALUATED = "evaluated"
    APPROVED = "approved"
    REJECTED = "rejected"
    IN_IMPLEMENTATION = "in_implementation"
    FINAL_REPORT_SUBMITTED = "final_report_submitted"
    FINAL_REPORT_RETURNED = "final_report_returned"
    CLOSED = "closed"


class TenderState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    OPENED = "opened"
    QUALIFIED = "qualified"
    EXCLUDED = "excluded"
    SCORED = "scored"
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"


CALL_STATES = {"esr": EsrCallState, "jotpa": ProcurementState}
SUBMISSION_STATES = {"esr": ApplicationState, "jotpa": TenderState}


def kind_state_check(states_by_kind: dict[str, type[StrEnum]]) -> str:
    """SQL for a CHECK that `state` is one of the states of the row's `kind`."""
    parts = []
    for kind, enum in states_by_kind.items():
        listed = ", ".join(f"'{s.value}'" for s in enum)
        parts.append(f"(kind = '{kind}' AND state IN ({listed}))")
    return " OR ".join(parts)
