"""Reading authorities: the directory and its downloads, filtered, sorted
and counted in SQL, with each row's current control and membership; and the
loaders the authority pages use, which answer 404 for what is not there."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import abort
from sqlalchemy import (
    Select,
    asc,
    case,
    desc,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.sql.elements import ColumnElement

from commission.auth.models import Appointment
from commission.extensions import db
from commission.membership.models import (
    AUTHORITY_KIND_LABELS,
    CONTROL_LABELS,
    Authority,
    AuthorityKind,
    Control,
    Membership,
    PoliticalControl,
    Region,
    authority_constituents,
)

SORTS = ("name", "kind", "region", "population", "control", "member")
MEMBERSHIP_FILTERS = {"member": "Members", "not_member": "Not members"}


@dataclass
class DirectoryFilters:
    query: str = ""
    kind: str = ""
    region: str = ""
    control: str = ""
    membership: str = ""
    area: str = ""
    sort: str = "name"
    order: str = "asc"
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Any, *, areas: Collection[str]) -> DirectoryFilters:
        """Read the query string; unknown values are dropped, not errors, so a
        stale bookmark still shows a list. ``areas`` are the mayoral areas' slugs."""
        filters = cls(query=(args.get("q") or "").strip()[:200])
        kind = args.get("type", "")
        filters.kind = kind if kind in {k.value for k in AuthorityKind} else ""
        region = args.get("region", "")
        filters.region = region if region in {r.value for r in Region} else ""
        control = args.get("control", "")
        filters.control = control if control in {c.value for c in Control} else ""
        membership = args.get("membership", "")
        filters.membership = membership if membership in MEMBERSHIP_FILTERS else ""
        area = args.get("area", "")
        filters.area = area if area in areas else ""
        sort = args.get("sort", "name")
        filters.sort = sort if sort in SORTS else "name"
        filters.order = "desc" if args.get("order") == "desc" else "asc"
        return filters

    def args(self, **changes: str) -> dict[str, str]:
        values = {
            "q": self.query,
            "type": self.kind,
            "region": self.region,
            "control": self.control,
            "membership": self.membership,
            "area": self.area,
            "sort": self.sort,
            "order": self.order,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value}

    @property
    def active(self) -> bool:
        return any([self.query, self.kind, self.region, self.control, self.membership, self.area])


def current_controls(on: date | ColumnElement[Any]) -> Any:
    """One row per authority: its latest control on or before ``on`` (a day,
    or a parameter that will be one)."""
    ranked = (
        select(
            PoliticalControl.authority_id,
            PoliticalControl.control,
            PoliticalControl.party_name,
            PoliticalControl.effective_from,
            func.row_number()
            .over(
                partition_by=PoliticalControl.authority_id,
                order_by=PoliticalControl.effective_from.desc(),
            )
            .label("position"),
        )
        .where(PoliticalControl.effective_from <= on)
        .subquery("ranked_controls")
    )
    return select(ranked).where(ranked.c.position == 1).subquery("current_control")


def is_member_expression(on: date) -> ColumnElement[bool]:
    return exists(
        select(Membership.id).where(
            Membership.authority_id == Authority.id,
            Membership.joined_on <= on,
            or_(Membership.left_on.is_(None), Membership.left_on >= on),
        )
    )


def _label_case(column: Any, labels: dict[Any, str]) -> Any:
    """The label of a stored value; NULL (no record) stays NULL, to sort last."""
    return case({key.value: label for key, label in labels.items()}, value=column)


