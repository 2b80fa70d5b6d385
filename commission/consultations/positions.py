"""A council's record of positions, and councils' answers side by side.

Both read only signed-off responses (a position stated at a meeting is one:
recording it makes the authority's response when it had none, and is listed
beside the written one when it had). Who sees which response is decided by
the rules that already decide it elsewhere, never a copy of them:

- once a consultation's summary is published, its responses are public
  (``summaries.services.published_snapshot`` is the published summary);
- before that, the authority's own people and the secretariat, who may read
  the response itself (``consultations.services.capacity``), and those who
  may see the unpublished summary (``summaries.policy.can_see_live``).

Each page reads in a fixed number of statements whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from commission.auth.models import User
from commission.consultations import answers
from commission.consultations.models import (
    Answer,
    Consultation,
    Question,
    QuestionOption,
    Response,
    ResponseAttachment,
    StatedPosition,
)
from commission.consultations.services import capacity
from commission.extensions import db
from commission.membership.models import Authority, Department
from commission.summaries.models import PositionRow as FigureRow
from commission.summaries.models import Summary, SummarySnapshot
from commission.summaries.policy import can_see_live, live_departments
from commission.summaries.queries import control_at_response, question_from_summary
from commission.summaries.services import published_snapshot
from commission.timeutil import london_date

# The record of positions -----------------------------------------------------


def reads_responses(authority: Authority, user: User) -> bool:
    """Whether ``user`` may open the authority's response pages (its own
    people and the secretariat), whatever the state of the summary."""
    return capacity(user, authority).can_view


def may_see_response(
    consultation: Consultation, authority: Authority, user: User, *, published: bool
) -> bool:
    """Whether ``user`` may see the authority's signed-off response to the
    consultation: it is public once the summary is published; before that it
    is for those who may read the response or see the unpublished summary."""
    return published or capacity(user, authority).can_view or can_see_live(consultation, user)


def may_download(attachment: ResponseAttachment, user: User) -> bool:
    """Whether ``user`` may download a document attached to a response. The
    authority's own people and the secretariat always may. A document the
    signed-off response names (or the original letter of a confirmed response
    entered from one) follows that response: the chair and the lead
    department's ministers see it before the summary is published, and
    everyone once it is. Anything else (a draft's document, one taken out)
    stays with the authority and the secretariat."""
    response = attachment.response
    if reads_responses(response.authority, user):
        return True
    counted = response.submitted_at is not None and (
        attachment.in_submitted or (attachment.original and response.from_letter)
    )
    if not counted:
        return False
    consultation = response.consultation
    return may_see_response(
        consultation,
        response.authority,
        user,
        published=published_snapshot(consultation) is not None,
    )


@dataclass(frozen=True)
class PositionFilters:
    """The record's filters: a department (by its short name) and a year."""

    department: str = ""
    year: int | None = None

    def args(self) -> dict[str, str]:
        result = {}
        if self.department:
            result["department"] = self.department
        if self.year is not None:
            result["year"] = str(self.year)
        return result


class DepartmentChoice(NamedTuple):
    """A department the record's filter offers."""

    short_name: str
    name: str


class _Visible(NamedTuple):
    """A signed-off response the viewer may see, as the filters read it."""

    response_id: int
    department: str  # its consultation's department, by short name
    year: int  # the year it was signed off in, in London


@dataclass(frozen=True)
class PositionRecord:
    """What the record page offers: the visible consultations' departments and
    years for the filters, the responses the viewer may see (newest first),
    and which of those have a published summary."""

    departments: list[DepartmentChoice]
    years: list[int]
    visible: list[_Visible]
    published: set[int]

    def response_ids(self, filters: PositionFilters) -> list[int]:
        """The visible responses the filters keep, newest first."""
        return [
            row.response_id
            for row in self.visible
            if (not filters.department or row.department == filters.department)
            and (filters.year is None or row.year == filters.year)
        ]


def position_record(authority: Authority, user: User) -> PositionRecord:
    """The authority's signed-off responses the user may see
    (``may_see_response``), in one statement however many there are: each
    one's consultation, department, time and whether its summary is
    published, read as plain columns, newest first (ten years of them are
    hundreds of rows, and each was an ORM object with its department). Who
    may see which is decided in the statement from what depends on the user
    alone, asked once: the public and most ministers see a few published
    summaries' responses among hundreds. The filters, their counts and their
    pages are all worked out from these rows, so only a page's responses are
    read in full (``responses``)."""
    published_summary = (
        select(SummarySnapshot.id)
        .where(
            SummarySnapshot.consultation_id == Response.consultation_id,
            SummarySnapshot.published.is_(True),
        )
        .exists()
    )
    statement = (
        select(
            Response.id,
            Response.consultation_id,
            Department.short_name,
            Department.name,
            Response.submitted_at,
            published_summary.label("published"),
        )
        .join(Consultation, Consultation.id == Response.consultation_id)
        .join(Department, Department.id == Consultation.department_id)
        .where(Response.authority_id == authority.id, Response.submitted_at.is_not(None))
        .order_by(Response.submitted_at.desc(), Response.id.desc())
    )
    live = live_departments(user)
    if not reads_responses(authority, user) and live is not None:
        statement = statement.where(
            or_(published_summary, Consultation.department_id.in_(sorted(live)))
        )
    departments: dict[str, DepartmentChoice] = {}
    visible: list[_Visible] = []
    published: set[int] = set()
    # Unpacked, not read by name: a row's fields by name cost several times
    # as much, and there are hundreds of rows.
    for (
        response_id,
        consultation_id,
        short_name,
        name,
        submitted_at,
        is_published,
    ) in db.session.execute(statement):
        if short_name not in departments:
            departments[short_name] = DepartmentChoice(short_name, name)
        assert submitted_at is not None  # signed off: the statement asks for no other
        visible.append(_Visible(response_id, short_name, london_date(submitted_at).year))
        if is_published:
            published.add(consultation_id)
    return PositionRecord(
        departments=sorted(departments.values(), key=lambda d: d.name),
        years=sorted({row.year for row in visible}, reverse=True),
        visible=visible,
        published=published,
    )


def responses(response_ids: list[int]) -> list[Response]:
    """These responses, in this order, each with its consultation, department,
    questions and answers loaded alongside (one statement each), and the
    options of those questions that have any (one more, only if there are:
    most consultations ask for positions alone)."""
    if not response_ids:
        return []
    found = {
        response.id: response
        for response in db.session.execute(
            select(Response)
            .where(Response.id.in_(response_ids))
            .options(
                joinedload(Response.consultation).joinedload(Consultation.department),
                joinedload(Response.consultation).selectinload(Consultation.questions),
                selectinload(Response.answers),
            )
        ).scalars()
    }
    questions = {
        question.id: question
        for response in found.values()
        for question in response.consultation.questions
    }
    options: dict[int, list[QuestionOption]] = {question_id: [] for question_id in questions}
    with_options = [q.id for q in questions.values() if q.kind.has_options]
    if with_options:
        for option in db.session.execute(
            select(QuestionOption)
            .where(QuestionOption.question_id.in_(with_options))
            .order_by(QuestionOption.question_id, QuestionOption.position, QuestionOption.id)
        ).scalars():
            options[option.question_id].append(option)
    for question_id, question in questions.items():
        set_committed_value(question, "options", options[question_id])
    return [found[id_] for id_ in response_ids if id_ in found]


@dataclass(frozen=True)
class AnswerLine:
    number: int
    question: str
    position: str
    comment: str


@dataclass(frozen=True)
class StatedLine:
    on: date
    position: str
    comment: str


@dataclass(frozen=True)
class PositionRow:
    """One consultation in the record: the response as signed off, the
    control at the time, its answers, and positions stated at meetings."""

    response: Response
    consultation: Consultation
    control: str
    answers: list[AnswerLine]
    stated: list[StatedLine]
    published: bool


def _given(question: Question, answer: Answer | None) -> str:
    """A signed-off answer's position, or its choice, number or ranking in
    words (``answers.answer_text``); empty if none."""
    if answer is None:
        return ""
    if answer.submitted_position is not None:
        return answer.submitted_position.label
    return answers.answer_text(question, answers.values(answer, submitted=True))


def _answer_lines(response: Response) -> list[AnswerLine]:
    lines = []
    for number, question in enumerate(response.consultation.questions, start=1):
        answer: Answer | None = response.answer_for(question.id)
        given = _given(question, answer)
        if answer is None or (not given and not answer.submitted_comment):
            continue
        lines.append(AnswerLine(number, question.text, given, answer.submitted_comment or ""))
    return lines


def position_rows(
    authority: Authority, responses: Iterable[Response], published: set[int]
) -> list[PositionRow]:
    """The responses as rows, with the positions stated at meetings on their
    consultations read in one statement."""
    responses = list(responses)
    stated: dict[int, list[StatedLine]] = {}
    if responses:
        for item in db.session.execute(
            select(StatedPosition)
            .where(
                StatedPosition.authority_id == authority.id,
                StatedPosition.consultation_id.in_([r.consultation_id for r in responses]),
            )
            .options(joinedload(StatedPosition.meeting))
            .order_by(StatedPosition.recorded_at, StatedPosition.id)
        ).scalars():
            stated.setdefault(item.consultation_id, []).append(
                StatedLine(
                    london_date(item.meeting.starts_at), item.position.label, item.comment or ""
                )
            )
    return [
        PositionRow(
            response=response,
            consultation=response.consultation,
            control=control_at_response(response.control_at_submission),
            answers=_answer_lines(response),
            stated=stated.get(response.consultation_id, []),
            published=response.consultation_id in published,
        )
        for response in responses
    ]


POSITIONS_HEADER = [
    "Reference",
    "Consultation",
    "Department",
    "Submitted",
    "Channel",
    "Political control at response",
    "Question number",
    "Question",
    "Position",
    "Comment",
]


def position_csv_rows(rows: Iterable[PositionRow]) -> Iterator[list[Any]]:
    """One line for each response's overall position, one per answered
    question, and one per position stated at a meeting."""
    for row in rows:
        response = row.response
        base = [
            row.consultation.reference,
            row.consultation.title,
            row.consultation.department.name,
            response.submitted_at,
            response.channel.label,
            row.control,
        ]
        yield [
            *base,
            "Overall",
            "Overall position",
            response.submitted_position.label if response.submitted_position else "",
            response.submitted_comment or "",
        ]
        for line in row.answers:
            yield [*base, str(line.number), line.question, line.position, line.comment]
        for stated in row.stated:
            yield [
                *base,
                "Stated",
                f"Stated at the meeting on {stated.on.isoformat()}",
                stated.position,
                stated.comment,
            ]


# Comparing authorities -------------------------------------------------------


@dataclass(frozen=True)
class CompareChoice:
    slug: str
    name: str


def compare_choices(consultation: Consultation, user: User) -> dict[str, CompareChoice]:
    """The authorities whose signed-off response to the consultation the user
    may see, by slug, in name order (two statements)."""
    published = published_snapshot(consultation) is not None
    live = can_see_live(consultation, user)
    authorities = db.session.execute(
        select(Authority)
        .join(Response, Response.authority_id == Authority.id)
        .where(Response.consultation_id == consultation.id, Response.submitted_at.is_not(None))
        .order_by(Authority.name)
    ).scalars()
    return {
        a.slug: CompareChoice(a.slug, a.name)
        for a in authorities
        if published or live or capacity(user, a).can_view
    }


@dataclass(frozen=True)
class CompareCell:
    position: str
    comment: str


@dataclass(frozen=True)
class CompareLine:
    """One question (or the overall position): each authority's answer, and
    with all members the figures for every member's answers."""

    number: int | None
    text: str
    cells: list[CompareCell]
    figures: list[str] | None


@dataclass(frozen=True)
class Comparison:
    authorities: list[Authority]
    responses: list[Response]
    lines: list[CompareLine]
    with_all: bool
    control: list[str]


def _figures(summary: Summary | None, number: int | None) -> list[str] | None:
    """All members' figures for the whole response (``number`` None) or one
    question, from a computed or published summary, a line each: each
    position's or option's count and share, a ranking's mean ranks, a
    number's total, median and range; None for free text."""
    if summary is None:
        return None
    if number is None:
        return _position_lines(summary["overall"]["rows"])
    question = question_from_summary(summary, number)
    if question is None:
        return None
    figures = question["question"]
    if figures.get("rows"):
        return _position_lines(figures["rows"])
    kind = figures.get("figures")
    if kind is None:
        return None  # free text
    overall = kind["overall"]
    if kind["kind"] == "number":
        if not overall["respondents"]:
            return ["No numbers given"]
        unit = f" {kind['unit']}" if kind["unit"] else ""
        given = (
            overall.get("total"),
            overall.get("median"),
            overall.get("min"),
            overall.get("max"),
        )
        total, median, low, high = (answers.format_number(v, kind["decimals"]) for v in given)
        return [f"Total: {total}{unit}", f"Median: {median}{unit}", f"Range: {low} to {high}{unit}"]
    if kind["kind"] == "ranking":
        return [
            f"{rank['label']}: mean rank {rank['mean_rank']}, first for {rank['first']}"
            for rank in overall.get("ranks", [])
        ]
    return [f"{o['label']}: {o['count']} ({o['percent']}%)" for o in overall.get("options", [])]


def _position_lines(rows: list[FigureRow]) -> list[str] | None:
    return [f"{row['label']}: {row['count']} ({row['percent']}%)" for row in rows] or None


def compare(
    consultation: Consultation,
    slugs: list[str],
    *,
    summary: Summary | None,
) -> Comparison:
    """The chosen authorities' signed-off responses side by side, question by
    question, in the order chosen (one statement for the responses and their
    answers). ``summary`` is the all-members summary to set beside them, or
    None."""
    responses = {
        r.authority.slug: r
        for r in db.session.execute(
            select(Response)
            .join(Authority, Authority.id == Response.authority_id)
            .where(
                Response.consultation_id == consultation.id,
                Response.submitted_at.is_not(None),
                Authority.slug.in_(slugs),
            )
            .options(joinedload(Response.authority), selectinload(Response.answers))
        )
        .unique()
        .scalars()
    }
    chosen = [responses[slug] for slug in slugs if slug in responses]
    lines = [
        CompareLine(
            None,
            "Overall position",
            [
                CompareCell(
                    r.submitted_position.label if r.submitted_position else "No answer",
                    r.submitted_comment or "",
                )
                for r in chosen
            ],
            _figures(summary, None),
        )
    ]
    for number, question in enumerate(consultation.questions, start=1):
        cells = []
        for response in chosen:
            answer = response.answer_for(question.id)
            cells.append(
                CompareCell(
                    _given(question, answer) or "No answer",
                    (answer.submitted_comment or "") if answer else "",
                )
            )
        lines.append(CompareLine(number, question.text, cells, _figures(summary, number)))
    return Comparison(
        authorities=[r.authority for r in chosen],
        responses=chosen,
        lines=lines,
        with_all=summary is not None,
        control=[control_at_response(r.control_at_submission) for r in chosen],
    )
