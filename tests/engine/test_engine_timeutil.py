"""Helsinki time and the statutory standstill (Act 150/1930), checked against days counted by
hand in the calendar, and a property over many years of deliveries."""
from __future__ import annotations

import datetime as dt

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.timeutil import (
    HELSINKI,
    format_fi,
    is_statutory_day_off,
    local_instant,
    parse_instant,
    standstill_last_day,
    statutory_period_end,
)

UTC = dt.timezone.utc
D = dt.date


def helsinki(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI).astimezone(UTC)


# (delivered, last day of the 14-day standstill, why), each counted by hand.
STANDSTILLS = [
    # DOMAIN §4: day 14 is Fri 21.6. Midsummer Eve, then Midsummer Day (Sat) and Sunday.
    (D(2024, 6, 7), D(2024, 6, 24), "Midsummer"),
    # Day 14 Tue 24.12. Christmas Eve, 25.12. Christmas Day, 26.12. St Stephen's Day.
    (D(2024, 12, 10), D(2024, 12, 27), "Christmas"),
    # Day 14 Fri 6.12. Independence Day, then the weekend.
    (D(2024, 11, 22), D(2024, 12, 9), "Independence Day"),
    # Day 14 Fri 29.3. Good Friday, Easter Saturday, Easter Sunday, Easter Monday 1.4.
    (D(2024, 3, 15), D(2024, 4, 2), "Easter"),
    # Day 14 Wed 1.5. May Day.
    (D(2024, 4, 17), D(2024, 5, 2), "May Day"),
    # Day 14 Thu 9.5. Ascension Day.
    (D(2024, 4, 25), D(2024, 5, 10), "Ascension Day"),
    # Day 14 Sat 6.1.2024, Epiphany on a Saturday; then Sunday.
    (D(2023, 12, 23), D(2024, 1, 8), "Epiphany on a Saturday"),
    # Delivered on a Saturday: day 14 is Sat 15.6., then Sunday.
    (D(2024, 6, 1), D(2024, 6, 17), "a weekend"),
    # An ordinary Tuesday: day 14 is Tue 17.9., nothing moves.
    (D(2024, 9, 3), D(2024, 9, 17), "a weekday"),
    # New Year's Eve is a working day under the Act: day 14 Tue 31.12. stays.
    (D(2024, 12, 17), D(2024, 12, 31), "New Year's Eve"),
    # Day 14 Wed 1.1.2025 New Year's Day.
    (D(2024, 12, 18), D(2025, 1, 2), "New Year's Day"),
]


@pytest.mark.parametrize(("delivered", "last_day", "why"), STANDSTILLS,
                         ids=[s[2] for s in STANDSTILLS])
def test_standstill_last_day_counted_by_hand(delivered, last_day, why):
    """Does the standstill end on the day counted by hand (day of delivery not counted, a
    last day that is a Saturday, Sunday or holiday moved to the next weekday)?"""
    assert statutory_period_end(delivered, 14) == last_day
    assert standstill_last_day(helsinki(delivered.year, delivered.month, delivered.day, 12, 0)) \
        == last_day


def test_standstill_counts_from_the_helsinki_date_of_delivery():
    """Is an e-mail sent 7.6.2024 at 00.30 Helsinki time (6.6. in UTC) delivered on 7.6., and
    one sent at 23.59 still on 7.6.?"""
    early, late = helsinki(2024, 6, 7, 0, 30), helsinki(2024, 6, 7, 23, 59)
    assert early.date() == D(2024, 6, 6)
    assert standstill_last_day(early) == standstill_last_day(late) == D(2024, 6, 24)


@pytest.mark.parametrize(("start", "days", "end"), [
    (D(2024, 6, 3), 7, D(2024, 6, 10)),      # a week: Monday to Monday
    (D(2024, 6, 14), 7, D(2024, 6, 24)),     # day 7 is Midsummer Eve 21.6.
    (D(2024, 12, 5), 1, D(2024, 12, 9)),     # day 1 is Independence Day, then the weekend
    (D(2024, 3, 28), 1, D(2024, 4, 2)),      # Good Friday to Easter Monday
])
def test_statutory_period_end_for_other_periods(start, days, end):
    """Does the same counting work for periods other than the 14-day standstill?"""
    assert statutory_period_end(start, days) == end


@pytest.mark.parametrize(("day", "off"), [
    (D(2024, 6, 21), True), (D(2024, 12, 24), True), (D(2024, 12, 6), True),
    (D(2024, 5, 1), True), (D(2024, 6, 22), True), (D(2024, 6, 23), True),
    (D(2024, 6, 20), False), (D(2024, 12, 31), False), (D(2024, 4, 30), False),
])
def test_statutory_days_off(day, off):
    """Are Midsummer Eve, Christmas Eve, Independence Day, May Day and weekends days off, and
    ordinary weekdays (also New Year's Eve and Walpurgis Eve) not?"""
    assert is_statutory_day_off(day) is off


