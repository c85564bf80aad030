"""The SQLAlchemy models. Import from here: `from models import Call, Submission`."""
from .audit import AuditEntry
from .auth import ApiToken, SignInAttempt
from .base import Base, UTCDateTime
from .call import CALL_KINDS, Call, InfoEvent
from .organisation import ORGANISATION_KINDS, Organisation
from .states import ApplicationState, EsrCallState, ProcurementState, TenderState
from .submission import EvaluatorAssignment, Submission, SubmissionVersion
from .user import LOCALES, ROLES, User, UserRole

__all__ = [
    "ApiToken", "AuditEntry", "SignInAttempt", "Base", "UTCDateTime", "CALL_KINDS", "Call", "InfoEvent",
    "ORGANISATION_KINDS", "Organisation", "ApplicationState", "EsrCallState",
    "ProcurementState", "TenderState", "EvaluatorAssignment", "Submission",
    "SubmissionVersion", "LOCALES", "ROLES", "User", "UserRole",
]
