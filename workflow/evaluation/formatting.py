"""Numbers and money for people, per locale: 67,34 and 48 000,00 € in Finnish and
Swedish (as written in Finland), 67.34 and €48,000.00 in English. Points and money are rounded
half up to two decimals here (`aggregation.display`), never before."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from babel.numbers import format_currency, format_decimal

from .aggregation import display

BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en"}


def _babel(locale: str) -> str:
    return BABEL_LOCALES.get(locale, "fi_FI")


def points(value: Fraction | Decimal | int | None, locale: str) -> str:
    """Two decimals, rounded half up: 67,34 / 67.34; an empty value is a dash."""
    shown = display(value)
    return "–" if shown is None else format_decimal(shown, format="#,##0.00", locale=_babel(locale))


def plain(value: Decimal | int | None, locale: str) -> str:
    """A weight or scale value without needless decimals: 30, 2,5."""
    if value is None:
        return "–"
    return format_decimal(Decimal(value).normalize(), format="#,##0.##", locale=_babel(locale))


def euros(amount: Fraction | Decimal | None, locale: str) -> str:
    shown = display(amount)
    return "–" if shown is None else format_currency(shown, "EUR", locale=_babel(locale))


def percent(share: Decimal, locale: str) -> str:
    """0.3 → 30"""
    return plain(Decimal(share) * 100, locale)
