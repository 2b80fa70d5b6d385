"""iCalendar feeds of meetings, for people's own calendars.

Each meeting keeps one UID for life. When a meeting's time, place or status
changes its ``calendar_sequence`` goes up, and a cancelled or postponed
meeting is sent as a cancelled event, so subscribed calendars update it rather
than adding a second copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask import Response, current_app
from icalendar import Calendar, Event

from commission.links import external_url
from commission.meetings.models import Meeting, MeetingStatus
from commission.timeutil import in_london

CANCELLED = {MeetingStatus.CANCELLED, MeetingStatus.POSTPONED}


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.id}@{current_app.config['CALENDAR_DOMAIN']}"


def _event(meeting: Meeting, *, show_link: bool) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", meeting.created_at)
    event.add("dtstart", in_london(meeting.starts_at))
    event.add("dtend", in_london(meeting.ends_at))
    event.add("sequence", meeting.calendar_sequence)
    summary = meeting.title
    if meeting.status in CANCELLED:
        summary = f"{meeting.status.label}: {summary}"
    event.add("summary", summary)
    url = external_url("meetings.show_meeting", slug=meeting.slug)
    event.add("url", url)
    description = [url]
    if meeting.status_reason:
        description.insert(0, f"{meeting.status.label}: {meeting.status_reason}")
    if show_link and meeting.online_link:
        description.append(f"Join online: {meeting.online_link}")
    event.add("description", "\n\n".join(description))
    if meeting.venue:
        event.add("location", meeting.venue)
    event.add("status", "CANCELLED" if meeting.status in CANCELLED else "CONFIRMED")
    return event


def _deadline_event(consultation: Any, closes: datetime) -> Event:
    event = Event()
    event.add(
        "uid", f"consultation-{consultation.id}-deadline@{current_app.config['CALENDAR_DOMAIN']}"
    )
    event.add("dtstamp", consultation.created_at)
    event.add("dtstart", in_london(closes))
    event.add("dtend", in_london(closes))
    event.add("summary", f"Responses close: {consultation.reference} {consultation.title}")
    url = external_url("consultations.show_consultation", reference=consultation.reference)
    event.add("url", url)
    event.add("description", url)
    return event


def calendar_response(
    meetings: Iterable[Meeting],
    *,
    filename: str,
    name: str,
    show_links: bool,
    deadlines: list[tuple[Any, datetime]] | None = None,
) -> Response:
    calendar = Calendar()
    calendar.add("prodid", "-//Local Government Commission//Commission//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    meetings = list(meetings)
    for meeting in meetings:
        calendar.add_component(_event(meeting, show_link=show_links))
    for consultation, closes in deadlines or []:
        calendar.add_component(_deadline_event(consultation, closes))
    if meetings:
        first = min(m.starts_at for m in meetings).date()
        last = max(m.ends_at for m in meetings).date()
        calendar.add_missing_timezones(
            first_date=first.replace(month=1, day=1), last_date=date(last.year + 1, 12, 31)
        )
    return Response(
        calendar.to_ical(),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
