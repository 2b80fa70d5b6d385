"""How OParl answers: JSON any origin may read (``Access-Control-Allow-Origin:
*``, OParl 2-06), with the API's ``ETag`` and 304 (``api.protocol``), and
errors as OParl's error object (2-09): ``type``, ``message`` and ``debug``."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers.response import Response

from commission.api import protocol as api_protocol

PREFIX = "/oparl/"
ERROR = "https://schema.oparl.org/1.1/Error"


def error(status: int, message: str, debug: str = "") -> Response:
    body: dict[str, Any] = {"type": ERROR, "message": message}
    if debug:
        body["debug"] = debug
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers.update(api_protocol.CORS_HEADERS)
    return response


MESSAGES = {
    400: "The request is not valid.",
    404: "There is nothing at this address.",
    405: "This address only answers GET.",
    410: "This has been removed.",
    429: "Too many requests: wait a moment and try again.",
    500: "Sorry, there is a problem with the service.",
}


def error_for(http_error: HTTPException) -> Response:
    """An HTTP error as OParl's error object, with the headers the error
    carries (``Allow``, ``Retry-After``)."""
    status = http_error.code or 500
    response = error(status, MESSAGES.get(status, http_error.name), http_error.description or "")
    for name, value in http_error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def json_object(body: dict[str, Any], modified: datetime | None = None) -> Response:
    """``body`` as JSON with an ETag and Last-Modified (and 304 to a
    conditional request)."""
    return api_protocol.json_body(json.dumps(body), modified=modified)
