"""What the index holds for each record, and who may find it.

Records are indexed by *root*: a change to a meeting, one of its items,
papers, minutes, decisions or actions rebuilds the meeting's documents; a
consultation brings its questions, documents, summary and reply; a response
its own. Each document's audience copies the rule of the page its result
links to (the rule named beside each builder), so a person finds exactly
what they could open:

- a meeting: public unless a draft (``policy.can_see_meeting``);
- an agenda item: once the agenda is public, or for the secretariat; a
  confidential item only for people on the Commission (``policy.can_see_item``);
- a paper: ``policy.can_download_paper`` (a superseded paper is listed only
  to people on the Commission, ``policy.papers_listed``);
- minutes and decisions: public once the chair approves them (decisions of
  a confidential item for people on the Commission); drafts for the
  secretariat and the chair (``minutes.views.show_minutes``);
- an action: any signed-in person; one of a confidential item only people on
  the Commission (``minutes.views.show_action``);
- a consultation and its documents: public unless a draft;
- the summary and the comments in submitted responses: public once a
  summary is published, before that ``summaries.policy.can_see_live``;
- the government's reply: public once published, before that
  ``summaries.services.can_write_reply``;
- a response as drafted: ``consultations.services.capacity`` (its
  authority's people and the secretariat);
- authorities, and leaders and mayors while they hold office: public.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from commission.auth.models import Appointment, User
from commission.auth.roles import Role
from commission.consultations.models import (
    Answer,
    Consultation,
    ConsultationDocument,
    ConsultationStatus,
    Response,
)
from commission.extensions import db
from commission.meetings.models import AgendaItem, Meeting, Paper
from commission.membership.models import Authority
from commission.minutes.models import Action, Decision, Minutes
from commission.search.extract import file_text as extract
from commission.search.models import Audience, FileText, Kind
from commission.storage import storage
from commission.summaries.models import GovernmentReply, SummarySnapshot
from commission.timeutil import format_date, london_date

TITLE_LIMIT = 500
BODY_LIMIT = 300_000
# The highlight's markers (search/queries.py) and control characters never
# come from stored text.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ue000\ue001]")


_SESSION: ContextVar[Session | None] = ContextVar("search_session", default=None)


def session() -> Session:
    """The session whose flush is being indexed (else the app's)."""
    current = _SESSION.get()
    return current if current is not None else db.session()


@contextmanager
def using(target: Session) -> Iterator[None]:
    token = _SESSION.set(target)
    try:
        yield
    finally:
        _SESSION.reset(token)


@dataclass(frozen=True)
class Doc:
    root: str
    kind: Kind
    record_id: int
    title: str
    body: str
    url: str
    audience: Audience
    happened_on: date | None = None
    context: str | None = None
    department_id: int | None = None
    authority_id: int | None = None
    office_id: int | None = None
    visible_from: date | None = None
    visible_to: date | None = None

    def row(self) -> dict[str, Any]:
        # As ``dataclasses.asdict`` gives, without its deep copies (every
        # value here is plain), which a rebuild of the whole index would feel.
        values = {name: getattr(self, name) for name in _DOC_FIELDS}
        values["title"] = clean(self.title)[:TITLE_LIMIT]
        values["body"] = clean(self.body)[:BODY_LIMIT]
        values["context"] = clean(self.context)[:500] if self.context else None
        values["digest"] = hashlib.sha256(
            json.dumps(values, default=str, sort_keys=True).encode()
        ).hexdigest()
        return values


_DOC_FIELDS = tuple(item.name for item in fields(Doc))


def clean(text: str | None) -> str:
    return _UNWANTED.sub(" ", text or "")


def _join(*parts: str | None) -> str:
    return "\n".join(part for part in parts if part)


def path(endpoint: str, **values: Any) -> str:
    """The address of a page, without a request (a flush may happen outside one)."""
    adapter = current_app.url_map.bind("localhost")
    built: str = adapter.build(endpoint, values)
    return built


def file_text(checksum: str, storage_key: str, content_type: str) -> str:
    """The text of an uploaded file, read once and kept by its checksum."""
    kept = (
        session()
        .execute(select(FileText.text).where(FileText.checksum == checksum))
        .scalar_one_or_none()
    )
    if kept is not None:
        return kept
    try:
        data = storage().read(storage_key)
    except (FileNotFoundError, OSError):
        return ""
    text = clean(extract(data, content_type))
    dialect = session().get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session().connection().execute(
        insert(FileText)
        .values(checksum=checksum, text=text)
        .on_conflict_do_nothing(index_elements=["checksum"])
    )
    return text


# Meetings -------------------------------------------------------------------------


def meeting_documents(meeting_id: int) -> list[Doc]:
    meeting = (
        session()
        .execute(
            select(Meeting)
            .where(Meeting.id == meeting_id)
            .options(selectinload(Meeting.items).selectinload(AgendaItem.papers))
            .execution_options(populate_existing=True)
        )
        .scalar_one_or_none()
    )
    if meeting is None:
        return []
    root = f"meeting:{meeting.id}"
    day = london_date(meeting.starts_at)
    where = f"{meeting.title}, {format_date(meeting.starts_at, weekday=True)}"
    meeting_url = path("meetings.show_meeting", slug=meeting.slug)
    docs = [
        Doc(
            root=root,
            kind=Kind.MEETING,
            record_id=meeting.id,
            title=where,
            body=_join(meeting.venue, meeting.status.label, meeting.status_reason),
            url=meeting_url,
            audience=Audience.PUBLIC if meeting.is_public else Audience.SECRETARIAT,
            happened_on=day,
        )
    ]
    for item in meeting.items:
        docs.extend(_item_documents(root, meeting, item, day, where, meeting_url))
    docs.extend(_record_documents(root, meeting, day, where))
    return docs


def _item_audience(meeting: Meeting, item: AgendaItem) -> Audience:
    if not meeting.agenda_is_public:
        return Audience.SECRETARIAT
    return Audience.MEMBERS if item.confidential else Audience.PUBLIC


def _paper_audience(meeting: Meeting, item: AgendaItem, paper: Paper) -> Audience:
    if not meeting.agenda_is_public:
        return Audience.SECRETARIAT
    if paper.public and not item.confidential and not paper.superseded:
        return Audience.PUBLIC
    return Audience.MEMBERS


def _item_documents(
    root: str, meeting: Meeting, item: AgendaItem, day: date, where: str, meeting_url: str
) -> Iterable[Doc]:
    yield Doc(
        root=root,
        kind=Kind.AGENDA_ITEM,
        record_id=item.id,
        title=item.title,
        body=_join(item.kind.label, item.presenter, item.description),
        url=meeting_url,
        audience=_item_audience(meeting, item),
        happened_on=day,
        context=where,
    )
    for paper in item.papers:
        yield Doc(
            root=root,
            kind=Kind.PAPER,
            record_id=paper.id,
            title=paper.title,
            body=_join(
                paper.filename, file_text(paper.checksum, paper.storage_key, paper.content_type)
            ),
            url=path("meetings.download_paper", paper_id=paper.id, filename=paper.filename),
            audience=_paper_audience(meeting, item, paper),
            happened_on=day,
            context=f"{where}: {item.title}" if not item.confidential else where,
        )


def _record_documents(root: str, meeting: Meeting, day: date, where: str) -> Iterable[Doc]:
    minutes = (
        session()
        .execute(
            select(Minutes)
            .where(Minutes.meeting_id == meeting.id)
            .options(selectinload(Minutes.items), selectinload(Minutes.corrections))
            .execution_options(populate_existing=True)
        )
        .scalar_one_or_none()
    )
    approved = minutes is not None and minutes.published
    minutes_url = path("minutes.show_minutes", slug=meeting.slug)
    confidential = {item.id for item in meeting.items if item.confidential}
    if minutes is not None:
        yield from _minutes_documents(root, meeting, minutes, day, where, minutes_url)
    for decision in (
        session()
        .execute(
            select(Decision)
            .where(Decision.meeting_id == meeting.id)
            .execution_options(populate_existing=True)
        )
        .scalars()
    ):
        if not approved:
            audience = Audience.MINUTES_READERS
        elif decision.agenda_item_id in confidential:
            audience = Audience.MEMBERS
        else:
            audience = Audience.PUBLIC
        yield Doc(
            root=root,
            kind=Kind.DECISION,
            record_id=decision.id,
            title=f"Decision {decision.reference}",
            body=decision.text,
            url=minutes_url,
            audience=audience,
            happened_on=day,
            context=where,
        )
    for action in (
        session()
        .execute(
            select(Action)
            .where(Action.meeting_id == meeting.id)
            .execution_options(populate_existing=True)
        )
        .scalars()
    ):
        yield Doc(
            root=root,
            kind=Kind.ACTION,
            record_id=action.id,
            title=f"Action {action.reference}",
            body=_join(action.text, action.owner_name),
            url=path("minutes.show_action", action_id=action.id),
            audience=Audience.MEMBERS
            if action.agenda_item_id in confidential
            else Audience.SIGNED_IN,
            happened_on=day,
            context=where,
            department_id=action.owner_department_id,
            authority_id=action.owner_authority_id,
        )


def _minutes_documents(
    root: str, meeting: Meeting, minutes: Minutes, day: date, where: str, url: str
) -> Iterable[Doc]:
    """Draft minutes are one document for their readers. Approved minutes
    are public, except the discussion of a confidential item, which the
    minutes page shows only to people on the Commission: that is a second
    document, for them."""
    titles = {item.id: item.title for item in meeting.items}
    confidential = {item.id for item in meeting.items if item.confidential}

    def discussions(secret: bool) -> list[str]:
        return [
            _join(titles.get(entry.agenda_item_id), entry.discussion)
            for entry in minutes.items
            if (entry.agenda_item_id in confidential) is secret and entry.discussion
        ]

    common: dict[str, Any] = {
        "root": root,
        "kind": Kind.MINUTES,
        "record_id": minutes.id,
        "title": f"Minutes: {where}",
        "url": url,
        "happened_on": day,
    }
    corrections = [correction.text for correction in minutes.corrections]
    if not minutes.published:
        yield Doc(
            **common,
            body=_join(minutes.introduction, *discussions(False), *discussions(True), *corrections),
            audience=Audience.MINUTES_READERS,
        )
        return
    yield Doc(
        **common,
        body=_join(minutes.introduction, *discussions(False), *corrections),
        audience=Audience.PUBLIC,
    )
    secret = discussions(True)
    if secret:
        yield Doc(**common, body=_join(*secret), audience=Audience.MEMBERS)


# Consultations --------------------------------------------------------------------


def _published(consultation_id: int) -> SummarySnapshot | None:
    return (
        session()
        .execute(
            select(SummarySnapshot)
            .where(
                SummarySnapshot.consultation_id == consultation_id,
                SummarySnapshot.published.is_(True),
            )
            .order_by(SummarySnapshot.created_at.desc(), SummarySnapshot.id.desc())
            .limit(1)
        )
        .scalar_one_or_none()
    )


def consultation_documents(consultation_id: int) -> list[Doc]:
    consultation = (
        session()
        .execute(
            select(Consultation)
            .where(Consultation.id == consultation_id)
            .options(selectinload(Consultation.questions), selectinload(Consultation.documents))
            .execution_options(populate_existing=True)
        )
        .scalar_one_or_none()
    )
    if consultation is None:
        return []
    root = f"consultation:{consultation.id}"
    draft = consultation.status is ConsultationStatus.DRAFT
    audience = Audience.SECRETARIAT if draft else Audience.PUBLIC
    where = f"{consultation.reference}: {consultation.title}"
    opened = london_date(consultation.opens_at)
    common: dict[str, Any] = {"root": root, "department_id": consultation.department_id}
    docs = [
        Doc(
            **common,
            kind=Kind.CONSULTATION,
            record_id=consultation.id,
            title=consultation.title,
            body=_join(
                consultation.reference,
                consultation.summary,
                consultation.stage.label,
                *(_join(q.text, q.hint) for q in consultation.questions),
            ),
            url=path("consultations.show_consultation", reference=consultation.reference),
            audience=audience,
            happened_on=opened,
            context=consultation.reference,
        )
    ]
    for document in consultation.documents:
        docs.append(_consultation_document(root, consultation, document, audience, where))
    published = _published(consultation.id)
    docs.append(
        Doc(
            **common,
            kind=Kind.SUMMARY,
            record_id=consultation.id,
            title=f"Summary of positions: {consultation.title}",
            body=_join(
                consultation.reference,
                *(
                    theme["tag"]
                    for theme in (published.data.get("themes", []) if published else [])
                ),
            ),
            url=path("summaries.show_summary", reference=consultation.reference),
            audience=Audience.PUBLIC if published else Audience.SUMMARY_READERS,
            happened_on=london_date(published.created_at) if published else opened,
            context=consultation.reference,
        )
    )
    reply = (
        session()
        .execute(
            select(GovernmentReply)
            .where(GovernmentReply.consultation_id == consultation.id)
            .execution_options(populate_existing=True)
        )
        .scalar_one_or_none()
    )
    if reply is not None and (reply.overall or reply.per_question):
        by_id = {str(q.id): q.text for q in consultation.questions}
        docs.append(
            Doc(
                **common,
                kind=Kind.GOVERNMENT_REPLY,
                record_id=reply.id,
                title=f"Government reply: {consultation.title}",
                body=_join(
                    reply.overall,
                    *(
                        _join(by_id.get(key), text)
                        for key, text in sorted((reply.per_question or {}).items())
                    ),
                ),
                url=path("consultations.show_consultation", reference=consultation.reference)
                if reply.published_at
                else path("summaries.edit_reply", reference=consultation.reference),
                audience=Audience.PUBLIC if reply.published_at else Audience.REPLY_WRITERS,
                happened_on=london_date(reply.published_at or reply.updated_at),
                context=consultation.reference,
                office_id=consultation.lead_office_id,
            )
        )
    return docs


def _consultation_document(
    root: str,
    consultation: Consultation,
    document: ConsultationDocument,
    audience: Audience,
    where: str,
) -> Doc:
    return Doc(
        root=root,
        kind=Kind.CONSULTATION_DOCUMENT,
        record_id=document.id,
        title=document.title,
        body=_join(
            document.filename,
            file_text(document.checksum, document.storage_key, document.content_type),
        ),
        url=path(
            "consultations.download_document", document_id=document.id, filename=document.filename
        ),
        audience=audience,
        happened_on=london_date(document.uploaded_at),
        context=where,
        department_id=consultation.department_id,
    )


def response_documents(response_ids: Collection[int]) -> dict[int, list[Doc]]:
    """The documents of several responses at once, in three statements
    however many (responses are most of the index: a rebuild reads them a
    thousand at a time). Only the answers with a comment are read."""
    if not response_ids:
        return {}
    wanted = sorted(response_ids)
    responses = (
        session()
        .execute(
            select(
                Response.id,
                Response.overall_comment,
                Response.submitted_comment,
                Response.submitted_at,
                Response.updated_at,
                Consultation.id,
                Consultation.reference,
                Consultation.title,
                Consultation.department_id,
                Authority.id,
                Authority.name,
                Authority.slug,
            )
            .join(Consultation, Consultation.id == Response.consultation_id)
            .join(Authority, Authority.id == Response.authority_id)
            .where(Response.id.in_(wanted))
        )
        .all()
    )
    comments: dict[int, list[tuple[str | None, str | None]]] = {}
    for response_id, comment, submitted_comment in session().execute(
        select(Answer.response_id, Answer.comment, Answer.submitted_comment)
        .where(
            Answer.response_id.in_(wanted),
            or_(Answer.comment.is_not(None), Answer.submitted_comment.is_not(None)),
        )
        .order_by(Answer.response_id, Answer.id)
    ):
        comments.setdefault(response_id, []).append((comment, submitted_comment))
    published = set(
        session()
        .execute(
            select(SummarySnapshot.consultation_id)
            .where(
                SummarySnapshot.consultation_id.in_({row[5] for row in responses}),
                SummarySnapshot.published.is_(True),
            )
            .distinct()
        )
        .scalars()
    )
    found: dict[int, list[Doc]] = {key: [] for key in wanted}
    for (
        response_id,
        overall_comment,
        submitted_comment,
        submitted_at,
        updated_at,
        consultation_id,
        reference,
        consultation_title,
        department_id,
        authority_id,
        authority_name,
        authority_slug,
    ) in responses:
        answers = comments.get(response_id, [])
        common: dict[str, Any] = {
            "root": f"response:{response_id}",
            "record_id": response_id,
            "department_id": department_id,
            "authority_id": authority_id,
            "context": f"{reference}: {consultation_title}",
        }
        docs = found[response_id]
        docs.append(
            Doc(
                **common,
                kind=Kind.RESPONSE,
                title=f"{authority_name}: response to {consultation_title}",
                body=_join(
                    overall_comment,
                    *(comment for comment, _ in answers),
                    submitted_comment,
                    *(submitted for _, submitted in answers),
                ),
                url=path("consultations.respond", reference=reference, slug=authority_slug),
                audience=Audience.AUTHORITY,
                happened_on=london_date(updated_at),
            )
        )
        if submitted_at is not None:
            docs.append(
                Doc(
                    **common,
                    kind=Kind.COMMENT,
                    title=f"{authority_name}: comments on {consultation_title}",
                    body=_join(*(submitted for _, submitted in answers)),
                    url=path("summaries.list_comments", reference=reference),
                    audience=Audience.PUBLIC
                    if consultation_id in published
                    else Audience.SUMMARY_READERS,
                    happened_on=london_date(submitted_at),
                )
            )
    return found


def consultation_response_ids(consultation_id: int) -> list[int]:
    return list(
        session()
        .execute(select(Response.id).where(Response.consultation_id == consultation_id))
        .scalars()
    )


# Authorities and people -----------------------------------------------------------


def authority_documents(authority_id: int) -> list[Doc]:
    authority = (
        session()
        .execute(
            select(Authority)
            .where(Authority.id == authority_id)
            .execution_options(populate_existing=True)
        )
        .scalar_one_or_none()
    )
    if authority is None:
        return []
    return [
        Doc(
            root=f"authority:{authority.id}",
            kind=Kind.AUTHORITY,
            record_id=authority.id,
            title=authority.name,
            body=_join(
                authority.kind.label,
                authority.region.label,
                authority.gss_code,
            ),
            url=path("authorities.show_authority", slug=authority.slug),
            audience=Audience.PUBLIC,
            authority_id=authority.id,
        )
    ]


PUBLIC_OFFICES = (Role.LEADER, Role.MAYOR)


def person_documents(user_id: int) -> list[Doc]:
    """A leader or mayor is shown on their authority's page while in office."""
    user = (
        session()
        .execute(select(User).where(User.id == user_id).execution_options(populate_existing=True))
        .scalar_one_or_none()
    )
    if user is None:
        return []
    appointments = (
        session()
        .execute(
            select(Appointment)
            .where(Appointment.user_id == user.id, Appointment.role.in_(PUBLIC_OFFICES))
            .execution_options(populate_existing=True)
        )
        .scalars()
    )
    docs = []
    for appointment in appointments:
        authority = appointment.authority
        if authority is None:
            continue
        docs.append(
            Doc(
                root=f"person:{user.id}",
                kind=Kind.PERSON,
                record_id=appointment.id,
                title=user.full_name,
                body=f"{appointment.role.label}, {authority.name}",
                url=path("authorities.show_authority", slug=authority.slug),
                audience=Audience.PUBLIC,
                happened_on=appointment.starts_on,
                authority_id=authority.id,
                visible_from=appointment.starts_on,
                visible_to=appointment.ends_on,
            )
        )
    return docs


# One root at a time; responses, the most numerous, go in batches.
BUILDERS = {
    "meeting": meeting_documents,
    "consultation": consultation_documents,
    "authority": authority_documents,
    "person": person_documents,
}


def documents_for(roots: Iterable[str]) -> dict[str, list[Doc]]:
    """Each root's documents (an empty list for a record no longer there)."""
    found: dict[str, list[Doc]] = {}
    responses: list[int] = []
    for root in roots:
        kind, _, key = root.partition(":")
        if kind == "response":
            responses.append(int(key))
        else:
            found[root] = BUILDERS[kind](int(key))
    for response_id, docs in response_documents(responses).items():
        found[f"response:{response_id}"] = docs
    return found


def every_root() -> Iterable[str]:
    """Every root there is, for a rebuild of the whole index."""
    for name, model in (
        ("meeting", Meeting),
        ("consultation", Consultation),
        ("response", Response),
        ("authority", Authority),
    ):
        for key in session().execute(select(model.id).order_by(model.id)).scalars():
            yield f"{name}:{key}"
    for key in (
        session()
        .execute(
            select(Appointment.user_id)
            .where(Appointment.role.in_(PUBLIC_OFFICES))
            .distinct()
            .order_by(Appointment.user_id)
        )
        .scalars()
    ):
        yield f"person:{key}"
