"""Reading the audit log: the filtered list, a record's history, and the
words that show what a change did."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import selectinload

from commission.audit.models import AuditEvent, AuditRecord
from commission.auth.models import Appointment, User
from commission.consultations.models import (
    Answer,
    Consultation,
    ConsultationDocument,
    Extension,
    Question,
    Response,
    ResponseAttachment,
)
from commission.extensions import db
from commission.meetings.models import AgendaItem, Paper
from commission.membership.models import Authority
from commission.policies.models import Policy, PolicyStage
from commission.timeutil import format_date, london

# The kinds of record the log can be filtered by, and that have a history
# page, as people name them.
RECORD_TYPES: dict[str, str] = {
    "agenda_items": "Agenda item",
    "authorities": "Authority",
    "consultations": "Consultation",
    "meetings": "Meeting",
    "minutes": "Minutes",
    "papers": "Paper",
    "policies": "Policy",
    "questions": "Question",
    "responses": "Response",
    "users": "Person",
}


@dataclass(frozen=True)
class AuditFilter:
    """What the log is narrowed to; an empty value narrows nothing."""

    action: str = ""
    who: str = ""
    record_type: str = ""
    record_id: int | None = None
    from_day: date | None = None
    to_day: date | None = None


# The parts of a record that its history includes: a person's roles, a
# consultation's questions, documents and extensions, a response's answers,
# an agenda item's papers (the table and the column naming the whole).
PARTS: dict[str, list[tuple[str, Any]]] = {
    "users": [("appointments", Appointment.user_id)],
    "consultations": [
        ("questions", Question.consultation_id),
        ("consultation_documents", ConsultationDocument.consultation_id),
        ("extensions", Extension.consultation_id),
    ],
    "responses": [
        ("answers", Answer.response_id),
        ("response_attachments", ResponseAttachment.response_id),
    ],
    "agenda_items": [("papers", Paper.agenda_item_id)],
    "policies": [("policy_stages", PolicyStage.policy_id)],
}


def _about(record_type: str, ids: Any, keys: Any) -> ColumnElement[bool]:
    """Events whose subject is one of ``ids`` of ``record_type``, or that
    changed one of them (``keys``: the same ids as text)."""
    return or_(
        and_(AuditEvent.subject_type == record_type, AuditEvent.subject_id.in_(ids)),
        AuditEvent.id.in_(
            select(AuditRecord.event_id).where(
                AuditRecord.record_type == record_type, AuditRecord.record_key.in_(keys)
            )
        ),
    )


def touching(record_type: str, record_id: int) -> ColumnElement[bool]:
    """Events about the record (its subject) or that changed it or its parts."""
    conditions = [_about(record_type, [record_id], [str(record_id)])]
    for part_type, whole in PARTS.get(record_type, []):
        part_id = whole.class_.id
        conditions.append(
            _about(
                part_type,
                select(part_id).where(whole == record_id),
                select(cast(part_id, String)).where(whole == record_id),
            )
        )
    return or_(*conditions)


def filtered_events(wanted: AuditFilter) -> Select[AuditEvent]:
    """The events ``wanted`` picks out, unordered (the caller pages them)."""
    statement = select(AuditEvent)
    if wanted.action:
        statement = statement.where(AuditEvent.action == wanted.action)
    if wanted.who:
        people = select(User.id).where(
            or_(
                User.full_name.icontains(wanted.who, autoescape=True),
                User.email.icontains(wanted.who, autoescape=True),
            )
        )
        statement = statement.where(AuditEvent.actor_id.in_(people))
    if wanted.record_type and wanted.record_id is not None:
        statement = statement.where(touching(wanted.record_type, wanted.record_id))
    elif wanted.record_type:
        statement = statement.where(
            or_(
                AuditEvent.subject_type == wanted.record_type,
                AuditEvent.id.in_(
                    select(AuditRecord.event_id).where(
                        AuditRecord.record_type == wanted.record_type
                    )
                ),
            )
        )
    if wanted.from_day is not None:
        statement = statement.where(AuditEvent.occurred_at >= london(wanted.from_day, time()))
    if wanted.to_day is not None:
        next_day = wanted.to_day + timedelta(days=1)
        statement = statement.where(AuditEvent.occurred_at < london(next_day, time()))
    return statement


# The most records of one event a page shows: an event can change hundreds
# (a register of 331 rows, comments tagged in bulk); the download has them all.
RECORDS_SHOWN = 10


@dataclass(frozen=True)
class ShownRecords:
    """The first records an event changed, and how many it changed in all."""

    records: list[AuditRecord]
    total: int


def records_of(
    events: Iterable[AuditEvent], *, limit: int = RECORDS_SHOWN
) -> dict[int, ShownRecords]:
    """Each event's first ``limit`` records and its count of records, read in
    one statement for a page of events, whatever the number of records."""
    ids = [event.id for event in events]
    found: dict[int, list[AuditRecord]] = {event_id: [] for event_id in ids}
    totals: dict[int, int] = dict.fromkeys(ids, 0)
    if ids:
        numbered = (
            select(
                AuditRecord.id,
                func.row_number()
                .over(partition_by=AuditRecord.event_id, order_by=AuditRecord.id)
                .label("n"),
                func.count().over(partition_by=AuditRecord.event_id).label("total"),
            )
            .where(AuditRecord.event_id.in_(ids))
            .subquery()
        )
        for record, total in db.session.execute(
            select(AuditRecord, numbered.c.total)
            .join(numbered, numbered.c.id == AuditRecord.id)
            .where(numbered.c.n <= limit)
            .order_by(AuditRecord.id)
        ).tuples():
            found[record.event_id].append(record)
            totals[record.event_id] = total
    return {event_id: ShownRecords(found[event_id], totals[event_id]) for event_id in ids}


def with_records() -> Any:
    """Loader option: an event's records with it (for the CSV)."""
    return selectinload(AuditEvent.records)


