"""Structured logs: one JSON object per line on stderr."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from typing import Any

from flask import Flask, Response, g, has_request_context, request

SECRET_PATHS = re.compile(r"^/(set-password|unsubscribe|calendar)/[^/]+")


def _redacted(path: str) -> str:
    """Paths that carry a secret (password links, unsubscribe and calendar
    tokens) are logged without it."""
    return SECRET_PATHS.sub(lambda match: f"/{match.group(1)}/[redacted]", path)


class WithoutServerRequestLines(logging.Filter):
    """Drops the development server's own line for each request (werkzeug's
    ``"GET / HTTP/1.1" 200 -``): the app logs every request already, as JSON,
    so each request is one line. The server's other lines (the address it
    serves on, its errors) pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).rstrip().endswith('"%s" %s %s')


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["method"] = request.method
            entry["path"] = _redacted(request.path)
        for key in ("status", "duration_ms", "endpoint", "to"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def init_app(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JSONFormatter())
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    app.logger.propagate = False
    server = logging.getLogger("werkzeug")
    if not any(isinstance(item, WithoutServerRequestLines) for item in server.filters):
        server.addFilter(WithoutServerRequestLines())

    @app.before_request
    def start_timer() -> None:
        g._started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        if request.endpoint in {"static", "pages.govuk_assets"}:
            return response
        started = g.get("_started")
        duration = round((time.perf_counter() - started) * 1000, 1) if started else None
        app.logger.info(
            "request",
            extra={
                "status": response.status_code,
                "duration_ms": duration,
                "endpoint": request.endpoint,
            },
        )
        return response
