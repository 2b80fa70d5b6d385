"""Who will come to a meeting and who came: authorities' replies, ministers'
attendance, and the register taken on the day."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission.auth.models import Appointment, User
from commission.db_types import UTCDateTime, str_enum, utcnow
from commission.extensions import Base
from commission.meetings.models import AgendaItem, Meeting
from commission.membership.models import Authority, MinisterialOffice


class ReplyKind(StrEnum):
    IN_PERSON = "in_person"
    REMOTE = "remote"
    SUBSTITUTE = "substitute"
    APOLOGIES = "apologies"

    @property
    def label(self) -> str:
        return {
            "in_person": "Attending in person",
            "remote": "Attending remotely",
            "substitute": "Sending a substitute",
            "apologies": "Apologies",
        }[self.value]


class RegisterMark(StrEnum):
    IN_PERSON = "in_person"
    REMOTE = "remote"
    SUBSTITUTE = "substitute"
    APOLOGIES = "apologies"
    ABSENT = "absent"

    @property
    def label(self) -> str:
        return {
            "in_person": "Present in person",
            "remote": "Present remotely",
            "substitute": "Substitute present",
            "apologies": "Apologies",
            "absent": "Absent",
        }[self.value]

    @property
    def present(self) -> bool:
        return self in {RegisterMark.IN_PERSON, RegisterMark.REMOTE, RegisterMark.SUBSTITUTE}


class AttendanceReply(Base):
    """An authority's reply for a meeting: one per authority per meeting,
    changed until the meeting starts (each change is in the audit log)."""

    __tablename__ = "attendance_replies"
    __table_args__ = (
        UniqueConstraint("meeting_id", "authority_id"),
        CheckConstraint(
            "kind <> 'substitute' OR substitute_appointment_id IS NOT NULL "
            "OR substitute_name IS NOT NULL",
            name="substitute_named",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("authorities.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ReplyKind] = mapped_column(str_enum(ReplyKind, "reply_kind", length=30))
    substitute_appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    substitute_name: Mapped[str | None] = mapped_column(String(200))
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    authority: Mapped[Authority] = relationship()
    substitute_appointment: Mapped[Appointment | None] = relationship()
    replied_by: Mapped[User | None] = relationship(foreign_keys=[replied_by_id])
    on_behalf_of: Mapped[User | None] = relationship(foreign_keys=[on_behalf_of_id])

    @property
    def substitute_label(self) -> str:
        if self.substitute_appointment is not None:
            return self.substitute_appointment.user.full_name
        return self.substitute_name or ""

    @property
    def replied_by_label(self) -> str:
        if self.replied_by is None:
            return ""
        if self.on_behalf_of is not None and self.on_behalf_of.id != self.replied_by.id:
            return f"by {self.replied_by.full_name} on behalf of {self.on_behalf_of.full_name}"
        return f"by {self.replied_by.full_name}"


class RegisterEntry(Base):
    """The register taken on the day, one entry per member authority."""

    __tablename__ = "register_entries"
    __table_args__ = (UniqueConstraint("meeting_id", "authority_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("authorities.id", ondelete="CASCADE"), index=True
    )
    mark: Mapped[RegisterMark] = mapped_column(str_enum(RegisterMark, "register_mark", length=30))
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    authority: Mapped[Authority] = relationship()


class InvitationStatus(StrEnum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    STAND_IN = "stand_in"

    @property
    def label(self) -> str:
        return {
            "invited": "Invited",
            "confirmed": "Confirmed",
            "declined": "Declined",
            "stand_in": "Sending a stand-in",
        }[self.value]


class MinisterialAttendance(Base):
    """A minister's office invited to a meeting (no item) or to one agenda
    item, with the reply, any stand-in minister, and whether they came. The
    chair's own attendance is an invitation with ``for_chair`` set."""

    __tablename__ = "ministerial_attendances"
    __table_args__ = (
        CheckConstraint(
            "(for_chair AND ministerial_office_id IS NULL) "
            "OR (NOT for_chair AND ministerial_office_id IS NOT NULL)",
            name="chair_or_office",
        ),
        CheckConstraint(
            "status <> 'stand_in' OR stand_in_office_id IS NOT NULL", name="stand_in_named"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE")
    )
    for_chair: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    ministerial_office_id: Mapped[int | None] = mapped_column(
        ForeignKey("ministerial_offices.id", ondelete="RESTRICT")
    )
    status: Mapped[InvitationStatus] = mapped_column(
        str_enum(InvitationStatus, "invitation_status", length=30), default=InvitationStatus.INVITED
    )
    stand_in_office_id: Mapped[int | None] = mapped_column(
        ForeignKey("ministerial_offices.id", ondelete="RESTRICT")
    )
    attended: Mapped[bool | None] = mapped_column(Boolean)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    office: Mapped[MinisterialOffice | None] = relationship(foreign_keys=[ministerial_office_id])
    stand_in_office: Mapped[MinisterialOffice | None] = relationship(
        foreign_keys=[stand_in_office_id]
    )
    responded_by: Mapped[User | None] = relationship(foreign_keys=[responded_by_id])

    @property
    def attendance_label(self) -> str:
        """Whether the minister attended, as the attendance record says it."""
        if self.attended:
            return "Attended"
        if self.attended is False:
            return "Did not attend"
        return "Not recorded"

    @property
    def invitee(self) -> str:
        if self.for_chair:
            return "Chair of the Commission"
        assert self.office is not None
        return self.office.title

    @property
    def attending_office(self) -> str:
        """Who comes for government: the office, or its stand-in."""
        if self.status is InvitationStatus.STAND_IN and self.stand_in_office is not None:
            return f"{self.stand_in_office.title} (for {self.invitee})"
        return self.invitee

    @property
    def confirmed(self) -> bool:
        return self.status in {InvitationStatus.CONFIRMED, InvitationStatus.STAND_IN}
