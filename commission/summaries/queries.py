"""Where councils stand: every figure computed by SQL aggregation.

``compute_summary`` returns plain data (numbers, labels, lists) so the same
structure can be shown live, frozen in a snapshot, and exported. It reads the
answers once: one group-by at the finest grain the page splits by, rolled up
here into every table, so the number of statements is fixed whatever the
number of members, responses or questions, and each statement starts from the
consultation's own responses.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from commission.consultations.models import (
    Answer,
    Consultation,
    Extension,
    Position,
    Question,
    QuestionKind,
    Response,
)
from commission.db_types import as_record_id
from commission.extensions import core_rows, db
from commission.membership.models import (
    AUTHORITY_KIND_LABELS,
    CONTROL_LABELS,
    Authority,
    Control,
    Membership,
    authority_constituents,
)
from commission.membership.queries import current_controls
from commission.pagination import NarrowPagination, paginate_narrow
from commission.summaries.kinds import add_kind_figures
from commission.summaries.models import (
    AnswerTag,
    AnswerTally,
    Coverage,
    CoverageRow,
    GroupTable,
    KeptComment,
    NotResponded,
    PositionOption,
    PositionRow,
    PositionTable,
    QuestionFigures,
    QuestionPage,
    QuestionTheme,
    Quotation,
    Summary,
    SummarySnapshot,
    Tag,
    ThemeCount,
    ThemeTally,
)
from commission.summaries.policy import can_see_snapshot
from commission.summaries.shares import share
from commission.timeutil import london_date, now_utc

POSITIONS = list(Position)
POSITION_LABELS = [(p.value, p.label) for p in POSITIONS]
STATUSES = ("submitted", "draft", "not_started")
STATUS_LABELS = {"submitted": "Submitted", "draft": "Draft only", "not_started": "Not started"}
NO_CONTROL = "Not recorded"


def _read(statement: Any, **parameters: Any) -> Sequence[Any]:
    """The rows of one of the summary's statements, as plain Core rows,
    fetched at once: the figures are columns, never ORM objects, so the ORM's
    per-row loading is skipped, and a few thousand sums come back in one
    fetch rather than one call per row. Pending changes are flushed first,
    as a query through the session would. The statements are built once
    (``functools.cache``) with bound ``parameters``: building one costs about
    as much as running it."""
    return core_rows(statement, parameters)


def _consultation() -> Any:
    """The consultation a cached statement is run for."""
    return sa.bindparam("consultation", type_=sa.Integer())


def reference_day(consultation: Consultation, at: datetime | None = None) -> date:
    """Membership and control are taken on the closing day, or today if earlier."""
    at = at or now_utc()
    return london_date(min(at, consultation.closes_at))


def _members(on: Any) -> Any:
    return (
        select(Membership.authority_id)
        .where(
            Membership.joined_on <= on,
            or_(Membership.left_on.is_(None), Membership.left_on >= on),
        )
        .scalar_subquery()
    )


def _control_label(control_column: Any, party_column: Any) -> Any:
    return func.coalesce(
        party_column,
        case(
            {c.value: label for c, label in CONTROL_LABELS.items()},
            value=control_column,
            else_=NO_CONTROL,
        ),
    )


POSITION_VALUES = tuple(value for value, _ in POSITION_LABELS)
SLOTS = len(POSITION_VALUES)
SLOT_OF = {value: slot for slot, value in enumerate(POSITION_VALUES)}
# A group's figures while they are added up: the count of each position, in
# ``POSITION_VALUES`` order, then the population of each.
Cells = list[int]


def _cells() -> Cells:
    return [0] * (2 * SLOTS)


def _rows(
    counts: Sequence[int], people: Sequence[int], total: int, population: int
) -> list[PositionRow]:
    """One row for each position (``POSITION_LABELS`` order): its count and
    population, with shares of ``total`` and ``population``."""
    return [
        {
            "position": value,
            "label": label,
            "count": count,
            "percent": share(count, total),
            "population": persons,
            "weighted": share(persons, population),
        }
        for (value, label), count, persons in zip(POSITION_LABELS, counts, people, strict=True)
    ]


def _table(cells: Cells) -> PositionTable:
    """Counts and population per position (``cells``), with shares of each."""
    counts, people = cells[:SLOTS], cells[SLOTS:]
    total = sum(counts)
    population = sum(people)
    return {
        "rows": _rows(counts, people, total, population),
        "total": total,
        "population": population,
    }


def _group_tables(groups: dict[str, Cells] | None) -> list[GroupTable]:
    """One position table per group, groups in alphabetical order."""
    return [{"group": group, **_table(cells)} for group, cells in sorted((groups or {}).items())]


def _region_label(region: Any) -> str:
    """A region as SQL groups it: the enum, or its stored text."""
    return str(region.value if hasattr(region, "value") else region)


KIND_LABELS: dict[Any, str] = {
    **{k.value: label for k, label in AUTHORITY_KIND_LABELS.items()},
    **AUTHORITY_KIND_LABELS,
}
CONTROL_BY_VALUE = {c.value: label for c, label in CONTROL_LABELS.items()}


def control_at_response(value: str | None) -> str:
    """The label of the control a response recorded when it was submitted."""
    return CONTROL_BY_VALUE.get(value or "", NO_CONTROL)


def _kind_label(kind: Any) -> str:
    return KIND_LABELS.get(kind, str(kind))


SPLITS = ("by_control", "by_type", "by_region")


class _Labels:
    """Each split's label for a group value as SQL gives it, worked out once
    per value (a summary meets a few dozen values in thousands of rows)."""

    def __init__(self) -> None:
        self._label = {
            "by_control": control_at_response,
            "by_type": _kind_label,
            "by_region": _region_label,
        }
        self._known: dict[tuple[str, Any], str] = {}

    def __call__(self, split: str, group: Any) -> str:
        key = (split, group)
        label = self._known.get(key)
        if label is None:
            label = self._known[key] = self._label[split](group)
        return label


@dataclass
class _Splits:
    """Counts and population by position, overall and by control at the time
    of the response, type and region: ``overall`` is one group's cells, and
    ``groups[split][label]`` the cells of each group of each split."""

    overall: Cells = field(default_factory=_cells)
    groups: dict[str, dict[str, Cells]] = field(default_factory=dict)

    def _split(self, split: str) -> dict[str, Cells]:
        groups = self.groups.get(split)
        if groups is None:
            groups = self.groups[split] = {}
        return groups

    def cells(self, split: str, label: str) -> Cells:
        groups = self._split(split)
        cells = groups.get(label)
        if cells is None:
            cells = groups[label] = _cells()
        return cells

    def merge(self, split: str, label: str, counted: Cells) -> None:
        """Add ``counted`` (one stored group's cells, as read) to the cells
        of its group: taken as they are for a group not seen before. Two
        stored groups can share a label (an unknown control and none are
        both "Not recorded"): their figures are added."""
        groups = self._split(split)
        cells = groups.get(label)
        if cells is None:
            groups[label] = counted
        else:
            cells[:] = map(operator.add, cells, counted)


def _add(cells: Cells, position: str, count: int, people: int) -> None:
    slot = SLOT_OF[position]
    cells[slot] += count
    cells[slot + SLOTS] += people


@functools.cache
def _tallies(*, splits: bool, one_question: bool) -> Any:
    """The statement ``_question_figures`` reads: the consultation's tallies
    (kept as responses are signed off, see ``tallies.py``), one row per
    question, split and group with the count and population of each
    position (``POSITION_VALUES`` order) and the comments; overall only
    without ``splits``, one question's (``question``) if only one is asked
    for."""
    t = AnswerTally
    # Whole numbers, 0 where a group has none of a position: PostgreSQL's
    # sum of the populations (bigint) is a numeric, read as a Decimal each.
    by_position = [
        sa.cast(func.coalesce(func.sum(column).filter(t.position == value), 0), sa.BigInteger)
        for column in (t.answers, t.people)
        for value in POSITION_VALUES
    ]
    statement = select(t.question_id, t.split, t.grp, func.sum(t.comments), *by_position).where(
        t.consultation_id == _consultation(), t.answers != 0
    )
    if one_question:
        statement = statement.where(t.question_id == sa.bindparam("question"))
    if not splits:
        statement = statement.where(t.split == "overall")
    # The primary key's order (after the consultation), so its index gives
    # the rows already grouped.
    keys = (t.question_id, t.split, t.grp)
    return statement.group_by(*keys).order_by(*keys)


def _question_figures(
    consultation: Consultation, numbered: list[tuple[int, Question]], *, splits: bool = True
) -> list[QuestionFigures]:
    """Each question's positions (overall, by control at the time of the
    response, by type and by region) and its comment count, in ONE statement
    over the consultation's tallies: its signed-off answers already counted
    each way as they were signed off (``tallies.py``), one row for each
    question and group however many answers there are, its positions side
    by side. They become each question's tables here. The statement is the
    same for 1 question or 25, for 5 responses or 331. Without ``splits``
    only the overall figures are read, and the splits are empty lists."""
    figures: dict[int, _Splits] = {}
    comments: dict[int, int] = {}
    label = _Labels()
    one_question = len(numbered) == 1
    for question_id, split, group, commented, *counted in _read(
        _tallies(splits=splits, one_question=one_question),
        consultation=consultation.id,
        **({"question": numbered[0][1].id} if one_question else {}),
    ):
        splits_of = figures.get(question_id)
        if splits_of is None:
            splits_of = figures[question_id] = _Splits()
        if split == "overall":
            comments[question_id] = int(commented or 0)
            splits_of.overall[:] = map(operator.add, splits_of.overall, counted)
        else:
            splits_of.merge(split, label(split, group or None), counted)
    questions: list[QuestionFigures] = []
    empty = _Splits()
    for number, question in numbered:
        split_of = figures.get(question.id, empty)
        position_question = question.kind is QuestionKind.POSITION
        overall: PositionTable = (
            _table(split_of.overall)
            if position_question
            else {"rows": [], "total": 0, "population": 0}
        )
        groups = split_of.groups
        questions.append(
            {
                "id": question.id,
                "number": number,
                "text": question.text,
                "kind": question.kind.value,
                "comments": comments.get(question.id, 0),
                "rows": overall["rows"],
                "total": overall["total"],
                "population": overall["population"],
                "by_control": _group_tables(groups.get("by_control")) if position_question else [],
                "by_type": _group_tables(groups.get("by_type")) if position_question else [],
                "by_region": _group_tables(groups.get("by_region")) if position_question else [],
            }
        )
    return questions


class _Member(NamedTuple):
    name: str
    slug: str
    kind: str
    region: str
    control: str
    status: str
    deadline: datetime  # its own: the closing time, or its extension's
    extended: bool


def _as_stored(column: Any) -> Any:
    """An enumerated column read as the text it is stored as (its value):
    the labels are looked up by value, and making an enum of each of a few
    thousand values took longer than looking them up."""
    return sa.type_coerce(column, sa.String()).label(column.key)


@functools.cache
def _members_statement() -> Any:
    """Every member authority on the day ``on`` with its control that day,
    its response's status and its extension to ``consultation``."""
    on = sa.bindparam("on", type_=sa.Date())
    consultation = _consultation()
    control = current_controls(on)
    status = case(
        (Response.submitted_at.is_not(None), literal("submitted")),
        (Response.id.is_not(None), literal("draft")),
        else_=literal("not_started"),
    ).label("status")
    return (
        select(
            Authority.id,
            Authority.name,
            Authority.slug,
            _as_stored(Authority.kind),
            _as_stored(Authority.region),
            _control_label(control.c.control, control.c.party_name).label("control"),
            status,
            Extension.closes_at.label("extended_to"),
        )
        .outerjoin(control, control.c.authority_id == Authority.id)
        .outerjoin(
            Extension,
            and_(
                Extension.authority_id == Authority.id,
                Extension.consultation_id == consultation,
            ),
        )
        .outerjoin(
            Response,
            and_(
                Response.authority_id == Authority.id,
                Response.consultation_id == consultation,
                # A response entered from a letter counts once confirmed.
                or_(Response.letter_dated.is_(None), Response.confirmed_at.is_not(None)),
            ),
        )
        .where(Authority.id.in_(_members(on)))
        .order_by(Authority.name)
    )


