"""The rules for consultations and the one official response per authority."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NotRequired, TypedDict

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from commission import policy as object_policy
from commission import signals
from commission.audit import services as audit
from commission.auth.models import User
from commission.auth.roles import Role
from commission.consultations import answers, policy
from commission.consultations.answers import AnswerData, AnswerSnapshot, CheckedAnswer
from commission.consultations.models import (
    Answer,
    Channel,
    Consultation,
    ConsultationDocument,
    ConsultationStatus,
    Extension,
    LegislativeStage,
    Position,
    Question,
    QuestionKind,
    QuestionOption,
    QuestionSection,
    Response,
    ResponseAttachment,
    ResponseRevision,
    ResponseStatus,
    StatedPosition,
)
from commission.consultations.policy import effective_status as effective_status
from commission.errors import DomainError
from commission.extensions import db
from commission.meetings.models import Meeting
from commission.meetings.uploads import Upload, check_upload, size_label
from commission.membership.models import Authority, Department, MinisterialOffice
from commission.storage import storage
from commission.timeutil import (
    format_date,
    format_datetime,
    in_london,
    london_date,
    now_utc,
    today,
)


class ResponseConflict(Exception):
    """Someone else saved the response since this person opened it."""

    def __init__(self, response: Response) -> None:
        super().__init__("changed since you opened it")
        self.response = response


# Consultations -------------------------------------------------------------------


def next_reference(year: int) -> str:
    """The next free ``LGC-<year>-<nnn>``: one past the highest number used in
    that year, so a gap in the sequence never hands out a reference twice."""
    prefix = f"LGC-{year}-"
    used = db.session.execute(
        select(Consultation.reference).where(Consultation.reference.startswith(prefix))
    ).scalars()
    numbers = [int(r[len(prefix) :]) for r in used if r[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


REFERENCE_ATTEMPTS = 5


@dataclass
class ConsultationDetails:
    title: str
    summary: str
    department: Department
    lead_office: MinisterialOffice | None
    stage: LegislativeStage
    opens_at: datetime
    closes_at: datetime


def _check_details(details: ConsultationDetails) -> None:
    if details.closes_at <= details.opens_at:
        raise DomainError("The closing date must be after the opening date", field="closes_day")
    if (
        details.lead_office is not None
        and details.lead_office.department_id != details.department.id
    ):
        raise DomainError(
            f"The lead minister must be in {details.department.name}", field="lead_office"
        )


def create_consultation(*, details: ConsultationDetails, actor: User) -> Consultation:
    """Create a draft with the next reference for the year it opens. Two
    people creating one at the same moment would pick the same number; the
    unique constraint refuses the second inside a savepoint and it takes the
    next number instead."""
    _check_details(details)
    year = in_london(details.opens_at).year
    for attempt in range(1, REFERENCE_ATTEMPTS + 1):
        consultation = Consultation(
            reference=next_reference(year),
            created_by_id=actor.id,
            status=ConsultationStatus.DRAFT,
        )
        _apply_details(consultation, details)
        try:
            with db.session.begin_nested():
                db.session.add(consultation)
                db.session.flush()
        except IntegrityError:
            taken = db.session.execute(
                select(Consultation.id).where(Consultation.reference == consultation.reference)
            ).first()
            if taken is None:  # not a clash of references: a real error
                raise
            if attempt == REFERENCE_ATTEMPTS:
                raise DomainError(
                    "Another consultation was being created at the same time. Try again"
                ) from None
            continue
        break
    audit.record(
        action="consultation_created",
        summary=f"{actor.full_name} created {consultation.reference}: {consultation.title}",
        actor=actor,
        subject=consultation,
    )
    return consultation


def _apply_details(consultation: Consultation, details: ConsultationDetails) -> None:
    consultation.title = details.title.strip()
    consultation.summary = details.summary.strip()
    consultation.department = details.department
    consultation.lead_office = details.lead_office
    consultation.stage = details.stage
    consultation.opens_at = details.opens_at
    consultation.closes_at = details.closes_at


def update_consultation(
    *, consultation: Consultation, details: ConsultationDetails, actor: User
) -> Consultation:
    if not policy.can_change(consultation):
        raise DomainError("A closed consultation cannot be changed")
    _check_details(details)
    _apply_details(consultation, details)
    db.session.flush()
    audit.record(
        action="consultation_updated",
        summary=f"{actor.full_name} updated {consultation.reference}",
        actor=actor,
        subject=consultation,
    )
    return consultation


def response_count(consultation: Consultation) -> int:
    return db.session.execute(
        select(func.count(Response.id)).where(Response.consultation_id == consultation.id)
    ).scalar_one()


def _check_questions_editable(consultation: Consultation) -> None:
    if response_count(consultation):
        raise DomainError("Questions cannot change once authorities have started responding")
    if not policy.can_change(consultation):
        raise DomainError("A closed consultation's questions cannot change")


@dataclass
class QuestionDetails:
    kind: QuestionKind
    text: str
    hint: str = ""
    required: bool = True
    options: list[str] = field(default_factory=list)
    allow_other: bool = False
    max_choices: int | None = None
    unit: str = ""
    min_value: float | None = None
    max_value: float | None = None
    decimals: int = 0
    section_id: int | None = None


MAX_OPTIONS = 20
MAX_DECIMALS = 4


def _check_question(consultation: Consultation, details: QuestionDetails) -> list[str]:
    """The question's options, cleaned, once its kind's settings make
    sense: a choice or ranking needs two options or more (each different),
    a limit on choices between 1 and the number of options, bounds in
    order, and decimal places from 0 to 4."""
    options = [o.strip() for o in details.options if o.strip()]
    if details.kind.has_options:
        if len(options) < 2:
            raise DomainError("Enter at least two options, one on each line", field="options")
        if len(options) > MAX_OPTIONS:
            raise DomainError(f"Enter {MAX_OPTIONS} options or fewer", field="options")
        if any(len(o) > 200 for o in options):
            raise DomainError("Each option must be 200 characters or fewer", field="options")
        if len({o.casefold() for o in options}) != len(options):
            raise DomainError("Each option must be different", field="options")
    else:
        options = []
    if (
        details.kind is QuestionKind.MULTIPLE_CHOICE
        and details.max_choices is not None
        and not 1 <= details.max_choices <= len(options)
    ):
        raise DomainError(
            f"The most options a council can choose must be from 1 to {len(options)}",
            field="max_choices",
        )
    if details.kind is QuestionKind.NUMBER:
        if not 0 <= details.decimals <= MAX_DECIMALS:
            raise DomainError(f"Decimal places must be from 0 to {MAX_DECIMALS}", field="decimals")
        low, high = details.min_value, details.max_value
        if low is not None and high is not None and low > high:
            raise DomainError(
                "The smallest number must be less than the largest", field="min_value"
            )
    if details.section_id is not None and details.section_id not in {
        section.id for section in consultation.sections
    }:
        raise DomainError("Select a section from the list", field="section")
    return options


def _apply_question(question: Question, details: QuestionDetails, options: list[str]) -> None:
    kind = details.kind
    question.kind = kind
    question.text = details.text.strip()
    question.hint = details.hint.strip() or None
    question.required = details.required
    question.allow_other = details.allow_other and kind is QuestionKind.SINGLE_CHOICE
    question.max_choices = details.max_choices if kind is QuestionKind.MULTIPLE_CHOICE else None
    number = kind is QuestionKind.NUMBER
    question.unit = (details.unit.strip() or None) if number else None
    question.min_value = details.min_value if number else None
    question.max_value = details.max_value if number else None
    question.decimals = details.decimals if number else 0
    question.section_id = details.section_id
    # Options keep their ids in order; the words change in place.
    kept = list(question.options)
    for place, label in enumerate(options, start=1):
        if place <= len(kept):
            kept[place - 1].label = label
            kept[place - 1].position = place
        else:
            question.options.append(QuestionOption(position=place, label=label))
    for extra in kept[len(options) :]:
        question.options.remove(extra)


def add_question(*, consultation: Consultation, details: QuestionDetails, actor: User) -> Question:
    _check_questions_editable(consultation)
    options = _check_question(consultation, details)
    question = Question(
        position=max((q.position for q in consultation.questions), default=0) + 1,
        kind=details.kind,
        text=details.text.strip(),
        required=details.required,
    )
    _apply_question(question, details, options)
    consultation.questions.append(question)
    db.session.flush()
    _record_question("question_added", "added", question, actor)
    return question


def _record_question(action: str, done: str, question: Question, actor: User) -> None:
    """Questions are recorded against their consultation, whose history
    lists them with the fields that changed."""
    consultation = question.consultation
    audit.record(
        action=action,
        summary=f"{actor.full_name} {done} question {question.position} of "
        f"{consultation.reference}: {question.text}",
        actor=actor,
        subject=consultation,
        details={"question_id": question.id},
    )


def update_question(*, question: Question, details: QuestionDetails, actor: User) -> Question:
    _check_questions_editable(question.consultation)
    options = _check_question(question.consultation, details)
    before = [o.label for o in question.options]
    _apply_question(question, details, options)
    if db.session.is_modified(question) or before != options:
        _record_question("question_changed", "changed", question, actor)
    db.session.flush()
    return question


def remove_question(*, question: Question, actor: User) -> None:
    consultation = question.consultation
    _check_questions_editable(consultation)
    _record_question("question_removed", "removed", question, actor)
    consultation.questions.remove(question)
    for position, each in enumerate(consultation.questions, start=1):
        each.position = position
    db.session.flush()


def move_question(*, question: Question, direction: str, actor: User) -> None:
    consultation = question.consultation
    _check_questions_editable(consultation)
    questions = list(consultation.questions)
    index = questions.index(question)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
        for position, each in enumerate(questions, start=1):
            each.position = position
        _record_question("question_moved", f"moved {direction}", question, actor)
    db.session.flush()
    db.session.expire(consultation, ["questions"])


@dataclass
class SectionDetails:
    title: str
    introduction: str = ""


def _record_section(action: str, done: str, section: QuestionSection, actor: User) -> None:
    consultation = section.consultation
    audit.record(
        action=action,
        summary=f"{actor.full_name} {done} section {section.position} of "
        f"{consultation.reference}: {section.title}",
        actor=actor,
        subject=consultation,
        details={"section_id": section.id},
    )


def add_section(
    *, consultation: Consultation, details: SectionDetails, actor: User
) -> QuestionSection:
    """A section groups questions under a title and introduction; sections
    change when questions may (``_check_questions_editable``)."""
    _check_questions_editable(consultation)
    section = QuestionSection(
        position=max((s.position for s in consultation.sections), default=0) + 1,
        title=details.title.strip(),
        introduction=details.introduction.strip() or None,
    )
    consultation.sections.append(section)
    db.session.flush()
    _record_section("section_added", "added", section, actor)
    return section


def update_section(
    *, section: QuestionSection, details: SectionDetails, actor: User
) -> QuestionSection:
    _check_questions_editable(section.consultation)
    section.title = details.title.strip()
    section.introduction = details.introduction.strip() or None
    if db.session.is_modified(section):
        _record_section("section_changed", "changed", section, actor)
    db.session.flush()
    return section


def remove_section(*, section: QuestionSection, actor: User) -> None:
    """Its questions stay, in no section."""
    consultation = section.consultation
    _check_questions_editable(consultation)
    _record_section("section_removed", "removed", section, actor)
    for question in consultation.questions:
        if question.section_id == section.id:
            question.section_id = None
    consultation.sections.remove(section)
    for position, each in enumerate(consultation.sections, start=1):
        each.position = position
    db.session.flush()


def move_section(*, section: QuestionSection, direction: str, actor: User) -> None:
    """Move a section, with its questions, before the previous section (or
    after the next): sections are shown in order, and so are their
    questions, so the questions are renumbered to follow the sections."""
    consultation = section.consultation
    _check_questions_editable(consultation)
    sections = list(consultation.sections)
    index = sections.index(section)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(sections):
        sections[index], sections[other] = sections[other], sections[index]
        for position, each in enumerate(sections, start=1):
            each.position = position
        order = {each.id: place for place, each in enumerate(sections)}
        questions = sorted(
            consultation.questions,
            key=lambda q: (order.get(q.section_id or 0, -1), q.position),
        )
        for position, question in enumerate(questions, start=1):
            question.position = position
        _record_section("section_moved", f"moved {direction}", section, actor)
    db.session.flush()
    db.session.expire(consultation, ["questions", "sections"])


def open_consultation(*, consultation: Consultation, actor: User) -> Consultation:
    """Open a draft for responses (``consultations.policy.open_refusal`` says when)."""
    now = now_utc()
    refusal = policy.open_refusal(consultation, now)
    if refusal is not None:
        raise refusal
    consultation.status = ConsultationStatus.OPEN
    consultation.opened_at = now
    if consultation.opens_at > now:
        consultation.opens_at = now
    signals.consultation_opened.send(consultation, actor=actor)
    return consultation


def add_document(
    *, consultation: Consultation, upload: Upload, title: str, actor: User
) -> ConsultationDocument:
    if not policy.can_change(consultation):
        raise DomainError("A closed consultation cannot be changed", field="file")
    checked = check_upload(upload)
    stored = storage().save(upload.data)
    document = ConsultationDocument(
        title=title.strip() or checked.filename,
        filename=checked.filename,
        content_type=checked.content_type,
        size=stored.size,
        checksum=stored.checksum,
        storage_key=stored.key,
        uploaded_by_id=actor.id,
    )
    consultation.documents.append(document)
    db.session.flush()
    audit.record(
        action="consultation_document_added",
        summary=f"{actor.full_name} added {document.title} to {consultation.reference}",
        actor=actor,
        subject=consultation,
    )
    return document


# The window ----------------------------------------------------------------------


def extension_for(consultation: Consultation, authority: Authority) -> Extension | None:
    return db.session.execute(
        select(Extension).where(
            Extension.consultation_id == consultation.id, Extension.authority_id == authority.id
        )
    ).scalar_one_or_none()


def deadline_for(consultation: Consultation, authority: Authority) -> datetime:
    return consultation.deadline_with(extension_for(consultation, authority))


def window_open(
    consultation: Consultation,
    authority: Authority,
    at: datetime | None = None,
    *,
    deadline: datetime | None = None,
) -> bool:
    """Whether the authority may respond now; ``deadline`` is its deadline
    when the caller has read it already (``deadline_for``)."""
    now = at or now_utc()
    if consultation.status is not ConsultationStatus.OPEN or now < consultation.opens_at:
        return False
    if deadline is None:
        deadline = deadline_for(consultation, authority)
    return now < deadline


def grant_extension(
    *,
    consultation: Consultation,
    authority: Authority,
    closes_at: datetime,
    reason: str,
    actor: User,
) -> Extension:
    if consultation.status is not ConsultationStatus.OPEN:
        raise DomainError("Extensions can be granted only for an open consultation")
    if closes_at <= consultation.closes_at:
        raise DomainError(
            f"The new deadline must be after the closing date, "
            f"{format_datetime(consultation.closes_at)}",
            field="day",
        )
    if not reason.strip():
        raise DomainError("Enter the reason for the extension", field="reason")
    extension = extension_for(consultation, authority)
    if extension is None:
        extension = Extension(
            consultation_id=consultation.id,
            authority_id=authority.id,
            closes_at=closes_at,
            reason=reason.strip(),
        )
        db.session.add(extension)
    extension.closes_at = closes_at
    extension.reason = reason.strip()
    extension.granted_by_id = actor.id
    extension.granted_at = now_utc()
    db.session.flush()
    signals.extension_granted.send(extension, consultation=consultation, actor=actor)
    return extension


# Who may do what -----------------------------------------------------------------


@dataclass(frozen=True)
class Capacity:
    can_view: bool = False
    can_draft: bool = False
    can_mark_ready: bool = False
    can_submit: bool = False


def capacity(user: User, authority: Authority) -> Capacity:
    """Officers and deputies draft; officers mark a response ready for
    sign-off; the leader or mayor, or a deputy whose delegation covers sign-off
    today, submits. The secretariat can read every response."""
    if not user.is_authenticated:
        return Capacity()
    on = today()
    here = [a for a in user.current_appointments(on) if a.authority_id == authority.id]
    roles = {a.role for a in here}
    head = bool(roles & {Role.LEADER, Role.MAYOR})
    if here:
        return Capacity(
            can_view=True,
            can_draft=True,
            can_mark_ready=head or Role.OFFICER in roles,
            can_submit=any(object_policy.signs_off(a, on) for a in here),
        )
    if Role.SECRETARIAT in user.roles_on(on):
        return Capacity(can_view=True)
    return Capacity()


# Responses -----------------------------------------------------------------------


@dataclass
class ResponseData:
    overall_position: Position | None
    overall_comment: str
    answers: dict[int, AnswerData] = field(default_factory=dict)


def response_for(consultation: Consultation, authority: Authority) -> Response | None:
    return db.session.execute(
        select(Response).where(
            Response.consultation_id == consultation.id, Response.authority_id == authority.id
        )
    ).scalar_one_or_none()


def _clean(text: str | None) -> str | None:
    text = _newlines(text).strip()
    return text or None


def _newlines(text: str | None) -> str:
    """Browsers send each line break as CRLF, while the character count on the
    page counts it as one character; count (and store) it as one here too."""
    return (text or "").replace("\r\n", "\n")


def comment_limit() -> int:
    return int(current_app.config["COMMENT_MAX_LENGTH"])


def _checked(consultation: Consultation, data: ResponseData) -> dict[int, CheckedAnswer]:
    """Every answer checked for its question's kind (``answers.check_answer``)
    before anything is written: the first problem is refused on its field."""
    limit = comment_limit()
    if len(_newlines(data.overall_comment)) > limit:
        raise DomainError(
            f"Your comment must be {limit:,} characters or fewer", field="overall_comment"
        )
    return {
        question.id: answers.check_answer(
            question, data.answers.get(question.id, AnswerData()), limit
        )
        for question in consultation.questions
    }


class ResponseSnapshot(TypedDict):
    """A response as a revision keeps it (JSON): its answers by question id,
    and the names of the supporting documents its working copy names
    (revisions made before documents could be attached have none)."""

    status: str
    overall_position: str | None
    overall_comment: str | None
    answers: dict[str, AnswerSnapshot]
    documents: NotRequired[list[str]]


def snapshot(response: Response) -> ResponseSnapshot:
    return ResponseSnapshot(
        status=response.status.value,
        overall_position=response.overall_position.value if response.overall_position else None,
        overall_comment=response.overall_comment,
        answers={str(a.question_id): answers.snapshot(a) for a in response.answers},
        documents=[_document_name(a) for a in response.documents()],
    )


def _document_name(attachment: ResponseAttachment) -> str:
    if attachment.title == attachment.filename:
        return attachment.filename
    return f"{attachment.title} ({attachment.filename})"


def _revise(response: Response, action: str, actor: User, at: datetime) -> None:
    db.session.flush()
    response.revisions.append(
        ResponseRevision(
            version=response.version,
            action=action,
            saved_by_id=actor.id,
            saved_at=at,
            snapshot=snapshot(response),
        )
    )


def _check_window(consultation: Consultation, authority: Authority, at: datetime) -> None:
    """Refuse a change outside the authority's window or from a non-member,
    judged at ``at``: the one moment the change is made."""
    if consultation.status is ConsultationStatus.DRAFT:
        raise DomainError("This consultation is not open yet")
    if not window_open(consultation, authority, at):
        deadline = format_datetime(deadline_for(consultation, authority))
        raise DomainError(
            f"This consultation closed on {deadline}. Responses can no longer be changed"
        )
    if authority.membership_on(london_date(at)) is None:
        raise DomainError(
            f"{authority.name} is not a member of the Commission, so it cannot respond"
        )


def save_draft(
    *,
    consultation: Consultation,
    authority: Authority,
    data: ResponseData,
    expected_version: int | None,
    actor: User,
) -> Response:
    """Save the working copy. ``expected_version`` is the version the person
    opened; if someone saved since, nothing is written and ResponseConflict
    says so, so neither person's words are lost."""
    if not capacity(actor, authority).can_draft:
        raise DomainError(f"You cannot change {authority.name}'s response")
    now = now_utc()
    _check_window(consultation, authority, now)
    checked = _checked(consultation, data)
    response = response_for(consultation, authority)
    if response is None:
        if expected_version not in (None, 0):
            raise DomainError("This response no longer exists")
        response = _start_response(consultation, authority)
    elif expected_version != response.version:
        raise ResponseConflict(response)
    _check_not_awaiting(response)
    _apply(response, consultation, data, checked)
    response.status = ResponseStatus.DRAFT
    response.updated_by_id = actor.id
    response.updated_at = now
    try:
        _revise(response, "draft saved", actor, now)
    except StaleDataError as error:
        db.session.rollback()
        current = response_for(consultation, authority)
        assert current is not None
        raise ResponseConflict(current) from error
    audit.record(
        action="response_saved",
        summary=f"{actor.full_name} saved a draft of {authority.name}'s response to "
        f"{consultation.reference}",
        actor=actor,
        subject=response,
    )
    return response


