"""The home page (the next meeting, what needs your action, your roles) and
"Your authority" (each of your authorities, its team, its meetings to come and
the consultations it can respond to)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from commission import access, policy
from commission.attendance.services import reply_capacity
from commission.auth.roles import Role
from commission.dashboard import queries
from commission.membership.queries import load_authority, team
from commission.timeutil import today

bp = Blueprint("dashboard", __name__)

MY_AUTHORITY_MEETINGS = 3


@bp.get("/")
@access.public
def home() -> str:
    appointments = []
    tasks = []
    next_meeting = queries.next_meeting()
    readiness = None
    consultations = []
    news = None
    if not current_user.is_authenticated:
        news = queries.public_news(member=False)
    else:
        appointments = current_user.current_appointments(today())
        tasks = queries.needs_action(current_user)
        if access.has_role(Role.SECRETARIAT):
            readiness = queries.readiness(next_meeting) if next_meeting else None
            consultations = queries.consultations_coverage()
    return render_template(
        "dashboard/home.html",
        appointments=appointments,
        next_meeting=next_meeting,
        tasks=tasks,
        readiness=readiness,
        consultations=consultations,
        news=news,
    )


@bp.get("/my-authority")
@access.roles(Role.LEADER, Role.MAYOR, Role.DEPUTY, Role.OFFICER)
def my_authority() -> str:
    on = today()
    appointments = [a for a in current_user.current_appointments(on) if a.authority_id]
    places: dict[int, queries.Place] = {}
    for appointment in appointments:
        if appointment.authority_id in places:  # two roles at one authority: shown once
            places[appointment.authority_id].appointments.append(appointment)
            continue
        authority = load_authority(appointment.authority.slug)
        places[authority.id] = queries.Place(
            appointments=[appointment],
            authority=authority,
            control=authority.control_on(on),
            membership=authority.membership_on(on),
            team=[a for a in team(authority) if a.is_current(on)],
            can_manage_team=policy.can_manage_team(authority),
            can_reply=reply_capacity(current_user, authority, on) is not None,
        )
    authorities = [place.authority for place in places.values()]
    meetings = queries.upcoming_meetings(authorities, limit=MY_AUTHORITY_MEETINGS)
    consultations = queries.open_consultations(authorities)
    for place in places.values():
        place.meetings = meetings[place.authority.id]
        place.consultations = consultations[place.authority.id]
    return render_template("dashboard/my_authority.html", places=list(places.values()), on=on)
