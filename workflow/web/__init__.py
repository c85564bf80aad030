"""The web layer: extensions, security headers, error pages, languages and the blueprints.

Blueprints: public (calls anyone may read), auth (sign-in, password, language), transitions
(the generic "fire a trigger" forms), applicant, evaluator, attachments (downloads); and, when
their packages exist, admin (workflow/web/admin/) and api (workflow/web/api/), each exposing `bp`.
See workflow/web/README.md.
"""
from __future__ import annotations

import importlib
import importlib.util

from flask import Flask, request
from flask_babel import lazy_gettext

from ..timeutil import format_fi
from .extensions import csrf, login_manager

# Packages of other areas, registered when present: each has a module-level `bp`.
OPTIONAL_BLUEPRINTS = ("admin", "api")


def register(app: Flask) -> None:
    from . import (attachments, errors, identity,  # noqa: F401  (identity: the user loader)
                   locale, security)

    attachments.init_app(app)  # before CSRF: the upload views' size limit applies to its read
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = lazy_gettext("Sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.unauthorized_handler(_unauthorized)

    locale.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.add_template_filter(format_fi, "helsinki")
    _template_globals(app)

    from . import applicant, auth, evaluator, public, transitions

    for module in (public, auth, transitions, applicant, evaluator, attachments):
        app.register_blueprint(module.bp)
    app.register_blueprint(importlib.import_module(f"{__name__}.calendar").bp)  # iCalendar feeds
    app.register_blueprint(importlib.import_module(f"{__name__}.questions").bp)  # tender questions
    app.register_blueprint(importlib.import_module(f"{__name__}.pilots").bp)  # issue 6: pilots, certificates, reports
    app.register_blueprint(importlib.import_module(f"{__name__}.evaluation").bp)  # issue 5: evaluation and decisions
    app.register_blueprint(importlib.import_module(f"{__name__}.notifications").bp)  # issue 4: notifications, settings
    # Config HANKEFLOW_OPTIONAL_BLUEPRINTS narrows this, e.g. to work on one area alone.
    for name in app.config.get("HANKEFLOW_OPTIONAL_BLUEPRINTS", OPTIONAL_BLUEPRINTS):
        if importlib.util.find_spec(f"{__name__}.{name}") is not None:
            app.register_blueprint(importlib.import_module(f"{__name__}.{name}").bp)


def _unauthorized():
    """Anonymous: browsers go to the sign-in page and come back; API clients get 401."""
    from flask import flash, redirect, url_for
    from flask_login import login_url

    from .errors import error_response, wants_json

    if wants_json():
        return error_response(401)
    flash(str(login_manager.login_message), login_manager.login_message_category)
    # Only a page can be come back to; after a refused POST the user starts from home.
    back = None
    if request.method == "GET":
        back = request.full_path if request.query_string else request.path
    return redirect(login_url(url_for(login_manager.login_view), next_url=back))


def _template_globals(app: Flask) -> None:
    from .. import clock
    from ..permissions import is_admin
    from .helpers import field_label, input_type, label
    from .identity import actor
    from .timeline import state_label

    # Functions as globals: imported macros (shared/*.html) see globals, not the context.
    for function in (label, input_type, field_label, state_label):
        app.add_template_global(function)

    @app.context_processor
    def _globals() -> dict:
        user = actor()
        return {"user": user, "now": clock.now(), "is_admin": is_admin(user),
                "has_endpoint": lambda name: name in app.view_functions}
