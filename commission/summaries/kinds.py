"""The figures of choice, yes/no, number and ranking questions.

Positions are summed by SQL in ``queries._question_figures``; the other kinds
keep lists (several choices, a ranking) and need medians, so their answers
are read here in ONE statement over the consultation's signed-off answers to
those questions (and their options in one more), whatever the number of
questions or responses, and added up in Python: the same figures on SQLite
and PostgreSQL, with no dialect's JSON functions or percentiles.

Every figure is given by head-count and weighted by population, overall and
split by control at the time of the response, type and region:

- one choice and yes/no: respondents and population choosing each option
  (and "Other"), as shares of the question's respondents;
- several choices: the same, as shares of respondents (they add up to more
  than 100%);
- a number: respondents, total, median, smallest and largest (rounded to the
  question's decimal places; a median of an even count may have one more),
  mean and the population-weighted mean (two places more);
- a ranking: each option's mean rank (1 is first), by head-count and weighted
  by population, and how many put it first.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select, type_coerce

from commission.consultations.models import (
    OTHER,
    Answer,
    Consultation,
    Question,
    QuestionKind,
    QuestionOption,
    Response,
    YesNo,
)
from commission.extensions import db
from commission.membership.models import Authority
from commission.summaries.models import (
    KindFigures,
    KindTable,
    OptionFigure,
    QuestionFigures,
    RankFigure,
)
from commission.summaries.shares import share

FIGURED_KINDS = frozenset(
    {
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.YES_NO,
        QuestionKind.NUMBER,
        QuestionKind.RANKING,
    }
)
SPLITS = ("by_control", "by_type", "by_region")
Labeller = Callable[[str, Any], str]


@dataclass
class _Sums:
    """One group's answers to one question while they are added up."""

    respondents: int = 0
    population: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    numbers: list[tuple[float, int]] = field(default_factory=list)
    rank_sum: dict[str, int] = field(default_factory=dict)
    rank_people: dict[str, int] = field(default_factory=dict)

    def choose(self, value: str, people: int) -> None:
        self.counts[value] = self.counts.get(value, 0) + 1
        self.people[value] = self.people.get(value, 0) + people

    def add(self, kind: QuestionKind, answer: Any, people: int) -> None:
        self.respondents += 1
        self.population += people
        if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO):
            self.choose(str(answer), people)
        elif kind is QuestionKind.MULTIPLE_CHOICE:
            for value in answer:
                self.choose(str(value), people)
        elif kind is QuestionKind.NUMBER:
            self.numbers.append((float(answer), people))
        elif kind is QuestionKind.RANKING:
            for rank, value in enumerate(answer, start=1):
                key = str(value)
                self.rank_sum[key] = self.rank_sum.get(key, 0) + rank
                self.rank_people[key] = self.rank_people.get(key, 0) + rank * people
                if rank == 1:
                    self.choose(key, people)


@dataclass(frozen=True)
class _Question:
    kind: QuestionKind
    options: list[tuple[str, str]]
    decimals: int
    unit: str


def _options_of(question: Question, labels: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if question.kind is QuestionKind.YES_NO:
        return [(v.value, v.label) for v in YesNo]
    if question.kind is QuestionKind.SINGLE_CHOICE and question.allow_other:
        return [*labels, (OTHER, "Other")]
    return labels


def _table(question: _Question, group: str, sums: _Sums) -> KindTable:
    table = KindTable(group=group, respondents=sums.respondents, population=sums.population)
    kind = question.kind
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.YES_NO):
        table["options"] = [
            OptionFigure(
                value=value,
                label=label,
                count=sums.counts.get(value, 0),
                percent=share(sums.counts.get(value, 0), sums.respondents),
                population=sums.people.get(value, 0),
                weighted=share(sums.people.get(value, 0), sums.population),
            )
            for value, label in question.options
        ]
    elif kind is QuestionKind.NUMBER:
        _add_number_figures(table, sums.numbers, question.decimals)
    elif kind is QuestionKind.RANKING:
        table["ranks"] = [_rank(value, label, sums) for value, label in question.options]
    return table


