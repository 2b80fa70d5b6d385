"""The summary's figures, kept as responses are signed off.

A summary counts a consultation's signed-off answers four ways (overall, by
the control each response recorded, by type and by region) and its tagged
comments by theme. Counting them from the answers on every reading costs
what a GROUP BY over every answer costs, whoever asks and however often.
Instead each flush that changes what a signed-off response says (a
sign-off, an amendment, a withdrawal, a letter, an answer or theme changed,
a response deleted) adds the difference to two tables, ``summary_tallies``
and ``theme_tallies``, in the same transaction: the response's part is read
before the flush writes and again after, and only the difference is added
(an upsert that adds, so concurrent sign-offs each add their own part).

Both readings, the difference and a whole recount come from the same two
statements (``_summed`` and ``_tagged``), so what is kept is what a count
from the answers would give. A change to an authority's type, region or
population counts its consultations again. Statements that bypass the
session's objects say what they change through ``changing`` (or, after an
import, ``recount``; ``flask summaries recount`` recounts everything).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    delete,
    event,
    func,
    inspect,
    literal,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from commission.consultations.models import Answer, Consultation, Question, Response
from commission.membership.models import Authority
from commission.summaries.models import AnswerTag, AnswerTally, KeptComment, ThemeTally

PENDING = "summary_tallies_pending"
# The splits a tally is kept for, with the column of each one's groups.
SPLITS = ("overall", "by_control", "by_type", "by_region")
# What a signed-off answer's part in the figures depends on.
ANSWER_COLUMNS = ("submitted_position", "submitted_comment", "response_id", "question_id")
RESPONSE_COLUMNS = ("submitted_at", "control_at_submission", "authority_id", "consultation_id")
AUTHORITY_COLUMNS = ("kind", "region", "population")

TALLIES = cast(Table, AnswerTally.__table__)
THEMES = cast(Table, ThemeTally.__table__)
COMMENTS = cast(Table, KeptComment.__table__)


def _text(column: Any) -> Any:
    """A column's stored text, "" for none: the keys of a tally."""
    return func.coalesce(sa.type_coerce(column, sa.String()), "")


def _summed(where: ColumnElement[bool]) -> Any:
    """The signed-off answers of the responses ``where`` picks, counted by
    consultation, question, split, group and position: the overall counts
    take every answer that says something (a comment without a position
    counts as a comment), the splits only those with a position. An answer
    that says nothing counts nowhere, as a flush that writes one notes
    nothing."""
    text = sa.String()
    answers = (
        select(
            Response.consultation_id.label("consultation"),
            Answer.question_id.label("question"),
            _text(Answer.submitted_position).label("position"),
            _text(Response.control_at_submission).label("by_control"),
            _text(Authority.kind).label("by_type"),
            _text(Authority.region).label("by_region"),
            func.coalesce(Authority.population, 0).label("people"),
            sa.case((Answer.submitted_comment.is_not(None), 1), else_=0).label("commented"),
        )
        .join(Response, Response.id == Answer.response_id)
        .join(Authority, Authority.id == Response.authority_id)
        .where(
            Response.submitted_at.is_not(None),
            sa.or_(Answer.submitted_position.is_not(None), Answer.submitted_comment.is_not(None)),
            where,
        )
        .cte("signed_off")
        .prefix_with("MATERIALIZED")
    )
    c = answers.c

    def counted(split: str) -> Any:
        group = literal("", text) if split == "overall" else c[split]
        statement = select(
            c.consultation,
            c.question,
            literal(split, text),
            group,
            c.position,
            func.count(),
            func.sum(c.people),
            func.sum(c.commented) if split == "overall" else literal(0, sa.Integer()),
        ).group_by(c.consultation, c.question, c.position)
        if split != "overall":
            statement = statement.where(c.position != "").group_by(group)
        return statement

    return sa.union_all(*(counted(split) for split in SPLITS))


def _tagged(where: ColumnElement[bool]) -> Any:
    """The tagged signed-off answers of the responses ``where`` picks, counted
    by consultation, theme, question and position."""
    position = _text(Answer.submitted_position)
    return (
        select(
            Response.consultation_id,
            AnswerTag.tag_id,
            Answer.question_id,
            position,
            func.count(),
        )
        .join(Answer, Answer.id == AnswerTag.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.submitted_at.is_not(None), where)
        .group_by(Response.consultation_id, AnswerTag.tag_id, Answer.question_id, position)
    )


