"""A consultation's public history: opened, closed, discussed at meetings,
summary published, reply published. The consultation page and the API both
read it here, so they never disagree about what happened or what is shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from commission import policy
from commission.consultations.models import Consultation, ConsultationStatus
from commission.consultations.services import effective_status
from commission.extensions import db
from commission.meetings.models import AgendaItem, Meeting, MeetingStatus
from commission.summaries.models import GovernmentReply, SummarySnapshot
from commission.timeutil import now_utc


@dataclass(frozen=True)
class Event:
    at: datetime
    text: str


def discussed_at(consultation: Consultation) -> list[AgendaItem]:
    """The agenda items of meetings that are not drafts that take the
    consultation, in meeting order, with their meetings (from the same join)."""
    return list(
        db.session.execute(
            select(AgendaItem)
            .join(Meeting)
            .where(
                AgendaItem.consultation_id == consultation.id,
                Meeting.status != MeetingStatus.DRAFT,
            )
            .options(contains_eager(AgendaItem.meeting))
            .order_by(Meeting.starts_at)
        ).scalars()
    )


def timeline(
    consultation: Consultation,
    items: list[AgendaItem],
    published: SummarySnapshot | None,
    reply: GovernmentReply | None,
) -> list[Event]:
    """What has happened, oldest first: meetings still to come, cancelled or
    postponed are left out, and a confidential item is named only to people
    on the Commission (``policy.can_see_item``)."""
    events: list[Event] = []
    if consultation.opened_at:
        events.append(Event(consultation.opened_at, "Opened for responses"))
        if effective_status(consultation) is not ConsultationStatus.OPEN:
            events.append(Event(consultation.closes_at, "Closed"))
    for item in items:
        if item.meeting.starts_at > now_utc() or item.meeting.status in {
            MeetingStatus.CANCELLED,
            MeetingStatus.POSTPONED,
        }:
            continue
        title = item.title if policy.can_see_item(item) else "Confidential item"
        events.append(Event(item.meeting.starts_at, f"Discussed at the meeting: {title}"))
    if published:
        events.append(Event(published.created_at, "Summary of positions published"))
    if reply and reply.published_at:
        events.append(Event(reply.published_at, "Government reply published"))
    return sorted(events, key=lambda event: event.at)
