"""Sign in, sign out, password links and the person's own account page."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import joinedload
from werkzeug.wrappers.response import Response

from commission import access, actions, kept_forms
from commission.actions import run_action
from commission.auth import services
from commission.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    SetPasswordForm,
    SignInForm,
    SignOutForm,
)
from commission.auth.models import Appointment, TokenPurpose, User
from commission.db_types import as_record_id
from commission.extensions import db
from commission.forms import attach_error
from commission.links import safe_next
from commission.templating import time_limit_seconds
from commission.timeutil import today

bp = Blueprint("auth", __name__)


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the id and session token must both match. The
    person's appointments come in the same statement, with the authority of
    each held in one: every page asks for their roles (the navigation, the
    access rules), and a council's people's pages for their councils."""
    identifier, _, token = user_id.partition(":")
    user_id_number = as_record_id(identifier)
    if user_id_number is None:
        return None
    user = db.session.get(
        User,
        user_id_number,
        options=[joinedload(User.appointments).joinedload(Appointment.authority)],
    )
    if user is None or not user.active or user.session_token != token:
        return None
    return user


@bp.route("/sign-in", methods=["GET", "POST"])
@access.anonymous_only
def sign_in() -> str | Response | tuple[str, int]:
    form = SignInForm()
    next_url = safe_next(request.args.get("next"))
    kept = kept_forms.kept_from_sign_in() if request.method == "POST" else None
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"][:254]
    if form.validate_on_submit():
        # Every attempt is kept, refused or throttled too: it counts towards
        # the limit and is in the audit log.
        actions.keep_work()
        try:
            user = services.sign_in(
                email=form.email.data or "",
                password=form.password.data or "",
                ip_address=request.remote_addr,
            )
        except services.SignInFailed as error:
            form.password.data = ""
            attach_error(form, error)
        else:
            session.clear()
            login_user(user)
            session.permanent = True
            if kept is not None:
                return _send_again(*kept)
            return redirect(next_url or url_for("dashboard.home"))
    if kept is not None:
        action, fields = kept
        return render_template(
            "auth/sign_in_again.html",
            form=form,
            action=action,
            fields=fields,
            files=False,
            prefix=kept_forms.PREFIX,
            action_field=kept_forms.ACTION,
        ), 401
    return render_template("auth/sign_in.html", form=form, next_url=next_url)


def _send_again(action: str, fields: list[tuple[str, str]]) -> str:
    """Signed in again after a form was sent too late: what was typed, ready
    to send where it was going, with a token of the new session."""
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    return render_template(
        "auth/send_again.html", action=action, fields=fields, files=False, signed_in_again=True
    )


@bp.post("/session/keep-alive")
@access.signed_in
def keep_alive() -> Response:
    """The timeout warning's "Stay signed in": the session starts its time
    again (the session cookie is sent again with a new expiry), and the page
    gets a new form token to put in its forms, whose time starts now too."""
    session.modified = True
    return jsonify(csrf_token=generate_csrf(), expires_in=time_limit_seconds(current_app))


@bp.route("/sign-out", methods=["GET", "POST"])
@access.signed_in
def sign_out() -> str | Response:
    form = SignOutForm()
    if form.validate_on_submit():

        def signed_out(_: object) -> str:
            logout_user()
            session.clear()
            flash("You have signed out", "success")
            return url_for("dashboard.home")

        outcome = run_action(
            lambda: services.record_sign_out(user=current_user, ip_address=request.remote_addr),
            form=form,
            then=signed_out,
        )
        if outcome is not None:
            return outcome
    return render_template("auth/sign_out.html", form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@access.anonymous_only
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        actions.keep_work()  # throttled too: the request counts towards the limit
        services.request_password_reset(email=form.email.data or "", ip_address=request.remote_addr)
        return render_template("auth/forgot_password_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@access.public
def set_password(token: str) -> str | Response | tuple[str, int]:
    try:
        account_token = services.resolve_link_token(token)
    except services.LinkProblem as problem:
        return (
            render_template(
                "auth/link_problem.html", reason=problem.reason, purpose=problem.purpose
            ),
            410 if problem.reason in {"expired", "used"} else 404,
        )
    form = SetPasswordForm()
    if form.validate_on_submit():

        def password_set(user: User) -> str:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash(
                "Your password has been set. Sign in with your email address and new password",
                "success",
            )
            return url_for("auth.sign_in", email=user.email)

        outcome = run_action(
            lambda: services.set_password_from_link(
                token=account_token,
                password=form.password.data or "",
                ip_address=request.remote_addr,
            ),
            form=form,
            then=password_set,
        )
        if outcome is not None:
            return outcome
    return render_template(
        "auth/set_password.html",
        form=form,
        user=account_token.user,
        invitation=account_token.purpose is TokenPurpose.INVITATION,
    )


@bp.get("/account")
@access.signed_in
def account() -> str:
    return render_template("auth/account.html", appointments=current_user.appointments, on=today())


@bp.route("/account/password", methods=["GET", "POST"])
@access.signed_in
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():

        def changed(_: object) -> str:
            login_user(current_user._get_current_object())  # new session token
            flash("Your password has been changed", "success")
            return url_for("auth.account")

        outcome = run_action(
            lambda: services.change_password(
                user=current_user,
                current_password=form.current_password.data or "",
                new_password=form.password.data or "",
                ip_address=request.remote_addr,
            ),
            form=form,
            then=changed,
        )
        if outcome is not None:
            return outcome
    return render_template("auth/change_password.html", form=form)
