"""The outbox of notification emails, and what each person has opted out of."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commission.db_types import UTCDateTime, str_enum, utcnow
from commission.extensions import Base


class Topic(StrEnum):
    """Kinds of email. A person can turn off those in ``CHOSEN_TOPICS``;
    password reset links (``ACCOUNT``) always go, written only as they are
    sent (their link would let a reader into the account), and feedback goes
    to the secretariat's mailbox."""

    ACCOUNT = "account"
    MEETINGS = "meetings"
    ATTENDANCE_REMINDERS = "attendance_reminders"
    MINISTERIAL = "ministerial"
    CONSULTATIONS = "consultations"
    CONSULTATION_REMINDERS = "consultation_reminders"
    RESPONSES = "responses"
    SUMMARIES = "summaries"
    FEEDBACK = "feedback"

    @property
    def label(self) -> str:
        return {
            "account": "Password reset links (always sent)",
            "meetings": "Meetings scheduled, agendas published or changed, postponements and "
            "cancellations",
            "attendance_reminders": "Reminders to reply about attending a meeting",
            "ministerial": "Invitations for ministers, and ministers' replies",
            "consultations": "Consultations opened, and extensions granted",
            "consultation_reminders": "Reminders that a consultation is closing",
            "responses": "Responses ready for sign-off, and receipts for submitted responses",
            "summaries": "Summaries and government replies published",
            "feedback": "Feedback on the service, for the secretariat's mailbox",
        }[self.value]


# The topics a person chooses to hear about. Password reset links always go;
# feedback goes to the secretariat's shared mailbox, not to a person: nobody
# opts in or out of either.
CHOSEN_TOPICS: tuple[Topic, ...] = tuple(
    topic for topic in Topic if topic not in {Topic.ACCOUNT, Topic.FEEDBACK}
)


class OutboxStatus(StrEnum):
    """Queued until sent or failed; withdrawn when, by the time it was due,
    its recipient had turned that kind of email off or been deactivated."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class OutboxMessage(Base):
    """Every notification email, stored before it is sent. ``dedupe_key``
    makes a reminder or notice go to a person once, however often it is
    queued."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    topic: Mapped[Topic] = mapped_column(str_enum(Topic, "topic", length=30))
    template: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus, "outbox_status", length=10),
        default=OutboxStatus.QUEUED,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OptOut(Base):
    __tablename__ = "email_opt_outs"
    __table_args__ = (UniqueConstraint("user_id", "topic"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
