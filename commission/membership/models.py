"""Authorities (the members of the Commission), their seats, political control,
and the government departments and ministerial offices ministers hold."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission.db_types import UTCDateTime, str_enum, utcnow
from commission.extensions import Base, db


class AuthorityKind(StrEnum):
    COUNTY = "county"
    DISTRICT = "district"
    UNITARY = "unitary"
    METROPOLITAN = "metropolitan"
    LONDON_BOROUGH = "london_borough"
    SUI_GENERIS = "sui_generis"
    GREATER_LONDON_AUTHORITY = "greater_london_authority"
    COMBINED_AUTHORITY = "combined_authority"
    COMBINED_COUNTY_AUTHORITY = "combined_county_authority"

    @property
    def label(self) -> str:
        return AUTHORITY_KIND_LABELS[self]

    @property
    def is_strategic(self) -> bool:
        return self in STRATEGIC_KINDS


AUTHORITY_KIND_LABELS = {
    AuthorityKind.COUNTY: "County council",
    AuthorityKind.DISTRICT: "District council",
    AuthorityKind.UNITARY: "Unitary authority",
    AuthorityKind.METROPOLITAN: "Metropolitan borough",
    AuthorityKind.LONDON_BOROUGH: "London borough",
    AuthorityKind.SUI_GENERIS: "Sui generis council",
    AuthorityKind.GREATER_LONDON_AUTHORITY: "Greater London Authority",
    AuthorityKind.COMBINED_AUTHORITY: "Combined authority",
    AuthorityKind.COMBINED_COUNTY_AUTHORITY: "Combined county authority",
}
STRATEGIC_KINDS = frozenset(
    {
        AuthorityKind.GREATER_LONDON_AUTHORITY,
        AuthorityKind.COMBINED_AUTHORITY,
        AuthorityKind.COMBINED_COUNTY_AUTHORITY,
    }
)
COUNCIL_KINDS = frozenset(AuthorityKind) - STRATEGIC_KINDS


class Region(StrEnum):
    NORTH_EAST = "North East"
    NORTH_WEST = "North West"
    YORKSHIRE = "Yorkshire and The Humber"
    EAST_MIDLANDS = "East Midlands"
    WEST_MIDLANDS = "West Midlands"
    EAST = "East of England"
    LONDON = "London"
    SOUTH_EAST = "South East"
    SOUTH_WEST = "South West"

    @property
    def label(self) -> str:
        return self.value


class Control(StrEnum):
    """Who controls a council's chamber. ``other`` carries the party's name."""

    LABOUR = "labour"
    CONSERVATIVE = "conservative"
    LIBERAL_DEMOCRATS = "liberal_democrats"
    REFORM_UK = "reform_uk"
    GREEN = "green"
    INDEPENDENT = "independent"
    OTHER = "other"
    NO_OVERALL_CONTROL = "no_overall_control"
    UNDETERMINED = "undetermined"

    @property
    def label(self) -> str:
        return CONTROL_LABELS[self]


CONTROL_LABELS = {
    Control.LABOUR: "Labour",
    Control.CONSERVATIVE: "Conservative",
    Control.LIBERAL_DEMOCRATS: "Liberal Democrats",
    Control.REFORM_UK: "Reform UK",
    Control.GREEN: "Green",
    Control.INDEPENDENT: "Independent",
    Control.OTHER: "Another party",
    Control.NO_OVERALL_CONTROL: "No overall control",
    Control.UNDETERMINED: "Not determined",
}


class OfficeRank(StrEnum):
    SECRETARY_OF_STATE = "secretary_of_state"
    MINISTER_OF_STATE = "minister_of_state"
    PARLIAMENTARY_UNDER_SECRETARY = "parliamentary_under_secretary"

    @property
    def label(self) -> str:
        return {
            "secretary_of_state": "Secretary of State",
            "minister_of_state": "Minister of State",
            "parliamentary_under_secretary": "Parliamentary Under-Secretary of State",
        }[self.value]


authority_constituents = Table(
    "authority_constituents",
    db.metadata,
    Column(
        "strategic_authority_id",
        ForeignKey("authorities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("council_id", ForeignKey("authorities.id", ondelete="CASCADE"), primary_key=True),
)


class Authority(Base):
    """A council or a strategic authority. ``mayoral`` is part of a unique key
    so appointments can refer to it: the database itself refuses a mayor of an
    authority without a mayor."""

    __tablename__ = "authorities"
    __table_args__ = (
        UniqueConstraint("id", "mayoral", name="uq_authorities_id_mayoral"),
        CheckConstraint("population IS NULL OR population >= 0", name="population_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gss_code: Mapped[str | None] = mapped_column(String(9), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[AuthorityKind] = mapped_column(
        str_enum(AuthorityKind, "authority_kind", length=40)
    )
    region: Mapped[Region] = mapped_column(str_enum(Region, "region", length=40))
    population: Mapped[int | None] = mapped_column(Integer)
    mayoral: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    constituents: Mapped[list[Authority]] = relationship(
        secondary=authority_constituents,
        primaryjoin=lambda: Authority.id == authority_constituents.c.strategic_authority_id,
        secondaryjoin=lambda: Authority.id == authority_constituents.c.council_id,
        order_by=lambda: Authority.name,
        back_populates="strategic_authorities",
    )
    strategic_authorities: Mapped[list[Authority]] = relationship(
        secondary=authority_constituents,
        primaryjoin=lambda: Authority.id == authority_constituents.c.council_id,
        secondaryjoin=lambda: Authority.id == authority_constituents.c.strategic_authority_id,
        order_by=lambda: Authority.name,
        back_populates="constituents",
        viewonly=True,
    )
    controls: Mapped[list[PoliticalControl]] = relationship(
        back_populates="authority",
        order_by="PoliticalControl.effective_from.desc()",
        cascade="all, delete-orphan",
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="authority",
        order_by="Membership.joined_on.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def is_strategic(self) -> bool:
        return self.kind.is_strategic

    def control_on(self, on: date) -> PoliticalControl | None:
        for control in self.controls:  # newest first
            if control.effective_from <= on:
                return control
        return None

    def membership_on(self, on: date) -> Membership | None:
        for membership in self.memberships:
            if membership.is_current(on):
                return membership
        return None

    def __repr__(self) -> str:
        return f"<Authority {self.gss_code} {self.name}>"


class PoliticalControl(Base):
    """Control of an authority from a date until the next record. History is
    kept because summaries report positions by control at the time."""

    __tablename__ = "political_controls"
    __table_args__ = (
        UniqueConstraint("authority_id", "effective_from"),
        CheckConstraint(
            "(control = 'other') = (party_name IS NOT NULL)", name="party_name_only_for_other"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("authorities.id", ondelete="CASCADE"), index=True
    )
    control: Mapped[Control] = mapped_column(str_enum(Control, "control", length=40))
    party_name: Mapped[str | None] = mapped_column(String(100))
    effective_from: Mapped[date] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    authority: Mapped[Authority] = relationship(back_populates="controls")

    @property
    def label(self) -> str:
        if self.control is Control.OTHER and self.party_name:
            return self.party_name
        return self.control.label


class Membership(Base):
    """An authority's seat on the Commission, from one date to another (the
    last day of membership). At most one open seat per authority."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="leaves_after_joining"),
        Index(
            "uq_memberships_one_open_seat",
            "authority_id",
            unique=True,
            sqlite_where=text("left_on IS NULL"),
            postgresql_where=text("left_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id", ondelete="CASCADE"))
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    join_reason: Mapped[str | None] = mapped_column(String(500))
    leave_reason: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    authority: Mapped[Authority] = relationship(back_populates="memberships")

    def is_current(self, on: date) -> bool:
        return self.joined_on <= on and (self.left_on is None or self.left_on >= on)


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(20), unique=True)
    head_title: Mapped[str] = mapped_column(String(200))
    has_secretary_of_state: Mapped[bool] = mapped_column(Boolean, default=True)

    offices: Mapped[list[MinisterialOffice]] = relationship(
        back_populates="department",
        order_by="(MinisterialOffice.rank, MinisterialOffice.title)",
        cascade="all, delete-orphan",
    )


class MinisterialOffice(Base):
    """A post in a department, such as "Secretary of State for Education". The
    reference data names no holders: who holds an office is an appointment."""

    __tablename__ = "ministerial_offices"
    __table_args__ = (UniqueConstraint("department_id", "title"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    rank: Mapped[OfficeRank] = mapped_column(str_enum(OfficeRank, "office_rank", length=40))

    department: Mapped[Department] = relationship(back_populates="offices")

    @property
    def full_title(self) -> str:
        return f"{self.title}, {self.department.name}"
