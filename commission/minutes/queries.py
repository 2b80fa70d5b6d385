"""Reading minutes and actions for the pages: which minutes are still to
write or to approve, and which actions are overdue."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import selectinload

from commission.extensions import db
from commission.meetings.models import AgendaItem, Meeting, MeetingStatus
from commission.minutes.models import Action, ActionStatus, Decision, Minutes


def overdue(on: date) -> ColumnElement[bool]:
    """In SQL, what ``Action.overdue`` says: not finished, and due before ``on``."""
    return and_(
        Action.status.in_([s for s in ActionStatus if not s.finished]),
        Action.due_on < on,
    )


def minutes_to_draft() -> list[Meeting]:
    """Meetings held with no minutes yet (the secretariat drafts them),
    oldest first."""
    return list(
        db.session.execute(
            select(Meeting)
            .where(
                Meeting.status == MeetingStatus.HELD,
                Meeting.id.not_in(select(Minutes.meeting_id)),
            )
            .order_by(Meeting.starts_at)
        ).scalars()
    )


def minutes_awaiting_approval() -> list[Meeting]:
    """Meetings whose draft minutes await the chair's approval, oldest first."""
    return list(
        db.session.execute(
            select(Meeting)
            .join(Minutes, Minutes.meeting_id == Meeting.id)
            .where(Meeting.status == MeetingStatus.HELD, Minutes.approved_at.is_(None))
            .order_by(Meeting.starts_at)
        ).scalars()
    )


def count_overdue(on: date) -> int:
    """How many actions, whoever owns them, are overdue on ``on``."""
    return db.session.execute(select(func.count(Action.id)).where(overdue(on))).scalar_one()


def not_confidential(agenda_item_id: Any) -> ColumnElement[bool]:
    """Records under a confidential item are for members only, as in the minutes."""
    return or_(
        agenda_item_id.is_(None),
        agenda_item_id.not_in(select(AgendaItem.id).where(AgendaItem.confidential.is_(True))),
    )


def decisions_statement(query: str, *, member: bool) -> Select[Any]:
    """Decisions in published minutes, newest meeting first, searchable across
    meetings by their words or their reference (``LGC/2027/03/D2``, or
    ``LGC/2027/03`` for the meeting's). Decisions under a confidential item
    are for members only (``member``), as in the minutes."""
    statement = (
        select(Decision)
        .join(Minutes, Minutes.meeting_id == Decision.meeting_id)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .where(Minutes.approved_at.is_not(None))
        .options(selectinload(Decision.meeting), selectinload(Decision.agenda_item))
        .order_by(Meeting.starts_at.desc(), Decision.meeting_id.desc(), Decision.number)
    )
    if not member:
        statement = statement.where(not_confidential(Decision.agenda_item_id))
    if query:
        reference = func.lower(
            func.coalesce(Meeting.record_reference, "") + "/d" + cast(Decision.number, String)
        )
        statement = statement.where(
            or_(
                func.lower(Decision.text).contains(query.lower(), autoescape=True),
                reference == query.lower(),
                reference.startswith(query.lower().rstrip("/") + "/", autoescape=True),
            )
        )
    return statement
