"""The API's documents as pydantic models: what each response holds, and,
through pydantic's JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1),
the schemas of the OpenAPI document. Every field is described here once.

The models are plain data with no knowledge of requests, so other open-data
outputs (bulk files, OParl) can be built from the same serializers."""

from __future__ import annotations

from datetime import date
from typing import Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from commission.summaries.models import Summary

T = TypeVar("T")


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Link(Document):
    """A pointer to another resource of the API."""

    id: str = Field(description="The resource's stable identifier")
    name: str
    url: str = Field(description="The resource in this API")


class Page(Document, Generic[T]):
    """One page of a list. Follow ``next`` until it is null to read it all."""

    items: list[T]
    next: str | None = Field(description="The next page's address, or null on the last page")


# Authorities ---------------------------------------------------------------


class ControlRecord(Document):
    effective_from: date = Field(description="Control from this date until the next record")
    control: str = Field(description="Party in control, or no_overall_control, ...")
    label: str = Field(description="The control as the site shows it (a party's name for other)")
    source: str | None
    note: str | None


class Head(Document):
    """A current leader or mayor, as the authority's page names them."""

    role: str = Field(description="leader or mayor")
    name: str
    since: date


class AuthoritySummary(Document):
    id: str = Field(description="The authority's address on the site (stable)")
    gss_code: str | None = Field(description="ONS Government Statistical Service code")
    name: str
    type: str
    type_label: str
    region: str
    population: int | None = Field(description="Mid-2024 estimate")
    mayoral: bool
    member: bool = Field(description="A member of the Commission today")
    control: ControlRecord | None = Field(description="Political control today")
    modified_at: AwareDatetime
    url: str
    web_url: str


class Authority(AuthoritySummary):
    heads: list[Head]
    constituent_councils: list[Link]
    strategic_authorities: list[Link]
    control_history: list[ControlRecord] = Field(description="Newest first")


class OfficeHolder(Document):
    """A current leader or mayor, as the authority's page names them.
    Deputies and officers are not public; nor are ministers' names, which no
    public page gives."""

    role: str = Field(description="leader or mayor")
    name: str
    since: date
    authority: Link


# Meetings ------------------------------------------------------------------


class File(Document):
    """A paper or document the reader may download."""

    title: str
    filename: str
    content_type: str
    size: int = Field(description="Bytes")
    checksum: str = Field(description="SHA-256 of the file")
    superseded: bool
    download_url: str


class Decision(Document):
    reference: str
    text: str


class ActionRecord(Document):
    reference: str
    text: str
    owner: str
    due_on: date


class AgendaItem(Document):
    number: int
    title: str = Field(description="'Confidential item' for a confidential item")
    kind: str
    confidential: bool
    starts_at: AwareDatetime
    duration_minutes: int
    presenter: str | None
    description: str | None = Field(description="Markdown")
    consultation: str | None = Field(description="The consultation's reference")
    papers: list[File]
    decisions: list[Decision] = Field(description="From the approved minutes")
    actions: list[ActionRecord] = Field(description="From the approved minutes")


class MeetingSummary(Document):
    id: str = Field(description="The meeting's London date, -2 for a second that day")
    title: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    status: str
    status_reason: str | None
    venue: str | None
    agenda_published: bool
    minutes_approved: bool
    modified_at: AwareDatetime
    url: str
    web_url: str


class Meeting(MeetingSummary):
    postponed_to: str | None = Field(description="The meeting it was moved to")
    agenda: list[AgendaItem] = Field(description="Empty until the agenda is published")
    minutes_url: str | None = Field(description="The approved minutes on the site")


# Consultations -------------------------------------------------------------


class Question(Document):
    number: int
    kind: str = Field(description="position or free_text")
    text: str
    hint: str | None
    required: bool


class TimelineEvent(Document):
    at: AwareDatetime
    event: str


class ReplyToQuestion(Document):
    question: int
    text: str


class GovernmentReply(Document):
    published_at: AwareDatetime
    overall: str | None
    questions: list[ReplyToQuestion]


class ConsultationSummary(Document):
    id: str = Field(description="The consultation's reference, such as LGC-2027-004")
    title: str
    department: str
    lead_office: str | None
    stage: str
    status: str = Field(description="As the site shows it now (open past its close is closed)")
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    summary_published: bool
    modified_at: AwareDatetime
    url: str
    web_url: str


class Consultation(ConsultationSummary):
    summary: str = Field(description="Markdown")
    questions: list[Question]
    documents: list[File]
    timeline: list[TimelineEvent]
    government_reply: GovernmentReply | None
    summary_url: str | None = Field(description="The published summary in this API")


class PublishedSummary(Document):
    consultation: str
    published: bool = Field(
        description="false: the live summary, shown only to a token's holder who may see it "
        "on the web (the secretariat, the chair, ministers of the lead department)"
    )
    published_at: AwareDatetime | None
    figures: Summary = Field(description="As frozen when published, or as they stand now")
    positions_url: str | None = Field(description="The published positions")


class PositionRecord(Document):
    """One authority's answer to one question (or its overall position), as
    frozen in the published summary: the rows of the summary's CSV download
    and of the bulk datasets at /data/ (which describe each column with the
    descriptions given here)."""

    consultation: str = Field(description="The consultation's reference, such as LGC-2027-004")
    gss_code: str | None = Field(
        description="The authority's GSS code from the Office for National Statistics"
    )
    authority: str = Field(description="The authority's name")
    type: str = Field(description="The kind of authority, such as London borough")
    region: str = Field(description="The English region the authority is in")
    control_at_response: str = Field(
        description="The authority's political control when it submitted its response"
    )
    population: int | None = Field(description="The authority's population (mid-year estimate)")
    channel: str = Field(
        description="How the response came: online, stated at a meeting, or by letter or email"
    )
    submitted_at: AwareDatetime | None = Field(description="When the response was signed off")
    question: int | None = Field(description="The question's number; null for the overall position")
    question_text: str = Field(
        description='The question as asked ("Overall position" for the overall position)'
    )
    position: str | None = Field(
        description="The position taken on the question; null where none was given"
    )
    comment: str | None = Field(description="The authority's comment; null where there is none")
    themes: list[str] = Field(
        description="The themes the secretariat tagged the comment with, in name order"
    )
    answer: str | None = Field(
        description="The answer to a choice, yes/no, number or ranking question, as words: "
        'the option chosen (or "Other: …" with what was said), the options chosen '
        "separated by a semicolon and a space, the number with its unit, or the options in "
        "rank order; null for other questions and where none was given"
    )
