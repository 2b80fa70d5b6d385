"""People, the roles they hold, and the single-use links sent to them."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission.auth.roles import Role
from commission.db_types import UTCDateTime, str_enum, utcnow
from commission.extensions import Base

if TYPE_CHECKING:
    from commission.membership.models import Authority, MinisterialOffice


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(UserMixin, Base):
    """A person with an account. Email is stored lower-case, so unique means
    unique whatever the case it was typed in."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255), info={"secret": True})
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    session_token: Mapped[str] = mapped_column(
        String(32), default=new_session_token, info={"secret": True}
    )
    calendar_token: Mapped[str | None] = mapped_column(
        String(64), unique=True, info={"secret": True}
    )
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

    @property
    def account_status(self) -> str:
        """Deactivated, Invited (no password set yet) or Active."""
        if not self.active:
            return "Deactivated"
        if not self.has_password:
            return "Invited"
        return "Active"

    def current_appointments(self, on: date) -> list[Appointment]:
        return [a for a in self.appointments if a.is_current(on)]

    def roles_on(self, on: date) -> frozenset[Role]:
        return frozenset(a.role for a in self.current_appointments(on))

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Appointment(Base):
    """A role held by a person from one date to another. Ending an appointment
    sets its end date; the record stays, so history is never lost."""

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint(
            "(role IN ('leader', 'mayor', 'deputy', 'officer')"
            " AND authority_id IS NOT NULL AND ministerial_office_id IS NULL)"
            " OR (role = 'minister'"
            " AND ministerial_office_id IS NOT NULL AND authority_id IS NULL)"
            " OR (role IN ('chair', 'secretariat')"
            " AND authority_id IS NULL AND ministerial_office_id IS NULL)",
            name="held_in_the_right_body",
        ),
        CheckConstraint(
            "(authority_id IS NULL) = (authority_is_mayoral IS NULL)",
            name="mayoral_flag_with_authority",
        ),
        CheckConstraint(
            "role <> 'mayor' OR authority_is_mayoral", name="mayor_only_of_mayoral_authority"
        ),
        ForeignKeyConstraint(
            ["authority_id", "authority_is_mayoral"],
            ["authorities.id", "authorities.mayoral"],
            name="fk_appointments_authority_mayoral_authorities",
            onupdate="CASCADE",
        ),
        Index("ix_appointments_user_id_role", "user_id", "role"),
        Index("ix_appointments_authority_id", "authority_id"),
        Index(
            "uq_appointments_one_open_leader",
            "authority_id",
            unique=True,
            sqlite_where=text("role = 'leader' AND ends_on IS NULL"),
            postgresql_where=text("role = 'leader' AND ends_on IS NULL"),
        ),
        Index(
            "uq_appointments_one_open_mayor",
            "authority_id",
            unique=True,
            sqlite_where=text("role = 'mayor' AND ends_on IS NULL"),
            postgresql_where=text("role = 'mayor' AND ends_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role", length=20))
    authority_id: Mapped[int | None] = mapped_column(Integer)
    authority_is_mayoral: Mapped[bool | None] = mapped_column(Boolean)
    ministerial_office_id: Mapped[int | None] = mapped_column(
        ForeignKey("ministerial_offices.id", ondelete="RESTRICT"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="appointments", foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    authority: Mapped[Authority | None] = relationship(
        primaryjoin="Appointment.authority_id == Authority.id",
        foreign_keys=[authority_id],
    )
    ministerial_office: Mapped[MinisterialOffice | None] = relationship()
    delegations: Mapped[list[Delegation]] = relationship(
        back_populates="appointment",
        order_by="(Delegation.starts_on, Delegation.id)",
        cascade="all, delete-orphan",
    )

    def set_authority(self, authority: Authority | None) -> None:
        self.authority = authority
        self.authority_id = authority.id if authority is not None else None
        self.authority_is_mayoral = authority.mayoral if authority is not None else None

    @property
    def held_in(self) -> str:
        """Where the role is held: the authority, the office, or the Commission."""
        if self.authority is not None:
            return self.authority.name
        if self.ministerial_office is not None:
            return self.ministerial_office.full_title
        return "Local Government Commission"

    def delegated(self, power: DelegatedPower, on: date) -> bool:
        return any(d.power is power and d.covers(on) for d in self.delegations)

    def is_current(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)

    def status(self, on: date) -> str:
        if self.starts_on > on:
            return "Starts later"
        if self.ends_on is not None and self.ends_on < on:
            return "Ended"
        return "Current"


class DelegatedPower(StrEnum):
    ATTEND = "attend"
    SIGN_OFF = "sign_off"

    @property
    def label(self) -> str:
        return {"attend": "Attend meetings as substitute", "sign_off": "Sign off responses"}[
            self.value
        ]


class Delegation(Base):
    """A power a deputy holds for the leader or mayor, between two dates."""

    __tablename__ = "delegations"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    power: Mapped[DelegatedPower] = mapped_column(
        str_enum(DelegatedPower, "delegated_power", length=20)
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    appointment: Mapped[Appointment] = relationship(back_populates="delegations")

    def covers(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


class TokenPurpose(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105

    @property
    def label(self) -> str:
        return {"invitation": "Invitation", "password_reset": "Password reset"}[self.value]


class AccountToken(Base):
    """The stored half of an emailed link. The link itself is signed and carries
    this row's id and nonce; the row makes it single-use and revocable."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(
        str_enum(TokenPurpose, "token_purpose", length=20)
    )
    nonce: Mapped[str] = mapped_column(
        String(64), default=lambda: secrets.token_urlsafe(32), info={"secret": True}
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ThrottleEvent(Base):
    """One counted attempt (a failed sign-in, a reset request) under a key such
    as ``sign-in:account:<email>``. Stored in the database so every worker
    process sees the same count."""

    __tablename__ = "throttle_events"
    __table_args__ = (Index("ix_throttle_events_key_occurred_at", "key", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(320))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
