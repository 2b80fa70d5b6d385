"""Reading OParl's objects: what the anonymous web pages show, and nothing
more (a draft meeting, an unpublished agenda, a restricted or confidential
paper, deputies and officers never appear), with the records removed while
public kept as ``deleted: true``.

Each list is one or more *sources* read in turn, each in id order: the
live records, then (for a client asking what changed since a time) those
removed. A page reads a fixed number of statements whatever its size, and
the cursor says which source and which id the next page starts after. The
same sources answer for one object (``Query.only``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from flask import g, url_for
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from commission import policy
from commission.api import protocol
from commission.api.models import ResourceChange, ResourceKind
from commission.auth.models import Appointment, User
from commission.auth.roles import Role
from commission.consultations.models import Consultation as ConsultationRecord
from commission.consultations.models import ConsultationStatus
from commission.extensions import db
from commission.meetings.models import PUBLIC_STATUSES, MeetingStatus
from commission.meetings.models import AgendaItem as ItemRecord
from commission.meetings.models import Meeting as MeetingRecord
from commission.meetings.models import Paper as PaperRecord
from commission.membership.models import Authority
from commission.minutes.models import Minutes
from commission.oparl import schemas
from commission.oparl.models import RemovedKind, RemovedRecord
from commission.timeutil import today

HEADS = (Role.LEADER, Role.MAYOR)
COMMISSION = "commission"
NAME = "Local Government Commission"


@dataclass(frozen=True)
class Filters:
    """OParl's list filters (``created_since`` and the rest), and
    ``omit_internal``: leave out the lists OParl lets a client skip."""

    created_since: datetime | None = None
    created_until: datetime | None = None
    modified_since: datetime | None = None
    modified_until: datetime | None = None
    omit_internal: bool = False

    @property
    def any(self) -> bool:
        return any(
            moment is not None
            for moment in (
                self.created_since,
                self.created_until,
                self.modified_since,
                self.modified_until,
            )
        )


@dataclass(frozen=True)
class Query:
    """What a source is asked for: records after ``after`` (by id), at most
    ``limit``, or only the one with id ``only`` (removed ones included)."""

    filters: Filters
    after: int | None = None
    limit: int = 1
    only: int | None = None

    @property
    def removed_wanted(self) -> bool:
        """OParl lists removed objects only to a client asking what changed
        since a time; one asked for by its URL is always answered."""
        return self.only is not None or self.filters.modified_since is not None


Row = tuple[int, schemas.OParlObject]
Source = Callable[[Query], list[Row]]


# Addresses -------------------------------------------------------------------


KIND_SLOT, KEY_SLOT = "__kind__", "__key__"


def url(kind: str, key: int | str) -> str:
    """An object's address. A page of meetings links thousands of objects,
    so the address is made once a request, with slots, and filled in here
    (asking the router each time was most of the page's time)."""
    pattern: str | None = g.get("oparl_object_url")
    if pattern is None:
        pattern = g.oparl_object_url = url_for(
            "oparl.show_object", kind=KIND_SLOT, key=KEY_SLOT, _external=True
        )
    return pattern.replace(KIND_SLOT, quote(kind, safe="")).replace(
        KEY_SLOT, quote(str(key), safe="")
    )


def list_url(kind: str) -> str:
    return url_for("oparl.list_objects", kind=kind, _external=True)


def body_url() -> str:
    return url_for("oparl.show_body", _external=True)


def system_url() -> str:
    return url_for("oparl.show_system", _external=True)


def _web(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, _external=True, **values)


def _commission() -> str:
    return url("organization", COMMISSION)


# Filters and pages -----------------------------------------------------------


def _changed(kind: ResourceKind, id_column: Any, created: Any) -> Any:
    """When the resource the record belongs to last changed (``api.tracking``
    keeps it per authority, meeting and consultation, with all they show),
    or when the record was made if nothing has changed since (making a
    record changes its resource, so the first is never the earlier)."""
    change = (
        select(ResourceChange.modified_at)
        .where(ResourceChange.kind == kind, ResourceChange.record_id == id_column)
        .scalar_subquery()
    )
    return func.coalesce(change, created)


def _filtered(
    statement: Select[Any], query: Query, key: Any, created: Any, modified: Any
) -> Select[Any]:
    filters = query.filters
    if query.only is not None:
        return statement.where(key == query.only)
    conditions: list[ColumnElement[bool]] = []
    if filters.created_since is not None:
        conditions.append(created >= filters.created_since)
    if filters.created_until is not None:
        conditions.append(created <= filters.created_until)
    if filters.modified_since is not None:
        conditions.append(modified >= filters.modified_since)
    if filters.modified_until is not None:
        conditions.append(modified <= filters.modified_until)
    if query.after is not None:
        conditions.append(key > query.after)
    return statement.where(*conditions).order_by(key).limit(query.limit)


def page(
    sources: Sequence[Source], filters: Filters, limit: int, cursor: str | None
) -> tuple[list[schemas.OParlObject], str | None]:
    """A page of ``limit`` objects from the sources in turn, after the
    cursor, and the next page's cursor (None on the last page)."""
    start, after = 0, None
    if cursor:
        start, after = protocol.decode_cursor(cursor, [int, int])
        if start >= len(sources):
            raise protocol.CursorError()
    found: list[tuple[int, int, schemas.OParlObject]] = []
    for index in range(start, len(sources)):
        wanted = limit + 1 - len(found)
        query = Query(filters=filters, after=after if index == start else None, limit=wanted)
        found.extend((index, key, item) for key, item in sources[index](query))
        if len(found) > limit:
            break
    if len(found) <= limit:
        return [item for _index, _key, item in found], None
    found = found[:limit]
    index, key, _item = found[-1]
    return [item for _index, _key, item in found], protocol.encode_cursor([index, key])


def one(sources: Sequence[Source], key: int) -> schemas.OParlObject | None:
    """The object with id ``key`` from the first source that has it."""
    for source in sources:
        rows = source(Query(filters=Filters(), only=key))
        if rows:
            return rows[0][1]
    return None


def removed(
    kind: str,
    key: int,
    created: datetime | None,
    modified: datetime,
    filename: str = "removed",
    order: int = 0,
) -> schemas.Removed:
    """A removed object: what OParl keeps of it."""
    common = schemas.Removed(
        id=url(kind, key),
        type=schemas.oparl_type(_TYPES[kind]),
        created=created,
        modified=modified,
        deleted=True,
    )
    if kind == "file":
        return schemas.RemovedFile(
            **dict(common),
            accessUrl=url_for(
                "oparl.file_content", paper_id=key, filename=filename, _external=True
            ),
        )
    if kind == "agenda-item":
        return schemas.RemovedAgendaItem(**dict(common), order=order)
    return common


def _removed(kind: str, record: RemovedRecord) -> schemas.Removed:
    return removed(
        kind, record.record_id, record.created_at, record.removed_at, order=record.position or 0
    )


def _removed_source(kind: str, removed: RemovedKind) -> Source:
    """The records of ``removed`` kind noted as removed (``oparl.tracking``)."""

    def source(query: Query) -> list[Row]:
        if not query.removed_wanted:
            return []
        statement = select(RemovedRecord).where(RemovedRecord.kind == removed)
        statement = _filtered(
            statement,
            query,
            RemovedRecord.record_id,
            RemovedRecord.created_at,
            RemovedRecord.removed_at,
        )
        return [
            (record.record_id, _removed(kind, record))
            for record in db.session.execute(statement).scalars()
        ]

    return source


SINGLES: set[Source] = set()


def _single(key: int, make: Callable[[], schemas.OParlObject]) -> Source:
    """A source of one object that never changes and keeps no times (the
    Commission, its legislative term): listed unless the list is filtered."""

    def source(query: Query) -> list[Row]:
        if query.only is not None:
            return [(key, make())] if query.only == key else []
        if query.after is not None or query.filters.any:
            return []
        return [(key, make())]

    SINGLES.add(source)
    return source


# The system, the body, the Commission ------------------------------------------


def system() -> schemas.System:
    return schemas.System(
        id=system_url(),
        type=schemas.oparl_type("System"),
        oparlVersion=schemas.SCHEMA,
        body=url_for("oparl.list_bodies", _external=True),
        name=f"{NAME}: OParl",
        license=schemas.OGL,
        website=_web("dashboard.home"),
        web=_web("api.documentation", _anchor="oparl"),
    )


def legislative_term() -> schemas.LegislativeTerm:
    return schemas.LegislativeTerm(
        id=url("legislative-term", COMMISSION),
        type=schemas.oparl_type("LegislativeTerm"),
        body=body_url(),
        name="The Commission (it has no terms of office)",
    )


def body() -> schemas.Body:
    return schemas.Body(
        id=body_url(),
        type=schemas.oparl_type("Body"),
        system=system_url(),
        name=NAME,
        shortName="LGC",
        website=_web("pages.about"),
        license=schemas.OGL,
        classification="Commission",
        mainOrganization=_commission(),
        organization=list_url("organization"),
        person=list_url("person"),
        meeting=list_url("meeting"),
        paper=list_url("paper"),
        agendaItem=list_url("agenda-item"),
        consultation=list_url("consultation"),
        file=list_url("file"),
        locationList=list_url("location"),
        legislativeTermList=list_url("legislative-term"),
        membership=list_url("membership"),
        legislativeTerm=[legislative_term()],
        web=_web("pages.about"),
    )


def _commission_organization() -> schemas.Organization:
    return schemas.Organization(
        id=_commission(),
        type=schemas.oparl_type("Organization"),
        body=body_url(),
        name=NAME,
        shortName="LGC",
        organizationType="Commission",
        classification="Commission",
        meeting=list_url("meeting"),
        web=_web("pages.about"),
    )


# Organizations: the Commission and the authorities ----------------------------


def _head_is_current(on: date) -> ColumnElement[bool]:
    return and_(
        Appointment.role.in_(HEADS),
        Appointment.starts_on <= on,
        or_(Appointment.ends_on.is_(None), Appointment.ends_on >= on),
    )


def _authorities(query: Query) -> list[Row]:
    """Every authority (the directory lists them all): a member today is a
    "Member authority", with its leader's or mayor's membership."""
    on = today()
    modified = _changed(ResourceKind.AUTHORITY, Authority.id, Authority.created_at).label(
        "modified"
    )
    statement = select(Authority, modified).options(selectinload(Authority.memberships))
    statement = _filtered(statement, query, Authority.id, Authority.created_at, modified)
    rows = list(db.session.execute(statement).all())
    heads: dict[int, list[int]] = {}
    if rows:
        for appointment_id, authority_id in db.session.execute(
            select(Appointment.id, Appointment.authority_id)
            .where(
                Appointment.authority_id.in_([row[0].id for row in rows]),
                _head_is_current(on),
            )
            .order_by(Appointment.id)
        ):
            heads.setdefault(authority_id or 0, []).append(appointment_id)
    result: list[Row] = []
    for authority, changed in rows:
        member = authority.membership_on(on) is not None
        result.append(
            (
                authority.id,
                schemas.Organization(
                    id=url("organization", authority.id),
                    type=schemas.oparl_type("Organization"),
                    body=body_url(),
                    name=authority.name,
                    organizationType="Member authority" if member else "Authority",
                    classification=authority.kind.label,
                    membership=[url("membership", i) for i in heads.get(authority.id, [])],
                    keyword=[k for k in (authority.gss_code, authority.region.value) if k],
                    created=authority.created_at,
                    modified=changed,
                    web=_web("authorities.show_authority", slug=authority.slug),
                ),
            )
        )
    return result


# People and their memberships: today's leaders and mayors ----------------------


def _membership(appointment: Appointment, changed: datetime) -> schemas.Membership:
    return schemas.Membership(
        id=url("membership", appointment.id),
        type=schemas.oparl_type("Membership"),
        person=url("person", appointment.user_id),
        organization=url("organization", appointment.authority_id or 0),
        role=appointment.role.label,
        startDate=appointment.starts_on,
        created=appointment.created_at,
        modified=changed,
    )


def _appointment_changed() -> Any:
    return _changed(ResourceKind.AUTHORITY, Appointment.authority_id, Appointment.created_at)


def _memberships(query: Query) -> list[Row]:
    """Today's leaders and mayors, as the authorities' pages name them (and
    ``/api/v1/office-holders`` lists them); deputies and officers never."""
    modified = _appointment_changed().label("modified")
    statement = select(Appointment, modified).where(
        _head_is_current(today()), Appointment.authority_id.is_not(None)
    )
    statement = _filtered(statement, query, Appointment.id, Appointment.created_at, modified)
    return [
        (appointment.id, _membership(appointment, changed))
        for appointment, changed in db.session.execute(statement).all()
    ]


def _former_memberships(query: Query) -> list[Row]:
    """A leader's or mayor's appointment that has ended: removed."""
    if not query.removed_wanted:
        return []
    modified = _appointment_changed().label("modified")
    statement = select(Appointment.id, Appointment.created_at, modified).where(
        Appointment.role.in_(HEADS),
        Appointment.authority_id.is_not(None),
        Appointment.ends_on < today(),
    )
    statement = _filtered(statement, query, Appointment.id, Appointment.created_at, modified)
    return [
        (appointment_id, removed("membership", appointment_id, created, changed))
        for appointment_id, created, changed in db.session.execute(statement).all()
    ]


def _person_times(current: bool) -> tuple[Any, Any, ColumnElement[bool]]:
    """A person's ``created`` (their first such appointment) and
    ``modified`` (the last change to an authority they head or headed), and
    whether they head one today (or, not ``current``, did and no longer do)."""
    on = today()
    heads = and_(
        Appointment.user_id == User.id,
        Appointment.role.in_(HEADS),
        Appointment.authority_id.is_not(None),
    )
    created = (
        select(func.min(Appointment.created_at))
        .where(heads, Appointment.starts_on <= on)
        .scalar_subquery()
    )
    modified = (
        select(func.max(_appointment_changed())).where(heads, Appointment.starts_on <= on)
    ).scalar_subquery()
    heads_today = select(Appointment.id).where(heads, _head_is_current(on)).exists()
    if current:
        return created, modified, heads_today
    headed = select(Appointment.id).where(heads, Appointment.ends_on < on).exists()
    return created, modified, and_(headed, ~heads_today)


def _people(query: Query) -> list[Row]:
    created, modified, heads_today = _person_times(current=True)
    statement = select(User, created.label("created"), modified.label("modified")).where(
        heads_today
    )
    statement = _filtered(statement, query, User.id, created, modified)
    rows = list(db.session.execute(statement).all())
    memberships: dict[int, list[schemas.Membership]] = {}
    if rows and not query.filters.omit_internal:
        changed = _appointment_changed().label("changed")
        for appointment, moment in db.session.execute(
            select(Appointment, changed)
            .where(
                Appointment.user_id.in_([row[0].id for row in rows]),
                _head_is_current(today()),
                Appointment.authority_id.is_not(None),
            )
            .order_by(Appointment.id)
        ).all():
            memberships.setdefault(appointment.user_id, []).append(_membership(appointment, moment))
    return [
        (
            user.id,
            schemas.Person(
                id=url("person", user.id),
                type=schemas.oparl_type("Person"),
                body=body_url(),
                name=user.full_name,
                status=sorted({membership.role for membership in memberships.get(user.id, [])})
                or ["Office holder"],
                membership=None if query.filters.omit_internal else memberships.get(user.id, []),
                created=made,
                modified=changed_at,
            ),
        )
        for user, made, changed_at in rows
    ]


def _former_people(query: Query) -> list[Row]:
    """Someone who led an authority or was its mayor and no longer is: removed."""
    if not query.removed_wanted:
        return []
    created, modified, former = _person_times(current=False)
    statement = select(User.id, created.label("created"), modified.label("modified")).where(former)
    statement = _filtered(statement, query, User.id, created, modified)
    return [
        (user_id, removed("person", user_id, made, changed_at))
        for user_id, made, changed_at in db.session.execute(statement).all()
    ]


# Meetings, their agenda items, papers, files and places ------------------------


def _meeting_changed() -> Any:
    return _changed(ResourceKind.MEETING, MeetingRecord.id, MeetingRecord.created_at)


def _public_meeting() -> ColumnElement[bool]:
    """A meeting on the meetings page: any but a draft."""
    return MeetingRecord.status.in_(PUBLIC_STATUSES)


def _public_agenda() -> ColumnElement[bool]:
    """``Meeting.agenda_is_public`` in SQL."""
    return and_(_public_meeting(), MeetingRecord.agenda_published_at.is_not(None))


def _public_paper() -> ColumnElement[bool]:
    """``policy.can_download_paper`` for an anonymous reader, in SQL: a
    public paper of an item that is not confidential, once the agenda is
    public (superseded papers aside: the caller decides)."""
    return and_(PaperRecord.public.is_(True), ItemRecord.confidential.is_(False), _public_agenda())


def _location(meeting: MeetingRecord, changed: datetime) -> schemas.Location | None:
    if not meeting.venue:
        return None
    return schemas.Location(
        id=url("location", meeting.id),
        type=schemas.oparl_type("Location"),
        description=meeting.venue,
        meetings=[url("meeting", meeting.id)],
        created=meeting.created_at,
        modified=changed,
    )


def _file(paper: PaperRecord, changed: datetime) -> schemas.File:
    item = paper.agenda_item
    return schemas.File(
        id=url("file", paper.id),
        type=schemas.oparl_type("File"),
        name=paper.title,
        fileName=paper.filename,
        mimeType=paper.content_type,
        date=paper.uploaded_at.date(),
        size=paper.size,
        accessUrl=url_for(
            "oparl.file_content", paper_id=paper.id, filename=paper.filename, _external=True
        ),
        downloadUrl=_web("meetings.download_paper", paper_id=paper.id, filename=paper.filename),
        paper=[url("paper", paper.id)],
        agendaItem=[url("agenda-item", item.id)],
        meeting=[url("meeting", item.meeting_id)],
        created=paper.uploaded_at,
        modified=changed,
    )


def _consultation(paper: PaperRecord, changed: datetime) -> schemas.Consultation:
    item = paper.agenda_item
    return schemas.Consultation(
        id=url("consultation", paper.id),
        type=schemas.oparl_type("Consultation"),
        paper=url("paper", paper.id),
        agendaItem=url("agenda-item", item.id),
        meeting=url("meeting", item.meeting_id),
        organization=[_commission()],
        role="Considered by the Commission",
        created=paper.uploaded_at,
        modified=changed,
    )


def _paper(paper: PaperRecord, changed: datetime) -> schemas.Paper:
    item = paper.agenda_item
    return schemas.Paper(
        id=url("paper", paper.id),
        type=schemas.oparl_type("Paper"),
        body=body_url(),
        name=paper.title,
        date=paper.uploaded_at.date(),
        paperType="Meeting paper",
        mainFile=_file(paper, changed),
        underDirectionOf=[_commission()],
        consultation=[_consultation(paper, changed)],
        created=paper.uploaded_at,
        modified=changed,
        web=_web("meetings.show_meeting", slug=item.meeting.slug),
    )


def _discussed(item: ItemRecord) -> bool:
    """Whether the public sees the consultation an item discusses (as the
    meeting page names it): not for a confidential item, nor a draft."""
    consultation = item.consultation
    return (
        consultation is not None
        and consultation.status is not ConsultationStatus.DRAFT
        and policy.can_see_item(item)
    )


def _agenda_item(
    item: ItemRecord, number: int, starts: datetime, changed: datetime, omit_internal: bool
) -> schemas.AgendaItem:
    """As the meeting page shows it to the public: a confidential item by its
    number only, with no papers. Its OParl Consultation is the government
    consultation it discusses, else its first paper's."""
    visible = policy.can_see_item(item)
    papers = policy.papers_listed(item) if visible else []
    consultation = None
    if _discussed(item):
        consultation = url("consultation", f"{ITEM_PREFIX}{item.id}")
    elif papers:
        consultation = url("consultation", papers[0].id)
    return schemas.AgendaItem(
        id=url("agenda-item", item.id),
        type=schemas.oparl_type("AgendaItem"),
        meeting=url("meeting", item.meeting_id),
        number=str(number),
        order=number,
        name=item.title if visible else "Confidential item",
        public=not item.confidential,
        consultation=consultation,
        start=starts,
        end=starts + timedelta(minutes=item.duration_minutes),
        auxiliaryFile=None if omit_internal else [_file(paper, changed) for paper in papers],
        created=item.created_at,
        modified=changed,
        web=_web("meetings.show_meeting", slug=item.meeting.slug),
    )


def _numbered(meeting: MeetingRecord) -> dict[int, tuple[int, datetime]]:
    """Each item's number and start, as the meeting page numbers them."""
    return {
        item.id: (number, starts)
        for number, (item, starts) in enumerate(meeting.timed_items(), start=1)
    }


MINUTES_PREFIX = "minutes-"


def _approved_at() -> Any:
    """When the meeting's minutes were approved (None until they are)."""
    return (
        select(Minutes.approved_at).where(Minutes.meeting_id == MeetingRecord.id).scalar_subquery()
    )


def _minutes_file(meeting: MeetingRecord, approved_at: datetime, changed: datetime) -> schemas.File:
    """Approved minutes, as the minutes page's PDF (which opens in place)."""
    return schemas.File(
        id=url("file", f"{MINUTES_PREFIX}{meeting.id}"),
        type=schemas.oparl_type("File"),
        name=f"Minutes of the meeting of {meeting.starts_at.date().isoformat()}",
        fileName=f"minutes-{meeting.slug}.pdf",
        mimeType="application/pdf",
        date=approved_at.date(),
        accessUrl=_web("minutes.minutes_pdf", slug=meeting.slug),
        meeting=[url("meeting", meeting.id)],
        created=approved_at,
        modified=changed,
        web=_web("minutes.show_minutes", slug=meeting.slug),
    )


def _minutes_files(query: Query) -> list[Row]:
    modified = _meeting_changed().label("modified")
    approved_at = _approved_at()
    statement = select(MeetingRecord, approved_at.label("approved_at"), modified).where(
        _public_meeting(), approved_at.is_not(None)
    )
    statement = _filtered(statement, query, MeetingRecord.id, approved_at, modified)
    return [
        (meeting.id, _minutes_file(meeting, approved, changed))
        for meeting, approved, changed in db.session.execute(statement).all()
    ]


def _meeting(
    meeting: MeetingRecord,
    changed: datetime,
    omit_internal: bool,
    approved_at: datetime | None = None,
) -> schemas.Meeting:
    items: list[schemas.AgendaItem] | None = None
    if not omit_internal and meeting.agenda_is_public:
        items = [
            _agenda_item(item, number, starts, changed, omit_internal=False)
            for number, (item, starts) in enumerate(meeting.timed_items(), start=1)
        ]
    return schemas.Meeting(
        id=url("meeting", meeting.id),
        type=schemas.oparl_type("Meeting"),
        name=meeting.title,
        meetingState=meeting.status.label,
        cancelled=meeting.status is MeetingStatus.CANCELLED,
        start=meeting.starts_at,
        end=meeting.ends_at,
        location=_location(meeting, changed),
        organization=[_commission()],
        resultsProtocol=_minutes_file(meeting, approved_at, changed) if approved_at else None,
        agendaItem=items,
        created=meeting.created_at,
        modified=changed,
        web=_web("meetings.show_meeting", slug=meeting.slug),
    )


def _meetings(query: Query) -> list[Row]:
    modified = _meeting_changed().label("modified")
    statement = select(MeetingRecord, modified, _approved_at().label("approved_at")).where(
        _public_meeting()
    )
    if not query.filters.omit_internal:
        statement = statement.options(
            selectinload(MeetingRecord.items).selectinload(ItemRecord.papers),
            selectinload(MeetingRecord.items).selectinload(ItemRecord.consultation),
        )
    statement = _filtered(statement, query, MeetingRecord.id, MeetingRecord.created_at, modified)
    return [
        (meeting.id, _meeting(meeting, changed, query.filters.omit_internal, approved))
        for meeting, changed, approved in db.session.execute(statement).all()
    ]


def _locations(query: Query) -> list[Row]:
    """A meeting's venue is its place (the Commission keeps no list of places)."""
    modified = _meeting_changed().label("modified")
    statement = select(MeetingRecord, modified).where(
        _public_meeting(), MeetingRecord.venue.is_not(None), MeetingRecord.venue != ""
    )
    statement = _filtered(statement, query, MeetingRecord.id, MeetingRecord.created_at, modified)
    rows: list[Row] = []
    for meeting, changed in db.session.execute(statement).all():
        location = _location(meeting, changed)
        if location is not None:
            rows.append((meeting.id, location))
    return rows


def _agenda_items(query: Query) -> list[Row]:
    modified = _meeting_changed().label("modified")
    statement = (
        select(ItemRecord, modified)
        .join(MeetingRecord, MeetingRecord.id == ItemRecord.meeting_id)
        .where(_public_agenda())
        .options(
            selectinload(ItemRecord.meeting).selectinload(MeetingRecord.items),
            selectinload(ItemRecord.papers),
            selectinload(ItemRecord.consultation),
        )
    )
    statement = _filtered(statement, query, ItemRecord.id, ItemRecord.created_at, modified)
    rows: list[Row] = []
    for item, changed in db.session.execute(statement).all():
        number, starts = _numbered(item.meeting)[item.id]
        rows.append(
            (item.id, _agenda_item(item, number, starts, changed, query.filters.omit_internal))
        )
    return rows


def _paper_source(
    kind: str, make: Callable[[PaperRecord, datetime], schemas.OParlObject]
) -> Source:
    """The public papers (as OParl Papers, Files or Consultations): a
    superseded one is removed, as the public no longer sees it."""

    def source(query: Query) -> list[Row]:
        modified = _meeting_changed().label("modified")
        statement = (
            select(PaperRecord, modified)
            .join(ItemRecord, ItemRecord.id == PaperRecord.agenda_item_id)
            .join(MeetingRecord, MeetingRecord.id == ItemRecord.meeting_id)
            .where(_public_paper())
            .options(selectinload(PaperRecord.agenda_item).selectinload(ItemRecord.meeting))
        )
        if not query.removed_wanted:
            statement = statement.where(PaperRecord.superseded_by_id.is_(None))
        statement = _filtered(statement, query, PaperRecord.id, PaperRecord.uploaded_at, modified)
        rows: list[Row] = []
        for paper, changed in db.session.execute(statement).all():
            if paper.superseded:
                rows.append(
                    (paper.id, removed(kind, paper.id, paper.uploaded_at, changed, paper.filename))
                )
            else:
                rows.append((paper.id, make(paper, changed)))
        return rows

    return source


# The Commission's consultations, and the agenda items that discussed them --------

CONSULTATION_PREFIX = "consultation-"
ITEM_PREFIX = "item-"


def _consultation_changed() -> Any:
    return _changed(ResourceKind.CONSULTATION, ConsultationRecord.id, ConsultationRecord.created_at)


def _discussions(consultation_ids: list[int]) -> dict[int, list[tuple[ItemRecord, datetime]]]:
    """The items of published agendas that discussed each consultation, with
    their meeting's last change; a confidential item is not named."""
    found: dict[int, list[tuple[ItemRecord, datetime]]] = {}
    if not consultation_ids:
        return found
    changed = _meeting_changed().label("changed")
    for item, moment in db.session.execute(
        select(ItemRecord, changed)
        .join(MeetingRecord, MeetingRecord.id == ItemRecord.meeting_id)
        .where(
            ItemRecord.consultation_id.in_(consultation_ids),
            ItemRecord.confidential.is_(False),
            _public_agenda(),
        )
        .order_by(ItemRecord.id)
    ).all():
        found.setdefault(item.consultation_id or 0, []).append((item, moment))
    return found


def _item_consultation(
    item: ItemRecord, consultation_id: int, changed: datetime
) -> schemas.Consultation:
    return schemas.Consultation(
        id=url("consultation", f"{ITEM_PREFIX}{item.id}"),
        type=schemas.oparl_type("Consultation"),
        paper=url("paper", f"{CONSULTATION_PREFIX}{consultation_id}"),
        agendaItem=url("agenda-item", item.id),
        meeting=url("meeting", item.meeting_id),
        organization=[_commission()],
        role="Discussed by the Commission",
        created=item.created_at,
        modified=changed,
    )


def _consultation_papers(query: Query) -> list[Row]:
    """Each consultation the consultations page shows (any but a draft) is
    a Paper, with the agenda items that discussed it as its Consultations."""
    modified = _consultation_changed().label("modified")
    statement = select(ConsultationRecord, modified).where(
        ConsultationRecord.status != ConsultationStatus.DRAFT
    )
    statement = _filtered(
        statement, query, ConsultationRecord.id, ConsultationRecord.created_at, modified
    )
    rows = list(db.session.execute(statement).all())
    discussions = _discussions([row[0].id for row in rows])
    return [
        (
            consultation.id,
            schemas.Paper(
                id=url("paper", f"{CONSULTATION_PREFIX}{consultation.id}"),
                type=schemas.oparl_type("Paper"),
                body=body_url(),
                name=consultation.title,
                reference=consultation.reference,
                date=consultation.opens_at.date(),
                paperType="Government consultation",
                underDirectionOf=[_commission()],
                consultation=[
                    _item_consultation(item, consultation.id, moment)
                    for item, moment in discussions.get(consultation.id, [])
                ],
                created=consultation.created_at,
                modified=changed,
                web=_web("consultations.show_consultation", reference=consultation.reference),
            ),
        )
        for consultation, changed in rows
    ]


def _item_consultations(query: Query) -> list[Row]:
    """An agenda item of a published agenda that discussed a consultation
    the public sees: the OParl Consultation linking the two."""
    modified = _meeting_changed().label("modified")
    statement = (
        select(ItemRecord, modified)
        .join(MeetingRecord, MeetingRecord.id == ItemRecord.meeting_id)
        .join(ConsultationRecord, ConsultationRecord.id == ItemRecord.consultation_id)
        .where(
            _public_agenda(),
            ItemRecord.confidential.is_(False),
            ConsultationRecord.status != ConsultationStatus.DRAFT,
        )
    )
    statement = _filtered(statement, query, ItemRecord.id, ItemRecord.created_at, modified)
    return [
        (item.id, _item_consultation(item, item.consultation_id or 0, changed))
        for item, changed in db.session.execute(statement).all()
    ]


# The kinds -------------------------------------------------------------------

_TYPES = {
    "organization": "Organization",
    "person": "Person",
    "membership": "Membership",
    "meeting": "Meeting",
    "agenda-item": "AgendaItem",
    "paper": "Paper",
    "file": "File",
    "consultation": "Consultation",
    "location": "Location",
    "legislative-term": "LegislativeTerm",
}
# Objects of a kind whose numbers are another record's, told apart by a prefix.
PREFIXED: dict[tuple[str, str], Source] = {
    ("paper", CONSULTATION_PREFIX): _consultation_papers,
    ("consultation", ITEM_PREFIX): _item_consultations,
    ("file", MINUTES_PREFIX): _minutes_files,
}
# The single objects of a kind that have a name rather than a number.
NAMED = {("organization", COMMISSION): 0, ("legislative-term", COMMISSION): 1}

SOURCES: dict[str, list[Source]] = {
    "organization": [_single(0, _commission_organization), _authorities],
    "person": [_people, _former_people],
    "membership": [_memberships, _former_memberships],
    "meeting": [_meetings],
    "agenda-item": [_agenda_items, _removed_source("agenda-item", RemovedKind.AGENDA_ITEM)],
    "paper": [
        _paper_source("paper", _paper),
        _removed_source("paper", RemovedKind.PAPER),
        _consultation_papers,
    ],
    "file": [
        _paper_source("file", _file),
        _removed_source("file", RemovedKind.PAPER),
        _minutes_files,
    ],
    "consultation": [
        _paper_source("consultation", _consultation),
        _removed_source("consultation", RemovedKind.PAPER),
        _item_consultations,
    ],
    "location": [_locations],
    "legislative-term": [_single(1, legislative_term)],
}


def find(kind: str, key: str) -> schemas.OParlObject | None:
    """The object of ``kind`` at ``key``: a number, a name in ``NAMED``, or a
    number with one of the ``PREFIXED`` prefixes."""
    sources = SOURCES.get(kind)
    if sources is None:
        return None
    if (kind, key) in NAMED:
        return one(sources[:1], NAMED[(kind, key)])
    for (prefixed_kind, prefix), source in PREFIXED.items():
        if kind == prefixed_kind and key.startswith(prefix):
            number = key.removeprefix(prefix)
            if not _is_number(number):
                return None
            return one([source], int(number))
    if not _is_number(key) or kind not in _NUMBERED:
        return None
    sources = [s for s in sources if s not in SINGLES and s not in PREFIXED.values()]
    return one(sources, int(key))


def _is_number(key: str) -> bool:
    """A record's number as the addresses write it: ASCII digits, no leading
    zero, within a 64-bit column."""
    return key.isascii() and key.isdigit() and key == str(int(key)) and int(key) < 2**63


# Kinds whose objects have numbers (all but the legislative term).
_NUMBERED = set(_TYPES) - {"legislative-term"}


def public_paper(paper_id: int) -> PaperRecord | None:
    """A paper the public may have, as the meeting page lists it."""
    paper = db.session.get(PaperRecord, paper_id)
    if paper is None or paper.superseded or not policy.can_download_paper(paper):
        return None
    return paper


def paper_removed(paper_id: int) -> bool:
    """Whether the public could once have had the paper and no longer can:
    replaced by another, or removed (its File answers 410 Gone)."""
    return isinstance(one(SOURCES["file"], paper_id), schemas.Removed)
