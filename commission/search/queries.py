"""Searching the index: the words asked for, read into each engine's own
syntax; who may see what, decided inside the query (so counts and pages are
right); ranking, highlighting, filters, counts per kind and "Did you mean".

The same query gives the same documents on both engines: the words are read
here, once (stop words left out, punctuation ignored, ``"a phrase"`` and
``-word`` understood), and handed to PostgreSQL's ``websearch_to_tsquery``
or written as an FTS5 expression of quoted strings, which no input can
break.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, cast

from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup, escape
from sqlalchemy import (
    Column,
    ColumnElement,
    CompoundSelect,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    true,
)
from sqlalchemy.sql.selectable import ScalarSelect
from sqlalchemy.sql.visitors import replacement_traverse

from commission.auth.models import User
from commission.auth.roles import Role
from commission.extensions import core_rows, db
from commission.membership.models import Authority, Department
from commission.search.models import Audience, Kind, SearchDocument, Word
from commission.timeutil import today

MAX_QUERY = 200
MAX_TERMS = 12
MAX_PAGE = 10_000
# The most matches a search counts and ranks: the most recent ones. A word in
# every response of ten years would otherwise be ranked across hundreds of
# thousands of documents for one page of twenty.
MAX_RESULTS = 1_000
# The passage of a long text is looked for in this many characters around the
# first word found, starting this many before it (see _passage_text).
PASSAGE_WINDOW = 600
PASSAGE_LEAD = 120
# PostgreSQL looks for the passage in this many characters at the start of a
# text first (see _hits_postgresql).
PASSAGE_OPENING = 1_600
START, STOP = "\ue000", "\ue001"
_WORD = re.compile(r"[^\W_]+")

# PostgreSQL's English stop words (the Snowball list it ships): never
# searched for, on either engine, so both find the same things.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class ParsedQuery:
    """A search as words: each term must match, each phrase must match as
    written, each excluded term or phrase must not."""

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = ()
    shortened: bool = False
    only_stop_words: bool = False

    @property
    def empty(self) -> bool:
        return not self.terms and not self.phrases

    def websearch(self) -> str:
        """As PostgreSQL's ``websearch_to_tsquery`` reads it."""
        parts = [*self.terms, *(f'"{" ".join(p)}"' for p in self.phrases)]
        parts += [f'-"{" ".join(p)}"' if len(p) > 1 else f"-{p[0]}" for p in self.excluded]
        return " ".join(parts)

    def words_websearch(self) -> str:
        """As ``websearch`` with each phrase's words as words in any order:
        what a document holding the phrase holds too, which the text index
        answers without reading any document's word positions."""
        words = dict.fromkeys([*self.terms, *(w for p in self.phrases for w in p)])
        return ParsedQuery(terms=tuple(words), excluded=self.excluded).websearch()

    def fts5_positive(self) -> str:
        """The words and phrases that must match, as one FTS5 expression
        (for no column in particular): every word inside double quotes
        (words hold only letters and digits, so nothing else can be read as
        syntax)."""
        words = " ".join(
            f'"{" ".join(words)}"' for words in [*((t,) for t in self.terms), *self.phrases]
        )
        return f"({words})"

    def fts5(self) -> str:
        """As an FTS5 expression on the title and text (not the tags or the
        opening of the migrations a17c0de10024 and a17c0de10026)."""
        expression = self.fts5_positive()
        for words in self.excluded:
            expression += f' NOT "{" ".join(words)}"'
        return f"{{title body}} : ({expression})"


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def parse(text: str) -> ParsedQuery:
    """Read what was typed. Quotes pair up into phrases (an unpaired one
    runs to the end); a ``-`` before a word or phrase excludes it; anything
    that is not a letter or digit separates words."""
    shortened = len(text) > MAX_QUERY
    text = text[:MAX_QUERY]
    terms: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[tuple[str, ...]] = []
    saw_stop_word = False
    pattern = re.compile(r'(^|\s)(-?)"([^"]*)"?|(^|\s)-([^\W_][^\s"]*)|([^\s"]+)')
    for match in pattern.finditer(text):
        if match.group(3) is not None:
            words = tuple(_words(match.group(3)))
            if not words:
                continue
            if all(w in STOP_WORDS for w in words):
                saw_stop_word = True
                continue
            (excluded if match.group(2) else phrases).append(words)
        elif match.group(5) is not None:
            words = tuple(w for w in _words(match.group(5)) if w not in STOP_WORDS)
            if words:
                excluded.append(words)
        else:
            for word in _words(match.group(6)):
                if word in STOP_WORDS:
                    saw_stop_word = True
                elif word not in terms:
                    terms.append(word)
    return ParsedQuery(
        terms=tuple(terms[:MAX_TERMS]),
        phrases=tuple(phrases[:MAX_TERMS]),
        excluded=tuple(excluded[:MAX_TERMS]),
        shortened=shortened,
        only_stop_words=saw_stop_word and not terms and not phrases,
    )


# Who is looking ----------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """The facts about a person that the pages' rules ask (see documents.py)."""

    signed_in: bool = False
    roles: frozenset[Role] = frozenset()
    authority_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()
    office_ids: frozenset[int] = frozenset()
    on: date = field(default_factory=today)


def viewer_of(user: User | Any) -> Viewer:
    if user is None or not user.is_authenticated:
        return Viewer()
    on = today()
    appointments = user.current_appointments(on)
    offices = [
        a.ministerial_office
        for a in appointments
        if a.role is Role.MINISTER and a.ministerial_office is not None
    ]
    return Viewer(
        signed_in=True,
        roles=frozenset(a.role for a in appointments),
        authority_ids=frozenset(a.authority_id for a in appointments if a.authority_id),
        department_ids=frozenset(office.department_id for office in offices if office),
        office_ids=frozenset(office.id for office in offices if office),
        on=on,
    )