def _members_with_status(consultation: Consultation, on: date) -> dict[int, _Member]:
    """Every member authority on ``on`` with its control that day, how far
    its response has got and its own deadline (an extension counts), in one
    statement, in name order (the database's)."""
    closes_at = consultation.closes_at
    members = {}
    for id_, name, slug, kind, region, control, status, extended_to in _read(
        _members_statement(), on=on, consultation=consultation.id
    ):
        extended = extended_to is not None and extended_to > closes_at
        members[id_] = _Member(
            name,
            slug,
            _kind_label(kind),
            _region_label(region),
            control,
            status,
            extended_to if extended else closes_at,
            extended,
        )
    return members


def _coverage_table(members: Iterable[tuple[str, _Member]]) -> list[CoverageRow]:
    """(group, member) pairs into members by status per group, groups in order."""
    table: dict[str, dict[str, int]] = {}
    for group, member in members:
        counts = table.get(group)
        if counts is None:
            counts = table[group] = dict.fromkeys(STATUSES, 0)
        counts[member.status] += 1
    return [
        {
            "group": group,
            "submitted": counts["submitted"],
            "draft": counts["draft"],
            "not_started": counts["not_started"],
            "members": sum(counts.values()),
        }
        for group, counts in sorted(table.items())
    ]


@functools.cache
def _constituents_statement() -> Any:
    """Each mayoral area's name with each of its constituent councils."""
    area = aliased(Authority)
    return (
        select(area.name, authority_constituents.c.council_id)
        .join(area, area.id == authority_constituents.c.strategic_authority_id)
        .where(area.mayoral.is_(True))
    )


