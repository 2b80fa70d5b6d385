"""The audit log, for the secretariat."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from commission import access
from commission.audit.models import AuditEvent
from commission.auth.roles import Role
from commission.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("")
@access.roles(Role.SECRETARIAT)
def list_events() -> str:
    action = request.args.get("action", "").strip()[:60]
    statement = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    if action:
        statement = statement.where(AuditEvent.action == action)
    actions = (
        db.session.execute(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
        .scalars()
        .all()
    )
    page = db.paginate(
        statement, per_page=current_app.config["PAGE_SIZE"], error_out=False, count=True
    )
    return render_template("audit/list.html", page=page, action=action, actions=actions)
