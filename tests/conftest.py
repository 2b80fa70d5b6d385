"""Test fixtures: the app, a database session rolled back after every test, a
client, and ``login_as(role)``. What reads a page or a response is in
``tests/pages.py``.

The database is SQLite in a temporary folder, or PostgreSQL when
``TEST_DATABASE_URL`` is set. Either way the schema is built by running the
Alembic migrations, so the tests also prove the migrations match the models.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import create_engine, event, make_url, select, text
from sqlalchemy.orm import scoped_session, sessionmaker
from werkzeug.test import TestResponse

from commission import create_app
from commission.audit.models import AuditEvent
from commission.auth.models import User
from commission.auth.roles import Role
from commission.config import normalise_database_url
from commission.extensions import db
from tests import factories
from tests.pages import sign_in

pytest_plugins = ["tests.mailserver"]


def _worker_database(url: str, worker: str) -> str:
    """Under pytest-xdist every worker has a PostgreSQL database of its own
    (``<name>_<worker>``, made if missing), so the workers' schemas (the
    rolled-back tests', the browser tests' server's, the migration checks')
    never meet."""
    base = make_url(normalise_database_url(url))
    name = f"{base.database}_{worker}"
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise ValueError(f"cannot name a test database {name!r}")
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


if os.environ.get("TEST_DATABASE_URL") and os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["TEST_DATABASE_URL"] = _worker_database(
        os.environ["TEST_DATABASE_URL"], os.environ["PYTEST_XDIST_WORKER"]
    )
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


def reset_postgres_schema(url: str, schema: str = "public") -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


@contextmanager
def separate_database_app(folder: Path, schema: str) -> Iterator[Flask]:
    """An app on its own empty database, for tests that must commit: a new
    SQLite file in ``folder``, or the PostgreSQL schema ``schema``. The shared
    test schema is untouched, and the separate one is dropped afterwards."""
    if TEST_DATABASE_URL:
        base = normalise_database_url(TEST_DATABASE_URL)
        reset_postgres_schema(base, schema)
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    else:
        url = "sqlite:///" + str(folder / f"{schema}.sqlite3")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "MAIL_BACKEND": "memory"})
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        if TEST_DATABASE_URL:
            reset_postgres_schema(base, schema)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        url = normalise_database_url(TEST_DATABASE_URL)
        reset_postgres_schema(url)
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_BACKEND": "memory",
            "SERVER_NAME": "commission.test",
            "PREFERRED_URL_SCHEME": "http",
            "WTF_CSRF_ENABLED": False,
            "STORAGE_PATH": str(tmp_path_factory.mktemp("files")),
            # The defaults the tests are written for, whatever the environment says.
            "PAGE_SIZE": 25,
            "REPLY_REMINDER_WORKING_DAYS": 5,
            "CLOSING_REMINDER_DAYS": "7,2",
            "COMMENT_MAX_LENGTH": 5000,
            "QUORUM_FRACTION": "1/3",
            "PAPER_MAX_BYTES": 20 * 1024 * 1024,
        }
    )
    app.test_client_class = FreshGClient
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


class _RolledBackScopedSession(scoped_session):  # type: ignore[type-arg]
    """Flask-SQLAlchemy removes the session when an app context ends; in tests
    the one session lives for the whole test, so removing only expires what it
    has loaded (the next read sees the database as a new request would)."""

    def remove(self) -> None:
        if self.registry.has():
            self.registry().expire_all()


class _ConnectionBoundSession(FlaskSession):
    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kw: Any) -> Any:
        return bind if bind is not None else self.bind


@pytest.fixture
def db_session(app: Flask) -> Iterator[Any]:
    """Everything a test does, through views or directly, happens inside one
    transaction that is rolled back at the end; commits become savepoints."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        factory = sessionmaker(
            class_=_ConnectionBoundSession,
            db=db,
            bind=connection,
            join_transaction_mode="create_savepoint",
            expire_on_commit=True,
        )
        session = _RolledBackScopedSession(factory, scopefunc=lambda: "test")
        original = db.session
        db.session = session
        try:
            yield session
        finally:
            session.registry().close()
            db.session = original
            if transaction.is_active:
                transaction.rollback()
            connection.close()


@pytest.fixture
def app_ctx(app: Flask, db_session: Any) -> Iterator[Flask]:
    with app.app_context():
        yield app


class FreshGClient(FlaskClient):
    """Requests made while the test holds an app context share its ``g``;
    forget the per-request caches so each request loads its user afresh, as in
    production."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        if has_app_context():
            for key in ("_login_user", "_current_roles"):
                g.pop(key, None)
            # What the test set up is committed (to a savepoint) before the
            # request, as it would be in production; otherwise a view that rolls
            # back a refused change would also roll back the test's own data.
            db.session.commit()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask, app_ctx: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def outbox(app: Flask) -> Iterator[list[Any]]:
    messages: list[Any] = app.extensions["mail_outbox"]
    messages.clear()
    yield messages
    messages.clear()


@pytest.fixture
def csrf_enabled(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[..., User]:
    """Sign the test client in as a new person holding ``role`` (or none)."""

    def login(role: Role | None = None, **kwargs: Any) -> User:
        return sign_in(client, factories.user(role=role, **kwargs))

    return login


def audit_events(action: str) -> list[AuditEvent]:
    """Stored audit events with this action, oldest first."""
    return list(
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).scalars()
    )


WRITES = re.compile(r"\b(INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.IGNORECASE)


def _reads_only(statement: str) -> bool:
    """A SELECT, or a WITH whose CTEs feed a SELECT and write nothing."""
    start = statement.lstrip()[:4].upper()
    return start == "SELE" or (start == "WITH" and not WRITES.search(statement))


@contextmanager
def count_statements(*, selects_only: bool = False) -> Iterator[list[str]]:
    """Collect the SQL statements (or only the SELECTs) run while the block
    runs. Listens on the test's connection (the session is bound to it), not
    the engine: a connection made before an engine listener existed would not
    report."""
    statements: list[str] = []

    def before(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        if not selects_only or _reads_only(statement):
            statements.append(statement)

    connection = db.session.connection()
    event.listen(connection, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", before)


def count_selects() -> Any:
    """``count_statements`` for the SELECTs only."""
    return count_statements(selects_only=True)