def _coverage(members: dict[int, _Member]) -> Coverage:
    """Coverage by type, region, political control today and mayoral area
    (each of an area's constituent councils that is a member counts)."""
    constituents = _read(_constituents_statement())
    return {
        "type": _coverage_table((m.kind, m) for m in members.values()),
        "region": _coverage_table((m.region, m) for m in members.values()),
        "control": _coverage_table((m.control, m) for m in members.values()),
        "area": _coverage_table(
            (name, members[council]) for name, council in constituents if council in members
        ),
    }


def _overall_positions(consultation: Consultation) -> _Splits:
    """Overall positions of submitted responses, in ONE group-by by (position,
    control at the time, type, region), rolled up overall and per split."""
    splits = _Splits()
    label = _Labels()
    for position, control, kind, region, count, people in _read(
        _overall_statement(), consultation=consultation.id
    ):
        value, people = position, int(people or 0)
        _add(splits.overall, value, count, people)
        _add(splits.cells("by_control", label("by_control", control)), value, count, people)
        _add(splits.cells("by_type", label("by_type", kind)), value, count, people)
        _add(splits.cells("by_region", label("by_region", region)), value, count, people)
    return splits


@functools.cache
def _overall_statement() -> Any:
    return (
        select(
            _as_stored(Response.submitted_position),
            Response.control_at_submission,
            _as_stored(Authority.kind),
            _as_stored(Authority.region),
            func.count(Response.id),
            func.sum(Authority.population),
        )
        .join(Authority, Authority.id == Response.authority_id)
        .where(
            Response.consultation_id == _consultation(),
            Response.submitted_at.is_not(None),
            Response.submitted_position.is_not(None),
        )
        .group_by(
            Response.submitted_position,
            Response.control_at_submission,
            Authority.kind,
            Authority.region,
        )
    )


