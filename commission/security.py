"""Security headers on every response."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Flask, Response, request
from flask import Request as FlaskRequest
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.utils import cached_property

NUL = "\x00"
# What an HTML parser puts in a NUL's place: the input stays visibly what it
# was (a year of "%00" is still not a year), and PostgreSQL can store it.
REPLACEMENT = "\ufffd"


def _without_nul(values: MultiDict[str, str]) -> MultiDict[str, str]:
    if not any(NUL in key or NUL in value for key, value in values.items(multi=True)):
        return values
    cleaned: MultiDict[str, str] = type(values)(
        [
            (key.replace(NUL, REPLACEMENT), value.replace(NUL, REPLACEMENT))
            for key, value in values.items(multi=True)
        ]
    )
    return cleaned


class CommissionRequest(FlaskRequest):
    """A request whose query string and form never carry a NUL character:
    nobody types one, PostgreSQL's text columns refuse them (a 500 where
    SQLite would have stored it), and they only ever come from a hand-made
    request. Each is replaced by U+FFFD, as an HTML parser does, so the
    value is still checked as the odd value it is. Uploaded files are
    untouched."""

    @cached_property
    def args(self) -> MultiDict[str, str]:
        parsed: MultiDict[str, str] = self.parameter_storage_class(
            parse_qsl(
                self.query_string.decode(), keep_blank_values=True, errors="werkzeug.url_quote"
            )
        )
        return _without_nul(parsed)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form is not None:
            self.__dict__["form"] = _without_nul(form)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    app.request_class = CommissionRequest
    hsts = bool(app.config.get("HSTS"))

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        if hsts:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if "Cache-Control" not in headers and (
            response.mimetype == "text/html" or _private(response)
        ):
            headers["Cache-Control"] = "no-store"
        return response


def _private(response: Response) -> bool:
    """A download made for someone signed in (a people list, the audit log, a
    live summary) may hold what only they may see: no browser or proxy keeps
    it. Static files are the same for everyone."""
    return request.endpoint != "static" and bool(current_user.is_authenticated)
