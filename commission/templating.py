"""What every template can use: date filters, access checks, navigation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from flask import Flask, current_app, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

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


class NavLink(TypedDict):
    """One link of the header's navigation, as the GOV.UK header takes it."""

    href: str
    text: str
    active: bool


def navigation_items() -> list[NavLink]:
    endpoint = request.endpoint or ""
    items: list[NavLink] = []
    for item in NAVIGATION:
        if not access.can_access(item.endpoint):
            continue
        active = (
            endpoint == item.section or endpoint.startswith(item.section + ".")
        ) and endpoint not in item.exclude
        items.append(NavLink(href=url_for(item.endpoint), text=item.text, active=active))
    return items


FIXED_PARTS = "commission.fixed_parts"


def fixed_part(template: str) -> Markup:
    """A part of the layout that is the same on every page (the skip link,
    GOV.UK's header, the footer): rendered once for each address the service
    is served under (the footer's links depend on it) and then reused.
    Writing them through the Design System's macros took about half a
    millisecond of every page. With templates reloaded as they change (the
    development server) each is rendered every time."""
    app = current_app
    if app.debug or app.config.get("TEMPLATES_AUTO_RELOAD"):
        return Markup(render_template(template))  # noqa: S704 (a rendered template)
    parts: dict[tuple[str, str], Markup] = app.extensions[FIXED_PARTS]
    key = (template, request.script_root)
    part = parts.get(key)
    if part is None:
        part = parts[key] = Markup(render_template(template))  # noqa: S704 (as above)
    return part


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
            "navigation_items": navigation_items,
            "Role": Role,
            "current_user": current_user,
            "now": now_utc(),
            "time_limit_seconds": time_limit_seconds(app),
        }
