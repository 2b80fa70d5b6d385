"""Reading attendance for pages: the register's rows and the offices a
minister can be invited from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy import and_, select
from sqlalchemy.orm import load_only, selectinload

from commission import access, policy
from commission.attendance import services
from commission.attendance.models import (
    AttendanceReply,
    MinisterialAttendance,
    RegisterEntry,
    RegisterMark,
    ReplyKind,
)
from commission.extensions import db
from commission.meetings.models import Meeting
from commission.meetings.queries import load_meeting
from commission.membership.models import (
    Authority,
    AuthorityKind,
    Department,
    OfficeRank,
    PoliticalControl,
    Region,
)

NO_REPLY = "none"


def load_invitation(meeting: Meeting, invitation_id: int) -> MinisterialAttendance:
    """The meeting's invitation to a minister (or the chair), or 404; 403 for
    someone who may not answer it (``services.can_respond``)."""
    invitation = db.session.get(MinisterialAttendance, invitation_id)
    if invitation is None or invitation.meeting_id != meeting.id:
        abort(404)
    access.require(services.can_respond(invitation, current_user))
    return invitation


def load_held_record(slug: str) -> tuple[Meeting, bool]:
    """The meeting whose attendance record is asked for, and whether it has
    been held: 404 for anyone the record is not yet for
    (``policy.can_see_attendance_record``). The record shows nothing of the
    agenda but the ministers' items, which ``services.ministerial_attendances``
    reads, so the agenda is not read with the meeting."""
    meeting = load_meeting(slug, agenda=False)
    if not policy.can_see_attendance_record(meeting):
        abort(404)
    return meeting, meeting.status in policy.HELD


@dataclass(frozen=True)
class RecordedRegister:
    """The register as the attendance record shows it: the member authorities
    under each mark (in name order), those with no entry, and the entries."""

    by_mark: dict[RegisterMark, list[Authority]]
    not_recorded: list[Authority]
    entries: dict[int, RegisterEntry]

    @property
    def members(self) -> list[Authority]:
        """Every member authority, in the page's order: by mark, then unrecorded."""
        return [a for authorities in self.by_mark.values() for a in authorities] + (
            self.not_recorded
        )


def recorded_register(meeting: Meeting) -> RecordedRegister:
    """The meeting's member authorities with their register entries, in one
    statement whatever their number, reading only the columns the record, its
    CSV and its map show: there are hundreds of authorities, and building
    each one whole was much of the page's time."""
    rows = db.session.execute(
        services.member_authorities_statement(services.meeting_day(meeting))
        .add_columns(RegisterEntry)
        .outerjoin(
            RegisterEntry,
            and_(
                RegisterEntry.authority_id == Authority.id,
                RegisterEntry.meeting_id == meeting.id,
            ),
        )
        .options(
            load_only(
                Authority.gss_code,
                Authority.slug,
                Authority.name,
                Authority.kind,
                Authority.region,
            ),
            load_only(RegisterEntry.authority_id, RegisterEntry.mark, RegisterEntry.late),
        )
    ).all()
    by_mark: dict[RegisterMark, list[Authority]] = {mark: [] for mark in RegisterMark}
    not_recorded: list[Authority] = []
    entries: dict[int, RegisterEntry] = {}
    for authority, entry in rows:
        if entry is None:
            not_recorded.append(authority)
        else:
            by_mark[entry.mark].append(authority)
            entries[authority.id] = entry
    return RecordedRegister(by_mark=by_mark, not_recorded=not_recorded, entries=entries)


