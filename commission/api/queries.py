"""Reading the API's resources: each list and each record as the web pages
show it to the same viewer, through the areas' own loaders, queries and
policies (a draft meeting, a restricted paper, a confidential item or an
unpublished summary is withheld by the rule the page asks, never a copy).

Lists are keyset-paginated (the page after a cursor costs what the first
does) and read a page in a fixed number of statements whatever its size."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort, url_for
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import selectinload

from commission import access, policy
from commission.api import protocol, schemas
from commission.api.models import ResourceChange, ResourceKind
from commission.auth.models import Appointment
from commission.auth.roles import Role
from commission.consultations.models import Consultation, ConsultationStatus, LegislativeStage
from commission.consultations.queries import load_consultation
from commission.consultations.services import effective_status
from commission.consultations.timeline import discussed_at, timeline
from commission.db_types import UTCDateTime
from commission.extensions import db
from commission.meetings.models import PUBLIC_STATUSES, AgendaItem, Meeting, MeetingStatus, Paper
from commission.meetings.queries import load_meeting
from commission.membership.models import Authority, AuthorityKind, Control, Department, Region
from commission.membership.queries import DirectoryFilters, directory_statement, load_authority
from commission.minutes.models import Action, Decision, Minutes
from commission.minutes.services import minutes_for
from commission.summaries import policy as summary_policy
from commission.summaries import services as summaries
from commission.summaries.models import SummarySnapshot
from commission.summaries.queries import compute_summary
from commission.summaries.rows import SUBMITTED_COLUMN, thawed_rows
from commission.timeutil import now_utc, today


def _modified(kind: ResourceKind, id_column: Any, created: Any) -> Any:
    """The resource's last change, or when it was made if it has not changed."""
    return func.coalesce(
        select(ResourceChange.modified_at)
        .where(ResourceChange.kind == kind, ResourceChange.record_id == id_column)
        .scalar_subquery(),
        created,
    )


