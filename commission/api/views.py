"""The public JSON API, /api/v1/: read-only, anonymous, each answer what the
web pages show (``api.queries``), with the protocol of ``api.protocol``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, render_template, request, url_for
from flask_login import current_user
from pydantic import BaseModel, ValidationError
from werkzeug.wrappers.response import Response

from commission import access
from commission.actions import keep_work
from commission.api import protocol, queries, schemas
from commission.api.openapi import LICENCE, OPERATIONS, PathParameter, operation
from commission.api.openapi import document as openapi_document
from commission.api.params import (
    AuthorityParams,
    ConsultationParams,
    ListParams,
    MeetingParams,
    PageParams,
)
from commission.api.ratelimit import limiter
from commission.exports.cache import cache_key
from commission.extensions import login_manager
from commission.tokens import services as tokens

bp = Blueprint("api", __name__, url_prefix="/api/v1")
limiter.limit(lambda: str(current_app.config["API_RATE_LIMIT"]))(bp)

P = TypeVar("P", bound=BaseModel)
T = TypeVar("T", bound=BaseModel)


class InvalidParameters(Exception):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("invalid parameters")
        self.errors = errors


@bp.before_request
def _reader() -> Response | None:
    """Whom the API answers: the holder of a bearer token (as the web pages
    would answer them), or an anonymous reader. Never the web session: a
    browser signed in to the site reads the API anonymously, so a shared
    cache never keeps one person's answer for another."""
    header = request.headers.get("Authorization", "")
    reader: Any = login_manager.anonymous_user()
    if header:
        scheme, _, secret = header.partition(" ")
        user = None
        if scheme.lower() == "bearer":
            user = tokens.authenticate(secret=secret.strip(), ip_address=request.remote_addr)
        if user is None:
            response = protocol.problem(
                401,
                "Unauthorized",
                "The token is not valid: it may have expired or been revoked.",
            )
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        keep_work()  # the token's last use, and its audit event
        reader = user
    g._login_user = reader
    g.pop("_current_roles", None)
    return None


@bp.errorhandler(InvalidParameters)
def _invalid(error: InvalidParameters) -> Response:
    return protocol.problem(
        400, "Bad Request", "A query parameter is not valid.", errors=error.errors
    )


def _params(model: type[P]) -> P:
    """The query string as ``model``; a 400 problem naming what is wrong
    (a parameter given twice too: which one counts would be a guess)."""
    repeated = sorted(key for key, values in request.args.lists() if len(values) > 1)
    if repeated:
        raise InvalidParameters(
            [{"parameter": key, "detail": "Give this parameter once"} for key in repeated]
        )
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as error:
        raise InvalidParameters(
            [
                {"parameter": ".".join(str(part) for part in e["loc"]), "detail": e["msg"]}
                for e in error.errors(include_url=False, include_input=False)
            ]
        ) from error


def _listing(params: ListParams | PageParams) -> queries.Listing:
    return queries.Listing(
        limit=params.limit,
        cursor=params.cursor,
        modified_since=getattr(params, "modified_since", None),
    )


def _page(read: Callable[[], tuple[list[T], str | None, datetime | None]]) -> Response:
    """A page of a list, from ``read`` (its items, the next page's cursor,
    when they last changed). As the public asks it, the answer is the same
    for everyone and is kept until a record changes; a token's holder may
    see more, so theirs is made every time."""

    def make() -> protocol.Made:
        items, cursor, modified = read()
        next_url = None
        if cursor is not None:
            args = request.args.to_dict()
            args["cursor"] = cursor
            next_url = f"{request.base_url}?{urlencode(sorted(args.items()))}"
        page = schemas.Page[Any](items=items, next=next_url)
        return page.model_dump_json(by_alias=True), modified

    if current_user.is_authenticated:
        body, modified = make()
        return protocol.json_body(body, modified=modified)
    return protocol.kept_json(make, area="api")


LIST_HELP = (
    "Paginated by cursor: follow `next` until it is null. `modified_since` gives only what "
    "changed since a time, for incremental copies."
)


@bp.get("/authorities")
@access.public
@operation(
    path="/api/v1/authorities",
    summary="Authorities",
    description="Councils and strategic authorities, in name order, with their political "
    "control today and whether they are members of the Commission. " + LIST_HELP,
    response=schemas.Page[schemas.AuthoritySummary],
    query=AuthorityParams,
    example="/api/v1/authorities?region=London&member=true&limit=5",
)
def list_authorities() -> Response:
    params = _params(AuthorityParams)
    filters = queries.AuthorityFilters(
        type=params.type, region=params.region, control=params.control, member=params.member
    )
    return _page(lambda: queries.authorities(filters, _listing(params)))


@bp.get("/authorities/<authority_id>")
@access.public
@operation(
    path="/api/v1/authorities/<authority_id>",
    summary="An authority",
    description="An authority with its leader or mayor, constituent councils, strategic "
    "authorities and its history of political control.",
    response=schemas.Authority,
    path_parameters=(
        PathParameter(
            "authority_id", "The authority's id (its address on the site) or GSS code", "leeds"
        ),
    ),
    example="/api/v1/authorities/E08000035",
)
def show_authority(authority_id: str) -> Response:
    found = queries.authority(authority_id)
    return protocol.json_response(found, modified=found.modified_at)


