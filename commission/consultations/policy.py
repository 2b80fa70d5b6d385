"""Rules about a consultation that its pages, its services and the "needs
your action" lists all ask, so what a page offers is what a service allows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commission import access
from commission.auth.roles import Role
from commission.consultations.models import Consultation, ConsultationStatus, Extension
from commission.errors import DomainError
from commission.extensions import db
from commission.timeutil import format_datetime, now_utc

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


def open_refusal(consultation: Consultation, at: datetime | None = None) -> DomainError | None:
    """Why the consultation cannot be opened now, or None if it can: only a
    draft is opened, with at least one question to answer, and before its
    closing time (an authority must have time to respond). The service
    raises this; the consultation's page offers opening by it and the
    confirm page shows it in place of the button."""
    if consultation.status is not ConsultationStatus.DRAFT:
        return DomainError("Only a draft consultation can be opened")
    if not consultation.questions:
        return DomainError("Add at least one question before opening the consultation")
    if consultation.closes_at <= (at or now_utc()):
        return DomainError("The closing date has passed. Change it before opening")
    return None


def can_open(consultation: Consultation, at: datetime | None = None) -> bool:
    return open_refusal(consultation, at) is None


PUBLISHED = frozenset({ConsultationStatus.SUMMARY_PUBLISHED, ConsultationStatus.REPLY_PUBLISHED})


def last_running_extension(consultation: Consultation, at: datetime) -> Extension | None:
    """The authority's extension that ends last among those still running at
    ``at`` (with its authority), or None."""
    return db.session.execute(
        select(Extension)
        .where(Extension.consultation_id == consultation.id, Extension.closes_at > at)
        .options(selectinload(Extension.authority))
        .order_by(Extension.closes_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def publish_summary_refusal(
    consultation: Consultation, at: datetime | None = None
) -> DomainError | None:
    """Why the summary cannot be published now, or None if it can. The
    secretariat publishes it once, once the consultation has closed by its
    effective status (an open consultation past its closing time may be
    published, one before it may not, whatever its stored status says), and
    after the last extension: publishing ends every window, and an authority
    given more time must not lose it, nor be missing from the published
    figures. The service raises this; the confirm page shows it in place of
    the button."""
    at = at or now_utc()
    if consultation.status in PUBLISHED:
        return DomainError("The summary has already been published")
    if effective_status(consultation, at) is not ConsultationStatus.CLOSED:
        return DomainError("A summary can be published once the consultation has closed")
    extension = last_running_extension(consultation, at)
    if extension is not None:
        return DomainError(
            f"{extension.authority.name} has an extension until "
            f"{format_datetime(extension.closes_at)}. Publish the summary once it has passed"
        )
    return None


def can_publish_summary(consultation: Consultation, at: datetime | None = None) -> bool:
    """Whether the summary may be published now (``publish_summary_refusal``):
    the summary page offers the link by this rule and the service refuses by
    it, so the page never offers publishing while an extension runs."""
    return publish_summary_refusal(consultation, at) is None