def _start_response(consultation: Consultation, authority: Authority, **values: Any) -> Response:
    """A new response, created inside a savepoint: another request creating
    the same authority's response at the same moment makes this one a
    conflict (ResponseConflict), never an error page."""
    response = Response(
        consultation_id=consultation.id,
        authority_id=authority.id,
        status=ResponseStatus.DRAFT,
        **values,
    )
    try:
        # Added inside the savepoint: begin_nested() flushes pending objects
        # first, so a response added before it would be inserted outside it.
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
    except IntegrityError:
        existing = response_for(consultation, authority)
        assert existing is not None
        raise ResponseConflict(existing) from None
    return response


def _check_not_awaiting(response: Response) -> None:
    """A response entered from a letter is the secretariat's until a second
    member confirms it; the authority can replace or withdraw it after."""
    if response.awaiting_confirmation:
        dated = format_date(response.letter_dated) if response.letter_dated else "recently"
        raise DomainError(
            f"The secretariat has entered {response.authority.name}'s response from a letter "
            f"dated {dated}, and it is waiting to be confirmed. You can replace or withdraw it "
            "once it is confirmed"
        )


def _apply(
    response: Response,
    consultation: Consultation,
    data: ResponseData,
    checked: dict[int, CheckedAnswer],
) -> None:
    response.overall_position = data.overall_position
    response.overall_comment = _clean(data.overall_comment)
    for question in consultation.questions:
        answer = response.answer_for(question.id)
        if answer is None:
            answer = Answer(question_id=question.id)
            response.answers.append(answer)
        answers.store(answer, checked.get(question.id) or CheckedAnswer())


