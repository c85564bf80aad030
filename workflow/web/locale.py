"""Which language a request is answered in, and how instants, dates and money are written.

Finnish by default. A signed-in user's choice is `User.locale`; an anonymous visitor's is a
cookie. Instants are always shown in Helsinki time (DOMAIN §6):
fi "3.6.2024 klo 16.15", sv "3.6.2024 kl. 16.15", en "3 June 2024 at 16:15".
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.numbers import format_decimal
from babel.units import format_unit
from flask import Flask, request
from flask_babel import get_locale, ngettext

from .. import timeutil
from ..i18n import DEFAULT_LOCALE, LOCALES
from .extensions import babel
from .identity import actor

LOCALE_COOKIE = "hankeflow_locale"
LOCALE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}


def select_locale() -> str:
    user = actor()
    if user is not None and user.locale in LOCALES:
        return user.locale
    chosen = request.cookies.get(LOCALE_COOKIE)
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def current_locale() -> str:
    """The request's language code, e.g. for `WorkflowError.message(current_locale())`."""
    locale = get_locale()
    return str(locale) if locale is not None and str(locale) in LOCALES else DEFAULT_LOCALE


def format_instant(instant: dt.datetime | None, locale: str | None = None) -> str:
    return "" if instant is None else timeutil.format_instant(instant, locale or current_locale())


def format_day(day: dt.date | None, locale: str | None = None) -> str:
    return "" if day is None else timeutil.format_day(day, locale or current_locale())


def format_money(amount: Decimal | str | None, locale: str | None = None) -> str:
    """250000 → fi "250 000,00 €", en "€250,000.00"-style digits with the euro sign after."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except ArithmeticError:
        return str(amount)
    return f"{format_decimal(value, format='#,##0.00', locale=locale or current_locale())} €"


def format_size(size: int, locale: str | None = None) -> str:
    """A file size the locale's way: fi "1,2 Mt", sv "1,2 MB", en "230 kB" (2**10 steps)."""
    locale = locale or current_locale()
    if size >= 2**20:
        return format_unit(size / 2**20, "digital-megabyte", length="short", format="#,##0.0",
                           locale=locale)
    return format_unit(max(1, round(size / 2**10)), "digital-kilobyte", length="short",
                       locale=locale)


def format_bytes(size: int, locale: str | None = None) -> str:
    """An exact byte count with the locale's digit grouping: fi "1 234 567"."""
    return format_decimal(size, locale=locale or current_locale())


def format_time_left(deadline: dt.datetime, now: dt.datetime) -> str:
    """How long is left, in the two largest units: "2 days 7 hours", "45 minutes"."""
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return ""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = max(1, rest // 60) if not (days or hours) else rest // 60
    parts = []
    if days:
        parts.append(ngettext("%(num)d day", "%(num)d days", days))
    if hours and len(parts) < 2:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if minutes and len(parts) < 2 and not days:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", minutes))
    return " ".join(parts)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale,
                   timezone_selector=lambda: app.config["BABEL_DEFAULT_TIMEZONE"])
    app.add_template_filter(format_instant, "instant")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_money, "money")
    app.add_template_filter(format_size, "filesize")
    app.add_template_filter(format_bytes, "bytes")
    app.add_template_global(format_time_left, "time_left")
    app.add_template_global(current_locale, "current_locale")
    app.add_template_global(LOCALE_NAMES, "LOCALE_NAMES")
