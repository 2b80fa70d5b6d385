"""What every template can use: date filters, access checks, navigation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from commission import access
from commission.auth.roles import Role
from commission.summaries.charts import POSITION_COLOURS, print_colours, segments
from commission.text import render_markdown
from commission.timeutil import format_date, format_datetime, format_time, now_utc


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    text: str
    section: str
    exclude: tuple[str, ...] = ()


NAVIGATION = [
    NavItem("dashboard.home", "Home", "dashboard.home"),
    NavItem("dashboard.my_authority", "Your authority", "dashboard.my_authority"),
    NavItem("meetings.list_meetings", "Meetings", "meetings"),
    NavItem("consultations.list_consultations", "Consultations", "consultations"),
    NavItem("minutes.list_actions", "Actions", "minutes.list_actions"),
    NavItem("authorities.list_authorities", "Authorities", "authorities"),
    NavItem("people.list_people", "People", "people"),
    NavItem("audit.list_events", "Audit log", "audit"),
    NavItem("search.search", "Search", "search"),
    NavItem("auth.account", "Your account", "auth.account"),
    NavItem("auth.sign_in", "Sign in", "auth.sign_in"),
]


def navigation_links() -> tuple[tuple[str, str, bool], ...]:
    """The header's links the viewer may follow, each (address, text,
    whether it is the section shown)."""
    endpoint = request.endpoint or ""
    return tuple(
        (
            url_for(item.endpoint),
            item.text,
            (endpoint == item.section or endpoint.startswith(item.section + "."))
            and endpoint not in item.exclude,
        )
        for item in NAVIGATION
        if access.can_access(item.endpoint)
    )


FIXED_PARTS = "commission.fixed_parts"
# Parts kept by one app server at most: the navigations every role and
# section can have, and the rest once each, fall far within it.
MOST_FIXED_PARTS = 512


def fixed_part(template: str, slots: dict[str, Any] | None = None, **values: Any) -> Markup:
    """A part of the layout that is the same on every page, or on every page
    it is given the same ``values`` for (the skip link, GOV.UK's header, the
    service navigation for one list of links, the phase banner, the footer):
    rendered once for each address the service is served under (their links
    depend on it) and then reused. Writing them through the Design System's
    macros took about a millisecond of every page.

    ``values`` (hashable) are the template's variables and part of what it
    is kept by; ``slots`` are HTML that is the page's own (the sign-out form
    with its token, the feedback link naming the page): the template writes
    ``slots.<name>`` where each goes, and the page's HTML is put there
    (escaped, unless it is markup). With templates reloaded as they change
    (the development server) the part is rendered every time."""
    markers = {name: Markup(f"<!--slot:{name}-->") for name in slots or {}}  # noqa: S704
    app = current_app
    key = (template, request.script_root, tuple(sorted(values.items())))
    parts: dict[Any, Markup] = app.extensions[FIXED_PARTS]
    part = parts.get(key)
    if part is None:
        part = Markup(render_template(template, slots=markers, **values))  # noqa: S704
        fresh = app.debug or app.config.get("TEMPLATES_AUTO_RELOAD")
        if not fresh and len(parts) < MOST_FIXED_PARTS:
            parts[key] = part
    if not slots:
        return part
    html = str(part)
    for name, marker in markers.items():
        html = html.replace(marker, str(escape(slots[name])), 1)
    return Markup(html)  # noqa: S704 (a rendered part, each slot escaped unless markup)


def time_limit_seconds(app: Flask) -> int:
    """How long a page's forms stay usable from when it is shown, with no other
    request: the session's lifetime or the form token's, whichever is shorter
    (the timeout warning counts down from it)."""
    session = app.permanent_session_lifetime.total_seconds()
    token = app.config.get("WTF_CSRF_TIME_LIMIT") or session
    return int(min(session, token))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["markdown"] = render_markdown
    # Times kept as ISO text (in stored summaries) back to times, for |datetime.
    app.jinja_env.filters["from_iso"] = datetime.fromisoformat
    # The summary's charts (summaries/_charts.html), on pages and in PDFs.
    app.jinja_env.globals["chart_colours"] = POSITION_COLOURS
    app.jinja_env.globals["chart_segments"] = segments
    app.jinja_env.globals["print_colours"] = print_colours
    app.jinja_env.globals["fixed_part"] = fixed_part
    app.extensions[FIXED_PARTS] = {}

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {
            "service_name": app.config["SERVICE_NAME"],
            "can_access": access.can_access,
            "has_role": access.has_role,
            "current_roles": access.current_roles,
            "navigation_links": navigation_links,
            "Role": Role,
            "current_user": current_user,
            "now": now_utc(),
            "time_limit_seconds": time_limit_seconds(app),
        }