def missing_answers(response: Response, consultation: Consultation) -> list[tuple[str, str]]:
    """(field, message) for everything a submission still needs."""
    problems = []
    if response.overall_position is None:
        problems.append(("overall_position", "Select your authority's overall position"))
    for number, question in enumerate(consultation.questions, start=1):
        if question.required and not answers.is_answered(
            question, response.answer_for(question.id)
        ):
            problems.append(
                (answers.field_name(question), answers.missing_message(question, number))
            )
    return problems


def _load_checked(
    consultation: Consultation, authority: Authority, expected_version: int, at: datetime
) -> Response:
    _check_window(consultation, authority, at)
    response = response_for(consultation, authority)
    if response is None:
        raise DomainError("Save a draft first")
    if response.version != expected_version:
        raise ResponseConflict(response)
    _check_not_awaiting(response)
    problems = missing_answers(response, consultation)
    if problems:
        raise DomainError(problems[0][1], field=problems[0][0])
    return response


@contextmanager
def _first_write_wins(consultation: Consultation, authority: Authority) -> Iterator[None]:
    """Writing a response that passed its version check. Another request for
    the same response can commit between that check and this write (a leader
    double-clicking "Sign off and submit" at the deadline does exactly that);
    the version counter then finds no row at the old version. That is a
    conflict like any other: nothing of this request is kept and the person
    is shown the response as it now is, never an error page."""
    try:
        yield
        db.session.flush()
    except StaleDataError as error:
        db.session.rollback()
        current = response_for(consultation, authority)
        assert current is not None
        raise ResponseConflict(current) from error


