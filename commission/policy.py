"""Object-level rules: who may see or change a particular record.

Views call these once they have loaded the record (through
``access.require``), services ask them before they change anything, and
templates call them (through each area's context helpers) to decide what to
show, so the three never disagree. A consultation's own rules are in
``consultations/policy.py``.
"""

from __future__ import annotations

from datetime import date

from flask_login import current_user

from commission.access import current_roles
from commission.auth.models import Appointment, DelegatedPower, User
from commission.auth.roles import Role
from commission.meetings.models import AgendaItem, Meeting, MeetingStatus, Paper
from commission.membership.models import Authority
from commission.minutes.models import Action, Minutes
from commission.timeutil import today

TEAM_ROLES_FOR_LEADERS = (Role.DEPUTY, Role.OFFICER)
HELD = frozenset({MeetingStatus.HELD, MeetingStatus.MINUTES_PUBLISHED})


def _appointments_at(user: User, authority: Authority, on: date) -> list[Appointment]:
    return [a for a in user.current_appointments(on) if a.authority_id == authority.id]


def can_see_team(authority: Authority, user: User | None = None, on: date | None = None) -> bool:
    """Deputies and officers are shown to the secretariat and to the
    authority's own people only."""
    user = user if user is not None else current_user
    if not user.is_authenticated:
        return False
    on = on or today()
    if Role.SECRETARIAT in user.roles_on(on):
        return True
    return bool(_appointments_at(user, authority, on))


def can_manage_team(authority: Authority, user: User | None = None, on: date | None = None) -> bool:
    """The secretariat manages every team; a leader or mayor manages their own
    authority's officers and deputies."""
    user = user if user is not None else current_user
    if not user.is_authenticated:
        return False
    on = on or today()
    if Role.SECRETARIAT in user.roles_on(on):
        return True
    return any(a.role in {Role.LEADER, Role.MAYOR} for a in _appointments_at(user, authority, on))


def team_roles_offered(authority: Authority, user: User | None = None) -> list[Role]:
    """Roles the person may give at this authority."""
    user = user if user is not None else current_user
    if Role.SECRETARIAT in user.roles_on(today()):
        head = Role.MAYOR if authority.is_strategic else Role.LEADER
        if authority.is_strategic and not authority.mayoral:
            return list(TEAM_ROLES_FOR_LEADERS)
        return [head, *TEAM_ROLES_FOR_LEADERS]
    if can_manage_team(authority, user):
        return list(TEAM_ROLES_FOR_LEADERS)
    return []


def can_change_team_appointment(appointment: Appointment, user: User | None = None) -> bool:
    """Leaders and mayors may end their deputies' and officers' appointments
    and set what deputies may do; the secretariat may change any."""
    user = user if user is not None else current_user
    if appointment.authority is None:
        return False
    if Role.SECRETARIAT in user.roles_on(today()):
        return True
    return appointment.role in TEAM_ROLES_FOR_LEADERS and can_manage_team(
        appointment.authority, user
    )


def signs_off(appointment: Appointment, on: date) -> bool:
    """Whether this appointment signs off (submits) its authority's responses
    on the day: a leader or mayor always does, a deputy only while a
    delegation of sign-off covers the day. Officers and deputies draft; only
    these submit. The response pages and the "needs your action" list ask
    this one rule, so a task to sign off always leads to a page that lets
    the person submit."""
    return appointment.role in {Role.LEADER, Role.MAYOR} or (
        appointment.role is Role.DEPUTY and appointment.delegated(DelegatedPower.SIGN_OFF, on)
    )


def is_commission_person() -> bool:
    """Signed in and holding a role on the Commission today: who may see
    restricted papers, confidential items and joining links."""
    return bool(current_roles())


def can_see_minutes(minutes: Minutes | None) -> bool:
    """Approved (published) minutes are for everyone; a draft, or the page
    before any is written, only for the secretariat and the chair, who write
    and approve them."""
    if minutes is not None and minutes.published:
        return True
    return bool(current_roles() & {Role.SECRETARIAT, Role.CHAIR})


def can_see_action(action: Action) -> bool:
    """An action from a confidential agenda item is, like the item, for
    people on the Commission; any other action for everyone signed in."""
    return action.agenda_item is None or can_see_item(action.agenda_item)


def can_see_meeting(meeting: Meeting) -> bool:
    """Draft meetings are the secretariat's working copies."""
    return meeting.is_public or Role.SECRETARIAT in current_roles()


def can_see_attendance_record(meeting: Meeting) -> bool:
    """A meeting's attendance record (the register) is public once the meeting
    is held; before that it is the secretariat's alone."""
    return meeting.status in HELD or Role.SECRETARIAT in current_roles()


def can_see_item(item: AgendaItem) -> bool:
    """A confidential agenda item's title, details and papers are for people
    on the Commission; everyone else sees that there is a confidential item."""
    return not item.confidential or is_commission_person()


def can_download_paper(paper: Paper) -> bool:
    """The secretariat may have every paper. Anyone else only once the agenda
    is public: a public paper of an item that is not confidential is for
    everyone, any other paper for people on the Commission. The meeting page
    and the agenda pack list papers by this rule (``papers_listed``), so a
    listed paper always downloads."""
    item = paper.agenda_item
    meeting = item.meeting
    if Role.SECRETARIAT in current_roles():
        return True
    if not meeting.agenda_is_public:
        return False
    if paper.public and not item.confidential:
        return True
    return is_commission_person()


def papers_listed(item: AgendaItem, *, superseded: bool = False) -> list[Paper]:
    """The item's current papers (or, with ``superseded``, those replaced
    since) that the person may download. Superseded papers are listed to
    people on the Commission only, for the record; the public sees the
    current ones."""
    if superseded and not is_commission_person():
        return []
    return [
        paper
        for paper in item.papers
        if paper.superseded == superseded and can_download_paper(paper)
    ]
