"""Themes tagged on comments, frozen summaries, and the government's reply."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NotRequired

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from typing_extensions import TypedDict  # pydantic reads it for the API schema (Python 3.11)

from commission.auth.models import User
from commission.consultations.models import Answer, Consultation
from commission.db_types import UTCDateTime, utcnow
from commission.extensions import Base
from commission.meetings.models import Meeting

# The shape of a summary's figures: what ``compute_summary`` returns, what the
# pages, downloads and briefing read, and what a snapshot stores as JSON (so
# the keys and values are plain JSON). Keys added after the first snapshots
# were frozen are ``NotRequired``: an older snapshot does not have them.


class PositionRow(TypedDict):
    """One position's figures: count and population, with shares of each."""

    position: str
    label: str
    count: int
    percent: float
    population: int
    weighted: float


class PositionTable(TypedDict):
    rows: list[PositionRow]
    total: int
    population: int


class GroupTable(PositionTable):
    """A position table for one group (a political control, type or region)."""

    group: str


class OptionFigure(TypedDict):
    """One option's (or "Other"'s, or yes/no/don't know's) figures: how many
    respondents chose it and their population, with shares of each (of the
    question's respondents: several choices can add up to more than 100)."""

    value: str
    label: str
    count: int
    percent: float
    population: int
    weighted: float


class RankFigure(TypedDict):
    """One option of a ranking: its mean rank (1 is first), by head-count
    and weighted by population, and how many put it first."""

    value: str
    label: str
    mean_rank: float | None
    weighted_mean_rank: float | None
    first: int
    first_percent: float
    first_population: int
    first_weighted: float


class KindTable(TypedDict):
    """A group's figures for a choice, yes/no, number or ranking question:
    ``options`` for the choices and yes/no, ``ranks`` for a ranking, the
    number's total, median, range and means for a number."""

    group: str
    respondents: int
    population: int
    options: NotRequired[list[OptionFigure]]
    ranks: NotRequired[list[RankFigure]]
    total: NotRequired[float | None]
    median: NotRequired[float | None]
    min: NotRequired[float | None]
    max: NotRequired[float | None]
    mean: NotRequired[float | None]
    weighted_mean: NotRequired[float | None]


class KindFigures(TypedDict):
    """A question's figures by its kind (``summaries.kinds``): overall and
    by control at the time of the response, type and region."""

    kind: str
    unit: str
    decimals: int
    overall: KindTable
    by_control: list[KindTable]
    by_type: list[KindTable]
    by_region: list[KindTable]


class QuestionFigures(TypedDict):
    id: int
    number: int
    text: str
    kind: str
    rows: list[PositionRow]
    total: int
    population: int
    by_control: list[GroupTable]
    comments: NotRequired[int]
    by_type: NotRequired[list[GroupTable]]
    by_region: NotRequired[list[GroupTable]]
    # Choice, yes/no, number and ranking questions' own figures; summaries
    # frozen before these kinds existed have none.
    figures: NotRequired[KindFigures]


class CoverageRow(TypedDict):
    group: str
    submitted: int
    draft: int
    not_started: int
    members: int


class Coverage(TypedDict):
    type: list[CoverageRow]
    region: list[CoverageRow]
    control: list[CoverageRow]
    area: list[CoverageRow]


class NotResponded(TypedDict):
    name: str
    slug: str
    type: str
    region: str
    control: str
    status: str
    # The deadline that applies to the authority (extensions included), ISO
    # text; kept in figures from the coverage change on.
    deadline: NotRequired[str]
    extended: NotRequired[bool]


class ThemeCount(TypedDict):
    """Tagged comments with a theme, per position ("none" for free text)."""

    tag: str
    counts: dict[str, int]
    total: int


class Quotation(TypedDict):
    question: int | None
    authority: str
    position: str
    comment: str


class QuestionTheme(ThemeCount):
    """A theme on one question's comments, with one of its comments quoted."""

    question: int
    quotation: NotRequired[Quotation]


class PositionOption(TypedDict):
    value: str
    label: str


