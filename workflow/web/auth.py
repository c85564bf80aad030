"""Signing in and out, changing one's password, choosing the language."""
from __future__ import annotations

import math
import secrets

import sqlalchemy as sa
from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from models import User

from .. import clock, passwords
from ..app import db
from ..i18n import LOCALES
from ..passwords import MIN_LENGTH
from . import throttle
from .errors import error_response
from .helpers import ErrorSummary, return_to, signed_in
from .identity import WebUser, actor
from .locale import LOCALE_COOKIE
from .security import safe_next

bp = Blueprint("auth", __name__)

# Verified against when the e-mail is unknown, so that both cases take as long.
_DUMMY_HASH: list[str] = []


def home_for(user: User) -> str:
    """Where a user lands after signing in."""
    if user.has_role("admin") and "admin.index" in current_app.view_functions:
        return url_for("admin.index")
    if user.has_role("applicant"):
        return url_for("applicant.index")
    if user.has_role("evaluator"):
        return url_for("evaluator.index")
    return url_for("public.index")


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(passwords.hash_password(secrets.token_hex(16)))
    return _DUMMY_HASH[0]


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response | str | tuple:
    next_url = safe_next(request.values.get("next"))
    if actor() is not None and request.method == "GET":
        return redirect(next_url or home_for(actor()))
    if request.method == "GET":
        return render_template("auth/sign_in.html", next_url=next_url, errors=ErrorSummary(),
                               email="")

    email = request.form.get("email", "").strip().lower()[:254]
    password = request.form.get("password", "")
    errors = ErrorSummary()
    if not email:
        errors.add("email", _("Enter your e-mail address."), _("E-mail address"))
    if not password:
        errors.add("password", _("Enter your password."), _("Password"))
    if errors:
        return render_template("auth/sign_in.html", next_url=next_url, errors=errors,
                               email=email), 422

    now = clock.now()
    remote_addr = (request.remote_addr or "unknown")[:64]
    wait = throttle.retry_after(db(), email, remote_addr, now)
    if wait is not None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        message = ngettext("Too many failed sign-in attempts. Try again in %(num)d minute.",
                           "Too many failed sign-in attempts. Try again in %(num)d minutes.",
                           minutes)
        response, status = error_response(429, message, code="too_many_attempts")
        return response, status, {"Retry-After": str(math.ceil(wait.total_seconds()))}

    user = db().scalar(sa.select(User).where(User.email == email))
    if user is None:
        passwords.verify_password(_dummy_hash(), password)
        ok = False
    else:
        ok = passwords.verify_password(user.password_hash, password) and user.is_active
    throttle.record(db(), email, remote_addr, now, succeeded=ok)
    if not ok:
        db().commit()
        errors.message = _("The e-mail address or password is incorrect.")
        errors.add("email", _("Check your e-mail address and password."), _("E-mail address"))
        return render_template("auth/sign_in.html", next_url=next_url, errors=errors,
                               email=email), 401

    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    db().commit()
    # A new session: nothing from before signing in carries over (session fixation).
    session.clear()
    login_user(WebUser(user), remember=request.form.get("remember") == "1")
    return redirect(next_url or home_for(user))


@bp.post("/sign-out")
def sign_out() -> Response:
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("public.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password() -> Response | str | tuple:
    user = actor()
    assert user is not None
    if request.method == "GET":
        return render_template("auth/password.html", errors=ErrorSummary())

    current = request.form.get("current_password", "")
    new = request.form.get("new_password", "")
    again = request.form.get("new_password_again", "")
    errors = ErrorSummary()
    if not passwords.verify_password(user.password_hash, current):
        errors.add("current_password", _("Your current password is not correct."),
                   _("Current password"))
    if len(new) < MIN_LENGTH:
        errors.add("new_password", _("Use at least %(num)d characters.", num=MIN_LENGTH),
                   _("New password"))
    elif len(new) > 1000:
        errors.add("new_password", _("Use at most %(num)d characters.", num=1000),
                   _("New password"))
    elif new != again:
        errors.add("new_password_again", _("The passwords do not match."),
                   _("New password again"))
    if errors:
        return render_template("auth/password.html", errors=errors), 422

    user.password_hash = passwords.hash_password(new)
    # Every other session and remember cookie carries the old key: they are signed out.
    user.session_key = secrets.token_hex(16)
    db().commit()
    remembered = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
    login_user(WebUser(user), remember=remembered)
    flash(_("Your password has been changed. Your other sessions have been signed out."),
          "success")
    return redirect(home_for(user))


@bp.post("/language")
def choose_language() -> Response | tuple:
    locale = request.form.get("locale", "")
    if locale not in LOCALES:
        return error_response(400, _("Choose one of the listed languages."))
    user = actor()
    if user is not None and user.locale != locale:
        user.locale = locale
        db().commit()
    response = redirect(return_to(request.form, url_for("public.index")))
    response.set_cookie(LOCALE_COOKIE, locale, max_age=365 * 86400, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