def _after(columns: Sequence[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows after (``columns``) = ``values`` in ascending order, for keyset paging."""
    first, *rest = columns
    head, *tail = values
    if not rest:
        return first > head  # type: ignore[no-any-return]
    return or_(first > head, and_(first == head, _after(rest, tail)))


@dataclass(frozen=True)
class Listing:
    """What a list asks for: the page's size, where to start, changed since."""

    limit: int
    cursor: str | None
    modified_since: datetime | None


def _page(
    statement: Select[Any],
    listing: Listing,
    keys: Sequence[Any],
    kinds: Sequence[type],
    key_of: Callable[[Any], Sequence[Any]],
) -> tuple[list[Any], str | None]:
    """A page of rows after the cursor, and the next page's cursor (None on
    the last page): one statement, asking for one row more than the page."""
    if listing.cursor:
        statement = statement.where(_after(keys, protocol.decode_cursor(listing.cursor, kinds)))
    rows = list(db.session.execute(statement.order_by(*keys).limit(listing.limit + 1)).all())
    if len(rows) <= listing.limit:
        return rows, None
    rows = rows[: listing.limit]
    return rows, protocol.encode_cursor(key_of(rows[-1]))


def _api(endpoint: str, **values: Any) -> str:
    return url_for(f"api.{endpoint}", _external=True, **values)


def _web(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, _external=True, **values)


def _fields_of(summary: schemas.Document) -> dict[str, Any]:
    """A list's document as the fields of the fuller document of the same
    record (``schemas.Authority`` extends ``schemas.AuthoritySummary``), so a
    record's summary fields are made, and typed, in one place."""
    return dict(summary)


# Authorities ---------------------------------------------------------------


@dataclass(frozen=True)
class AuthorityFilters:
    type: AuthorityKind | None = None
    region: Region | None = None
    control: Control | None = None
    member: bool | None = None


def _control(record: Any) -> schemas.ControlRecord | None:
    if record is None:
        return None
    return schemas.ControlRecord(
        effective_from=record.effective_from,
        control=record.control.value,
        label=record.label,
        source=record.source,
        note=record.note,
    )


def _authority_link(authority: Authority) -> schemas.Link:
    return schemas.Link(
        id=authority.slug,
        name=authority.name,
        url=_api("show_authority", authority_id=authority.slug),
    )


def _authority_summary(
    authority: Authority, member: bool, modified: datetime
) -> schemas.AuthoritySummary:
    return schemas.AuthoritySummary(
        id=authority.slug,
        gss_code=authority.gss_code,
        name=authority.name,
        type=authority.kind.value,
        type_label=authority.kind.label,
        region=authority.region.value,
        population=authority.population,
        mayoral=authority.mayoral,
        member=member,
        control=_control(authority.control_on(today())),
        modified_at=modified,
        url=_api("show_authority", authority_id=authority.slug),
        web_url=_web("authorities.show_authority", slug=authority.slug),
    )


def authorities(
    filters: AuthorityFilters, listing: Listing
) -> tuple[list[schemas.AuthoritySummary], str | None, datetime | None]:
    """The membership directory's query (``directory_statement``), filtered
    the same way, in name order."""
    on = today()
    directory = DirectoryFilters(
        kind=filters.type.value if filters.type else "",
        region=filters.region.value if filters.region else "",
        control=filters.control.value if filters.control else "",
        membership="" if filters.member is None else ("member" if filters.member else "not_member"),
    )
    modified = _modified(ResourceKind.AUTHORITY, Authority.id, Authority.created_at).label(
        "modified"
    )
    statement = (
        directory_statement(directory, on)
        .add_columns(modified)
        .order_by(None)
        .options(selectinload(Authority.controls))
    )
    if listing.modified_since is not None:
        statement = statement.where(modified >= listing.modified_since)
    rows, cursor = _page(
        statement,
        listing,
        [Authority.name, Authority.id],
        [str, int],
        lambda row: [row[0].name, row[0].id],
    )
    items = [_authority_summary(row[0], bool(row.is_member), row.modified) for row in rows]
    return items, cursor, protocol.last_modified([item.modified_at for item in items])


def find_authority(authority_id: str) -> Authority:
    """By its address on the site, or by its GSS code; 404 otherwise."""
    if len(authority_id) == 9 and authority_id[0].isalpha() and authority_id[1:].isdigit():
        slug = db.session.execute(
            select(Authority.slug).where(Authority.gss_code == authority_id.upper())
        ).scalar_one_or_none()
        if slug is None:
            abort(404)
        authority_id = slug
    return load_authority(authority_id)


def authority(authority_id: str) -> schemas.Authority:
    """What an authority's page shows: its leader or mayor, never its deputies
    and officers (``policy.can_see_team`` is for the page's own people only,
    and the API shows them to nobody)."""
    found = find_authority(authority_id)
    on = today()
    heads = db.session.execute(
        select(Appointment)
        .where(
            Appointment.authority_id == found.id,
            Appointment.role.in_([Role.LEADER, Role.MAYOR]),
        )
        .options(selectinload(Appointment.user))
        .order_by(Appointment.starts_on.desc())
    ).scalars()
    modified = db.session.execute(
        select(_modified(ResourceKind.AUTHORITY, found.id, found.created_at))
    ).scalar_one()
    return schemas.Authority(
        **_fields_of(_authority_summary(found, found.membership_on(on) is not None, modified)),
        heads=[
            schemas.Head(role=head.role.value, name=head.user.full_name, since=head.starts_on)
            for head in heads
            if head.is_current(on)
        ],
        constituent_councils=[_authority_link(council) for council in found.constituents],
        strategic_authorities=[_authority_link(area) for area in found.strategic_authorities],
        control_history=[c for c in map(_control, found.controls) if c is not None],
    )


def office_holders(
    listing: Listing,
) -> tuple[list[schemas.OfficeHolder], str | None, datetime | None]:
    """Today's leaders and mayors, by authority name: the heads each
    authority's page names (``authority``), for every authority at once."""
    on = today()
    modified = _modified(ResourceKind.AUTHORITY, Authority.id, Authority.created_at).label(
        "modified"
    )
    statement = (
        select(Appointment, Authority, modified)
        .join(Authority, Authority.id == Appointment.authority_id)
        .where(
            Appointment.role.in_([Role.LEADER, Role.MAYOR]),
            Appointment.starts_on <= on,
            or_(Appointment.ends_on.is_(None), Appointment.ends_on >= on),
        )
        .options(selectinload(Appointment.user))
    )
    if listing.modified_since is not None:
        statement = statement.where(modified >= listing.modified_since)
    rows, cursor = _page(
        statement,
        listing,
        [Authority.name, Appointment.id],
        [str, int],
        lambda row: [row[1].name, row[0].id],
    )
    items = [
        schemas.OfficeHolder(
            role=row[0].role.value,
            name=row[0].user.full_name,
            since=row[0].starts_on,
            authority=_authority_link(row[1]),
        )
        for row in rows
    ]
    return items, cursor, protocol.last_modified([row.modified for row in rows])


# Meetings ------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFilters:
    status: MeetingStatus | None = None
    starts_after: datetime | None = None
    starts_before: datetime | None = None


def _visible_statuses() -> set[MeetingStatus]:
    statuses = set(PUBLIC_STATUSES)
    if access.has_role(Role.SECRETARIAT):
        statuses.add(MeetingStatus.DRAFT)
    return statuses


def _meeting_summary(
    meeting: Meeting, approved: bool, modified: datetime
) -> schemas.MeetingSummary:
    return schemas.MeetingSummary(
        id=meeting.slug,
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        status=meeting.status.value,
        status_reason=meeting.status_reason,
        venue=meeting.venue,
        agenda_published=meeting.agenda_is_public,
        minutes_approved=approved,
        modified_at=modified,
        url=_api("show_meeting", slug=meeting.slug),
        web_url=_web("meetings.show_meeting", slug=meeting.slug),
    )


def meetings(
    filters: MeetingFilters, listing: Listing
) -> tuple[list[schemas.MeetingSummary], str | None, datetime | None]:
    """Meetings in date order, drafts only for the secretariat (as on the
    meetings page)."""
    modified = _modified(ResourceKind.MEETING, Meeting.id, Meeting.created_at).label("modified")
    approved = (
        select(Minutes.id)
        .where(Minutes.meeting_id == Meeting.id, Minutes.approved_at.is_not(None))
        .exists()
        .label("approved")
    )
    statement = select(Meeting, modified, approved).where(Meeting.status.in_(_visible_statuses()))
    if filters.status is not None:
        statement = statement.where(Meeting.status == filters.status)
    if filters.starts_after is not None:
        statement = statement.where(Meeting.starts_at >= filters.starts_after)
    if filters.starts_before is not None:
        statement = statement.where(Meeting.starts_at < filters.starts_before)
    if listing.modified_since is not None:
        statement = statement.where(modified >= listing.modified_since)
    rows, cursor = _page(
        statement,
        listing,
        [Meeting.starts_at, Meeting.id],
        [datetime, int],
        lambda row: [row[0].starts_at, row[0].id],
    )
    items = [_meeting_summary(row[0], bool(row.approved), row.modified) for row in rows]
    return items, cursor, protocol.last_modified([item.modified_at for item in items])


def _file(paper: Paper) -> schemas.File:
    return schemas.File(
        title=paper.title,
        filename=paper.filename,
        content_type=paper.content_type,
        size=paper.size,
        checksum=paper.checksum,
        superseded=paper.superseded,
        download_url=_web("meetings.download_paper", paper_id=paper.id, filename=paper.filename),
    )


def meeting(slug: str) -> schemas.Meeting:
    """The meeting page's agenda (once published, or for the secretariat):
    a confidential item by its number only to people not on the Commission,
    the papers ``policy.papers_listed`` lists, and from approved minutes the
    decisions and actions the minutes show."""
    found = load_meeting(slug)
    minutes = minutes_for(found)
    approved = minutes is not None and minutes.published
    decisions, actions = _decisions_and_actions(found) if approved else ([], [])
    agenda: list[schemas.AgendaItem] = []
    if found.agenda_is_public or access.has_role(Role.SECRETARIAT):
        agenda = [
            _agenda_item(number, item, starts, decisions, actions)
            for number, (item, starts) in enumerate(found.timed_items(), start=1)
        ]
    modified = db.session.execute(
        select(_modified(ResourceKind.MEETING, found.id, found.created_at))
    ).scalar_one()
    return schemas.Meeting(
        **_fields_of(_meeting_summary(found, approved, modified)),
        postponed_to=found.postponed_to.slug if found.postponed_to else None,
        agenda=agenda,
        minutes_url=_web("minutes.show_minutes", slug=found.slug) if approved else None,
    )


def _decisions_and_actions(found: Meeting) -> tuple[list[Decision], list[Action]]:
    """The decisions and actions of a meeting's approved minutes, in order."""
    decisions = list(
        db.session.execute(
            select(Decision).where(Decision.meeting_id == found.id).order_by(Decision.number)
        ).scalars()
    )
    actions = list(
        db.session.execute(
            select(Action)
            .where(Action.meeting_id == found.id)
            .order_by(Action.number)
            .options(selectinload(Action.owner_authority), selectinload(Action.owner_department))
        ).scalars()
    )
    return decisions, actions


def _agenda_item(
    number: int,
    item: AgendaItem,
    starts: datetime,
    decisions: list[Decision],
    actions: list[Action],
) -> schemas.AgendaItem:
    """An agenda item as the meeting page shows it to the reader: a
    confidential one by its number only, to people not on the Commission."""
    visible = policy.can_see_item(item)
    if not visible:
        return schemas.AgendaItem(
            number=number,
            title="Confidential item",
            kind=item.kind.value,
            confidential=item.confidential,
            starts_at=starts,
            duration_minutes=item.duration_minutes,
            presenter=None,
            description=None,
            consultation=None,
            papers=[],
            decisions=[],
            actions=[],
        )
    consultation = item.consultation
    listed = [*policy.papers_listed(item), *policy.papers_listed(item, superseded=True)]
    return schemas.AgendaItem(
        number=number,
        title=item.title,
        kind=item.kind.value,
        confidential=item.confidential,
        starts_at=starts,
        duration_minutes=item.duration_minutes,
        presenter=item.presenter,
        description=item.description,
        consultation=consultation.reference
        if consultation is not None and consultation.status is not ConsultationStatus.DRAFT
        else None,
        papers=[_file(paper) for paper in listed],
        decisions=[
            schemas.Decision(reference=d.reference, text=d.text)
            for d in decisions
            if d.agenda_item_id == item.id
        ],
        actions=[
            schemas.ActionRecord(
                reference=a.reference, text=a.text, owner=a.owner_name, due_on=a.due_on
            )
            for a in actions
            if a.agenda_item_id == item.id
        ],
    )


# Consultations -------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationFilters:
    status: ConsultationStatus | None = None
    department: str | None = None
    stage: LegislativeStage | None = None


def _consultation_summary(
    consultation: Consultation, published: bool, modified: datetime
) -> schemas.ConsultationSummary:
    return schemas.ConsultationSummary(
        id=consultation.reference,
        title=consultation.title,
        department=consultation.department.name,
        lead_office=consultation.lead_office.title if consultation.lead_office else None,
        stage=consultation.stage.value,
        status=effective_status(consultation).value,
        opens_at=consultation.opens_at,
        closes_at=consultation.closes_at,
        summary_published=published,
        modified_at=modified,
        url=_api("show_consultation", reference=consultation.reference),
        web_url=_web("consultations.show_consultation", reference=consultation.reference),
    )


def _published_exists() -> Any:
    return (
        select(SummarySnapshot.id)
        .where(
            SummarySnapshot.consultation_id == Consultation.id,
            SummarySnapshot.published.is_(True),
        )
        .exists()
    )


def _consultation_modified(id_column: Any, closes_at: Any) -> Any:
    """A consultation's last change, or its closing time once that has
    passed and is later: an open consultation shows as closed from then on
    without any record changing, and a copy kept from before is out of date."""
    changed = _modified(ResourceKind.CONSULTATION, id_column, Consultation.created_at)
    now = now_utc()
    return type_coerce(
        case((and_(closes_at <= now, closes_at > changed), closes_at), else_=changed),
        UTCDateTime,
    )


def _status_is(status: ConsultationStatus) -> ColumnElement[bool]:
    """In SQL, ``effective_status`` equal to ``status``."""
    now = now_utc()
    if status is ConsultationStatus.OPEN:
        return and_(Consultation.status == status, Consultation.closes_at > now)
    if status is ConsultationStatus.CLOSED:
        return or_(
            Consultation.status == status,
            and_(Consultation.status == ConsultationStatus.OPEN, Consultation.closes_at <= now),
        )
    return Consultation.status == status


def consultations(
    filters: ConsultationFilters, listing: Listing
) -> tuple[list[schemas.ConsultationSummary], str | None, datetime | None]:
    """Consultations by opening date, drafts only for the secretariat (as on
    the consultations page)."""
    modified = _consultation_modified(Consultation.id, Consultation.closes_at).label("modified")
    published = _published_exists().label("published")
    statement = select(Consultation, modified, published).options(
        selectinload(Consultation.department), selectinload(Consultation.lead_office)
    )
    if not access.has_role(Role.SECRETARIAT):
        statement = statement.where(Consultation.status != ConsultationStatus.DRAFT)
    if filters.status is not None:
        statement = statement.where(_status_is(filters.status))
    if filters.department:
        statement = statement.where(
            Consultation.department_id.in_(
                select(Department.id).where(Department.short_name == filters.department)
            )
        )
    if filters.stage is not None:
        statement = statement.where(Consultation.stage == filters.stage)
    if listing.modified_since is not None:
        statement = statement.where(modified >= listing.modified_since)
    rows, cursor = _page(
        statement,
        listing,
        [Consultation.opens_at, Consultation.id],
        [datetime, int],
        lambda row: [row[0].opens_at, row[0].id],
    )
    items = [_consultation_summary(row[0], bool(row.published), row.modified) for row in rows]
    return items, cursor, protocol.last_modified([item.modified_at for item in items])


def _document(document: Any) -> schemas.File:
    return schemas.File(
        title=document.title,
        filename=document.filename,
        content_type=document.content_type,
        size=document.size,
        checksum=document.checksum,
        superseded=False,
        download_url=_web(
            "consultations.download_document",
            document_id=document.id,
            filename=document.filename,
        ),
    )


def consultation(reference: str) -> schemas.Consultation:
    """The consultation page: its questions, documents, timeline, and the
    government's reply once published."""
    found = load_consultation(reference)
    published = summaries.published_snapshot(found)
    reply = summaries.reply_for(found)
    events = timeline(found, discussed_at(found), published, reply)
    numbers = {str(q.id): number for number, q in enumerate(found.questions, start=1)}
    modified = db.session.execute(
        select(_consultation_modified(found.id, found.closes_at)).where(Consultation.id == found.id)
    ).scalar_one()
    return schemas.Consultation(
        **_fields_of(_consultation_summary(found, published is not None, modified)),
        summary=found.summary,
        questions=[
            schemas.Question(
                number=number, kind=q.kind.value, text=q.text, hint=q.hint, required=q.required
            )
            for number, q in enumerate(found.questions, start=1)
        ],
        documents=[_document(document) for document in found.documents],
        timeline=[schemas.TimelineEvent(at=event.at, event=event.text) for event in events],
        government_reply=schemas.GovernmentReply(
            published_at=reply.published_at,
            overall=reply.overall,
            questions=[
                schemas.ReplyToQuestion(question=numbers[key], text=text)
                for key, text in sorted(
                    reply.per_question.items(), key=lambda pair: numbers.get(pair[0], 0)
                )
                if key in numbers and text
            ],
        )
        if reply is not None and reply.published_at is not None
        else None,
        summary_url=_api("show_summary", reference=found.reference) if published else None,
    )


# Published summaries and positions -------------------------------------------


def published_summary(reference: str) -> tuple[Consultation, SummarySnapshot]:
    """The consultation's published summary snapshot, or 404: the live
    summary is not part of the public API."""
    found = load_consultation(reference)
    snapshot = summaries.published_snapshot(found)
    if snapshot is None:
        abort(404)
    return found, snapshot


def summary(reference: str) -> tuple[Consultation, SummarySnapshot | None]:
    """The consultation and its published summary (``published_figures``);
    before publication, None for a reader who may see the live figures on
    the web (``summaries.policy.can_see_live``: ``live_figures``), and 404
    for everyone else, as the summary page answers."""
    found = load_consultation(reference)
    snapshot = summaries.published_snapshot(found)
    if snapshot is None and not summary_policy.can_see_live(found, current_user):
        abort(404)
    return found, snapshot


def published_figures(found: Consultation, snapshot: SummarySnapshot) -> schemas.PublishedSummary:
    """The figures as frozen in the published ``snapshot`` of ``found``."""
    return schemas.PublishedSummary(
        consultation=found.reference,
        published=True,
        published_at=snapshot.created_at,
        figures=snapshot.data,
        positions_url=_api("list_positions", reference=found.reference),
    )


def live_figures(found: Consultation) -> schemas.PublishedSummary:
    """The figures of ``found`` as they stand now."""
    return schemas.PublishedSummary(
        consultation=found.reference,
        published=False,
        published_at=None,
        figures=compute_summary(found),
        positions_url=None,
    )


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def position_record(reference: str, row: list[Any]) -> schemas.PositionRecord:
    """A frozen row of a published summary as the API serves it (and the bulk
    datasets write it)."""
    submitted = row[SUBMITTED_COLUMN]
    population = row[6]
    return schemas.PositionRecord(
        consultation=reference,
        gss_code=_text(row[1]),
        authority=str(row[2]),
        type=str(row[3]),
        region=str(row[4]),
        control_at_response=str(row[5]),
        population=population if isinstance(population, int) else None,
        channel=str(row[7]),
        submitted_at=submitted if isinstance(submitted, datetime) else None,
        question=int(row[9]) if str(row[9]).isdigit() else None,
        question_text=str(row[10]),
        position=_text(row[11]),
        comment=_text(row[12]),
        themes=[theme for theme in str(row[13] or "").split("; ") if theme],
        answer=_text(row[14]) if len(row) > 14 else None,
    )


def positions(
    reference: str, listing: Listing
) -> tuple[list[schemas.PositionRecord], str | None, datetime]:
    """Every answer frozen with the published summary, a page at a time (the
    cursor is the position in the frozen rows)."""
    found, snapshot = published_summary(reference)
    start = protocol.decode_cursor(listing.cursor, [int])[0] if listing.cursor else 0
    rows = list(thawed_rows(snapshot.answers or []))
    page = rows[start : start + listing.limit]
    after = start + len(page)
    cursor = protocol.encode_cursor([after]) if after < len(rows) else None
    return [position_record(found.reference, row) for row in page], cursor, snapshot.created_at