def current_viewer() -> Viewer:
    return viewer_of(current_user)


# Which of a viewer's ids narrows an audience to theirs (``_grants``), by the
# name of the set on ``Viewer`` (and of the statements' bound parameter).
_NARROWED_BY = {
    "department_ids": SearchDocument.department_id,
    "office_ids": SearchDocument.office_id,
    "authority_ids": SearchDocument.authority_id,
}
# What a viewer is granted below the secretariat (``_grants``): each
# audience, and which of their ids narrows it to theirs (None: all of it).
_Grants = tuple[tuple[Audience, str | None], ...]


def _grants(viewer: Viewer) -> _Grants | None:
    """What ``viewer`` is granted: None for the secretariat (everything
    shown now); otherwise each audience whose documents they may find, and
    the set of their ids narrowing it to theirs (None: all of that
    audience's). The one statement of the rule, which both the condition on
    the index and the audiences SQLite's index is asked for are made from."""
    if Role.SECRETARIAT in viewer.roles:
        return None
    found: list[tuple[Audience, str | None]] = [(Audience.PUBLIC, None)]
    if viewer.signed_in:
        found.append((Audience.SIGNED_IN, None))
    if viewer.roles:
        found.append((Audience.MEMBERS, None))
    if Role.CHAIR in viewer.roles:
        found += [(Audience.MINUTES_READERS, None), (Audience.SUMMARY_READERS, None)]
    if viewer.department_ids:
        found.append((Audience.SUMMARY_READERS, "department_ids"))
    if viewer.office_ids:
        found.append((Audience.REPLY_WRITERS, "office_ids"))
    if viewer.authority_ids:
        found.append((Audience.AUTHORITY, "authority_ids"))
    return tuple(found)


def _visible(grants: _Grants | None) -> ColumnElement[bool]:
    """The documents a viewer granted ``grants`` may find, as a condition on
    the index with the viewer's day (``on``) and ids bound
    (``_viewer_parameters``)."""
    d = SearchDocument
    on = bindparam("on", type_=Date())
    shown_now = and_(
        or_(d.visible_from.is_(None), d.visible_from <= on),
        or_(d.visible_to.is_(None), d.visible_to >= on),
    )
    if grants is None:
        return shown_now
    allowed = [
        d.audience == audience
        if narrowed is None
        else and_(
            d.audience == audience,
            _NARROWED_BY[narrowed].in_(bindparam(narrowed, expanding=True)),
        )
        for audience, narrowed in grants
    ]
    return and_(shown_now, or_(*allowed))


def _viewer_parameters(viewer: Viewer) -> dict[str, Any]:
    """The values ``_visible`` binds, for ``viewer``."""
    return {
        "on": viewer.on,
        **{name: sorted(getattr(viewer, name)) for name in _NARROWED_BY},
    }


def audiences_of(viewer: Viewer) -> frozenset[Audience] | None:
    """The audiences ``viewer`` may see something of (None: every one, the
    secretariat's)."""
    grants = _grants(viewer)
    return None if grants is None else frozenset(audience for audience, _ in grants)


# The engines -------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    kinds: tuple[Kind, ...] = ()
    since: date | None = None
    until: date | None = None
    department_id: int | None = None
    authority_id: int | None = None


# The filters besides the kinds, by name (their field on ``Filters`` and their
# bound parameter), each with its condition on the index.
_FILTERS: tuple[tuple[str, Callable[[], ColumnElement[bool]]], ...] = (
    ("since", lambda: SearchDocument.happened_on >= bindparam("since", type_=Date())),
    ("until", lambda: SearchDocument.happened_on <= bindparam("until", type_=Date())),
    (
        "department_id",
        lambda: SearchDocument.department_id == bindparam("department_id", type_=Integer()),
    ),
    (
        "authority_id",
        lambda: SearchDocument.authority_id == bindparam("authority_id", type_=Integer()),
    ),
)


def _filters_set(filters: Filters) -> tuple[str, ...]:
    """The names of the filters set, but the kinds (in ``_FILTERS``' order)."""
    return tuple(name for name, _ in _FILTERS if getattr(filters, name) is not None)


def _filter_conditions(names: tuple[str, ...]) -> list[ColumnElement[bool]]:
    """The filters ``names`` as conditions, their values bound."""
    return [condition() for name, condition in _FILTERS if name in names]


def _kinds_chosen(kind: Any) -> ColumnElement[bool]:
    return cast(ColumnElement[bool], kind.in_(bindparam("kinds", expanding=True)))


_FTS = table("search_index", column("rowid"))
_FTS_NAME: ColumnElement[Any] = literal_column("search_index")
_VECTOR: ColumnElement[Any] = literal_column("search_documents.search_vector")
_LEAD: ColumnElement[Any] = literal_column("search_documents.lead_vector")
_ENGLISH: ColumnElement[Any] = literal_column("'english'::regconfig")
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, ShortWord=2, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


def _typed(parsed: ParsedQuery) -> list[str]:
    """The words and phrases searched for, as typed (lower-cased)."""
    return [" ".join(words) for words in [*((t,) for t in parsed.terms), *parsed.phrases]]


def _first_found(typed: int, lowered: ColumnElement[str]) -> ColumnElement[int]:
    """Where in ``lowered`` one of the ``typed`` words or phrases (bound as
    ``typed_0``, ``typed_1``…: ``_typed``) first appears as typed (NULL:
    nowhere)."""
    # least() passes over NULLs: the earliest of the words found.
    return func.least(
        *(
            func.nullif(func.strpos(lowered, bindparam(f"typed_{n}", type_=String())), 0)
            for n in range(typed)
        )
    )