def mark_ready(
    *, consultation: Consultation, authority: Authority, expected_version: int, actor: User
) -> Response:
    if not capacity(actor, authority).can_mark_ready:
        raise DomainError("Only an officer, or the leader or mayor, can mark it ready for sign-off")
    now = now_utc()
    response = _load_checked(consultation, authority, expected_version, now)
    with _first_write_wins(consultation, authority):
        response.status = ResponseStatus.READY
        response.updated_by_id = actor.id
        response.updated_at = now
        _revise(response, "ready for sign-off", actor, now)
    signals.response_ready.send(response, actor=actor)
    return response


def submit_response(
    *, consultation: Consultation, authority: Authority, expected_version: int, actor: User
) -> Response:
    """Sign off: the working copy becomes the authority's official position.
    Each later submission before the window closes is an amendment."""
    if not capacity(actor, authority).can_submit:
        raise DomainError(
            "Only the leader or mayor, or a deputy with delegated sign-off, can submit"
        )
    # The moment of sign-off, taken once: the window is judged, and the
    # submission, the update and the revision are stamped, at the same time.
    now = now_utc()
    response = _load_checked(consultation, authority, expected_version, now)
    amending = response.submission_count > 0
    # Read before anything changes, so reading does not flush a half-made
    # change: one sign-off is one UPDATE and one step of the version.
    answered = list(response.answers)
    attachments = list(response.attachments)
    control = authority.control_on(london_date(now))
    with _first_write_wins(consultation, authority):
        response.status = ResponseStatus.SUBMITTED
        response.channel = Channel.ONLINE
        response.submitted_position = response.overall_position
        response.submitted_comment = response.overall_comment
        for answer in answered:
            answer.sign_off()
        for attachment in attachments:
            attachment.in_submitted = attachment.in_working and not attachment.original
        response.submitted_at = now
        response.submitted_by_id = actor.id
        response.submission_count += 1
        response.control_at_submission = control.control.value if control else None
        response.updated_by_id = actor.id
        response.updated_at = now
        _revise(response, "amended" if amending else "submitted", actor, now)
    signals.response_submitted.send(response, amended=amending, actor=actor)
    return response


