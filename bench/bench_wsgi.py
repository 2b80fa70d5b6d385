"""The app as the bench serves it: ``commission.create_app`` plus what only the
bench needs, none of which is part of the product.

- two floor pages: ``/_bench/floor/trivial`` (a trivial Jinja page) and
  ``/_bench/floor/rows`` (317 authorities read with SQLAlchemy Core, rendered
  with Jinja in a plain table): what any page costs at the least;
- ``/_bench/sign-in/<email>``: signs in a bench user without a password form,
  answered only to requests from the loopback address;
- an ``X-Bench-Queries`` header on every response: the SQL statements the
  request ran before its headers were sent (a streamed body's later
  statements are not counted), and ``X-Bench-Pid``: the worker's process id.

    gunicorn --pythonpath bench bench_wsgi:app   (the driver, run.py, starts it)

The database comes from ``DATABASE_URL`` as for the app itself; the driver sets
``COMMISSION_ENV=production`` and what production requires.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from flask import Blueprint, Flask, abort, redirect, request, request_started
from flask_login import login_user
from sqlalchemy import event, select

from commission import access, create_app
from commission.auth.models import User
from commission.extensions import db
from commission.membership.models import Authority

FLOOR_ROWS = 317

TRIVIAL = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><p>Served at {{ now }}.</p></body></html>"""

ROWS = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Authorities</title></head>
<body><h1>Authorities</h1>
<table><thead><tr><th>Name</th><th>Code</th><th>Type</th><th>Region</th><th>Population</th></tr></thead>
<tbody>
{% for row in rows %}<tr><td><a href="/authorities/{{ row.slug }}">{{ row.name }}</a></td>
<td>{{ row.gss_code }}</td><td>{{ row.kind }}</td><td>{{ row.region }}</td>
<td>{{ "{:,}".format(row.population) if row.population else "" }}</td></tr>
{% endfor %}</tbody></table></body></html>"""

LOOPBACK = {"127.0.0.1", "::1"}

bp = Blueprint("bench", __name__, url_prefix="/_bench")


@bp.get("/floor/trivial")
@access.public
def floor_trivial() -> str:
    from datetime import UTC, datetime

    template = _template("trivial", TRIVIAL)
    return template.render(title="Floor", now=datetime.now(UTC).isoformat())


@bp.get("/floor/rows")
@access.public
def floor_rows() -> str:
    table = Authority.__table__
    rows = db.session.execute(
        select(
            table.c.slug,
            table.c.name,
            table.c.gss_code,
            table.c.kind,
            table.c.region,
            table.c.population,
        )
        .order_by(table.c.name)
        .limit(FLOOR_ROWS)
    ).all()
    return _template("rows", ROWS).render(rows=rows)


@bp.get("/sign-in/<email>")
@access.public
def sign_in(email: str) -> Any:
    if request.remote_addr not in LOOPBACK or request.headers.get("X-Forwarded-For"):
        abort(404)
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        abort(404)
    login_user(user)
    return redirect("/_bench/floor/trivial")


_templates: dict[str, Any] = {}


def _template(name: str, source: str) -> Any:
    from flask import current_app

    if name not in _templates:
        _templates[name] = current_app.jinja_env.from_string(source)
    return _templates[name]


class StatementCounter:
    """Counts the statements a request sends to the database (sync workers
    serve one request at a time, so one counter per process is enough)."""

    def __init__(self) -> None:
        self.count = 0

    def before_cursor_execute(self, *_: Any) -> None:
        self.count += 1


def make_app() -> Flask:
    app = create_app()
    app.register_blueprint(bp)
    counter = StatementCounter()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", counter.before_cursor_execute)

    def reset_counter(_sender: Any, **_extra: Any) -> None:
        counter.count = 0

    request_started.connect(reset_counter, app, weak=False)

    @app.after_request
    def add_counter(response: Any) -> Any:
        response.headers["X-Bench-Queries"] = str(counter.count)
        response.headers["X-Bench-Pid"] = str(os.getpid())
        return response

    return app


app = make_app()
# As wsgi.py does for production.
gc.freeze()