@dataclass(frozen=True)
class RegisterFilters:
    """What the register shows: by reply (a ``ReplyKind`` or ``none``), region
    and type of authority; anything else is no filter."""

    reply: str = ""
    region: str = ""
    type: str = ""

    @classmethod
    def read(cls, args: dict[str, str]) -> RegisterFilters:
        reply = args.get("reply", "")
        region = args.get("region", "")
        kind = args.get("type", "")
        return cls(
            reply=reply if reply in {*(k.value for k in ReplyKind), NO_REPLY} else "",
            region=region if region in {r.value for r in Region} else "",
            type=kind if kind in {k.value for k in AuthorityKind} else "",
        )

    def as_args(self) -> dict[str, Any]:
        return {key: value for key, value in vars(self).items() if value}

    def shows(self, authority: Authority, reply: AttendanceReply | None) -> bool:
        if self.region and authority.region.value != self.region:
            return False
        if self.type and authority.kind.value != self.type:
            return False
        if self.reply == NO_REPLY:
            return reply is None
        if self.reply:
            return reply is not None and reply.kind.value == self.reply
        return True


@dataclass(frozen=True)
class ReplyRow:
    """A member authority on the replies page: its control on the meeting's
    day and its reply, if any."""

    authority: Authority
    control: PoliticalControl | None
    reply: AttendanceReply | None


def reply_rows(meeting: Meeting, *, type: str, region: str, control: str) -> list[ReplyRow]:
    """The authorities expected to reply, by type, region and control on the
    day (a blank filter is no filter)."""
    replies = services.replies_by_authority(meeting)
    controls = services.controls_on(services.meeting_day(meeting))
    rows = []
    for authority in services.member_authorities(meeting):
        held = controls.get(authority.id)
        if type and authority.kind.value != type:
            continue
        if region and authority.region.value != region:
            continue
        if control and (held is None or held.control.value != control):
            continue
        rows.append(ReplyRow(authority, held, replies.get(authority.id)))
    return rows


@dataclass(frozen=True)
class RegisterRow:
    authority: Authority
    reply: AttendanceReply | None
    entry: RegisterEntry | None

    @property
    def mark(self) -> RegisterMark | None:
        """The mark the register opens with for this authority."""
        return services.prefilled_mark(self.reply, self.entry)

    @property
    def unmarked(self) -> str:
        """What the register says before a mark: expected, for an authority
        that said it would come (in person, remotely or by substitute)."""
        if self.reply is not None and self.reply.kind is not ReplyKind.APOLOGIES:
            return "Expected"
        return "Not marked"

    @property
    def present(self) -> bool:
        return self.entry is not None and self.entry.mark.present


@dataclass(frozen=True)
class Register:
    rows: list[RegisterRow]
    members: int
    present: int
    required: int

    @property
    def quorate(self) -> bool:
        return self.present >= self.required


def register(meeting: Meeting, filters: RegisterFilters) -> Register:
    """Every member authority (the rows the filters show), with its reply and
    its entry so far, and the count present over all of them. Three
    statements whatever the number of members."""
    members = services.member_authorities(meeting)
    replies = services.replies_by_authority(meeting)
    entries = services.register_entries(meeting)
    rows = [
        RegisterRow(authority, replies.get(authority.id), entries.get(authority.id))
        for authority in members
        if filters.shows(authority, replies.get(authority.id))
    ]
    return Register(
        rows=rows,
        members=len(members),
        present=sum(1 for e in entries.values() if e.mark.present),
        required=services.quorum_required(len(members)),
    )


# Ministers' offices ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeGroup:
    """A department's offices, most senior first, for a grouped list."""

    department: str
    short_name: str
    offices: list[tuple[str, str]]


SENIORITY = list(OfficeRank)  # most senior first


def offices_by_department() -> list[OfficeGroup]:
    """Every ministerial office, grouped by department (in name order), most
    senior first within each."""
    departments = db.session.execute(
        select(Department).options(selectinload(Department.offices)).order_by(Department.name)
    ).scalars()
    return [
        OfficeGroup(
            department=department.name,
            short_name=department.short_name,
            offices=[
                (str(office.id), office.title)
                for office in sorted(
                    department.offices, key=lambda o: (SENIORITY.index(o.rank), o.title)
                )
            ],
        )
        for department in departments
        if department.offices
    ]