@functools.cache
def _themes_statement() -> Any:
    return (
        select(Tag.name, ThemeTally.question_id, ThemeTally.position, ThemeTally.answers)
        .join(Tag, Tag.id == ThemeTally.tag_id)
        .where(ThemeTally.consultation_id == _consultation(), ThemeTally.answers != 0)
    )


def _themes(
    consultation: Consultation,
    numbers: dict[int, int],
    quoted: dict[tuple[int, str], Quotation],
) -> tuple[list[ThemeCount], list[QuestionTheme]]:
    """Tagged comments per theme and position ("none" for free text), overall
    and on each question, from the consultation's theme tallies (by theme,
    question and position, kept as comments are tagged and signed off); each
    question's theme with its quotation from ``quoted``, if there is one."""
    overall: dict[str, dict[str, int]] = {}
    per_question: dict[tuple[int, str], dict[str, int]] = {}
    for name, question_id, position, count in _read(
        _themes_statement(), consultation=consultation.id
    ):
        key = position or "none"
        counts = overall.setdefault(name, {})
        counts[key] = counts.get(key, 0) + count
        if question_id in numbers:
            per_question.setdefault((numbers[question_id], name), {})[key] = count
    themes: list[ThemeCount] = [
        {"tag": tag, "counts": counts, "total": sum(counts.values())}
        for tag, counts in sorted(overall.items())
    ]
    question_themes: list[QuestionTheme] = []
    for (number, tag), counts in sorted(per_question.items()):
        theme: QuestionTheme = {
            "question": number,
            "tag": tag,
            "counts": counts,
            "total": sum(counts.values()),
        }
        if (number, tag) in quoted:
            theme["quotation"] = quoted[(number, tag)]
        question_themes.append(theme)
    return themes, question_themes


