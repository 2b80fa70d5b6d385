"""Time in the Commission: stored in UTC, shown and entered in Europe/London."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now_utc() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date as people in England see it."""
    return now_utc().astimezone(LONDON).date()


def format_time(value: datetime) -> str:
    """10:30am, 2pm, 12pm (midday) — the GOV.UK style."""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    if local.minute:
        return f"{hour}:{local.minute:02d}{suffix}"
    return f"{hour}{suffix}"


def format_date(value: date | datetime, *, weekday: bool = False) -> str:
    """3 February 2027, or Tuesday 3 February 2027."""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    text = f"{value.day} {value:%B} {value.year}"
    return f"{value:%A} {text}" if weekday else text


def format_datetime(value: datetime, *, weekday: bool = True) -> str:
    """Tuesday 3 February 2027, 10:30am — in Europe/London."""
    return f"{format_date(value, weekday=weekday)}, {format_time(value)}"
