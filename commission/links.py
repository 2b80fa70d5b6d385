"""Absolute links for emails, an authority page's address for pages that link
hundreds, and checking where to send people after sign-in."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, url_for

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


# Stands for the slug in an authority page's address (slugs are lower case).
_SLUG = "SLUG"
# A slug an address carries as it is.
_PLAIN_SLUG = re.compile(r"[a-z0-9-]+")


def authority_link(slug: str) -> str:
    """An authority page's address. A map or a list links every member
    authority, and ``url_for`` for each of hundreds cost as much as half a
    floor page: so the address is made once a request with a stand-in for
    the slug, and a slug of letters, digits and hyphens (every one the
    reference data makes) is put in its place; any other is left to
    ``url_for``."""
    if not _PLAIN_SLUG.fullmatch(slug):
        return str(url_for("authorities.show_authority", slug=slug))
    parts: tuple[str, str] | None = g.get("authority_link")
    if parts is None:
        before, _, after = url_for("authorities.show_authority", slug=_SLUG).rpartition(_SLUG)
        parts = g.authority_link = (before, after)
    return parts[0] + slug + parts[1]


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
