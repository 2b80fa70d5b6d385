"""Where a meeting may go next in its life: draft, scheduled, agenda
published, held (or cancelled, or postponed to a new meeting). Each step's
rule is one function that the service asks before it changes the meeting and
the meeting's pages ask (through the blueprint's context helper) before they
offer the step, so a link on the page always leads to a change the service
makes. What a step needs beyond the meeting's state (a reason, an agenda item,
no kept records) is checked by the service, which says what is missing."""

from __future__ import annotations

from datetime import datetime

from commission.meetings.models import Meeting, MeetingStatus
from commission.timeutil import now_utc

# Announced and not yet held: the meeting is public and can still be called off.
ANNOUNCED = frozenset({MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED})


def can_confirm(meeting: Meeting) -> bool:
    """A draft is confirmed (its date announced) once; nothing else is."""
    return meeting.status is MeetingStatus.DRAFT


def can_publish_agenda(meeting: Meeting) -> bool:
    """A scheduled meeting's agenda is published once; a draft is confirmed
    first, so its date is announced before its agenda."""
    return meeting.status is MeetingStatus.SCHEDULED


def can_mark_held(meeting: Meeting, at: datetime | None = None) -> bool:
    """An announced meeting is recorded as held once it has started."""
    return meeting.status in ANNOUNCED and (at or now_utc()) >= meeting.starts_at


def can_postpone(meeting: Meeting) -> bool:
    """An announced meeting can be postponed to a new date. A draft's date is
    changed instead, as it was never announced."""
    return meeting.status in ANNOUNCED


def can_cancel(meeting: Meeting) -> bool:
    """An announced meeting can be cancelled. A draft is deleted instead:
    cancelled is a public status, so cancelling a draft would publish it."""
    return meeting.status in ANNOUNCED


def can_delete(meeting: Meeting) -> bool:
    """Only a draft, which was never announced, is deleted; an announced
    meeting is cancelled or postponed instead."""
    return meeting.status is MeetingStatus.DRAFT
