"""Reading consultations for the pages, and the loader that answers 404 for a
consultation that is not there or that the viewer may not see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, NamedTuple, cast

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from commission import access
from commission.consultations import policy as consultation_policy
from commission.consultations.models import (
    Answer,
    Consultation,
    ConsultationDocument,
    ConsultationStatus,
    Extension,
    Question,
    QuestionOption,
    QuestionSection,
    Response,
    ResponseAttachment,
    awaits_confirmation,
)
from commission.consultations.services import Capacity, capacity, response_for
from commission.extensions import db
from commission.membership.models import Authority
from commission.membership.queries import is_member_expression, load_authority_by_slug
from commission.timeutil import london_date


class Parts(Enum):
    """How much of a consultation ``load_consultation`` reads with it."""

    # Its department and lead minister (in the same statement, one row
    # each), its questions with their options, its sections and documents:
    # what its pages show.
    WHOLE = "whole"
    # Its lead minister and its questions' numbers and text, in two
    # statements: for a page that shows no more of it (the comments on its
    # summary), where the options, sections, documents and department would
    # be read for nothing.
    QUESTIONS = "questions"
    # Its department and lead minister only, in one statement: for a
    # download served from the cache, which shows nothing else of it until
    # the file has to be made (``load_whole``).
    OWN = "own"


_OWN = (joinedload(Consultation.department), joinedload(Consultation.lead_office))
_PARTS = {
    Parts.WHOLE: _OWN,
    Parts.QUESTIONS: (joinedload(Consultation.lead_office), selectinload(Consultation.questions)),
    Parts.OWN: _OWN,
}


def _holds(model: Any) -> ColumnElement[bool]:
    """Whether the consultation has any ``model`` (sections, documents)."""
    return exists().where(model.consultation_id == Consultation.id)


# Read with the consultation: whether it has sections, documents and
# question options (only a choice or ranking question has any). Most have
# none of some: a collection it does not have is set empty, not asked for.
_HOLDS = (
    _holds(QuestionSection).label("has_sections"),
    _holds(ConsultationDocument).label("has_documents"),
    exists()
    .where(QuestionOption.question_id == Question.id, Question.consultation_id == Consultation.id)
    .label("has_options"),
)


def load_consultation(reference: str, *, parts: Parts = Parts.WHOLE) -> Consultation:
    """The consultation with this reference and what its pages show
    (``parts``: the whole of it unless asked for less); 404 if there is
    none, or if it is a draft and the viewer is not the secretariat."""
    whole = parts is Parts.WHOLE
    row = db.session.execute(
        select(Consultation, *(_HOLDS if whole else ()))
        .where(Consultation.reference == reference)
        .options(*_PARTS[parts])
    ).one_or_none()
    if row is None or not consultation_policy.can_see(row[0]):
        abort(404)
    if whole:
        _fill(row[0], *row[1:])
    return cast(Consultation, row[0])


def load_whole(consultation: Consultation) -> Consultation:
    """A consultation loaded with less (``Parts.OWN``) read whole, as
    ``load_consultation`` reads it, when it turns out to need everything (a
    file to make, live figures): its questions and their options are read
    at once, never one question at a time."""
    holds = db.session.execute(
        select(*_HOLDS).select_from(Consultation).where(Consultation.id == consultation.id)
    ).one()
    _fill(consultation, *holds)
    return consultation


def _in_order(relationship: Any, *conditions: ColumnElement[bool]) -> list[Any]:
    """The rows of a one-to-many ``relationship`` meeting ``conditions``, in
    the relationship's own order."""
    known = relationship.property
    return list(
        db.session.execute(
            select(known.mapper.class_).where(*conditions).order_by(*known.order_by)
        ).scalars()
    )


