"""Pagination that costs the same on the first day and after ten years.

Three shapes, each chosen so that a page's work does not grow with history:

- ``paginate_bounded``: numbered pages (LIMIT/OFFSET) whose total is counted
  only up to a bound, for lists that stay in the low thousands (the action log,
  decisions). Beyond the bound the page says "more than 1,000".
- ``keyset_page``: newest-first pages of a log that grows without end (the audit
  log), found by the position of an edge row instead of an offset, so the
  ten-thousandth page costs what the first does.
- ``RowPagination``: ``db.paginate`` for rows of several columns.
- ``NarrowPagination``: rows found, ordered and counted on narrow columns in
  one statement, then only the page's rows read in full (the comments on a
  summary: sorting and counting whole comments would read every comment's
  text twice).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import and_, case, func, or_
from sqlalchemy import select as sql_select
from sqlalchemy.orm import lazyload

from commission.extensions import db
from commission.timeutil import in_london, start_of_year

COUNT_BOUND = 1000
MAX_PAGE = 1_000_000


class CappedPagination(SelectPagination):
    """``db.paginate`` with a page number too large for a database's OFFSET
    (``?page=1000000000000000000``) read as the last page there could be, so
    it shows an empty page instead of failing."""

    @staticmethod
    def _prepare_page_args(**kwargs: Any) -> tuple[int, int]:
        page, per_page = SelectPagination._prepare_page_args(**kwargs)
        return min(page, MAX_PAGE), per_page


PageKind = TypeVar("PageKind", bound=CappedPagination)


def paginate(select: Any, *, per_page: int) -> CappedPagination:
    """The page the request asks for (``?page=``; anything else is page 1),
    with an exact count."""
    return _requested_page(CappedPagination, select, per_page)


def _requested_page(kind: type[PageKind], select: Any, per_page: int) -> PageKind:
    return _page_of(kind, per_page=per_page, select=select)


def _page_of(
    kind: type[PageKind], *, per_page: int, page: int | None = None, **query: Any
) -> PageKind:
    """Page ``page`` (None: the one the request asks for) of ``kind``, counted,
    never more than ``per_page`` rows, and empty rather than an error beyond
    the last; ``query`` is what ``kind`` reads its rows with."""
    return kind(
        session=db.session(),
        page=page,
        per_page=per_page,
        max_per_page=per_page,
        error_out=False,
        count=True,
        **query,
    )


class RowPagination(CappedPagination):
    """Like ``paginate``, but items are whole rows (an entity with computed
    columns beside it), not only the first column."""

    def _query_items(self) -> list[Any]:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


class NarrowPagination(CappedPagination):
    """Pages of wide rows found by a narrow statement: ``select`` gives each
    row's id, in the list's order; ``fetch`` reads the rows of a page's ids in
    full. The ids and the count of them all come back in one statement (a
    window count beside the page's ids), so a page is two statements
    whatever the list's length, and only one page of wide rows is read. A
    page beyond the last counts the list on its own."""

    _counted: int | None = None

    def _query_items(self) -> list[Any]:
        session = self._query_args["session"]
        narrow = self._query_args["select"]
        rows = session.execute(
            narrow.add_columns(func.count().over()).limit(self.per_page).offset(self._query_offset)
        ).all()
        if not rows:
            return []
        self._counted = int(rows[0][-1])
        ids = [row[0] for row in rows]
        found = {row[0]: row[1:] for row in self._query_args["fetch"](ids)}
        return [found[id_] for id_ in ids if id_ in found]

    def _query_count(self) -> int:
        if self._counted is not None:
            return self._counted
        narrow = self._query_args["select"].order_by(None).subquery()
        session = self._query_args["session"]
        return int(session.execute(sql_select(func.count()).select_from(narrow)).scalar() or 0)


class ListPagination(CappedPagination):
    """Pages of a list whose ids are already known, in order (found and
    filtered on narrow columns): a page reads only its own rows (``fetch``,
    given the page's ids, returns them in that order), and the total is the
    list's length rather than another statement."""

    def _query_items(self) -> list[Any]:
        ids = self._query_args["ids"][self._query_offset : self._query_offset + self.per_page]
        return list(self._query_args["fetch"](ids)) if ids else []

    def _query_count(self) -> int:
        return len(self._query_args["ids"])


def paginate_list(
    ids: list[int], fetch: Callable[[list[int]], Iterable[Any]], *, per_page: int
) -> ListPagination:
    """The page the request asks for (``?page=``) of the rows whose ids are
    ``ids``, in that order (``ListPagination``)."""
    return _page_of(ListPagination, per_page=per_page, ids=ids, fetch=fetch)


def paginate_narrow(
    select: Any, fetch: Callable[[list[int]], Iterable[Sequence[Any]]], *, page: int, per_page: int
) -> NarrowPagination:
    """Page ``page`` of the rows whose ids ``select`` gives in order; ``fetch``
    returns (id, *row) for a page's ids, in any order."""
    return _page_of(NarrowPagination, page=page, per_page=per_page, select=select, fetch=fetch)


def paginate_rows(select: Any, *, page: int, per_page: int) -> RowPagination:
    return _page_of(RowPagination, page=page, per_page=per_page, select=select)


class TalliedRowPagination(RowPagination):
    """Like ``paginate_rows``, but the total, and each of ``tallies`` (how
    many rows across every page a condition holds for), come with the page's
    own rows as window aggregates: one statement where a count would take one
    more each, every one of them doing the list's joins again. An empty page
    after the first asks once more, for the first row's figures."""

    tallied: dict[str, int]
    _total: int

    def _tallied_rows(self, select: Any) -> list[Any]:
        extra = [func.count().over().label("tallied_total")] + [
            func.sum(case((condition, 1), else_=0)).over().label(f"tallied_{name}")
            for name, condition in self._query_args["tallies"].items()
        ]
        return list(self._query_args["session"].execute(select.add_columns(*extra)).all())

    def _figures(self, row: Any, width: int) -> None:
        values = [int(value or 0) for value in tuple(row)[width:]] if row is not None else []
        names = ["total", *self._query_args["tallies"]]
        figures = dict(zip(names, values or [0] * len(names), strict=True))
        self._total = figures.pop("total")
        self.tallied = figures

    def _query_items(self) -> list[Any]:
        select = self._query_args["select"]
        width = len(select.column_descriptions)
        rows = self._tallied_rows(select.limit(self.per_page).offset(self._query_offset))
        if not rows and self.page > 1:
            first = self._tallied_rows(select.limit(1))
            self._figures(first[0] if first else None, width)
        else:
            self._figures(rows[0] if rows else None, width)
        return [tuple(row)[:width] for row in rows]

    def _query_count(self) -> int:
        return self._total


def paginate_tallied_rows(
    select: Any, *, page: int, per_page: int, tallies: dict[str, Any]
) -> TalliedRowPagination:
    """A page of rows with the total and the ``tallies`` (name to condition)
    over every page counted in the same statement (``TalliedRowPagination``;
    the counts are in ``.total`` and ``.tallied[name]``)."""
    return TalliedRowPagination(
        select=select,
        session=db.session(),
        page=page,
        per_page=per_page,
        max_per_page=per_page,
        error_out=False,
        count=True,
        tallies=tallies,
    )


class BoundedPagination(CappedPagination):
    """``db.paginate`` whose count stops at a bound: counting every row of a
    list that grows with history would make its first page slower every year.

    The bound is at least ``COUNT_BOUND`` and always two pages beyond this one,
    so a next page that exists is always linked. ``more_than`` is the bound when
    there are more rows than it (the page then says "more than"), else None."""

    more_than: int | None = None

    def _query_count(self) -> int:
        bound = max(COUNT_BOUND, self._query_offset + 2 * self.per_page)
        select = self._query_args["select"]
        sub = select.options(lazyload("*")).order_by(None).limit(bound + 1).subquery()
        session = self._query_args["session"]
        counted = int(session.execute(sql_select(func.count()).select_from(sub)).scalar() or 0)
        if counted > bound:
            self.more_than = bound
            return bound
        return counted


def paginate_bounded(select: Any, *, per_page: int) -> BoundedPagination:
    """The page the request asks for (``?page=``; anything else is page 1),
    counted up to the bound."""
    return _requested_page(BoundedPagination, select, per_page)


# Keyset pagination -----------------------------------------------------------------------------

_CURSOR = re.compile(r"(\d{1,17})-(\d{1,10})")
_MAX_ID = 2**31 - 1  # an INTEGER column's largest value
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Cursor:
    """The position of one row in a newest-first list: its time and its id
    (the id breaks ties between rows recorded in the same microsecond)."""

    at: datetime
    id: int

    def token(self) -> str:
        """``<microseconds since 1970>-<id>``: short, and safe in a URL."""
        delta = self.at - _EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{micros}-{self.id}"

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        """The cursor in a link, or None for anything that is not one (a
        mangled link shows the first page rather than an error)."""
        match = _CURSOR.fullmatch((token or "").strip())
        if match is None:
            return None
        micros, row_id = int(match.group(1)), int(match.group(2))
        if row_id > _MAX_ID or micros > 253_402_300_799_000_000:  # beyond the year 9999
            return None
        return cls(at=_EPOCH + timedelta(microseconds=micros), id=row_id)


@dataclass(frozen=True)
class KeysetPage:
    """One page of a newest-first list, with the cursors of its neighbours."""

    items: Sequence[Any]
    newer: Cursor | None  # rows newer than this make the previous page; None on the first
    older: Cursor | None  # rows older than this make the next page; None on the last
    moved: bool  # the page was asked for by a cursor (it is not the newest page by default)


def keyset_page(
    statement: Any,
    *,
    at: Any,
    id: Any,
    before: Cursor | None,
    after: Cursor | None,
    per_page: int,
    cursor_of: Any,
    options: Sequence[Any] = (),
) -> KeysetPage:
    """A page of ``statement`` (a filtered, unordered select of one entity)
    ordered newest first by (at, id), its rows loaded with ``options``.

    ``before`` gives the page of rows just older than a row; ``after`` the
    page just newer (read oldest first, then turned round); neither, the
    newest rows. Each is one indexed range read of ``per_page + 1`` rows, plus
    a one-row probe for whether the other direction has anything, so a page
    costs the same however long the list. ``cursor_of`` gives a row's Cursor.
    """

    def older_than(cursor: Cursor) -> Any:
        return and_(at <= cursor.at, or_(at < cursor.at, id < cursor.id))

    def newer_than(cursor: Cursor) -> Any:
        return and_(at >= cursor.at, or_(at > cursor.at, id > cursor.id))

    def fetch(query: Any) -> list[Any]:
        query = query.options(*options).limit(per_page + 1)
        return list(db.session.execute(query).unique().scalars())

    def exists(condition: Any) -> bool:
        probe = statement.with_only_columns(id).where(condition).limit(1)
        return db.session.execute(probe).first() is not None

    if after is not None:
        rows = fetch(statement.where(newer_than(after)).order_by(at, id))
        items = list(reversed(rows[:per_page]))
        more_newer = len(rows) > per_page
        more_older = bool(items) and exists(older_than(cursor_of(items[-1])))
    else:
        query = statement.order_by(at.desc(), id.desc())
        if before is not None:
            query = query.where(older_than(before))
        rows = fetch(query)
        items = rows[:per_page]
        more_older = len(rows) > per_page
        more_newer = before is not None and bool(items) and exists(newer_than(cursor_of(items[0])))
    return KeysetPage(
        items=items,
        newer=cursor_of(items[0]) if more_newer else None,
        older=cursor_of(items[-1]) if more_older else None,
        moved=before is not None or after is not None,
    )


def bounded_count(statement: Any, *, bound: int = COUNT_BOUND) -> int:
    """How many rows ``statement`` has, counting no further than ``bound + 1``:
    a result above ``bound`` means "more than bound"."""
    sub = statement.options(lazyload("*")).order_by(None).limit(bound + 1).subquery()
    return int(db.session.execute(sql_select(func.count()).select_from(sub)).scalar() or 0)


# Pages by year ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearPages:
    """One calendar year (Europe/London) of a dated list, and the years
    there are to choose from, oldest first."""

    year: int
    years: Sequence[int]
    starts: datetime  # the year's first moment, in UTC
    ends: datetime  # the next year's first moment, in UTC

    @property
    def previous(self) -> int | None:
        index = self.years.index(self.year)
        return self.years[index - 1] if index > 0 else None

    @property
    def next(self) -> int | None:
        index = self.years.index(self.year)
        return self.years[index + 1] if index + 1 < len(self.years) else None


_YEAR = re.compile(r"\d{4}")


def year_pages(
    at: Any, *, visible: Any, next_row: Any, requested: str | None, this_year: int
) -> YearPages | None:
    """The year a list of dated rows shows, from ``?year=``; by default the
    year of ``next_row`` (a one-row select of the next row's ``at``), or
    ``this_year`` when there is none.

    The years to choose from run from the earliest visible row's to the
    latest's (and take in the default), read as the minimum and maximum of the indexed ``at`` in one
    statement, so the cost does not grow with the rows. None (not found)
    for anything that is not one of those years."""
    earliest, latest, upcoming = db.session.execute(
        sql_select(
            sql_select(func.min(at)).where(visible).scalar_subquery(),
            sql_select(func.max(at)).where(visible).scalar_subquery(),
            next_row.scalar_subquery(),
        )
    ).one()
    default = _london_year(upcoming) if upcoming is not None else this_year
    first = last = default
    if earliest is not None and latest is not None:
        first, last = min(first, _london_year(earliest)), max(last, _london_year(latest))
    years = range(first, last + 1)
    text = (requested or "").strip()
    if not text:
        year = default
    elif _YEAR.fullmatch(text) and int(text) in years and int(text) < 9999:
        year = int(text)
    else:
        return None
    return YearPages(
        year=year,
        years=list(years),
        starts=_start_of_year(year),
        ends=_start_of_year(year + 1),
    )


def _london_year(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return in_london(value).year


def _start_of_year(year: int) -> datetime:
    return start_of_year(year)
