"""Public pages: about, accessibility, privacy and cookies, feedback, health."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers.response import Response

from commission import access
from commission.actions import run_action
from commission.extensions import csrf, db
from commission.links import safe_next
from commission.pages import services
from commission.pages.forms import FeedbackForm, Satisfaction
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


@bp.route("/feedback", methods=["GET", "POST"])
@access.public
def feedback() -> str | Response:
    """Feedback on the service, for the secretariat (the phase banner links
    here with ``?from=`` the page the person was on)."""
    form = FeedbackForm()
    if request.method == "GET":
        form.page.data = safe_next(request.args.get("from")) or ""
    if form.validate_on_submit():
        chosen = form.satisfaction.data
        outcome = run_action(
            lambda: services.send_feedback(
                details=form.details.data or "",
                satisfaction=Satisfaction(chosen).label if chosen else "",
                reply_to=form.reply_to.data or "",
                page=form.page.data or "",
                actor=current_user if current_user.is_authenticated else None,
                ip_address=request.remote_addr,
            ),
            form=form,
            then=url_for("pages.feedback_sent"),
        )
        if outcome is not None:
            return outcome
    return render_template("pages/feedback.html", form=form, limit=form.details.validators[1].max)


@bp.get("/feedback/sent")
@access.public
def feedback_sent() -> str:
    return render_template("pages/feedback_sent.html")


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
        current_app.logger.error("health check failed: database unavailable: %s", error)
        return jsonify(status="unavailable", database="unavailable", storage=store.name), 503
    try:
        store.check()
    except (OSError, SQLAlchemyError) as error:
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
