"""Feedback on the service: what a visitor sends through the feedback page
reaches the secretariat by email through the outbox (the ``feedback_sent``
event, received by notifications and the audit log)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from commission import signals
from commission.auth import throttle
from commission.auth.models import User
from commission.auth.services import Throttled
from commission.errors import DomainError
from commission.links import safe_next


@dataclass(frozen=True)
class Feedback:
    """What was sent: the words, how satisfied (a label, or empty), an address
    to reply to (or empty), the page it was sent from (a path, or empty) and
    who sent it when signed in."""

    details: str
    satisfaction: str
    reply_to: str
    page: str
    sender: User | None


def send_feedback(
    *,
    details: str,
    satisfaction: str,
    reply_to: str,
    page: str,
    actor: User | None,
    ip_address: str | None,
) -> Feedback:
    """Queue feedback for the secretariat's mailbox. Like the other forms
    anyone may send, it is limited per address (``FEEDBACK_MAX_PER_ADDRESS``
    in ``FEEDBACK_WINDOW_SECONDS``), so nobody can fill the mailbox."""
    config = current_app.config
    key = f"feedback:address:{ip_address or 'unknown'}"
    window = int(config["FEEDBACK_WINDOW_SECONDS"])
    if throttle.is_limited(
        key, limit=int(config["FEEDBACK_MAX_PER_ADDRESS"]), window_seconds=window
    ):
        raise Throttled(retry_after=window)
    throttle.hit(key)
    words = details.strip()
    if not words:
        raise DomainError("Enter how we could improve this service", field="details")
    feedback = Feedback(
        details=words,
        satisfaction=satisfaction,
        reply_to=reply_to.strip(),
        page=safe_next(page) or "",
        sender=actor,
    )
    signals.feedback_sent.send(feedback, actor=actor, ip_address=ip_address)
    return feedback
