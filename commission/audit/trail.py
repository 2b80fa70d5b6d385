"""What each change did to the records, field by field, and the rule that no
change goes unrecorded.

Services record *what happened* (``audit.services.record``, or a receiver of
a domain event). This module adds *what it changed*: as the session flushes,
every row added, changed or removed (cascades and orphans included) is noted
with the fields that changed and their old and new values; when the
transaction commits, those notes are stored against the audit events the
transaction recorded (``AuditRecord``), each with the event whose subject it
is, the rest with the last event.

Secrets never reach the trail: a column marked ``info={"secret": True}``
(password hashes, session and calendar tokens) is noted as changed with its
values left out. Files are noted by their size, long text cut short.

A transaction made in a request that changed a record and recorded no audit
event is a service that forgot: with ``AUDIT_STRICT`` (on in the tests) the
commit is refused, so a test of any route that does it fails; otherwise the
change is recorded as ``unrecorded_change`` with what it changed, and logged,
so it is never silent. Changes made outside a request (loading reference
data, the demo, timed jobs that record their own events) are not checked.
Statements that bypass the session's objects (bulk UPDATE, text SQL) are
checked for an event but their fields cannot be listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, object_session

from commission import changes
from commission.audit.models import AuditEvent, AuditRecord
from commission.extensions import Base

NOTES = "audit_trail_notes"
# Tables whose rows are never noted: the trail's own, and those that hold no
# record of the Commission (changes.NOT_RECORDS).
NOT_NOTED = changes.NOT_RECORDS | {"audit_records"}
TEXT_LIMIT = 1000
# An event lists at most this many records; a bulk change beyond it says how
# many more it changed.
RECORDS_PER_EVENT = 500


class UnrecordedChange(RuntimeError):
    """A request changed records and recorded no audit event."""


def plain(value: Any) -> Any:
    """``value`` as the trail stores it: JSON, short, never a file's bytes."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return f"({len(value):,} bytes)"
    if isinstance(value, Decimal):
        return str(value)
    text = json.dumps(value, default=str) if isinstance(value, dict | list) else str(value)
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def _key(state: Any) -> str:
    """The record's primary key, as text ("42", or "3/7" for two columns),
    read from what the flush wrote (a new record has no identity key yet)."""
    mapper = state.mapper
    return "/".join(
        str(state.dict.get(mapper.get_property_by_column(column).key, ""))
        for column in mapper.primary_key
    )


def _note(state: Any, operation: str) -> dict[str, Any] | None:
    mapper = state.mapper
    table = mapper.local_table.name
    if table in NOT_NOTED:
        return None
    fields: dict[str, list[Any]] = {}
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        if column.primary_key and operation != "removed":
            continue
        secret = bool(column.info.get("secret"))
        history = state.attrs[attribute.key].history
        if operation == "changed":
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
        elif operation == "added":
            old, new = None, state.dict.get(attribute.key)
            if new is None:
                continue
        else:
            old, new = state.dict.get(attribute.key), None
            if old is None:
                continue
        fields[attribute.key] = [None, None] if secret else [plain(old), plain(new)]
    if operation == "changed" and not fields:
        return None
    return {
        "type": table,
        "key": _key(state),
        "operation": operation,
        "fields": fields,
    }


@dataclass
class _Notes:
    """What a transaction has changed so far, and the events it recorded."""

    transaction: Any
    records: list[dict[str, Any]] = field(default_factory=list)
    events: list[AuditEvent] = field(default_factory=list)


def _notes(session: Session) -> _Notes:
    """The notes of the session's current transaction (a new transaction
    starts new notes, so a rolled-back one leaves nothing behind)."""
    transaction = session.get_transaction()
    held = session.info.get(NOTES)
    if not isinstance(held, _Notes) or held.transaction is not transaction:
        held = _Notes(transaction)
        session.info[NOTES] = held
    return held


def _noted(operation: str) -> Any:
    """A mapper event listener that notes each row the flush writes, cascades
    and orphans included (the session's own lists miss those)."""

    def listener(_mapper: Any, _connection: Any, target: Any) -> None:
        session = object_session(target)
        if session is None:
            return
        held = _notes(session)
        if isinstance(target, AuditEvent):
            if operation == "added":
                held.events.append(target)
            return
        note = _note(inspect(target), operation)
        if note is not None:
            held.records.append(note)

    return listener


_LISTENERS = {
    "after_insert": _noted("added"),
    "after_update": _noted("changed"),
    "after_delete": _noted("removed"),
}


def _subject_key(audit_event: AuditEvent) -> tuple[str | None, str]:
    return audit_event.subject_type, str(audit_event.subject_id or "")


def _store(events: list[AuditEvent], notes: list[dict[str, Any]]) -> list[AuditRecord]:
    """Each note against the event whose subject it is, else the last event."""
    by_subject = {_subject_key(e): e for e in events if e.subject_type}
    records: list[AuditRecord] = []
    left_out: dict[int, int] = {}
    counts: dict[int, int] = {}
    for note in notes:
        owner = by_subject.get((note["type"], note["key"]), events[-1])
        counts[id(owner)] = counts.get(id(owner), 0) + 1
        if counts[id(owner)] > RECORDS_PER_EVENT:
            left_out[id(owner)] = left_out.get(id(owner), 0) + 1
            continue
        records.append(
            AuditRecord(
                event=owner,
                record_type=note["type"],
                record_key=note["key"],
                operation=note["operation"],
                fields=note["fields"],
            )
        )
    for audit_event in events:
        if id(audit_event) in left_out:
            audit_event.details = {
                **(audit_event.details or {}),
                "records_not_listed": left_out[id(audit_event)],
            }
    return records


def _before_records_commit(session: Session, tables: frozenset[str]) -> None:
    """Store the transaction's notes, and make sure it recorded an event."""
    held = _notes(session)
    notes, events = held.records, held.events
    session.info.pop(NOTES, None)
    recorded = "audit_events" in tables or bool(events)
    if not recorded:
        if not has_request_context():
            return
        changed = sorted(tables - NOT_NOTED)
        if current_app.config.get("AUDIT_STRICT"):
            raise UnrecordedChange(
                f"{request.method} {request.path} changed {', '.join(changed)} "
                "and recorded no audit event"
            )
        current_app.logger.warning(
            "%s %s changed %s and recorded no audit event", request.method, request.path, changed
        )
        actor = current_user if current_user.is_authenticated else None
        unrecorded = AuditEvent(
            action="unrecorded_change",
            summary=f"A change through {request.method} {request.path} "
            f"({', '.join(changed)}) that its service did not record",
            actor=actor,
            ip_address=request.remote_addr,
            details={"tables": changed},
        )
        session.add(unrecorded)
        events = [unrecorded]
    if notes:
        session.add_all(_store(events, notes))


def init_app() -> None:
    """Note changes on every session, and check each commit (once per process)."""
    for name, listener in _LISTENERS.items():
        if not event.contains(Base, name, listener):
            event.listen(Base, name, listener, propagate=True)
    changes.before_records_commit(_before_records_commit)