@dataclass
class Change:
    label: str
    before: str
    after: str


def _describe(value: dict[str, Any] | None) -> str:
    """The overall position and its comment, in one line."""
    if not value:
        return "Not answered"
    parts = []
    if value.get("position"):
        parts.append(Position(value["position"]).label)
    if value.get("comment"):
        parts.append(f"“{value['comment']}”")
    return ": ".join(parts) if parts else "Not answered"


def revision_changes(
    response: Response, consultation: Consultation
) -> list[tuple[ResponseRevision, list[Change]]]:
    """Each revision with what it changed, per answer, from the one before."""
    numbered = {str(q.id): (f"Question {n}", q) for n, q in enumerate(consultation.questions, 1)}
    result = []
    previous: dict[str, Any] = {}
    for revision in sorted(response.revisions, key=lambda r: r.id):
        current = revision.snapshot
        changes = []
        before_overall = {
            "position": previous.get("overall_position"),
            "comment": previous.get("overall_comment"),
        }
        after_overall = {
            "position": current.get("overall_position"),
            "comment": current.get("overall_comment"),
        }
        if before_overall != after_overall:
            changes.append(
                Change(
                    "Overall position",
                    _describe(before_overall if previous else None),
                    _describe(after_overall),
                )
            )
        for question_id, (label, question) in numbered.items():
            before = previous.get("answers", {}).get(question_id)
            after = current.get("answers", {}).get(question_id)
            if (before or {}) != (after or {}):
                changes.append(
                    Change(
                        label,
                        answers.describe(question, before),
                        answers.describe(question, after),
                    )
                )
        before_documents = previous.get("documents", [])
        after_documents = current.get("documents", before_documents)
        if before_documents != after_documents:
            changes.append(
                Change(
                    "Supporting documents",
                    "; ".join(before_documents) or "None",
                    "; ".join(after_documents) or "None",
                )
            )
        result.append((revision, changes))
        previous = current
    return list(reversed(result))


