"""The language of an API request: Accept-Language among fi, sv and en; Finnish otherwise.

(The HTML pages follow the user's saved choice instead; an integration asks per request.)
"""
from __future__ import annotations

from flask import g, request

from ...i18n import DEFAULT_LOCALE, LOCALES


def request_locale() -> str:
    if "api_locale" not in g:
        g.api_locale = request.accept_languages.best_match(LOCALES, default=DEFAULT_LOCALE)
    return g.api_locale
