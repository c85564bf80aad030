"""The Flask application factory. Nothing happens at import time."""
from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

import sqlalchemy.orm as so
from flask import Flask, g
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import Settings
from .db import make_engine, session_factory
from .i18n import DEFAULT_LOCALE, TRANSLATIONS_DIR

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Bodies larger than this are refused with 413 before a view runs.
MAX_CONTENT_LENGTH = 1024 * 1024


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The web application. `test_config` overrides settings (tests, demo): e.g.
    {"TESTING": True, "ENGINE": engine} or {"DEMO": True, "DATABASE_URL": url}."""
    settings = Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_path),
                template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.database_url,
        HANKEFLOW_SETTINGS=settings,
        DEMO=False,
        MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH,
        # i18n: Finnish by default; the catalogs shared with services and mails.
        BABEL_DEFAULT_LOCALE=DEFAULT_LOCALE,
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
        BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS_DIR.resolve()),
        BABEL_DOMAIN="messages",
        # A form may stay open while someone writes an application: 8 hours, not 1.
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        SESSION_COOKIE_NAME="hankeflow_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_NAME="hankeflow_remember",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_DURATION=dt.timedelta(days=14),
        REMEMBER_COOKIE_REFRESH_EACH_REQUEST=False,
    )
    if test_config:
        app.config.update(test_config)
    if not app.config["SECRET_KEY"]:
        if not (app.testing or app.config["DEMO"]):
            raise RuntimeError("HANKEFLOW_SECRET_KEY must be set outside demo and tests")
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    # Cookies only over HTTPS, except where the site runs on plain http (tests, the demo).
    # HTTPS=False also drops HSTS (see workflow/web/security.py).
    overrides = test_config or {}
    app.config["HTTPS"] = overrides.get("HTTPS", not (app.testing or app.config["DEMO"]))
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        app.config[key] = overrides.get(key, app.config["HTTPS"])

    proxies = app.config.get("TRUSTED_PROXIES", settings.trusted_proxies)
    if proxies:
        # Behind N proxies: the client's address, scheme and host come from their headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    engine = app.config.get("ENGINE") or make_engine(app.config["DATABASE_URL"])
    app.extensions["hankeflow.sessions"] = session_factory(engine)
    # Tests hand every request their own rolled-back session and keep it open afterwards.
    app.extensions.setdefault("hankeflow.close_sessions", True)

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        session = g.pop("db", None)
        if session is None:
            return
        if exc is not None:
            session.rollback()
        if app.extensions["hankeflow.close_sessions"]:
            session.close()  # also rolls back whatever was not committed

    from .web import register
    register(app)
    return app


def db() -> so.Session:
    """The request's session. The view commits once at the end; teardown closes it."""
    from flask import current_app

    if "db" not in g:
        g.db = current_app.extensions["hankeflow.sessions"]()
    return g.db