@functools.cache
def _quotations_statement(dialect: str) -> Any:
    """The winners ``_quotations`` reads: the two longest comments on each
    question and the longest on each theme of each question, from the
    consultation's kept comments (``summary_comments``: question, theme,
    answer, length and council, kept as responses are signed off). On
    PostgreSQL each question and theme takes its winners from the top of
    its own comments by length; SQLite, which has no LATERAL, ranks them
    all in one window."""
    if dialect == "postgresql":
        return _quotations_on_top()
    return _quotations_ranked()


def _quotations_on_top() -> Any:
    """Each question, and each theme with tagged answers on it (from the
    kept theme figures), takes its winners (``LIMIT`` 2 or 1) from the
    index of its comments by length, reading the few longest and naming
    their councils to break ties: a few rows for each of a few hundred
    groups rather than every comment sorted."""
    k = KeptComment
    groups = sa.union_all(
        select(Question.id.label("question"), literal(0).label("tag")).where(
            Question.consultation_id == _consultation()
        ),
        select(ThemeTally.question_id, ThemeTally.tag_id)
        .where(ThemeTally.consultation_id == _consultation(), ThemeTally.answers != 0)
        .distinct(),
    ).subquery("groups")
    winners = (
        select(k.answer_id.label("answer"), k.length, Authority.name)
        .join(Authority, Authority.id == k.authority_id)
        .where(k.question_id == groups.c.question, k.tag_id == groups.c.tag)
        .order_by(k.length.desc(), Authority.name)
        .limit(case((groups.c.tag == 0, 2), else_=1))
        .lateral("winners")
    )
    return (
        select(
            groups.c.tag,
            Tag.name,
            groups.c.question,
            winners.c.name,
            Answer.submitted_position,
            Answer.submitted_comment,
        )
        .select_from(groups)
        .join(winners, sa.true())
        .join(Answer, Answer.id == winners.c.answer)
        .outerjoin(Tag, Tag.id == groups.c.tag)
        .order_by(groups.c.question, groups.c.tag, winners.c.length.desc(), winners.c.name)
    )


def _quotations_ranked() -> Any:
    """The winners in one window over every kept comment of the
    consultation, ranked by length and then by each council's place in name
    order."""
    k = KeptComment
    # Each council's place in name order: a few hundred names sorted once,
    # so that thousands of comments sort on numbers; the winners' councils
    # are named at the end.
    councils = select(
        Authority.id, func.row_number().over(order_by=Authority.name).label("place")
    ).subquery("councils")
    ranked = (
        select(
            k.tag_id.label("tag"),
            k.answer_id.label("answer"),
            k.authority_id.label("authority"),
            func.row_number()
            .over(
                partition_by=(k.question_id, k.tag_id),
                order_by=(k.length.desc(), councils.c.place),
            )
            .label("rank"),
        )
        .join(Question, Question.id == k.question_id)
        .join(councils, councils.c.id == k.authority_id)
        .where(Question.consultation_id == _consultation())
        .subquery("ranked")
    )
    return (
        select(
            ranked.c.tag,
            Tag.name,
            Answer.question_id,
            Authority.name,
            Answer.submitted_position,
            Answer.submitted_comment,
        )
        .join(Answer, Answer.id == ranked.c.answer)
        .join(Authority, Authority.id == ranked.c.authority)
        .outerjoin(Tag, Tag.id == ranked.c.tag)
        .where(
            or_(
                and_(ranked.c.tag == 0, ranked.c.rank <= 2),
                and_(ranked.c.tag != 0, ranked.c.rank == 1),
            )
        )
        .order_by(Answer.question_id, ranked.c.rank)
    )


