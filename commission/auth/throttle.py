"""Counting attempts under a key in a sliding window, shared by all workers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from commission.auth.models import ThrottleEvent
from commission.extensions import db
from commission.timeutil import now_utc


def count_recent(key: str, *, window_seconds: int) -> int:
    since = now_utc() - timedelta(seconds=window_seconds)
    return db.session.execute(
        select(func.count(ThrottleEvent.id)).where(
            ThrottleEvent.key == key, ThrottleEvent.occurred_at > since
        )
    ).scalar_one()


def is_limited(key: str, *, limit: int, window_seconds: int) -> bool:
    return count_recent(key, window_seconds=window_seconds) >= limit


def hit(key: str) -> None:
    db.session.add(ThrottleEvent(key=key))


def clear(key: str) -> None:
    db.session.execute(delete(ThrottleEvent).where(ThrottleEvent.key == key))


def prune(*, older_than_seconds: int) -> int:
    """Delete events too old to count any more; returns how many went."""
    cutoff = now_utc() - timedelta(seconds=older_than_seconds)
    result = db.session.execute(delete(ThrottleEvent).where(ThrottleEvent.occurred_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
