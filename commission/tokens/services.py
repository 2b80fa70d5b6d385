"""Making, using and revoking personal access tokens.

A token is shown once, when it is made; only its SHA-256 is stored, so a
copy of the database gives no one a working token. A token works only on the
JSON API, which only reads: it never signs anyone in to the web pages and
never changes anything but its own last use. Making and revoking a token are
audited, and so is its first use each day (every use moves ``last_used_at``;
auditing every call of a script would bury the log)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from commission.audit import services as audit
from commission.auth.models import User
from commission.errors import DomainError
from commission.extensions import db
from commission.timeutil import london_date, now_utc, today
from commission.tokens.models import PersonalAccessToken

PREFIX = "lgc_"
LIFETIMES = {30: "30 days", 90: "90 days", 365: "A year"}
MAX_NAME = 100


@dataclass(frozen=True)
class NewToken:
    token: PersonalAccessToken
    secret: str  # shown once, never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def tokens_of(user: User) -> list[PersonalAccessToken]:
    """The person's tokens, newest first."""
    return list(
        db.session.execute(
            select(PersonalAccessToken)
            .where(PersonalAccessToken.user_id == user.id)
            .order_by(PersonalAccessToken.created_at.desc(), PersonalAccessToken.id.desc())
        ).scalars()
    )


def create_token(*, name: str, days: int, actor: User, ip_address: str | None = None) -> NewToken:
    """A new token for ``actor``, named by them, working for ``days`` days."""
    name = name.strip()
    if not name:
        raise DomainError("Enter a name for the token", field="name")
    if len(name) > MAX_NAME:
        raise DomainError(f"Name must be {MAX_NAME} characters or fewer", field="name")
    if days not in LIFETIMES:
        raise DomainError("Choose how long the token works", field="days")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken(
        user_id=actor.id,
        name=name,
        token_hash=digest(secret),
        prefix=secret[: len(PREFIX) + 4],
        expires_on=today() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        action="api_token_created",
        summary=f"{actor.full_name} made the API token “{name}”",
        actor=actor,
        subject=token,
        ip_address=ip_address,
        details={"expires_on": token.expires_on.isoformat()},
    )
    return NewToken(token, secret)


def revoke_token(
    *, token: PersonalAccessToken, actor: User, ip_address: str | None = None
) -> PersonalAccessToken:
    """Stop a token working, at once. Only its holder revokes it."""
    if token.user_id != actor.id:
        raise DomainError("You can only revoke your own tokens")
    if token.revoked_at is not None:
        raise DomainError("This token has already been revoked")
    token.revoked_at = now_utc()
    audit.record(
        action="api_token_revoked",
        summary=f"{actor.full_name} revoked the API token “{token.name}”",
        actor=actor,
        subject=token,
        ip_address=ip_address,
    )
    db.session.flush()
    return token


# A token's last use is noted to the minute: a request that would change it by
# less writes nothing, so a client's many requests do not each wait to write
# (and lock) the same row until their answers are made.
LAST_USE_PRECISION = timedelta(minutes=1)


def authenticate(*, secret: str, ip_address: str | None = None) -> User | None:
    """The active person holding this usable token, or None. Notes its use,
    to the minute (and audits the first use each day)."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = db.session.execute(
        select(PersonalAccessToken).where(PersonalAccessToken.token_hash == digest(secret))
    ).scalar_one_or_none()
    now = now_utc()
    if token is None or not token.usable(london_date(now)) or not token.user.active:
        return None
    if token.last_used_at is None or london_date(token.last_used_at) != london_date(now):
        audit.record(
            action="api_token_used",
            summary=f"The API token “{token.name}” was used (first use today)",
            actor=token.user,
            subject=token,
            ip_address=ip_address,
        )
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        token.last_used_at = now
        db.session.flush()
    return token.user


def load_own_token(user: User, token_id: int) -> PersonalAccessToken | None:
    token = db.session.get(PersonalAccessToken, token_id)
    return token if token is not None and token.user_id == user.id else None


def status_label(token: PersonalAccessToken, on: date) -> str:
    if token.revoked_at is not None:
        return "Revoked"
    return "Expired" if on > token.expires_on else "Active"
