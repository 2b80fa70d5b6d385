"""Imports every area's models so the metadata (and Alembic) sees them all."""

from commission.attendance.models import (
    AttendanceReply,
    MinisterialAttendance,
    RegisterEntry,
)
from commission.audit.models import AuditEvent
from commission.auth.models import (
    AccountToken,
    Appointment,
    Delegation,
    ThrottleEvent,
    User,
)
from commission.meetings.models import AgendaChange, AgendaItem, Meeting, Paper
from commission.membership.models import (
    Authority,
    Department,
    Membership,
    MinisterialOffice,
    PoliticalControl,
)

__all__ = [
    "AccountToken",
    "AgendaChange",
    "AgendaItem",
    "Appointment",
    "AttendanceReply",
    "AuditEvent",
    "Authority",
    "Delegation",
    "Department",
    "Meeting",
    "Membership",
    "MinisterialAttendance",
    "MinisterialOffice",
    "Paper",
    "PoliticalControl",
    "RegisterEntry",
    "ThrottleEvent",
    "User",
]
