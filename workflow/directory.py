"""Organisations and users: creating them with their rules checked."""
from __future__ import annotations

import re
from collections.abc import Iterator

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import ORGANISATION_KINDS, ROLES, Organisation, User, UserRole

from . import clock
from .errors import WorkflowError
from .i18n import N_
from .passwords import MIN_LENGTH, hash_password

_BUSINESS_ID = re.compile(r"^(\d{7})-(\d)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def valid_business_id(text: str) -> bool:
    """A Finnish business ID (Y-tunnus) with a correct check digit (modulo 11)."""
    match = _BUSINESS_ID.match(text)
    return bool(match) and business_id(int(match.group(1))) == text


def business_id(n: int) -> str | None:
    """The business ID with these seven digits and its check digit (modulo 11), or None for
    the numbers that have none (remainder 1)."""
    digits = f"{n:07d}"
    remainder = sum(int(d) * w for d, w in zip(digits, _WEIGHTS)) % 11
    if remainder == 1:
        return None
    return f"{digits}-{0 if remainder == 0 else 11 - remainder}"


def business_ids(start: int = 1_000_000) -> Iterator[str]:
    """Valid business IDs from `start` on, skipping the numbers that have none (seed data,
    benchmarks, tests)."""
    for n in range(start, 10_000_000):
        if (found := business_id(n)) is not None:
            yield found


def create_organisation(session: so.Session, *, name: str, business_id: str,
                        kind: str) -> Organisation:
    errors = {}
    if not name.strip():
        errors["name"] = N_("Required.")
    if not valid_business_id(business_id.strip()):
        errors["business_id"] = N_("Enter a valid Finnish business ID, e.g. 0245896-3.")
    if kind not in ORGANISATION_KINDS:
        errors["kind"] = N_("Choose one of the listed values.")
    if not errors and session.scalar(sa.select(Organisation.id).where(
            Organisation.business_id == business_id.strip())):
        errors["business_id"] = N_("An organisation with this business ID exists already.")
    if errors:
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."),
                            fields=", ".join(errors), details=errors)
    org = Organisation(name=name.strip(), business_id=business_id.strip(), kind=kind,
                       created_at=clock.now())
    session.add(org)
    session.flush()
    return org


def create_user(session: so.Session, *, email: str, name: str, password: str,
                roles: list[str], organisation: Organisation | None = None,
                locale: str = "fi") -> User:
    email = email.strip().lower()
    errors = {}
    if not _EMAIL.match(email):
        errors["email"] = N_("Enter a valid e-mail address.")
    elif session.scalar(sa.select(User.id).where(User.email == email)):
        errors["email"] = N_("A user with this e-mail address exists already.")
    if not name.strip():
        errors["name"] = N_("Required.")
    if len(password) < MIN_LENGTH:
        errors["password"] = N_("Use at least 12 characters.")
    if not roles or any(r not in ROLES for r in roles):
        errors["role"] = N_("Choose one of the listed values.")
    elif "applicant" in roles and organisation is None:
        errors["organisation"] = N_("An applicant belongs to an organisation.")
    if errors:
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."),
                            fields=", ".join(errors), details=errors)
    user = User(email=email, name=name.strip(), password_hash=hash_password(password),
                organisation=organisation, locale=locale, created_at=clock.now(),
                role_rows=[UserRole(role=r) for r in dict.fromkeys(roles)])
    session.add(user)
    session.flush()
    return user
