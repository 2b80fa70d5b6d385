"""Meetings of the Commission, their agendas and the papers attached to them."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission.auth.models import User
from commission.db_types import UTCDateTime, str_enum, utcnow
from commission.extensions import Base

if TYPE_CHECKING:
    from commission.consultations.models import Consultation


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    AGENDA_PUBLISHED = "agenda_published"
    HELD = "held"
    MINUTES_PUBLISHED = "minutes_published"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            "draft": "Draft",
            "scheduled": "Scheduled",
            "agenda_published": "Agenda published",
            "held": "Held",
            "minutes_published": "Minutes published",
            "postponed": "Postponed",
            "cancelled": "Cancelled",
        }[self.value]

    @property
    def tag_colour(self) -> str:
        return {
            "draft": "grey",
            "scheduled": "blue",
            "agenda_published": "green",
            "held": "purple",
            "minutes_published": "purple",
            "postponed": "orange",
            "cancelled": "red",
        }[self.value]


PUBLIC_STATUSES = frozenset(MeetingStatus) - {MeetingStatus.DRAFT}
AGENDA_EDITABLE = frozenset(
    {MeetingStatus.DRAFT, MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED}
)
ACTIVE_STATUSES = frozenset(
    {
        MeetingStatus.DRAFT,
        MeetingStatus.SCHEDULED,
        MeetingStatus.AGENDA_PUBLISHED,
        MeetingStatus.HELD,
        MeetingStatus.MINUTES_PUBLISHED,
    }
)


class AgendaItemKind(StrEnum):
    OPENING = "opening"
    MINUTES = "minutes"
    MINISTERIAL_SESSION = "ministerial_session"
    CONSULTATION = "consultation"
    DISCUSSION = "discussion"
    DECISION = "decision"
    INFORMATION = "information"
    ANY_OTHER_BUSINESS = "any_other_business"

    @property
    def label(self) -> str:
        return {
            "opening": "Opening",
            "minutes": "Minutes of the last meeting",
            "ministerial_session": "Ministerial session",
            "consultation": "Consultation",
            "discussion": "Discussion",
            "decision": "Decision",
            "information": "Information",
            "any_other_business": "Any other business",
        }[self.value]


class Meeting(Base):
    """A meeting of the Commission. Times are stored in UTC; the address uses
    the London date (``2027-02-09``, or ``2027-02-09-2`` for a second that day)."""

    __tablename__ = "meetings"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="Local Government Commission")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Indexed for the next meeting that has not yet ended (the meetings list's first year).
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    venue: Mapped[str | None] = mapped_column(String(300))
    online_link: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[MeetingStatus] = mapped_column(
        str_enum(MeetingStatus, "meeting_status", length=30), default=MeetingStatus.DRAFT
    )
    status_reason: Mapped[str | None] = mapped_column(String(500))
    postponed_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL")
    )
    agenda_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agenda_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0)
    quorum_required: Mapped[int | None] = mapped_column(Integer)
    present_count: Mapped[int | None] = mapped_column(Integer)
    # The prefix of the meeting's decision and action references, fixed when the
    # first is recorded so that references, once cited, never change.
    record_reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        order_by="(AgendaItem.position, AgendaItem.id)",
        cascade="all, delete-orphan",
    )
    changes: Mapped[list[AgendaChange]] = relationship(
        back_populates="meeting",
        order_by="AgendaChange.occurred_at.desc()",
        cascade="all, delete-orphan",
    )
    postponed_to: Mapped[Meeting | None] = relationship(remote_side=[id])

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def agenda_is_public(self) -> bool:
        return self.agenda_published_at is not None and self.status in PUBLIC_STATUSES

    @property
    def agenda_editable(self) -> bool:
        return self.status in AGENDA_EDITABLE

    @property
    def quorum_met(self) -> bool | None:
        if self.quorum_required is None or self.present_count is None:
            return None
        return self.present_count >= self.quorum_required

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    def timed_items(self) -> list[tuple[AgendaItem, datetime]]:
        """Each item with its start time: the meeting's start plus the
        durations of the items before it."""
        start = self.starts_at
        result = []
        for item in self.items:
            result.append((item, start))
            start = start + timedelta(minutes=item.duration_minutes)
        return result

    @property
    def agenda_minutes(self) -> int:
        return sum(item.duration_minutes for item in self.items)

    @property
    def overrun_minutes(self) -> int:
        return max(0, self.agenda_minutes - int(self.duration.total_seconds() // 60))


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        Index("ix_agenda_items_meeting_id_position", "meeting_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[AgendaItemKind] = mapped_column(
        str_enum(AgendaItemKind, "agenda_item_kind", length=30)
    )
    title: Mapped[str] = mapped_column(String(200))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    presenter: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultations.id", ondelete="SET NULL"), index=True
    )
    # When the item was added (OParl's ``created``); items older than the
    # column have their meeting's time.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    consultation: Mapped[Consultation | None] = relationship()
    papers: Mapped[list[Paper]] = relationship(
        back_populates="agenda_item",
        order_by="(Paper.superseded_by_id.is_not(None), Paper.uploaded_at)",
        cascade="all, delete-orphan",
    )


class Paper(Base):
    """A document attached to an agenda item. Replacing a paper adds a new
    one and marks the old as superseded; nothing is deleted."""

    __tablename__ = "papers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    checksum: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("papers.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="papers")
    uploaded_by: Mapped[User | None] = relationship()
    superseded_by: Mapped[Paper | None] = relationship(remote_side=[id])

    @property
    def superseded(self) -> bool:
        return self.superseded_by_id is not None


class AgendaChange(Base):
    """What changed in an agenda after it was published, shown on the meeting
    page as "Agenda updated on …"."""

    __tablename__ = "agenda_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    summary: Mapped[str] = mapped_column(String(500))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="changes")
