"""Reading attendance for pages: the register's rows and the offices a
minister can be invited from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy import and_, func, select
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
from commission.auth.models import Appointment, User
from commission.extensions import db
from commission.links import authority_link
from commission.meetings.models import Meeting
from commission.meetings.queries import load_meeting
from commission.membership.models import (
    Authority,
    AuthorityKind,
    Control,
    Department,
    OfficeRank,
    Region,
)
from commission.membership.queries import current_controls

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

    def shows(self, *, region: Region, kind: AuthorityKind, reply: ReplyKind | None) -> bool:
        if self.region and region.value != self.region:
            return False
        if self.type and kind.value != self.type:
            return False
        if self.reply == NO_REPLY:
            return reply is None
        if self.reply:
            return reply is not None and reply.value == self.reply
        return True


@dataclass(frozen=True, slots=True)
class ReplyingAuthority:
    """What the replies page and its CSV show of an authority."""

    id: int
    gss_code: str | None
    slug: str
    name: str
    kind: AuthorityKind
    region: Region


@dataclass(frozen=True, slots=True)
class ControlOnDay:
    """An authority's political control on the meeting's day."""

    control: Control
    party_name: str | None

    @property
    def label(self) -> str:
        if self.control is Control.OTHER and self.party_name:
            return self.party_name
        return self.control.label


@dataclass(frozen=True)
class ReplyRow:
    """A member authority on the replies page: its control on the meeting's
    day, its reply, if any, and the address of its page."""

    authority: ReplyingAuthority
    control: ControlOnDay | None
    reply: AttendanceReply | None
    link: str


def reply_rows(meeting: Meeting, *, type: str, region: str, control: str) -> list[ReplyRow]:
    """The authorities expected to reply, by type, region and control on the
    day (a blank filter is no filter), each with its control, in one
    statement reading only the columns the page and its CSV show, and the
    replies in another."""
    day = services.meeting_day(meeting)
    held = current_controls(day)
    found = db.session.execute(
        select(
            Authority.id,
            Authority.gss_code,
            Authority.slug,
            Authority.name,
            Authority.kind,
            Authority.region,
            held.c.control,
            held.c.party_name,
        )
        .where(Authority.id.in_(services.member_ids_on(day)))
        .outerjoin(held, held.c.authority_id == Authority.id)
        .order_by(Authority.name, Authority.id)
    ).all()
    replies = services.replies_by_authority(meeting)
    rows = []
    for id_, gss_code, slug, name, kind, in_region, held_control, party_name in found:
        if type and kind.value != type:
            continue
        if region and in_region.value != region:
            continue
        if control and (held_control is None or held_control.value != control):
            continue
        rows.append(
            ReplyRow(
                ReplyingAuthority(id_, gss_code, slug, name, kind, in_region),
                None if held_control is None else ControlOnDay(held_control, party_name),
                replies.get(id_),
                authority_link(slug),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """A member authority's row in the register: what the page writes,
    worked out once (the page has hundreds of rows)."""

    id: int
    name: str
    reply: str
    unmarked: str
    mark: RegisterMark | None
    late: bool


@dataclass(frozen=True)
class Register:
    rows: list[RegisterRow]
    members: int
    present: int
    required: int

    @property
    def quorate(self) -> bool:
        return self.present >= self.required

    @property
    def present_elsewhere(self) -> int:
        """Those present among the rows the filters hide, for the live count."""
        return self.present - sum(1 for row in self.rows if row.mark and row.mark.present)


def _reply_text(kind: ReplyKind | None, substitute: str) -> str:
    if kind is None:
        return "No reply"
    return f"{kind.label}: {substitute}" if substitute else kind.label


def _unmarked(kind: ReplyKind | None) -> str:
    """What the register says before a mark: expected, for an authority
    that said it would come (in person, remotely or by substitute)."""
    return "Expected" if kind is not None and kind is not ReplyKind.APOLOGIES else "Not marked"


def register(meeting: Meeting, filters: RegisterFilters) -> Register:
    """Every member authority (the rows the filters show), with its reply and
    its entry so far, and the count present over all of them. Two statements
    whatever the number of members, reading only the columns the page
    writes: building hundreds of authorities, replies and entries whole was
    much of the page's time."""
    found = db.session.execute(
        select(
            Authority.id,
            Authority.name,
            Authority.kind,
            Authority.region,
            AttendanceReply.kind.label("reply"),
            func.coalesce(User.full_name, AttendanceReply.substitute_name, "").label("substitute"),
            RegisterEntry.mark,
            RegisterEntry.late,
        )
        .where(Authority.id.in_(services.member_ids_on(services.meeting_day(meeting))))
        .outerjoin(
            AttendanceReply,
            and_(
                AttendanceReply.authority_id == Authority.id,
                AttendanceReply.meeting_id == meeting.id,
            ),
        )
        .outerjoin(Appointment, Appointment.id == AttendanceReply.substitute_appointment_id)
        .outerjoin(User, User.id == Appointment.user_id)
        .outerjoin(
            RegisterEntry,
            and_(
                RegisterEntry.authority_id == Authority.id,
                RegisterEntry.meeting_id == meeting.id,
            ),
        )
        .order_by(Authority.name, Authority.id)
    ).all()
    rows = [
        RegisterRow(
            id=id_,
            name=name,
            reply=_reply_text(reply, substitute),
            unmarked=_unmarked(reply),
            mark=services.prefilled_mark(reply, mark),
            late=bool(late),
        )
        for id_, name, kind, region, reply, substitute, mark, late in found
        if filters.shows(region=region, kind=kind, reply=reply)
    ]
    return Register(
        rows=rows,
        members=len(found),
        present=services.present_count(meeting),
        required=services.quorum_required(len(found)),
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
