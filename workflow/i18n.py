"""Translations outside a request (services, scheduler, mails) from the same Babel catalogs
the web uses: `workflow/translations/<locale>/LC_MESSAGES/messages.po|.mo`.

Mark a string for translation where it is declared with `N_()`; translate it where it is shown
with `translate(msgid, locale, **params)`. English is the source language.
"""
from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
LOCALES = ("fi", "sv", "en")
DEFAULT_LOCALE = "fi"


class Msg(str):
    """A message id still to be translated (also when passed as a parameter of another)."""


def N_(msgid: str) -> Msg:
    """Marks a message for extraction without translating it now."""
    return Msg(msgid)


@functools.lru_cache(maxsize=None)
def translations(locale: str) -> NullTranslations:
    if locale not in LOCALES:
        locale = DEFAULT_LOCALE
    return Translations.load(str(TRANSLATIONS_DIR), [locale], domain="messages")


def translate(msgid: str, locale: str = DEFAULT_LOCALE, **params: object) -> str:
    gettext = translations(locale).gettext
    text = gettext(msgid)
    if not params:
        return text
    return text % {k: _localised(v, locale) for k, v in params.items()}


def _localised(value: object, locale: str) -> object:
    """Parameters in the reader's language: messages translated, instants in Helsinki time
    and dates the locale's way."""
    from .timeutil import format_day, format_instant

    if isinstance(value, Msg):
        return translations(locale).gettext(value)
    if isinstance(value, dt.datetime):
        return format_instant(value, locale)
    if isinstance(value, dt.date):
        return format_day(value, locale)
    return value
