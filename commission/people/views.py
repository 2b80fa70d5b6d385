"""The secretariat's people pages: invite, give and end roles, deactivate."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, func, or_, select
from werkzeug.wrappers.response import Response

from commission import access
from commission.actions import run_action
from commission.auth.models import Appointment, User
from commission.auth.roles import Role
from commission.exports.tables import csv_response
from commission.extensions import db
from commission.forms import ConfirmForm
from commission.membership.models import Authority, Department, MinisterialOffice
from commission.pagination import paginate
from commission.people import services
from commission.people.forms import AppointmentForm, EndAppointmentForm, InvitePersonForm
from commission.people.invitations import send_invitation
from commission.people.queries import APPOINTMENTS_WITH_BODIES, load_person
from commission.timeutil import today

bp = Blueprint("people", __name__)

STATUS_FILTERS = {
    "active": "Active",
    "invited": "Invitation not accepted",
    "deactivated": "Deactivated",
}


def _people_query(query: str, role: str, status: str) -> Select[User]:
    statement = (
        select(User)
        .options(*APPOINTMENTS_WITH_BODIES)
        .order_by(func.lower(User.full_name), User.id)
    )
    if query:
        lowered = query.lower()
        statement = statement.where(
            or_(
                func.lower(User.full_name).contains(lowered, autoescape=True),
                User.email.contains(lowered, autoescape=True),
            )
        )
    if role in {r.value for r in Role}:
        on = today()
        statement = statement.where(
            User.appointments.any(
                (Appointment.role == Role(role))
                & (Appointment.starts_on <= on)
                & (Appointment.ends_on.is_(None) | (Appointment.ends_on >= on))
            )
        )
    if status == "active":
        statement = statement.where(User.active.is_(True), User.password_hash.is_not(None))
    elif status == "invited":
        statement = statement.where(User.active.is_(True), User.password_hash.is_(None))
    elif status == "deactivated":
        statement = statement.where(User.active.is_(False))
    return statement


def _people_filters() -> dict[str, str]:
    return {
        "q": request.args.get("q", "").strip()[:200],
        "role": request.args.get("role", ""),
        "status": request.args.get("status", ""),
    }


@bp.get("/people")
@access.roles(Role.SECRETARIAT)
def list_people() -> str:
    filters = _people_filters()
    query, role, status = filters["q"], filters["role"], filters["status"]
    page = paginate(_people_query(query, role, status), per_page=current_app.config["PAGE_SIZE"])
    return render_template(
        "people/list.html",
        page=page,
        query=query,
        role=role,
        status=status,
        statuses=STATUS_FILTERS,
        download_filters={key: value for key, value in filters.items() if value},
        on=today(),
    )


def _role_today(appointment: Appointment) -> str:
    where = ""
    if appointment.authority is not None or appointment.ministerial_office is not None:
        where = f" ({appointment.held_in})"
    return f"{appointment.role.label}{where} from {appointment.starts_on.isoformat()}"


@bp.get("/people.csv")
@access.roles(Role.SECRETARIAT)
def download_people() -> Response:
    """The People list as filtered, every page: one row per person, as the
    page shows them, with the roles they hold today joined in one cell."""
    filters = _people_filters()
    on = today()
    people = db.session.execute(
        _people_query(filters["q"], filters["role"], filters["status"])
    ).scalars()
    return csv_response(
        f"people-{on.isoformat()}.csv",
        ["Name", "Email address", "Account", "Demo person", "Roles today"],
        [
            [
                person.full_name,
                person.email,
                person.account_status,
                "Yes" if person.is_demo else "No",
                "; ".join(_role_today(a) for a in person.current_appointments(on)),
            ]
            for person in people
        ],
    )


def set_body_choices(form: InvitePersonForm | AppointmentForm) -> None:
    """Fill the authority and office lists (one query each)."""
    authorities = db.session.execute(
        select(Authority.id, Authority.name).order_by(Authority.name)
    ).all()
    form.authority.choices = [("", "Select an authority")] + [
        (str(row.id), row.name) for row in authorities
    ]
    offices = db.session.execute(
        select(MinisterialOffice.id, MinisterialOffice.title, Department.short_name)
        .join(Department)
        .order_by(Department.name, MinisterialOffice.rank, MinisterialOffice.title)
    ).all()
    form.office.choices = [("", "Select an office")] + [
        (str(row.id), f"{row.title} ({row.short_name})") for row in offices
    ]


def chosen_body(
    form: InvitePersonForm | AppointmentForm,
) -> tuple[Authority | None, MinisterialOffice | None, bool]:
    """The authority and office the form names; False if either is not real."""
    authority = office = None
    ok = True
    if form.authority.data is not None:
        authority = db.session.get(Authority, form.authority.data)
        if authority is None:
            form.authority.errors = [*form.authority.errors, "Select an authority from the list"]
            ok = False
    if form.office.data is not None:
        office = db.session.get(MinisterialOffice, form.office.data)
        if office is None:
            form.office.errors = [*form.office.errors, "Select an office from the list"]
            ok = False
    return authority, office, ok


@bp.route("/people/invite", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def invite_person() -> str | Response:
    form = InvitePersonForm()
    set_body_choices(form)
    if form.validate_on_submit() and (body := chosen_body(form))[2]:
        authority, office, _ = body

        def send(invitation: services.Invitation) -> str:
            """Once the account is saved, email the invitation."""
            if send_invitation(invitation.user, invitation.signed_token, inviter=current_user):
                flash(f"Invitation sent to {invitation.user.email}", "success")
            else:
                flash(
                    f"{invitation.user.full_name}'s account was created but the invitation "
                    "email could not be sent. Try sending it again",
                    "warning",
                )
            return url_for("people.show_person", user_id=invitation.user.id)

        outcome = run_action(
            lambda: services.invite_person(
                email=form.email.data or "",
                full_name=form.full_name.data or "",
                role=Role(form.role.data),
                starts_on=form.starts_on.data or today(),
                actor=current_user,
                authority=authority,
                office=office,
            ),
            form=form,
            then=send,
        )
        if outcome is not None:
            return outcome
    return render_template("people/invite.html", form=form)


@bp.get("/people/<int:user_id>")
@access.roles(Role.SECRETARIAT)
def show_person(user_id: int) -> str:
    person = load_person(user_id)
    return render_template("people/show.html", person=person, on=today())


@bp.route("/people/<int:user_id>/roles/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def add_appointment(user_id: int) -> str | Response:
    person = load_person(user_id)
    form = AppointmentForm()
    set_body_choices(form)
    if form.validate_on_submit() and (body := chosen_body(form))[2]:
        authority, office, _ = body

        def work() -> Any:
            return services.add_appointment(
                user=person,
                role=Role(form.role.data),
                starts_on=form.starts_on.data or today(),
                actor=current_user,
                authority=authority,
                office=office,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda appointment: (
                f"{person.full_name} now has the role {appointment.role.label}"
            ),
            then=lambda appointment: url_for("people.show_person", user_id=person.id),
        )
        if outcome is not None:
            return outcome
    return render_template("people/add_appointment.html", form=form, person=person)


@bp.route("/people/<int:user_id>/roles/<int:appointment_id>/end", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def end_appointment(user_id: int, appointment_id: int) -> str | Response:
    person = load_person(user_id)
    appointment = next((a for a in person.appointments if a.id == appointment_id), None)
    if appointment is None:
        abort(404)
    form = EndAppointmentForm()
    if form.validate_on_submit():

        def work() -> Any:
            services.end_appointment(
                appointment=appointment,
                ends_on=form.ends_on.data or today(),
                reason=form.reason.data or "",
                actor=current_user,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda _: f"{person.full_name}'s role {appointment.role.label} has been ended",
            then=lambda _: url_for("people.show_person", user_id=person.id),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "people/end_appointment.html", form=form, person=person, appointment=appointment
    )


def _confirm_account_change(user_id: int, *, active: bool) -> str | Response:
    person = load_person(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        verb = "reactivated" if active else "deactivated"
        outcome = run_action(
            lambda: services.set_active(user=person, active=active, actor=current_user),
            form=form,
            success=lambda _: f"{person.full_name}'s account has been {verb}",
            then=lambda _: url_for("people.show_person", user_id=person.id),
        )
        if outcome is not None:
            return outcome
    return render_template("people/confirm_active.html", form=form, person=person, active=active)


@bp.route("/people/<int:user_id>/deactivate", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def deactivate_person(user_id: int) -> str | Response:
    return _confirm_account_change(user_id, active=False)


@bp.route("/people/<int:user_id>/reactivate", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def reactivate_person(user_id: int) -> str | Response:
    return _confirm_account_change(user_id, active=True)


@bp.route("/people/<int:user_id>/resend-invitation", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def resend_invitation(user_id: int) -> str | Response:
    person = load_person(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():

        def send(invitation: services.Invitation) -> str:
            """Once the new link is saved, email it."""
            if send_invitation(person, invitation.signed_token, inviter=current_user):
                flash(f"A new invitation has been sent to {person.email}", "success")
            else:
                flash("The invitation email could not be sent. Try again later", "warning")
            return url_for("people.show_person", user_id=person.id)

        outcome = run_action(
            lambda: services.resend_invitation(user=person, actor=current_user),
            form=form,
            then=send,
        )
        if outcome is not None:
            return outcome
    return render_template("people/confirm_resend.html", form=form, person=person)
