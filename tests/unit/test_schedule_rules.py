"""The schedule rule: the nth weekday of each month, moved off bank holidays in
England (the 2027 dates from govuk-bank-holidays' own copy), in London time."""

from datetime import UTC, date, datetime, time

import pytest

from commission.errors import DomainError
from commission.meetings.models import MeetingStatus
from commission.meetings.services import ScheduleRule, plan_schedule
from commission.timeutil import (
    bank_holiday,
    last_bank_holiday_year,
    london,
    next_working_day,
    nth_weekday,
)
from tests import factories

MONDAY, TUESDAY, FRIDAY = 0, 1, 4


def rule(**overrides) -> ScheduleRule:
    values = {
        "year": 2027,
        "ordinal": "second",
        "weekday": TUESDAY,
        "starts": time(10, 30),
        "ends": time(13, 0),
        "skip_months": {8},
    }
    values.update(overrides)
    return ScheduleRule(**values)


# nth_weekday ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "ordinal", "weekday", "expected"),
    [
        (1, 1, TUESDAY, date(2027, 1, 5)),
        (2, 2, TUESDAY, date(2027, 2, 9)),
        (3, 1, MONDAY, date(2027, 3, 1)),  # the 1st itself
        (3, 4, MONDAY, date(2027, 3, 22)),
        (3, -1, MONDAY, date(2027, 3, 29)),  # a fifth Monday is the last
        (2, -1, FRIDAY, date(2027, 2, 26)),
        (12, 3, FRIDAY, date(2027, 12, 17)),
    ],
)
def test_nth_weekday_of_a_month(month, ordinal, weekday, expected):
    found = nth_weekday(2027, month, ordinal, weekday)
    assert found == expected
    assert found.weekday() == weekday


def test_last_weekday_in_a_leap_february():
    assert nth_weekday(2028, 2, -1, TUESDAY) == date(2028, 2, 29)


# Bank holidays and the next working day ---------------------------------------


def test_bank_holidays_in_2027_come_from_the_offline_copy():
    assert bank_holiday(date(2027, 3, 29)) == "Easter Monday"
    assert bank_holiday(date(2027, 5, 31)) == "Spring bank holiday"
    assert bank_holiday(date(2027, 5, 3)) == "Early May bank holiday"
    assert bank_holiday(date(2027, 3, 30)) is None


def test_a_working_day_stays_put_with_no_reasons():
    assert next_working_day(date(2027, 2, 9)) == (date(2027, 2, 9), [])


def test_easter_monday_moves_to_the_tuesday():
    assert next_working_day(date(2027, 3, 29)) == (
        date(2027, 3, 30),
        ["Monday 29 March 2027 is a bank holiday (Easter Monday)"],
    )


def test_spring_bank_holiday_moves_to_the_tuesday():
    day, reasons = next_working_day(date(2027, 5, 31))
    assert day == date(2027, 6, 1)
    assert reasons == ["Monday 31 May 2027 is a bank holiday (Spring bank holiday)"]


def test_good_friday_moves_over_the_weekend_and_easter_monday():
    day, reasons = next_working_day(date(2027, 3, 26))
    assert day == date(2027, 3, 30)
    assert reasons == [
        "Friday 26 March 2027 is a bank holiday (Good Friday)",
        "Saturday 27 March 2027 is a weekend",
        "Sunday 28 March 2027 is a weekend",
        "Monday 29 March 2027 is a bank holiday (Easter Monday)",
    ]


def test_christmas_substitute_days_each_explained():
    day, reasons = next_working_day(date(2027, 12, 27))
    assert day == date(2027, 12, 29)
    assert reasons == [
        "Monday 27 December 2027 is a bank holiday (Christmas Day)",
        "Tuesday 28 December 2027 is a bank holiday (Boxing Day)",
    ]


# London times ------------------------------------------------------------------


def test_london_time_in_summer_is_an_hour_behind_in_utc():
    assert london(date(2027, 7, 13), time(10, 30)) == datetime(2027, 7, 13, 9, 30, tzinfo=UTC)


def test_london_time_in_winter_is_the_same_in_utc():
    assert london(date(2027, 1, 12), time(10, 30)) == datetime(2027, 1, 12, 10, 30, tzinfo=UTC)


def test_london_time_either_side_of_the_clocks_changing():
    # BST starts on Sunday 28 March 2027 and ends on Sunday 31 October 2027.
    assert london(date(2027, 3, 26), time(10, 30)).hour == 10
    assert london(date(2027, 3, 30), time(10, 30)).hour == 9
    assert london(date(2027, 10, 29), time(10, 30)).hour == 9
    assert london(date(2027, 11, 1), time(10, 30)).hour == 10


