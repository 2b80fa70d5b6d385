"""Reading minutes and actions for the pages: which minutes are still to
write or to approve, and which actions are overdue."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, func, select

from commission.extensions import db
from commission.meetings.models import Meeting, MeetingStatus
from commission.minutes.models import Action, ActionStatus, Minutes


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