def record_stated_position(
    *,
    consultation: Consultation,
    authority: Authority,
    meeting: Meeting,
    position: Position,
    comment: str,
    actor: User,
) -> StatedPosition:
    """A position stated in the room. It becomes the authority's response
    (channel "stated at meeting") if it has none; otherwise it is kept beside
    the written response."""
    if consultation.status is ConsultationStatus.DRAFT:
        raise DomainError("This consultation is not open yet")
    now = now_utc()
    if now < meeting.starts_at:
        raise DomainError(
            "A position can be recorded only once the meeting has started", field="meeting"
        )
    limit = comment_limit()
    if len(_newlines(comment)) > limit:
        raise DomainError(f"The comment must be {limit:,} characters or fewer", field="comment")
    stated = StatedPosition(
        consultation_id=consultation.id,
        authority_id=authority.id,
        meeting_id=meeting.id,
        position=position,
        comment=_clean(comment),
        recorded_by_id=actor.id,
    )
    db.session.add(stated)
    if response_for(consultation, authority) is None:
        control = authority.control_on(london_date(meeting.starts_at))
        response = Response(
            consultation_id=consultation.id,
            authority_id=authority.id,
            status=ResponseStatus.SUBMITTED,
            channel=Channel.STATED_AT_MEETING,
            overall_position=position,
            overall_comment=_clean(comment),
            submitted_position=position,
            submitted_comment=_clean(comment),
            submitted_at=meeting.starts_at,
            submitted_by_id=actor.id,
            submission_count=1,
            control_at_submission=control.control.value if control else None,
            updated_by_id=actor.id,
            updated_at=now,
        )
        db.session.add(response)
        _revise(response, "stated at meeting", actor, now)
    db.session.flush()
    audit.record(
        action="position_stated",
        summary=f"{actor.full_name} recorded {authority.name}'s position stated at the meeting "
        f"on {format_datetime(meeting.starts_at)}: {position.label}",
        actor=actor,
        subject=stated,
    )
    return stated


def stated_positions(
    consultation: Consultation, authority: Authority | None = None
) -> list[StatedPosition]:
    statement = (
        select(StatedPosition)
        .where(StatedPosition.consultation_id == consultation.id)
        .options(selectinload(StatedPosition.authority), selectinload(StatedPosition.meeting))
        .order_by(StatedPosition.recorded_at, StatedPosition.id)
    )
    if authority is not None:
        statement = statement.where(StatedPosition.authority_id == authority.id)
    return list(db.session.execute(statement).scalars())


# Supporting documents ------------------------------------------------------------

# What a council may attach: documents, never a CSV or anything else the
# meeting papers allow. Each is checked by its content (check_upload).
ATTACHMENT_TYPES = (".pdf", ".docx", ".odt", ".xlsx")
ATTACHMENT_LABEL = "PDF, DOCX, ODT or XLSX"
MAX_DOCUMENTS = 10


def attachment_limit() -> str:
    """The size limit as the upload page states it."""
    return size_label(int(current_app.config["PAPER_MAX_BYTES"]))


def _checked_document(upload: Upload, field: str = "file") -> ResponseAttachment:
    """An attachment made from an upload that is really what its name says:
    one of the attachment types, by its name and by its content, and within
    the size limit. The file is stored; the caller adds the record."""
    if not upload.data and not upload.filename:
        raise DomainError("Select a file", field=field)
    extension = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
    if f".{extension}" not in ATTACHMENT_TYPES:
        raise DomainError(f"The selected file must be a {ATTACHMENT_LABEL}", field=field)
    checked = check_upload(upload, field=field)
    stored = storage().save(upload.data)
    return ResponseAttachment(
        title=checked.filename,
        filename=checked.filename,
        content_type=checked.content_type,
        size=stored.size,
        checksum=stored.checksum,
        storage_key=stored.key,
    )


def _changed_by(response: Response, action: str, actor: User, at: datetime) -> None:
    """A change to the working copy: like a saved draft, it needs a new
    sign-off before it counts, and it is kept as a revision."""
    with _first_write_wins(response.consultation, response.authority):
        response.status = ResponseStatus.DRAFT
        response.updated_by_id = actor.id
        response.updated_at = at
        _revise(response, action, actor, at)