def _fill(
    consultation: Consultation, has_sections: bool, has_documents: bool, has_options: bool
) -> None:
    """The consultation's questions with their options, its sections and its
    documents, each collection in one statement (as ``selectinload`` reads
    them) and only if it has any: one it does not have is set empty without
    asking. Set as loaded (``set_committed_value``), so they are tracked as
    if read through the relationships."""
    questions = _in_order(Consultation.questions, Question.consultation_id == consultation.id)
    options: dict[int, list[QuestionOption]] = {question.id: [] for question in questions}
    if has_options:
        for option in _in_order(Question.options, QuestionOption.question_id.in_(list(options))):
            options[option.question_id].append(option)
    for question in questions:
        set_committed_value(question, "options", options[question.id])
    set_committed_value(consultation, "questions", questions)
    for name, present, model in (
        ("sections", has_sections, QuestionSection),
        ("documents", has_documents, ConsultationDocument),
    ):
        relationship = getattr(Consultation, name)
        found = _in_order(relationship, model.consultation_id == consultation.id) if present else []
        set_committed_value(consultation, name, found)


def load_document(document_id: int) -> ConsultationDocument:
    """A consultation's document, or 404 (a draft's, to all but the secretariat)."""
    document = db.session.get(ConsultationDocument, document_id)
    if document is None or not consultation_policy.can_see(document.consultation):
        abort(404)
    return document


def load_responding(reference: str, slug: str) -> tuple[Consultation, Authority, Capacity]:
    """The consultation, the authority and what the person may do with its
    response: 404 for either missing, 403 for someone who may not read the
    authority's response, and 404 for a draft, which takes no responses."""
    consultation = load_consultation(reference)
    authority = load_authority_by_slug(slug)
    held = capacity(current_user, authority)
    access.require(held.can_view)
    if not consultation_policy.takes_responses(consultation):
        abort(404)
    return consultation, authority, held


def load_attachment(response: Response | None, attachment_id: int) -> ResponseAttachment:
    """The response's attachment, or 404: an id from another response is not found."""
    attachment = db.session.get(ResponseAttachment, attachment_id)
    if response is None or attachment is None or attachment.response_id != response.id:
        abort(404)
    return attachment


def load_answer(consultation: Consultation, answer_id: int) -> Answer:
    """An answer in one of the consultation's responses, or 404: an id from
    another consultation is not found."""
    answer = db.session.get(Answer, answer_id)
    if answer is None or answer.response.consultation_id != consultation.id:
        abort(404)
    return answer


def load_letter_response(
    reference: str, slug: str, *, awaiting: bool
) -> tuple[Consultation, Authority, Response]:
    """An authority's response entered from a letter (only one still awaiting
    confirmation if ``awaiting``), or not found."""
    consultation = load_consultation(reference)
    authority = load_authority_by_slug(slug)
    response = response_for(consultation, authority)
    if response is None or not (
        response.awaiting_confirmation if awaiting else response.from_letter
    ):
        abort(404)
    return consultation, authority, response


