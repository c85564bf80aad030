"""Bearer tokens: POST /tokens signs in, DELETE /tokens/current signs out, GET /me.

A token is `secrets.token_urlsafe(32)`, shown once; only its SHA-256 is stored (a database
leak yields no usable token). It lives 12 hours. Sign-in attempts share the web sign-in's
rate limits (workflow/web/throttle.py, counted in the database across processes).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Response, g, request

from models import ApiToken, User

from ... import clock, passwords
from ...app import db
from ...i18n import N_
from .. import throttle
from .blueprint import bp
from .errors import ApiError
from .inputs import Body, Field, json_body
from .responses import no_content, respond
from .serializers import token_json, user_json

TOKEN_LIFETIME = dt.timedelta(hours=12)
MAX_TOKEN_LENGTH = 200

SIGN_IN = Body("TokenRequest", (
    Field("email", "text", "The user's e-mail address.", required=True, max_length=254),
    Field("password", "text", "The user's password.", required=True, max_length=1000),
), "Credentials of a user.")

# Verified against when the e-mail is unknown, so that both cases take as long.
_dummy_hash: list[str] = []


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: so.Session, user: User) -> tuple[str, ApiToken]:
    """A new token for the user; the caller commits."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    row = ApiToken(user_id=user.id, token_sha256=digest(token), created_at=now,
                   expires_at=now + TOKEN_LIFETIME)
    session.add(row)
    session.flush()
    return token, row


def _unauthenticated(message: str = N_("Sign in first: send the header Authorization: "
                                       "Bearer <token>."),
                     code: str = "unauthenticated") -> ApiError:
    return ApiError(401, code, message, headers={"WWW-Authenticate": 'Bearer realm="hankeflow"'})


def current_token() -> ApiToken | None:
    """The request's valid token, None without an Authorization header; 401 for a header that
    carries no valid token (malformed, unknown, expired, revoked, or its user deactivated)."""
    if "api_token" in g:
        return g.api_token
    header = request.headers.get("Authorization")
    token_row = None
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
            raise _invalid_token()
        token_row = db().scalar(sa.select(ApiToken).where(ApiToken.token_sha256 == digest(token)))
        if (token_row is None or token_row.revoked_at is not None
                or token_row.expires_at <= clock.now() or not token_row.user.is_active):
            raise _invalid_token()
    g.api_token = token_row
    return token_row


def _invalid_token() -> ApiError:
    return _unauthenticated(N_("The token is invalid or has expired: ask for a new one."),
                            code="invalid_token")


def optional_actor() -> User | None:
    """The signed-in user, or None for an anonymous request."""
    token = current_token()
    return token.user if token is not None else None


def require_actor() -> User:
    """The signed-in user; 401 for an anonymous request."""
    user = optional_actor()
    if user is None:
        raise _unauthenticated()
    return user


@bp.post("/tokens")
def create_token() -> Response:
    body = SIGN_IN.parse(json_body())
    email, password = body["email"].lower(), body["password"]
    session = db()
    now = clock.now()
    remote_addr = (request.remote_addr or "unknown")[:64]
    wait = throttle.retry_after(session, email, remote_addr, now)
    if wait is not None:
        seconds = math.ceil(wait.total_seconds())
        raise ApiError(429, "too_many_attempts",
                       N_("Too many failed sign-in attempts. Try again in %(minutes)s min."),
                       minutes=max(1, math.ceil(seconds / 60)),
                       headers={"Retry-After": str(seconds)})
    user = session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        if not _dummy_hash:
            _dummy_hash.append(passwords.hash_password(secrets.token_hex(16)))
        passwords.verify_password(_dummy_hash[0], password)
        ok = False
    else:
        ok = passwords.verify_password(user.password_hash, password) and user.is_active
    throttle.record(session, email, remote_addr, now, succeeded=ok)
    if not ok or user is None:
        session.commit()  # the failure counts towards the limit even though we refuse
        raise _unauthenticated(N_("The e-mail address or password is incorrect."),
                               code="invalid_credentials")
    token, row = issue_token(session, user)
    session.commit()
    return respond(token_json(token, row.expires_at), 201)


@bp.delete("/tokens/current")
def revoke_token() -> Response:
    require_actor()
    token = current_token()
    assert token is not None
    token.revoked_at = clock.now()
    db().commit()
    return no_content()


@bp.get("/me")
def me() -> Response:
    return respond(user_json(require_actor()))
