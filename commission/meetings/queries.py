"""Reading meetings for the pages, and the loader that answers 404 for a
meeting that is not there or that the viewer may not see."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commission import policy
from commission.extensions import db
from commission.meetings.models import AgendaItem, Meeting


def load_meeting(slug: str) -> Meeting:
    """The meeting at this address with its agenda, papers and changes; 404 if
    there is none or the viewer may not see it (a draft, to all but the
    secretariat)."""
    meeting = db.session.execute(
        select(Meeting)
        .where(Meeting.slug == slug)
        .options(
            selectinload(Meeting.items).selectinload(AgendaItem.papers),
            selectinload(Meeting.items).selectinload(AgendaItem.consultation),
            selectinload(Meeting.changes),
            selectinload(Meeting.postponed_to),
        )
    ).scalar_one_or_none()
    if meeting is None or not policy.can_see_meeting(meeting):
        abort(404)
    return meeting


def load_item(meeting: Meeting, item_id: int) -> AgendaItem:
    """One of the meeting's agenda items (loaded with it), or 404."""
    item = next((i for i in meeting.items if i.id == item_id), None)
    if item is None:
        abort(404)
    return item