def _passage_text(
    typed: int, text: ColumnElement[str], lowered: ColumnElement[str]
) -> ColumnElement[str]:
    """The text ``ts_headline`` looks in for the passage. It parses and
    stems every word of what it is given, so a long text is cut to
    PASSAGE_WINDOW characters around the first place one of the words or
    phrases appears as typed (else its start); a shorter text is given whole.

    ``lowered`` is ``text`` with only ASCII letters folded to lower case
    (``_hits_postgresql``): folding a paper's every letter by the locale
    took longer than the headline itself."""
    start = func.greatest(func.coalesce(_first_found(typed, lowered), 1) - PASSAGE_LEAD, 1)
    return case(
        (func.octet_length(text) <= PASSAGE_WINDOW, text),
        else_=func.substr(text, start, PASSAGE_WINDOW),
    )


def _passage_lies_in_opening(
    typed: int, opening: ColumnElement[str], lowered: ColumnElement[str]
) -> ColumnElement[bool]:
    """Whether ``_passage_text`` of a whole text is the same as of its
    opening (its first PASSAGE_OPENING characters, ``lowered`` their
    lower-cased copy): the opening is the whole text, or a word appears
    there early enough for the passage to end inside it (then no word
    appears before it in the whole text either: every searched phrase is
    shorter than what is left of the opening)."""
    found = _first_found(typed, lowered)
    start = func.greatest(func.coalesce(found, 1) - PASSAGE_LEAD, 1)
    return or_(
        func.char_length(opening) < PASSAGE_OPENING,
        and_(found.is_not(None), start + (PASSAGE_WINDOW - 1) <= PASSAGE_OPENING),
    )


def _shown(page: Any) -> tuple[Any, ...]:
    """What a result shows of its document, after its place on the page
    (``page``, a CTE of ``id`` and ``place``): place, id, kind, title, url,
    context and date."""
    d = SearchDocument
    return (page.c.place, d.id, d.kind, d.title, d.url, d.context, d.happened_on)


def _shown_with(rows: Any, passage: ColumnElement[str]) -> Select[Any]:
    """The page's rows (``rows``, a CTE of ``_shown``'s columns) as their
    results show them, with their ``passage``."""
    c = rows.c
    return select(
        c.place, c.id, c.kind, c.title, c.url, c.context, c.happened_on, passage.label("passage")
    )


def _with_lowered(rows: Any, text: ColumnElement[str], name: str) -> Any:
    """``rows`` with ``text`` lower-cased in its ASCII letters only (by the
    C collation: by the locale, every letter of a paper took longer than the
    headline itself), as a materialised CTE ``name``."""
    return (
        select(rows, func.lower(text.collate("C")).label("lowered"))
        .cte(name)
        .prefix_with("MATERIALIZED")
    )


def _hits_postgresql(typed: int, query: ColumnElement[Any]) -> _HitsStatement:
    """The page's rows with their passages, given the page's ids and places
    (``page``, a CTE of ``id`` and ``place``). A paper's text is about
    20 KB, kept compressed apart from its row: reading it whole (and
    lower-casing it) for each of a page of papers took a third of "papers
    only"'s statement. So the rows are read once into a materialised CTE
    with the **opening** of their text (its first PASSAGE_OPENING
    characters, a slice PostgreSQL reads and decompresses without the
    rest) and its ASCII-lower-cased copy, and the passage is made from the
    opening when it lies there (``_passage_lies_in_opening``). Only the
    other rows' whole texts are read, once each, as values (``body ||
    ''``: each mention of a long stored text reads it from storage again)
    in a subquery evaluated once a row, and only their passages' windows
    are kept and joined back to the rows: kept whole in CTEs of their own,
    the texts and their lower-cased copies were copied twice more."""
    d = SearchDocument

    def statement(page: Any, scope: _Scope) -> Select[Any]:
        read = (
            select(
                *_shown(page),
                d.body.label("body"),
                func.substr(d.body, 1, PASSAGE_OPENING).label("opening"),
            )
            .join_from(page, d, d.id == page.c.id)
            .cte("page_rows")
            .prefix_with("MATERIALIZED")
        )
        rows = _with_lowered(read, read.c.opening, "page_texts")
        inside = _passage_lies_in_opening(typed, rows.c.opening, rows.c.lowered)
        # Each other row's whole text, read once as a value (a fenced
        # subquery, evaluated once a row): only its passage's window is kept.
        whole = (
            select(rows.c.body.concat("").label("text")).correlate(rows).offset(0).lateral("whole")
        )
        lowered = func.lower(whole.c.text.collate("C"))
        windows = (
            select(rows.c.id, _passage_text(typed, whole.c.text, lowered).label("window"))
            .select_from(rows)
            .join(whole, true())
            .where(~inside)
            .cte("further_windows")
            .prefix_with("MATERIALIZED")
        )
        passage = case(
            (windows.c.id.is_(None), _passage_text(typed, rows.c.opening, rows.c.lowered)),
            else_=windows.c.window,
        )
        headline = func.ts_headline(_ENGLISH, passage, query, HEADLINE_OPTIONS)
        return _shown_with(rows, headline).join_from(
            rows, windows, windows.c.id == rows.c.id, isouter=True
        )

    return statement


# The page's rows with their passages, given the page's ids and places (a CTE
# of ``id`` and ``place``) and what the search may find: place, id, kind,
# title, url, context, date, passage.
_HitsStatement = Callable[[Any, "_Scope"], Select[Any]]
# The most recent matches, newest first (undated ones first), as id, kind,
# date and relevance, given the other conditions (access, filters), a limit,
# and the same conditions in the terms an engine's index can use (_Scope).
_CandidateStatement = Callable[[Sequence[ColumnElement[bool]], Any, "_Scope"], Select[Any]]


