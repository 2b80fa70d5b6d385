"""The rules for replies, ministers' attendance and the register."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, insert, or_, select, update
from sqlalchemy.orm import selectinload

from commission import signals
from commission.attendance.models import (
    AttendanceReply,
    InvitationStatus,
    MinisterialAttendance,
    RegisterEntry,
    RegisterMark,
    ReplyKind,
)
from commission.audit import services as audit
from commission.auth.models import Appointment, DelegatedPower, User
from commission.auth.roles import Role
from commission.errors import DomainError
from commission.extensions import db
from commission.meetings.models import AgendaItem, Meeting, MeetingStatus
from commission.membership.models import Authority, Membership, MinisterialOffice
from commission.timeutil import format_date, format_datetime, london, london_date, now_utc, today

REPLYING_STATUSES = {MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED}
REGISTER_STATUSES = {MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED, MeetingStatus.HELD}


def meeting_day(meeting: Meeting) -> date:
    return london_date(meeting.starts_at)


def member_ids_on(on: date) -> Select[Any]:
    """The ids of the authorities that were members on ``on``, to select in."""
    return select(Membership.authority_id).where(
        Membership.joined_on <= on,
        or_(Membership.left_on.is_(None), Membership.left_on >= on),
    )


def member_authorities_statement(on: date) -> Select[Any]:
    return select(Authority).where(Authority.id.in_(member_ids_on(on))).order_by(Authority.name)


def member_authorities(meeting: Meeting) -> list[Authority]:
    return list(db.session.execute(member_authorities_statement(meeting_day(meeting))).scalars())


def is_member_on(authority: Authority, on: date) -> bool:
    return authority.membership_on(on) is not None


def quorum_required(members: int) -> int:
    """The quorum rule from config (``QUORUM_FRACTION``, one third by default)."""
    fraction = Fraction(str(current_app.config["QUORUM_FRACTION"]))
    return max(1, math.ceil(members * fraction))


# Replies -----------------------------------------------------------------------


def _head_of(authority: Authority, on: date) -> User | None:
    head = db.session.execute(
        select(Appointment)
        .where(
            Appointment.authority_id == authority.id,
            Appointment.role.in_([Role.LEADER, Role.MAYOR]),
            Appointment.starts_on <= on,
            or_(Appointment.ends_on.is_(None), Appointment.ends_on >= on),
        )
        .limit(1)
    ).scalar_one_or_none()
    return head.user if head else None


def reply_capacity(user: User, authority: Authority, on: date) -> str | None:
    """How this person may reply for the authority: 'head' (its leader or
    mayor), 'officer' (on the head's behalf), 'secretariat', or None."""
    roles = {a.role for a in user.current_appointments(on) if a.authority_id == authority.id}
    if roles & {Role.LEADER, Role.MAYOR}:
        return "head"
    if Role.OFFICER in roles:
        return "officer"
    if Role.SECRETARIAT in user.roles_on(on):
        return "secretariat"
    return None


def substitute_deputies(authority: Authority, on: date) -> list[Appointment]:
    return list(
        db.session.execute(
            select(Appointment)
            .where(
                Appointment.authority_id == authority.id,
                Appointment.role == Role.DEPUTY,
                Appointment.starts_on <= on,
                or_(Appointment.ends_on.is_(None), Appointment.ends_on >= on),
            )
            .options(selectinload(Appointment.delegations), selectinload(Appointment.user))
        ).scalars()
    )


def current_reply(meeting: Meeting, authority: Authority) -> AttendanceReply | None:
    return db.session.execute(
        select(AttendanceReply).where(
            AttendanceReply.meeting_id == meeting.id, AttendanceReply.authority_id == authority.id
        )
    ).scalar_one_or_none()


def save_reply(
    *,
    meeting: Meeting,
    authority: Authority,
    kind: ReplyKind,
    substitute: Appointment | None,
    substitute_name: str,
    actor: User,
) -> AttendanceReply:
    """Record an authority's reply. Replies close when the meeting starts; a
    named deputy must be delegated to attend on the meeting's date."""
    on = meeting_day(meeting)
    moment = now_utc()
    if meeting.status not in REPLYING_STATUSES:
        raise DomainError(
            f"Replies cannot be sent for a meeting that is {meeting.status.label.lower()}"
        )
    if moment >= meeting.starts_at:
        raise DomainError(
            f"Replies closed when the meeting started, {format_datetime(meeting.starts_at)}"
        )
    if not is_member_on(authority, on):
        raise DomainError(
            f"{authority.name} is not a member of the Commission on {format_date(on)}"
        )
    replying_on = london_date(moment)
    capacity = reply_capacity(actor, authority, replying_on)
    if capacity is None:
        raise DomainError(f"You cannot reply for {authority.name}")
    substitute_name = substitute_name.strip()
    if kind is ReplyKind.SUBSTITUTE:
        if substitute is None and not substitute_name:
            raise DomainError(
                "Choose a deputy or enter the name of the substitute", field="substitute"
            )
        if substitute is not None:
            if substitute.authority_id != authority.id or substitute.role is not Role.DEPUTY:
                raise DomainError("Choose one of the authority's deputies", field="substitute")
            if not substitute.delegated(DelegatedPower.ATTEND, on):
                raise DomainError(
                    f"{substitute.user.full_name}'s delegation to attend does not cover "
                    f"{format_date(on)}. Ask the leader to delegate it, or name someone else",
                    field="substitute",
                )
            substitute_name = ""
    else:
        substitute, substitute_name = None, ""
    reply = current_reply(meeting, authority)
    if reply is None:
        reply = AttendanceReply(meeting_id=meeting.id, authority_id=authority.id, kind=kind)
        db.session.add(reply)
    reply.kind = kind
    reply.substitute_appointment = substitute
    reply.substitute_name = substitute_name or None
    reply.replied_by_id = actor.id
    head = _head_of(authority, replying_on) if capacity in {"officer", "secretariat"} else actor
    reply.on_behalf_of_id = head.id if head is not None else None
    reply.replied_at = moment
    db.session.flush()
    audit.record(
        action="attendance_replied",
        summary=f"{actor.full_name} replied for {authority.name}: {kind.label}"
        + (
            f" ({substitute.user.full_name if substitute else substitute_name})"
            if kind is ReplyKind.SUBSTITUTE
            else ""
        )
        + f" for {format_datetime(meeting.starts_at)}",
        actor=actor,
        subject=reply,
        details={"meeting_id": meeting.id, "authority_id": authority.id, "kind": kind.value},
    )
    return reply


@dataclass
class ReplyCounts:
    expected: int = 0
    by_kind: dict[ReplyKind, int] = field(default_factory=dict)

    @property
    def replied(self) -> int:
        return sum(self.by_kind.values())

    @property
    def no_reply(self) -> int:
        return self.expected - self.replied


def reply_counts(meeting: Meeting, authority_ids: list[int]) -> ReplyCounts:
    counts = ReplyCounts(expected=len(authority_ids))
    rows = db.session.execute(
        select(AttendanceReply.kind, func.count(AttendanceReply.id))
        .where(
            AttendanceReply.meeting_id == meeting.id,
            AttendanceReply.authority_id.in_(authority_ids),
        )
        .group_by(AttendanceReply.kind)
    ).all()
    counts.by_kind = {ReplyKind(kind): number for kind, number in rows}
    return counts


def without_reply(meeting: Meeting) -> list[Authority]:
    """Member authorities (on the meeting's day) that have not replied, in
    name order, in one statement: whom the reply reminders go to and whom
    the secretariat's home page names."""
    return list(
        db.session.execute(
            member_authorities_statement(meeting_day(meeting)).where(
                Authority.id.not_in(
                    select(AttendanceReply.authority_id).where(
                        AttendanceReply.meeting_id == meeting.id
                    )
                )
            )
        ).scalars()
    )


def replies_by_authority(meeting: Meeting) -> dict[int, AttendanceReply]:
    return {
        r.authority_id: r
        for r in db.session.execute(
            select(AttendanceReply)
            .where(AttendanceReply.meeting_id == meeting.id)
            .options(
                selectinload(AttendanceReply.replied_by),
                selectinload(AttendanceReply.on_behalf_of),
                selectinload(AttendanceReply.substitute_appointment).selectinload(Appointment.user),
            )
        ).scalars()
    }


# The register ------------------------------------------------------------------


def prefilled_mark(reply: ReplyKind | None, recorded: RegisterMark | None) -> RegisterMark | None:
    """The mark the register opens with: the one recorded, else apologies for
    an authority that sent them. An authority that said it would come is
    expected, not yet present: someone marks it present on the day."""
    if recorded is not None:
        return recorded
    if reply is ReplyKind.APOLOGIES:
        return RegisterMark.APOLOGIES
    return None


def present_count(meeting: Meeting) -> int:
    """How many entries of the meeting's register are marked present."""
    return db.session.execute(
        select(func.count(RegisterEntry.id)).where(
            RegisterEntry.meeting_id == meeting.id,
            RegisterEntry.mark.in_([mark for mark in RegisterMark if mark.present]),
        )
    ).scalar_one()


def present_mark(reply: AttendanceReply | None) -> RegisterMark:
    """What "present" means for an authority, from its reply: present
    remotely if it said remotely, its substitute present if it named one,
    otherwise present in person."""
    if reply is not None and reply.kind is ReplyKind.REMOTE:
        return RegisterMark.REMOTE
    if reply is not None and reply.kind is ReplyKind.SUBSTITUTE:
        return RegisterMark.SUBSTITUTE
    return RegisterMark.IN_PERSON


def save_register(
    *,
    meeting: Meeting,
    marks: dict[int, tuple[RegisterMark, bool]],
    actor: User,
    selected: Collection[int] = (),
    selected_present: bool | None = None,
    late: Collection[int] = (),
) -> tuple[int, int]:
    """Mark authorities present, absent or with apologies, and late arrivals.
    Refused before the meeting starts. Stores the count present and the quorum
    with the meeting; returns (present, required).

    ``selected_present`` marks the ``selected`` authorities at once: present
    (True: as each one's reply says it would come, ``present_mark``) or absent
    (False), late if they are in ``late``; the other marks are saved with them.

    The same few statements however many authorities are marked: the new
    entries are inserted in one statement and the others updated in one."""
    if meeting.status not in REGISTER_STATUSES:
        raise DomainError(
            f"The register cannot be taken for a meeting that is {meeting.status.label.lower()}"
        )
    moment = now_utc()
    if moment < meeting.starts_at:
        raise DomainError(
            f"The register can be taken once the meeting starts, "
            f"{format_datetime(meeting.starts_at)}"
        )
    members = set(
        db.session.execute(
            member_authorities_statement(meeting_day(meeting)).with_only_columns(Authority.id)
        ).scalars()
    )
    if selected_present is not None:
        marks = _with_selected(meeting, marks, selected, selected_present, late)
    if any(authority_id not in members for authority_id in marks):
        raise DomainError("The register lists an authority that is not a member")
    _write_marks(meeting, marks, actor, moment)
    present = present_count(meeting)
    required = quorum_required(len(members))
    meeting.present_count = present
    meeting.quorum_required = required
    db.session.flush()
    audit.record(
        action="register_taken",
        summary=f"{actor.full_name} updated the register for {format_datetime(meeting.starts_at)}: "
        f"{present} present, quorum {required}",
        actor=actor,
        subject=meeting,
        details={"present": present, "quorum_required": required, "marked": len(marks)},
    )
    return present, required


def _with_selected(
    meeting: Meeting,
    marks: dict[int, tuple[RegisterMark, bool]],
    selected: Collection[int],
    selected_present: bool,
    late: Collection[int],
) -> dict[int, tuple[RegisterMark, bool]]:
    """``marks`` with the ``selected`` authorities marked at once: present as
    each one's reply says it would come, or absent; late if in ``late``."""
    if not selected:
        raise DomainError(
            f"Select the authorities to mark {'present' if selected_present else 'absent'}",
            field="selected",
        )
    marks = dict(marks)
    replies = replies_by_authority(meeting) if selected_present else {}
    for authority_id in selected:
        mark = present_mark(replies.get(authority_id)) if selected_present else None
        marks[authority_id] = (mark or RegisterMark.ABSENT, authority_id in late)
    return marks


def _write_marks(
    meeting: Meeting,
    marks: dict[int, tuple[RegisterMark, bool]],
    actor: User,
    moment: datetime,
) -> None:
    """The new entries inserted in one statement, the others updated in one."""
    existing: dict[int, int] = {
        row.authority_id: row.id
        for row in db.session.execute(
            select(RegisterEntry.authority_id, RegisterEntry.id).where(
                RegisterEntry.meeting_id == meeting.id
            )
        )
    }
    added: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for authority_id, (mark, is_late) in marks.items():
        values = {
            "mark": mark,
            "late": is_late and mark.present,
            "recorded_by_id": actor.id,
            "recorded_at": moment,
        }
        if authority_id in existing:
            changed.append({"id": existing[authority_id], **values})
        else:
            added.append({"meeting_id": meeting.id, "authority_id": authority_id, **values})
    if added:
        db.session.execute(insert(RegisterEntry), added)
    if changed:
        db.session.execute(update(RegisterEntry), changed)


def register_entries(meeting: Meeting) -> dict[int, RegisterEntry]:
    return {
        e.authority_id: e
        for e in db.session.execute(
            select(RegisterEntry).where(RegisterEntry.meeting_id == meeting.id)
        ).scalars()
    }


@dataclass
class AttendanceRecord:
    attended: int
    meetings: int


def attendance_record(authority: Authority, on: date) -> AttendanceRecord:
    """Held meetings in the 12 months to ``on`` while the authority was a
    member, and how many it attended (in person, remotely or by substitute)."""
    since = on - timedelta(days=365)
    held = list(
        db.session.execute(
            select(Meeting).where(
                Meeting.status.in_([MeetingStatus.HELD, MeetingStatus.MINUTES_PUBLISHED]),
                Meeting.starts_at >= _start_of(since),
                Meeting.starts_at < _start_of(on + timedelta(days=1)),
            )
        ).scalars()
    )
    eligible = [m for m in held if is_member_on(authority, meeting_day(m))]
    if not eligible:
        return AttendanceRecord(0, 0)
    marks = db.session.execute(
        select(RegisterEntry.mark).where(
            RegisterEntry.authority_id == authority.id,
            RegisterEntry.meeting_id.in_([m.id for m in eligible]),
        )
    ).scalars()
    return AttendanceRecord(sum(1 for mark in marks if mark.present), len(eligible))


def _start_of(day: date) -> datetime:
    return london(day, time(0, 0))


# Ministers -----------------------------------------------------------------------


def invite_minister(
    *,
    meeting: Meeting,
    office: MinisterialOffice | None,
    for_chair: bool,
    item: AgendaItem | None,
    actor: User,
) -> MinisterialAttendance:
    if meeting.status not in REPLYING_STATUSES | {MeetingStatus.DRAFT}:
        raise DomainError(
            f"Ministers cannot be invited to a meeting that is {meeting.status.label.lower()}"
        )
    if not for_chair and office is None:
        raise DomainError("Select the minister's office, or the chair", field="office")
    if item is not None and item.meeting_id != meeting.id:
        raise DomainError("Select an item on this meeting's agenda", field="item")
    office_id = None if for_chair or office is None else office.id
    existing = db.session.execute(
        select(MinisterialAttendance).where(
            MinisterialAttendance.meeting_id == meeting.id,
            MinisterialAttendance.for_chair.is_(for_chair),
            MinisterialAttendance.ministerial_office_id.is_(None)
            if office_id is None
            else MinisterialAttendance.ministerial_office_id == office_id,
            MinisterialAttendance.agenda_item_id.is_(None)
            if item is None
            else MinisterialAttendance.agenda_item_id == item.id,
        )
    ).scalar_one_or_none()
    who = "The chair" if for_chair else (office.title if office else "")
    if existing is not None:
        raise DomainError(
            f"{who} is already invited to {'this item' if item else 'this meeting'}", field="office"
        )
    invitation = MinisterialAttendance(
        meeting_id=meeting.id,
        agenda_item_id=item.id if item else None,
        for_chair=for_chair,
        ministerial_office_id=office_id,
        invited_by_id=actor.id,
    )
    db.session.add(invitation)
    db.session.flush()
    signals.minister_invited.send(invitation, actor=actor)
    return invitation


def can_respond(invitation: MinisterialAttendance, user: User) -> bool:
    on = today()
    if Role.SECRETARIAT in user.roles_on(on):
        return True
    if invitation.for_chair:
        return Role.CHAIR in user.roles_on(on)
    return any(
        a.role is Role.MINISTER and a.ministerial_office_id == invitation.ministerial_office_id
        for a in user.current_appointments(on)
    )


def respond_to_invitation(
    *,
    invitation: MinisterialAttendance,
    status: InvitationStatus,
    stand_in: MinisterialOffice | None,
    actor: User,
) -> MinisterialAttendance:
    if invitation.meeting.status not in REPLYING_STATUSES:
        raise DomainError("This meeting is no longer taking replies")
    moment = now_utc()
    if moment >= invitation.meeting.starts_at:
        raise DomainError("Replies closed when the meeting started")
    if status is InvitationStatus.INVITED:
        raise DomainError("Choose whether you will attend", field="status")
    if status is InvitationStatus.STAND_IN:
        if stand_in is None:
            raise DomainError("Select the minister standing in", field="stand_in")
        if stand_in.id == invitation.ministerial_office_id:
            raise DomainError("A stand-in must hold another office", field="stand_in")
    else:
        stand_in = None
    invitation.status = status
    invitation.stand_in_office = stand_in
    invitation.responded_by_id = actor.id
    invitation.responded_at = moment
    db.session.flush()
    signals.minister_replied.send(invitation, actor=actor)
    return invitation


def record_ministers_attended(*, meeting: Meeting, attended_ids: set[int], actor: User) -> None:
    if now_utc() < meeting.starts_at:
        raise DomainError("Ministers' attendance can be recorded once the meeting starts")
    came: list[str] = []
    for invitation in ministerial_attendances(meeting):
        if invitation.confirmed:
            invitation.attended = invitation.id in attended_ids
            if invitation.attended:
                came.append(str(invitation.invitee))
    audit.record(
        action="ministers_attended",
        summary=f"{actor.full_name} recorded which ministers came to the meeting on "
        f"{format_datetime(meeting.starts_at)}: {', '.join(came) or 'none'}",
        actor=actor,
        subject=meeting,
    )


def confirmed_ministers(meeting: Meeting, *, member: bool) -> list[MinisterialAttendance]:
    """Confirmed invitations, for the agenda pack and the attendance record.
    An invitation to a confidential item names the item, so it is left out
    for anyone who may not see confidential items."""
    return [
        i
        for i in ministerial_attendances(meeting)
        if i.confirmed and (member or i.agenda_item is None or not i.agenda_item.confidential)
    ]


def ministerial_attendances(meeting: Meeting) -> list[MinisterialAttendance]:
    return list(
        db.session.execute(
            select(MinisterialAttendance)
            .where(MinisterialAttendance.meeting_id == meeting.id)
            .options(
                selectinload(MinisterialAttendance.office).selectinload(
                    MinisterialOffice.department
                ),
                selectinload(MinisterialAttendance.stand_in_office),
                selectinload(MinisterialAttendance.agenda_item),
            )
            .order_by(MinisterialAttendance.id)
        ).scalars()
    )
