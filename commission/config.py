"""Settings, read from the environment with safe development defaults.

Development needs no configuration: the database is SQLite in ``instance/`` and
email is written to the log. Production (``COMMISSION_ENV=production``) refuses
to start without a real ``SECRET_KEY``, a ``DATABASE_URL`` and an https
``PUBLIC_BASE_URL``.
"""

from __future__ import annotations

import math
import os
import zlib
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-not-for-production"  # noqa: S105


class ConfigurationError(RuntimeError):
    """Raised when the environment cannot run the app safely."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from error


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the platform hands us."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def build_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the settings for this process as a plain dict."""
    env = _environment()
    production = env == "production"
    config: dict[str, Any] = {
        "ENV_NAME": env,
        **_web_settings(instance_path, production),
        **_mail_settings(instance_path, production),
        **_account_settings(production),
        **_service_settings(instance_path),
    }
    if overrides:
        config.update(overrides)
    if config.get("TESTING") and "AUDIT_STRICT" not in (overrides or {}):
        config["AUDIT_STRICT"] = True
    check_quorum(config.get("QUORUM_FRACTION", "1/3"))
    if production:
        check_production(config)
    return config


def _environment() -> str:
    """COMMISSION_ENV: development (the default), production or one of the others."""
    env = os.environ.get("COMMISSION_ENV", "").strip().lower() or "development"
    if env not in ENVIRONMENTS:
        # A typo ("prod") must not quietly run production on development
        # defaults: the development key, cookies without Secure.
        raise ConfigurationError(
            f"COMMISSION_ENV must be {' or '.join(sorted(ENVIRONMENTS))}, not {env!r}"
        )
    return env


def _web_settings(instance_path: str, production: bool) -> dict[str, Any]:
    """The key, the database, request limits, cookies and addresses."""
    default_db = "sqlite:///" + str(Path(instance_path) / "commission.sqlite3")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL", "") or default_db
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SERVICE_NAME": "Local Government Commission",
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 25 * 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": _int("MAX_FORM_MEMORY_SIZE", 500 * 1024),
        "WTF_CSRF_TIME_LIMIT": _int("WTF_CSRF_TIME_LIMIT", 8 * 3600),
        "SESSION_COOKIE_NAME": "commission_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": _int("SESSION_LIFETIME_SECONDS", 8 * 3600),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "SERVER_NAME": os.environ.get("SERVER_NAME") or None,
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").rstrip("/"),
        "HSTS": production,
        "PROXY_FIX_X_FOR": _int("PROXY_FIX_X_FOR", 1 if production else 0),
    }


def _mail_settings(instance_path: str, production: bool) -> dict[str, Any]:
    return {
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "smtp" if production else "log"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool(os.environ.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _bool(os.environ.get("MAIL_USE_SSL")),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 10),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "Local Government Commission <no-reply@commission.localhost>"
        ),
        "MAIL_OUTBOX_DIR": os.environ.get("MAIL_OUTBOX_DIR", str(Path(instance_path) / "outbox")),
    }


def _account_settings(production: bool) -> dict[str, Any]:
    """Links sent to people, passwords and the sign-in throttle."""
    return {
        "INVITATION_MAX_AGE_SECONDS": _int("INVITATION_MAX_AGE_SECONDS", 7 * 24 * 3600),
        "PASSWORD_RESET_MAX_AGE_SECONDS": _int("PASSWORD_RESET_MAX_AGE_SECONDS", 2 * 3600),
        # Without a worker (development), send a queued reset link as soon as
        # the answer has gone rather than wait for `flask send-outbox`.
        "SEND_ACCOUNT_EMAIL_AFTER_RESPONSE": _bool(
            os.environ.get("SEND_ACCOUNT_EMAIL_AFTER_RESPONSE"), default=not production
        ),
        "PASSWORD_MIN_LENGTH": _int("PASSWORD_MIN_LENGTH", 12),
        "SIGN_IN_MAX_FAILURES_PER_ACCOUNT": _int("SIGN_IN_MAX_FAILURES_PER_ACCOUNT", 5),
        "SIGN_IN_MAX_FAILURES_PER_ADDRESS": _int("SIGN_IN_MAX_FAILURES_PER_ADDRESS", 20),
        "SIGN_IN_FAILURE_WINDOW_SECONDS": _int("SIGN_IN_FAILURE_WINDOW_SECONDS", 15 * 60),
        "PASSWORD_RESET_MAX_REQUESTS_PER_ADDRESS": _int(
            "PASSWORD_RESET_MAX_REQUESTS_PER_ADDRESS", 10
        ),
    }


