"""Rules about a consultation that its pages, its services and the "needs
your action" lists all ask, so what a page offers is what a service allows."""

from __future__ import annotations

from datetime import datetime

from commission import access
from commission.auth.roles import Role
from commission.consultations.models import Consultation, ConsultationStatus
from commission.timeutil import now_utc

CHANGEABLE = frozenset({ConsultationStatus.DRAFT, ConsultationStatus.OPEN})


def effective_status(consultation: Consultation, at: datetime | None = None) -> ConsultationStatus:
    """An open consultation past its closing time is closed."""
    at = at or now_utc()
    if consultation.status is ConsultationStatus.OPEN and at >= consultation.closes_at:
        return ConsultationStatus.CLOSED
    return consultation.status


def can_see(consultation: Consultation) -> bool:
    """A draft consultation is the secretariat's working copy, hidden (with its
    documents) from everyone else until it opens."""
    return consultation.status is not ConsultationStatus.DRAFT or access.has_role(Role.SECRETARIAT)


def takes_responses(consultation: Consultation) -> bool:
    """A draft has no responses, to read or to make, even for the secretariat."""
    return consultation.status is not ConsultationStatus.DRAFT


def can_change(consultation: Consultation, at: datetime | None = None) -> bool:
    """The secretariat may change a consultation's details, questions and
    documents while it is a draft or open. Past its closing time an open
    consultation is closed (``effective_status``), whatever its stored status
    says, so it is closed to changes too: the page shows it as closed and
    offers no change, and the services refuse one."""
    return effective_status(consultation, at) in CHANGEABLE


def can_publish_summary(consultation: Consultation, at: datetime | None = None) -> bool:
    """The secretariat publishes the summary once the consultation has closed
    by its effective status: an open consultation past its closing time may
    be published, one before it may not, whatever its stored status says, and
    a summary already published is not published again. The summary page
    offers the link by this rule and the service refuses by it; the service
    also waits for the last extension (``summaries.services.publish_refusal``),
    which the confirm page explains."""
    return effective_status(consultation, at) is ConsultationStatus.CLOSED
