"""Reading authorities for the directory and its downloads: filtered, sorted
and counted in SQL, with each row's current control and membership."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    asc,
    case,
    desc,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.sql.elements import ColumnElement

from commission.attendance.models import AttendanceReply
from commission.consultations.models import (
    Consultation,
    ConsultationStatus,
    Extension,
    Response,
)
from commission.extensions import db
from commission.meetings.models import Meeting, MeetingStatus
from commission.membership.models import (
    AUTHORITY_KIND_LABELS,
    CONTROL_LABELS,
    Authority,
    AuthorityKind,
    Control,
    Membership,
    PoliticalControl,
    Region,
    authority_constituents,
)
from commission.timeutil import london_date, now_utc

SORTS = ("name", "kind", "region", "population", "control", "member")
MEMBERSHIP_FILTERS = {"member": "Members", "not_member": "Not members"}


@dataclass
class DirectoryFilters:
    query: str = ""
    kind: str = ""
    region: str = ""
    control: str = ""
    membership: str = ""
    area: str = ""
    sort: str = "name"
    order: str = "asc"
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Any, *, areas: Collection[str]) -> DirectoryFilters:
        """Read the query string; unknown values are dropped, not errors, so a
        stale bookmark still shows a list. ``areas`` are the mayoral areas' slugs."""
        filters = cls(query=(args.get("q") or "").strip()[:200])
        kind = args.get("type", "")
        filters.kind = kind if kind in {k.value for k in AuthorityKind} else ""
        region = args.get("region", "")
        filters.region = region if region in {r.value for r in Region} else ""
        control = args.get("control", "")
        filters.control = control if control in {c.value for c in Control} else ""
        membership = args.get("membership", "")
        filters.membership = membership if membership in MEMBERSHIP_FILTERS else ""
        area = args.get("area", "")
        filters.area = area if area in areas else ""
        sort = args.get("sort", "name")
        filters.sort = sort if sort in SORTS else "name"
        filters.order = "desc" if args.get("order") == "desc" else "asc"
        return filters

    def args(self, **changes: str) -> dict[str, str]:
        values = {
            "q": self.query,
            "type": self.kind,
            "region": self.region,
            "control": self.control,
            "membership": self.membership,
            "area": self.area,
            "sort": self.sort,
            "order": self.order,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value}

    @property
    def active(self) -> bool:
        return any([self.query, self.kind, self.region, self.control, self.membership, self.area])


def current_controls(on: date) -> Any:
    """One row per authority: its latest control on or before ``on``."""
    ranked = (
        select(
            PoliticalControl.authority_id,
            PoliticalControl.control,
            PoliticalControl.party_name,
            PoliticalControl.effective_from,
            func.row_number()
            .over(
                partition_by=PoliticalControl.authority_id,
                order_by=PoliticalControl.effective_from.desc(),
            )
            .label("position"),
        )
        .where(PoliticalControl.effective_from <= on)
        .subquery("ranked_controls")
    )
    return select(ranked).where(ranked.c.position == 1).subquery("current_control")


def is_member_expression(on: date) -> ColumnElement[bool]:
    return exists(
        select(Membership.id).where(
            Membership.authority_id == Authority.id,
            Membership.joined_on <= on,
            or_(Membership.left_on.is_(None), Membership.left_on >= on),
        )
    )


def _label_case(column: Any, labels: dict[Any, str]) -> Any:
    """The label of a stored value; NULL (no record) stays NULL, to sort last."""
    return case({key.value: label for key, label in labels.items()}, value=column)


def directory_statement(filters: DirectoryFilters, on: date) -> Select[Any]:
    control = current_controls(on)
    is_member = is_member_expression(on).label("is_member")
    control_label = func.coalesce(
        control.c.party_name, _label_case(control.c.control, CONTROL_LABELS)
    ).label("control_label")
    statement = select(
        Authority,
        control_label,
        control.c.effective_from.label("control_since"),
        is_member,
    ).outerjoin(control, control.c.authority_id == Authority.id)

    if filters.query:
        statement = statement.where(
            func.lower(Authority.name).contains(filters.query.lower(), autoescape=True)
        )
    if filters.kind:
        statement = statement.where(Authority.kind == AuthorityKind(filters.kind))
    if filters.region:
        statement = statement.where(Authority.region == Region(filters.region))
    if filters.control:
        statement = statement.where(control.c.control == filters.control)
    if filters.membership == "member":
        statement = statement.where(is_member_expression(on))
    elif filters.membership == "not_member":
        statement = statement.where(~is_member_expression(on))
    if filters.area:
        area = aliased(Authority)
        statement = statement.where(
            Authority.id.in_(
                select(authority_constituents.c.council_id)
                .join(area, area.id == authority_constituents.c.strategic_authority_id)
                .where(area.slug == filters.area)
            )
        )

    direction = desc if filters.order == "desc" else asc
    sort_column: Any = {
        "name": Authority.name,
        "kind": _label_case(Authority.kind, AUTHORITY_KIND_LABELS),
        "region": Authority.region,
        "population": Authority.population,
        "control": control_label,
        "member": is_member,
    }[filters.sort]
    nulls_last = case((sort_column.is_(None), 1), else_=0)
    return statement.order_by(nulls_last, direction(sort_column), Authority.name)