def field_label(name: str) -> str:
    """``duration_minutes`` as a person reads it: "Duration minutes"."""
    return name.removesuffix("_id").replace("_", " ").capitalize()


# The most of one value a page shows (the CSV keeps what the trail kept): a
# published summary's figures are thousands of characters of JSON.
SHOWN_LIMIT = 160


def shown_value(value: Any, limit: int | None = None) -> str:
    if value is None:
        return "(none)"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    text = str(value)
    if limit is not None and len(text) > limit:
        return f"{text[: limit - 1]}… ({len(text):,} characters, in the download)"
    return text


def describe(record: AuditRecord) -> str:
    """One line for a CSV cell: what happened to the record and its fields."""
    kind = RECORD_TYPES.get(record.record_type, record.record_type)
    head = f"{kind} {record.record_key} {record.operation}"
    if not record.fields:
        return head
    parts = []
    for name, old, new in record.changes:
        if old is None and new is None:
            parts.append(f"{field_label(name)} (a secret, not shown)")
        elif record.operation == "added":
            parts.append(f"{field_label(name)}: {shown_value(new)}")
        elif record.operation == "removed":
            parts.append(f"{field_label(name)} was {shown_value(old)}")
        else:
            parts.append(f"{field_label(name)}: {shown_value(old)} → {shown_value(new)}")
    return f"{head}: " + "; ".join(parts)


def record_name(record_type: str, record_id: int) -> tuple[str, tuple[str, dict[str, Any]] | None]:
    """How the record is named on its history page, and the page where it is
    seen (None once it no longer exists, or for a kind without its own page)."""
    kind = RECORD_TYPES.get(record_type, record_type)
    if record_type == "agenda_items":
        item = db.session.get(AgendaItem, record_id)
        if item is not None:
            return (
                f"{kind} “{item.title}” ({format_date(item.meeting.starts_at)})",
                ("meetings.edit_agenda", {"slug": item.meeting.slug}),
            )
    elif record_type == "consultations":
        consultation = db.session.get(Consultation, record_id)
        if consultation is not None:
            return (
                f"{consultation.reference}: {consultation.title}",
                ("consultations.show_consultation", {"reference": consultation.reference}),
            )
    elif record_type == "responses":
        response = db.session.get(Response, record_id)
        if response is not None:
            return (
                f"{response.authority.name}'s response to {response.consultation.reference}",
                (
                    "consultations.response_history",
                    {
                        "reference": response.consultation.reference,
                        "slug": response.authority.slug,
                    },
                ),
            )
    elif record_type == "policies":
        policy = db.session.get(Policy, record_id)
        if policy is not None:
            return policy.name, ("policies.show_policy", {"slug": policy.slug})
    elif record_type == "users":
        person = db.session.get(User, record_id)
        if person is not None:
            return person.full_name, ("people.show_person", {"user_id": person.id})
    elif record_type == "authorities":
        authority = db.session.get(Authority, record_id)
        if authority is not None:
            return authority.name, ("authorities.show_authority", {"slug": authority.slug})
    return f"{kind} {record_id}", None
