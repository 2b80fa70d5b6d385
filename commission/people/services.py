"""The secretariat's rules for people: invitations, roles and account status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from commission.audit import services as audit
from commission.auth.models import Appointment, TokenPurpose, User, new_session_token
from commission.auth.roles import AUTHORITY_ROLES, Role
from commission.auth.services import find_user_by_email, issue_link_token, normalise_email
from commission.errors import DomainError
from commission.extensions import db
from commission.membership.models import Authority, MinisterialOffice, OfficeRank
from commission.timeutil import today


@dataclass(frozen=True)
class Invitation:
    user: User
    signed_token: str


def invite_person(
    *,
    email: str,
    full_name: str,
    role: Role,
    starts_on: date,
    actor: User,
    authority: Authority | None = None,
    office: MinisterialOffice | None = None,
) -> Invitation:
    """Create an account with a first role and a link to set a password.

    An email address can belong to one account only; inviting someone who
    already has an account is refused, so their history stays in one place."""
    email = normalise_email(email)
    check_date_set_by(actor, starts_on, field="starts_on", what="start date")
    if find_user_by_email(email) is not None:
        raise DomainError("An account with this email address already exists", field="email")
    _check_body(role, authority, office)
    user = User(email=email, full_name=full_name.strip(), active=True)
    db.session.add(user)
    db.session.flush()
    appointment = _add_appointment(
        user=user, role=role, starts_on=starts_on, actor=actor, authority=authority, office=office
    )
    signed = issue_link_token(user=user, purpose=TokenPurpose.INVITATION, actor=actor)
    audit.record(
        action="invitation_sent",
        summary=f"{actor.full_name} invited {user.full_name} ({email}) as {role.label} "
        f"({appointment.held_in})",
        actor=actor,
        subject=user,
        details={
            "role": role.value,
            "starts_on": starts_on.isoformat(),
            "authority_id": appointment.authority_id,
            "ministerial_office_id": appointment.ministerial_office_id,
        },
    )
    db.session.flush()
    return Invitation(user=user, signed_token=signed)


def resend_invitation(*, user: User, actor: User) -> Invitation:
    """A new invitation link for someone who has not yet set a password; the
    earlier link stops working."""
    if user.has_password:
        raise DomainError(f"{user.full_name} has already accepted their invitation")
    if not user.active:
        raise DomainError(f"{user.full_name}'s account is deactivated. Reactivate it first")
    signed = issue_link_token(user=user, purpose=TokenPurpose.INVITATION, actor=actor)
    audit.record(
        action="invitation_sent",
        summary=f"{actor.full_name} sent {user.full_name} a new invitation",
        actor=actor,
        subject=user,
    )
    return Invitation(user=user, signed_token=signed)


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or a_end >= b_start) and (b_end is None or b_end >= a_start)


# How far a leader or mayor may date their own team's roles: back a month (a
# deputy who started last week) and forward a year.
TEAM_DATES_BACK = timedelta(days=31)
TEAM_DATES_FORWARD = timedelta(days=366)


def check_date_set_by(actor: User, value: date, *, field: str, what: str) -> None:
    """The secretariat keeps the record and may date a role in the past or
    the future. Anyone else (a leader or mayor managing their team) is held
    to a month back and a year ahead: a role dated 2001 would rewrite who
    could act for the council when."""
    on = today()
    if Role.SECRETARIAT in actor.roles_on(on):
        return
    earliest, latest = on - TEAM_DATES_BACK, on + TEAM_DATES_FORWARD
    if not earliest <= value <= latest:
        raise DomainError(
            f"The {what} must be between {_date(earliest)} and {_date(latest)}", field=field
        )


def _date(value: date) -> str:
    return f"{value.day} {value:%B} {value.year}"


def _check_body(
    role: Role, authority: Authority | None, office: MinisterialOffice | None
) -> tuple[Authority | None, MinisterialOffice | None]:
    """Each role is held somewhere: an authority, a ministerial office, or the
    Commission itself. Return the body the role is held in, or refuse."""
    if role in AUTHORITY_ROLES:
        if authority is None:
            raise DomainError(
                f"Select the authority where they are {role.label.lower()}", field="authority"
            )
        if role is Role.LEADER and authority.is_strategic:
            raise DomainError(
                f"{authority.name} is a strategic authority. A leader leads a council; "
                "choose Mayor for a mayoral strategic authority",
                field="authority",
            )
        if role is Role.MAYOR and not (authority.is_strategic and authority.mayoral):
            raise DomainError(
                f"{authority.name} does not have an elected mayor. Only a mayoral strategic "
                "authority has a mayor",
                field="authority",
            )
        return authority, None
    if role is Role.MINISTER:
        if office is None:
            raise DomainError("Select the ministerial office they hold", field="office")
        return None, office
    return None, None


def _clashing(
    *, role: Role, authority: Authority | None, office: MinisterialOffice | None, starts_on: date
) -> Appointment | None:
    """An appointment that the new one would overlap where only one holder is
    allowed: the leader of a council, the mayor of an authority, a Secretary of
    State's office."""
    statement = select(Appointment).where(
        Appointment.role == role,
        (Appointment.ends_on.is_(None)) | (Appointment.ends_on >= starts_on),
    )
    if role in {Role.LEADER, Role.MAYOR} and authority is not None:
        statement = statement.where(Appointment.authority_id == authority.id)
    elif (
        role is Role.MINISTER
        and office is not None
        and office.rank is OfficeRank.SECRETARY_OF_STATE
    ):
        statement = statement.where(Appointment.ministerial_office_id == office.id)
    else:
        return None
    return db.session.execute(statement.limit(1)).scalar_one_or_none()


