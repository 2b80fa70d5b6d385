"""Public pages, the layout every page shares, error pages in the service's
layout, security headers, and the health check."""

from __future__ import annotations

import re

import pytest
from flask import Flask, g, template_rendered
from sqlalchemy.exc import OperationalError

from commission import access, create_app
from commission.auth.roles import Role
from commission.extensions import db
from tests import factories
from tests.pages import csrf_token_from, expect, heading, main_text, ok, page, sign_in

FOOTER_LINKS = [
    ("About and data sources", "/about"),
    ("Open data", "/data/"),
    ("Accessibility statement", "/accessibility"),
    ("Privacy", "/privacy"),
    ("Cookies", "/cookies"),
]
PUBLIC_PAGES = ["/", "/about", "/data/", "/accessibility", "/privacy", "/cookies", "/sign-in"]


def navigation(response) -> list[str]:
    items = page(response).select("header .govuk-service-navigation__item")
    return [item.get_text(" ", strip=True) for item in items]


@pytest.fixture
def other_app(database_url):
    """A second app on the same database, as production runs it (exceptions are
    answered with the error page, not raised into the test)."""

    def make(**config) -> Flask:
        settings = {"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_BACKEND": "memory"}
        settings.update(config)
        made = create_app(settings)
        apps.append(made)
        return made

    apps: list[Flask] = []
    yield make
    for made in apps:
        with made.app_context():
            db.engine.dispose()


# Public pages -----------------------------------------------------------------


def test_home_for_visitors_explains_the_service_and_offers_sign_in(client):
    response = client.get("/")
    assert heading(response) == "Local Government Commission"
    assert "brings the leaders of England's councils" in main_text(response)
    start = page(response).select_one("main a.govuk-button--start")
    assert start["href"] == "/sign-in"
    assert "Signed in as" not in main_text(response)


def test_home_for_a_signed_in_person_shows_who_and_their_roles(client, login_as):
    login_as(Role.OFFICER, full_name="Joanna Pike")
    response = client.get("/")
    assert "Signed in as Joanna Pike." in main_text(response)
    roles = [li.get_text(" ", strip=True) for li in page(response).select("main li")]
    assert any(role.startswith("Council officer") and ", since " in role for role in roles)
    assert page(response).select_one("main a.govuk-button--start") is None
    assert "Manage people and their roles" not in main_text(response)


def test_home_for_someone_without_a_current_role_says_so(client, login_as):
    login_as(None)
    assert "You do not hold a role on the Commission at the moment" in main_text(client.get("/"))


def test_home_for_the_secretariat_links_to_their_tools(client, login_as):
    login_as(Role.SECRETARIAT)
    links = {a.get_text(strip=True): a["href"] for a in page(client.get("/")).select("main a")}
    assert links["Manage people and their roles"] == "/people"
    assert links["Invite someone"] == "/people/invite"
    assert links["Audit log"] == "/audit"


def test_about_page_credits_every_data_source_and_licence(client):
    response = client.get("/about")
    assert heading(response) == "About this service"
    sources = page(response).select_one("#data-sources").find_next("ul")
    text = sources.get_text(" ", strip=True)
    links = {a.get_text(" ", strip=True): a["href"] for a in sources.select("a")}
    assert "Office for National Statistics" in text
    assert links["Open Government Licence v3.0"] == (
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    )
    assert "mySociety" in text
    assert "Institute for Government" in text
    cc_by = [a["href"] for a in sources.select("a") if a.get_text(strip=True) == "CC BY 4.0"]
    assert cc_by == ["https://creativecommons.org/licenses/by/4.0/"] * 2
    assert links["Open Council Data UK"] == "https://opencouncildata.co.uk"
    assert "Hex map layouts © Open Innovations" in text
    assert links["MIT licence"] == "https://opensource.org/license/mit"
    assert links["CC BY-SA 4.0"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    for statement in (
        "Contains public sector information licensed under the Open Government Licence v3.0.",
        "Contains OS data © Crown copyright and database right 2025.",
        "Changed: regions corrected and two GSS codes updated.",
        "Changed: filtered to current posts.",
        "Licence reported as CC BY-SA 4.0, not verified.",
        "shared under the same licence, with this attribution",
    ):
        assert statement in re.sub(r"\s+([.,])", r"\1", text), statement


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/accessibility", "Accessibility statement for the Local Government Commission service"),
        ("/privacy", "Privacy notice"),
        ("/cookies", "Cookies"),
    ],
)
def test_information_pages(client, url, title):
    shown = ok(client.get(url))
    assert heading(shown) == title
    assert page(shown).title.get_text().startswith(title.split(" for ")[0])


