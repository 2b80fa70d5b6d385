"""OParl 1.1 at /oparl/v1.1/: the System object is the way in; from it the
Body, and from the Body every list. Read-only and anonymous: each object is
what the public web pages show (``oparl.queries``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, g, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from werkzeug.wrappers.response import Response

from commission import access
from commission.api import protocol as protocol_api
from commission.api.params import MAX_LIMIT, Moment
from commission.api.protocol import CursorError, last_modified
from commission.api.ratelimit import limiter
from commission.extensions import login_manager
from commission.oparl import protocol, queries
from commission.storage import storage

bp = Blueprint("oparl", __name__, url_prefix="/oparl/v1.1")
limiter.limit(lambda: str(current_app.config["API_RATE_LIMIT"]))(bp)


class ListParams(BaseModel):
    """OParl's list parameters (2-05): the filters, ``limit`` and
    ``omit_internal``, and the cursor of ``links.next``."""

    model_config = ConfigDict(extra="ignore")

    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50
    cursor: Annotated[str | None, Field(max_length=500)] = None
    created_since: Moment | None = None
    created_until: Moment | None = None
    modified_since: Moment | None = None
    modified_until: Moment | None = None
    omit_internal: bool = False


class InvalidParameters(Exception):
    def __init__(self, debug: str) -> None:
        super().__init__(debug)
        self.debug = debug


@bp.before_request
def _anonymous() -> None:
    """OParl answers everyone as it answers the public: never as the web
    session (a browser signed in to the site reads it anonymously)."""
    g._login_user = login_manager.anonymous_user()
    g.pop("_current_roles", None)


@bp.errorhandler(InvalidParameters)
def _invalid(error: InvalidParameters) -> Response:
    return protocol.error(400, "A query parameter is not valid.", error.debug)


@bp.errorhandler(CursorError)
def _bad_cursor(error: CursorError) -> Response:
    return protocol.error(400, "The cursor is not one this server gave.", error.description or "")


def _params() -> ListParams:
    repeated = sorted(key for key, values in request.args.lists() if len(values) > 1)
    if repeated:
        raise InvalidParameters("Give each parameter once: " + ", ".join(repeated))
    try:
        return ListParams.model_validate(request.args.to_dict())
    except ValidationError as error:
        raise InvalidParameters(
            "; ".join(
                f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}"
                for e in error.errors(include_url=False, include_input=False)
            )
        ) from error


def _link(args: dict[str, Any]) -> str:
    """This list's address with ``args``, in one canonical order (2-03)."""
    query = urlencode(sorted((key, str(value)) for key, value in args.items()))
    return f"{request.base_url}?{query}" if query else request.base_url


@bp.get("/system")
@access.public
def show_system() -> Response:
    return protocol.json_object(queries.system().to_json())


@bp.get("/bodies")
@access.public
def list_bodies() -> Response:
    return protocol.json_object(
        {
            "data": [queries.body().to_json()],
            "pagination": {"totalElements": 1, "elementsPerPage": 1},
            "links": {"self": request.base_url, "first": request.base_url},
        }
    )


@bp.get("/body/commission")
@access.public
def show_body() -> Response:
    return protocol.json_object(queries.body().to_json())


def _kept(make: Callable[[], protocol_api.Made]) -> Response:
    """OParl answers everyone alike (always as the public), so a list's
    answer is kept until a record changes (``api.protocol.kept_json``): a
    crawler paging through the meetings, each with its agenda, papers and
    files, then costs a read of the kept answer."""
    return protocol_api.kept_json(make, area="oparl")


@bp.get("/body/commission/<kind>")
@access.public
def list_objects(kind: str) -> Response:
    sources = queries.SOURCES.get(kind)
    if sources is None:
        abort(404)
    params = _params()
    filters = queries.Filters(
        created_since=params.created_since,
        created_until=params.created_until,
        modified_since=params.modified_since,
        modified_until=params.modified_until,
        omit_internal=params.omit_internal,
    )

    def make() -> tuple[str, datetime | None]:
        items, cursor = queries.page(sources, filters, params.limit, params.cursor)
        named = ListParams.model_fields
        given = {key: value for key, value in request.args.items() if key in named}
        first = {key: value for key, value in given.items() if key != "cursor"}
        links = {"self": _link(given), "first": _link(first)}
        if cursor is not None:
            links["next"] = _link({**first, "cursor": cursor})
        page = {
            "data": [item.to_json() for item in items],
            "pagination": {"elementsPerPage": params.limit},
            "links": links,
        }
        return json.dumps(page), last_modified([item.modified for item in items])

    return _kept(make)


@bp.get("/<kind>/<key>")
@access.public
def show_object(kind: str, key: str) -> Response:
    found = queries.find(kind, key)
    if found is None:
        abort(404)
    return protocol.json_object(found.to_json(), modified=found.modified)


@bp.get("/file/<int:paper_id>/<path:filename>")
@access.public
def file_content(paper_id: int, filename: str) -> Response:
    """A File's ``accessUrl``: the paper itself, to open in place (OParl
    2-07: no ``attachment``; the ``downloadUrl`` is the meeting page's
    download). Only what the public may download from the meeting page; a
    paper replaced or removed since is gone (410)."""
    paper = queries.public_paper(paper_id)
    if paper is None:
        abort(410 if queries.paper_removed(paper_id) else 404)
    if paper.filename != filename:
        abort(404)
    response = Response(storage().read(paper.storage_key), mimetype=paper.content_type)
    response.headers.set("Content-Disposition", "inline", filename=paper.filename)
    response.headers["Cache-Control"] = "public, max-age=300"
    # Opened in place, a file is never a page of this site.
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(paper.checksum)
    return response.make_conditional(request)
