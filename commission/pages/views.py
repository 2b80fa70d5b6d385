"""Public pages: about, accessibility, privacy and cookies, health."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers.response import Response

from commission import access, actions
from commission.extensions import csrf, db
from commission.storage import storage

bp = Blueprint("pages", __name__)


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
        actions.roll_back()
        current_app.logger.error("health check failed: database unavailable: %s", error)
        return jsonify(status="unavailable", database="unavailable", storage=store.name), 503
    try:
        store.check()
    except (OSError, SQLAlchemyError) as error:
        actions.roll_back()
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
