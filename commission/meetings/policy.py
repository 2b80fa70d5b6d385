"""Where a meeting may go next in its life: draft, scheduled, agenda
published, held (or cancelled, or postponed to a new meeting). Each step's
rule is one function that the service asks before it changes the meeting and
the meeting's pages ask (through the blueprint's context helper) before they
offer the step, so a link on the page always leads to a change the service
makes. A step the service explains when it refuses has its refusal here too
(``publish_agenda_refusal``): the rule is that there is none, the service
raises it and the confirmation page shows it in place of the button. What a
step needs from the person (a reason, a new date) is checked by the service,
which says what is missing."""

from __future__ import annotations

from datetime import datetime

from commission.meetings.models import Meeting, MeetingStatus
from commission.timeutil import now_utc

# Announced and not yet held: the meeting is public and can still be called off.
ANNOUNCED = frozenset({MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED})


def confirm_refusal(meeting: Meeting) -> str | None:
    """A draft is confirmed (its date announced) once; nothing else is."""
    if meeting.status is not MeetingStatus.DRAFT:
        return "Only a draft meeting can be confirmed"
    return None


def can_confirm(meeting: Meeting) -> bool:
    return confirm_refusal(meeting) is None


def publish_agenda_refusal(meeting: Meeting) -> str | None:
    """A scheduled meeting's agenda is published once, and only with an item
    on it: a draft is confirmed first, so its date is announced before its
    agenda, and an empty agenda would tell members nothing."""
    if meeting.status is MeetingStatus.DRAFT:
        return "Confirm the meeting before publishing its agenda"
    if meeting.status is not MeetingStatus.SCHEDULED:
        return f"The agenda of a meeting that is {meeting.status.label.lower()} cannot be published"
    if not meeting.items:
        return "Add at least one agenda item before publishing the agenda"
    return None


def can_publish_agenda(meeting: Meeting) -> bool:
    return publish_agenda_refusal(meeting) is None


def mark_held_refusal(meeting: Meeting, at: datetime | None = None) -> str | None:
    """An announced meeting is recorded as held once it has started."""
    if meeting.status not in ANNOUNCED:
        return f"A meeting that is {meeting.status.label.lower()} cannot be marked as held"
    if (at or now_utc()) < meeting.starts_at:
        return "A meeting can be marked as held only once it has started"
    return None


def can_mark_held(meeting: Meeting, at: datetime | None = None) -> bool:
    return mark_held_refusal(meeting, at) is None


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
