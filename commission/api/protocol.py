"""How the API answers, whatever the resource: JSON with ``ETag`` and
``Last-Modified`` (and 304 to a conditional request), any origin allowed,
errors as ``application/problem+json`` (RFC 9457), and opaque cursors for
keyset pagination."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask import request
from flask_login import current_user
from pydantic import BaseModel
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.wrappers.response import Response

PROBLEM = "application/problem+json"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, "
        "X-RateLimit-Reset"
    ),
}


class CursorError(BadRequest):
    description = "The cursor is not one this API gave: start again without it."


def problem(status: int, title: str, detail: str = "", **extra: Any) -> Response:
    """An RFC 9457 problem document."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM)
    response.headers.update(CORS_HEADERS)
    return response


def problem_for(error: HTTPException) -> Response:
    """An HTTP error (404, 405, 429, ...) as a problem document, with the
    headers the error carries (``Allow``, ``Retry-After``)."""
    status = error.code or 500
    response = problem(status, error.name, error.description or "")
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def json_response(model: BaseModel, *, modified: datetime | None) -> Response:
    """``model`` as JSON with an ETag (a hash of the body, so it changes
    whenever anything shown changes) and a Last-Modified; 304 with neither
    body when the client's copy is current."""
    return json_body(model.model_dump_json(by_alias=True), modified=modified)


def json_body(body: str, *, modified: datetime | None = None) -> Response:
    """JSON text as a conditional response (see ``json_response``)."""
    tag = hashlib.sha256(body.encode()).hexdigest()[:32]
    response = Response(body, mimetype="application/json")
    response.set_etag(tag)
    if modified is not None:
        response.last_modified = modified.replace(microsecond=0)
    # A token's holder may see more than the public: never a shared copy.
    response.headers["Cache-Control"] = (
        "private, no-cache" if current_user.is_authenticated else "public, max-age=60"
    )
    response.headers.update(CORS_HEADERS)
    response.headers["Vary"] = "Authorization"
    return response.make_conditional(request)


def last_modified(moments: Sequence[datetime | None]) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor for the row after which the next page starts."""
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: Sequence[type]) -> list[Any]:
    """The values a cursor holds, each of the kind expected (a datetime, a
    string or a whole number); ``CursorError`` (400) for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise CursorError() from error
    if not isinstance(values, list) or len(values) != len(kinds):
        raise CursorError()
    result: list[Any] = []
    for value, kind in zip(values, kinds, strict=True):
        if kind is datetime:
            if not isinstance(value, str):
                raise CursorError()
            try:
                moment = datetime.fromisoformat(value)
            except ValueError as error:
                raise CursorError() from error
            result.append(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
        elif kind is int:
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
                raise CursorError()
            result.append(value)
        elif not isinstance(value, kind):
            raise CursorError()
        else:
            result.append(value)
    return result