# The shared layout ------------------------------------------------------------


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/forgot-password", "/no-such-page"])
def test_every_page_has_the_footer_links_and_attribution(client, url):
    footer = page(client.get(url)).select_one("footer.govuk-template__footer")
    links = [(a.get_text(" ", strip=True), a["href"]) for a in footer.select("ul a")]
    assert links == FOOTER_LINKS
    assert footer.select_one('a[href="/about#data-sources"]') is not None
    assert "Office for National Statistics" in footer.get_text()


def test_the_layouts_fixed_parts_are_rendered_once_and_reused(app, client):
    """The skip link, GOV.UK's header and the footer are the same on every
    page: written once, then reused as they were."""
    rendered: list[str] = []

    def note(_sender, template, context, **_extra):
        rendered.append(template.name)

    app.extensions["commission.fixed_parts"].clear()
    with template_rendered.connected_to(note, app):
        first = client.get("/about")
        again = client.get("/cookies")
    fixed = [
        "layout/skip_link.html",
        "layout/header.html",
        "layout/service_navigation.html",
        "layout/phase_banner.html",
        "layout/footer.html",
    ]
    # /cookies's navigation is /about's: neither is a section of it.
    assert [name for name in rendered if name.startswith("layout/")] == fixed
    for part in ("a.govuk-skip-link", ".govuk-header", ".govuk-footer__meta"):
        assert page(first).select_one(part) is not None
        assert page(again).select_one(part) is not None
    footer = page(again).select_one("footer.govuk-template__footer")
    assert [(a.get_text(" ", strip=True), a["href"]) for a in footer.select("ul a")] == (
        FOOTER_LINKS
    )


def test_the_footer_follows_the_address_the_service_is_served_under(client):
    """Kept for each address it is served under: under a prefix its links
    carry the prefix, and without one they do not."""
    client.get("/about")  # the footer kept for the service at the root
    prefixed = page(client.get("/about", base_url="http://localhost/commission"))
    links = [a["href"] for a in prefixed.select("footer.govuk-template__footer ul a")]
    assert links == ["/commission" + href for _, href in FOOTER_LINKS]
    plain = page(client.get("/about"))
    links = [a["href"] for a in plain.select("footer.govuk-template__footer ul a")]
    assert links == [href for _, href in FOOTER_LINKS]


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/no-such-page"])
def test_every_page_has_a_skip_link_to_the_main_content(client, url):
    document = page(client.get(url))
    skip = document.select_one("a.govuk-skip-link")
    assert skip["href"] == "#main-content"
    assert document.select_one("main#main-content") is not None
    assert document.body.find("a") == skip  # the first link on the page


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_page_has_the_beta_banner_and_one_heading(client, url):
    document = page(client.get(url))
    assert "Beta" in document.select_one(".govuk-phase-banner").get_text()
    assert len(document.select("h1")) == 1
    assert document.html["lang"] == "en"


def test_page_title_names_the_page_and_the_service(client):
    title = page(client.get("/about")).title.get_text()
    dash = "\N{EN DASH}"
    assert title == f"About this service {dash} Local Government Commission {dash} GOV.UK"


def test_page_title_says_error_when_a_form_has_errors(client, app_ctx):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    assert page(response).title.get_text().startswith("Error: Sign in")


def test_navigation_for_visitors(client):
    items = navigation(client.get("/"))
    assert "Home" in items
    assert "Sign in" in items
    assert not {"People", "Audit log", "Your account", "Sign out"} & set(items)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LEADER, Role.MINISTER, Role.CHAIR])
def test_navigation_for_people_outside_the_secretariat(client, login_as, role):
    login_as(role)
    items = navigation(client.get("/"))
    assert {"Home", "Your account", "Sign out"} <= set(items)
    assert not {"People", "Audit log", "Sign in"} & set(items)


def test_navigation_for_the_secretariat(client, login_as):
    login_as(Role.SECRETARIAT)
    items = navigation(client.get("/"))
    assert {"Home", "People", "Audit log", "Your account", "Sign out"} <= set(items)
    assert "Sign in" not in items
    assert items.index("People") < items.index("Audit log") < items.index("Your account")


def test_sign_out_in_the_navigation_is_a_post_form_with_a_security_token(
    client, login_as, csrf_enabled
):
    login_as(Role.OFFICER)
    form = page(client.get("/")).select_one("header form")
    assert form["method"] == "post"
    assert form["action"] == "/sign-out"
    assert form.select_one('input[name="csrf_token"]')["value"]


