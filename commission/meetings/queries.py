"""Reading meetings for the pages, and the loader that answers 404 for a
meeting that is not there or that the viewer may not see."""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commission import policy
from commission.extensions import db
from commission.meetings.models import AgendaItem, Meeting, Paper

AGENDA = (
    selectinload(Meeting.items).selectinload(AgendaItem.papers),
    selectinload(Meeting.items).selectinload(AgendaItem.consultation),
    selectinload(Meeting.changes),
    selectinload(Meeting.postponed_to),
)


ITEMS = (selectinload(Meeting.items),)


def load_meeting(slug: str, *, agenda: bool | tuple[Any, ...] = True) -> Meeting:
    """The meeting its viewer may see, otherwise 404 (a draft, to all but the
    secretariat); with its agenda (items, papers, consultations, changes) read
    in the same go, or only what the loader options ``agenda`` read
    (``ITEMS``), or nothing more if it is False (``with_agenda`` reads it
    later, if it is needed at all)."""
    options = AGENDA if agenda is True else (agenda or ())
    meeting = db.session.execute(
        select(Meeting).where(Meeting.slug == slug).options(*options)
    ).scalar_one_or_none()
    if meeting is None or not policy.can_see_meeting(meeting):
        abort(404)
    return meeting


def load_paper(paper_id: int) -> Paper:
    """The paper the viewer may download (``policy.can_download_paper``),
    otherwise 404: one they may not have is not there for them."""
    paper = db.session.get(Paper, paper_id)
    if paper is None or not policy.can_download_paper(paper):
        abort(404)
    return paper


def with_agenda(meeting: Meeting) -> Meeting:
    """``meeting`` with its agenda read, in as many statements whatever its size."""
    db.session.execute(select(Meeting).where(Meeting.id == meeting.id).options(*AGENDA)).all()
    return meeting


def load_item(meeting: Meeting, item_id: int) -> AgendaItem:
    """One of the meeting's agenda items (loaded with it), or 404."""
    item = next((i for i in meeting.items if i.id == item_id), None)
    if item is None:
        abort(404)
    return item
