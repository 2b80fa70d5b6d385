"""The Commission's change counter: one number that goes up whenever a
transaction changes any of the Commission's records.

A page or file made from the records (a live summary's figures, a meeting's
agenda pack) can be kept under the counter's value and served again while the
value stays the same: any change to anything it could show moves the counter
on, so a kept copy is never served after a change. It is deliberately coarse
(a change anywhere makes every kept copy stale), because a finer rule would
have to know everything each page reads, and a missed dependency would show
someone out-of-date figures.

How it works: every INSERT, UPDATE or DELETE the app sends is seen on the
connection (``after_cursor_execute``), whether it came from the ORM, a bulk
statement or text SQL; when the session commits a transaction that changed a
record, the counter's row is incremented in that same transaction, just
before it commits. Writers queue on that one row only for the moment between
the increment and their commit, so the counter's order is the commit order.
Changes that are not records of the Commission (the download cache, the
audit log's own rows, the mail outbox's delivery state, sign-in throttling,
one-time account links, when a timed job last ran, the API's rate-limit
counts and change times, and personal access tokens' last use) do not move it.

A transaction rolled back after a change may still move it on once (a
savepoint's rollback does not clear the mark, so that a change made before
the savepoint is never missed): a kept copy is then made again, which costs
time but is never wrong.

A change made outside the app (by hand in the database) does not move it:
after one, ``flask clear-download-cache`` forgets every kept copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import BigInteger, Integer, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from commission.extensions import Base, db

CHANGED = "commission_records_changed"
WRITTEN = "commission_tables_written"

# Tables whose rows are not the Commission's records: writing them changes
# nothing a page or a file made from the records shows.
NOT_RECORDS = frozenset(
    {
        "change_counter",
        "download_cache",
        "audit_events",
        "outbox_messages",
        "throttle_events",
        "account_tokens",
        "job_runs",
        "alembic_version",
        "api_rate_limits",
        "api_resource_changes",
        # OParl's notes of removed records: made from the removals themselves.
        "oparl_removed_records",
        "personal_access_tokens",
        # The search index: made from the records, rebuilt with them.
        "search_documents",
        "search_file_texts",
        "search_words",
    }
)

_WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE
)
_READ = re.compile(
    r"^\s*(?:SELECT|PRAGMA|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SHOW|SET)\b", re.IGNORECASE
)
_WITH = re.compile(r"^\s*WITH\b", re.IGNORECASE)
_ANY_WRITE = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


class ChangeCounter(Base):
    """One row (id 1): how many transactions have changed the records."""

    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


def writes_a_record(statement: str) -> bool:
    """Whether SQL ``statement`` may change one of the Commission's records:
    a write to a table that is not in NOT_RECORDS, or any statement that is
    neither a read nor a plain write (a WITH ... INSERT, say), to be safe."""
    write = _WRITE.match(statement)
    if write is not None:
        return write.group(1).lower() not in NOT_RECORDS
    if _WITH.match(statement):
        return _ANY_WRITE.search(statement) is not None
    return _READ.match(statement) is None


def current() -> int:
    """The counter's value as this transaction sees it (0 before any change)."""
    value = db.session.execute(
        select(ChangeCounter.value).where(ChangeCounter.id == 1)
    ).scalar_one_or_none()
    return value or 0


def _increment(session: Session) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ChangeCounter).values(id=1, value=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["id"], set_={"value": ChangeCounter.value + 1}
        )
    )


def written_table(statement: str) -> str | None:
    """The table a plain INSERT, UPDATE or DELETE writes, in lower case."""
    write = _WRITE.match(statement)
    return write.group(1).lower() if write is not None else None


# Called, in order, just before a transaction that changed a record commits,
# with the session and the names of the tables it wrote (the audit trail
# checks there that the change was recorded).
_BEFORE_RECORDS_COMMIT: list[Callable[[Session, frozenset[str]], None]] = []


def before_records_commit(check: Callable[[Session, frozenset[str]], None]) -> None:
    """Call ``check`` before each commit of a transaction that changed a
    record (once per process, however often it is asked)."""
    if check not in _BEFORE_RECORDS_COMMIT:
        _BEFORE_RECORDS_COMMIT.append(check)


def _seen(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
    table = written_table(statement)
    if table is not None:
        connection.info.setdefault(WRITTEN, set()).add(table)
    if not connection.info.get(CHANGED) and writes_a_record(statement):
        connection.info[CHANGED] = True


def _forget(connection: Any) -> None:
    connection.info.pop(CHANGED, None)
    connection.info.pop(WRITTEN, None)


def _before_commit(session: Session) -> None:
    """Move the counter on, last, in a transaction that changed a record."""
    if session.in_nested_transaction():
        return
    session.flush()
    connection = session.connection()
    if connection.info.get(CHANGED):
        for check in _BEFORE_RECORDS_COMMIT:
            check(session, frozenset(connection.info.get(WRITTEN, ())))
        session.flush()
        _increment(session)
    _forget(connection)


def init_engine(engine: Engine) -> None:
    """Watch what ``engine``'s connections send (once per engine)."""
    for name, listener in (
        ("after_cursor_execute", _seen),
        ("commit", _forget),
        ("rollback", _forget),
    ):
        if not event.contains(engine, name, listener):
            event.listen(engine, name, listener)


def init_sessions() -> None:
    """Move the counter on as sessions commit (once per process)."""
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
