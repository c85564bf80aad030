"""Helsinki time for people, UTC for storage, and the statutory standstill (DOMAIN §4, §6)."""
from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import holidays
from babel.dates import format_date as babel_format_date

UTC = dt.timezone.utc
HELSINKI = ZoneInfo("Europe/Helsinki")
STANDSTILL_DAYS = 14


def parse_instant(text: str) -> dt.datetime:
    """ISO 8601 to an aware UTC instant; input without an offset means Helsinki time."""
    value = dt.datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=HELSINKI)
    return value.astimezone(UTC)


def helsinki(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(HELSINKI)


def helsinki_date(instant: dt.datetime) -> dt.date:
    return instant.astimezone(HELSINKI).date()


def local_instant(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A wall-clock time in Helsinki on a day, as an aware UTC instant."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI).astimezone(UTC)


def format_instant(instant: dt.datetime, locale: str = "fi", *, seconds: bool = False) -> str:
    """An instant in Helsinki time, the locale's way: fi "3.6.2024 klo 16.15",
    sv "3.6.2024 kl. 16.15", en "3 June 2024 at 16:15"; with `seconds` (a receipt's server
    instant) "3.6.2024 klo 16.15.03", "3 June 2024 at 16:15:03"."""
    local = helsinki(instant)
    if locale == "en":
        return f"{format_day(local.date(), 'en')} at {local:%H:%M}" + (
            f":{local:%S}" if seconds else "")
    word = "kl." if locale == "sv" else "klo"
    return f"{local.day}.{local.month}.{local.year} {word} {local.hour}.{local.minute:02d}" + (
        f".{local.second:02d}" if seconds else "")


def format_day(day: dt.date, locale: str = "fi") -> str:
    """A date: fi/sv "24.6.2024", en "24 June 2024"."""
    if locale == "en":
        return babel_format_date(day, "d MMMM y", locale="en")
    return f"{day.day}.{day.month}.{day.year}"


def format_fi(instant: dt.datetime) -> str:
    """The Finnish way: 3.6.2024 klo 16.15 (logs, CLI output)."""
    return format_instant(instant, "fi")


@functools.lru_cache(maxsize=64)
def _finnish_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("FI", years=[year])


def is_statutory_day_off(day: dt.date) -> bool:
    """Saturday, Sunday, or a Finnish public holiday (incl. Independence Day, May Day,
    Christmas Eve and Midsummer Eve, which Act 150/1930 §5 names; `holidays` lists them)."""
    return day.weekday() >= 5 or day in _finnish_holidays(day.year)


def statutory_period_end(start: dt.date, days: int) -> dt.date:
    """Last day of a period of `days` days counted from `start` under Act 150/1930:
    the start day is not counted (§2), and a last day that is a day off moves to the next
    weekday (§5)."""
    last = start + dt.timedelta(days=days)
    while is_statutory_day_off(last):
        last += dt.timedelta(days=1)
    return last


def standstill_last_day(delivered_at: dt.datetime) -> dt.date:
    """The standstill period's last day for a decision delivered at an instant (by e-mail
    the send date counts as delivery). The contract may be signed from the next day on."""
    return statutory_period_end(helsinki_date(delivered_at), STANDSTILL_DAYS)
