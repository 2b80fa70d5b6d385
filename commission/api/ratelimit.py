"""The API's rate limit, per client address, with its state shared by every
app server: Flask-Limiter on Redis when ``REDIS_URL`` is set, otherwise on
the database through ``DatabaseStorage`` (the ``limits`` library, which
Flask-Limiter counts with, has no SQL storage of its own)."""

from __future__ import annotations

import time

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from commission.api.models import RateLimitCounter
from commission.extensions import db

SCHEME = "commission-database"

limiter = Limiter(key_func=get_remote_address, headers_enabled=True, strategy="fixed-window")


class DatabaseStorage(Storage):
    """Fixed-window counters in ``api_rate_limits``, one row per key.

    Each count is one upsert that starts a new window when the old one has
    ended, committed at once (the counters are not records of the
    Commission: ``commission.changes`` leaves them out), so every app server
    sees every other's counts."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 (the limits library's registry reads a list)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int | float, amount: int = 1) -> int:
        now = time.time()
        dialect = db.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        ended = RateLimitCounter.expires_at <= now
        statement = insert(RateLimitCounter).values(key=key, count=amount, expires_at=now + expiry)
        statement = statement.on_conflict_do_update(
            index_elements=["key"],
            set_={
                "count": case((ended, amount), else_=RateLimitCounter.count + amount),
                "expires_at": case((ended, now + expiry), else_=RateLimitCounter.expires_at),
            },
        )
        count = db.session.execute(statement.returning(RateLimitCounter.count)).scalar_one()
        db.session.commit()
        return int(count)

    def _row(self, key: str) -> RateLimitCounter | None:
        return db.session.execute(
            select(RateLimitCounter).where(
                RateLimitCounter.key == key, RateLimitCounter.expires_at > time.time()
            )
        ).scalar_one_or_none()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.count if row is not None else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at if row is not None else time.time()

    def check(self) -> bool:
        try:
            db.session.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        result = db.session.execute(delete(RateLimitCounter))
        db.session.commit()
        return int(getattr(result, "rowcount", 0) or 0)

    def clear(self, key: str) -> None:
        db.session.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))
        db.session.commit()


def init_app(app: Flask) -> None:
    """Count in Redis when ``REDIS_URL`` is set, otherwise in the database."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or f"{SCHEME}://")
    limiter.init_app(app)