def directory_statement(filters: DirectoryFilters, on: date) -> Select[Any]:
    control = current_controls(on)
    is_member = is_member_expression(on).label("is_member")
    control_label = func.coalesce(
        control.c.party_name, _label_case(control.c.control, CONTROL_LABELS)
    ).label("control_label")
    statement = select(
        Authority,
        control_label,
        control.c.effective_from.label("control_since"),
        is_member,
    ).outerjoin(control, control.c.authority_id == Authority.id)

    if filters.query:
        statement = statement.where(
            func.lower(Authority.name).contains(filters.query.lower(), autoescape=True)
        )
    if filters.kind:
        statement = statement.where(Authority.kind == AuthorityKind(filters.kind))
    if filters.region:
        statement = statement.where(Authority.region == Region(filters.region))
    if filters.control:
        statement = statement.where(control.c.control == filters.control)
    if filters.membership == "member":
        statement = statement.where(is_member_expression(on))
    elif filters.membership == "not_member":
        statement = statement.where(~is_member_expression(on))
    if filters.area:
        area = aliased(Authority)
        statement = statement.where(
            Authority.id.in_(
                select(authority_constituents.c.council_id)
                .join(area, area.id == authority_constituents.c.strategic_authority_id)
                .where(area.slug == filters.area)
            )
        )

    direction = desc if filters.order == "desc" else asc
    sort_column: Any = {
        "name": Authority.name,
        "kind": _label_case(Authority.kind, AUTHORITY_KIND_LABELS),
        "region": Authority.region,
        "population": Authority.population,
        "control": control_label,
        "member": is_member,
    }[filters.sort]
    nulls_last = case((sort_column.is_(None), 1), else_=0)
    return statement.order_by(nulls_last, direction(sort_column), Authority.name)


def mayoral_areas() -> list[Authority]:
    return list(
        db.session.execute(
            select(Authority).where(Authority.mayoral.is_(True)).order_by(Authority.name)
        ).scalars()
    )


def strategic_names_by_council() -> dict[int, list[str]]:
    """Council id to the names of the strategic authorities it belongs to."""
    area = aliased(Authority)
    rows = db.session.execute(
        select(authority_constituents.c.council_id, area.name)
        .join(area, area.id == authority_constituents.c.strategic_authority_id)
        .order_by(area.name)
    ).all()
    result: dict[int, list[str]] = {}
    for council_id, name in rows:
        result.setdefault(council_id, []).append(name)
    return result


# Loaders -------------------------------------------------------------------------


def load_authority(slug: str, *, record: bool = True) -> Authority:
    """The authority at this address with what its pages show (its control,
    membership and areas; without ``record``, the authority alone, for a page
    that shows none of them), or 404."""
    statement = select(Authority).where(Authority.slug == slug)
    if record:
        statement = statement.options(
            selectinload(Authority.controls),
            selectinload(Authority.memberships),
            selectinload(Authority.constituents),
            selectinload(Authority.strategic_authorities),
        )
    authority = db.session.execute(statement).scalar_one_or_none()
    if authority is None:
        abort(404)
    return authority


def team(authority: Authority) -> list[Appointment]:
    """Everyone appointed at the authority, current first, with what a page shows."""
    return list(
        db.session.execute(
            select(Appointment)
            .where(Appointment.authority_id == authority.id)
            .options(joinedload(Appointment.user), selectinload(Appointment.delegations))
            .order_by(Appointment.ends_on.is_not(None), Appointment.starts_on.desc())
        ).scalars()
    )


def load_team_appointment(authority: Authority, appointment_id: int) -> Appointment:
    """An appointment at this authority, or 404 (one elsewhere is not found here)."""
    appointment = db.session.execute(
        select(Appointment)
        .where(Appointment.id == appointment_id, Appointment.authority_id == authority.id)
        .options(joinedload(Appointment.user), selectinload(Appointment.delegations))
    ).scalar_one_or_none()
    if appointment is None:
        abort(404)
    return appointment


def load_authority_by_slug(slug: str) -> Authority:
    """The authority at this address alone (nothing loaded with it), or 404."""
    authority = db.session.execute(
        select(Authority).where(Authority.slug == slug)
    ).scalar_one_or_none()
    if authority is None:
        abort(404)
    return authority
