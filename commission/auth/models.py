"""People, the roles they hold, and the single-use links sent to them."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission.auth.roles import Role
from commission.db_types import UTCDateTime, utcnow
from commission.extensions import db


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    """A person with an account. Email is stored lower-case, so unique means
    unique whatever the case it was typed in."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    appointments: Mapped[list[Appointment]] = relationship(
        back_populates="user",
        order_by="(Appointment.starts_on.desc(), Appointment.id.desc())",
        cascade="all, delete-orphan",
        foreign_keys="Appointment.user_id",
    )

    def get_id(self) -> str:
        """Flask-Login keeps this in the session; changing the token signs the
        person out everywhere (after a password change or deactivation)."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def current_appointments(self, on: date) -> list[Appointment]:
        return [a for a in self.appointments if a.is_current(on)]

    def roles_on(self, on: date) -> frozenset[Role]:
        return frozenset(a.role for a in self.current_appointments(on))

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Appointment(db.Model):  # type: ignore[name-defined]
    """A role held by a person from one date to another. Ending an appointment
    sets its end date; the record stays, so history is never lost."""

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        Index("ix_appointments_user_id_role", "user_id", "role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="role",
            native_enum=False,
            length=20,
            create_constraint=True,
            values_callable=lambda roles: [r.value for r in roles],
        )
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="appointments", foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def is_current(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)

    def status(self, on: date) -> str:
        if self.starts_on > on:
            return "Starts later"
        if self.ends_on is not None and self.ends_on < on:
            return "Ended"
        return "Current"


class TokenPurpose(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105

    @property
    def label(self) -> str:
        return {"invitation": "Invitation", "password_reset": "Password reset"}[self.value]


class AccountToken(db.Model):  # type: ignore[name-defined]
    """The stored half of an emailed link. The link itself is signed and carries
    this row's id and nonce; the row makes it single-use and revocable."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(
        Enum(
            TokenPurpose,
            name="token_purpose",
            native_enum=False,
            length=20,
            create_constraint=True,
            values_callable=lambda purposes: [p.value for p in purposes],
        )
    )
    nonce: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_urlsafe(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ThrottleEvent(db.Model):  # type: ignore[name-defined]
    """One counted attempt (a failed sign-in, a reset request) under a key such
    as ``sign-in:account:<email>``. Stored in the database so every worker
    process sees the same count."""

    __tablename__ = "throttle_events"
    __table_args__ = (Index("ix_throttle_events_key_occurred_at", "key", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(320))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