# Planning a year -----------------------------------------------------------------


def test_plan_gives_every_month_but_the_skipped_ones(app_ctx):
    planned = plan_schedule(rule(skip_months={8, 12}))
    assert [p.day.month for p in planned] == [1, 2, 3, 4, 5, 6, 7, 9, 10, 11]
    assert [p.day for p in planned][:3] == [date(2027, 1, 12), date(2027, 2, 9), date(2027, 3, 9)]
    assert all(p.moved_from is None and p.reasons == [] for p in planned)
    assert all(p.clash is None for p in planned)


def test_plan_times_are_london_times_stored_in_utc(app_ctx):
    planned = {p.day.month: p for p in plan_schedule(rule())}
    assert planned[1].starts_at == datetime(2027, 1, 12, 10, 30, tzinfo=UTC)
    assert planned[1].ends_at == datetime(2027, 1, 12, 13, 0, tzinfo=UTC)
    assert planned[7].starts_at == datetime(2027, 7, 13, 9, 30, tzinfo=UTC)
    assert planned[7].ends_at == datetime(2027, 7, 13, 12, 0, tzinfo=UTC)


def test_a_rule_landing_on_a_bank_holiday_moves_and_says_why(app_ctx):
    planned = plan_schedule(rule(ordinal="last", weekday=MONDAY))
    _, _, march, april, may, june = planned[:6]
    assert (march.moved_from, march.day) == (date(2027, 3, 29), date(2027, 3, 30))
    assert march.reasons == ["Monday 29 March 2027 is a bank holiday (Easter Monday)"]
    assert march.starts_at == datetime(2027, 3, 30, 9, 30, tzinfo=UTC)
    assert (may.moved_from, may.day) == (date(2027, 5, 31), date(2027, 6, 1))
    assert may.reasons == ["Monday 31 May 2027 is a bank holiday (Spring bank holiday)"]
    assert (april.moved_from, april.day) == (None, date(2027, 4, 26))
    assert june.day == date(2027, 6, 28)  # May's meeting moved into June; June's stays


def test_first_monday_in_may_moves_off_the_early_may_bank_holiday(app_ctx):
    planned = {p.day.month: p for p in plan_schedule(rule(ordinal="first", weekday=MONDAY))}
    assert planned[5].day == date(2027, 5, 4)
    assert planned[5].reasons == ["Monday 3 May 2027 is a bank holiday (Early May bank holiday)"]


def test_plan_marks_a_clash_with_an_existing_meeting(app_ctx):
    existing = factories.meeting(starts_at=datetime(2027, 2, 9, 11, 0, tzinfo=UTC), minutes=60)
    planned = {p.day.month: p for p in plan_schedule(rule())}
    assert planned[2].clash == existing
    assert all(p.clash is None for month, p in planned.items() if month != 2)


def test_a_cancelled_meeting_is_not_a_clash(app_ctx):
    factories.meeting(
        starts_at=datetime(2027, 2, 9, 11, 0, tzinfo=UTC), status=MeetingStatus.CANCELLED
    )
    assert all(p.clash is None for p in plan_schedule(rule()))


def test_plan_refuses_an_end_before_the_start(app_ctx):
    with pytest.raises(DomainError) as error:
        plan_schedule(rule(starts=time(13, 0), ends=time(10, 30)))
    assert (error.value.message, error.value.field) == (
        "The end time must be after the start time",
        "ends",
    )


def test_plan_refuses_every_month_skipped(app_ctx):
    with pytest.raises(DomainError) as error:
        plan_schedule(rule(skip_months=set(range(1, 13))))
    assert error.value.field == "skip_months"
    assert "Every month is skipped" in error.value.message


def test_plan_refuses_a_year_whose_bank_holidays_are_not_known(app_ctx):
    """Without the year's bank holidays, a date on one would not be moved and
    no one would be told; better to say so than to plan wrong dates."""
    year = last_bank_holiday_year() + 1
    with pytest.raises(DomainError) as error:
        plan_schedule(rule(year=year))
    assert error.value.field == "year"
    assert error.value.message == (
        f"Bank holidays for {year} are not known yet, so its dates cannot be checked. "
        f"Choose {year - 1} or earlier"
    )
    assert plan_schedule(rule(year=year - 1))


def test_rule_describes_itself():
    assert rule(skip_months={8, 12}).describe() == (
        "The second Tuesday of each month in 2027, 10:30 to 13:00, Europe/London, "
        "except August, December"
    )
    assert rule(skip_months=set()).describe().endswith("Europe/London")
