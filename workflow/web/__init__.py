"""The web layer: blueprints register here."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from . import public

    app.register_blueprint(public.bp)
