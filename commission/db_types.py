"""Column types shared by every area."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Enum
from sqlalchemy.engine import Dialect, ExecutionContext
from sqlalchemy.types import TypeDecorator

from commission.timeutil import now_utc


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database.

    PostgreSQL keeps the zone; SQLite keeps none, so values are stored as UTC and
    given their zone back when read. Naive values are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# An execution option for a statement that reads files: its rows come back in
# PostgreSQL's binary format. In the text format a file travels as hexadecimal,
# twice its size, to be decoded again: a 700 KB agenda pack took about 5 ms to
# read that way and under 1 ms in binary. Other databases ignore it.
BINARY_RESULTS = "binary_results"


def execute_for_binary_results(
    cursor: Any, statement: str, parameters: Any, context: ExecutionContext
) -> bool | None:
    """The ``do_execute`` hook (PostgreSQL) that honours ``BINARY_RESULTS``;
    every other statement is left to the driver as usual."""
    if not context.execution_options.get(BINARY_RESULTS):
        return None
    cursor.execute(statement, parameters, binary=True)
    return True


def utcnow() -> datetime:
    """The columns' default time: the one clock, ``timeutil.now_utc``."""
    return now_utc()


# The largest id a 64-bit signed integer column holds.
MAX_ID = 2**63 - 1


def as_record_id(value: object) -> int | None:
    """``value`` (text from a form or a query string) as a record's id: a
    whole number a database column can hold; None for anything else, so a
    tampered or hand-made value finds nothing instead of failing."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def str_enum(enum_class: type[StrEnum], name: str, *, length: int) -> Enum:
    """A column type for a ``StrEnum``, stored as its values (not its names)
    in a plain string column of ``length`` with a CHECK constraint named
    ``name``, never a database enum type: adding a member is then a change
    to a constraint, which SQLite and PostgreSQL migrate alike."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        length=length,
        create_constraint=True,
        values_callable=lambda members: [m.value for m in members],
    )
