"""The SQLAlchemy models. Import from here: `from models import Call, Submission`."""
from .attachment import Attachment
from .audit import AuditEntry
from .auth import ApiToken, SignInAttempt
from .base import Base, UTCDateTime
from .call import CALL_KINDS, Call, InfoEvent
from .evaluation import (CRITERION_KINDS, DECISION_KINDS, FUNDING_DECISION, PASS_FAIL_KINDS,
                         PROCUREMENT_DECISION, ConsensusScore, Criterion, EvaluationSettings,
                         IssuedDecision, RequirementCheck, ReviewScore)
from .notification import CalendarToken, NotificationPreference, OutboxMessage, ReminderBatch
from .organisation import ORGANISATION_KINDS, Organisation
from .pilot import (REPORT_TYPES, Certificate, Cohort, MicroCredentialDescription, Milestone,
                    Pilot, Report, ReportState)
from .question import TenderQuestion
from .states import ApplicationState, EsrCallState, ProcurementState, TenderState
from .submission import EvaluatorAssignment, Submission, SubmissionVersion
from .user import LOCALES, ROLES, User, UserRole

__all__ = [
    "ApiToken", "Attachment", "AuditEntry", "SignInAttempt", "Base", "UTCDateTime", "CALL_KINDS", "Call", "InfoEvent",
    "ORGANISATION_KINDS", "Organisation", "ApplicationState", "EsrCallState",
    "ProcurementState", "TenderState", "EvaluatorAssignment", "Submission",
    "SubmissionVersion", "LOCALES", "ROLES", "User", "UserRole",
    "CalendarToken", "NotificationPreference", "OutboxMessage", "ReminderBatch",
    "CRITERION_KINDS", "PASS_FAIL_KINDS", "ConsensusScore", "Criterion", "EvaluationSettings",
    "RequirementCheck", "ReviewScore", "DECISION_KINDS", "FUNDING_DECISION", "PROCUREMENT_DECISION",
    "IssuedDecision",
    "REPORT_TYPES", "Certificate", "Cohort", "MicroCredentialDescription", "Milestone", "Pilot",
    "Report", "ReportState",
    "TenderQuestion",
]