def question_of(consultation: Consultation, question_id: int) -> Question:
    """One of the consultation's questions (already loaded with it), or 404."""
    question = next((q for q in consultation.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


Pair = tuple[int, int]


def responses_and_extensions(
    consultation_ids: list[int], authority_ids: list[int]
) -> tuple[dict[Pair, Response], dict[Pair, Extension]]:
    """Each authority's response to, and extension for, each consultation,
    keyed by (consultation id, authority id), in two statements whatever
    the numbers."""
    if not consultation_ids or not authority_ids:
        return {}, {}
    responses = {
        (r.consultation_id, r.authority_id): r
        for r in db.session.execute(
            select(Response).where(
                Response.consultation_id.in_(consultation_ids),
                Response.authority_id.in_(authority_ids),
            )
        ).scalars()
    }
    extensions = {
        (e.consultation_id, e.authority_id): e
        for e in db.session.execute(
            select(Extension).where(
                Extension.consultation_id.in_(consultation_ids),
                Extension.authority_id.in_(authority_ids),
            )
        ).scalars()
    }
    return responses, extensions


@dataclass(frozen=True)
class GrantedExtension:
    """An extension as the extensions page lists it."""

    authority_name: str
    closes_at: datetime
    reason: str


def extensions_granted(consultation: Consultation) -> list[GrantedExtension]:
    """The consultation's extensions, in the order they were first granted,
    with each authority's name read in the same statement: the page shows
    nothing else of the authority."""
    rows = db.session.execute(
        select(Authority.name, Extension.closes_at, Extension.reason)
        .join(Authority, Authority.id == Extension.authority_id)
        .where(Extension.consultation_id == consultation.id)
        .order_by(Extension.id)
    )
    return [GrantedExtension(name, closes_at, reason) for name, closes_at, reason in rows]


# Who has responded, and who is still awaited ---------------------------------------------


class Member(NamedTuple):
    """A member authority as the reminders name it."""

    id: int
    name: str
    slug: str


@dataclass(frozen=True)
class Awaited:
    """A member authority that has not submitted a position and still can."""

    authority: Member
    deadline: datetime  # its own: the closing time, or its extension's
    extended: bool
    drafting: bool  # it has a draft


@dataclass(frozen=True)
class Coverage:
    """How far a consultation's responses have got among today's members."""

    consultation: Consultation
    members: int
    submitted: int
    drafts: int  # drafts not yet submitted, whatever their deadline
    awaited: list[Awaited]

    @property
    def submitted_percent(self) -> int:
        return percent(self.submitted, self.members)


def percent(part: int, whole: int) -> int:
    """A whole-number percentage (0 of nothing is 0%)."""
    return round(100 * part / whole) if whole else 0


def coverage(consultations: Sequence[Consultation], now: datetime) -> dict[int, Coverage]:
    """Each consultation's coverage among the authorities that are members on
    ``now``'s London date, with the authorities awaited (in name order): those
    that have not submitted and whose own deadline (an extension counts) is
    still ahead (one whose letter the secretariat has entered and not yet
    confirmed is neither submitted nor awaited). This is the list the
    closing reminders, the secretariat's home page and its "remind" page
    and action all use. Three statements of the few columns the rule needs,
    whatever the numbers of consultations and members."""
    if not consultations:
        return {}
    members = [
        Member(*row)
        for row in db.session.execute(
            select(Authority.id, Authority.name, Authority.slug)
            .where(is_member_expression(london_date(now)))
            .order_by(Authority.name, Authority.id)
        )
    ]
    ids = [c.id for c in consultations]
    member_ids = [m.id for m in members]
    found = db.session.execute(
        select(
            Response.consultation_id,
            Response.authority_id,
            Response.submitted_at,
            Response.channel,
            Response.confirmed_at,
        ).where(Response.consultation_id.in_(ids), Response.authority_id.in_(member_ids))
    )
    # Each response: whether it is submitted, and whether it waits for a
    # second member of the secretariat to confirm its letter.
    responses = {
        (consultation_id, authority_id): (
            submitted_at is not None,
            awaits_confirmation(channel, confirmed_at),
        )
        for consultation_id, authority_id, submitted_at, channel, confirmed_at in found
    }
    extended_to = {
        (consultation_id, authority_id): closes_at
        for consultation_id, authority_id, closes_at in db.session.execute(
            select(Extension.consultation_id, Extension.authority_id, Extension.closes_at).where(
                Extension.consultation_id.in_(ids), Extension.authority_id.in_(member_ids)
            )
        )
    }
    result = {}
    for consultation in consultations:
        submitted = drafts = 0
        awaited = []
        for member in members:
            key = (consultation.id, member.id)
            response = responses.get(key)
            if response is not None and response[0]:
                submitted += 1
                continue
            if response is not None and response[1]:
                # The Commission holds its letter: it counts once confirmed,
                # and the authority is not reminded to respond.
                continue
            drafts += response is not None
            deadline = consultation.deadline_until(extended_to.get(key))
            if deadline > now:
                awaited.append(
                    Awaited(
                        authority=member,
                        deadline=deadline,
                        extended=deadline > consultation.closes_at,
                        drafting=response is not None,
                    )
                )
        result[consultation.id] = Coverage(
            consultation=consultation,
            members=len(members),
            submitted=submitted,
            drafts=drafts,
            awaited=awaited,
        )
    return result


def open_at(now: datetime) -> ColumnElement[bool]:
    """In SQL, what ``policy.effective_status`` calls open at ``now``: open,
    and its closing time not yet reached."""
    return and_(Consultation.status == ConsultationStatus.OPEN, Consultation.closes_at > now)


def open_consultations(now: datetime) -> list[Consultation]:
    """Consultations open at ``now`` (as the consultations list shows them),
    soonest closing first."""
    return list(
        db.session.execute(
            select(Consultation)
            .where(open_at(now))
            .options(selectinload(Consultation.department))
            .order_by(Consultation.closes_at, Consultation.id)
        ).scalars()
    )
