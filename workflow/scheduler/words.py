"""Deadlines in words, in the reader's language and Helsinki time, true at the moment the
message is written: "huomenna klo 16.15", "i morgon kl. 16.15", "tomorrow at 16.15"."""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_timedelta

from ..i18n import N_, translate
from ..timeutil import format_day, helsinki

TODAY = N_("today at %(time)s")
TOMORROW = N_("tomorrow at %(time)s")
YESTERDAY = N_("yesterday at %(time)s")
ON_DAY = N_("on %(weekday)s %(date)s at %(time)s")


def clock_time(instant: dt.datetime) -> str:
    """16.15: the Finnish way, also in Swedish and English texts written in Finland."""
    local = helsinki(instant)
    return f"{local.hour}.{local.minute:02d}"


def when(instant: dt.datetime, now: dt.datetime, locale: str) -> str:
    """Relative to today (Helsinki) when near: today / tomorrow / yesterday at 16.15;
    otherwise the weekday and date: maanantaina 3.6.2024 klo 16.15."""
    day, today = helsinki(instant).date(), helsinki(now).date()
    time = clock_time(instant)
    distance = (day - today).days
    if distance == 0:
        return translate(TODAY, locale, time=time)
    if distance == 1:
        return translate(TOMORROW, locale, time=time)
    if distance == -1:
        return translate(YESTERDAY, locale, time=time)
    return translate(ON_DAY, locale, weekday=format_date(day, "EEEE", locale=locale),
                     date=format_day(day, locale), time=time)


def remaining(instant: dt.datetime, now: dt.datetime, locale: str) -> str:
    """in 3 hours / 3 tunnin päästä / om 3 timmar; 2 days ago when past."""
    return format_timedelta(instant - now, granularity="minute", threshold=1,
                            add_direction=True, locale=locale)


def day_text(day: dt.date, locale: str) -> str:
    """A date with its weekday: maanantaina 24.6.2024 / måndag 24.6.2024 / Monday 24 June 2024."""
    return f"{format_date(day, 'EEEE', locale=locale)} {format_day(day, locale)}"
