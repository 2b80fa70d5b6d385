"""Dates and times are stored in UTC and shown in Europe/London, GOV.UK style."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from commission.db_types import utcnow
from commission.timeutil import (
    LONDON,
    format_date,
    format_datetime,
    format_time,
    in_london,
    london_date,
    start_of_year,
    today,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_datetime_in_winter_is_shown_in_gmt_with_weekday():
    assert format_datetime(utc(2027, 2, 2, 10, 30)) == "Tuesday 2 February 2027, 10:30am"


def test_datetime_in_summer_is_converted_to_bst():
    assert format_datetime(utc(2027, 7, 6, 9, 30)) == "Tuesday 6 July 2027, 10:30am"


def test_datetime_without_weekday():
    assert format_datetime(utc(2027, 2, 2, 14, 0), weekday=False) == "2 February 2027, 2pm"


def test_late_utc_evening_in_summer_is_the_next_day_in_london():
    assert format_datetime(utc(2027, 7, 6, 23, 30)) == "Wednesday 7 July 2027, 12:30am"


def test_datetime_in_another_zone_is_converted_to_london():
    new_york = timezone(timedelta(hours=-5))
    assert format_datetime(datetime(2027, 2, 2, 5, 30, tzinfo=new_york)) == (
        "Tuesday 2 February 2027, 10:30am"
    )


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (utc(2027, 1, 5, 12, 0), "12pm"),
        (utc(2027, 1, 5, 0, 0), "12am"),
        (utc(2027, 1, 5, 0, 5), "12:05am"),
        (utc(2027, 1, 5, 12, 15), "12:15pm"),
        (utc(2027, 1, 5, 9, 0), "9am"),
        (utc(2027, 1, 5, 13, 0), "1pm"),
        (utc(2027, 1, 5, 23, 59), "11:59pm"),
        (utc(2027, 7, 5, 11, 0), "12pm"),  # 11:00 UTC is midday BST
    ],
)
def test_time_uses_gov_uk_style(moment, expected):
    assert format_time(moment) == expected


def test_clocks_going_forward_in_march():
    # 01:00 UTC on 28 March 2027 is when BST starts: 12:59am GMT then 2am BST.
    assert format_time(utc(2027, 3, 28, 0, 59)) == "12:59am"
    assert format_time(utc(2027, 3, 28, 1, 0)) == "2am"


def test_clocks_going_back_in_october():
    # 01:00 UTC on 31 October 2027 is when BST ends: 1:59am BST then 1am GMT.
    assert format_time(utc(2027, 10, 31, 0, 59)) == "1:59am"
    assert format_time(utc(2027, 10, 31, 1, 0)) == "1am"


def test_date_has_no_leading_zero_and_full_month():
    assert format_date(date(2027, 3, 1)) == "1 March 2027"


def test_date_with_weekday():
    assert format_date(date(2027, 3, 1), weekday=True) == "Monday 1 March 2027"


def test_date_of_a_datetime_is_its_london_date():
    assert format_date(utc(2027, 6, 30, 23, 30)) == "1 July 2027"


def test_today_is_the_date_in_london(monkeypatch):
    monkeypatch.setattr("commission.timeutil.now_utc", lambda: utc(2027, 6, 30, 23, 30))
    assert today() == date(2027, 7, 1)


def test_london_zone_is_europe_london():
    assert str(LONDON) == "Europe/London"


def test_in_london_is_the_wall_clock_time_there():
    summer = in_london(utc(2027, 7, 6, 23, 30))
    assert (summer.date(), summer.hour, summer.minute) == (date(2027, 7, 7), 0, 30)
    assert summer.utcoffset() == timedelta(hours=1)
    assert in_london(utc(2027, 2, 2, 10, 30)).hour == 10
    assert london_date(utc(2027, 12, 31, 23, 59)) == date(2027, 12, 31)


def test_a_year_starts_at_midnight_in_london():
    assert start_of_year(2027) == utc(2027, 1, 1, 0, 0)  # GMT in January
    assert in_london(start_of_year(2028)).date() == date(2028, 1, 1)


def test_the_column_default_reads_the_same_clock(monkeypatch):
    monkeypatch.setattr("commission.db_types.now_utc", lambda: utc(2027, 6, 30, 23, 30))
    assert utcnow() == utc(2027, 6, 30, 23, 30)
