"""The ministry's view of every pilot (administrators; read-only).

    GET /ministry/pilots        the pilots side by side, the three charts (server-rendered SVG,
                                no JavaScript) each with its table alternative, and the
                                framework feedback element by element
    GET /ministry/pilots.csv    the table as CSV, headers in the user's language
"""
from __future__ import annotations

from babel.numbers import format_decimal
from flask import current_app, render_template
from markupsafe import Markup
from werkzeug.wrappers import Response

from ... import clock
from ...app import db
from ...pilots.ministry import csv_export, overview
from ...timeutil import helsinki_date
from ..helpers import admins_only
from ..identity import actor
from ..locale import current_locale
from .blueprint import bp
from .common import percent


@bp.get("/ministry/pilots")
@admins_only
def ministry() -> str:
    locale = current_locale()
    data = overview(db(), actor(), locale)
    for chart in data["charts"]:
        # The SVG is built by workflow/pilots/charts.py, which escapes every text it writes.
        chart["markup"] = Markup(chart["svg"])
    for row in data["rows"]:
        row["completion_rate"] = percent(row["completion_rate"])
        credits = row["workload_credits"]
        row["workload_credits"] = "" if credits is None else format_decimal(credits, locale=locale)
    return render_template("pilots/ministry.html", **data)


@bp.get("/ministry/pilots.csv")
@admins_only
def ministry_csv() -> Response:
    body = csv_export(db(), actor(), current_locale())
    response = current_app.response_class(body, mimetype="text/csv")
    day = helsinki_date(clock.now()).isoformat()
    response.headers["Content-Disposition"] = f'attachment; filename="pilots-{day}.csv"'
    response.charset = "utf-8"
    return response
