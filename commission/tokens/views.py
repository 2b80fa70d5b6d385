"""Your API tokens: make one (shown once), see each with its last use, revoke one."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers.response import Response

from commission import access
from commission.actions import run_action
from commission.forms import ConfirmForm
from commission.timeutil import today
from commission.tokens import services
from commission.tokens.forms import TokenForm

bp = Blueprint("tokens", __name__)


@bp.get("/account/api-tokens")
@access.signed_in
def list_tokens() -> str:
    return render_template(
        "tokens/list.html",
        tokens=services.tokens_of(current_user),
        status=services.status_label,
        on=today(),
    )


@bp.route("/account/api-tokens/new", methods=["GET", "POST"])
@access.signed_in
def create_token() -> str | Response:
    form = TokenForm()
    if form.validate_on_submit():

        def shown_once(made: services.NewToken) -> Response:
            response = make_response(
                render_template("tokens/created.html", token=made.token, secret=made.secret)
            )
            response.headers["Cache-Control"] = "no-store"
            return response

        outcome = run_action(
            lambda: services.create_token(
                name=form.name.data or "",
                days=int(form.days.data or 0),
                actor=current_user,
                ip_address=request.remote_addr,
            ),
            form=form,
            then=shown_once,
        )
        if outcome is not None:
            return outcome
    return render_template("tokens/new.html", form=form)


@bp.route("/account/api-tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@access.signed_in
def revoke_token(token_id: int) -> str | Response:
    token = services.load_own_token(current_user, token_id)
    if token is None:
        abort(404)  # someone else's token is not found here
    form = ConfirmForm()
    if form.validate_on_submit():
        outcome = run_action(
            lambda: services.revoke_token(
                token=token, actor=current_user, ip_address=request.remote_addr
            ),
            form=form,
            success=f"The token “{token.name}” has been revoked",
            then=url_for("tokens.list_tokens"),
        )
        if outcome is not None:
            return outcome
    return render_template("tokens/revoke.html", token=token, form=form)