def _service_settings(instance_path: str) -> dict[str, Any]:
    """Lists, files, reminders, rules, logging, feedback and the API."""
    return {
        "PAGE_SIZE": _int("PAGE_SIZE", 25),
        "STORAGE_PATH": os.environ.get("STORAGE_PATH", str(Path(instance_path) / "files")),
        # "local" or "database"; empty: the database on PostgreSQL, else local.
        "STORAGE_BACKEND": os.environ.get("STORAGE_BACKEND", ""),
        "REPLY_REMINDER_WORKING_DAYS": _int("REPLY_REMINDER_WORKING_DAYS", 5),
        "CLOSING_REMINDER_DAYS": os.environ.get("CLOSING_REMINDER_DAYS", "7,2"),
        "COMMENT_MAX_LENGTH": _int("COMMENT_MAX_LENGTH", 5000),
        "QUORUM_FRACTION": os.environ.get("QUORUM_FRACTION", "1/3"),
        "PAPER_MAX_BYTES": _int("PAPER_MAX_BYTES", 20 * 1024 * 1024),
        "CALENDAR_DOMAIN": os.environ.get("CALENDAR_DOMAIN", "commission.localhost"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # Refuse to commit a request's change that recorded no audit event
        # (otherwise it is recorded as an unrecorded change and logged).
        "AUDIT_STRICT": _bool(os.environ.get("AUDIT_STRICT")),
        # The secretariat's shared mailbox: named on the accessibility
        # statement for reporting a problem, and where feedback is sent.
        "SECRETARIAT_EMAIL": os.environ.get(
            "SECRETARIAT_EMAIL", "lgc-secretariat@commission.localhost"
        ),
        "FEEDBACK_MAX_PER_ADDRESS": _int("FEEDBACK_MAX_PER_ADDRESS", 5),
        "FEEDBACK_WINDOW_SECONDS": _int("FEEDBACK_WINDOW_SECONDS", 3600),
        # How long before a session or a form's security token runs out the
        # timeout warning is shown (with JavaScript).
        "SESSION_WARNING_SECONDS": _int("SESSION_WARNING_SECONDS", 5 * 60),
        # The public API (docs/api.md): requests per client address, and where
        # the counts are kept (Redis when set, otherwise the database).
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "120 per minute"),
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
    }


def check_quorum(value: object) -> None:
    """QUORUM_FRACTION must be a fraction above 0 and at most 1, such as 1/3."""
    try:
        fraction = Fraction(str(value))
    except (ValueError, ZeroDivisionError) as error:
        raise ConfigurationError(
            f"QUORUM_FRACTION must be a fraction such as 1/3, not {value!r}"
        ) from error
    if not 0 < fraction <= 1:
        raise ConfigurationError(f"QUORUM_FRACTION must be above 0 and at most 1, not {value}")


ENVIRONMENTS = {"development", "production"}
# A secret of at least 32 characters whose characters carry at least this many
# bits between them (estimated from how often each occurs): a random hex key of
# 32 characters is estimated at about 112 (92 at the lowest in 200,000 drawn:
# the estimate falls when a character happens to repeat, so the line is well
# below it), "ab" repeated at 64, "a" repeated at none.
SECRET_MIN_BITS = 72
# ... and that does not shrink when compressed: a random key does not shrink
# at all, a repeated word ("password" five times) shrinks to half.
SECRET_MIN_COMPRESSED = 0.8


def guessable(secret: str) -> bool:
    """Whether a key is too regular to be random: too few bits by the
    frequency of its characters, or a pattern that compresses."""
    compressed = len(zlib.compress(secret.encode(), 9)) / max(1, len(secret.encode()))
    return secret_bits(secret) < SECRET_MIN_BITS or compressed < SECRET_MIN_COMPRESSED


def secret_bits(secret: str) -> float:
    """Shannon's estimate of the bits in ``secret``: its length times the
    entropy of its characters' frequencies."""
    if not secret:
        return 0.0
    counts = Counter(secret)
    total = len(secret)
    per_character = -sum(n / total * math.log2(n / total) for n in counts.values())
    return total * per_character


def check_production(config: dict[str, Any]) -> None:
    """Refuse to run production on development defaults or a guessable key."""
    secret = config.get("SECRET_KEY") or ""
    if secret == DEVELOPMENT_SECRET_KEY or len(secret) < 32 or guessable(secret):
        raise ConfigurationError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    if not os.environ.get("DATABASE_URL"):
        raise ConfigurationError("DATABASE_URL must be set in production")
    if not str(config.get("PUBLIC_BASE_URL") or "").startswith("https://"):
        # Without it, links in emails are built from the request's Host (or
        # X-Forwarded-Host) header, which a stranger asking for a password reset
        # for someone else could point at their own site.
        raise ConfigurationError(
            "PUBLIC_BASE_URL must be set to the service's https:// address in production"
        )