@dataclass(frozen=True)
class _Scope:
    """What a search may find, as an engine's text index can be asked it
    (SQLite's tags and rowid, migration a17c0de10024), its values bound at
    each search (``_parameters``): the audiences the reader may see and the
    kinds chosen as FTS5 conditions on the tags (the parameter ``tags``, or
    ``kind_tags`` with the kinds chosen: ``_scope_tags``), and whether a
    range of dates is asked (``since_order``, ``until_order``). Only ever
    wider than the conditions checked on each document."""

    tags: str = "tags"
    since: bool = False
    until: bool = False


def _newest_first(statement: Select[Any], dated: Any, key: Any, limit: Any) -> Select[Any]:
    return statement.order_by(dated.desc().nulls_first(), key.desc()).limit(limit)


def _candidates_postgresql(
    *, phrases: bool, excluded: bool, query: ColumnElement[Any]
) -> _CandidateStatement:
    """Reading the matches without reading long texts (migration
    a17c0de10021). ``lead_vector`` is the title and the first thousand
    characters of the text: its words are the full vector's, at the same
    places, so a search without a left-out word (``-word``) that it matches
    the full vector matches too. A match is looked for there first, and in
    the full vector (a long paper's is about 8 KB, kept apart from its row
    and read again at each use) only when the opening does not have it;
    each vector has its text index, so a rare word is still found through
    them. Relevance is ``ts_rank`` over ``lead_vector``: the first places a
    word appears weigh most in ``ts_rank`` in any case, and a text no longer
    than that ranks exactly as by its full vector.

    A phrase: the documents holding all its words are found through the
    full vector's text index (which holds no word positions; a phrase's
    words are seldom few enough for the planner to walk the dates instead),
    newest first, and only those are checked for the words in order, the
    opening first, until there are enough."""
    d = SearchDocument

    def holds(words: ColumnElement[Any]) -> ColumnElement[bool]:
        if excluded:
            return cast(ColumnElement[bool], _VECTOR.op("@@")(words))
        return or_(_LEAD.op("@@")(words), _VECTOR.op("@@")(words))

    def statement(where: Sequence[ColumnElement[bool]], limit: Any, scope: _Scope) -> Select[Any]:
        if not phrases:
            return _newest_first(
                select(d.id, d.kind, d.happened_on, func.ts_rank(_LEAD, query).label("rank")).where(
                    holds(query), *where
                ),
                d.happened_on,
                d.id,
                limit,
            )
        words = func.websearch_to_tsquery(_ENGLISH, bindparam("words", type_=String()))
        holding = (
            select(
                d.id,
                d.kind,
                d.happened_on,
                _LEAD.label("lead_vector"),
                _VECTOR.label("search_vector"),
            )
            # Through the full vector's text index alone: the opening's
            # would find a subset of the same documents, for as long again.
            .where(_VECTOR.op("@@")(words), *where)
            .order_by(d.happened_on.desc().nulls_first(), d.id.desc())
            # A fence: the phrase is checked outside this reading, in its order.
            .offset(0)
            .subquery("holding")
        )
        in_full = holding.c.search_vector.op("@@")(query)
        phrase = (
            in_full
            if excluded
            else case((holding.c.lead_vector.op("@@")(query), true()), else_=in_full)
        )
        return _newest_first(
            select(
                holding.c.id,
                holding.c.kind,
                holding.c.happened_on,
                func.ts_rank(holding.c.lead_vector, query).label("rank"),
            ).where(phrase),
            holding.c.happened_on,
            holding.c.id,
            limit,
        )

    return statement


# SQLite's FTS5 rowid (migration a17c0de10024): the date as YYYYMMDD (the
# undated after every date) times 2**32, plus the document's id, so FTS5
# gives a word's matches in the order a search keeps them, newest first.
_ORDER_STEP = 2**32
_UNDATED = 99_999_999


def sqlite_order(happened_on: date | None, key: int) -> int:
    """A document's place in SQLite's index (its FTS5 rowid)."""
    day = _UNDATED if happened_on is None else int(happened_on.strftime("%Y%m%d"))
    return day * _ORDER_STEP + key


_ROWID: ColumnElement[Any] = literal_column("search_index.rowid")
_ORDER: ColumnElement[int] = literal_column("search_documents.search_order")
# A match's document, by its place: through the index on the order, which
# holds every column a search checks, so the row itself (whose columns after
# a long text are read by walking the text's pages) is never read. The
# ``+`` keeps SQLite from starting from the documents and asking FTS5 for
# each one in turn (working out bm25's figures for the whole index each time).
_SQLITE_DOCUMENT = literal_column("search_documents.search_order") == literal_column(
    "+search_index.rowid"
)


def _tags(prefix: str, values: Sequence[str]) -> str:
    words = " OR ".join(f'"{prefix}{value.replace("_", "")}"' for value in values)
    return f" AND tags : ({words})"


def _scope_tags(audiences: frozenset[Audience] | None, kinds: Sequence[Kind]) -> str:
    """The audiences (None: all) and kinds (none: all) a search may find, as
    FTS5 conditions on the tags."""
    tags = ""
    if audiences is not None:
        tags += _tags("aud", sorted(audiences))
    if kinds:
        tags += _tags("kind", sorted(kinds))
    return tags


def _fts5_match(name: str, scope: _Scope) -> ColumnElement[bool]:
    """FTS5 asked for the expression bound as ``name`` (``_fts5_parameters``)
    within ``scope``'s tags."""
    asked = bindparam(name, type_=String()) + bindparam(scope.tags, type_=String())
    return cast(ColumnElement[bool], _FTS_NAME.op("MATCH")(asked))


