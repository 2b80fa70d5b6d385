"""Writing the audit trail. Every rule that changes something records here."""

from __future__ import annotations

from typing import Any

from commission.audit.models import AuditEvent
from commission.auth.models import User
from commission.extensions import db


def record(
    *,
    action: str,
    summary: str,
    actor: User | None,
    subject: Any = None,
    ip_address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session (the caller's transaction commits it)."""
    event = AuditEvent(
        action=action,
        summary=summary[:500],
        actor=actor,
        subject_type=getattr(subject, "__tablename__", None),
        subject_id=getattr(subject, "id", None),
        ip_address=ip_address,
        details=details or {},
    )
    db.session.add(event)
    return event