def _add_appointment(
    *,
    user: User,
    role: Role,
    starts_on: date,
    actor: User,
    authority: Authority | None = None,
    office: MinisterialOffice | None = None,
) -> Appointment:
    """The rules for a new appointment, enforced here and by the database:
    one current leader per council, one current mayor per mayoral authority,
    a mayor only of a mayoral authority, and no person holding the same role in
    the same body twice at once."""
    authority, office = _check_body(role, authority, office)
    for existing in user.appointments:
        if (
            existing.role is role
            and existing.authority_id == (authority.id if authority else None)
            and existing.ministerial_office_id == (office.id if office else None)
            and _overlaps(existing.starts_on, existing.ends_on, starts_on, None)
        ):
            where = f" at {authority.name}" if authority else ""
            raise DomainError(
                f"{user.full_name} already holds the role {role.label}{where} from "
                f"{_date(existing.starts_on)}. End that appointment first",
                field="role",
            )
    clash = _clashing(role=role, authority=authority, office=office, starts_on=starts_on)
    if clash is not None:
        body = authority.name if authority else (office.title if office else "")
        until = f" until {_date(clash.ends_on)}" if clash.ends_on else ""
        raise DomainError(
            f"{clash.user.full_name} is {role.label.lower()} of {body}{until}. "
            f"End their appointment first, or start this one after it ends",
            field="role",
        )
    appointment = Appointment(
        user=user,
        role=role,
        starts_on=starts_on,
        created_by_id=actor.id,
        ministerial_office=office,
    )
    appointment.set_authority(authority)
    db.session.add(appointment)
    return appointment


def add_appointment(
    *,
    user: User,
    role: Role,
    starts_on: date,
    actor: User,
    authority: Authority | None = None,
    office: MinisterialOffice | None = None,
) -> Appointment:
    appointment = _add_appointment(
        user=user, role=role, starts_on=starts_on, actor=actor, authority=authority, office=office
    )
    db.session.flush()
    audit.record(
        action="role_granted",
        summary=f"{actor.full_name} gave {user.full_name} the role {role.label} "
        f"({appointment.held_in}) from {starts_on.isoformat()}",
        actor=actor,
        subject=appointment,
        details={
            "user_id": user.id,
            "role": role.value,
            "starts_on": starts_on.isoformat(),
            "authority_id": appointment.authority_id,
            "ministerial_office_id": appointment.ministerial_office_id,
        },
    )
    return appointment


