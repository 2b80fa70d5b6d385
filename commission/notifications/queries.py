"""The loaders behind the outbox and calendar pages, which answer 404 for a
message or a calendar address that is not there."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from commission.auth.models import User
from commission.extensions import db
from commission.notifications.models import OutboxMessage

# A calendar address's secret is at least this long; anything shorter was never made.
SHORTEST_CALENDAR_TOKEN = 20


def load_outbox_message(message_id: int) -> OutboxMessage:
    """The message in the outbox, or 404."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return message


def load_calendar_owner(token: str) -> User:
    """The active person whose personal calendar address this is, or 404:
    the address is the secret, and one that was reset no longer works."""
    user = db.session.execute(select(User).where(User.calendar_token == token)).scalar_one_or_none()
    if user is None or not user.active or len(token) < SHORTEST_CALENDAR_TOKEN:
        abort(404)
    return user
