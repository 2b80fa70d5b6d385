"""Absolute links for emails, and checking where to send people after sign-in."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for

from commission import devserver


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL; ``PUBLIC_BASE_URL`` wins over the request's host, so
    links in email point at the public address behind any proxy. Works outside
    a request too (commands such as ``flask send-reminders``), where without
    ``PUBLIC_BASE_URL`` the development server's address is used
    (``commission.devserver``)."""
    base: str = current_app.config.get("PUBLIC_BASE_URL") or ""
    if not has_request_context() and not current_app.config.get("SERVER_NAME"):
        with current_app.test_request_context(base_url=base or devserver.base_url()):
            return url_for(endpoint, _external=True, **values)
    if base:
        return base + url_for(endpoint, _external=False, **values)
    return url_for(endpoint, _external=True, **values)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host (open redirect)."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
