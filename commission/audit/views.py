"""The audit log, for the secretariat."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers.response import Response

from commission import access
from commission.audit.models import AuditEvent
from commission.auth.models import User
from commission.auth.roles import Role
from commission.exports.tables import csv_stream_response
from commission.extensions import db
from commission.pagination import COUNT_BOUND, Cursor, bounded_count, keyset_page
from commission.timeutil import format_datetime, today

bp = Blueprint("audit", __name__)


def _action_filter() -> str:
    return request.args.get("action", "").strip()[:60]


def _events(action: str) -> Any:
    statement = select(AuditEvent)
    if action:
        statement = statement.where(AuditEvent.action == action)
    return statement


def recorded_actions() -> list[str]:
    """Every action the log holds, for the filter, read as a loose index scan:
    each step asks the (action, occurred_at, id) index for the next action
    after the last one found, so the cost follows the few dozen kinds of
    action, not the hundreds of thousands of events (a DISTINCT would read
    every event)."""
    found = select(db.func.min(AuditEvent.action).label("action")).cte(
        "recorded_actions", recursive=True
    )
    following = select(
        select(db.func.min(AuditEvent.action))
        .where(AuditEvent.action > found.c.action)
        .scalar_subquery()
    ).where(found.c.action.is_not(None))
    found = found.union_all(following)
    statement = select(found.c.action).where(found.c.action.is_not(None)).order_by(found.c.action)
    return list(db.session.execute(statement).scalars())


def _cursor_of(event: AuditEvent) -> Cursor:
    return Cursor(at=event.occurred_at, id=event.id)


@bp.get("/audit")
@access.roles(Role.SECRETARIAT)
def list_events() -> str:
    """Newest first, a page at a time by position (``?before=`` / ``?after=``
    an event's cursor), never by counting every event: the log only grows.
    A link whose cursor is not one shows the newest events."""
    action = _action_filter()
    events = _events(action)
    page = keyset_page(
        events,
        at=AuditEvent.occurred_at,
        id=AuditEvent.id,
        before=Cursor.parse(request.args.get("before")),
        after=Cursor.parse(request.args.get("after")),
        per_page=current_app.config["PAGE_SIZE"],
        cursor_of=_cursor_of,
        options=[joinedload(AuditEvent.actor)],
    )
    return render_template(
        "audit/list.html",
        page=page,
        total=bounded_count(events, bound=COUNT_BOUND),
        bound=COUNT_BOUND,
        action=action,
        actions=recorded_actions(),
    )


def action_label(action: str) -> str:
    """``sign_in_failed`` as the filter on the page shows it: "Sign in failed"."""
    return action.replace("_", " ").capitalize()


def _csv_rows(action: str) -> Iterator[list[Any]]:
    statement = (
        select(
            AuditEvent.occurred_at,
            User.full_name,
            AuditEvent.action,
            AuditEvent.summary,
            AuditEvent.subject_type,
            AuditEvent.subject_id,
            AuditEvent.ip_address,
        )
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .execution_options(yield_per=1000)
    )
    if action:
        statement = statement.where(AuditEvent.action == action)
    for row in db.session.execute(statement):
        yield [
            format_datetime(row.occurred_at),
            row.full_name if row.full_name is not None else "Not signed in",
            action_label(row.action),
            row.summary,
            row.subject_type or "",
            row.subject_id,
            row.ip_address or "",
        ]


@bp.get("/audit.csv")
@access.roles(Role.SECRETARIAT)
def download_events() -> Response:
    """The audit log as filtered, every event, newest first, times in London.
    Rows are read a thousand at a time as plain columns and sent as they are
    written, never the whole log in memory at once."""
    return csv_stream_response(
        f"audit-log-{today().isoformat()}.csv",
        ["When", "Who", "Action", "What happened", "Subject", "Subject ID", "Network address"],
        _csv_rows(_action_filter()),
    )
