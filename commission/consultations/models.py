"""Consultations: government policy brought to councils before legislation,
the questions asked, and each authority's one official response."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission.auth.models import User
from commission.db_types import UTCDateTime, str_enum, utcnow
from commission.extensions import Base
from commission.meetings.models import Meeting
from commission.membership.models import Authority, Department, MinisterialOffice


class LegislativeStage(StrEnum):
    POLICY_DEVELOPMENT = "policy_development"
    GREEN_PAPER = "green_paper"
    WHITE_PAPER = "white_paper"
    DRAFT_BILL = "draft_bill"
    BILL_BEFORE_PARLIAMENT = "bill_before_parliament"
    SECONDARY_LEGISLATION = "secondary_legislation"

    @property
    def label(self) -> str:
        return {
            "policy_development": "Policy development",
            "green_paper": "Green paper",
            "white_paper": "White paper",
            "draft_bill": "Draft bill",
            "bill_before_parliament": "Bill before Parliament",
            "secondary_legislation": "Secondary legislation",
        }[self.value]


class ConsultationStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    SUMMARY_PUBLISHED = "summary_published"
    REPLY_PUBLISHED = "reply_published"

    @property
    def label(self) -> str:
        return {
            "draft": "Draft",
            "open": "Open",
            "closed": "Closed",
            "summary_published": "Summary published",
            "reply_published": "Government reply published",
        }[self.value]

    @property
    def tag_colour(self) -> str:
        return {
            "draft": "grey",
            "open": "green",
            "closed": "blue",
            "summary_published": "purple",
            "reply_published": "purple",
        }[self.value]


class Position(StrEnum):
    SUPPORT = "support"
    SUPPORT_WITH_AMENDMENTS = "support_with_amendments"
    NEUTRAL = "neutral"
    OPPOSE = "oppose"
    NO_POSITION = "no_position"

    @property
    def label(self) -> str:
        return {
            "support": "Support",
            "support_with_amendments": "Support with amendments",
            "neutral": "Neutral",
            "oppose": "Oppose",
            "no_position": "No position",
        }[self.value]


class QuestionKind(StrEnum):
    POSITION = "position"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    NUMBER = "number"
    RANKING = "ranking"
    SHORT_TEXT = "short_text"
    FREE_TEXT = "free_text"

    @property
    def label(self) -> str:
        return {
            "position": "Position and comment",
            "single_choice": "One choice from options",
            "multiple_choice": "Several choices from options",
            "yes_no": "Yes, no or don't know",
            "number": "A number",
            "ranking": "A ranking of options",
            "short_text": "Short text (one line)",
            "free_text": "Free text",
        }[self.value]

    @property
    def has_options(self) -> bool:
        """Kinds answered from options the secretariat writes."""
        return self in OPTION_KINDS

    @property
    def takes_comment(self) -> bool:
        """Kinds whose words are kept in the answer's comment: the position's
        optional comment, and the text of a free-text answer."""
        return self in (QuestionKind.POSITION, QuestionKind.SHORT_TEXT, QuestionKind.FREE_TEXT)


OPTION_KINDS = frozenset(
    {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.RANKING}
)


class YesNo(StrEnum):
    YES = "yes"
    NO = "no"
    DONT_KNOW = "dont_know"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "no": "No", "dont_know": "Don't know"}[self.value]


OTHER = "other"


class ResponseStatus(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    SUBMITTED = "submitted"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "ready": "Ready for sign-off", "submitted": "Submitted"}[
            self.value
        ]


class Channel(StrEnum):
    ONLINE = "online"
    STATED_AT_MEETING = "stated_at_meeting"
    LETTER = "letter"

    @property
    def label(self) -> str:
        return {
            "online": "Online",
            "stated_at_meeting": "Stated at a meeting",
            "letter": "By letter or email",
        }[self.value]


class Consultation(Base):
    __tablename__ = "consultations"
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="closes_after_opening"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    lead_office_id: Mapped[int | None] = mapped_column(
        ForeignKey("ministerial_offices.id", ondelete="RESTRICT")
    )
    stage: Mapped[LegislativeStage] = mapped_column(
        str_enum(LegislativeStage, "legislative_stage", length=30)
    )
    status: Mapped[ConsultationStatus] = mapped_column(
        str_enum(ConsultationStatus, "consultation_status", length=30),
        default=ConsultationStatus.DRAFT,
    )
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    department: Mapped[Department] = relationship()
    lead_office: Mapped[MinisterialOffice | None] = relationship()
    questions: Mapped[list[Question]] = relationship(
        back_populates="consultation",
        order_by="(Question.position, Question.id)",
        cascade="all, delete-orphan",
    )
    sections: Mapped[list[QuestionSection]] = relationship(
        back_populates="consultation",
        order_by="(QuestionSection.position, QuestionSection.id)",
        cascade="all, delete-orphan",
    )
    documents: Mapped[list[ConsultationDocument]] = relationship(
        back_populates="consultation",
        order_by="ConsultationDocument.uploaded_at",
        cascade="all, delete-orphan",
    )

    def deadline_with(self, extension: Extension | None) -> datetime:
        """An authority's deadline: the closing time, or its extension's when
        that gives more time."""
        return self.deadline_until(extension.closes_at if extension is not None else None)

    def deadline_until(self, extended_to: datetime | None) -> datetime:
        """``deadline_with`` given only the extension's closing time (or none)."""
        if extended_to is not None and extended_to > self.closes_at:
            return extended_to
        return self.closes_at


