"""The membership directory, authority pages, and managing an authority's
membership, control and team."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers.response import Response
from wtforms.fields.choices import SelectChoice

from commission import access, changes, policy
from commission.actions import run_action
from commission.attendance.services import attendance_record
from commission.auth.models import DelegatedPower
from commission.auth.roles import Role
from commission.consultations import positions
from commission.errors import DomainError
from commission.exports.cache import cache_key, kept_html, slotted
from commission.exports.pdf import template_digest
from commission.exports.tables import csv_response, xlsx_response
from commission.extensions import db
from commission.maps.queries import MAP_TEMPLATES, ControlDay, control_map, map_digest
from commission.membership import queries, services
from commission.membership.forms import (
    ControlForm,
    DelegationForm,
    JoinForm,
    LeaveForm,
    PositionFilterForm,
    TeamInviteForm,
)
from commission.membership.models import (
    Authority,
    AuthorityKind,
    Control,
    Region,
)
from commission.membership.queries import (
    MEMBERSHIP_FILTERS,
    DirectoryFilters,
    directory_statement,
    is_member_expression,
    mayoral_areas,
    strategic_names_by_council,
)
from commission.pagination import paginate_list, paginate_tallied_rows
from commission.people import services as people_services
from commission.people.forms import EndAppointmentForm
from commission.people.invitations import send_invitation
from commission.people.services import Invitation
from commission.timeutil import today

bp = Blueprint("authorities", __name__)

DIRECTORY_PAGE_SIZE = 50


# The directory ---------------------------------------------------------------


@bp.get("/authorities")
@access.public
def list_authorities() -> str:
    on = today()
    areas = mayoral_areas()
    filters = DirectoryFilters.from_args(request.args, areas={a.slug for a in areas})
    statement = directory_statement(filters, on)
    page = paginate_tallied_rows(
        statement,
        page=request.args.get("page", 1, type=int) or 1,
        per_page=DIRECTORY_PAGE_SIZE,
        tallies={"members": is_member_expression(on)},
    )
    if page.page > 1 and not page.items:
        abort(404)  # past the last page, as from a stale link
    control_day = ControlDay.from_args(request.args, today=on)
    return render_template(
        "authorities/list.html",
        control_day=control_day,
        control_map=_control_map(filters, control_day, on),
        filters=filters,
        page=page,
        members=page.tallied["members"],
        kinds=list(AuthorityKind),
        regions=list(Region),
        controls=list(Control),
        memberships=MEMBERSHIP_FILTERS,
        areas=areas,
    )


CONTROL_MAP = "maps/_map_figure.html"


def _control_map(filters: DirectoryFilters, control_day: ControlDay, on: date) -> Markup:
    """The directory's map of political control, kept under the change
    counter, the day it shows, today and the filters: drawing 333 hexes and
    the map's table is most of the page's work, and it is the same for every
    visitor until a record changes."""
    args = sorted((name, value) for name, value in filters.args().items() if value)
    key = cache_key(
        "control-map",
        changes.current(),
        on.isoformat(),
        control_day.on.isoformat(),
        args,
        template_digest(CONTROL_MAP, *MAP_TEMPLATES),
        map_digest(),
    )
    return kept_html(
        key=key,
        subject=slotted("control-map", repr(args)),
        render=lambda: render_template(
            CONTROL_MAP, map_data=control_map(filters, control_day.on, today=on)
        ),
    )


DOWNLOAD_HEADER = [
    "GSS code",
    "Name",
    "Type",
    "Region",
    "Population (mid-2024)",
    "Political control",
    "Control since",
    "Member of the Commission",
    "Mayoral or strategic authority",
]


@bp.get("/authorities.<any(csv, xlsx):file_format>")
@access.public
def download_authorities(file_format: str) -> Response:
    """The directory as filtered, every page, for a spreadsheet."""
    on = today()
    filters = DirectoryFilters.from_args(request.args, areas={a.slug for a in mayoral_areas()})
    areas = strategic_names_by_council()
    rows = [
        [
            authority.gss_code or "",
            authority.name,
            authority.kind.label,
            authority.region.value,
            authority.population,
            control_label or "Not recorded",
            control_since,
            "Yes" if is_member else "No",
            "; ".join(areas.get(authority.id, [])),
        ]
        for authority, control_label, control_since, is_member in db.session.execute(
            directory_statement(filters, on)
        )
    ]
    name = f"authorities-{on.isoformat()}"
    if file_format == "csv":
        return csv_response(f"{name}.csv", DOWNLOAD_HEADER, rows)
    return xlsx_response(f"{name}.xlsx", [("Authorities", DOWNLOAD_HEADER, rows)])


# An authority ----------------------------------------------------------------


@bp.get("/authorities/<slug>")
@access.public
def show_authority(slug: str) -> str:
    authority = queries.load_authority(slug)
    on = today()
    team = queries.team(authority)
    current = [a for a in team if a.is_current(on)]
    heads = [a for a in current if a.role in {Role.LEADER, Role.MAYOR}]
    return render_template(
        "authorities/show.html",
        authority=authority,
        on=on,
        control=authority.control_on(on),
        membership=authority.membership_on(on),
        heads=heads,
        team=[a for a in team if a.role in {Role.DEPUTY, Role.OFFICER}],
        can_see_team=policy.can_see_team(authority),
        can_manage_team=policy.can_manage_team(authority),
        is_secretariat=access.has_role(Role.SECRETARIAT),
        record=attendance_record(authority, on),
    )


# The record of positions ----------------------------------------------------------

POSITIONS_PAGE_SIZE = 20


def _position_filters(
    authority: Authority,
) -> tuple[PositionFilterForm, positions.PositionRecord, positions.PositionFilters]:
    """The record the viewer may see, and the filters asked for (a value not
    offered is shown as an error on its field and narrows nothing)."""
    record = positions.position_record(authority, current_user)
    form = PositionFilterForm(
        request.args,
        departments=[(d.short_name, d.name) for d in record.departments],
        years=record.years,
    )
    if request.args.get("department") or request.args.get("year"):
        form.validate()
    return form, record, form.wanted()


@bp.get("/authorities/<slug>/positions")
@access.public
def show_positions(slug: str) -> str:
    """Every consultation the authority responded to (or stated a position on
    at a meeting) that the viewer may see, newest first."""
    authority = queries.load_authority(slug, record=False)
    form, record, filters = _position_filters(authority)
    page = paginate_list(
        record.response_ids(filters), positions.responses, per_page=POSITIONS_PAGE_SIZE
    )
    if page.page > 1 and not page.items:
        abort(404)  # past the last page, as from a stale link
    return render_template(
        "authorities/positions.html",
        authority=authority,
        form=form,
        filters=filters,
        page=page,
        rows=positions.position_rows(authority, page.items, record.published),
        any_visible=bool(record.visible),
        own=positions.reads_responses(authority, current_user),
    )


@bp.get("/authorities/<slug>/positions.csv")
@access.public
def download_positions(slug: str) -> Response:
    """The record as filtered, every page, for a spreadsheet."""
    authority = queries.load_authority(slug, record=False)
    _, record, filters = _position_filters(authority)
    responses = positions.responses(record.response_ids(filters))
    rows = positions.position_rows(authority, responses, record.published)
    return csv_response(
        f"{authority.slug}-positions-{today().isoformat()}.csv",
        positions.POSITIONS_HEADER,
        positions.position_csv_rows(rows),
    )


# Secretariat: control and membership -------------------------------------------


@bp.route("/authorities/<slug>/control/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def record_control(slug: str) -> str | Response:
    authority = queries.load_authority(slug)
    form = ControlForm()
    if form.validate_on_submit():
        effective_from = form.effective_from.data
        assert effective_from is not None  # required field

        def work() -> Any:
            return services.record_control(
                authority=authority,
                control=Control(form.control.data),
                party_name=form.party_name.data,
                effective_from=effective_from,
                note=form.note.data or "",
                actor=current_user,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda record: f"{authority.name} recorded as {record.label}",
            then=lambda record: url_for("authorities.show_authority", slug=authority.slug),
        )
        if outcome is not None:
            return outcome
    return render_template("authorities/control_form.html", form=form, authority=authority)


def _membership_change(slug: str, *, joining: bool) -> str | Response:
    authority = queries.load_authority(slug)
    form: Any = JoinForm() if joining else LeaveForm()
    if form.validate_on_submit():

        def work() -> None:
            if joining:
                services.add_membership(
                    authority=authority,
                    joined_on=form.joined_on.data,
                    reason=form.reason.data or "",
                    actor=current_user,
                )
            else:
                services.end_membership(
                    authority=authority,
                    left_on=form.left_on.data,
                    reason=form.reason.data or "",
                    actor=current_user,
                )

        verb = " is now a member" if joining else "'s membership has been ended"
        outcome = run_action(
            work,
            form=form,
            success=lambda _: f"{authority.name}{verb}",
            then=lambda _: url_for("authorities.show_authority", slug=authority.slug),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "authorities/membership_form.html",
        form=form,
        authority=authority,
        joining=joining,
        membership=services.open_membership(authority),
    )


@bp.route("/authorities/<slug>/membership/new", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def add_membership(slug: str) -> str | Response:
    return _membership_change(slug, joining=True)


@bp.route("/authorities/<slug>/membership/end", methods=["GET", "POST"])
@access.roles(Role.SECRETARIAT)
def end_membership(slug: str) -> str | Response:
    return _membership_change(slug, joining=False)


# The team --------------------------------------------------------------------


@bp.route("/authorities/<slug>/team/invite", methods=["GET", "POST"])
@access.policy("the secretariat, or the authority's own leader or mayor")
def invite_team_member(slug: str) -> str | Response:
    authority = queries.load_authority(slug)
    access.require(policy.can_manage_team(authority))
    form = TeamInviteForm()
    offered = policy.team_roles_offered(authority)
    form.role.choices = [SelectChoice(role.value, role.label) for role in offered]
    if form.validate_on_submit():
        role = Role(form.role.data)

        def work() -> Invitation:
            if role not in offered:
                raise DomainError("Select one of the roles listed", field="role")
            return people_services.invite_person(
                email=form.email.data or "",
                full_name=form.full_name.data or "",
                role=role,
                starts_on=form.starts_on.data or today(),
                actor=current_user,
                authority=authority,
            )

        def send(invitation: Invitation) -> str:
            """Once the invitation is saved, email it."""
            if send_invitation(invitation.user, invitation.signed_token, inviter=current_user):
                flash(f"Invitation sent to {invitation.user.email}", "success")
            else:
                flash(
                    f"{invitation.user.full_name} has been added, but the invitation email "
                    "could not be sent. Ask the secretariat to send it again",
                    "warning",
                )
            return url_for("authorities.show_authority", slug=authority.slug)

        outcome = run_action(work, form=form, then=send)
        if outcome is not None:
            return outcome
    return render_template("authorities/team_invite.html", form=form, authority=authority)


@bp.route("/authorities/<slug>/team/<int:appointment_id>/end", methods=["GET", "POST"])
@access.policy("the secretariat, or the leader or mayor for their own deputies and officers")
def end_team_appointment(slug: str, appointment_id: int) -> str | Response:
    authority = queries.load_authority(slug)
    appointment = queries.load_team_appointment(authority, appointment_id)
    access.require(policy.can_change_team_appointment(appointment))
    form = EndAppointmentForm()
    if form.validate_on_submit():

        def work() -> Any:
            people_services.end_appointment(
                appointment=appointment,
                ends_on=form.ends_on.data or today(),
                reason=form.reason.data or "",
                actor=current_user,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda _: (
                f"{appointment.user.full_name}'s role {appointment.role.label} has been ended"
            ),
            then=lambda _: url_for("authorities.show_authority", slug=authority.slug),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "authorities/team_end.html", form=form, authority=authority, appointment=appointment
    )


@bp.route("/authorities/<slug>/team/<int:appointment_id>/delegations/new", methods=["GET", "POST"])
@access.policy("the secretariat, or the leader or mayor for their own deputies")
def add_delegation(slug: str, appointment_id: int) -> str | Response:
    authority = queries.load_authority(slug)
    appointment = queries.load_team_appointment(authority, appointment_id)
    access.require(policy.can_change_team_appointment(appointment))
    if appointment.role is not Role.DEPUTY:
        abort(404)
    form = DelegationForm()
    if form.validate_on_submit():
        starts_on = form.starts_on.data
        assert starts_on is not None  # required field

        def work() -> Any:
            services.add_delegation(
                appointment=appointment,
                powers=[DelegatedPower(value) for value in form.powers.data or []],
                starts_on=starts_on,
                ends_on=form.ends_on.data,
                actor=current_user,
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda _: f"Delegation to {appointment.user.full_name} recorded",
            then=lambda _: url_for("authorities.show_authority", slug=authority.slug),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "authorities/delegation_form.html", form=form, authority=authority, appointment=appointment
    )


@bp.route(
    "/authorities/<slug>/team/<int:appointment_id>/delegations/<int:delegation_id>/end",
    methods=["GET", "POST"],
)
@access.policy("the secretariat, or the leader or mayor for their own deputies")
def end_delegation(slug: str, appointment_id: int, delegation_id: int) -> str | Response:
    authority = queries.load_authority(slug)
    appointment = queries.load_team_appointment(authority, appointment_id)
    access.require(policy.can_change_team_appointment(appointment))
    delegation = next((d for d in appointment.delegations if d.id == delegation_id), None)
    if delegation is None:
        abort(404)
    form = EndAppointmentForm()
    if form.validate_on_submit():

        def work() -> Any:
            services.end_delegation(
                delegation=delegation, ends_on=form.ends_on.data or today(), actor=current_user
            )

        outcome = run_action(
            work,
            form=form,
            success=lambda _: f"Delegation to {appointment.user.full_name} ended",
            then=lambda _: url_for("authorities.show_authority", slug=authority.slug),
        )
        if outcome is not None:
            return outcome
    return render_template(
        "authorities/delegation_end.html",
        form=form,
        authority=authority,
        appointment=appointment,
        delegation=delegation,
    )