def _quotations(
    consultation: Consultation, numbers: dict[int, int]
) -> tuple[list[Quotation], dict[tuple[int, str], Quotation]]:
    """The two longest submitted comments on each question, and the longest
    comment tagged with each theme on each question, with their councils
    (ties to the council first by name), in ONE statement. The winners are
    found on the narrow rows kept for the consultation's comments (which
    answer, its question and theme, its council and the comment's length:
    ``tallies.py``), and only their comments are read: ranking whole
    comments would sort every comment's text, and finding them would read
    every answer of the consultation."""
    quotations: list[Quotation] = []
    quoted: dict[tuple[int, str], Quotation] = {}
    for tag_id, tag, question_id, authority, position, comment in _read(
        _quotations_statement(db.session.get_bind().dialect.name), consultation=consultation.id
    ):
        number = numbers.get(question_id)
        quotation: Quotation = {
            "question": number,
            "authority": authority,
            "position": position.label if position else "",
            "comment": str(comment),
        }
        if not tag_id:
            quotations.append(quotation)
        elif number is not None and tag is not None:
            quoted[(number, tag)] = quotation
    return quotations, quoted


def compute_summary(
    consultation: Consultation,
    at: datetime | None = None,
    *,
    splits: bool = True,
    quotations: bool = True,
) -> Summary:
    """Every figure of the summary in six statements whatever the number of
    members, responses or questions: members with their status, mayoral
    areas, overall positions, per-question answers, themes, and the
    quotations (on each question and on each of its themes) (and the
    questions, if not loaded). Each reads only the consultation's responses
    or its figures, so the cost follows the consultation, not the history;
    the per-question answers and the themes are read from the figures kept
    as responses are signed off (``tallies.py``), not counted from every
    answer each time.

    Without ``splits`` each question has its overall figures only (its
    splits are empty lists: the summary page, the briefing and the
    spreadsheet show none, and a question's own page computes them); without
    ``quotations`` there are none (only the briefing shows them). Snapshots
    always take the whole summary, so every page and file made from one has
    what it needs."""
    at = at or now_utc()
    on = reference_day(consultation, at)
    members = _members_with_status(consultation, on)
    totals = dict.fromkeys(STATUSES, 0)
    for member in members.values():
        totals[member.status] += 1
    overall = _overall_positions(consultation)
    numbered = list(enumerate(consultation.questions, start=1))
    numbers = {q.id: n for n, q in numbered}
    quotations_of, quoted = _quotations(consultation, numbers) if quotations else ([], {})
    themes, question_themes = _themes(consultation, numbers, quoted)
    return {
        "computed_at": at.isoformat(),
        "reference_day": on.isoformat(),
        "members": len(members),
        "totals": totals,
        "coverage": _coverage(members),
        "not_responded": [
            NotResponded(
                name=m.name,
                slug=m.slug,
                type=m.kind,
                region=m.region,
                control=m.control,
                status=STATUS_LABELS[m.status],
                deadline=m.deadline.isoformat(),
                extended=m.extended,
            )
            for m in members.values()
            if m.status != "submitted"
        ],
        "overall": _table(overall.overall),
        "by_control": _group_tables(overall.groups.get("by_control")),
        "by_type": _group_tables(overall.groups.get("by_type")),
        "by_region": _group_tables(overall.groups.get("by_region")),
        "questions": add_kind_figures(
            consultation,
            numbered,
            _question_figures(consultation, numbered, splits=splits),
            splits=splits,
            label=_Labels(),
        ),
        "themes": themes,
        "question_themes": question_themes,
        "quotations": quotations_of,
        "positions": _position_options(),
    }


def _position_options() -> list[PositionOption]:
    return [{"value": p.value, "label": p.label} for p in POSITIONS]


def compute_question(
    consultation: Consultation, number: int, at: datetime | None = None
) -> QuestionPage | None:
    """One question's figures, as ``compute_summary`` gives them under
    ``questions``, in one statement over that question's answers only; None
    if the consultation has no question ``number``."""
    questions = consultation.questions
    if not 1 <= number <= len(questions):
        return None
    at = at or now_utc()
    asked = [(number, questions[number - 1])]
    [question] = add_kind_figures(
        consultation, asked, _question_figures(consultation, asked), splits=True, label=_Labels()
    )
    return {
        "computed_at": at.isoformat(),
        "question": question,
        "count": len(questions),
        "positions": _position_options(),
    }


