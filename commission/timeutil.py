"""Time in the Commission: stored in UTC, shown and entered in Europe/London.

The one home of the clock and the calendar: now, today, London wall-clock
time, bank holidays in England and working days. Every area asks here rather
than converting for itself, so "today" means the same date everywhere.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from govuk_bank_holidays.bank_holidays import BankHolidays

LONDON = ZoneInfo("Europe/London")


def now_utc() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date as people in England see it. A service that also needs the
    moment reads the clock once (``now_utc()``) and takes the day from it
    (``london_date``), so the two never straddle midnight."""
    return london_date(now_utc())


def in_london(moment: datetime) -> datetime:
    """An aware moment as wall-clock time in London: its year, its time of day
    for a form, its date."""
    return moment.astimezone(LONDON)


def london_date(moment: datetime) -> date:
    """The date in London at an aware moment (a meeting's day, a deadline's day)."""
    return in_london(moment).date()


def start_of_year(year: int) -> datetime:
    """Midnight on 1 January in London, as an aware UTC datetime."""
    return london(date(year, 1, 1), time())


def london(day: date, at: time) -> datetime:
    """A wall-clock time in London as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


# Bank holidays and working days ------------------------------------------------------


@lru_cache(maxsize=1)
def _bank_holidays() -> dict[date, str]:
    """Bank holidays in England, from the copy govuk-bank-holidays ships with
    (no network needed)."""
    holidays = BankHolidays(use_cached_holidays=True)
    return {
        h["date"]: h["title"]
        for h in holidays.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    }


def bank_holiday(day: date) -> str | None:
    """The bank holiday's name if ``day`` is one in England, else None."""
    return _bank_holidays().get(day)


def last_bank_holiday_year() -> int:
    """The last year the offline copy of bank holidays covers; later dates
    cannot be checked, so they are not planned."""
    return max(_bank_holidays()).year


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not bank_holiday(day)


def nth_weekday(year: int, month: int, ordinal: int, weekday: int) -> date:
    """The first (1), second (2), ... or last (-1) given weekday of a month."""
    days = [
        date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == weekday
    ]
    return days[-1] if ordinal == -1 else days[ordinal - 1]


def next_working_day(day: date) -> tuple[date, list[str]]:
    """The day itself if it is a working day, else the next one, with why each
    day was passed over."""
    reasons = []
    while True:
        holiday = bank_holiday(day)
        if holiday:
            reasons.append(f"{format_date(day, weekday=True)} is a bank holiday ({holiday})")
        elif day.weekday() >= 5:
            reasons.append(f"{format_date(day, weekday=True)} is a weekend")
        else:
            return day, reasons
        day += timedelta(days=1)


def working_days_before(day: date, count: int) -> date:
    """The day ``count`` working days before ``day`` (weekends and bank
    holidays in England do not count)."""
    current = day
    while count > 0:
        current -= timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current


# Display -----------------------------------------------------------------------------


def format_time(value: datetime) -> str:
    """10:30am, 2pm, 12pm (midday) — the GOV.UK style."""
    local = in_london(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    if local.minute:
        return f"{hour}:{local.minute:02d}{suffix}"
    return f"{hour}{suffix}"


def format_date(value: date | datetime, *, weekday: bool = False) -> str:
    """3 February 2027, or Tuesday 3 February 2027."""
    if isinstance(value, datetime):
        value = london_date(value)
    text = f"{value.day} {value:%B} {value.year}"
    return f"{value:%A} {text}" if weekday else text


def format_datetime(value: datetime, *, weekday: bool = True) -> str:
    """Tuesday 3 February 2027, 10:30am — in Europe/London."""
    return f"{format_date(value, weekday=weekday)}, {format_time(value)}"