def _fts5_parameters(parsed: ParsedQuery) -> dict[str, str]:
    """The FTS5 expressions a search on SQLite asks, by their parameters'
    names: its matches (``fts``: in the title and text, without what is
    left out); for ``_ranked_sqlite``, the documents whose title holds the
    words and phrases (``in_title``) and the long texts holding them only
    after their opening (``further_in``); for ``_hits_sqlite``, the
    documents holding them anywhere (``anywhere``)."""
    positive = parsed.fts5_positive()
    return {
        "fts": parsed.fts5(),
        "in_title": f"{{title}} : {positive}",
        "further_in": (
            f"({{title body}} : {positive}) AND tags : textlong NOT ({{title lead}} : {positive})"
        ),
        "anywhere": f"{{title lead body}} : {positive}",
    }


def _checked_only(element: Any) -> Any:
    """A column of the documents as ``+column``: SQLite checks a condition on
    it but chooses no index by it. A subquery is left as it is."""
    if isinstance(element, ScalarSelect):
        return element
    if isinstance(element, Column) and element.table is SearchDocument.__table__:
        return literal_column(f"+{element.table.name}.{element.name}", type_=element.type)
    return None


def _candidates_sqlite() -> _CandidateStatement:
    """FTS5 gives the matches in its rowid's order, which follows the
    documents' (``sqlite_order``): read backwards, newest first, it stops
    once there are enough, however many match. FTS5 is asked only for the
    audiences the reader may see and the kinds chosen (the tags), and for
    the dates chosen (a range of its rowid), so it does not walk past the
    rest; the exact conditions are then checked on each document, found by
    its place in the index on the order, which holds every column they
    read (``_SQLITE_DOCUMENT``), and never used to choose another index (a
    ``+`` before each column): SQLite otherwise looked each match's document
    up through the index on the audience and the date, a range for every
    match. The relevance is worked out afterwards, for the matches kept
    only (``_ranked_sqlite``): until then a match's ``rank`` is its place
    in FTS5 (its rowid), which that reads."""
    d = SearchDocument
    rank = _ROWID.label("rank")
    base = select().select_from(_FTS.join(d, _SQLITE_DOCUMENT))

    def statement(where: Sequence[ColumnElement[bool]], limit: Any, scope: _Scope) -> Select[Any]:
        within: list[ColumnElement[bool]] = []
        rowid = _ROWID
        if scope.since:
            within.append(rowid >= bindparam("since_order", type_=Integer()))
        if scope.until:
            within.append(rowid < bindparam("until_order", type_=Integer()))
        return (
            base.add_columns(d.id, d.kind, d.happened_on, rank)
            .where(
                _fts5_match("fts", scope),
                *within,
                *(cast(Any, replacement_traverse)(w, {}, _checked_only) for w in where),
            )
            .order_by(_ROWID.desc())
            .limit(limit)
        )

    return statement


# How relevant a match is on SQLite (``_ranked_sqlite``).
_IN_TITLE, _IN_OPENING, _FURTHER_IN = 2, 1, 0


def _ranked_sqlite() -> _RankStatement:
    """The matches kept, with their relevance: in the title (the words,
    every one, are in it), in the opening (the title and the first 1,000
    characters of the text hold them), or only further in. PostgreSQL ranks
    by ``ts_rank`` over the same opening (``lead_vector``), where the title
    weighs most and the rest of the text nothing.

    FTS5's own ``bm25`` counted every document holding each word once a
    statement (about 10 ms for a word in 200,000 documents), however few
    matches were kept. Here FTS5 answers two small questions instead, each
    read only between the oldest and the newest match kept (a range of its
    rowid) and only for the audiences and kinds asked: which documents hold
    the words in their title, and which long texts hold them only after
    their opening (the column ``lead``, migration a17c0de10026). Neither
    reads a document or counts anything beyond that range."""

    def statement(chosen: Any, scope: _Scope) -> Any:
        # The candidates' rank is their place in FTS5 (_candidates_sqlite).
        order = chosen.c.rank
        lowest = select(func.min(order)).scalar_subquery()
        highest = select(func.max(order)).scalar_subquery()

        def holding(name: str) -> Select[Any]:
            return (
                select(_ROWID)
                .select_from(_FTS)
                .where(_fts5_match(name, scope), _ROWID.between(lowest, highest))
            )

        in_title = holding("in_title")
        further_in = holding("further_in")
        rank = case(
            (order.in_(in_title), _IN_TITLE),
            (order.in_(further_in), _FURTHER_IN),
            else_=_IN_OPENING,
        )
        return select(chosen.c.id, chosen.c.kind, chosen.c.happened_on, rank.label("rank")).cte(
            "ranked"
        )

    return statement


def _ranked_as_read(chosen: Any, scope: _Scope) -> Any:
    """PostgreSQL's matches come with their relevance (``ts_rank``)."""
    return chosen


# The matches kept with their relevance, given them (a CTE of id, kind,
# date and rank) and what the search may find.
_RankStatement = Callable[[Any, _Scope], Any]


@dataclass(frozen=True)
class _Engine:
    # The documents to search, and the condition that they match.
    base: Select[Any]
    match: ColumnElement[bool]
    candidates: _CandidateStatement
    hits: _HitsStatement
    ranked: _RankStatement = _ranked_as_read


@dataclass(frozen=True)
class _Shape:
    """What a search's statement is made of, beyond the values bound at each
    search (``_parameters``): the engine; how many words and phrases its
    passages look for as typed, and whether there are phrases and words
    left out (PostgreSQL's only: SQLite is asked them in FTS5's expressions,
    bound whole); who is looking (``_grants``); whether kinds are chosen;
    the other filters set; whether the newest come first rather than the
    most relevant. Each shape's statement is built once a process
    (``_statement``): building it (and SQLAlchemy's compiling it) at each
    search took about 6 ms of CPU, as long as PostgreSQL took to answer a
    rare word."""

    postgresql: bool
    typed: int
    phrases: bool
    excluded: bool
    grants: _Grants | None
    kinds: bool
    filters: tuple[str, ...]
    newest: bool = False