@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)))
def test_the_standstill_never_ends_on_a_day_off(delivered):
    """For any delivery day, is the last day of the standstill a weekday that is no Finnish
    public holiday, at least 14 days after delivery, and the first such day from day 14?"""
    last = statutory_period_end(delivered, 14)
    finnish = holidays.country_holidays("FI", years=[last.year])
    assert last.weekday() < 5 and last not in finnish
    assert last - delivered >= dt.timedelta(days=14)
    day = delivered + dt.timedelta(days=14)
    while day < last:
        assert day.weekday() >= 5 or day in holidays.country_holidays("FI", years=[day.year])
        day += dt.timedelta(days=1)


@given(st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 31),
                    timezones=st.just(UTC)))
def test_standstill_from_any_instant(delivered_at):
    """For any delivery instant, is the last day counted from its Helsinki date?"""
    local_day = delivered_at.astimezone(HELSINKI).date()
    assert standstill_last_day(delivered_at) == statutory_period_end(local_day, 14)


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-06-03T16:15", dt.datetime(2024, 6, 3, 13, 15, tzinfo=UTC)),     # EEST, +3
    ("2024-12-03T16:15", dt.datetime(2024, 12, 3, 14, 15, tzinfo=UTC)),    # EET, +2
    ("2024-06-03 16:15:00", dt.datetime(2024, 6, 3, 13, 15, tzinfo=UTC)),
    ("  2024-06-03T16:15  ", dt.datetime(2024, 6, 3, 13, 15, tzinfo=UTC)),
    ("2024-06-03", dt.datetime(2024, 6, 2, 21, 0, tzinfo=UTC)),            # midnight Helsinki
    ("2024-06-03T16:15+03:00", dt.datetime(2024, 6, 3, 13, 15, tzinfo=UTC)),
    ("2024-06-03T16:15+00:00", dt.datetime(2024, 6, 3, 16, 15, tzinfo=UTC)),
    ("2024-06-03T16:15Z", dt.datetime(2024, 6, 3, 16, 15, tzinfo=UTC)),
    ("2024-06-03T16:15:00.000001-05:00", dt.datetime(2024, 6, 3, 21, 15, 0, 1, tzinfo=UTC)),
    ("2025-03-30T02:59", dt.datetime(2025, 3, 30, 0, 59, tzinfo=UTC)),     # before the change
    ("2025-03-30T04:00", dt.datetime(2025, 3, 30, 1, 0, tzinfo=UTC)),      # after the change
])
def test_parse_instant(text, expected):
    """Is input without an offset Helsinki time (summer or winter), input with one kept, and
    the result an aware UTC instant?"""
    parsed = parse_instant(text)
    assert parsed == expected and parsed.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("text", ["", "tomorrow", "3.6.2024 16.15", "2024-13-01T10:00",
                                  "2024-06-03T25:00"])
def test_parse_instant_refuses_what_is_not_iso_8601(text):
    """Is anything but ISO 8601 refused with ValueError (the callers turn it into 422)?"""
    with pytest.raises(ValueError):
        parse_instant(text)


@pytest.mark.parametrize(("instant", "shown"), [
    (dt.datetime(2024, 6, 3, 13, 15, tzinfo=UTC), "3.6.2024 klo 16.15"),
    (dt.datetime(2024, 12, 24, 7, 5, tzinfo=UTC), "24.12.2024 klo 9.05"),
    (dt.datetime(2024, 10, 27, 0, 30, tzinfo=UTC), "27.10.2024 klo 3.30"),   # summer time
    (dt.datetime(2024, 10, 27, 1, 30, tzinfo=UTC), "27.10.2024 klo 3.30"),   # winter time
    (dt.datetime(2024, 12, 31, 22, 0, tzinfo=UTC), "1.1.2025 klo 0.00"),
])
def test_format_fi(instant, shown):
    """Are instants shown the Finnish way, in Helsinki time, without leading zeros in day,
    month and hour?"""
    assert format_fi(instant) == shown


def test_local_instant_is_wall_clock_time_in_helsinki():
    """Does local_instant turn a Helsinki day and time into the right UTC instant?"""
    assert local_instant(D(2024, 6, 3), 16, 15) == dt.datetime(2024, 6, 3, 13, 15, tzinfo=UTC)
    assert local_instant(D(2024, 1, 3), 16, 15) == dt.datetime(2024, 1, 3, 14, 15, tzinfo=UTC)
