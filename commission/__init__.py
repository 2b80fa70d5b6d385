"""Commission: the web application that runs the Local Government Commission."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from commission import changes
from commission.db_types import execute_for_binary_results

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Assemble the app. ``config`` overrides settings read from the environment.

    The factory is the top of the layering and the one place every area is
    wired in, so its imports (and its parts') stay inside it: importing the
    package (for commission.timeutil, say) does not import every area and
    WeasyPrint."""
    from commission import cli, devserver, errorhandlers

    app = _flask_app(config)
    _init_core(app)
    _connect_areas(app)
    _init_sign_in(app)
    _register_blueprints(app)
    errorhandlers.init_app(app)
    cli.init_app(app)
    devserver.init_app(app)
    return app


def _flask_app(config: dict[str, Any] | None) -> Flask:
    """The Flask app with its settings, templates and address rules."""
    from commission.config import build_config

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.config.update(build_config(app.instance_path, config))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1, x_host=1
        )

    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,  # type: ignore[list-item]
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    # Whole numbers in paths (record ids, question numbers) fit a 64-bit
    # column or the address is not found: a bigger one would make the
    # database driver fail rather than find nothing.
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    return app


def _init_core(app: Flask) -> None:
    """The core every area stands on: logging, the database and its change
    counter, migrations, forms, mail, file storage, security headers,
    templates and the end of each request's transaction."""
    from govuk_frontend_wtf.main import WTFormsHelpers

    from commission import actions, mail, security, storage, templating
    from commission import logging as app_logging
    from commission.extensions import csrf, db, migrate

    app_logging.init_app(app)
    db.init_app(app)
    with app.app_context():
        _configure_engine(db.engine)
        changes.init_engine(db.engine)
    changes.init_sessions()
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True)
    csrf.init_app(app)
    WTFormsHelpers(app)
    mail.init_app(app)
    storage.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    actions.init_app(app)


def _connect_areas(app: Flask) -> None:
    """Every model registered, and the receivers of the areas' domain events
    and session changes connected: the areas announce, notifications, the
    audit log, the datasets, the API's and OParl's tracking and search listen."""
    from commission import models  # noqa: F401  (register every model)
    from commission.api import ratelimit as api_ratelimit
    from commission.api import tracking as api_tracking
    from commission.audit import subscribers as audit_subscribers
    from commission.audit import trail as audit_trail
    from commission.datasets import subscribers as dataset_subscribers
    from commission.notifications import events as notification_subscribers
    from commission.oparl import tracking as oparl_tracking
    from commission.search import index as search_index
    from commission.summaries import tallies as summary_tallies

    notification_subscribers.connect()
    audit_subscribers.connect()
    dataset_subscribers.connect()
    audit_trail.init_app()
    api_tracking.init_sessions()
    oparl_tracking.init_sessions()
    api_ratelimit.init_app(app)
    search_index.init_app()
    summary_tallies.init_app()


def _init_sign_in(app: Flask) -> None:
    from commission.auth.views import load_user
    from commission.extensions import login_manager

    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page"
    login_manager.session_protection = "basic"


def _register_blueprints(app: Flask) -> None:
    """Every area's pages, each behind its declared access rule."""
    from commission import access
    from commission.api.views import bp as api_bp
    from commission.attendance.views import bp as attendance_bp
    from commission.audit.views import bp as audit_bp
    from commission.auth.views import bp as auth_bp
    from commission.consultations.views import bp as consultations_bp
    from commission.dashboard.views import bp as dashboard_bp
    from commission.datasets.views import bp as datasets_bp
    from commission.meetings.views import bp as meetings_bp
    from commission.membership.views import bp as authorities_bp
    from commission.minutes.views import bp as minutes_bp
    from commission.notifications.views import bp as notifications_bp
    from commission.oparl.views import bp as oparl_bp
    from commission.pages.views import bp as pages_bp
    from commission.people.views import bp as people_bp
    from commission.policies.views import bp as policies_bp
    from commission.search.views import bp as search_bp
    from commission.summaries.views import bp as summaries_bp
    from commission.tokens.views import bp as tokens_bp

    for blueprint in (
        dashboard_bp,
        pages_bp,
        auth_bp,
        meetings_bp,
        attendance_bp,
        minutes_bp,
        notifications_bp,
        consultations_bp,
        summaries_bp,
        policies_bp,
        authorities_bp,
        people_bp,
        audit_bp,
        api_bp,
        datasets_bp,
        oparl_bp,
        tokens_bp,
        search_bp,
    ):
        app.register_blueprint(blueprint)
    access.declare_public(app.view_functions, ["static"])
    app.before_request(access.enforce)


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` limited to what a 64-bit signed integer column holds."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def _configure_engine(engine: Engine) -> None:
    """PostgreSQL: statements that read files may ask for their rows in the
    binary format (``db_types.BINARY_RESULTS``). SQLite: enforce foreign keys,
    and let SQLAlchemy manage transactions so savepoints work (tests roll each
    test back inside one)."""
    if engine.dialect.name == "postgresql":
        event.listen(engine, "do_execute", execute_for_binary_results)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")