def _shape(
    parsed: ParsedQuery, viewer: Viewer, filters: Filters, *, newest: bool = False
) -> _Shape:
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    return _Shape(
        postgresql=postgresql,
        typed=len(_typed(parsed)) if postgresql else 0,
        phrases=postgresql and bool(parsed.phrases),
        excluded=postgresql and bool(parsed.excluded),
        grants=_grants(viewer),
        kinds=bool(filters.kinds),
        filters=_filters_set(filters),
        newest=newest,
    )


def _parameters(parsed: ParsedQuery, viewer: Viewer, filters: Filters) -> dict[str, Any]:
    """The values a search's statement is run with: the words, in each
    engine's terms; the viewer's day and ids; the filters; the bound on the
    matches."""
    audiences = audiences_of(viewer)
    found: dict[str, Any] = {
        "query": parsed.websearch(),
        "words": parsed.words_websearch(),
        **{f"typed_{n}": words for n, words in enumerate(_typed(parsed))},
        **_fts5_parameters(parsed),
        "tags": _scope_tags(audiences, ()),
        "kind_tags": _scope_tags(audiences, filters.kinds),
        **_viewer_parameters(viewer),
        "kinds": list(filters.kinds),
        "limit": MAX_RESULTS + 1,
        "max_results": MAX_RESULTS,
    }
    found.update((name, getattr(filters, name)) for name in _filters_set(filters))
    if filters.since is not None:
        found["since_order"] = sqlite_order(filters.since, 0)
    if filters.until is not None:
        found["until_order"] = sqlite_order(filters.until, _ORDER_STEP)
    return found


def _engine(shape: _Shape) -> _Engine:
    """The engine's parts of a search of ``shape``: the words are bound at
    each search (``_parameters``), as ``query`` (PostgreSQL's
    ``websearch_to_tsquery`` text) or ``fts`` (FTS5's expression)."""
    d = SearchDocument
    if shape.postgresql:
        query = func.websearch_to_tsquery(_ENGLISH, bindparam("query", type_=String()))
        return _Engine(
            base=select().select_from(d),
            match=_VECTOR.op("@@")(query),
            candidates=_candidates_postgresql(
                phrases=shape.phrases, excluded=shape.excluded, query=query
            ),
            hits=_hits_postgresql(shape.typed, query),
        )
    return _Engine(
        base=select().select_from(_FTS.join(d, _SQLITE_DOCUMENT)),
        match=_FTS_NAME.op("MATCH")(bindparam("fts", type_=String())),
        candidates=_candidates_sqlite(),
        hits=_hits_sqlite(),
        ranked=_ranked_sqlite(),
    )


def _hits_sqlite() -> _HitsStatement:
    """The page's rows with their passages. FTS5's ``snippet()`` is made
    only in a query that matches, with FTS5's cursor on the row. Asked for
    each of the page's documents by its place (``rowid = ?``), FTS5 sets
    up the whole search again each time, finding its place in each word's
    list of documents: about 0.4 ms a row for a common word and 1.3 ms for
    a phrase of three. So FTS5 is asked once, for its matches between the
    page's first and last place (only in the audiences and kinds asked, as
    the matches were), and the passages are made only for the page's rows
    among them (``+rowid``: a check on each row, never a look-up).

    Asked for the best passage of any column, ``snippet()`` reads every
    word of every column: a whole paper. So a long text's passage is taken
    from its opening (the column ``lead``, migration a17c0de10026: nothing
    for a short text) when the opening holds a word searched for, and only
    otherwise from the title and the whole text."""
    d = SearchDocument
    in_opening = func.snippet(_FTS_NAME, 1, START, STOP, "…", 24)
    snippet = case(
        (func.instr(in_opening, START) > 0, in_opening),
        else_=func.snippet(_FTS_NAME, -1, START, STOP, "…", 24),
    )

    def statement(page: Any, scope: _Scope) -> Select[Any]:
        rows = (
            select(*_shown(page), _ORDER.label("search_order"))
            .select_from(page)
            .join(d, d.id == page.c.id)
            .cte("page_rows")
            .prefix_with("MATERIALIZED")
        )
        places = select(rows.c.search_order)
        passages = (
            select(_ROWID.label("search_order"), snippet.label("passage"))
            .select_from(_FTS)
            .where(
                _fts5_match("anywhere", scope),
                _ROWID.between(
                    select(func.min(rows.c.search_order)).scalar_subquery(),
                    select(func.max(rows.c.search_order)).scalar_subquery(),
                ),
                literal_column("+search_index.rowid").in_(places),
            )
            .cte("passages")
            .prefix_with("MATERIALIZED")
        )
        return _shown_with(rows, passages.c.passage).join_from(
            rows, passages, passages.c.search_order == rows.c.search_order
        )

    return statement


@dataclass(frozen=True)
class Hit:
    kind: Kind
    title: str
    url: str
    context: str | None
    happened_on: date | None
    passage: Markup


def highlight(text: str | None) -> Markup:
    """The passage escaped, with the engine's markers (never in stored text)
    turned into ``<mark>``: whatever the text holds, only the marks are HTML."""
    out: list[str] = []
    for part in re.split(f"({START}.*?{STOP})", text or "", flags=re.DOTALL):
        if part.startswith(START) and part.endswith(STOP):
            out.append(f"<mark>{escape(part[1:-1])}</mark>")
        else:
            out.append(str(escape(part.replace(START, "").replace(STOP, ""))))
    return Markup("".join(out))  # noqa: S704 (every part escaped above)


class ResultPage(Pagination):
    """A page of hits: the total comes from the counts per kind."""

    def _query_items(self) -> list[Any]:
        fetch = self._query_args["fetch"]
        return list(fetch(self._query_offset, self.per_page))

    def _query_count(self) -> int:
        total: int = self._query_args["total"]
        return total


