"""The secretariat's rules for membership and political control, and the
delegations deputies hold."""

from __future__ import annotations

from datetime import date

from commission.audit import services as audit
from commission.auth.models import Appointment, DelegatedPower, Delegation, User
from commission.auth.roles import Role
from commission.errors import DomainError
from commission.extensions import db
from commission.membership.models import Authority, Control, Membership, PoliticalControl


def _date(value: date) -> str:
    return f"{value.day} {value:%B} {value.year}"


def record_control(
    *,
    authority: Authority,
    control: Control,
    party_name: str | None,
    effective_from: date,
    note: str,
    actor: User,
) -> PoliticalControl:
    """Record who controls the authority from a date (after an election, a
    by-election or a defection). Earlier records stay, so summaries can report
    control at the time of each response."""
    party_name = (party_name or "").strip() or None
    if control is Control.OTHER and not party_name:
        raise DomainError("Enter the name of the party in control", field="party_name")
    if control is not Control.OTHER:
        party_name = None
    if any(c.effective_from == effective_from for c in authority.controls):
        raise DomainError(
            f"Control from {_date(effective_from)} is already recorded. Choose another date",
            field="effective_from",
        )
    record = PoliticalControl(
        control=control,
        party_name=party_name,
        effective_from=effective_from,
        note=note.strip() or None,
        source="Recorded by the secretariat",
        recorded_by_id=actor.id,
    )
    authority.controls.append(record)
    db.session.flush()
    audit.record(
        action="control_recorded",
        summary=f"{actor.full_name} recorded {authority.name} as {record.label} "
        f"from {_date(effective_from)}",
        actor=actor,
        subject=authority,
        details={
            "control": control.value,
            "party_name": party_name,
            "effective_from": effective_from.isoformat(),
        },
    )
    return record


def open_membership(authority: Authority) -> Membership | None:
    return next((m for m in authority.memberships if m.left_on is None), None)


def add_membership(
    *, authority: Authority, joined_on: date, reason: str, actor: User
) -> Membership:
    """Give an authority a seat from a date. An authority has one seat at a
    time, and a new seat cannot start before an earlier one ended."""
    if open_membership(authority) is not None:
        raise DomainError(f"{authority.name} is already a member", field="joined_on")
    for earlier in authority.memberships:
        if earlier.left_on is not None and joined_on <= earlier.left_on:
            raise DomainError(
                f"{authority.name} was a member until {_date(earlier.left_on)}. "
                "The new membership must start after that",
                field="joined_on",
            )
    membership = Membership(
        joined_on=joined_on, join_reason=reason.strip() or None, created_by_id=actor.id
    )
    authority.memberships.append(membership)
    db.session.flush()
    audit.record(
        action="membership_added",
        summary=f"{actor.full_name} made {authority.name} a member from {_date(joined_on)}",
        actor=actor,
        subject=authority,
        details={"joined_on": joined_on.isoformat(), "reason": reason.strip()},
    )
    return membership


def end_membership(*, authority: Authority, left_on: date, reason: str, actor: User) -> Membership:
    membership = open_membership(authority)
    if membership is None:
        raise DomainError(f"{authority.name} is not a member", field="left_on")
    if left_on < membership.joined_on:
        raise DomainError(
            f"The last day of membership must be on or after it started, "
            f"{_date(membership.joined_on)}",
            field="left_on",
        )
    if not reason.strip():
        raise DomainError("Enter why the membership is ending", field="reason")
    membership.left_on = left_on
    membership.leave_reason = reason.strip()
    db.session.flush()
    audit.record(
        action="membership_ended",
        summary=f"{actor.full_name} ended {authority.name}'s membership on {_date(left_on)}",
        actor=actor,
        subject=authority,
        details={"left_on": left_on.isoformat(), "reason": reason.strip()},
    )
    return membership


def add_delegation(
    *,
    appointment: Appointment,
    powers: list[DelegatedPower],
    starts_on: date,
    ends_on: date | None,
    actor: User,
) -> list[Delegation]:
    """Delegate powers to a deputy for dates within their appointment."""
    if appointment.role is not Role.DEPUTY:
        raise DomainError("Only deputies can be delegated powers")
    if not powers:
        raise DomainError("Select what is delegated", field="powers")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError("The end date must be on or after the start date", field="ends_on")
    if starts_on < appointment.starts_on:
        raise DomainError(
            f"The delegation cannot start before the deputy's appointment, "
            f"{_date(appointment.starts_on)}",
            field="starts_on",
        )
    if appointment.ends_on is not None and (ends_on is None or ends_on > appointment.ends_on):
        raise DomainError(
            f"The delegation must end by the end of the deputy's appointment, "
            f"{_date(appointment.ends_on)}",
            field="ends_on",
        )
    created = []
    for power in powers:
        delegation = Delegation(
            power=power, starts_on=starts_on, ends_on=ends_on, created_by_id=actor.id
        )
        appointment.delegations.append(delegation)
        created.append(delegation)
    db.session.flush()
    audit.record(
        action="delegation_added",
        summary=f"{actor.full_name} delegated "
        f"{', '.join(p.label.lower() for p in powers)} to {appointment.user.full_name} "
        f"from {_date(starts_on)}" + (f" to {_date(ends_on)}" if ends_on else ""),
        actor=actor,
        subject=appointment,
        details={
            "powers": [p.value for p in powers],
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
        },
    )
    return created


def end_delegation(*, delegation: Delegation, ends_on: date, actor: User) -> Delegation:
    if ends_on < delegation.starts_on:
        raise DomainError("The end date must be on or after the start date", field="ends_on")
    if delegation.ends_on is not None and delegation.ends_on <= ends_on:
        raise DomainError("This delegation already ends by then", field="ends_on")
    delegation.ends_on = ends_on
    db.session.flush()
    audit.record(
        action="delegation_ended",
        summary=f"{actor.full_name} ended {delegation.appointment.user.full_name}'s delegation "
        f"to {delegation.power.label.lower()} on {_date(ends_on)}",
        actor=actor,
        subject=delegation.appointment,
        details={"delegation_id": delegation.id, "ends_on": ends_on.isoformat()},
    )
    return delegation
