"""Policies: a line of government policy followed through its consultations,
from policy development to a bill before Parliament and secondary legislation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission.consultations.models import Consultation
from commission.db_types import UTCDateTime, utcnow
from commission.extensions import Base


class Policy(Base):
    """A policy (such as "English devolution") whose consultations are its
    stages, and the bill that carries it once there is one."""

    __tablename__ = "policies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    summary: Mapped[str] = mapped_column(Text)
    bill_name: Mapped[str | None] = mapped_column(String(200))
    bill_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    stages: Mapped[list[PolicyStage]] = relationship(
        back_populates="policy",
        order_by="(PolicyStage.position, PolicyStage.id)",
        cascade="all, delete-orphan",
    )


class PolicyStage(Base):
    """A consultation linked to a policy, at its place in the policy's
    journey. A consultation belongs to at most one policy."""

    __tablename__ = "policy_stages"
    __table_args__ = (UniqueConstraint("consultation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(
        ForeignKey("policies.id", ondelete="CASCADE"), index=True
    )
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    policy: Mapped[Policy] = relationship(back_populates="stages")
    consultation: Mapped[Consultation] = relationship()