@dataclass
class Results:
    parsed: ParsedQuery
    page: ResultPage | None = None
    counts: dict[Kind, int] = field(default_factory=dict)
    suggestion: str | None = None
    # More matched than a search ranks (MAX_RESULTS): the counts per kind
    # are not shown, and the results are the most recent matches.
    capped: bool = False
    # More matched the kinds chosen than a search ranks.
    more: bool = False

    @property
    def total(self) -> int:
        return self.page.total if self.page is not None and self.page.total else 0


@functools.lru_cache(maxsize=256)
def _statement(shape: _Shape) -> CompoundSelect[Any]:
    """The whole search in one statement: the most recent MAX_RESULTS + 1
    matches (a CTE, read once), their counts per kind, the matches of the
    kinds chosen (with a kind filter: read first, with the kinds, and every
    kind's matches only when the kinds chosen have no more than are ranked,
    as only then are they counted), ranked, and the page's rows with their
    passages. Only the counts and the page's rows come back, not the
    thousand matches (``_read``). Built once for each ``shape``; every value
    is bound (``_parameters``, and the page's ``offset`` and ``per_page``)."""
    engine = _engine(shape)
    where = [_visible(shape.grants), *_filter_conditions(shape.filters)]
    scope = _Scope(since="since" in shape.filters, until="until" in shape.filters)
    limit = bindparam("limit", type_=Integer())
    most = bindparam("max_results", type_=Integer())
    kinds_scope = scope
    every_kind = where
    if shape.kinds:
        kinds_scope = replace(scope, tags="kind_tags")
        chosen = (
            engine.candidates([*where, _kinds_chosen(SearchDocument.kind)], limit, kinds_scope)
            .cte("chosen")
            .prefix_with("MATERIALIZED")
        )
        # Every kind's matches are read only to be counted by kind, which a
        # page shows only when there are no more than it ranks: not at all
        # when the kinds chosen alone have more (a condition evaluated once).
        chosen_n = select(func.count()).select_from(chosen).scalar_subquery()
        every_kind = [*where, chosen_n <= most]
    matches = engine.candidates(every_kind, limit, scope).cte("matches").prefix_with("MATERIALIZED")
    matched = select(func.count()).select_from(matches).scalar_subquery()
    if not shape.kinds:
        chosen, chosen_n = matches, matched
    ranked = engine.ranked(chosen, kinds_scope)
    order = _newest_first_shown if shape.newest else _by_relevance
    hits = engine.hits(_page(ranked, most, chosen_n, order), kinds_scope).subquery("hits")
    # Counted by kind only when every match was read: a page shows the
    # counts only then (a condition evaluated once).
    counted = (
        select(
            literal("kind").label("tag"),
            func.count().label("n"),
            matches.c.kind.label("kind"),
            *_nulls(),
        )
        .where(matched <= most)
        .group_by(matches.c.kind)
    )
    return select(
        literal("matched").label("tag"), matched.label("n"), literal(None, String), *_nulls()
    ).union_all(
        select(
            literal("chosen").label("tag"),
            chosen_n,
            literal(None, String),
            *_nulls(),
        ),
        counted,
        select(
            literal("hit"),
            hits.c.place,
            hits.c.kind,
            hits.c.id,
            hits.c.title,
            hits.c.url,
            hits.c.context,
            hits.c.happened_on,
            hits.c.passage,
        ),
    )


def _run(statement: Any, parameters: dict[str, Any]) -> Any:
    """The rows of a search's ``statement``, as plain Core rows fetched at
    once, the session's pending changes flushed first (as a query through
    the session would), and never prepared (``_planned_each_time``)."""
    with _planned_each_time():
        return core_rows(statement, parameters)


@contextmanager
def _planned_each_time() -> Iterator[None]:
    """PostgreSQL plans the search for the values it is given. psycopg
    prepares a statement it has sent five times on a connection, and
    PostgreSQL may then plan it once for any values: the same for a
    visitor as for the secretariat, for "this year" as for ten years, by
    the text index or by the dates whatever the words. Such a plan took 40
    to 60 ms where each search's own took 5 to 10. So the search is never
    prepared; every other statement is as before."""
    connection: Any = db.session.connection().connection.driver_connection
    if not hasattr(connection, "prepare_threshold"):
        yield
        return
    kept = connection.prepare_threshold
    connection.prepare_threshold = None
    try:
        yield
    finally:
        connection.prepare_threshold = kept


def _by_relevance(rows: Any) -> tuple[Any, ...]:
    """Most relevant first, then the most recent (undated last), then the
    newest record."""
    return (rows.c.rank.desc(), rows.c.happened_on.desc().nulls_last(), rows.c.id.desc())


def _newest_first_shown(rows: Any) -> tuple[Any, ...]:
    """The most recent first (undated last: an authority, a person), then
    the newest record."""
    return (rows.c.happened_on.desc().nulls_last(), rows.c.id.desc())


def _page(
    chosen: Any, most: Any, held: Any, order: Callable[[Any], tuple[Any, ...]] = _by_relevance
) -> Any:
    """The page's ids and places: the most recent ``most`` (MAX_RESULTS) of
    ``chosen`` (``held``: how many it holds), in ``order`` (``_by_relevance``
    or ``_newest_first_shown``); the page's ``offset`` and ``per_page`` bound.

    ``chosen`` holds at most ``most`` + 1 matches, the most recent, so only
    its oldest is left out when it holds more (found in one pass, not by
    numbering them all in date order), and the page's rows are the top of
    the rest by relevance (a sort that keeps only ``offset`` + ``per_page``
    rows), numbered after."""
    oldest = (
        select(chosen.c.id)
        .order_by(chosen.c.happened_on.asc().nulls_last(), chosen.c.id.asc())
        .limit(1)
        .scalar_subquery()
    )
    top = (
        select(chosen.c.id, chosen.c.rank, chosen.c.happened_on)
        .where(or_(held <= most, chosen.c.id != oldest))
        .order_by(*order(chosen))
        .offset(bindparam("offset", type_=Integer()))
        .limit(bindparam("per_page", type_=Integer()))
        .subquery("top")
    )
    place = func.row_number().over(order_by=order(top))
    return select(top.c.id, place.label("place")).cte("page")


