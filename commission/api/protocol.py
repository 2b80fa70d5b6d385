"""How the API answers, whatever the resource: JSON with ``ETag`` and
``Last-Modified`` (and 304 to a conditional request), any origin allowed,
errors as ``application/problem+json`` (RFC 9457), and opaque cursors for
keyset pagination."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import request
from flask_login import current_user
from pydantic import BaseModel
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.wrappers.response import Response

from commission import changes
from commission.exports.cache import (
    cache_key,
    cached_file,
    keep,
    kept_etag,
    kept_part,
    kept_response,
    slotted,
)
from commission.extensions import db
from commission.timeutil import today

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
    return _answered(response, modified)


def _answered(response: Response, modified: datetime | None) -> Response:
    """``response`` with the API's headers (when it last changed, who may
    keep a copy, any origin), or 304 when the client's copy is current."""
    if modified is not None:
        response.last_modified = modified.replace(microsecond=0)
    # A token's holder may see more than the public: never a shared copy.
    response.headers["Cache-Control"] = (
        "private, no-cache" if current_user.is_authenticated else "public, max-age=60"
    )
    response.headers.update(CORS_HEADERS)
    response.vary.add("Authorization")
    return response.make_conditional(request)


def frozen_json(
    *, key: str, subject: str, modified: datetime | None, make: Callable[[], str]
) -> Response:
    """An answer that can no longer change (a published summary's figures),
    kept in the download cache under ``key`` (what it is made from) and sent
    from there as the downloads are: compressed to a client that accepts
    gzip, with ``key`` as its ETag, so a client asking again with it is
    answered 304 before anything is read. ``make`` gives the JSON, and is
    called only when nothing is kept; what it makes is kept and committed
    (it changes no record). The caller has checked access first."""
    if request.if_none_match.contains_weak(kept_etag(key)):
        response = Response(status=304)
        response.set_etag(kept_etag(key), weak=True)
        return _answered(response, modified)
    kept = cached_file(key)
    if kept is None:
        kept = keep(
            key=key,
            subject=subject,
            content_type="application/json",
            filename="answer.json",
            body=make().encode(),
        )
        db.session.commit()
    response = kept_response(
        kept, filename="answer.json", content_type="application/json", inline=True, key=key
    )
    del response.headers["Content-Disposition"]
    return _answered(response, modified)


Made = tuple[str, datetime | None]


@cache
def code_digest() -> str:
    """What the answers are made by: the service's code (an answer depends on
    the areas' rules as well as on the API's own), read once a process. A
    release that changes any of it does not serve answers kept by the one
    before."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.parent.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def kept_json(make: Callable[[], Made], *, area: str) -> Response:
    """An answer that is the same for everyone who asks it as the public,
    kept (in the download cache every app server shares, ``kept_part``)
    under what it is made from: the address asked, the Commission's change
    counter (any change to a record makes a new answer), today (who holds
    office) and the code (``code_digest``). ``make`` gives the JSON and when
    it last changed, and is called only when nothing is kept."""

    fresh: list[Made] = []

    def made() -> bytes:
        body, changed = make()
        fresh.append((body, changed))
        return json.dumps(
            {"body": body, "modified": changed.isoformat() if changed else None}
        ).encode()

    kept = kept_part(
        key=cache_key(area, code_digest(), changes.current(), today().isoformat(), request.url),
        subject=slotted(f"{area}:{request.path}", request.full_path),
        content_type="application/json",
        filename=f"{area}.json",
        make=made,
    )
    if fresh:
        return json_body(fresh[0][0], modified=fresh[0][1])
    stored = json.loads(kept)
    modified = stored["modified"]
    return json_body(
        stored["body"], modified=datetime.fromisoformat(modified) if modified else None
    )


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