def test_the_kept_navigation_carries_each_persons_own_sign_out_token(
    app, client, login_as, csrf_enabled
):
    """Two people who see the same links share the navigation kept for
    them, but each sign-out form holds its own session's token, and each
    feedback link names its own page."""
    login_as(Role.OFFICER)
    first = client.get("/")
    # The tests' one app context keeps a signed token for every request
    # (flask_wtf keeps it in g); a server signs each request's afresh.
    g.pop("csrf_token", None)
    other = app.test_client()
    sign_in(other, factories.user(role=Role.OFFICER))
    second = page(other.get("/about"))
    first_token = page(first).select_one('header form input[name="csrf_token"]')["value"]
    second_token = second.select_one('header form input[name="csrf_token"]')["value"]
    assert first_token and second_token and second_token != first_token
    assert len(second.select("header form")) == 1
    assert second.select_one(".govuk-phase-banner a")["href"] == "/feedback?from=/about"
    assert page(first).select_one(".govuk-phase-banner a")["href"] == "/feedback?from=/"
    assert "<!--slot:" not in first.get_data(as_text=True)
    # Each token is its own session's: the other person signs out with theirs.
    signed_out = other.post("/sign-out", data={"csrf_token": second_token})
    assert signed_out.status_code == 302


def test_the_navigation_kept_for_a_section_marks_only_that_section(client, login_as):
    login_as(Role.SECRETARIAT)
    for url, section in [("/people/invite", "People"), ("/audit", "Audit log"), ("/", "Home")]:
        active = page(client.get(url)).select(".govuk-service-navigation__item--active")
        assert [item.get_text(" ", strip=True) for item in active] == [section]


def test_navigation_marks_the_current_section(client, login_as):
    login_as(Role.SECRETARIAT)
    document = page(client.get("/people/invite"))
    active = document.select_one(".govuk-service-navigation__item--active")
    assert active.get_text(" ", strip=True) == "People"
    assert active.select_one("a")["aria-current"]


# Error pages ------------------------------------------------------------------


def assert_in_layout(response):
    document = page(response)
    assert document.select_one("header .govuk-service-navigation") is not None
    assert document.select_one("footer.govuk-template__footer") is not None


def test_unknown_address_is_not_found(client):
    response = client.get("/no-such-page")
    expect(response, 404)
    assert heading(response) == "Page not found"
    assert "If you typed the web address, check it is correct" in main_text(response)
    assert_in_layout(response)


@pytest.mark.parametrize(("method", "url"), [("delete", "/sign-in"), ("post", "/about")])
def test_wrong_method_is_refused(client, method, url):
    response = getattr(client, method)(url)
    expect(response, 405)
    assert heading(response) == "This page cannot be used like that"
    assert "GET" in response.headers["Allow"]
    assert_in_layout(response)


def test_post_without_csrf_token_is_refused(client, app_ctx, csrf_enabled):
    factories.user(email="tom@example.gov.uk")
    response = client.post(
        "/sign-in", data={"email": "tom@example.gov.uk", "password": factories.PASSWORD}
    )
    expect(response, 400)
    assert heading(response) == "There is a problem with your request"
    assert "expired or was missing its security check" in main_text(response)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert_in_layout(response)


def test_post_with_a_wrong_csrf_token_is_refused(client, login_as, csrf_enabled):
    login_as(Role.OFFICER)
    client.get("/")
    response = client.post("/sign-out", data={"csrf_token": "made-up"})
    expect(response, 400)
    assert "expired or was missing its security check" in main_text(response)
    expect(client.get("/account"), 200)  # still signed in


def test_post_with_the_pages_csrf_token_is_accepted(client, login_as, csrf_enabled):
    login_as(Role.OFFICER)
    token = csrf_token_from(client.get("/sign-out"))
    expect(client.post("/sign-out", data={"csrf_token": token}), 302)


def test_oversized_request_is_refused(app, client):
    original = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/sign-in", data={"email": "a@b.gov.uk", "password": "x" * 5000})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = original
    expect(response, 413)
    assert heading(response) == "The file or form you sent is too large"
    assert_in_layout(response)


def test_an_over_large_multipart_field_is_refused_with_the_default_limits(client, app_ctx):
    response = client.post(
        "/sign-in",
        data={"email": "a@b.gov.uk", "password": "x" * 600_000},
        content_type="multipart/form-data",
    )
    expect(response, 413)
    assert heading(response) == "The file or form you sent is too large"


