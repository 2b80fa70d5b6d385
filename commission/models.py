"""Imports every area's models so the metadata (and Alembic) sees them all."""

from commission.api.models import RateLimitCounter, ResourceChange
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
from commission.changes import ChangeCounter
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
from commission.exports.models import CachedDownload
from commission.jobs import JobRun
from commission.meetings.models import AgendaChange, AgendaItem, Meeting, Paper
from commission.membership.models import (
    Authority,
    Department,
    Membership,
    MinisterialOffice,
    PoliticalControl,
)
from commission.minutes.models import (
    Action,
    ActionUpdate,
    Correction,
    Decision,
    MinuteItem,
    Minutes,
)
from commission.notifications.models import OptOut, OutboxMessage
from commission.oparl.models import RemovedRecord
from commission.policies.models import Policy, PolicyStage
from commission.search.models import FileText, SearchDocument, Word
from commission.storage import FileBlob
from commission.summaries.models import (
    AnswerTag,
    AnswerTally,
    GovernmentReply,
    SummarySnapshot,
    Tag,
    ThemeTally,
)
from commission.tokens.models import PersonalAccessToken

__all__ = [
    "AccountToken",
    "Action",
    "ActionUpdate",
    "AgendaChange",
    "AgendaItem",
    "Answer",
    "AnswerTag",
    "AnswerTally",
    "Appointment",
    "AttendanceReply",
    "AuditEvent",
    "Authority",
    "CachedDownload",
    "ChangeCounter",
    "Consultation",
    "ConsultationDocument",
    "Correction",
    "Decision",
    "Delegation",
    "Department",
    "Extension",
    "FileBlob",
    "FileText",
    "GovernmentReply",
    "JobRun",
    "Meeting",
    "Membership",
    "MinisterialAttendance",
    "MinisterialOffice",
    "MinuteItem",
    "Minutes",
    "OptOut",
    "OutboxMessage",
    "Paper",
    "PersonalAccessToken",
    "Policy",
    "PolicyStage",
    "PoliticalControl",
    "Question",
    "RateLimitCounter",
    "RegisterEntry",
    "RemovedRecord",
    "ResourceChange",
    "Response",
    "ResponseRevision",
    "SearchDocument",
    "StatedPosition",
    "SummarySnapshot",
    "Tag",
    "ThemeTally",
    "ThrottleEvent",
    "User",
    "Word",
]