def add_attachment(
    *,
    consultation: Consultation,
    authority: Authority,
    upload: Upload,
    title: str,
    actor: User,
) -> ResponseAttachment:
    """Attach a supporting document to the working copy of the authority's
    response (starting the response if there is none). It is part of the
    response: once signed off, adding one needs a new sign-off."""
    if not capacity(actor, authority).can_draft:
        raise DomainError(f"You cannot change {authority.name}'s response", field="file")
    now = now_utc()
    _check_window(consultation, authority, now)
    response = response_for(consultation, authority)
    if response is not None:
        _check_not_awaiting(response)
        if len(response.documents()) >= MAX_DOCUMENTS:
            raise DomainError(
                f"A response can have up to {MAX_DOCUMENTS} supporting documents. "
                "Remove one before adding another",
                field="file",
            )
    title = title.strip()
    if len(title) > 200:
        raise DomainError("Title must be 200 characters or fewer", field="title")
    attachment = _checked_document(upload)
    if response is None:
        response = _start_response(consultation, authority)
    attachment.title = title or attachment.filename
    attachment.uploaded_by_id = actor.id
    attachment.uploaded_at = now
    response.attachments.append(attachment)
    _changed_by(response, "document added", actor, now)
    audit.record(
        action="response_document_added",
        summary=f"{actor.full_name} attached {attachment.title} to {authority.name}'s "
        f"response to {consultation.reference}",
        actor=actor,
        subject=response,
        details={"attachment_id": attachment.id},
    )
    return attachment


def remove_attachment(
    *, consultation: Consultation, authority: Authority, attachment: ResponseAttachment, actor: User
) -> None:
    """Take a supporting document out of the working copy. If the signed-off
    copy names it, it stays there (and downloadable) until the next
    sign-off; the file itself is never deleted, so history can name it."""
    if not capacity(actor, authority).can_draft:
        raise DomainError(f"You cannot change {authority.name}'s response")
    now = now_utc()
    _check_window(consultation, authority, now)
    response = attachment.response
    if response.authority_id != authority.id or response.consultation_id != consultation.id:
        raise DomainError("That document is not part of this response")
    _check_not_awaiting(response)
    if attachment.original or not attachment.in_working:
        raise DomainError("That document has already been removed from the response")
    attachment.in_working = False
    _changed_by(response, "document removed", actor, now)
    audit.record(
        action="response_document_removed",
        summary=f"{actor.full_name} removed {attachment.title} from {authority.name}'s "
        f"response to {consultation.reference}",
        actor=actor,
        subject=response,
        details={"attachment_id": attachment.id},
    )


# Responses received by letter or email -------------------------------------------


def _require_secretariat(actor: User) -> None:
    if Role.SECRETARIAT not in actor.roles_on(today()):
        raise DomainError("Only the secretariat can record a response received by letter")


def _letter_consultation_open(consultation: Consultation, at: datetime | None = None) -> None:
    status = effective_status(consultation, at)
    if status is ConsultationStatus.DRAFT:
        raise DomainError("This consultation is not open yet")
    if status not in {ConsultationStatus.OPEN, ConsultationStatus.CLOSED}:
        raise DomainError(
            "The summary of this consultation is published, so no more responses can be recorded"
        )


def _existing_refusal(existing: Response) -> str:
    """Why a letter cannot be entered for an authority that already has a
    response: nothing it holds is overwritten."""
    name = existing.authority.name
    if existing.awaiting_confirmation:
        dated = format_date(existing.letter_dated) if existing.letter_dated else "recently"
        return (
            f"A response from {name}'s letter dated {dated} has already been entered and is "
            "waiting to be confirmed"
        )
    if existing.submitted_at is not None:
        return (
            f"{name} already has a signed-off response ({existing.channel.label.lower()}, "
            f"{format_date(existing.submitted_at)}). A letter cannot replace it: the council's "
            "leader can amend the response online"
        )
    return (
        f"{name}'s people have started a draft response (last saved "
        f"{format_date(existing.updated_at)}). A letter cannot be entered over it: ask the "
        "council to sign off its response online, or to send the letter's answers in it"
    )


def enter_letter_response(
    *,
    consultation: Consultation,
    authority: Authority,
    dated: date | None,
    data: ResponseData,
    upload: Upload,
    actor: User,
) -> Response:
    """Record a response that came by letter or email, with the original.
    It does not count (no signed-off copy) until a second member of the
    secretariat confirms it, and is refused for an authority that already
    has a response of any kind, so nothing the council wrote is lost."""
    _require_secretariat(actor)
    now = now_utc()
    _letter_consultation_open(consultation, now)
    if dated is None:
        raise DomainError("Enter the date of the letter or email", field="dated")
    if dated > london_date(now):
        raise DomainError("The date of the letter must be today or in the past", field="dated")
    opened = london_date(consultation.opens_at)
    if dated < opened:
        raise DomainError(
            f"The date of the letter must be on or after {format_date(opened)}, when the "
            "consultation opened",
            field="dated",
        )
    deadline = deadline_for(consultation, authority)
    if dated > london_date(deadline):
        raise DomainError(
            f"The letter is dated after {authority.name}'s deadline, {format_datetime(deadline)}",
            field="dated",
        )
    if authority.membership_on(dated) is None:
        raise DomainError(
            f"{authority.name} was not a member of the Commission on that date",
            field="authority",
        )
    checked = _checked(consultation, data)
    existing = response_for(consultation, authority)
    if existing is not None:
        raise DomainError(_existing_refusal(existing), field="authority")
    original = _checked_document(upload)
    response = _start_response(
        consultation,
        authority,
        channel=Channel.LETTER,
        letter_dated=dated,
        entered_by_id=actor.id,
        updated_by_id=actor.id,
        updated_at=now,
    )
    _apply(response, consultation, data, checked)
    problems = missing_answers(response, consultation)
    if problems:
        raise DomainError(problems[0][1], field=problems[0][0])
    original.title = f"Original letter or email dated {format_date(dated)}"
    original.original = True
    original.in_working = False
    original.uploaded_by_id = actor.id
    original.uploaded_at = now
    response.attachments.append(original)
    _revise(response, "entered from a letter", actor, now)
    audit.record(
        action="letter_response_entered",
        summary=f"{actor.full_name} entered {authority.name}'s response to "
        f"{consultation.reference} from a letter dated {format_date(dated)}",
        actor=actor,
        subject=response,
    )
    return response


