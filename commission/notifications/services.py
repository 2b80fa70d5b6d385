"""Queuing notification emails for the right people, once, and sending them
reliably from the outbox."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, timedelta

from flask import current_app, render_template
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from commission import policy
from commission.audit import services as audit
from commission.auth.models import Appointment, User
from commission.auth.roles import Role
from commission.auth.services import issue_password_reset
from commission.errors import DomainError
from commission.extensions import db
from commission.links import external_url
from commission.mail import Email, MailError, send
from commission.notifications.models import (
    CHOSEN_TOPICS,
    OptOut,
    OutboxMessage,
    OutboxStatus,
    Topic,
)
from commission.timeutil import now_utc, today

MAX_ATTEMPTS = 6
UNSUBSCRIBE_SALT = "commission.unsubscribe"


# Who ----------------------------------------------------------------------------


def _current(on: date) -> ColumnElement[bool]:
    return (Appointment.starts_on <= on) & or_(
        Appointment.ends_on.is_(None), Appointment.ends_on >= on
    )


def people_at(
    authority_ids: Iterable[int], roles: Iterable[Role] | None = None, on: date | None = None
) -> list[User]:
    """Active people holding a current role at any of the authorities."""
    on = on or today()
    ids = list(authority_ids)
    if not ids:
        return []
    statement = (
        select(User)
        .join(Appointment, Appointment.user_id == User.id)
        .where(Appointment.authority_id.in_(ids), _current(on), User.active.is_(True))
    )
    if roles is not None:
        statement = statement.where(Appointment.role.in_(list(roles)))
    return list(db.session.execute(statement.distinct()).scalars())


def people_with_role(role: Role, on: date | None = None) -> list[User]:
    on = on or today()
    return list(
        db.session.execute(
            select(User)
            .join(Appointment, Appointment.user_id == User.id)
            .where(Appointment.role == role, _current(on), User.active.is_(True))
            .distinct()
        ).scalars()
    )


def office_holders(office_id: int, on: date | None = None) -> list[User]:
    on = on or today()
    return list(
        db.session.execute(
            select(User)
            .join(Appointment, Appointment.user_id == User.id)
            .where(
                Appointment.ministerial_office_id == office_id,
                _current(on),
                User.active.is_(True),
            )
            .distinct()
        ).scalars()
    )


def signers(authority_id: int, on: date | None = None) -> list[User]:
    """The active people who sign off the authority's responses on the day,
    by the one rule (``policy.signs_off``): the leader or mayor, and deputies
    whose delegation covers sign-off. The appointments come with their people
    and delegations in two statements however many there are."""
    on = on or today()
    appointments = db.session.execute(
        select(Appointment)
        .join(Appointment.user)
        .where(Appointment.authority_id == authority_id, _current(on), User.active.is_(True))
        .options(contains_eager(Appointment.user), selectinload(Appointment.delegations))
        .order_by(Appointment.id)
    ).scalars()
    people: list[User] = []
    for appointment in appointments:
        if policy.signs_off(appointment, on) and appointment.user not in people:
            people.append(appointment.user)
    return people


# Unsubscribing ------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user: User, topic: Topic) -> str:
    return _serializer().dumps({"u": user.id, "t": topic.value})


def read_unsubscribe_token(token: str) -> tuple[User, Topic] | None:
    try:
        payload = _serializer().loads(token)
        user = db.session.get(User, int(payload["u"]))
        topic = Topic(payload["t"])
    except (BadSignature, KeyError, ValueError, TypeError):
        return None
    return (user, topic) if user is not None else None


def opted_out(user_ids: Iterable[int]) -> set[tuple[int, str]]:
    ids = list(user_ids)
    if not ids:
        return set()
    return {
        (row.user_id, row.topic)
        for row in db.session.execute(select(OptOut).where(OptOut.user_id.in_(ids))).scalars()
    }


def _kinds(count: int) -> str:
    return f"{count} kind{'' if count == 1 else 's'} of email"


def set_preferences(*, user: User, topics: set[Topic]) -> None:
    """Receive exactly these topics. Only the person chooses (in their account
    or from a link in an email to them), so they are the actor recorded."""
    existing = {
        o.topic: o
        for o in db.session.execute(select(OptOut).where(OptOut.user_id == user.id)).scalars()
    }
    turned_on: list[str] = []
    turned_off: list[str] = []
    for topic in CHOSEN_TOPICS:
        if topic in topics and topic.value in existing:
            db.session.delete(existing[topic.value])
            turned_on.append(topic.value)
        elif topic not in topics and topic.value not in existing:
            db.session.add(OptOut(user_id=user.id, topic=topic.value))
            turned_off.append(topic.value)
    if turned_on or turned_off:
        audit.record(
            action="email_preferences_changed",
            summary=f"{user.full_name} turned "
            + " and ".join(
                part
                for part in (
                    f"on {_kinds(len(turned_on))}" if turned_on else "",
                    f"off {_kinds(len(turned_off))}" if turned_off else "",
                )
                if part
            ),
            actor=user,
            subject=user,
            details={"turned_on": turned_on, "turned_off": turned_off},
        )
    db.session.flush()


# Queuing ------------------------------------------------------------------------


def enqueue(
    *,
    users: Iterable[User],
    topic: Topic,
    template: str,
    subject: str,
    lines: list[str],
    link: str,
    link_text: str,
    dedupe: str | None = None,
) -> int:
    """Store one message per person (once per ``dedupe`` key), skipping people
    who have opted out of the topic. Returns how many were queued."""
    people = {u.id: u for u in users if u.active}
    blocked = opted_out(people)
    keys: set[str | None] = set()
    if dedupe:
        wanted = {f"{dedupe}:{user_id}" for user_id in people}
        keys = set(
            db.session.execute(
                select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(wanted))
            ).scalars()
        )
    queued = 0
    for user in people.values():
        if (user.id, topic.value) in blocked:
            continue
        key = f"{dedupe}:{user.id}" if dedupe else None
        if key and key in keys:
            continue
        unsubscribe = external_url(
            "notifications.unsubscribe", token=unsubscribe_token(user, topic)
        )
        context = {
            "user": user,
            "lines": lines,
            "link": link,
            "link_text": link_text,
            "subject": subject,
            "unsubscribe": unsubscribe,
            "topic": topic,
        }
        message = OutboxMessage(
            recipient=user.email,
            user_id=user.id,
            topic=topic,
            template=template,
            subject=subject,
            body_text=render_template("notifications/email.txt", **context),
            body_html=render_template("notifications/email.html", **context),
            dedupe_key=key,
        )
        try:
            with db.session.begin_nested():
                db.session.add(message)
                db.session.flush()
        except IntegrityError:
            continue  # queued by someone else at the same moment: once is enough
        queued += 1
    return queued


PASSWORD_RESET = "password_reset"  # noqa: S105 (a template name)
# What an account email's stored body says: its link lets the reader into the
# account, so it is written only as the email is sent, and never kept.
NOT_KEPT = "Written as it is sent, and not kept: its link signs someone in."


def queue_password_reset(*, email: str) -> OutboxMessage:
    """Queue a reset link for whoever has ``email`` (perhaps nobody). The same
    row is stored either way; the sender decides (``_account_email``)."""
    message = OutboxMessage(
        recipient=email,
        user_id=None,
        topic=Topic.ACCOUNT,
        template=PASSWORD_RESET,
        subject="Reset your password",
        body_text=NOT_KEPT,
        body_html=NOT_KEPT,
    )
    db.session.add(message)
    db.session.flush()
    return message


def _account_email(message: OutboxMessage) -> Email | str:
    """The email to send for an account message, written now, or why it is
    not sent. A reset link goes only to an active account with a password."""
    reset = issue_password_reset(email=message.recipient)
    if reset is None:
        return "Not sent: no active account with a password has this address"
    message.user_id = reset.user.id
    link = external_url("auth.set_password", token=reset.signed_token)
    hours = current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] // 3600
    body = render_template("email/password_reset.txt", user=reset.user, link=link, hours=hours)
    return Email(to=reset.user.email, subject=message.subject, body=body)


# Sending ------------------------------------------------------------------------


def deliver_due(*, limit: int = 100) -> tuple[int, int]:
    """Send queued messages whose time has come, committing after each one, so
    a mail server going down part-way loses nothing and sends nothing twice.
    Failures are retried with backoff (2, 4, 8 … minutes, up to an hour);
    after MAX_ATTEMPTS a message is marked failed for the secretariat to see."""
    sent = failed = 0
    ids = list(
        db.session.execute(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.QUEUED,
                OutboxMessage.next_attempt_at <= now_utc(),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).scalars()
    )
    for message_id in ids:
        # Claim the message: on PostgreSQL the row stays locked until the
        # commit below, and another worker skips it rather than send it too.
        message = db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.QUEUED)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if message is None:  # sent meanwhile, or being sent by another worker
            continue
        email: Email | str | None
        if message.template == PASSWORD_RESET:
            email = _account_email(message)
        else:
            email = _withdrawn_because(message) or _notification_email(message)
        if isinstance(email, str):
            message.status = OutboxStatus.WITHDRAWN
            message.last_error = email
            db.session.commit()
            continue
        message.attempts += 1
        try:
            send(email)
        except Exception as error:  # one bad message must not stop the queue
            if not isinstance(error, MailError):
                current_app.logger.exception("outbox message %s could not be sent", message.id)
            message.last_error = str(error)[:1000] or type(error).__name__
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
            else:
                message.next_attempt_at = now_utc() + timedelta(
                    minutes=min(60, 2**message.attempts)
                )
            failed += 1
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = now_utc()
            message.last_error = None
            sent += 1
        db.session.commit()
    return sent, failed


def _notification_email(message: OutboxMessage) -> Email:
    unsubscribe = _unsubscribe_from(message)
    return Email(
        to=message.recipient,
        subject=message.subject,
        body=message.body_text,
        html=message.body_html,
        # One-click unsubscribing from the mail client (RFC 8058).
        headers=(
            ("List-Unsubscribe", f"<{unsubscribe}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        )
        if unsubscribe
        else (),
    )


def _withdrawn_because(message: OutboxMessage) -> str | None:
    """Why a message queued earlier must not go now: its recipient has since
    been deactivated or turned this kind of email off (a message can wait in
    the queue while the mail server is down)."""
    user = db.session.get(User, message.user_id) if message.user_id else None
    if user is None:
        return None
    if not user.active:
        return "Not sent: the account has been deactivated"
    if (user.id, message.topic.value) in opted_out([user.id]):
        return "Not sent: the person has turned off these emails"
    return None


def _unsubscribe_from(message: OutboxMessage) -> str | None:
    marker = "Unsubscribe: "
    for line in message.body_text.splitlines():
        if line.startswith(marker):
            return line[len(marker) :].strip()
    return None


def resend(*, message: OutboxMessage) -> None:
    """Only a failed message goes back in the queue: one sent or still queued
    would otherwise reach its recipient twice."""
    if message.status is not OutboxStatus.FAILED:
        raise DomainError("Only a message that could not be sent can be sent again")
    message.status = OutboxStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = now_utc()
    db.session.flush()


def renew_calendar_token(*, user: User) -> str:
    """A new secret address for the person's own calendar feed; the old one
    stops working at once."""
    user.calendar_token = secrets.token_urlsafe(32)
    audit.record(
        action="calendar_address_reset",
        summary=f"{user.full_name} made a new address for their calendar feed",
        actor=user,
        subject=user,
    )
    return user.calendar_token
