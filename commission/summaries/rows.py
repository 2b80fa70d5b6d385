"""Every submitted answer of a consultation as rows, for the CSV and the
spreadsheet and for a snapshot to keep.

The rows are read with SQLAlchemy Core in batches (a server-side cursor on
PostgreSQL), one joined statement whatever the number of responses, and
handed on as they are read, so the CSV of 331 authorities by 25 questions
never holds every answer in memory, and nothing holds an ORM object per
answer. (The live spreadsheet keeps its rows, as plain lists, while it is
made: they are both its cache key's digest and its contents.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import groupby
from typing import Any, NamedTuple

from sqlalchemy import select

from commission.consultations.answers import QuestionShape, answer_text
from commission.consultations.models import Answer, Consultation, QuestionOption, Response
from commission.extensions import db
from commission.membership.models import (
    AUTHORITY_KIND_LABELS,
    Authority,
)
from commission.summaries.models import AnswerTag, Tag
from commission.summaries.queries import control_at_response

RAW_HEADER = [
    "Reference",
    "GSS code",
    "Authority",
    "Type",
    "Region",
    "Political control at response",
    "Population",
    "Channel",
    "Submitted",
    "Question number",
    "Question",
    "Position",
    "Comment",
    "Themes",
    "Answer",
]
SUBMITTED_COLUMN = RAW_HEADER.index("Submitted")
COMMENT_COLUMN = RAW_HEADER.index("Comment")
BATCH = 2000


class RawRowSource(NamedTuple):
    """What the rows are made from, read up front (in the request) so that
    producing them later, while a response streams, reads nothing but the
    answers themselves."""

    consultation_id: int
    reference: str
    questions: list[tuple[int, str]]
    themes: dict[int, str]
    shapes: dict[int, QuestionShape]


def raw_row_source(consultation: Consultation) -> RawRowSource:
    return RawRowSource(
        consultation.id,
        consultation.reference,
        [(question.id, question.text) for question in consultation.questions],
        _themes_by_answer(consultation.id),
        _shapes(consultation),
    )


def _shapes(consultation: Consultation) -> dict[int, QuestionShape]:
    """The kind and options of each question answered in words other than a
    position or comment, for the "Answer" column (options in one statement,
    none if no question has any)."""
    asked = [q for q in consultation.questions if not q.kind.takes_comment]
    options: dict[int, dict[str, str]] = {q.id: {} for q in asked}
    if any(q.kind.has_options for q in asked):
        for question_id, option_id, label in db.session.execute(
            select(QuestionOption.question_id, QuestionOption.id, QuestionOption.label).where(
                QuestionOption.question_id.in_([q.id for q in asked])
            )
        ):
            options[question_id][str(option_id)] = label
    return {q.id: QuestionShape.of(q, options[q.id]) for q in asked}


def _themes_by_answer(consultation_id: int) -> dict[int, str]:
    """Each tagged answer's themes, in name order and separated by "; ", in one
    statement (only tagged answers come back, so it is small)."""
    themes: dict[int, list[str]] = {}
    for answer_id, name in db.session.execute(
        select(AnswerTag.answer_id, Tag.name)
        .join(Tag, Tag.id == AnswerTag.tag_id)
        .join(Answer, Answer.id == AnswerTag.answer_id)
        .where(
            Answer.response_id.in_(
                select(Response.id).where(
                    Response.consultation_id == consultation_id,
                    Response.submitted_at.is_not(None),
                )
            )
        )
        .order_by(AnswerTag.answer_id, Tag.name)
    ).all():
        themes.setdefault(answer_id, []).append(name)
    return {answer_id: "; ".join(names) for answer_id, names in themes.items()}


def _statement(consultation_id: int) -> Any:
    return (
        select(
            Response.id,
            Response.control_at_submission,
            Response.channel,
            Response.submitted_at,
            Response.submitted_position,
            Response.submitted_comment,
            Authority.gss_code,
            Authority.name,
            Authority.kind,
            Authority.region,
            Authority.population,
            Answer.id.label("answer_id"),
            Answer.question_id,
            Answer.submitted_position.label("answer_position"),
            Answer.submitted_comment.label("answer_comment"),
            Answer.submitted_choice,
            Answer.submitted_choices,
            Answer.submitted_number,
            Answer.submitted_ranking,
            Answer.submitted_text,
        )
        .join(Authority, Authority.id == Response.authority_id)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.consultation_id == consultation_id, Response.submitted_at.is_not(None))
        .order_by(Authority.name, Response.id)
        .execution_options(yield_per=BATCH)
    )


def iter_raw_rows(source: RawRowSource) -> Iterator[list[Any]]:
    """One row per submitted response for its overall position, then one per
    question (blank where it was not answered), ordered by authority.

    Reads through the request's session, in batches; the result is closed
    when the rows are exhausted or the consumer stops early (a client that
    disconnects mid-download), so no cursor outlives the download."""
    result = db.session.execute(_statement(source.consultation_id))
    try:
        for _, joined in groupby(result, key=lambda row: row.id):
            rows = list(joined)
            first = rows[0]
            answers = {row.question_id: row for row in rows if row.question_id is not None}
            base = [
                source.reference,
                first.gss_code or "",
                first.name,
                AUTHORITY_KIND_LABELS[first.kind],
                first.region.value,
                control_at_response(first.control_at_submission),
                first.population,
                first.channel.label,
                first.submitted_at,
            ]
            yield [
                *base,
                "Overall",
                "Overall position",
                first.submitted_position.label if first.submitted_position else "",
                first.submitted_comment or "",
                "",
                "",
            ]
            for number, (question_id, text) in enumerate(source.questions, start=1):
                answer = answers.get(question_id)
                yield [
                    *base,
                    str(number),
                    text,
                    answer.answer_position.label if answer and answer.answer_position else "",
                    (answer.answer_comment or "") if answer else "",
                    source.themes.get(answer.answer_id, "") if answer else "",
                    _answer(source.shapes.get(question_id), answer),
                ]
    finally:
        result.close()


def _answer(shape: QuestionShape | None, row: Any) -> str:
    if shape is None or row is None:
        return ""
    return answer_text(
        shape,
        {
            "choice": row.submitted_choice,
            "choices": row.submitted_choices,
            "number": row.submitted_number,
            "ranking": row.submitted_ranking,
            "text": row.submitted_text,
        },
    )


def raw_rows(consultation: Consultation) -> list[list[Any]]:
    """Every submitted answer, as a list (for a snapshot to store)."""
    return list(iter_raw_rows(raw_row_source(consultation)))


def frozen_rows(rows: Iterable[list[Any]]) -> list[list[Any]]:
    """Raw rows as a snapshot stores them (JSON has no dates)."""
    return [[v.isoformat() if isinstance(v, datetime) else v for v in row] for row in rows]


def thawed_rows(rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    """A snapshot's stored rows, with the submission time a time again (and
    a blank theme column on rows frozen before themes were kept with them)."""
    for row in rows:
        row = list(row) + [""] * (len(RAW_HEADER) - len(row))
        if isinstance(row[SUBMITTED_COLUMN], str) and row[SUBMITTED_COLUMN]:
            row[SUBMITTED_COLUMN] = datetime.fromisoformat(row[SUBMITTED_COLUMN])
        yield row


def rows_digest(rows: Iterable[list[Any]]) -> str:
    """SHA-256 of every row, read as they come (constant memory): what a
    download made from these rows was made from."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps(row, default=str, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()