def _add_number_figures(table: KindTable, numbers: list[tuple[float, int]], decimals: int) -> None:
    """Total, median, smallest, largest, mean and population-weighted mean
    of a group's numbers (None for each when there are none)."""
    if not numbers:
        for name in ("total", "median", "min", "max", "mean", "weighted_mean"):
            table[name] = None
        return
    values = [value for value, _ in numbers]
    people = sum(p for _, p in numbers)
    table["total"] = round(sum(values), decimals)
    table["median"] = round(statistics.median(values), decimals + 1)
    table["min"] = round(min(values), decimals)
    table["max"] = round(max(values), decimals)
    table["mean"] = round(sum(values) / len(values), decimals + 2)
    table["weighted_mean"] = (
        round(sum(v * p for v, p in numbers) / people, decimals + 2) if people else None
    )


def _rank(value: str, label: str, sums: _Sums) -> RankFigure:
    ranked = sums.respondents
    return RankFigure(
        value=value,
        label=label,
        mean_rank=round(sums.rank_sum.get(value, 0) / ranked, 2) if ranked else None,
        weighted_mean_rank=round(sums.rank_people.get(value, 0) / sums.population, 2)
        if sums.population
        else None,
        first=sums.counts.get(value, 0),
        first_percent=share(sums.counts.get(value, 0), ranked),
        first_population=sums.people.get(value, 0),
        first_weighted=share(sums.people.get(value, 0), sums.population),
    )


def _answers_statement(consultation: Consultation, question_ids: list[int]) -> Any:
    """The consultation's signed-off answers to these questions, with what
    the splits need: one row per answer, starting from the consultation's
    own responses."""
    text = sa.String()
    submitted = select(Response.id).where(
        Response.consultation_id == consultation.id, Response.submitted_at.is_not(None)
    )
    return (
        select(
            Answer.question_id,
            Answer.submitted_choice,
            Answer.submitted_choices,
            Answer.submitted_number,
            Answer.submitted_ranking,
            type_coerce(Response.control_at_submission, text),
            type_coerce(Authority.kind, text),
            type_coerce(Authority.region, text),
            Authority.population,
        )
        .join(Response, Response.id == Answer.response_id)
        .join(Authority, Authority.id == Response.authority_id)
        .where(
            Answer.response_id.in_(submitted),
            Response.consultation_id == consultation.id,
            Answer.question_id.in_(question_ids),
        )
    )


def _answer_of(kind: QuestionKind, row: Any) -> Any:
    """The signed-off value a kind is summarised by, or None if unanswered."""
    _, choice, choices, number, ranking, *_ = row
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO):
        return choice
    if kind is QuestionKind.MULTIPLE_CHOICE:
        return choices or None
    if kind is QuestionKind.NUMBER:
        return number
    return ranking or None


def kind_figures(
    consultation: Consultation,
    numbered: list[tuple[int, Question]],
    *,
    splits: bool,
    label: Labeller,
) -> dict[int, KindFigures]:
    """Each choice, yes/no, number and ranking question's figures, by
    question id: two statements (the options and the answers) whatever the
    number of questions and responses, none if there is no such question.
    ``label`` names a split's group as the position tables do."""
    figured = [question for _, question in numbered if question.kind in FIGURED_KINDS]
    if not figured:
        return {}
    ids = [question.id for question in figured]
    labels: dict[int, list[tuple[str, str]]] = {qid: [] for qid in ids}
    for question_id, option_id, option_label in db.session.execute(
        select(QuestionOption.question_id, QuestionOption.id, QuestionOption.label)
        .where(QuestionOption.question_id.in_(ids))
        .order_by(QuestionOption.question_id, QuestionOption.position, QuestionOption.id)
    ):
        labels[question_id].append((str(option_id), option_label))
    shapes = {
        q.id: _Question(q.kind, _options_of(q, labels[q.id]), q.decimals or 0, q.unit or "")
        for q in figured
    }
    overall: dict[int, _Sums] = {qid: _Sums() for qid in ids}
    groups: dict[tuple[int, str, str], _Sums] = {}
    for row in db.session.execute(_answers_statement(consultation, ids)):
        question_id = row[0]
        kind = shapes[question_id].kind
        answer = _answer_of(kind, row)
        if answer is None:
            continue
        people = row[8] or 0
        overall[question_id].add(kind, answer, people)
        if splits:
            for split, group in zip(SPLITS, row[5:8], strict=True):
                key = (question_id, split, label(split, group))
                sums = groups.get(key)
                if sums is None:
                    sums = groups[key] = _Sums()
                sums.add(kind, answer, people)
    figures: dict[int, KindFigures] = {}
    for qid, shape in shapes.items():
        by_split: dict[str, list[KindTable]] = {split: [] for split in SPLITS}
        for (question_id, split, group), sums in sorted(groups.items()):
            if question_id == qid:
                by_split[split].append(_table(shape, group, sums))
        figures[qid] = KindFigures(
            kind=shape.kind.value,
            unit=shape.unit,
            decimals=shape.decimals,
            overall=_table(shape, "All", overall[qid]),
            by_control=by_split["by_control"],
            by_type=by_split["by_type"],
            by_region=by_split["by_region"],
        )
    return figures


