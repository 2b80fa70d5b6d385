"""The record of a meeting: minutes by agenda item, decisions and actions."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission.auth.models import User
from commission.db_types import UTCDateTime, str_enum, utcnow
from commission.extensions import Base
from commission.meetings.models import AgendaItem, Meeting
from commission.membership.models import Authority, Department
from commission.timeutil import in_london


class Minutes(Base):
    """Draft until the chair approves; then published, and changed only by
    corrections that are shown as such."""

    __tablename__ = "minutes"
    __table_args__ = (UniqueConstraint("meeting_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    introduction: Mapped[str | None] = mapped_column(Text)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    items: Mapped[list[MinuteItem]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan"
    )
    corrections: Mapped[list[Correction]] = relationship(
        back_populates="minutes",
        order_by="(Correction.made_at, Correction.id)",
        cascade="all, delete-orphan",
    )

    @property
    def published(self) -> bool:
        return self.approved_at is not None

    def discussion_for(self, agenda_item_id: int) -> str | None:
        item = next((i for i in self.items if i.agenda_item_id == agenda_item_id), None)
        return item.discussion if item else None


class MinuteItem(Base):
    __tablename__ = "minute_items"
    __table_args__ = (UniqueConstraint("minutes_id", "agenda_item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    discussion: Mapped[str | None] = mapped_column(Text)

    minutes: Mapped[Minutes] = relationship(back_populates="items")
    agenda_item: Mapped[AgendaItem] = relationship()


class Correction(Base):
    __tablename__ = "minute_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    minutes: Mapped[Minutes] = relationship(back_populates="corrections")
    made_by: Mapped[User | None] = relationship()


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()

    @property
    def reference(self) -> str:
        return f"{meeting_prefix(self.meeting)}/D{self.number}"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {"open": "Open", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}[
            self.value
        ]

    @property
    def finished(self) -> bool:
        return self in {ActionStatus.DONE, ActionStatus.DROPPED}


class OwnerKind(StrEnum):
    AUTHORITY = "authority"
    DEPARTMENT = "department"
    SECRETARIAT = "secretariat"


class Action(Base):
    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number"),
        CheckConstraint(
            "(owner_kind = 'authority' AND owner_authority_id IS NOT NULL "
            "AND owner_department_id IS NULL) OR "
            "(owner_kind = 'department' AND owner_department_id IS NOT NULL "
            "AND owner_authority_id IS NULL) OR "
            "(owner_kind = 'secretariat' AND owner_authority_id IS NULL "
            "AND owner_department_id IS NULL)",
            name="one_owner",
        ),
        # The action log, soonest due first, a page at a time.
        Index("ix_actions_due_on_id", "due_on", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    owner_kind: Mapped[OwnerKind] = mapped_column(str_enum(OwnerKind, "owner_kind", length=20))
    owner_authority_id: Mapped[int | None] = mapped_column(
        ForeignKey("authorities.id", ondelete="RESTRICT"), index=True
    )
    owner_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(
        str_enum(ActionStatus, "action_status", length=20), default=ActionStatus.OPEN, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    owner_authority: Mapped[Authority | None] = relationship()
    owner_department: Mapped[Department | None] = relationship()
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action",
        order_by="(ActionUpdate.made_at.desc(), ActionUpdate.id.desc())",
        cascade="all, delete-orphan",
    )

    @property
    def reference(self) -> str:
        return f"{meeting_prefix(self.meeting)}/A{self.number}"

    @property
    def owner_name(self) -> str:
        if self.owner_authority is not None:
            return self.owner_authority.name
        if self.owner_department is not None:
            return self.owner_department.name
        return "Commission secretariat"

    def overdue(self, on: date) -> bool:
        return not self.status.finished and self.due_on < on


class ActionUpdate(Base):
    __tablename__ = "action_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    status: Mapped[ActionStatus] = mapped_column(str_enum(ActionStatus, "update_status", length=20))
    note: Mapped[str | None] = mapped_column(String(2000))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    action: Mapped[Action] = relationship(back_populates="updates")
    made_by: Mapped[User | None] = relationship()


def meeting_prefix(meeting: Meeting) -> str:
    """The prefix of a meeting's decisions and actions: ``LGC/2027/03`` for the
    first meeting of a month to record one, ``LGC/2027/03-23`` (the day, as in
    its address) for another meeting that month. Given by
    ``assign_record_reference`` and kept; until then, the month's."""
    if meeting.record_reference:
        return meeting.record_reference
    return month_prefix(meeting)


def month_prefix(meeting: Meeting) -> str:
    local = in_london(meeting.starts_at)
    return f"LGC/{local:%Y}/{local:%m}"


def day_prefix(meeting: Meeting) -> str:
    """From the address: 2027-03-23 gives LGC/2027/03-23, 2027-03-23-2 gives
    LGC/2027/03-23-2. Addresses are unique, so these are too."""
    return f"LGC/{meeting.slug[:4]}/{meeting.slug[5:]}"