def confirm_letter_response(*, response: Response, actor: User) -> Response:
    """A second, different member of the secretariat checks the entry
    against the original: it then becomes the authority's signed-off
    response and counts, and its leader is told (``letter_response_confirmed``)."""
    _require_secretariat(actor)
    if not response.awaiting_confirmation:
        raise DomainError("This response is not waiting to be confirmed")
    if response.entered_by_id == actor.id:
        raise DomainError(
            "You entered this response, so another member of the secretariat must confirm it",
            field="submit",
        )
    _letter_consultation_open(response.consultation)
    now = now_utc()
    authority = response.authority
    dated = response.letter_dated or london_date(now)
    answered = list(response.answers)
    control = authority.control_on(dated)
    with _first_write_wins(response.consultation, authority):
        response.status = ResponseStatus.SUBMITTED
        response.submitted_position = response.overall_position
        response.submitted_comment = response.overall_comment
        for answer in answered:
            answer.sign_off()
        response.submitted_at = now
        response.submitted_by_id = actor.id
        response.submission_count += 1
        response.control_at_submission = control.control.value if control else None
        response.confirmed_at = now
        response.confirmed_by_id = actor.id
        response.updated_by_id = actor.id
        response.updated_at = now
        _revise(response, "confirmed from the letter", actor, now)
    signals.letter_response_confirmed.send(response, actor=actor)
    return response


def discard_letter_response(*, response: Response, actor: User) -> None:
    """Discard an entry from a letter that is wrong, before it is confirmed
    (it never counted): the authority can then respond, or the letter be
    entered again. The audit event keeps what it said; the trail keeps every
    field of the rows removed."""
    _require_secretariat(actor)
    if not response.awaiting_confirmation:
        raise DomainError(
            "Only a response waiting to be confirmed can be discarded. Once confirmed, "
            "the council's leader can withdraw it"
        )
    consultation, authority = response.consultation, response.authority
    audit.record(
        action="letter_response_discarded",
        summary=f"{actor.full_name} discarded the response to {consultation.reference} "
        f"entered from {authority.name}'s letter dated "
        f"{format_date(response.letter_dated) if response.letter_dated else 'unknown'}",
        actor=actor,
        subject=response,
        details={"entered": dict(snapshot(response)), "entered_by_id": response.entered_by_id},
    )
    db.session.delete(response)
    db.session.flush()


def withdraw_letter_response(
    *, consultation: Consultation, authority: Authority, actor: User
) -> Response:
    """The authority's leader (or whoever signs off for it) withdraws the
    response the secretariat entered from its letter, before the deadline:
    it stops counting. Its answers stay as the working copy, a draft the
    council can change and sign off as its own, and every revision is kept."""
    if not capacity(actor, authority).can_submit:
        raise DomainError(
            "Only the leader or mayor, or a deputy with delegated sign-off, can withdraw it"
        )
    now = now_utc()
    _check_window(consultation, authority, now)
    response = response_for(consultation, authority)
    if response is None or not response.from_letter or response.confirmed_at is None:
        raise DomainError("There is no confirmed response from a letter to withdraw")
    answered = list(response.answers)
    attachments = list(response.attachments)
    with _first_write_wins(consultation, authority):
        response.status = ResponseStatus.DRAFT
        response.channel = Channel.ONLINE
        response.submitted_position = None
        response.submitted_comment = None
        for answer in answered:
            answer.withdraw()
        for attachment in attachments:
            attachment.in_submitted = False
        response.submitted_at = None
        response.submitted_by_id = None
        response.submission_count = 0
        response.control_at_submission = None
        response.updated_by_id = actor.id
        response.updated_at = now
        _revise(response, "letter withdrawn", actor, now)
    audit.record(
        action="letter_response_withdrawn",
        summary=f"{actor.full_name} withdrew the response to {consultation.reference} the "
        f"secretariat entered from {authority.name}'s letter",
        actor=actor,
        subject=response,
    )
    return response


def letter_responses(consultation: Consultation) -> list[Response]:
    """Responses entered from letters (still standing as such), for the
    consultation page: one statement, with who entered and confirmed them."""
    return list(
        db.session.execute(
            select(Response)
            .where(Response.consultation_id == consultation.id, Response.channel == Channel.LETTER)
            .options(
                selectinload(Response.authority),
                selectinload(Response.entered_by),
                selectinload(Response.confirmed_by),
            )
            .join(Authority, Authority.id == Response.authority_id)
            .order_by(Authority.name)
        ).scalars()
    )