def add_kind_figures(
    consultation: Consultation,
    numbered: list[tuple[int, Question]],
    questions: list[QuestionFigures],
    *,
    splits: bool,
    label: Labeller,
) -> list[QuestionFigures]:
    """``questions`` (as ``_question_figures`` gives them) with each choice,
    yes/no, number and ranking question's figures under ``figures``."""
    figures = kind_figures(consultation, numbered, splits=splits, label=label)
    for question in questions:
        found = figures.get(question["id"])
        if found is not None:
            question["figures"] = found
    return questions


FIGURE_HEADER = [
    "Question number",
    "Question",
    "Kind",
    "Split",
    "Group",
    "Answer",
    "Measure",
    "Value",
]
SPLIT_LABELS = {
    "overall": "Overall",
    "by_control": "Political control at the time of the response",
    "by_type": "Type of authority",
    "by_region": "Region",
}
KIND_LABELS = {kind.value: kind.label for kind in QuestionKind}


def _position_rows(table: Any) -> Iterator[tuple[str, str, Any]]:
    for row in table["rows"]:
        yield row["label"], "Authorities", row["count"]
        yield row["label"], "Share of respondents (%)", row["percent"]
        yield row["label"], "Population", row["population"]
        yield row["label"], "Population share (%)", row["weighted"]
    yield "", "Respondents", table["total"]


def _kind_rows(table: KindTable) -> Iterator[tuple[str, str, Any]]:
    for option in table.get("options", []):
        yield option["label"], "Authorities", option["count"]
        yield option["label"], "Share of respondents (%)", option["percent"]
        yield option["label"], "Population", option["population"]
        yield option["label"], "Population share (%)", option["weighted"]
    for rank in table.get("ranks", []):
        yield rank["label"], "Mean rank", rank["mean_rank"]
        yield rank["label"], "Mean rank weighted by population", rank["weighted_mean_rank"]
        yield rank["label"], "First preferences", rank["first"]
        yield rank["label"], "First preferences: share of respondents (%)", rank["first_percent"]
        yield rank["label"], "First preferences: population share (%)", rank["first_weighted"]
    if "total" in table:
        for key, measure in NUMBER_MEASURES:
            yield "", measure, table.get(key)
    yield "", "Respondents", table["respondents"]
    yield "", "Population of respondents", table["population"]


NUMBER_MEASURES = (
    ("total", "Total"),
    ("median", "Median"),
    ("min", "Smallest"),
    ("max", "Largest"),
    ("mean", "Mean"),
    ("weighted_mean", "Mean weighted by population"),
)


def question_figure_rows(question: QuestionFigures) -> Iterator[list[Any]]:
    """One question's figures as long rows (split, group, answer, measure,
    value): its positions, or its kind's figures, overall and by each split
    a summary has. A free-text question has none."""
    figures = question.get("figures")
    if figures is not None:
        tables: list[tuple[str, KindTable]] = [
            ("overall", figures["overall"]),
            *[("by_control", table) for table in figures["by_control"]],
            *[("by_type", table) for table in figures["by_type"]],
            *[("by_region", table) for table in figures["by_region"]],
        ]
        for split, table in tables:
            for answer, measure, value in _kind_rows(table):
                yield [SPLIT_LABELS[split], table["group"], answer, measure, value]
        return
    if question["kind"] != QuestionKind.POSITION.value:
        return
    overall = {"rows": question["rows"], "total": question["total"]}
    for answer, measure, value in _position_rows(overall):
        yield [SPLIT_LABELS["overall"], "All", answer, measure, value]
    splits: dict[str, Any] = dict(question)
    for split in SPLITS:
        for group in splits.get(split) or []:
            for answer, measure, value in _position_rows(group):
                yield [SPLIT_LABELS[split], group["group"], answer, measure, value]


def figure_rows(questions: list[QuestionFigures]) -> Iterator[list[Any]]:
    """Every question's figures, for the figures CSV."""
    for question in questions:
        for row in question_figure_rows(question):
            yield [
                question["number"],
                question["text"],
                KIND_LABELS.get(question["kind"], question["kind"]),
                *row,
            ]