class Question(Base):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind, "question_kind", length=30))
    text: Mapped[str] = mapped_column(String(500))
    hint: Mapped[str | None] = mapped_column(String(1000))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    # A number question: its unit ("places"), bounds and decimal places
    # (0 for whole numbers). A several-choices question: at most how many.
    unit: Mapped[str | None] = mapped_column(String(40))
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    decimals: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    max_choices: Mapped[int | None] = mapped_column(Integer)
    # A single-choice question offers "Other — please say".
    allow_other: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_sections.id", ondelete="SET NULL"), index=True
    )

    consultation: Mapped[Consultation] = relationship(back_populates="questions")
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question",
        order_by="(QuestionOption.position, QuestionOption.id)",
        cascade="all, delete-orphan",
    )
    section: Mapped[QuestionSection | None] = relationship(back_populates="questions")

    def option_label(self, option_id: object) -> str:
        """An option's words, by its id (as stored in an answer)."""
        for option in self.options:
            if str(option.id) == str(option_id):
                return option.label
        return "Other" if option_id == OTHER else str(option_id)


class QuestionOption(Base):
    """One of the options a choice or ranking question offers. Answers keep
    an option's id, so an option keeps its identity when its words or its
    place in the list change, and a ranking names options, not places."""

    __tablename__ = "question_options"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))

    question: Mapped[Question] = relationship(back_populates="options")


class QuestionSection(Base):
    """A heading and introduction that groups a consultation's questions."""

    __tablename__ = "question_sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str | None] = mapped_column(Text)

    consultation: Mapped[Consultation] = relationship(back_populates="sections")
    questions: Mapped[list[Question]] = relationship(
        back_populates="section", order_by="(Question.position, Question.id)"
    )


class ConsultationDocument(Base):
    __tablename__ = "consultation_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    checksum: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    consultation: Mapped[Consultation] = relationship(back_populates="documents")


def awaits_confirmation(channel: Channel, confirmed_at: datetime | None) -> bool:
    """``Response.awaiting_confirmation`` given only those two columns."""
    return channel is Channel.LETTER and confirmed_at is None


