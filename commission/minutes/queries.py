"""Reading what the minutes show: the meeting's record of attendance,
positions stated, decisions and actions."""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from commission.attendance import services as attendance
from commission.attendance.models import (
    AttendanceReply,
    MinisterialAttendance,
    RegisterEntry,
    RegisterMark,
)
from commission.consultations.models import StatedPosition
from commission.extensions import db
from commission.meetings.models import Meeting
from commission.membership.models import Authority
from commission.minutes.models import Action, Decision


class MinutesRecord(TypedDict):
    """The record the minutes (page and PDF) show beside their text."""

    by_mark: dict[RegisterMark, list[Authority]]
    entries: dict[int, RegisterEntry]
    replies: dict[int, AttendanceReply]
    ministers: list[MinisterialAttendance]
    stated: list[StatedPosition]
    decisions: list[Decision]
    actions: list[Action]


def minutes_record(meeting: Meeting) -> MinutesRecord:
    """Everything the minutes show, from the register and the consultations."""
    entries = attendance.register_entries(meeting)
    members = {a.id: a for a in attendance.member_authorities(meeting)}
    by_mark: dict[RegisterMark, list[Authority]] = {mark: [] for mark in RegisterMark}
    for authority_id, entry in entries.items():
        if authority_id in members:
            by_mark[entry.mark].append(members[authority_id])
    replies = attendance.replies_by_authority(meeting)
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
        "by_mark": by_mark,
        "entries": entries,
        "replies": replies,
        "ministers": attendance.ministerial_attendances(meeting),
        "stated": stated,
        "decisions": decisions,
        "actions": actions,
    }
