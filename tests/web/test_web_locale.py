"""Dates, times and money in each language, always in Helsinki time."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from workflow.timeutil import HELSINKI
from workflow.web.locale import format_day, format_instant, format_money, format_time_left

DEADLINE = dt.datetime(2024, 6, 3, 16, 15, tzinfo=HELSINKI).astimezone(dt.timezone.utc)


@pytest.mark.parametrize("locale, expected", [
    ("fi", "3.6.2024 klo 16.15"), ("sv", "3.6.2024 kl. 16.15"), ("en", "3 June 2024 at 16:15")])
def test_the_deadline_is_written_the_locales_way(app, locale, expected):
    """Is 3.6.2024 16.15 Helsinki time written the Finnish, Swedish and English way?"""
    with app.test_request_context():
        assert format_instant(DEADLINE, locale) == expected


def test_winter_time_is_helsinki_time_too(app):
    """Is an instant in winter shown in Helsinki winter time (UTC+2)?"""
    instant = dt.datetime(2024, 12, 2, 14, 15, tzinfo=dt.timezone.utc)
    with app.test_request_context():
        assert format_instant(instant, "fi") == "2.12.2024 klo 16.15"
        assert format_day(instant.date(), "en") == "2 December 2024"


def test_money_uses_the_locales_separators(app):
    """Are euros written with the locale's digit grouping and decimal sign?"""
    with app.test_request_context():
        assert format_money(Decimal("250000"), "fi") == "250\xa0000,00 €"
        assert format_money("1234.5", "en") == "1,234.50 €"


def test_time_left_uses_the_two_largest_units(app, client):
    """Is the time left given in days and hours, or hours and minutes near the end?"""
    with app.test_request_context():
        assert format_time_left(DEADLINE, DEADLINE - dt.timedelta(days=1, hours=7, minutes=15)) == "1 päivä 7 tuntia"
        assert format_time_left(DEADLINE, DEADLINE - dt.timedelta(minutes=45)) == "45 minuuttia"
        assert format_time_left(DEADLINE, DEADLINE - dt.timedelta(seconds=20)) == "1 minuutti"
        assert format_time_left(DEADLINE, DEADLINE) == ""


def test_the_demo_banner_shows_the_demo_time(engine, session, clock):
    """Does every page of the demo show the demo time?"""
    from workflow.app import create_app

    app = create_app({"DEMO": True, "ENGINE": engine, "WTF_CSRF_ENABLED": False})
    app.extensions["hankeflow.sessions"] = lambda: session
    app.extensions["hankeflow.close_sessions"] = False
    assert not app.config["SESSION_COOKIE_SECURE"]          # the demo runs on plain http
    for path in ("/", "/sign-in", "/no-such-page"):
        assert "demoaika 2.6.2024 klo 9.00 (Suomen aikaa)" in app.test_client().get(path).get_data(as_text=True)