def _read(rows_found: Any) -> tuple[dict[Kind, int], int, int, list[Hit]]:
    """The search's rows: the counts, then the page's hits in their places."""
    counts: dict[Kind, int] = {}
    found = chosen_n = 0
    rows: list[Any] = []
    for row in rows_found:
        if row[0] == "kind":
            counts[Kind(row[2])] = row[1]
        elif row[0] == "matched":
            found = row[1]
        elif row[0] == "chosen":
            chosen_n = row[1]
        else:
            rows.append(row)
    rows.sort(key=lambda row: row[1])
    page_hits = [
        Hit(Kind(kind), title, url, context, happened_on, highlight(passage))
        for _, _, kind, _, title, url, context, happened_on, passage in rows
    ]
    return counts, found, chosen_n, page_hits


def _nulls() -> list[ColumnElement[Any]]:
    """The page's columns, empty, in a row of counts."""
    return [
        literal(None, Integer),
        literal(None, String),
        literal(None, String),
        literal(None, String),
        literal(None, Date),
        literal(None, String),
    ]


def search(
    text: str,
    *,
    viewer: Viewer,
    filters: Filters,
    page: int = 1,
    per_page: int = 20,
    newest: bool = False,
) -> Results:
    """Find what ``viewer`` may see: counts per kind (before the kind filter)
    and one page of hits, the most relevant first (or, with ``newest``, the
    most recent). At most the MAX_RESULTS most recent matches are
    counted and ranked, so a word in every response of ten years costs what
    a rarer one does: one statement (the matches, their counts, the kinds
    chosen, the ranking and the page's passages: ``_statement``), however many
    match."""
    parsed = parse(text)
    results = Results(parsed=parsed)
    if parsed.empty:
        return results
    page = max(1, min(page, MAX_PAGE))
    parameters = _parameters(parsed, viewer, filters)
    parameters.update(offset=(page - 1) * per_page, per_page=per_page)
    counts, matched, chosen, hits = _read(
        _run(_statement(_shape(parsed, viewer, filters, newest=newest)), parameters)
    )
    results.more = chosen > MAX_RESULTS
    # With more of the kinds chosen than are ranked, the rest were not read
    # (``_statement``): there are more of every kind too.
    results.capped = matched > MAX_RESULTS or results.more
    if not results.capped:
        results.counts = counts
    total = min(chosen, MAX_RESULTS)
    results.page = ResultPage(
        page=page,
        per_page=per_page,
        max_per_page=per_page,
        error_out=False,
        count=True,
        fetch=lambda offset, limit: hits,
        total=total,
    )
    if not total and len(parsed.terms) == 1 and not parsed.phrases:
        results.suggestion = suggest(parsed.terms[0], viewer=viewer, filters=filters)
    return results


# "Did you mean" ----------------------------------------------------------------------


def distance(a: str, b: str) -> int:
    """Levenshtein distance, with a swap of two neighbours counting once."""
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous_previous[j - 2] + 1)
            current.append(cost)
        previous_previous, previous = previous, current
    return previous[-1]


def suggest(word: str, *, viewer: Viewer, filters: Filters, tries: int = 3) -> str | None:
    """The nearest word in the index that would find something the viewer
    may see: one or two letters out (one for short words), same first letter."""
    if len(word) < 3 or not word.isalpha():
        return None
    allowed = 1 if len(word) <= 4 else 2
    first = word[0]
    candidates = db.session.execute(
        select(Word.word).where(
            Word.word >= first,
            Word.word < chr(ord(first) + 1),
            func.length(Word.word).between(len(word) - allowed, len(word) + allowed),
            Word.word != word,
        )
    ).scalars()
    near = sorted((d, w) for w in candidates if (d := distance(word, w)) <= allowed)
    for _, candidate in near[:tries]:
        parsed = ParsedQuery(terms=(candidate,))
        found = db.session.execute(
            _finds_any(_shape(parsed, viewer, filters)), _parameters(parsed, viewer, filters)
        ).first()
        if found is not None:
            return candidate
    return None


@functools.lru_cache(maxsize=64)
def _finds_any(shape: _Shape) -> Select[Any]:
    """One document that a search of ``shape`` finds, if any (its values bound:
    ``_parameters``)."""
    engine = _engine(shape)
    kinds = [_kinds_chosen(SearchDocument.kind)] if shape.kinds else []
    return (
        engine.base.add_columns(SearchDocument.id)
        .where(engine.match, _visible(shape.grants), *_filter_conditions(shape.filters), *kinds)
        .limit(1)
    )


@functools.cache
def _options() -> CompoundSelect[int, int, str]:
    which: ColumnElement[int] = literal_column("which")
    return (
        select(literal(0).label("which"), Department.id, Department.name)
        .union_all(select(literal(1).label("which"), Authority.id, Authority.name))
        .order_by(which, literal_column("name"))
    )


def filter_options() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The departments and authorities a search can be narrowed to, each in
    order of name (one statement, built once, its 330-odd rows read as
    plain rows at once: through the ORM, one at a time, they took twice as
    long)."""
    departments: list[tuple[int, str]] = []
    authorities: list[tuple[int, str]] = []
    for kind, key, name in core_rows(_options()):
        (authorities if kind else departments).append((key, name))
    return departments, authorities
