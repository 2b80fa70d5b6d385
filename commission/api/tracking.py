"""When each resource of the API last changed.

As the session flushes, every record the API shows is mapped to the resource
it appears in (an agenda item to its meeting, a question to its
consultation, a change of control to its authority) and that resource's
``ResourceChange`` row is set to now. It sees every change made through the
session's objects, by any service, the seeding and the demo alike; a bulk
statement or a change made by hand in the database is not seen (as with the
change counter, ``commission.changes``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from commission.api.models import ResourceChange, ResourceKind
from commission.auth.models import Appointment
from commission.consultations.models import Consultation, ConsultationDocument, Question
from commission.meetings.models import AgendaChange, AgendaItem, Meeting, Paper
from commission.membership.models import Authority, Membership, PoliticalControl
from commission.minutes.models import Action, Correction, Decision, MinuteItem, Minutes
from commission.summaries.models import GovernmentReply, SummarySnapshot
from commission.timeutil import now_utc

Key = tuple[ResourceKind, int]


def _direct(record: Any) -> list[Key]:
    """The resources a record belongs to, read from its own columns."""
    found: list[tuple[ResourceKind, int | None]] = []
    if isinstance(record, Authority):
        found.append((ResourceKind.AUTHORITY, record.id))
    elif isinstance(record, (PoliticalControl | Membership, Appointment)):
        found.append((ResourceKind.AUTHORITY, record.authority_id))
    elif isinstance(record, Meeting):
        found.append((ResourceKind.MEETING, record.id))
    elif isinstance(record, AgendaItem):
        found.append((ResourceKind.MEETING, record.meeting_id))
        found.append((ResourceKind.CONSULTATION, record.consultation_id))
    elif isinstance(record, AgendaChange | Minutes | Decision | Action):
        found.append((ResourceKind.MEETING, record.meeting_id))
    elif isinstance(record, Consultation):
        found.append((ResourceKind.CONSULTATION, record.id))
    elif isinstance(record, Question | ConsultationDocument | GovernmentReply | SummarySnapshot):
        found.append((ResourceKind.CONSULTATION, record.consultation_id))
    return [(kind, record_id) for kind, record_id in found if record_id is not None]


def _through_parents(session: Session, records: Iterable[Any]) -> set[Key]:
    """Resources reached through a parent's row: a paper's meeting (through
    its agenda item), a minute item's or a correction's (through the minutes)."""
    item_ids = {r.agenda_item_id for r in records if isinstance(r, Paper)}
    minutes_ids = {r.minutes_id for r in records if isinstance(r, MinuteItem | Correction)}
    keys: set[Key] = set()
    connection = session.connection()
    if item_ids:
        for (meeting_id,) in connection.execute(
            select(AgendaItem.meeting_id).where(AgendaItem.id.in_(item_ids))
        ):
            keys.add((ResourceKind.MEETING, meeting_id))
    if minutes_ids:
        for (meeting_id,) in connection.execute(
            select(Minutes.meeting_id).where(Minutes.id.in_(minutes_ids))
        ):
            keys.add((ResourceKind.MEETING, meeting_id))
    return keys


def _after_flush(session: Session, _context: Any) -> None:
    records = [*session.new, *session.dirty, *session.deleted]
    keys = {key for record in records for key in _direct(record)}
    keys |= _through_parents(session, records)
    if not keys:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    moment = now_utc()
    statement = insert(ResourceChange).values(
        [
            {"kind": kind, "record_id": record_id, "modified_at": moment}
            for kind, record_id in sorted(keys)
        ]
    )
    session.connection().execute(
        statement.on_conflict_do_update(
            index_elements=["kind", "record_id"],
            set_={"modified_at": statement.excluded.modified_at},
        )
    )


def init_sessions() -> None:
    """Track changes on every session (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