def _commented(where: ColumnElement[bool]) -> Any:
    """The signed-off comments of the responses ``where`` picks, as the
    quotations rank them: question, theme (0 for the question's own
    ranking, then once for each theme the comment is tagged with), answer,
    length and council."""

    def ranked(tag: Any, *tagged: Any) -> Any:
        statement = select(
            Answer.question_id,
            tag,
            Answer.id,
            func.length(Answer.submitted_comment),
            Response.authority_id,
        )
        for join in tagged:
            statement = statement.join(*join)
        return statement.join(Response, Response.id == Answer.response_id).where(
            Response.submitted_at.is_not(None), Answer.submitted_comment.is_not(None), where
        )

    return sa.union_all(
        ranked(literal(0, sa.Integer())),
        ranked(AnswerTag.tag_id, (AnswerTag, AnswerTag.answer_id == Answer.id)),
    )


def recount(connection: Connection, consultation_ids: Iterable[int] | None = None) -> None:
    """Count the consultations' figures again from their answers (every
    consultation's, without ``consultation_ids``)."""
    tallies, themes, comments = TALLIES, THEMES, COMMENTS
    if consultation_ids is None:
        where: ColumnElement[bool] = sa.true()
        connection.execute(delete(tallies))
        connection.execute(delete(themes))
        connection.execute(delete(comments))
    else:
        ids = sorted(set(consultation_ids))
        if not ids:
            return
        where = Response.consultation_id.in_(ids)
        connection.execute(delete(tallies).where(tallies.c.consultation_id.in_(ids)))
        connection.execute(delete(themes).where(themes.c.consultation_id.in_(ids)))
        connection.execute(
            delete(comments).where(
                comments.c.question_id.in_(
                    select(Question.id).where(Question.consultation_id.in_(ids))
                )
            )
        )
    tally_columns = [
        "consultation_id",
        "question_id",
        "split",
        "grp",
        "position",
        "answers",
        "people",
        "comments",
    ]
    # Written in key order, so that each consultation's rows lie together.
    summed = _summed(where).subquery("summed")
    connection.execute(
        tallies.insert().from_select(tally_columns, select(summed).order_by(*list(summed.c)[:5]))
    )
    theme_columns = ["consultation_id", "tag_id", "question_id", "position", "answers"]
    tagged = _tagged(where).subquery("tagged")
    connection.execute(
        themes.insert().from_select(theme_columns, select(tagged).order_by(*list(tagged.c)[:4]))
    )
    commented = _commented(where).subquery("commented")
    connection.execute(
        comments.insert().from_select(
            [column.name for column in comments.columns],
            select(commented).order_by(*list(commented.c)[:3]),
        )
    )


@functools.cache
def _of_responses() -> tuple[Any, Any, Any]:
    """``_summed``, ``_tagged`` and ``_commented`` of the responses given as
    ``ids``, built once: a sign-off reads them twice, and building them
    would be most of the work of reading them."""
    where = Response.id.in_(sa.bindparam("ids", expanding=True))
    return _summed(where), _tagged(where), _commented(where)


# The counted columns of each table, which an upsert adds to; a table's key
# is its primary key, in the order ``_summed`` and ``_tagged`` give it.
COUNTS = {"summary_tallies": ("answers", "people", "comments"), "theme_tallies": ("answers",)}
TABLES = (TALLIES, THEMES)


def _key_of(table: Table) -> tuple[str, ...]:
    return tuple(column.name for column in table.primary_key.columns)


class _Parts:
    """What some responses contribute to the figures, read at one moment:
    for each table, its counts by key."""

    def __init__(self, connection: Connection, response_ids: set[int]) -> None:
        self.rows: dict[str, dict[tuple[Any, ...], tuple[int, ...]]] = {
            table.name: {} for table in (*TABLES, COMMENTS)
        }
        if not response_ids:
            return
        ids = {"ids": sorted(response_ids)}
        for table, statement in zip((*TABLES, COMMENTS), _of_responses(), strict=True):
            width = len(table.primary_key.columns)
            values = self.rows[table.name]
            for row in connection.execute(statement, ids):
                values[tuple(row[:width])] = tuple(int(n or 0) for n in row[width:])