class Response(Base):
    """An authority's one official response to a consultation. The working
    fields are what people are drafting; the ``submitted_*`` fields are what
    was last signed off, which is what counts. ``version`` guards against two
    people overwriting each other (optimistic locking)."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("consultation_id", "authority_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("authorities.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ResponseStatus] = mapped_column(
        str_enum(ResponseStatus, "response_status", length=30), default=ResponseStatus.DRAFT
    )
    channel: Mapped[Channel] = mapped_column(
        str_enum(Channel, "response_channel", length=30), default=Channel.ONLINE
    )
    overall_position: Mapped[Position | None] = mapped_column(
        str_enum(Position, "position", length=30)
    )
    overall_comment: Mapped[str | None] = mapped_column(Text)
    submitted_position: Mapped[Position | None] = mapped_column(
        str_enum(Position, "submitted_position", length=30)
    )
    submitted_comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submission_count: Mapped[int] = mapped_column(Integer, default=0)
    control_at_submission: Mapped[str | None] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A response received by letter or email: the date on the letter, who in
    # the secretariat entered it, and the second member who confirmed it.
    letter_dated: Mapped[date | None] = mapped_column(Date)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    consultation: Mapped[Consultation] = relationship()
    authority: Mapped[Authority] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[ResponseAttachment]] = relationship(
        back_populates="response",
        order_by="(ResponseAttachment.uploaded_at, ResponseAttachment.id)",
        cascade="all, delete-orphan",
    )
    revisions: Mapped[list[ResponseRevision]] = relationship(
        back_populates="response",
        order_by="ResponseRevision.id.desc()",
        cascade="all, delete-orphan",
    )
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    __mapper_args__: Mapping[str, Any] = {"version_id_col": version}

    def answer_for(self, question_id: int) -> Answer | None:
        """This response's answer to a question, by a lookup in a mapping
        built once per loaded list of answers (a page or download asking for
        every question would otherwise scan the answers once per question).
        The mapping is rebuilt when the list is reloaded or grows, and a hit
        is checked against the answer itself."""
        answers = self.answers
        cached = self.__dict__.get("_answers_by_question")
        if cached is None or cached[0] is not answers or cached[1] != len(answers):
            cached = (answers, len(answers), {a.question_id: a for a in reversed(answers)})
            self.__dict__["_answers_by_question"] = cached
        answer: Answer | None = cached[2].get(question_id)
        if answer is not None and answer.question_id != question_id:
            self.__dict__.pop("_answers_by_question")
            return next((a for a in answers if a.question_id == question_id), None)
        return answer

    @property
    def from_letter(self) -> bool:
        """Entered by the secretariat from a letter or email, and its
        signed-off copy (once confirmed) is still that letter's."""
        return self.channel is Channel.LETTER

    @property
    def awaiting_confirmation(self) -> bool:
        """Entered from a letter and not yet confirmed by a second member of
        the secretariat: it does not count yet."""
        return awaits_confirmation(self.channel, self.confirmed_at)

    def documents(self, *, submitted: bool = False) -> list[ResponseAttachment]:
        """The supporting documents the working copy names, or (``submitted``)
        those the signed-off copy names; never the original letter."""
        return [
            a
            for a in self.attachments
            if not a.original and (a.in_submitted if submitted else a.in_working)
        ]

    @property
    def original_letter(self) -> ResponseAttachment | None:
        return next((a for a in self.attachments if a.original), None)

    @property
    def display_status(self) -> str:
        if self.awaiting_confirmation:
            return "Entered from a letter; awaiting confirmation"
        if self.status is ResponseStatus.SUBMITTED:
            return "Amended" if self.submission_count > 1 else "Submitted"
        if self.submitted_at is not None:
            return f"Submitted; amendment {self.status.label.lower()}"
        return self.status.label


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id"),
        # Each question's signed-off comments, without their text: the
        # comments on a summary are found, sorted and counted from this alone.
        Index(
            "ix_answers_commented",
            "question_id",
            "response_id",
            "id",
            sqlite_where=text("submitted_comment IS NOT NULL"),
            postgresql_where=text("submitted_comment IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[Position | None] = mapped_column(
        str_enum(Position, "answer_position", length=30)
    )
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_position: Mapped[Position | None] = mapped_column(
        str_enum(Position, "answer_submitted_position", length=30)
    )
    submitted_comment: Mapped[str | None] = mapped_column(Text)
    # The other kinds' answers, working and signed off like the position:
    # ``choice`` an option's id, "other", or a yes/no/don't know value;
    # ``choices`` option ids; ``number``; ``ranking`` option ids in rank
    # order (first preference first); ``text`` the words of "Other".
    choice: Mapped[str | None] = mapped_column(String(30))
    choices: Mapped[list[int] | None] = mapped_column(JSON)
    number: Mapped[float | None] = mapped_column(Float)
    ranking: Mapped[list[int] | None] = mapped_column(JSON)
    text: Mapped[str | None] = mapped_column(Text)
    submitted_choice: Mapped[str | None] = mapped_column(String(30))
    submitted_choices: Mapped[list[int] | None] = mapped_column(JSON)
    submitted_number: Mapped[float | None] = mapped_column(Float)
    submitted_ranking: Mapped[list[int] | None] = mapped_column(JSON)
    submitted_text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()

    WORKING: ClassVar[tuple[str, ...]] = (
        "position",
        "comment",
        "choice",
        "choices",
        "number",
        "ranking",
        "text",
    )

    def sign_off(self) -> None:
        """The working copy becomes the signed-off copy."""
        for name in self.WORKING:
            setattr(self, f"submitted_{name}", getattr(self, name))

    def withdraw(self) -> None:
        """Nothing is signed off any more."""
        for name in self.WORKING:
            setattr(self, f"submitted_{name}", None)


class ResponseAttachment(Base):
    """A supporting document attached to a response (a cabinet report, legal
    advice), or the original letter or email a response was entered from.

    A document is part of the response like an answer is: ``in_working``
    while the working copy names it, ``in_submitted`` while the signed-off
    copy does. One removed from the working copy after sign-off is kept (the
    signed-off copy still names it) until the next sign-off."""

    __tablename__ = "response_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    checksum: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    in_working: Mapped[bool] = mapped_column(Boolean, default=True)
    in_submitted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    original: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    response: Mapped[Response] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User | None] = relationship()


class ResponseRevision(Base):
    """Every save of a response: who, when, what it said."""

    __tablename__ = "response_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)

    response: Mapped[Response] = relationship(back_populates="revisions")
    saved_by: Mapped[User | None] = relationship()


class Extension(Base):
    __tablename__ = "extensions"
    __table_args__ = (UniqueConstraint("consultation_id", "authority_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("authorities.id", ondelete="CASCADE"), index=True
    )
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(500))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    authority: Mapped[Authority] = relationship()


class StatedPosition(Base):
    """A position an authority's representative stated at a meeting, kept
    beside its written response (or, if it had none, recorded as its response)."""

    __tablename__ = "stated_positions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[Position] = mapped_column(str_enum(Position, "stated_position", length=30))
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    authority: Mapped[Authority] = relationship()
    meeting: Mapped[Meeting] = relationship()
