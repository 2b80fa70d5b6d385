"""Signing in, and the single-use links for setting a password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadPayload, BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from commission import signals
from commission.audit import services as audit
from commission.auth import throttle
from commission.auth.models import AccountToken, TokenPurpose, User, new_session_token
from commission.auth.passwords import (
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from commission.errors import DomainError
from commission.extensions import db
from commission.timeutil import now_utc

GENERIC_SIGN_IN_ERROR = "Enter a correct email address and password"
LINK_SALT = "commission.account-link"


class SignInFailed(DomainError):
    pass


class Throttled(Exception):
    """Too many attempts; the view answers 429."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many attempts")
        self.retry_after = retry_after


class LinkProblem(Exception):
    """An emailed link that cannot be used. ``reason`` is one of
    ``invalid``, ``expired`` or ``used``."""

    def __init__(self, reason: str, purpose: TokenPurpose | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.purpose = purpose


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def _account_key(email: str) -> str:
    return f"sign-in:account:{normalise_email(email)}"


def _address_key(ip_address: str | None) -> str:
    return f"sign-in:address:{ip_address or 'unknown'}"


def sign_in(*, email: str, password: str, ip_address: str | None) -> User:
    """Check credentials. Failures are counted per account and per address; past
    the limit every attempt is refused for the window, right or wrong, so
    guessing cannot continue. One message for every failure: no account
    enumeration."""
    config = current_app.config
    window = config["SIGN_IN_FAILURE_WINDOW_SECONDS"]
    account_key, address_key = _account_key(email), _address_key(ip_address)
    if throttle.is_limited(
        account_key, limit=config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"], window_seconds=window
    ) or throttle.is_limited(
        address_key, limit=config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"], window_seconds=window
    ):
        audit.record(
            action="sign_in_throttled",
            summary=f"Sign-in refused after repeated failures for {normalise_email(email)[:254]}",
            actor=None,
            ip_address=ip_address,
            details={"email": normalise_email(email)[:254]},
        )
        raise Throttled(retry_after=window)

    user = find_user_by_email(email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.active:
        throttle.hit(account_key)
        throttle.hit(address_key)
        audit.record(
            action="sign_in_failed",
            summary=f"Failed sign-in for {normalise_email(email)[:254]}",
            actor=None,
            subject=user,
            ip_address=ip_address,
            details={"email": normalise_email(email)[:254]},
        )
        raise SignInFailed(GENERIC_SIGN_IN_ERROR)

    throttle.clear(account_key)
    assert user.password_hash is not None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_signed_in_at = now_utc()
    audit.record(
        action="signed_in",
        summary=f"{user.full_name} signed in",
        actor=user,
        subject=user,
        ip_address=ip_address,
    )
    db.session.flush()
    return user


def record_sign_out(*, user: User, ip_address: str | None) -> None:
    """Signing out ends the session on the server, not only in the browser:
    the account's session token changes, so a copy of the cookie (or the
    same account signed in elsewhere) is refused from now on."""
    user.session_token = new_session_token()
    audit.record(
        action="signed_out",
        summary=f"{user.full_name} signed out",
        actor=user,
        subject=user,
        ip_address=ip_address,
    )


# Links -----------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=LINK_SALT)


def _max_age(purpose: TokenPurpose) -> int:
    key = {
        TokenPurpose.INVITATION: "INVITATION_MAX_AGE_SECONDS",
        TokenPurpose.PASSWORD_RESET: "PASSWORD_RESET_MAX_AGE_SECONDS",
    }[purpose]
    return int(current_app.config[key])


def issue_link_token(*, user: User, purpose: TokenPurpose, actor: User | None) -> str:
    """Create a single-use token and return the signed string for the link.
    Any earlier unused link of the same purpose for this person stops working."""
    now = now_utc()
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    token = AccountToken(
        user=user,
        purpose=purpose,
        expires_at=now + timedelta(seconds=_max_age(purpose)),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(token)
    db.session.flush()
    return _serializer().dumps({"id": token.id, "n": token.nonce, "p": purpose.value})


def resolve_link_token(signed: str) -> AccountToken:
    """The stored token behind a link, or ``LinkProblem`` saying why not."""
    serializer = _serializer()
    try:
        payload = serializer.loads(signed, max_age=max(_max_age(p) for p in TokenPurpose))
    except SignatureExpired as error:
        purpose = None
        expired_payload: object = None
        if isinstance(error.payload, bytes):
            try:
                # The exception carries the still-encoded payload, not the dict.
                expired_payload = serializer.load_payload(error.payload)
            except BadPayload:
                expired_payload = None
        if isinstance(expired_payload, dict):
            purpose = _purpose_or_none(expired_payload.get("p"))
        raise LinkProblem("expired", purpose) from error
    except BadSignature as error:
        raise LinkProblem("invalid") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        raise LinkProblem("invalid")
    token = db.session.get(AccountToken, payload["id"])
    if token is None or token.nonce != payload.get("n"):
        raise LinkProblem("invalid")
    if token.used_at is not None:
        raise LinkProblem("used", token.purpose)
    if token.expires_at <= now_utc():
        raise LinkProblem("expired", token.purpose)
    if not token.user.active:
        raise LinkProblem("invalid", token.purpose)
    return token


def _purpose_or_none(value: object) -> TokenPurpose | None:
    try:
        return TokenPurpose(str(value))
    except ValueError:
        return None


def check_new_password(user: User, password: str) -> None:
    problems = password_problems(
        password,
        min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        user_inputs=[user.email, user.email.split("@")[0], *user.full_name.split()],
    )
    if problems:
        raise DomainError(problems[0], field="password")


def _set_password(user: User, password: str) -> None:
    """A new password signs the account out everywhere and spends every
    outstanding emailed link: a reset link sent before the change must not
    set the password again afterwards."""
    check_new_password(user, password)
    user.password_hash = hash_password(password)
    user.password_set_at = now_utc()
    user.session_token = new_session_token()
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=user.password_set_at)
        .execution_options(synchronize_session="fetch")
    )


def set_password_from_link(*, token: AccountToken, password: str, ip_address: str | None) -> User:
    """Use an invitation or reset link: set the password and spend the link."""
    if token.used_at is not None:
        raise LinkProblem("used", token.purpose)
    user = token.user
    _set_password(user, password)
    token.used_at = now_utc()
    throttle.clear(_account_key(user.email))
    if token.purpose is TokenPurpose.INVITATION:
        action, summary = "invitation_accepted", f"{user.full_name} accepted their invitation"
    else:
        action, summary = "password_reset", f"{user.full_name} reset their password"
    audit.record(action=action, summary=summary, actor=user, subject=user, ip_address=ip_address)
    db.session.flush()
    return user


def change_password(
    *, user: User, current_password: str, new_password: str, ip_address: str | None
) -> None:
    if not verify_password(user.password_hash, current_password):
        raise DomainError("Your current password is not correct", field="current_password")
    _set_password(user, new_password)
    audit.record(
        action="password_changed",
        summary=f"{user.full_name} changed their password",
        actor=user,
        subject=user,
        ip_address=ip_address,
    )
    db.session.flush()


@dataclass(frozen=True)
class ResetRequest:
    user: User
    signed_token: str


def request_password_reset(*, email: str, ip_address: str | None) -> None:
    """Someone asked for a reset link for ``email``. The request does the same
    work whether or not an account has the address, so the answer takes the
    same time either way: it is throttled, recorded and announced
    (``password_reset_asked``), and the email goes through the outbox. The
    outbox worker looks the address up when it sends: only an active account
    with a password gets a link (``issue_password_reset``); otherwise the
    message is withdrawn, unsent."""
    config = current_app.config
    address_key = f"reset:address:{ip_address or 'unknown'}"
    if throttle.is_limited(
        address_key,
        limit=config["PASSWORD_RESET_MAX_REQUESTS_PER_ADDRESS"],
        window_seconds=config["SIGN_IN_FAILURE_WINDOW_SECONDS"],
    ):
        raise Throttled(retry_after=config["SIGN_IN_FAILURE_WINDOW_SECONDS"])
    throttle.hit(address_key)
    address = normalise_email(email)[:254]
    audit.record(
        action="password_reset_asked",
        summary=f"A password reset link was asked for {address}",
        actor=None,
        ip_address=ip_address,
    )
    signals.password_reset_asked.send(address, ip_address=ip_address, actor=None)


def issue_password_reset(*, email: str) -> ResetRequest | None:
    """A reset link for the active account with a password that has ``email``,
    or None if there is none (the outbox worker calls this as it sends)."""
    user = find_user_by_email(email)
    if user is None or not user.active or not user.has_password:
        return None
    signed = issue_link_token(user=user, purpose=TokenPurpose.PASSWORD_RESET, actor=None)
    audit.record(
        action="password_reset_requested",
        summary=f"Password reset link sent to {user.email}",
        actor=None,
        subject=user,
    )
    return ResetRequest(user=user, signed_token=signed)
