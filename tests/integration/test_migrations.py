"""The migrations build exactly the schema the models describe, and undo it.

Runs against its own empty database (a new SQLite file, or a separate
PostgreSQL schema), so the shared test schema is untouched.
"""

from __future__ import annotations

from collections.abc import Iterator

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect

from commission import create_app
from commission.extensions import db
from tests.conftest import TEST_DATABASE_URL, reset_postgres_schema

SCHEMA = "migration_check"


@pytest.fixture
def empty_database_app(tmp_path) -> Iterator[Flask]:
    if TEST_DATABASE_URL:
        from commission.config import normalise_database_url

        base = normalise_database_url(TEST_DATABASE_URL)
        reset_postgres_schema(base, SCHEMA)
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{SCHEMA}"
    else:
        url = "sqlite:///" + str(tmp_path / "migrations.sqlite3")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "MAIL_BACKEND": "memory"})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if TEST_DATABASE_URL:
        reset_postgres_schema(base, SCHEMA)


def _schema_differences() -> list[object]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
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