class MapRecord(TypedDict):
    """An authority as a summary's maps show it (members, and any other
    authority that submitted): its status and its position on each question
    (in question order; None where it gave none), frozen with a snapshot."""

    name: str
    slug: str
    gss: str | None
    kind: str
    region: str
    member: bool
    status: str
    answers: list[str | None]
    constituents: list[str]


class Summary(TypedDict):
    computed_at: str
    reference_day: str
    members: int
    totals: dict[str, int]
    coverage: Coverage
    not_responded: list[NotResponded]
    overall: PositionTable
    by_control: list[GroupTable]
    by_type: list[GroupTable]
    by_region: list[GroupTable]
    questions: list[QuestionFigures]
    themes: list[ThemeCount]
    quotations: list[Quotation]
    positions: list[PositionOption]
    question_themes: NotRequired[list[QuestionTheme]]
    # Kept in snapshots frozen since maps were drawn (commission/maps).
    map: NotRequired[list[MapRecord]]


class QuestionPage(TypedDict):
    """One question's figures, as its page shows them."""

    computed_at: str | None
    question: QuestionFigures
    count: int
    positions: list[PositionOption]


class Tag(Base):
    """A theme the secretariat applies to comments, such as "funding"."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnswerTag(Base):
    __tablename__ = "answer_tags"
    __table_args__ = (UniqueConstraint("answer_id", "tag_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), index=True)
    tagged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    tagged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    answer: Mapped[Answer] = relationship()
    tag: Mapped[Tag] = relationship()


class AnswerTally(Base):
    """The signed-off answers of a consultation, counted as they are signed
    off (see ``tallies.py``): for each question, split and group (the
    control a response recorded, the authority's type or region; ``""`` for
    "overall" or a group with no value) and position (``""`` for none), how
    many answers, the population of their authorities and how many have a
    comment. Derived data, kept in the transaction that changes its source."""

    __tablename__ = "summary_tallies"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    split: Mapped[str] = mapped_column(String(12), primary_key=True)
    grp: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[str] = mapped_column(String(30), primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    people: Mapped[int] = mapped_column(BigInteger, default=0)
    comments: Mapped[int] = mapped_column(Integer, default=0)


class ThemeTally(Base):
    """The signed-off answers of a consultation tagged with each theme, by
    question and position (``""`` for none), counted as they change."""

    __tablename__ = "theme_tallies"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[str] = mapped_column(String(30), primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, default=0)


class KeptComment(Base):
    """A signed-off comment as the quotations rank it: its length and its
    council, once for its question (``tag_id`` 0) and once for each theme it
    is tagged with, kept as responses are signed off (see ``tallies.py``),
    so that the quotations rank these narrow rows and read only the
    winners' answers. Derived data, kept in the transaction that changes
    its source."""

    __tablename__ = "summary_comments"
    # Each question's or theme's comments longest first (read backwards), so
    # its quotations are taken from the top (PostgreSQL; see
    # ``queries._quotations_on_top``).
    __table_args__ = (Index("ix_summary_comments_length", "question_id", "tag_id", "length"),)

    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: the question's own
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    length: Mapped[int] = mapped_column(Integer)
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("authorities.id", ondelete="CASCADE"), index=True
    )


class SummarySnapshot(Base):
    """A summary frozen for a meeting, or as the published summary. Later
    responses do not change it."""

    __tablename__ = "summary_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The figures (a summary of 331 authorities by 25 questions is a few hundred
    # kilobytes of JSON): loaded when a page or file shows them, not when a
    # page only links to the snapshot.
    data: Mapped[Summary] = mapped_column(JSON, deferred=True)
    # Every submitted answer at the moment of freezing, for the snapshot's own
    # downloads: large, so loaded only when a download asks for it. None for
    # snapshots made before answers were kept with them.
    answers: Mapped[list[list[Any]] | None] = mapped_column(JSON, deferred=True)

    consultation: Mapped[Consultation] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    created_by: Mapped[User | None] = relationship()


class GovernmentReply(Base):
    """ "You said, we did": the government's reply, overall and per question."""

    __tablename__ = "government_replies"
    __table_args__ = (UniqueConstraint("consultation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    overall: Mapped[str | None] = mapped_column(Text)
    per_question: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    consultation: Mapped[Consultation] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
