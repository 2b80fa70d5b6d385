"""Error pages in the service's own layout."""

from __future__ import annotations

from flask import Flask, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, Unauthorized
from werkzeug.wrappers.response import Response

from commission import access, kept_forms
from commission.access import RuleKind
from commission.api import protocol as api_protocol
from commission.auth.forms import SignInForm
from commission.auth.services import Throttled
from commission.oparl import protocol as oparl_protocol

# Errors under the API's prefix are problem documents (RFC 9457), not pages.
API_PREFIX = "/api/"

PAGES: dict[int, tuple[str, str]] = {
    400: ("There is a problem with your request", "errors/error.html"),
    403: ("You do not have permission to see this page", "errors/error.html"),
    404: ("Page not found", "errors/error.html"),
    405: ("This page cannot be used like that", "errors/error.html"),
    413: ("The file or form you sent is too large", "errors/error.html"),
    429: ("Too many attempts", "errors/error.html"),
    500: ("Sorry, there is a problem with the service", "errors/error.html"),
}


def render_error(code: int, **context: object) -> tuple[str, int]:
    title, template = PAGES[code]
    return render_template(template, title=title, code=code, **context), code


def sign_in_again() -> tuple[str, int]:
    """Signed out while the form was open: sign in on a page that keeps what
    was sent (``commission.kept_forms``)."""
    return render_template(
        "auth/sign_in_again.html",
        form=SignInForm(formdata=None),
        action=request.full_path.rstrip("?"),
        fields=kept_forms.typed_fields(),
        files=kept_forms.had_files(),
        prefix=kept_forms.PREFIX,
        action_field=kept_forms.ACTION,
    ), 401


def send_again() -> tuple[str, int]:
    """The form's token ran out: what was typed, to send again with a new one."""
    return render_template(
        "auth/send_again.html",
        action=request.full_path.rstrip("?"),
        fields=kept_forms.typed_fields(),
        files=kept_forms.had_files(),
        signed_in_again=False,
    ), 400


def _needs_signing_in() -> bool:
    rule = access.rule_for_endpoint(request.endpoint or "")
    return rule is not None and rule.kind not in {RuleKind.PUBLIC, RuleKind.ANONYMOUS_ONLY}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        app.logger.warning("csrf refused: %s", error.description)
        if kept_forms.worth_keeping():
            if not current_user.is_authenticated and _needs_signing_in():
                return sign_in_again()
            return send_again()
        return render_error(400, csrf=True)

    @app.errorhandler(Unauthorized)
    def signed_out(error: Unauthorized) -> tuple[str, int] | Response:
        if kept_forms.worth_keeping():
            return sign_in_again()
        return redirect(url_for("auth.sign_in"))

    @app.errorhandler(Throttled)
    def throttled(error: Throttled) -> tuple[str, int, dict[str, str]]:
        body, code = render_error(429, retry_minutes=max(1, error.retry_after // 60))
        return body, code, {"Retry-After": str(error.retry_after)}

    @app.errorhandler(HTTPException)
    def http_error(
        error: HTTPException,
    ) -> HTTPException | Response | tuple[str, int, dict[str, str]]:
        code = error.code or 500
        if request.path.startswith(API_PREFIX):
            return api_protocol.problem_for(error)
        if request.path.startswith(oparl_protocol.PREFIX):
            return oparl_protocol.error_for(error)
        if code not in PAGES:
            return error
        body, status = render_error(code)
        headers: dict[str, str] = {}
        valid_methods = getattr(error, "valid_methods", None)
        if code == 405 and valid_methods:
            headers["Allow"] = ", ".join(valid_methods)
        return body, status, headers

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> Response | tuple[str, int]:
        original = getattr(error, "original_exception", None)
        if original is not None:
            app.logger.error("unhandled error", exc_info=original)
        if request.path.startswith(API_PREFIX):
            return api_protocol.problem(500, "Internal Server Error")
        if request.path.startswith(oparl_protocol.PREFIX):
            return oparl_protocol.error(500, oparl_protocol.MESSAGES[500])
        return render_error(500)