def question_from_summary(data: Summary, number: int) -> QuestionPage | None:
    """Question ``number`` of a computed or stored summary (a snapshot), in
    the shape ``compute_question`` gives; None if there is no such question."""
    questions = data.get("questions") or []
    if not 1 <= number <= len(questions):
        return None
    return {
        "computed_at": data.get("computed_at"),
        "question": questions[number - 1],
        "count": len(questions),
        "positions": data["positions"],
    }


SUPPORTING = (Position.SUPPORT.value, Position.SUPPORT_WITH_AMENDMENTS.value)
OPPOSING = (Position.OPPOSE.value,)


@dataclass(frozen=True)
class QuestionLine:
    """One line of the summary's question-by-question table."""

    id: int
    number: int
    text: str
    position_question: bool
    responses: int
    supporting: float
    opposing: float
    comments: int


def _share(counts: dict[str, int], positions: tuple[str, ...], total: int) -> float:
    return share(sum(counts.get(p, 0) for p in positions), total)


def question_lines(data: Summary) -> list[QuestionLine]:
    """Each question's responses, share supporting (with or without
    amendments), share opposing and comments, from a summary's figures, live
    or stored: shares are worked out from the counts, not by adding rounded
    percentages."""
    lines = []
    for question in data.get("questions") or []:
        counts = {row["position"]: row["count"] for row in question["rows"]}
        total = question["total"]
        lines.append(
            QuestionLine(
                id=question["id"],
                number=question["number"],
                text=question["text"],
                position_question=question["kind"] == QuestionKind.POSITION.value,
                responses=total,
                supporting=_share(counts, SUPPORTING, total),
                opposing=_share(counts, OPPOSING, total),
                comments=question.get("comments", 0),
            )
        )
    return lines


COMMENT_FILTERS = ("question", "position", "control", "type", "region", "q", "theme")


def comments_statement(consultation: Consultation, filters: dict[str, str]) -> Any:
    """The ids of the consultation's submitted comments, by question then
    council, with the filters applied.

    Narrow on purpose: the list is sorted and counted on (answer, question,
    council) alone, and only a page's comments are read in full
    (``commented_answers``). The answers are bounded twice by the
    consultation, by its signed-off responses and by its own questions (the
    questions are already loaded for the page), and read through the index
    of each question's comments without their text: so the cost follows the
    consultation's own comments. Bounded by the responses alone, the planner
    could walk every answer ever given in question order to save a sort.

    The signed-off responses, with what the filters ask of their councils,
    are read first into a materialized CTE (a few hundred rows) and the
    comments joined to them by a hash: joined straight to the councils, the
    planner expects two comments, not thousands, and looks each council up
    by its key once a comment."""
    responded = (
        select(
            Response.id.label("response"),
            Response.control_at_submission.label("control"),
            Authority.name.label("name"),
            Authority.kind.label("kind"),
            Authority.region.label("region"),
        )
        .join(Authority, Authority.id == Response.authority_id)
        .where(Response.consultation_id == consultation.id, Response.submitted_at.is_not(None))
        .cte("responded")
        .prefix_with("MATERIALIZED")
    )
    statement = (
        select(Answer.id)
        .join(responded, responded.c.response == Answer.response_id)
        .where(
            Answer.question_id.in_([question.id for question in consultation.questions]),
            Answer.submitted_comment.is_not(None),
        )
        .order_by(Answer.question_id, responded.c.name, Answer.id)
    )
    if (question_id := as_record_id(filters["question"])) is not None:
        statement = statement.where(Answer.question_id == question_id)
    if filters["position"] in {p.value for p in Position}:
        statement = statement.where(Answer.submitted_position == Position(filters["position"]))
    if filters["control"] in {c.value for c in Control}:
        statement = statement.where(responded.c.control == filters["control"])
    if filters["type"]:
        statement = statement.where(responded.c.kind == filters["type"])
    if filters["region"]:
        statement = statement.where(responded.c.region == filters["region"])
    if filters["q"]:
        query = filters["q"].lower()
        statement = statement.where(
            or_(
                func.lower(Answer.submitted_comment).contains(query, autoescape=True),
                func.lower(responded.c.name).contains(query, autoescape=True),
            )
        )
    if (tag_id := as_record_id(filters["theme"])) is not None:
        statement = statement.where(
            Answer.id.in_(select(AnswerTag.answer_id).where(AnswerTag.tag_id == tag_id))
        )
    return statement


