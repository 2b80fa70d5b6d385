"""Flask extensions, created here and bound to the app in ``create_app``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Executable, MetaData, inspect
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The typed declarative base every model subclasses (``class Meeting(Base)``),
    so the type checker sees each model's mapped columns and relationships.

    Flask-SQLAlchemy is given it as ``model_class`` and builds ``db.Model`` on the
    same registry and metadata; the models subclass ``Base`` itself because a
    type checker cannot follow a base class read off an object (``db.Model``).
    Nothing here needs what ``db.Model`` adds: every model names its table, no
    model has a bind key and no code uses the legacy ``Model.query``.
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    def __repr__(self) -> str:
        state = inspect(self)
        if state.transient:
            key = f"(transient {id(self)})"
        elif state.pending:
            key = f"(pending {id(self)})"
        else:
            key = ", ".join(map(str, state.identity or ()))
        return f"<{type(self).__name__} {key}>"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


def core_rows(statement: Executable, parameters: Mapping[str, Any] | None = None) -> Sequence[Any]:
    """The rows of ``statement`` run with ``parameters`` on the session's
    connection, as plain Core rows fetched at once: for a statement built
    once with bound parameters whose rows are columns, never ORM objects,
    so the ORM's per-row loading is skipped. Pending changes are flushed
    first, as a query through the session would."""
    session = db.session
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, dict(parameters or {})).all()
