"""The migrations build exactly the schema the models describe, and undo it.

Runs against its own empty database (a new SQLite file, or a separate
PostgreSQL schema), so the shared test schema is untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.notifications.models import OutboxStatus
from commission.search.models import include_object
from tests import factories
from tests.conftest import separate_database_app

SCHEMA = "migration_check"


@pytest.fixture
def empty_database_app(tmp_path) -> Iterator[Flask]:
    with separate_database_app(tmp_path, SCHEMA) as app:
        yield app


def _schema_differences() -> list[object]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        return list(compare_metadata(context, db.metadata))


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_upgrade_matches_models_and_downgrade_undoes_it(empty_database_app):
    flask_migrate.upgrade()
    assert {"users", "appointments", "account_tokens", "audit_events"} <= _tables()
    assert _schema_differences() == []

    flask_migrate.downgrade(revision="base")
    assert _tables() <= {"alembic_version"}

    flask_migrate.upgrade()
    assert _schema_differences() == []


def test_migrating_down_and_up_keeps_existing_rows(empty_database_app):
    """Rebuilding a table on SQLite (batch mode) must not cascade to the rows
    that refer to it: people keep their appointments across a migration."""
    flask_migrate.upgrade()
    result = empty_database_app.test_cli_runner().invoke(args=["seed", "--demo"])
    assert result.exit_code == 0, result.output
    before = {table: _count(table) for table in ("users", "appointments", "memberships")}
    assert all(before.values()), before

    flask_migrate.downgrade(revision="73855d73eaab")  # drops a column from users
    assert {table: _count(table) for table in before} == before
    flask_migrate.upgrade()  # and adds it back
    assert {table: _count(table) for table in before} == before
    if db.engine.dialect.name == "sqlite":  # turned off while migrating, and back on
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def _count(table: str) -> int:
    with db.engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608


def test_references_already_shown_are_kept_when_the_prefix_is_stored(empty_database_app):
    """Before the prefix was stored, every meeting in a month showed the month's
    prefix; the migration gives it to the month's earliest meeting with a
    decision or action, and the day's to the others."""
    flask_migrate.upgrade()
    meetings = [
        factories.meeting(starts_at=factories.london_time(day, 10, 30), status=MeetingStatus.HELD)
        for day in (date(2027, 3, 9), date(2027, 3, 23), date(2027, 4, 13), date(2027, 5, 11))
    ]
    for meeting in meetings[:3]:
        factories.decision(meeting=meeting)
    ids = [m.id for m in meetings]
    db.session.commit()
    db.session.close()

    flask_migrate.downgrade(revision="21962ff67657")
    flask_migrate.upgrade()
    with db.engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT id, record_reference FROM meetings")).all())
    assert [stored[i] for i in ids] == ["LGC/2027/03", "LGC/2027/03-23", "LGC/2027/04", None]


def test_withdrawn_messages_become_failed_when_the_status_is_taken_away(empty_database_app):
    """Downgrading past the withdrawn status keeps the message, as failed (its
    reason stays in the last error), and the old constraint refuses withdrawn."""
    flask_migrate.upgrade()
    message = factories.outbox_message(user=factories.user())
    message.status, message.last_error = OutboxStatus.WITHDRAWN, "Not sent: opted out"
    db.session.commit()
    db.session.close()

    flask_migrate.downgrade(revision="a087a1556f88")
    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT status, last_error FROM outbox_messages")).all()
    assert [tuple(row) for row in rows] == [("failed", "Not sent: opted out")]
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(text("UPDATE outbox_messages SET status = 'withdrawn'"))
    flask_migrate.upgrade()
    assert _schema_differences() == []
