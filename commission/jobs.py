"""Jobs that every app server may run on a timer (the daily reminders), made
safe to run on several at once by a lock in the database, not by choosing a
host: whichever server claims a job first runs it; another that starts
meanwhile waits for it to commit, then finds nothing left to do.

``claim(name)`` writes the job's row (when it last started) at the start of
the job's transaction. On PostgreSQL the row stays locked until that
transaction ends; on SQLite the write takes the database's one write lock.
Either way a second claim of the same job waits until the first commits or
rolls back, so the job's reads and writes never interleave with another
run's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from commission.db_types import UTCDateTime
from commission.extensions import Base, db
from commission.timeutil import now_utc


class JobRun(Base):
    """When a job last started: its row is also the job's lock."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)


def claim(name: str) -> None:
    """Take the job's lock for the rest of this transaction (waiting for a
    run of it on another server to end) and record that it started."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    started = now_utc()
    db.session.execute(
        insert(JobRun)
        .values(name=name, started_at=started)
        .on_conflict_do_update(index_elements=["name"], set_={"started_at": started})
    )


def last_started(name: str) -> datetime | None:
    return db.session.execute(
        select(JobRun.started_at).where(JobRun.name == name)
    ).scalar_one_or_none()
