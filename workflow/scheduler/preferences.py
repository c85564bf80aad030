"""A user's message preferences: language, the daily digest, optional reminders.

Switching optional reminders off keeps the last reminder before each deadline the user has
not met (2 h before a call closes; 1 d before a completion or review is due) and one-off
notices (a standstill ended): those cannot be switched off.
"""
from __future__ import annotations

import dataclasses

import sqlalchemy.orm as so

from models import LOCALES, NotificationPreference, User

from .. import clock
from ..errors import WorkflowError
from ..i18n import N_

# For the settings page, next to the switch.
ESSENTIAL_NOTE = N_("The last reminder before a deadline you have not met is always sent.")


@dataclasses.dataclass(frozen=True)
class Preferences:
    language: str
    digest: bool              # administrators' daily digest
    optional_reminders: bool  # the earlier reminders and overdue notices


def get_preferences(session: so.Session, user: User) -> Preferences:
    row = session.get(NotificationPreference, user.id)
    return Preferences(language=user.locale,
                       digest=row.digest_enabled if row else True,
                       optional_reminders=row.optional_reminders_enabled if row else True)


def update_preferences(session: so.Session, user: User, *, language: str | None = None,
                       digest: bool | None = None,
                       optional_reminders: bool | None = None) -> Preferences:
    """Change what is given (None leaves a value as it is). Flushes; the caller commits."""
    errors = {}
    if language is not None and language not in LOCALES:
        errors["language"] = N_("Choose one of the listed values.")
    for name, value in (("digest", digest), ("optional_reminders", optional_reminders)):
        if value is not None and not isinstance(value, bool):
            errors[name] = N_("Invalid value.")
    if errors:
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."),
                            fields=", ".join(errors), details=errors)
    if language is not None:
        user.locale = language
    if digest is not None or optional_reminders is not None:
        row = session.get(NotificationPreference, user.id)
        if row is None:
            row = NotificationPreference(user_id=user.id, digest_enabled=True,
                                         optional_reminders_enabled=True, updated_at=clock.now())
            session.add(row)
        if digest is not None:
            row.digest_enabled = digest
        if optional_reminders is not None:
            row.optional_reminders_enabled = optional_reminders
        row.updated_at = clock.now()
    session.flush()
    return get_preferences(session, user)