def test_server_error_shows_the_service_error_page(other_app):
    broken = other_app()

    @access.public
    def explode():
        raise RuntimeError("something broke")

    broken.add_url_rule("/explode", "explode", explode)
    response = broken.test_client().get("/explode")
    expect(response, 500)
    assert heading(response) == "Sorry, there is a problem with the service"
    assert "something broke" not in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers
    assert_in_layout(response)


def test_forbidden_page_is_in_the_layout(client, login_as):
    login_as(Role.OFFICER)
    response = client.get("/audit")
    expect(response, 403)
    assert "contact the Commission secretariat" in main_text(response)
    assert_in_layout(response)


# Security headers -------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/sign-in", "/no-such-page", "/healthz"])
def test_security_headers_are_on_every_response(client, url):
    headers = client.get(url).headers
    policy = headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_in_production(other_app, monkeypatch, database_url):
    monkeypatch.setenv("COMMISSION_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "5b8e0c3f9a1d7e24c6b0f8a3d5e9c1b7a4f2e60d")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://commission.example.gov.uk")
    production = other_app(TESTING=True)
    assert production.config["SESSION_COOKIE_SECURE"] is True
    response = production.test_client().get("/about")
    expect(response, 200)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_pages_are_not_cached_but_assets_may_be(client):
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/people.csv", "/audit.csv", "/actions.csv", "/authorities.csv"])
def test_downloads_for_someone_signed_in_are_never_kept(client, login_as, path):
    login_as(Role.SECRETARIAT)
    response = client.get(path)
    expect(response, 200)
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"


def test_public_downloads_and_assets_for_the_public_may_be_kept(client):
    response = client.get("/authorities.csv")
    expect(response, 200)
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "path",
    ["/authorities", "/people", "/outbox", "/audit", "/actions", "/decisions", "/consultations"],
)
@pytest.mark.parametrize("number", ["1000000000000000000", "99999999999999999999999", "-5", "x"])
def test_a_page_number_beyond_any_list_is_never_an_error(client, login_as, path, number):
    login_as(Role.SECRETARIAT)
    response = client.get(f"{path}?page={number}")
    assert response.status_code in (200, 404)
    assert heading(response)


def _html_pages(app: Flask) -> list[str]:
    """Every GET address without parameters: new pages are checked automatically."""
    skip = {"/healthz", "/sign-out"}
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.rule not in skip
    )


@pytest.mark.parametrize("role", [None, Role.OFFICER, Role.SECRETARIAT])
def test_no_page_has_inline_script_style_or_event_handlers(app, client, login_as, role):
    """The CSP refuses inline script and style, so a page that used them would
    break; check every page a person can reach."""
    if role is not None:
        login_as(role)
    checked = []
    for url in [*_html_pages(app), "/no-such-page"]:
        response = client.get(url)
        if response.mimetype != "text/html":
            continue
        document = page(response)
        checked.append(url)
        for script in document.find_all("script"):
            assert script.get("src"), f"inline <script> on {url}"
        assert document.find("style") is None, f"<style> on {url}"
        assert document.find(attrs={"style": True}) is None, f"style attribute on {url}"
        for element in document.find_all(True):
            handlers = [name for name in element.attrs if name.lower().startswith("on")]
            assert not handlers, f"event handler {handlers} on {url}"
    assert "/" in checked
    assert "/about" in checked


# Health check -----------------------------------------------------------------


def test_health_check_reports_the_database_and_the_file_storage(client, app):
    response = client.get("/healthz")
    expect(response, 200)
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "storage": app.extensions["storage"].name,
        "files": "ok",
    }


def test_health_check_is_503_when_files_cannot_be_stored(client, app, monkeypatch):
    def fail():
        raise PermissionError("read-only file system")

    monkeypatch.setattr(app.extensions["storage"], "check", fail)
    response = client.get("/healthz")
    expect(response, 503)
    assert response.get_json()["files"] == "unavailable"
    assert "read-only" not in response.get_data(as_text=True)


def test_health_check_is_503_when_the_database_fails(client, monkeypatch):
    def fail(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", fail)
    response = client.get("/healthz")
    expect(response, 503)
    assert response.get_json()["status"] == "unavailable"
    assert response.get_json()["database"] == "unavailable"


def test_health_check_is_503_when_the_database_cannot_be_reached(other_app):
    unreachable = other_app(
        TESTING=True, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none"
    )
    response = unreachable.test_client().get("/healthz")
    expect(response, 503)
    assert response.get_json()["database"] == "unavailable"
    assert "127.0.0.1" not in response.get_data(as_text=True)
