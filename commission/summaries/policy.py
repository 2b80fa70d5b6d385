"""Who may read a summary before it is published: one rule, asked by the
summary's pages and downloads, the consultation's page, positions, policies,
the meetings' agendas, the API and search."""

from __future__ import annotations

from commission.auth.models import User
from commission.auth.roles import Role
from commission.consultations.models import Consultation
from commission.summaries.models import SummarySnapshot
from commission.timeutil import today


def can_see_live(consultation: Consultation, user: User) -> bool:
    """The live summary is for the secretariat, the chair and ministers of the
    lead department; everyone else sees it once it is published."""
    if not user.is_authenticated:
        return False
    on = today()
    roles = user.roles_on(on)
    if roles & {Role.SECRETARIAT, Role.CHAIR}:
        return True
    return any(
        a.role is Role.MINISTER
        and a.ministerial_office is not None
        and a.ministerial_office.department_id == consultation.department_id
        for a in user.current_appointments(on)
    )


def can_see_snapshot(snapshot: SummarySnapshot, user: User) -> bool:
    """A published snapshot is public; one frozen for a meeting has the live
    summary's audience (so the agenda links to it only for them)."""
    return snapshot.published or can_see_live(snapshot.consultation, user)