def comment_ids(consultation: Consultation, filters: dict[str, str]) -> list[int]:
    """The ids of every comment the filters show (on every page of them)."""
    return list(db.session.execute(comments_statement(consultation, filters)).scalars())


def _commented_rows(consultation: Consultation, answer_ids: list[int], *columns: Any) -> Any:
    """``columns`` of those of ``answer_ids`` that are submitted comments on
    this consultation (with their councils), by question then council."""
    return (
        select(*columns)
        .join(Response, Response.id == Answer.response_id)
        .join(Authority, Authority.id == Response.authority_id)
        .where(
            Answer.id.in_(answer_ids),
            Response.consultation_id == consultation.id,
            Response.submitted_at.is_not(None),
            Answer.submitted_comment.is_not(None),
        )
        .order_by(Answer.question_id, Authority.name, Answer.id)
    )


def _comment_cards(consultation: Consultation, answer_ids: list[int]) -> list[tuple[int, Any, Any]]:
    """(id, card, card) for those of ``answer_ids`` that are submitted
    comments on this consultation: a card is one row of what the page shows
    of the answer and its council (``id``, ``question_id``,
    ``submitted_position``, ``submitted_comment`` and the council's
    ``name``), given twice so that it reads as (answer, council). Plain
    columns: the page needs five of the answer's and council's many."""
    rows = db.session.execute(
        _commented_rows(
            consultation,
            answer_ids,
            Answer.id.label("id"),
            Answer.question_id.label("question_id"),
            Answer.submitted_position.label("submitted_position"),
            Answer.submitted_comment.label("submitted_comment"),
            Authority.name.label("name"),
        )
    ).all()
    return [(row.id, row, row) for row in rows]


def comments_page(
    consultation: Consultation, filters: dict[str, str], *, page: int, per_page: int
) -> NarrowPagination:
    """Page ``page`` of the comments the filters show, each as (answer,
    council) (one card, read as both: ``_comment_cards``): two statements
    whatever the number of comments."""
    return paginate_narrow(
        comments_statement(consultation, filters),
        lambda ids: _comment_cards(consultation, ids),
        page=page,
        per_page=per_page,
    )


def commented_answers(
    consultation: Consultation, answer_ids: list[int]
) -> list[tuple[Answer, Authority]]:
    """Those of ``answer_ids`` that are submitted comments on this
    consultation, with their councils, by question then council."""
    if not answer_ids:
        return []
    return [
        (answer, authority)
        for answer, authority in db.session.execute(
            _commented_rows(consultation, answer_ids, Answer, Authority)
        )
    ]


def tags_by_answer(answer_ids: list[int]) -> dict[int, list[str]]:
    """The themes of each of these answers, in name order."""
    tags: dict[int, list[str]] = {}
    if answer_ids:
        for answer_id, name in db.session.execute(
            select(AnswerTag.answer_id, Tag.name)
            .join(Tag)
            .where(AnswerTag.answer_id.in_(answer_ids))
            .order_by(Tag.name)
        ).all():
            tags.setdefault(answer_id, []).append(name)
    return tags


def all_tags() -> list[Tag]:
    return list(db.session.execute(select(Tag).order_by(Tag.name)).scalars())


NOT_RESPONDED_HEADER = ["Authority", "Type", "Region", "Political control", "Status"]


def load_snapshot(consultation: Consultation, snapshot_id: int) -> SummarySnapshot:
    """A snapshot of this consultation its viewer may see; otherwise 404
    (a frozen snapshot's existence is not given away)."""
    snapshot = db.session.get(SummarySnapshot, snapshot_id)
    if snapshot is None or snapshot.consultation_id != consultation.id:
        abort(404)
    if not can_see_snapshot(snapshot, current_user):
        abort(404)
    return snapshot
