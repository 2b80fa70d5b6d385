"""The API's documentation page, reached from the about page as a visitor
finds it, and a person's API tokens, made, used and revoked: axe and the Nu
HTML checker find nothing on any of their pages, and the documentation
reflows at 320 CSS pixels."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.harness import Account, LiveServer, PageChecker

NARROW = {"width": 320, "height": 900}


def test_a_visitor_finds_the_api_documentation(
    new_context: Callable[..., BrowserContext],
    check_page: PageChecker,
    live_server: LiveServer,
) -> None:
    for viewport in ({"width": 1280, "height": 900}, NARROW):
        page = new_context(viewport=viewport).new_page()
        page.goto("/about")
        page.get_by_role("link", name="the Commission's open data API").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Open data: the Commission's API")
        expect(page.get_by_text("GET /api/v1/authorities/{authority_id}")).to_be_visible()
        check_page(page)
        over = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert over <= 0, f"the page scrolls sideways by {over}px at {viewport['width']}px"

    document = page.request.get("/api/v1/openapi.json")
    assert document.ok
    assert document.json()["openapi"].startswith("3.1")


def test_a_person_makes_uses_and_revokes_an_api_token(
    page: Page,
    check_page: PageChecker,
    make_secretariat: Callable[[str], Account],
) -> None:
    person = make_secretariat("Tamsin Token")
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password", exact=True).fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(re.compile(r"^Signed in as "))).to_be_visible()

    page.goto("/account")
    page.get_by_role("link", name="Your API tokens").click()
    check_page(page)
    page.get_by_text("Make a token", exact=True).click()
    check_page(page)
    page.get_by_role("button", name="Make the token").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the token")
    check_page(page)
    page.get_by_label("Name").fill("Weekly figures")
    page.get_by_label("A year").check()
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new API token")
    check_page(page)
    secret = page.locator("#token").inner_text().strip()

    answer = page.request.get(
        "/api/v1/consultations", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 200

    page.get_by_role("link", name="Back to your API tokens").click()
    page.get_by_role("link", name="Revoke Weekly figures").click()
    check_page(page)
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been revoked")
    check_page(page)
    refused = page.request.get(
        "/api/v1/consultations", headers={"Authorization": f"Bearer {secret}"}
    )
    assert refused.status == 401


def test_a_visitor_finds_the_bulk_datasets(
    new_context: Callable[..., BrowserContext],
    check_page: PageChecker,
    live_server: LiveServer,
) -> None:
    """From any page's footer to /data/, at full width and at 320 px; the
    file of everything and its descriptor download from it."""
    for viewport in ({"width": 1280, "height": 900}, NARROW):
        page = new_context(viewport=viewport).new_page()
        page.goto("/about")
        page.locator("footer").get_by_role("link", name="Open data").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Open data: bulk datasets of positions"
        )
        check_page(page)
        over = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert over <= 0, f"the page scrolls sideways by {over}px at {viewport['width']}px"

    descriptor = page.request.get("/data/all/datapackage.json")
    assert descriptor.ok
    assert descriptor.json()["resources"][0]["path"] == "positions.csv"
    everything = page.request.get("/data/all/positions.csv")
    assert everything.ok
    assert everything.text().startswith("consultation,gss_code,authority,")