def _difference(before: _Parts, after: _Parts, left_out: set[int]) -> dict[Table, list[Any]]:
    """The rows to add to each table (what ``after`` has that ``before`` had
    not), in key order so that concurrent transactions lock rows in the same
    order; consultations ``left_out`` (being deleted) are skipped."""
    changes: dict[Table, list[Any]] = {}
    for table in TABLES:
        names = _key_of(table) + COUNTS[table.name]
        old_rows, new_rows = before.rows[table.name], after.rows[table.name]
        nothing = (0,) * len(COUNTS[table.name])
        rows = changes[table] = []
        for key in sorted(old_rows.keys() | new_rows.keys()):
            if key[0] in left_out:
                continue
            old, new = old_rows.get(key, nothing), new_rows.get(key, nothing)
            change = tuple(n - o for n, o in zip(new, old, strict=True))
            if any(change):
                rows.append(dict(zip(names, key + change, strict=True)))
    return changes


@functools.cache
def _adding(dialect: str, table: Table) -> Any:
    """An insert into ``table`` that, for a row already there, adds to its
    counts (built once per table and database)."""
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return statement.on_conflict_do_update(
        index_elements=[column.name for column in table.primary_key.columns],
        set_={name: table.c[name] + statement.excluded[name] for name in COUNTS[table.name]},
    )


