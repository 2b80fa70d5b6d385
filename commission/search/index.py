"""Keeping the search index current, inside the transaction that changes
the records.

At each flush the session's new, changed and deleted records are mapped to
the *roots* whose documents they appear in (a paper to its meeting, an
answer to its response, see ``documents.py``); once the flush has written
them, each root's documents are built again and only those that differ are
rewritten (each row keeps a digest of itself). The engines follow the
``search_documents`` table: PostgreSQL's generated ``tsvector`` column, or
SQLite's FTS5 table through its triggers. So a change and its place in the
index commit, or roll back, together.

Statements that bypass the session's objects (a bulk UPDATE) are not seen;
``flask search reindex`` rebuilds everything (after an import, say).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import contextmanager
from itertools import chain
from typing import Any, cast

from sqlalchemy import Table, delete, event, func, inspect, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.orm import Session

from commission.auth.models import Appointment, User
from commission.consultations.models import (
    Answer,
    Consultation,
    ConsultationDocument,
    Question,
    Response,
)
from commission.extensions import db
from commission.meetings.models import AgendaItem, Meeting, Paper
from commission.membership.models import Authority
from commission.minutes.models import Action, Correction, Decision, MinuteItem, Minutes
from commission.search import documents
from commission.search.models import (
    ENGINE_INDEX,
    LEAD_INDEX,
    PUBLIC_INDEX,
    SearchDocument,
    Word,
)
from commission.summaries.models import GovernmentReply, SummarySnapshot

PENDING = "search_pending_roots"
WORD = re.compile(r"[^\W\d_]{3,40}")
TABLE = cast(Table, SearchDocument.__table__)


def _meeting_of_item(session: Session, item_id: int | None) -> set[str]:
    if item_id is None:
        return set()
    meeting_id = (
        session.connection()
        .execute(
            select(AgendaItem.__table__.c.meeting_id).where(AgendaItem.__table__.c.id == item_id)
        )
        .scalar_one_or_none()
    )
    return {f"meeting:{meeting_id}"} if meeting_id is not None else set()


def _meeting_of_minutes(session: Session, minutes_id: int | None) -> set[str]:
    if minutes_id is None:
        return set()
    meeting_id = (
        session.connection()
        .execute(select(Minutes.__table__.c.meeting_id).where(Minutes.__table__.c.id == minutes_id))
        .scalar_one_or_none()
    )
    return {f"meeting:{meeting_id}"} if meeting_id is not None else set()


def _changed(target: Any, *names: str) -> bool:
    state = inspect(target)
    if state.pending or state.deleted or state.was_deleted:
        return True
    return any(state.attrs[name].history.has_changes() for name in names)


def roots_of(session: Session, target: Any) -> set[str]:
    """The roots whose documents show ``target``."""
    match target:
        case Meeting():
            return {f"meeting:{target.id}"}
        case AgendaItem() | Minutes() | Decision() | Action():
            return {f"meeting:{target.meeting_id}"}
        case Paper():
            return _meeting_of_item(session, target.agenda_item_id)
        case MinuteItem() | Correction():
            return _meeting_of_minutes(session, target.minutes_id)
        case Consultation():
            return {f"consultation:{target.id}"}
        case Question() | ConsultationDocument() | GovernmentReply():
            return {f"consultation:{target.consultation_id}"}
        case SummarySnapshot() if target.published or _changed(target, "published"):
            # A published summary opens its responses' comments to everyone.
            return {f"consultation:{target.consultation_id}"} | {
                f"response:{key}"
                for key in documents.consultation_response_ids(target.consultation_id)
            }
        case Response():
            return {f"response:{target.id}"}
        case Answer():
            return {f"response:{target.response_id}"}
        case Authority():
            return {f"authority:{target.id}"}
        case User() if _changed(target, "full_name"):
            return {f"person:{target.id}"}
        case Appointment() if target.role in documents.PUBLIC_OFFICES:
            return {f"person:{target.user_id}"}
    return set()


def _after_flush(session: Session, _context: Any) -> None:
    if not session.info.get("search_enabled", True):
        return
    roots: set[str] = set()
    for target in chain(session.new, session.dirty, session.deleted):
        # A record is changed by its own columns: one joining or leaving a
        # collection is new, changed or deleted itself (no document reads a
        # many-to-many collection), so a response that only gained a
        # revision is not built again.
        if target in session.dirty and not session.is_modified(target, include_collections=False):
            continue
        roots |= roots_of(session, target)
    roots.discard("meeting:None")
    if roots:
        session.info.setdefault(PENDING, set()).update(roots)


def _after_flush_postexec(session: Session, _context: Any) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        with documents.using(session):
            refresh(session, pending)


def _add_words(session: Session, rows: Iterable[dict[str, Any]]) -> None:
    words: set[str] = set()
    for row in rows:
        words.update(w.lower() for w in WORD.findall(row["title"]))
        words.update(w.lower() for w in WORD.findall(row["body"]))
    if not words:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.connection().execute(
        insert(Word).on_conflict_do_nothing(index_elements=["word"]),
        [{"word": word} for word in sorted(words)],
    )


def refresh(session: Session, roots: Iterable[str], *, empty: bool = False) -> None:
    """Build the roots' documents again and write those that changed: a
    document no longer there is deleted, a changed one updated in place
    (an upsert, so a rebuild racing another in a second transaction leaves
    one row, the last one committed). The same few statements for one root
    or a thousand: a flush's handful and the whole index's rebuild go the
    same way (``empty``: the rebuild knows the index holds none of them yet)."""
    wanted = sorted(set(roots))
    if not wanted:
        return
    connection = session.connection()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = {
        (doc.kind, doc.record_id, doc.audience): doc.row()
        for docs in documents.documents_for(wanted).values()
        for doc in docs
    }
    unchanged = set()
    stale = []
    existing: Iterable[Any] = (
        []
        if empty
        else connection.execute(
            select(
                TABLE.c.id, TABLE.c.kind, TABLE.c.record_id, TABLE.c.audience, TABLE.c.digest
            ).where(TABLE.c.root.in_(wanted))
        )
    )
    for key, kind, record_id, audience, digest in existing:
        found = (kind, record_id, audience)
        row = rows.get(found)
        if row is None:
            stale.append(key)
        elif row["digest"] == digest:
            unchanged.add(found)
    if stale:
        connection.execute(delete(TABLE).where(TABLE.c.id.in_(stale)))
    fresh = [row for key, row in rows.items() if key not in unchanged]
    if fresh:
        statement = insert(TABLE)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["kind", "record_id", "audience"],
                set_={name: statement.excluded[name] for name in fresh[0]},
            ),
            fresh,
        )
        _add_words(session, fresh)


def reindex_all(*, batch: int = 1000) -> int:
    """Rebuild the whole index from the records, ``batch`` roots at a time
    (each batch a few statements, committed). Returns how many documents it
    holds. The bench builds its ten-year dataset's index this way."""
    session = db.session()
    with documents.using(session):
        session.execute(delete(SearchDocument))
        session.execute(delete(Word))
        roots = list(documents.every_root())
        for start in range(0, len(roots), batch):
            refresh(session, roots[start : start + batch], empty=True)
            session.commit()
    if session.get_bind().dialect.name == "postgresql":
        # New entries wait in each text index's pending list, which every
        # search reads through, until a vacuum or the list's limit (migration
        # a17c0de10024) moves them into the index: move them now.
        for name in (ENGINE_INDEX, LEAD_INDEX, PUBLIC_INDEX):
            session.execute(select(func.gin_clean_pending_list(literal(name).cast(REGCLASS))))
        session.commit()
    return session.execute(select(func.count()).select_from(SearchDocument)).scalar_one()


@contextmanager
def paused(session: Session) -> Any:
    """Flushes inside the block leave the index alone (an archive import,
    rebuilt once at its end)."""
    session.info["search_enabled"] = False
    try:
        yield
    finally:
        session.info.pop("search_enabled", None)


def init_app() -> None:
    """Keep the index current on every session (once per process)."""
    for name, listener in (
        ("after_flush", _after_flush),
        ("after_flush_postexec", _after_flush_postexec),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
