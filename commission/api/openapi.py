"""The OpenAPI 3.1 document, made from the code: each view declares its
operation (``operation``), the paths come from those declarations, and the
schemas of parameters and responses from the pydantic models (JSON Schema
2020-12, which OpenAPI 3.1 uses as it is). The documentation page lists the
same declarations, so the page, the document and the API cannot drift."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from commission.api.params import ListParams

F = TypeVar("F", bound=Callable[..., Any])

REF = "#/components/schemas/{model}"
LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}


@dataclass(frozen=True)
class PathParameter:
    name: str
    description: str
    example: str


@dataclass(frozen=True)
class Operation:
    endpoint: str
    path: str  # as Flask writes it: /api/v1/meetings/<slug>
    summary: str
    description: str
    response: type[BaseModel]
    query: type[BaseModel] | None = None
    path_parameters: tuple[PathParameter, ...] = ()
    example: str = ""  # an address to try, for the documentation page
    statuses: tuple[int, ...] = field(default=(200, 304, 400, 401, 404, 429))

    @property
    def openapi_path(self) -> str:
        return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", self.path)

    def query_parameters(self) -> list[dict[str, Any]]:
        if self.query is None:
            return []
        schema = self.query.model_json_schema(ref_template=REF)
        return [
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": prop.get("description", ""),
                "schema": {k: v for k, v in prop.items() if k not in {"description", "title"}},
            }
            for name, prop in schema.get("properties", {}).items()
        ]


OPERATIONS: list[Operation] = []


def operation(**details: Any) -> Callable[[F], F]:
    """Declare a view's operation for the OpenAPI document and the docs page."""

    def declare(view: F) -> F:
        OPERATIONS.append(Operation(endpoint=f"api.{view.__name__}", **details))
        return view

    return declare


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem document",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}

STATUS_TEXT = {
    304: "Not modified: the copy named by If-None-Match or If-Modified-Since is current",
    400: "A parameter is not valid",
    401: "The bearer token is not valid (expired, revoked or never made)",
    404: "Not found, or not shown to this reader",
    429: "Too many requests from this address: wait for Retry-After seconds",
}


def _responses(op: Operation, name: str) -> dict[str, Any]:
    headers = {
        "ETag": {"schema": {"type": "string"}},
        "Last-Modified": {"schema": {"type": "string"}},
        "Access-Control-Allow-Origin": {"schema": {"type": "string"}},
    }
    responses: dict[str, Any] = {
        "200": {
            "description": op.summary,
            "headers": headers,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=name)}}},
        }
    }
    for status in op.statuses:
        if status == 200:
            continue
        entry: dict[str, Any] = {"description": STATUS_TEXT[status]}
        if status != 304:
            entry["content"] = {
                "application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}
            }
        if status == 429:
            entry["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
        responses[str(status)] = entry
    return responses


def document(server: str, sources: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document for ``server`` (the site's address); ``sources``
    is the page naming the reference data's sources and licences."""
    models = [(op.response, "serialization") for op in OPERATIONS]
    names, schemas = models_json_schema(models, ref_template=REF)  # type: ignore[arg-type]
    components: dict[str, Any] = dict(schemas.get("$defs", {}))
    components["Problem"] = PROBLEM_SCHEMA
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        name = names[(op.response, "serialization")]["$ref"].rsplit("/", 1)[-1]
        parameters = [
            {
                "name": p.name,
                "in": "path",
                "required": True,
                "description": p.description,
                "schema": {"type": "string", "maxLength": 120},
                "example": p.example,
            }
            for p in op.path_parameters
        ] + op.query_parameters()
        paths.setdefault(op.openapi_path, {})["get"] = {
            "operationId": op.endpoint.removeprefix("api."),
            "summary": op.summary,
            "description": op.description,
            "parameters": parameters,
            "responses": _responses(op, name),
        }
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Local Government Commission API",
            "version": "1.0.0",
            "description": "Read-only open data: authorities, meetings, consultations, "
            "published summaries and positions, as the Commission's public pages show them. "
            "Data licence: Open Government Licence v3.0. The reference data's sources, "
            f"licences and attributions: {sources}",
            "license": {"name": LICENCE["name"], "url": LICENCE["url"]},
        },
        "servers": [{"url": server}],
        "paths": paths,
        # Anonymous by default; a personal access token reads as its holder.
        "security": [{}, {"token": []}],
        "components": {
            "schemas": components,
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token, made on the account page",
                }
            },
        },
    }


def is_list(op: Operation) -> bool:
    return op.query is not None and issubclass(op.query, ListParams)