def mayoral_areas() -> list[Authority]:
    return list(
        db.session.execute(
            select(Authority).where(Authority.mayoral.is_(True)).order_by(Authority.name)
        ).scalars()
    )


def strategic_names_by_council() -> dict[int, list[str]]:
    """Council id to the names of the strategic authorities it belongs to."""
    area = aliased(Authority)
    rows = db.session.execute(
        select(authority_constituents.c.council_id, area.name)
        .join(area, area.id == authority_constituents.c.strategic_authority_id)
        .order_by(area.name)
    ).all()
    result: dict[int, list[str]] = {}
    for council_id, name in rows:
        result.setdefault(council_id, []).append(name)
    return result


def count_members(statement: Select[Any]) -> int:
    subquery = statement.order_by(None).subquery()
    return db.session.execute(
        select(func.count()).select_from(subquery).where(and_(subquery.c.is_member))
    ).scalar_one()


# "Your authority": what is coming up ------------------------------------------


@dataclass(frozen=True)
class UpcomingMeeting:
    meeting: Meeting
    member: bool  # the authority has a seat on the meeting's day, so it replies
    reply: AttendanceReply | None


@dataclass(frozen=True)
class OpenConsultation:
    consultation: Consultation
    response: Response | None
    deadline: datetime

    @property
    def extended(self) -> bool:
        return self.deadline > self.consultation.closes_at


def upcoming_meetings(
    authorities: Sequence[Authority], *, limit: int
) -> dict[int, list[UpcomingMeeting]]:
    """The next meetings members reply for (scheduled or with a published
    agenda, not yet started), with each authority's reply. Two queries, however
    many authorities; memberships must already be loaded."""
    result: dict[int, list[UpcomingMeeting]] = {a.id: [] for a in authorities}
    if not authorities:
        return result
    meetings = list(
        db.session.execute(
            select(Meeting)
            .where(
                Meeting.status.in_([MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED]),
                Meeting.starts_at > now_utc(),
            )
            .order_by(Meeting.starts_at)
            .limit(limit)
        ).scalars()
    )
    replies: dict[tuple[int, int], AttendanceReply] = {}
    if meetings:
        replies = {
            (reply.meeting_id, reply.authority_id): reply
            for reply in db.session.execute(
                select(AttendanceReply).where(
                    AttendanceReply.meeting_id.in_([m.id for m in meetings]),
                    AttendanceReply.authority_id.in_([a.id for a in authorities]),
                )
            ).scalars()
        }
    for authority in authorities:
        for meeting in meetings:
            day = london_date(meeting.starts_at)
            result[authority.id].append(
                UpcomingMeeting(
                    meeting=meeting,
                    member=authority.membership_on(day) is not None,
                    reply=replies.get((meeting.id, authority.id)),
                )
            )
    return result


def open_consultations(authorities: Sequence[Authority]) -> dict[int, list[OpenConsultation]]:
    """Consultations each authority can respond to now (its extension counts),
    soonest deadline first, with its response so far; none for an authority
    that is not a member today, as only members respond. Three queries,
    however many authorities or consultations (their memberships are loaded
    with them)."""
    result: dict[int, list[OpenConsultation]] = {a.id: [] for a in authorities}
    if not authorities:
        return result
    now = now_utc()
    consultations = list(
        db.session.execute(
            select(Consultation)
            .where(
                Consultation.status == ConsultationStatus.OPEN,
                Consultation.opens_at <= now,
            )
            .options(selectinload(Consultation.department))
        ).scalars()
    )
    if not consultations:
        return result
    ids = [c.id for c in consultations]
    authority_ids = [a.id for a in authorities]
    extensions = {
        (e.consultation_id, e.authority_id): e
        for e in db.session.execute(
            select(Extension).where(
                Extension.consultation_id.in_(ids), Extension.authority_id.in_(authority_ids)
            )
        ).scalars()
    }
    responses = {
        (r.consultation_id, r.authority_id): r
        for r in db.session.execute(
            select(Response).where(
                Response.consultation_id.in_(ids), Response.authority_id.in_(authority_ids)
            )
        ).scalars()
    }
    on = london_date(now)
    for authority in authorities:
        if authority.membership_on(on) is None:
            continue
        for consultation in consultations:
            deadline = consultation.deadline_with(extensions.get((consultation.id, authority.id)))
            if now >= deadline:
                continue
            result[authority.id].append(
                OpenConsultation(
                    consultation=consultation,
                    response=responses.get((consultation.id, authority.id)),
                    deadline=deadline,
                )
            )
        result[authority.id].sort(key=lambda item: item.deadline)
    return result
