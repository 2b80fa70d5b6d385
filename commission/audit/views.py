"""The audit log, for the secretariat."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers.response import Response

from commission import access
from commission.audit.models import AuditEvent
from commission.auth.roles import Role
from commission.exports.tables import csv_response
from commission.extensions import db
from commission.timeutil import format_datetime, today

bp = Blueprint("audit", __name__)


def _action_filter() -> str:
    return request.args.get("action", "").strip()[:60]


def _events_statement(action: str) -> Any:
    statement = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    if action:
        statement = statement.where(AuditEvent.action == action)
    return statement


@bp.get("/audit")
@access.roles(Role.SECRETARIAT)
def list_events() -> str:
    action = _action_filter()
    actions = (
        db.session.execute(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
        .scalars()
        .all()
    )
    page = db.paginate(
        _events_statement(action),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
        count=True,
    )
    return render_template("audit/list.html", page=page, action=action, actions=actions)


def action_label(action: str) -> str:
    """``sign_in_failed`` as the filter on the page shows it: "Sign in failed"."""
    return action.replace("_", " ").capitalize()


@bp.get("/audit.csv")
@access.roles(Role.SECRETARIAT)
def download_events() -> Response:
    """The audit log as filtered, every page, newest first, times in London."""
    action = _action_filter()
    events = db.session.execute(_events_statement(action)).scalars()
    return csv_response(
        f"audit-log-{today().isoformat()}.csv",
        ["When", "Who", "Action", "What happened", "Subject", "Subject ID", "Network address"],
        [
            [
                format_datetime(event.occurred_at),
                event.actor.full_name if event.actor else "Not signed in",
                action_label(event.action),
                event.summary,
                event.subject_type or "",
                event.subject_id,
                event.ip_address or "",
            ]
            for event in events
        ],
    )
