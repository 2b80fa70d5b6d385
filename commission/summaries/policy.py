"""Who may read a summary before it is published: one rule, asked by the
summary's pages and downloads, the consultation's page, positions, policies,
the meetings' agendas, the API and search. And when the government's reply
may be written, asked by the service and the consultation's page."""

from __future__ import annotations

from commission.auth.models import User
from commission.auth.roles import Role
from commission.consultations.models import Consultation, ConsultationStatus
from commission.errors import DomainError
from commission.summaries.models import SummarySnapshot
from commission.timeutil import today


def live_departments(user: User) -> frozenset[int] | None:
    """The departments whose consultations' live summaries ``user`` may
    see: the secretariat and the chair see every one (None), a minister
    those of the lead department of their office, everyone else none. Asked
    once for a list of consultations (``can_see_live`` asks it of one)."""
    if not user.is_authenticated:
        return frozenset()
    on = today()
    roles = user.roles_on(on)
    if roles & {Role.SECRETARIAT, Role.CHAIR}:
        return None
    return frozenset(
        a.ministerial_office.department_id
        for a in user.current_appointments(on)
        if a.role is Role.MINISTER and a.ministerial_office is not None
    )


def can_see_live(consultation: Consultation, user: User) -> bool:
    """The live summary is for the secretariat, the chair and ministers of the
    lead department; everyone else sees it once it is published."""
    departments = live_departments(user)
    return departments is None or consultation.department_id in departments


def can_see_snapshot(snapshot: SummarySnapshot, user: User) -> bool:
    """A published snapshot is public; one frozen for a meeting has the live
    summary's audience (so the agenda links to it only for them)."""
    return snapshot.published or can_see_live(snapshot.consultation, user)


def reply_refusal(consultation: Consultation) -> DomainError | None:
    """Why the government's reply cannot be written now, or None: it answers
    the published summary, so it is written once the summary is published,
    and it cannot change once it is published itself."""
    if consultation.status is ConsultationStatus.REPLY_PUBLISHED:
        return DomainError("The government's reply has been published and cannot change")
    if consultation.status is not ConsultationStatus.SUMMARY_PUBLISHED:
        return DomainError("Publish the summary before writing the government's reply")
    return None


def can_write_reply_now(consultation: Consultation) -> bool:
    return reply_refusal(consultation) is None
