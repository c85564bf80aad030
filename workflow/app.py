"""The Flask application factory. Nothing happens at import time."""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import sqlalchemy.orm as so
from flask import Flask, g

from .config import Settings
from .db import make_engine, session_factory

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    settings = Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_path),
                template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.database_url,
        HANKEFLOW_SETTINGS=settings,
        DEMO=False,
    )
    if test_config:
        app.config.update(test_config)
    if not app.config["SECRET_KEY"]:
        if not (app.testing or app.config["DEMO"]):
            raise RuntimeError("HANKEFLOW_SECRET_KEY must be set outside demo and tests")
        app.config["SECRET_KEY"] = secrets.token_hex(32)

    engine = app.config.get("ENGINE") or make_engine(app.config["DATABASE_URL"])
    app.extensions["hankeflow.sessions"] = session_factory(engine)

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        session = g.pop("db", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()

    from .timeutil import format_fi
    app.add_template_filter(format_fi, "helsinki")

    from .web import register
    register(app)
    return app


def db() -> so.Session:
    """The request's session. The view commits once at the end; teardown closes it."""
    from flask import current_app

    if "db" not in g:
        g.db = current_app.extensions["hankeflow.sessions"]()
    return g.db
