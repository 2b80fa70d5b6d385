"""Functions that make test data. Each makes one thing, with defaults a test
can override, and flushes so the row has an id."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from commission.attendance.models import MinisterialAttendance
from commission.auth.models import Appointment, DelegatedPower, Delegation, User
from commission.auth.passwords import hash_password
from commission.auth.roles import AUTHORITY_ROLES, Role
from commission.consultations.models import (
    Consultation,
    ConsultationStatus,
    LegislativeStage,
    Question,
    QuestionKind,
)
from commission.extensions import db
from commission.meetings.models import AgendaItem, AgendaItemKind, Meeting, MeetingStatus, Paper
from commission.membership.models import (
    Authority,
    AuthorityKind,
    Control,
    Department,
    Membership,
    MinisterialOffice,
    OfficeRank,
    PoliticalControl,
    Region,
)
from commission.timeutil import LONDON, now_utc, today

PASSWORD = "correct-horse-battery-staple-42"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _hash(password: str) -> str:
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def user(
    *,
    role: Role | None = None,
    email: str | None = None,
    full_name: str | None = None,
    password: str | None = PASSWORD,
    active: bool = True,
    starts_on: date | None = None,
) -> User:
    n = next(_counter)
    person = User(
        email=(email or f"person{n}@example.gov.uk").lower(),
        full_name=full_name or f"Test Person {n}",
        password_hash=_hash(password) if password else None,
        active=active,
    )
    db.session.add(person)
    db.session.flush()
    if role is not None:
        appointment(user=person, role=role, starts_on=starts_on)
    return person


def appointment(
    *,
    user: User,
    role: Role,
    starts_on: date | None = None,
    ends_on: date | None = None,
    authority: Authority | None = None,
    office: MinisterialOffice | None = None,
) -> Appointment:
    """An appointment held in the right body: authority roles get an authority
    (a mayoral one for a mayor) and ministers an office, unless given."""
    if role in AUTHORITY_ROLES and authority is None:
        authority = strategic_authority(mayoral=True) if role is Role.MAYOR else council()
    if role is Role.MINISTER and office is None:
        office = ministerial_office()
    item = Appointment(
        user=user,
        role=role,
        starts_on=starts_on or today() - timedelta(days=30),
        ends_on=ends_on,
        ministerial_office=office,
    )
    item.set_authority(authority)
    db.session.add(item)
    db.session.flush()
    return item


def _gss(prefix: str, n: int) -> str:
    return f"{prefix}{n:06d}"[:9]


def council(
    *,
    name: str | None = None,
    kind: AuthorityKind = AuthorityKind.UNITARY,
    region: Region = Region.NORTH_WEST,
    population: int | None = 100_000,
    control: Control | None = Control.LABOUR,
    member: bool = True,
) -> Authority:
    n = next(_counter)
    name = name or f"Testshire {n} Council"
    authority = Authority(
        gss_code=_gss("E06", 900000 + n),
        slug=name.lower().replace(" ", "-") + f"-{n}",
        name=name,
        kind=kind,
        region=region,
        population=population,
        mayoral=False,
    )
    db.session.add(authority)
    db.session.flush()
    if control is not None:
        db.session.add(
            PoliticalControl(authority=authority, control=control, effective_from=date(2026, 5, 8))
        )
    if member:
        db.session.add(Membership(authority=authority, joined_on=date(2026, 1, 1)))
    db.session.flush()
    return authority


def strategic_authority(
    *,
    name: str | None = None,
    kind: AuthorityKind = AuthorityKind.COMBINED_AUTHORITY,
    mayoral: bool = True,
    region: Region = Region.NORTH_WEST,
    constituents: list[Authority] | None = None,
    member: bool = True,
) -> Authority:
    n = next(_counter)
    name = name or f"Test Combined Authority {n}"
    authority = Authority(
        gss_code=_gss("E47", 900000 + n),
        slug=name.lower().replace(" ", "-") + f"-{n}",
        name=name,
        kind=kind,
        region=region,
        population=None,
        mayoral=mayoral,
    )
    authority.constituents = list(constituents or [])
    db.session.add(authority)
    if member:
        db.session.add(Membership(authority=authority, joined_on=date(2026, 1, 1)))
    db.session.flush()
    return authority


def department(*, name: str | None = None, short_name: str | None = None) -> Department:
    n = next(_counter)
    item = Department(
        name=name or f"Department for Testing {n}",
        short_name=short_name or f"DT{n}",
        head_title=f"Secretary of State for Testing {n}",
        has_secretary_of_state=True,
    )
    db.session.add(item)
    db.session.flush()
    return item


def ministerial_office(
    *,
    department: Department | None = None,
    title: str | None = None,
    rank: OfficeRank = OfficeRank.SECRETARY_OF_STATE,
) -> MinisterialOffice:
    department = department or globals()["department"]()
    item = MinisterialOffice(department=department, title=title or department.head_title, rank=rank)
    db.session.add(item)
    db.session.flush()
    return item


def delegation(
    *,
    appointment: Appointment,
    power: DelegatedPower = DelegatedPower.ATTEND,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Delegation:
    item = Delegation(
        appointment=appointment,
        power=power,
        starts_on=starts_on or appointment.starts_on,
        ends_on=ends_on,
    )
    db.session.add(item)
    db.session.flush()
    return item


def authority_by_slug(slug: str) -> Authority:
    return db.session.execute(db.select(Authority).where(Authority.slug == slug)).scalar_one()


def political_control(
    *,
    authority: Authority,
    control: Control,
    effective_from: date,
    party_name: str | None = None,
    note: str | None = None,
    source: str | None = None,
) -> PoliticalControl:
    """A control record; a party name is needed (and only allowed) for ``Control.OTHER``."""
    item = PoliticalControl(
        authority=authority,
        control=control,
        party_name=party_name,
        effective_from=effective_from,
        note=note,
        source=source,
    )
    db.session.add(item)
    db.session.flush()
    return item


def membership(
    *,
    authority: Authority,
    joined_on: date = date(2026, 1, 1),
    left_on: date | None = None,
    leave_reason: str | None = None,
) -> Membership:
    item = Membership(
        authority=authority, joined_on=joined_on, left_on=left_on, leave_reason=leave_reason
    )
    db.session.add(item)
    db.session.flush()
    return item


def meeting(
    *,
    starts_at: datetime | None = None,
    minutes: int = 150,
    status: MeetingStatus = MeetingStatus.SCHEDULED,
    published: bool = False,
    venue: str | None = "2 Marsham Street, London",
) -> Meeting:
    """A meeting, by default a week from now at 10:30 London time."""
    if starts_at is None:
        day = today() + timedelta(days=7 + next(_counter) % 300)
        starts_at = datetime.combine(day, time(10, 30), tzinfo=LONDON).astimezone(UTC)
    item = Meeting(
        slug=f"{starts_at.astimezone(LONDON).date().isoformat()}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        venue=venue,
        status=MeetingStatus.AGENDA_PUBLISHED if published else status,
        agenda_published_at=now_utc() if published else None,
    )
    from commission.meetings.services import allocate_slug

    item.slug = allocate_slug(starts_at.astimezone(LONDON).date())
    db.session.add(item)
    db.session.flush()
    return item


def agenda_item(
    *,
    meeting: Meeting,
    title: str | None = None,
    kind: AgendaItemKind = AgendaItemKind.DISCUSSION,
    duration_minutes: int = 30,
    confidential: bool = False,
    presenter: str | None = None,
) -> AgendaItem:
    item = AgendaItem(
        meeting=meeting,
        position=len(meeting.items) + 1,
        kind=kind,
        title=title or f"Item {next(_counter)}",
        duration_minutes=duration_minutes,
        confidential=confidential,
        presenter=presenter,
    )
    db.session.add(item)
    db.session.flush()
    return item


def _blank_pdf() -> bytes:
    """A real one-page PDF (A4, blank), as papers are checked by reading them."""
    import io

    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = _blank_pdf()


def paper(
    *,
    item: AgendaItem,
    title: str = "Briefing paper",
    public: bool = True,
    data: bytes = PDF_BYTES,
    filename: str = "briefing.pdf",
    content_type: str = "application/pdf",
) -> Paper:
    from commission.storage import storage

    stored = storage().save(data)
    record = Paper(
        agenda_item=item,
        title=title,
        filename=filename,
        content_type=content_type,
        size=stored.size,
        checksum=stored.checksum,
        storage_key=stored.key,
        public=public,
    )
    db.session.add(record)
    db.session.flush()
    return record


def london_time(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in London as the aware UTC datetime the database stores."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT_TYPE = "application/vnd.oasis.opendocument.text"


def docx_bytes(text: str = "Funding settlement briefing") -> bytes:
    """A minimal real Word document: a zip with the content types, the package
    relationships and the document part."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    """A real spreadsheet written by openpyxl."""
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Authority", "Allocation"])
    workbook.active.append(["Testshire", 1_250_000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odt_bytes() -> bytes:
    """A minimal real OpenDocument text: the ``mimetype`` entry first, uncompressed."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODT_TYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


