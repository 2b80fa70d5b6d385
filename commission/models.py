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
from commission.consultations.models import (
    Answer,
    Consultation,
    ConsultationDocument,
    Extension,
    Question,
    Response,
    ResponseRevision,
    StatedPosition,
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
    "Answer",
    "Appointment",
    "AttendanceReply",
    "AuditEvent",
    "Authority",
    "Consultation",
    "ConsultationDocument",
    "Delegation",
    "Department",
    "Extension",
    "Meeting",
    "Membership",
    "MinisterialAttendance",
    "MinisterialOffice",
    "Paper",
    "PoliticalControl",
    "Question",
    "RegisterEntry",
    "Response",
    "ResponseRevision",
    "StatedPosition",
    "ThrottleEvent",
    "User",
]
