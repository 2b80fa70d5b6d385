"""Where the development server answers, for links made outside a request.

A link in an email queued from the command line (``flask send-reminders``, the
outbox worker) has no request to take its address from. ``PUBLIC_BASE_URL``
always wins, and production requires it. In development, without it,
``flask run`` notes the address it serves on in the instance folder
(``dev-server.json``) as it starts, and links made outside a request use the
address noted last; with nothing noted they use http://127.0.0.1:5000, the
address ``make run`` serves on unless told otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app

DEFAULT_BASE_URL = "http://127.0.0.1:5000"
FILE_NAME = "dev-server.json"
# Addresses that mean "every interface": a browser on this machine reaches
# them as the loopback address.
EVERY_INTERFACE = {"0.0.0.0": "127.0.0.1", "::": "::1"}  # noqa: S104


def _file(app: Flask) -> Path:
    return Path(app.config.get("DEV_SERVER_FILE") or Path(app.instance_path) / FILE_NAME)


def serving_base_url() -> str | None:
    """The address ``flask run`` is starting to serve on, when this process is
    one (the app is loaded inside the ``run`` command), else None."""
    context = click.get_current_context(silent=True)
    if context is None or context.command.name != "run":
        return None
    host = str(context.params.get("host") or "127.0.0.1")
    port = context.params.get("port") or 5000
    host = EVERY_INTERFACE.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    scheme = "https" if context.params.get("cert") else "http"
    return f"{scheme}://{host}:{port}"


def init_app(app: Flask) -> None:
    """In development, note the address ``flask run`` serves on."""
    if app.config["ENV_NAME"] != "development":
        return
    base_url = serving_base_url()
    if base_url is None:
        return
    path = _file(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"base_url": base_url}) + "\n")


def base_url() -> str:
    """The address for links made outside a request when ``PUBLIC_BASE_URL``
    is not set: the development server's, as last noted, or the default."""
    if current_app.config["ENV_NAME"] != "development":
        return DEFAULT_BASE_URL
    try:
        noted = json.loads(_file(current_app).read_text())["base_url"]
    except (OSError, ValueError, KeyError, TypeError):
        return DEFAULT_BASE_URL
    return (
        noted
        if isinstance(noted, str) and noted.startswith(("http://", "https://"))
        else DEFAULT_BASE_URL
    )