def ministerial_invitation(
    *,
    meeting: Meeting,
    office: MinisterialOffice | None = None,
    item: AgendaItem | None = None,
    for_chair: bool = False,
) -> MinisterialAttendance:
    if office is None and not for_chair:
        office = ministerial_office()
    invitation = MinisterialAttendance(
        meeting_id=meeting.id,
        agenda_item_id=item.id if item else None,
        for_chair=for_chair,
        ministerial_office_id=None if for_chair else office.id if office else None,
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation


from commission.attendance.models import AttendanceReply, RegisterEntry  # noqa: E402


def attendance_reply(
    *,
    meeting: Meeting,
    authority: Authority,
    kind: str = "in_person",
    substitute: Appointment | None = None,
    substitute_name: str | None = None,
    replied_by: User | None = None,
    on_behalf_of: User | None = None,
) -> AttendanceReply:
    """An authority's stored reply for a meeting (``kind`` is a ReplyKind value)."""
    from commission.attendance.models import ReplyKind

    item = AttendanceReply(
        meeting_id=meeting.id,
        authority_id=authority.id,
        kind=ReplyKind(kind),
        substitute_appointment=substitute,
        substitute_name=substitute_name,
        replied_by_id=replied_by.id if replied_by else None,
        on_behalf_of_id=(on_behalf_of or replied_by).id if (on_behalf_of or replied_by) else None,
    )
    db.session.add(item)
    db.session.flush()
    return item


def register_entry(
    *, meeting: Meeting, authority: Authority, mark: str = "in_person", late: bool = False
) -> RegisterEntry:
    """A register mark for an authority at a meeting (``mark`` is a RegisterMark value)."""
    from commission.attendance.models import RegisterMark

    item = RegisterEntry(
        meeting_id=meeting.id, authority_id=authority.id, mark=RegisterMark(mark), late=late
    )
    db.session.add(item)
    db.session.flush()
    return item


def consultation(
    *,
    title: str | None = None,
    status: ConsultationStatus = ConsultationStatus.OPEN,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    questions: int = 2,
    department: Department | None = None,
) -> Consultation:
    """A consultation (open by default, closing in 30 days) with position
    questions and, when questions > 1, a final free-text question."""
    from commission.consultations.services import next_reference

    now = now_utc()
    department = department or globals()["department"]()
    opens_at = opens_at or now - timedelta(days=1)
    item = Consultation(
        reference=next_reference(opens_at.astimezone(LONDON).year),
        title=title or f"Consultation {next(_counter)}",
        summary="What government proposes.",
        department=department,
        stage=LegislativeStage.GREEN_PAPER,
        status=status,
        opens_at=opens_at,
        closes_at=closes_at or now + timedelta(days=30),
        opened_at=now if status is not ConsultationStatus.DRAFT else None,
    )
    for n in range(1, questions + 1):
        kind = QuestionKind.FREE_TEXT if n == questions and questions > 1 else QuestionKind.POSITION
        item.questions.append(Question(position=n, kind=kind, text=f"Question {n}?", required=True))
    db.session.add(item)
    db.session.flush()
    return item


def consultation_document(*, consultation: Consultation, data: bytes = PDF_BYTES) -> Any:
    from commission.consultations.models import ConsultationDocument
    from commission.storage import storage

    stored = storage().save(data)
    document = ConsultationDocument(
        consultation=consultation,
        title="Consultation paper",
        filename="consultation.pdf",
        content_type="application/pdf",
        size=stored.size,
        checksum=stored.checksum,
        storage_key=stored.key,
    )
    db.session.add(document)
    db.session.flush()
    return document


def response_attachment(
    *,
    response: Any,
    data: bytes = PDF_BYTES,
    title: str = "Cabinet report",
    filename: str = "cabinet-report.pdf",
    content_type: str = "application/pdf",
    in_working: bool = True,
    in_submitted: bool = False,
    original: bool = False,
) -> Any:
    """A document attached to a response (by default in its working copy only)."""
    from commission.consultations.models import ResponseAttachment
    from commission.storage import storage

    stored = storage().save(data)
    attachment = ResponseAttachment(
        title=title,
        filename=filename,
        content_type=content_type,
        size=stored.size,
        checksum=stored.checksum,
        storage_key=stored.key,
        in_working=in_working,
        in_submitted=in_submitted,
        original=original,
    )
    response.attachments.append(attachment)
    db.session.flush()
    return attachment


def letter_response(
    *,
    consultation: Consultation,
    authority: Authority,
    entered_by: User,
    confirmed_by: User | None = None,
    dated: date | None = None,
    position: Any = None,
) -> Any:
    """A response the secretariat entered from a letter, with its original;
    awaiting confirmation unless ``confirmed_by`` is given."""
    from commission.consultations.models import (
        Answer,
        Channel,
        Position,
        Response,
        ResponseStatus,
    )

    position = position or Position.OPPOSE
    confirmed = confirmed_by is not None
    now = now_utc()
    response = Response(
        consultation_id=consultation.id,
        authority_id=authority.id,
        status=ResponseStatus.SUBMITTED if confirmed else ResponseStatus.DRAFT,
        channel=Channel.LETTER,
        overall_position=position,
        letter_dated=dated or today(),
        entered_by_id=entered_by.id,
        submitted_position=position if confirmed else None,
        submitted_at=now if confirmed else None,
        submitted_by_id=confirmed_by.id if confirmed_by else None,
        submission_count=1 if confirmed else 0,
        confirmed_at=now if confirmed else None,
        confirmed_by_id=confirmed_by.id if confirmed_by else None,
    )
    for question in consultation.questions:
        is_position = question.kind is QuestionKind.POSITION
        response.answers.append(
            Answer(
                question_id=question.id,
                position=position if is_position else None,
                submitted_position=position if is_position and confirmed else None,
                comment=None if is_position else "As our letter says",
                submitted_comment=None if is_position or not confirmed else "As our letter says",
            )
        )
    db.session.add(response)
    db.session.flush()
    response_attachment(
        response=response,
        title="Original letter or email",
        filename="letter.pdf",
        in_working=False,
        original=True,
    )
    return response


def submitted_response(
    *,
    consultation: Consultation,
    authority: Authority,
    position: Any = None,
    answers: dict[int, Any] | None = None,
) -> Any:
    """A response signed off online, with every position question answered."""
    from commission.consultations.models import (
        Answer,
        Channel,
        Position,
        Response,
        ResponseStatus,
    )

    position = position or Position.SUPPORT
    control = authority.control_on(today())
    response = Response(
        consultation_id=consultation.id,
        authority_id=authority.id,
        status=ResponseStatus.SUBMITTED,
        channel=Channel.ONLINE,
        overall_position=position,
        submitted_position=position,
        submitted_at=now_utc(),
        submission_count=1,
        control_at_submission=control.control.value if control else None,
    )
    for question in consultation.questions:
        chosen = (answers or {}).get(question.id, position)
        is_position = question.kind is QuestionKind.POSITION
        response.answers.append(
            Answer(
                question_id=question.id,
                position=chosen if is_position else None,
                submitted_position=chosen if is_position else None,
                comment=None if is_position else "Our view",
                submitted_comment=None if is_position else "Our view",
            )
        )
    db.session.add(response)
    db.session.flush()
    return response


def person_at(
    *,
    authority: Authority,
    role: Role,
    full_name: str | None = None,
    sign_off: bool = False,
    sign_off_from: date | None = None,
    sign_off_until: date | None = None,
) -> User:
    """Someone holding ``role`` at ``authority`` today; a deputy can be given a
    sign-off delegation (from 30 days ago, open-ended, unless dates are given)."""
    from commission.auth.models import DelegatedPower

    person = user(full_name=full_name)
    held = appointment(user=person, role=role, authority=authority)
    if sign_off or sign_off_from or sign_off_until:
        delegation(
            appointment=held,
            power=DelegatedPower.SIGN_OFF,
            starts_on=sign_off_from,
            ends_on=sign_off_until,
        )
    return person


def draft_response(
    *,
    consultation: Consultation,
    authority: Authority,
    position: Any = None,
    comment: str | None = None,
    answers: dict[int, tuple[Any, str | None]] | None = None,
) -> Any:
    """A draft response (never submitted): the overall position and, per
    question id, (position, comment); questions not given are left unanswered."""
    from commission.consultations.models import Answer, Response, ResponseStatus

    response = Response(
        consultation_id=consultation.id,
        authority_id=authority.id,
        status=ResponseStatus.DRAFT,
        overall_position=position,
        overall_comment=comment,
    )
    for question_id, (chosen, text) in (answers or {}).items():
        response.answers.append(Answer(question_id=question_id, position=chosen, comment=text))
    db.session.add(response)
    db.session.flush()
    return response


def summary_snapshot(
    *, consultation: Consultation, meeting: Meeting | None = None, published: bool = False
) -> Any:
    from commission.summaries.models import SummarySnapshot
    from commission.summaries.queries import compute_summary

    snapshot = SummarySnapshot(
        consultation_id=consultation.id,
        meeting_id=meeting.id if meeting else None,
        published=published,
        data=compute_summary(consultation),
    )
    db.session.add(snapshot)
    db.session.flush()
    return snapshot


def first_answer(*, consultation: Consultation) -> Any:
    from commission.consultations.models import Answer, Response

    return db.session.execute(
        db.select(Answer)
        .join(Response)
        .where(Response.consultation_id == consultation.id)
        .order_by(Answer.id)
        .limit(1)
    ).scalar_one()


def minister(
    *, office: MinisterialOffice | None = None, department: Department | None = None
) -> User:
    """Someone holding a ministerial office today: ``office``, or a new
    Minister of State post in ``department`` (a new department if not given)."""
    if office is None:
        office = ministerial_office(
            department=department,
            title=f"Minister of State for Testing {next(_counter)}",
            rank=OfficeRank.MINISTER_OF_STATE,
        )
    person = user()
    appointment(user=person, role=Role.MINISTER, office=office)
    return person


def draft_minutes(*, meeting: Meeting, introduction: str = "The chair welcomed members.") -> Any:
    from commission.minutes.models import Minutes

    minutes = Minutes(meeting_id=meeting.id, introduction=introduction)
    db.session.add(minutes)
    db.session.flush()
    return minutes


def action(
    *,
    meeting: Meeting,
    text: str = "Send the pilot data to the secretariat",
    authority: Authority | None = None,
    due_on: date | None = None,
) -> Any:
    from commission.minutes.models import Action, OwnerKind
    from commission.minutes.services import assign_record_reference

    assign_record_reference(meeting)
    authority = authority or council()
    item = Action(
        meeting_id=meeting.id,
        number=next(_counter),
        text=text,
        owner_kind=OwnerKind.AUTHORITY,
        owner_authority_id=authority.id,
        due_on=due_on or today() + timedelta(days=30),
    )
    db.session.add(item)
    db.session.flush()
    return item


def held_meeting(*, day: date | None = None, hour: int = 10, minute: int = 30) -> Meeting:
    """A meeting held on ``day`` (a week ago unless given), its agenda published
    a week before."""
    day = day or today() - timedelta(days=7)
    item = meeting(starts_at=london_time(day, hour, minute), status=MeetingStatus.HELD)
    item.agenda_published_at = item.starts_at - timedelta(days=7)
    db.session.flush()
    return item


def stated_position(
    *,
    consultation: Consultation,
    authority: Authority,
    meeting: Meeting,
    position: str = "support",
    comment: str | None = None,
) -> Any:
    """A position an authority stated at a meeting (``position`` is a Position value)."""
    from commission.consultations.models import Position, StatedPosition

    item = StatedPosition(
        consultation_id=consultation.id,
        authority_id=authority.id,
        meeting_id=meeting.id,
        position=Position(position),
        comment=comment,
    )
    db.session.add(item)
    db.session.flush()
    return item


def decision(
    *, meeting: Meeting, text: str = "The Commission agreed.", item: AgendaItem | None = None
) -> Any:
    """The meeting's next numbered decision."""
    from sqlalchemy import func, select

    from commission.minutes.models import Decision
    from commission.minutes.services import assign_record_reference

    assign_record_reference(meeting)
    number = db.session.execute(
        select(func.coalesce(func.max(Decision.number), 0)).where(Decision.meeting_id == meeting.id)
    ).scalar_one()
    record = Decision(
        meeting_id=meeting.id,
        number=number + 1,
        text=text,
        agenda_item_id=item.id if item else None,
    )
    db.session.add(record)
    db.session.flush()
    return record


def published_minutes(
    *,
    meeting: Meeting,
    approved_by: User | None = None,
    introduction: str = "The chair welcomed members.",
    discussions: dict[AgendaItem, str] | None = None,
) -> Any:
    """Minutes the chair has approved: the meeting's status is minutes published."""
    from commission.minutes.models import MinuteItem

    minutes = draft_minutes(meeting=meeting, introduction=introduction)
    for agenda_item_, text in (discussions or {}).items():
        minutes.items.append(MinuteItem(agenda_item_id=agenda_item_.id, discussion=text))
    minutes.approved_at = now_utc()
    minutes.approved_by_id = (approved_by or user(role=Role.CHAIR)).id
    meeting.status = MeetingStatus.MINUTES_PUBLISHED
    db.session.flush()
    return minutes


def owned_action(
    *,
    meeting: Meeting,
    owner: Authority | Department | None = None,
    text: str = "Report back to the Commission",
    due_on: date | None = None,
    status: str = "open",
    item: AgendaItem | None = None,
) -> Any:
    """The meeting's next numbered action, owned by an authority, a department
    or (``owner`` None) the secretariat; ``status`` is an ActionStatus value."""
    from sqlalchemy import func, select

    from commission.minutes.models import Action, ActionStatus, OwnerKind
    from commission.minutes.services import assign_record_reference

    assign_record_reference(meeting)
    number = db.session.execute(
        select(func.coalesce(func.max(Action.number), 0)).where(Action.meeting_id == meeting.id)
    ).scalar_one()
    record = Action(
        meeting_id=meeting.id,
        number=number + 1,
        text=text,
        agenda_item_id=item.id if item else None,
        owner_kind=OwnerKind.AUTHORITY
        if isinstance(owner, Authority)
        else OwnerKind.DEPARTMENT
        if isinstance(owner, Department)
        else OwnerKind.SECRETARIAT,
        owner_authority_id=owner.id if isinstance(owner, Authority) else None,
        owner_department_id=owner.id if isinstance(owner, Department) else None,
        due_on=due_on or today() + timedelta(days=30),
        status=ActionStatus(status),
    )
    db.session.add(record)
    db.session.flush()
    return record


def outbox_message(*, user: User, status: Any = None, topic: Any = None) -> Any:
    from commission.notifications.models import OutboxMessage, OutboxStatus, Topic

    message = OutboxMessage(
        recipient=user.email,
        user_id=user.id,
        topic=topic or Topic.MEETINGS,
        template="agenda_published",
        subject="Agenda published",
        body_text="Dear reader,\n\nThe agenda is published.\n",
        body_html="<p>The agenda is published.</p>",
        status=status or OutboxStatus.FAILED,
        attempts=6,
        last_error="Connection refused",
    )
    db.session.add(message)
    db.session.flush()
    return message


def policy(
    *,
    name: str | None = None,
    consultations: list[Consultation] | None = None,
    bill_name: str | None = None,
    bill_url: str | None = None,
) -> Any:
    """A policy with the consultations as its stages, in the order given."""
    from commission.policies.models import Policy, PolicyStage

    n = next(_counter)
    name = name or f"Test policy {n}"
    item = Policy(
        name=name,
        slug=f"test-policy-{n}",
        summary="What government means to do.",
        bill_name=bill_name,
        bill_url=bill_url,
    )
    for position, consultation in enumerate(consultations or [], start=1):
        item.stages.append(PolicyStage(consultation_id=consultation.id, position=position))
    db.session.add(item)
    db.session.flush()
    return item


def every_kind_consultation(
    *, status: ConsultationStatus = ConsultationStatus.OPEN
) -> Consultation:
    """A consultation asking one question of every kind, in two sections:
    1 position, 2 one choice (with "Other"), 3 several choices (at most 2),
    4 yes/no/don't know, 5 a number of places (0 to 5,000, whole), 6 a
    ranking of three options, 7 short text (optional), 8 long text."""
    from commission.consultations.models import QuestionOption, QuestionSection

    item = consultation(status=status, questions=0)
    first = QuestionSection(position=1, title="Delivery", introduction="How it would work.")
    second = QuestionSection(position=2, title="Your council", introduction=None)
    item.sections.extend([first, second])

    def ask(kind: QuestionKind, text: str, section: Any, **settings: Any) -> Question:
        options = settings.pop("options", [])
        question = Question(
            position=len(item.questions) + 1,
            kind=kind,
            text=text,
            required=settings.pop("required", True),
            section=section,
            **settings,
        )
        for place, label in enumerate(options, start=1):
            question.options.append(QuestionOption(position=place, label=label))
        item.questions.append(question)
        return question

    ask(QuestionKind.POSITION, "Do you support the proposal?", first)
    ask(
        QuestionKind.SINGLE_CHOICE,
        "Who should run family hubs?",
        first,
        options=["Councils", "Schools", "Charities"],
        allow_other=True,
    )
    ask(
        QuestionKind.MULTIPLE_CHOICE,
        "Which services matter most?",
        first,
        options=["Health visiting", "Parenting support", "Childcare", "Debt advice"],
        max_choices=2,
    )
    ask(QuestionKind.YES_NO, "Would you bid for funding?", first)
    ask(
        QuestionKind.NUMBER,
        "How many places would your council need?",
        second,
        unit="places",
        min_value=0,
        max_value=5000,
        decimals=0,
    )
    ask(
        QuestionKind.RANKING,
        "Rank these priorities",
        second,
        options=["Speed", "Funding", "Flexibility"],
    )
    ask(QuestionKind.SHORT_TEXT, "Name your lead officer", second, required=False)
    ask(QuestionKind.FREE_TEXT, "Anything else?", second)
    db.session.flush()
    return item


def kind_answer(*, response: Any, question: Question, **values: Any) -> Any:
    """A signed-off answer to ``question`` (choice, choices, number, ranking,
    text, position, comment given by name), working and submitted alike."""
    from commission.consultations.models import Answer

    answer = response.answer_for(question.id)
    if answer is None:
        answer = Answer(question_id=question.id)
        response.answers.append(answer)
    for name in Answer.WORKING:
        value = values.get(name)
        setattr(answer, name, value)
        setattr(answer, f"submitted_{name}", value)
    db.session.flush()
    return answer
