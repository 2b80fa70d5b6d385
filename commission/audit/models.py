"""The audit trail: who did what to which record, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission.auth.models import User
from commission.db_types import UTCDateTime, utcnow
from commission.extensions import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        # The log newest first, a page at a time: (occurred_at, id) unfiltered,
        # (action, occurred_at, id) filtered by what happened, which also serves
        # the loose index scan for the filter's list of actions.
        Index("ix_audit_events_occurred_at_id", "occurred_at", "id"),
        Index("ix_audit_events_action_occurred_at_id", "action", "occurred_at", "id"),
        Index("ix_audit_events_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str | None] = mapped_column(String(60))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(500))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
    records: Mapped[list[AuditRecord]] = relationship(
        back_populates="event", order_by="AuditRecord.id", lazy="raise"
    )


class AuditRecord(Base):
    """One record an audited change added, changed or removed, with the fields
    that changed as ``{field: [old, new]}`` (a secret's values left out as
    ``[null, null]``). Written by ``audit.trail`` as the transaction commits."""

    __tablename__ = "audit_records"
    __table_args__ = (
        # A record's history: every event that touched it, newest first.
        Index("ix_audit_records_record", "record_type", "record_key", "event_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("audit_events.id", ondelete="CASCADE"), index=True
    )
    record_type: Mapped[str] = mapped_column(String(60))
    record_key: Mapped[str] = mapped_column(String(60))
    operation: Mapped[str] = mapped_column(String(10))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    event: Mapped[AuditEvent] = relationship(back_populates="records")

    @property
    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, old, new) in the order they were noted."""
        return [(name, pair[0], pair[1]) for name, pair in self.fields.items()]
