"""Imports every area's models so the metadata (and Alembic) sees them all."""

from commission.audit.models import AuditEvent
from commission.auth.models import AccountToken, Appointment, ThrottleEvent, User

__all__ = ["AccountToken", "Appointment", "AuditEvent", "ThrottleEvent", "User"]