@bp.get("/office-holders")
@access.public
@operation(
    path="/api/v1/office-holders",
    summary="Leaders and mayors",
    description="Today's leader or mayor of each authority, as the authorities' pages name "
    "them. Deputies and officers are not public, and no public page names ministers. " + LIST_HELP,
    response=schemas.Page[schemas.OfficeHolder],
    query=ListParams,
    example="/api/v1/office-holders?limit=20",
)
def list_office_holders() -> Response:
    params = _params(ListParams)
    return _page(lambda: queries.office_holders(_listing(params)))


@bp.get("/meetings")
@access.public
@operation(
    path="/api/v1/meetings",
    summary="Meetings",
    description="Meetings of the Commission in date order. " + LIST_HELP,
    response=schemas.Page[schemas.MeetingSummary],
    query=MeetingParams,
    example="/api/v1/meetings?starts_after=2027-01-01T00:00:00Z",
)
def list_meetings() -> Response:
    params = _params(MeetingParams)
    filters = queries.MeetingFilters(
        status=params.status, starts_after=params.starts_after, starts_before=params.starts_before
    )
    return _page(lambda: queries.meetings(filters, _listing(params)))


@bp.get("/meetings/<slug>")
@access.public
@operation(
    path="/api/v1/meetings/<slug>",
    summary="A meeting",
    description="A meeting with its published agenda: items, public papers with their files, "
    "and, once the minutes are approved, decisions and actions.",
    response=schemas.Meeting,
    path_parameters=(
        PathParameter("slug", "The meeting's London date (-2 for a second that day)", "2027-02-09"),
    ),
    example="/api/v1/meetings/2027-02-09",
)
def show_meeting(slug: str) -> Response:
    found = queries.meeting(slug)
    return protocol.json_response(found, modified=found.modified_at)


@bp.get("/consultations")
@access.public
@operation(
    path="/api/v1/consultations",
    summary="Consultations",
    description="Consultations by opening date. " + LIST_HELP,
    response=schemas.Page[schemas.ConsultationSummary],
    query=ConsultationParams,
    example="/api/v1/consultations?status=open",
)
def list_consultations() -> Response:
    params = _params(ConsultationParams)
    filters = queries.ConsultationFilters(
        status=params.status, department=params.department, stage=params.stage
    )
    return _page(lambda: queries.consultations(filters, _listing(params)))


@bp.get("/consultations/<reference>")
@access.public
@operation(
    path="/api/v1/consultations/<reference>",
    summary="A consultation",
    description="A consultation with its questions, documents, timeline and the "
    "government's reply once published.",
    response=schemas.Consultation,
    path_parameters=(PathParameter("reference", "The consultation's reference", "LGC-2027-001"),),
    example="/api/v1/consultations/LGC-2027-001",
)
def show_consultation(reference: str) -> Response:
    found = queries.consultation(reference)
    return protocol.json_response(found, modified=found.modified_at)


@bp.get("/consultations/<reference>/summary")
@access.public
@operation(
    path="/api/v1/consultations/<reference>/summary",
    summary="A published summary",
    description="The figures of a consultation's published summary, overall and per "
    "question, by head-count and weighted by population, split by political control, type "
    "and region. 404 until the summary is published.",
    response=schemas.PublishedSummary,
    path_parameters=(PathParameter("reference", "The consultation's reference", "LGC-2027-001"),),
    example="/api/v1/consultations/LGC-2027-001/summary",
)
def show_summary(reference: str) -> Response:
    found, snapshot = queries.summary(reference)
    if snapshot is None:
        return protocol.json_response(queries.live_figures(found), modified=None)
    # A published summary cannot change: its JSON (about 700 KB at the
    # Commission's size) is made once, and sent compressed from then on.
    return protocol.frozen_json(
        # The address asked at: the answer's links are absolute.
        key=cache_key(
            "api-summary", protocol.code_digest(), snapshot.id, found.reference, request.host_url
        ),
        subject=f"api-summary:{found.id}",
        modified=snapshot.created_at,
        make=lambda: queries.published_figures(found, snapshot).model_dump_json(by_alias=True),
    )


@bp.get("/consultations/<reference>/positions")
@access.public
@operation(
    path="/api/v1/consultations/<reference>/positions",
    summary="Positions in a published summary",
    description="One record per authority per question, as frozen in the published "
    "summary (the rows of its CSV download). Paginated by cursor; 404 until the summary is "
    "published.",
    response=schemas.Page[schemas.PositionRecord],
    query=PageParams,
    path_parameters=(PathParameter("reference", "The consultation's reference", "LGC-2027-001"),),
    example="/api/v1/consultations/LGC-2027-001/positions?limit=10",
)
def list_positions(reference: str) -> Response:
    params = _params(PageParams)
    return _page(lambda: queries.positions(reference, _listing(params)))


@bp.get("/openapi.json")
@access.public
@limiter.exempt
def openapi() -> Response:
    """The OpenAPI 3.1 document, made from the operations declared above."""
    document = openapi_document(
        request.host_url.rstrip("/"),
        url_for("pages.about", _anchor="data-sources", _external=True),
    )
    return protocol.json_body(json.dumps(document))


@bp.get("/")
@access.public
@limiter.exempt
def documentation() -> str:
    """The API's documentation page, in the service's layout."""
    return render_template(
        "api/docs.html",
        operations=OPERATIONS,
        licence=LICENCE,
    )
