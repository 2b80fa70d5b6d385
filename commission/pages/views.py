"""Public pages: home, about, accessibility, privacy and cookies, health."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory
from flask_login import current_user
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers.response import Response

from commission import access
from commission.extensions import csrf, db
from commission.meetings.models import Meeting, MeetingStatus
from commission.notifications.queries import needs_action
from commission.storage import storage
from commission.timeutil import now_utc, today

bp = Blueprint("pages", __name__)


@bp.get("/")
@access.public
def home() -> str:
    appointments = []
    tasks = []
    if current_user.is_authenticated:
        appointments = current_user.current_appointments(today())
        tasks = needs_action(current_user)
    next_meeting = db.session.execute(
        select(Meeting)
        .where(
            Meeting.status.in_({MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED}),
            Meeting.ends_at >= now_utc(),
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    ).scalar_one_or_none()
    return render_template(
        "pages/home.html", appointments=appointments, next_meeting=next_meeting, tasks=tasks
    )


@bp.get("/about")
@access.public
def about() -> str:
    return render_template("pages/about.html")


@bp.get("/accessibility")
@access.public
def accessibility() -> str:
    return render_template("pages/accessibility.html")


@bp.get("/privacy")
@access.public
def privacy() -> str:
    return render_template("pages/privacy.html")


@bp.get("/cookies")
@access.public
def cookies() -> str:
    return render_template("pages/cookies.html")


@bp.get("/healthz")
@access.public
@csrf.exempt
def healthz() -> tuple[Response, int]:
    """Liveness, a database round trip and the file storage, for the load
    balancer: 503 if either cannot be used."""
    store = storage()
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.error("health check failed: database unavailable: %s", error)
        return jsonify(status="unavailable", database="unavailable", storage=store.name), 503
    try:
        store.check()
    except (OSError, SQLAlchemyError) as error:
        db.session.rollback()
        current_app.logger.error("health check failed: storage unavailable: %s", error)
        return jsonify(
            status="unavailable", database="ok", storage=store.name, files="unavailable"
        ), 503
    return jsonify(status="ok", database="ok", storage=store.name, files="ok"), 200


@bp.get("/assets/<path:filename>")
@access.public
def govuk_assets(filename: str) -> Response:
    """GOV.UK Frontend's stylesheet asks for fonts and images under /assets/."""
    folder = current_app.static_folder or ""
    response = send_from_directory(f"{folder}/govuk/assets", filename, max_age=86400)
    return response
