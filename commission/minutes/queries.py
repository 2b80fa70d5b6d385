"""Reading minutes and actions for the pages: the record the minutes show
(attendance, positions stated, decisions and actions), which minutes are
still to write or to approve, and which actions are overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from flask import abort
from sqlalchemy import ColumnElement, Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from commission import policy
from commission.attendance import services as attendance
from commission.attendance.models import (
    AttendanceReply,
    MinisterialAttendance,
    RegisterEntry,
    RegisterMark,
)
from commission.auth.models import Appointment, User
from commission.consultations.models import StatedPosition
from commission.extensions import db
from commission.meetings.models import AgendaItem, Meeting, MeetingStatus
from commission.membership.models import Authority
from commission.minutes.models import Action, ActionStatus, Decision, Minutes


def minutes_in_full(meeting: Meeting) -> Minutes | None:
    """The meeting's minutes with their discussions, corrections and who
    approved them read."""
    return db.session.execute(
        select(Minutes)
        .where(Minutes.meeting_id == meeting.id)
        .options(
            joinedload(Minutes.approved_by),
            selectinload(Minutes.items),
            selectinload(Minutes.corrections),
        )
    ).scalar_one_or_none()


def load_minutes_page(meeting: Meeting) -> Minutes | None:
    """The meeting's minutes, in full, for their page: None before any are
    written; 404 unless the viewer may see them (``policy.can_see_minutes``)."""
    minutes = minutes_in_full(meeting)
    if not policy.can_see_minutes(minutes):
        abort(404)
    return minutes


def load_minutes(meeting: Meeting) -> Minutes:
    """The meeting's minutes the viewer may see, or 404 (none written yet, or
    a draft for someone who may not see it)."""
    minutes = db.session.execute(
        select(Minutes).where(Minutes.meeting_id == meeting.id)
    ).scalar_one_or_none()
    if minutes is None or not policy.can_see_minutes(minutes):
        abort(404)
    return minutes


def load_action(action_id: int) -> Action:
    """The action the viewer may see (``policy.can_see_action``), or 404."""
    action = db.session.get(Action, action_id)
    if action is None or not policy.can_see_action(action):
        abort(404)
    return action


@dataclass(frozen=True)
class RegisterLine:
    """A member authority as the minutes' attendance names it."""

    name: str
    late: bool
    # Who represented it, for an authority marked as represented by a
    # substitute: the deputy named in its reply, or the name it gave.
    substitute: str


class MinutesRecord(TypedDict):
    """The record the minutes (page and PDF) show beside their text."""

    by_mark: dict[RegisterMark, list[RegisterLine]]
    ministers: list[MinisterialAttendance]
    stated: list[StatedPosition]
    decisions: list[Decision]
    actions: list[Action]


def register_lines(meeting: Meeting) -> dict[RegisterMark, list[RegisterLine]]:
    """The register as the minutes give it: each authority that was a member
    on the day, under its mark, by name, with its substitute. One statement of
    plain rows: the minutes show three facts about each of some 330
    authorities, so none of them is loaded as a record."""
    on = attendance.meeting_day(meeting)
    stand_in = aliased(User)
    rows = db.session.execute(
        select(
            Authority.name,
            RegisterEntry.mark,
            RegisterEntry.late,
            AttendanceReply.substitute_appointment_id,
            AttendanceReply.substitute_name,
            stand_in.full_name.label("stand_in"),
        )
        .join(Authority, Authority.id == RegisterEntry.authority_id)
        .outerjoin(
            AttendanceReply,
            and_(
                AttendanceReply.meeting_id == RegisterEntry.meeting_id,
                AttendanceReply.authority_id == RegisterEntry.authority_id,
            ),
        )
        .outerjoin(Appointment, Appointment.id == AttendanceReply.substitute_appointment_id)
        .outerjoin(stand_in, stand_in.id == Appointment.user_id)
        .where(
            RegisterEntry.meeting_id == meeting.id,
            Authority.id.in_(attendance.member_ids_on(on)),
        )
        .order_by(Authority.name, Authority.id)
    ).all()
    by_mark: dict[RegisterMark, list[RegisterLine]] = {mark: [] for mark in RegisterMark}
    for row in rows:
        substitute = (
            row.stand_in or ""
            if row.substitute_appointment_id is not None
            else row.substitute_name or ""
        )
        by_mark[row.mark].append(RegisterLine(row.name, row.late, substitute))
    return by_mark


def minutes_record(meeting: Meeting) -> MinutesRecord:
    """Everything the minutes show, from the register and the consultations."""
    stated = list(
        db.session.execute(
            select(StatedPosition)
            .join(Authority, Authority.id == StatedPosition.authority_id)
            .where(StatedPosition.meeting_id == meeting.id)
            .order_by(Authority.name, StatedPosition.id)
            .options(contains_eager(StatedPosition.authority))
        ).scalars()
    )
    decisions = list(
        db.session.execute(
            select(Decision).where(Decision.meeting_id == meeting.id).order_by(Decision.number)
        ).scalars()
    )
    actions = list(
        db.session.execute(
            select(Action)
            .where(Action.meeting_id == meeting.id)
            .order_by(Action.number)
            .options(joinedload(Action.owner_authority), joinedload(Action.owner_department))
        ).scalars()
    )
    return {
        "by_mark": register_lines(meeting),
        "ministers": attendance.ministerial_attendances(meeting),
        "stated": stated,
        "decisions": decisions,
        "actions": actions,
    }


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