def current_secretariat_count(on: date) -> int:
    return db.session.execute(
        select(func.count(func.distinct(Appointment.user_id)))
        .join(User, User.id == Appointment.user_id)
        .where(
            User.active.is_(True),
            User.password_hash.is_not(None),
            Appointment.role == Role.SECRETARIAT,
            Appointment.starts_on <= on,
            (Appointment.ends_on.is_(None)) | (Appointment.ends_on >= on),
        )
    ).scalar_one()


def _would_remove_last_secretariat(user: User, on: date) -> bool:
    """Only someone counted by ``current_secretariat_count`` (active, with a
    password, holding the role today) can be the last secretariat; an invited
    secretariat who has not set a password can always be removed."""
    counted = user.active and user.has_password and Role.SECRETARIAT in user.roles_on(on)
    return counted and current_secretariat_count(on) <= 1


def end_appointment(
    *, appointment: Appointment, ends_on: date, reason: str, actor: User
) -> Appointment:
    """End a role on a date (the last day it is held). The record stays."""
    if appointment.ends_on is not None and appointment.ends_on <= today():
        raise DomainError("This appointment has already ended")
    if ends_on < appointment.starts_on:
        raise DomainError(
            f"The end date must be on or after the start date, {appointment.starts_on:%d/%m/%Y}",
            field="ends_on",
        )
    check_date_set_by(actor, ends_on, field="ends_on", what="end date")
    if appointment.role is Role.SECRETARIAT and _would_remove_last_secretariat(
        appointment.user, today()
    ):
        raise DomainError(
            "This is the last secretariat account. Give someone else the secretariat role first",
            field="ends_on",
        )
    appointment.ends_on = ends_on
    appointment.end_reason = reason.strip() or None
    audit.record(
        action="role_ended",
        summary=f"{actor.full_name} ended {appointment.user.full_name}'s role "
        f"{appointment.role.label} on {ends_on.isoformat()}",
        actor=actor,
        subject=appointment,
        details={
            "user_id": appointment.user_id,
            "role": appointment.role.value,
            "ends_on": ends_on.isoformat(),
            "reason": reason.strip(),
        },
    )
    db.session.flush()
    return appointment


def set_active(*, user: User, active: bool, actor: User) -> User:
    """Deactivate or reactivate an account. Deactivating signs the person out
    everywhere at their next request."""
    if user.active == active:
        return user
    if not active:
        if user.id == actor.id:
            raise DomainError("You cannot deactivate your own account")
        if _would_remove_last_secretariat(user, today()):
            raise DomainError("This is the last secretariat account and cannot be deactivated")
    user.active = active
    user.session_token = new_session_token()
    audit.record(
        action="account_reactivated" if active else "account_deactivated",
        summary=f"{actor.full_name} {'reactivated' if active else 'deactivated'} "
        f"{user.full_name}'s account",
        actor=actor,
        subject=user,
    )
    db.session.flush()
    return user


def create_first_secretariat(*, email: str, full_name: str, password_hash: str) -> User:
    """For a new installation: a secretariat account that can invite everyone else."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError("An account with this email address already exists", field="email")
    user = User(email=email, full_name=full_name.strip(), password_hash=password_hash)
    db.session.add(user)
    db.session.flush()
    appointment = Appointment(user=user, role=Role.SECRETARIAT, starts_on=today())
    db.session.add(appointment)
    audit.record(
        action="role_granted",
        summary=f"{user.full_name} created as the first secretariat account (command line)",
        actor=None,
        subject=user,
        details={"role": Role.SECRETARIAT.value},
    )
    db.session.flush()
    return user
