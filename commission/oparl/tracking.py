"""Notes of the public records removed, for OParl's ``deleted: true``.

As the session flushes, each agenda item and paper deleted (removed from an
agenda, or with its item) is noted in ``RemovedRecord`` if the
public could see it then: an item of a published agenda; a public paper of
such an item that is not confidential. A draft's items and a restricted
paper were never shown, so nothing says they existed. Like ``api.tracking``
it sees what goes through the session's objects, not bulk statements.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.base import NO_VALUE

from commission.meetings.models import PUBLIC_STATUSES, AgendaItem, Meeting, Paper
from commission.oparl.models import RemovedKind, RemovedRecord
from commission.timeutil import now_utc


def _items_of(session: Session, papers: list[Paper], items: list[AgendaItem]) -> dict[int, Any]:
    """Each agenda item concerned, by id: whether it is confidential and its
    meeting, from the objects when they are at hand, else from the database."""
    known: dict[int, tuple[bool, int]] = {
        item.id: (item.confidential, item.meeting_id) for item in items
    }
    for paper in papers:
        loaded = inspect(paper).attrs.agenda_item.loaded_value
        if loaded is not NO_VALUE and loaded is not None:
            known.setdefault(loaded.id, (loaded.confidential, loaded.meeting_id))
    missing = {paper.agenda_item_id for paper in papers} - set(known)
    if missing:
        for item_id, confidential, meeting_id in session.connection().execute(
            select(AgendaItem.id, AgendaItem.confidential, AgendaItem.meeting_id).where(
                AgendaItem.id.in_(missing)
            )
        ):
            known[item_id] = (confidential, meeting_id)
    return known


PENDING = "oparl_removed"


def _deleted(_mapper: Any, _connection: Any, target: Any) -> None:
    """A row deleted in this flush: an orphan or a cascade as well as an
    explicit delete (``session.deleted`` shows only the last)."""
    session = object_session(target)
    if session is not None:
        session.info.setdefault(PENDING, []).append(target)


def _forget(session: Session, _previous: Any = None) -> None:
    session.info.pop(PENDING, None)


def _after_flush(session: Session, _context: Any) -> None:
    deleted = session.info.pop(PENDING, [])
    items = [record for record in deleted if isinstance(record, AgendaItem)]
    papers = [record for record in deleted if isinstance(record, Paper) and record.public]
    if not items and not papers:
        return
    known = _items_of(session, papers, items)
    meeting_ids = {meeting_id for _confidential, meeting_id in known.values()}
    public_meetings = set(
        session.connection()
        .execute(
            select(Meeting.id).where(
                Meeting.id.in_(meeting_ids),
                Meeting.status.in_(PUBLIC_STATUSES),
                Meeting.agenda_published_at.is_not(None),
            )
        )
        .scalars()
    )
    rows: list[dict[str, Any]] = []
    moment = now_utc()
    for item in items:
        if item.meeting_id in public_meetings:
            rows.append(
                {
                    "kind": RemovedKind.AGENDA_ITEM,
                    "record_id": item.id,
                    "created_at": item.created_at,
                    "removed_at": moment,
                    "position": item.position,
                }
            )
    for paper in papers:
        confidential, meeting_id = known.get(paper.agenda_item_id, (True, None))
        if not confidential and meeting_id in public_meetings:
            rows.append(
                {
                    "kind": RemovedKind.PAPER,
                    "record_id": paper.id,
                    "created_at": paper.uploaded_at,
                    "removed_at": moment,
                    "position": None,
                }
            )
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(RemovedRecord).values(rows)
    session.connection().execute(
        statement.on_conflict_do_update(
            index_elements=["kind", "record_id"],
            set_={"removed_at": statement.excluded.removed_at},
        )
    )


def init_sessions() -> None:
    """Note removals on every session (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(AgendaItem, "after_delete", _deleted)
        event.listen(Paper, "after_delete", _deleted)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_soft_rollback", _forget)