def _add(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(_adding(connection.dialect.name, table), rows)


def _apply(connection: Connection, before: _Parts, after: _Parts, left_out: set[int]) -> None:
    for table, rows in _difference(before, after, left_out).items():
        _add(connection, table, rows)
    _replace_comments(connection, before.rows[COMMENTS.name], after.rows[COMMENTS.name])


def _replace_comments(
    connection: Connection,
    before: dict[tuple[Any, ...], tuple[int, ...]],
    after: dict[tuple[Any, ...], tuple[int, ...]],
) -> None:
    """The kept comments that went or changed are deleted, and those that
    came or changed are written, in key order. Each row is one answer's, so
    transactions signing off different responses never meet on a row (one
    response's are kept in order by its version)."""
    key = _key_of(COMMENTS)
    gone = [
        {f"kept_{name}": value for name, value in zip(key, k, strict=True)}
        for k in sorted(before)
        if after.get(k) != before[k]
    ]
    if gone:
        c = COMMENTS.c
        connection.execute(
            delete(COMMENTS).where(*(c[name] == sa.bindparam(f"kept_{name}") for name in key)),
            gone,
        )
    names = [column.name for column in COMMENTS.columns]
    came = [
        dict(zip(names, k + v, strict=True)) for k, v in sorted(after.items()) if before.get(k) != v
    ]
    if came:
        connection.execute(COMMENTS.insert(), came)


@contextmanager
def changing(connection: Connection, response_ids: Iterable[int]) -> Iterator[None]:
    """Keep the figures right around statements that change the responses'
    answers or themes without the session's objects (a bulk delete)."""
    ids = set(response_ids)
    before = _Parts(connection, ids)
    yield
    _apply(connection, before, _Parts(connection, ids), set())


# Keeping them current at each flush -----------------------------------------------


def _changed(target: Any, columns: tuple[str, ...]) -> bool:
    attrs = inspect(target).attrs
    return any(attrs[name].history.has_changes() for name in columns)


class _Pending:
    """What one flush changes: responses whose part is read before it
    writes, records whose response is known only after (new ones), answers
    whose response is to be looked up, and authorities whose figures are to
    be counted again."""

    def __init__(self) -> None:
        self.response_ids: set[int] = set()
        self.later: list[Any] = []
        self.answer_ids: set[int] = set()
        self.authority_ids: set[int] = set()
        self.deleted_consultations: set[int] = set()
        self.before: _Parts | None = None

    def note(self, target: Any, *, new: bool, deleted: bool) -> None:
        if isinstance(target, Response):
            if new:
                if target.submitted_at is not None:
                    self.later.append(target)
            elif (
                deleted
                or _changed(target, RESPONSE_COLUMNS)
                # an answer taken out of the response, which the flush deletes
                or inspect(target).attrs.answers.history.deleted
            ):
                self.response_ids.add(target.id)
        elif isinstance(target, Answer):
            if new:
                if target.submitted_position is not None or target.submitted_comment is not None:
                    self.later.append(target)
                    self._stored_response(target)
            elif deleted or _changed(target, ANSWER_COLUMNS):
                self.response_ids.add(target.response_id)
                self.later.append(target)  # it may have moved to another response
        elif isinstance(target, AnswerTag):
            if target.answer_id is not None:
                self.answer_ids.add(target.answer_id)
            else:  # on an answer written by this flush
                self.later.append(target)
                answer = target.__dict__.get("answer")
                if answer is not None:
                    self._stored_response(answer)
        elif isinstance(target, Authority):
            if not new and not deleted and _changed(target, AUTHORITY_COLUMNS):
                self.authority_ids.add(target.id)
        elif isinstance(target, Consultation) and deleted:
            self.deleted_consultations.add(target.id)

    def _stored_response(self, answer: Answer) -> None:
        """An answer being written into a response already stored (an
        amendment answering a question the response had skipped): that
        response's part is read before the flush too, or what it had
        already would be added again."""
        if answer.id is not None:  # stored already: its response is looked up
            self.answer_ids.add(answer.id)
            return
        response_id = answer.response_id
        if response_id is None:
            response = answer.__dict__.get("response")
            response_id = None if response is None else response.id
        if response_id is not None:
            self.response_ids.add(response_id)

    def responses_after(self, connection: Connection) -> set[int]:
        ids = set(self.response_ids)
        answers: set[int] = set()
        for target in self.later:
            if isinstance(target, Response):
                ids.add(target.id)
            elif isinstance(target, Answer):
                if target.response_id is not None:
                    ids.add(target.response_id)
                elif target.response is not None:
                    ids.add(target.response.id)
            elif isinstance(target, AnswerTag) and target.answer_id is not None:
                answers.add(target.answer_id)
        return ids | _responses_of_answers(connection, answers)


def _responses_of_answers(connection: Connection, answer_ids: set[int]) -> set[int]:
    if not answer_ids:
        return set()
    return set(
        connection.execute(
            select(Answer.response_id).where(Answer.id.in_(sorted(answer_ids)))
        ).scalars()
    )


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    pending = _Pending()
    # Each of these makes a new set when asked: asked once, not per record.
    new, deleted = session.new, session.deleted
    for target in chain(new, session.dirty, deleted):
        pending.note(target, new=target in new, deleted=target in deleted)
    if not (pending.response_ids or pending.later or pending.answer_ids or pending.authority_ids):
        return
    connection = session.connection()
    pending.response_ids |= _responses_of_answers(connection, pending.answer_ids)
    pending.before = _Parts(
        connection, {i for i in pending.response_ids if _counted_before(session, i)}
    )
    session.info.setdefault(PENDING, []).append(pending)


def _counted_before(session: Session, response_id: int) -> bool:
    """False when the response is known not to have been signed off before
    this flush (a first sign-off): it had no part to read. True when it was,
    or when the session does not know."""
    response = session.identity_map.get(identity_key(Response, response_id))
    if response is None:
        return True
    history = inspect(response).attrs.submitted_at.history
    old = history.deleted or history.unchanged
    return not old or old[0] is not None


def _after_flush_postexec(session: Session, _context: Any) -> None:
    waiting = session.info.pop(PENDING, None)
    if not waiting:
        return
    connection = session.connection()
    for pending in waiting:
        ids = pending.responses_after(connection)
        _apply(
            connection,
            pending.before or _Parts(connection, set()),
            _Parts(connection, ids),
            pending.deleted_consultations,
        )
        if pending.authority_ids:
            recount(
                connection,
                connection.execute(
                    select(Response.consultation_id)
                    .where(
                        Response.authority_id.in_(sorted(pending.authority_ids)),
                        Response.submitted_at.is_not(None),
                    )
                    .distinct()
                ).scalars(),
            )


def _forget(session: Session, _previous: Any = None) -> None:
    session.info.pop(PENDING, None)


def init_app() -> None:
    """Keep the figures current on every session (once per process)."""
    for name, listener in (
        ("before_flush", _before_flush),
        ("after_flush_postexec", _after_flush_postexec),
        ("after_soft_rollback", _forget),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
