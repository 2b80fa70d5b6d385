"""Reading people for the secretariat's pages, and the loader that answers 404
for a person who is not there."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commission.auth.models import Appointment, User
from commission.extensions import db
from commission.membership.models import MinisterialOffice

APPOINTMENTS_WITH_BODIES = (
    selectinload(User.appointments).selectinload(Appointment.authority),
    selectinload(User.appointments)
    .selectinload(Appointment.ministerial_office)
    .joinedload(MinisterialOffice.department),
)


def load_person(user_id: int) -> User:
    """The person with their appointments and where each is held, or 404."""
    user = db.session.execute(
        select(User).where(User.id == user_id).options(*APPOINTMENTS_WITH_BODIES)
    ).scalar_one_or_none()
    if user is None:
        abort(404)
    return user
