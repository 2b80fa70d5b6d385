"""The API's documentation page, reached from the about page as a visitor
finds it: axe and the Nu HTML checker find nothing, it reflows at 320 CSS
pixels, and the OpenAPI document it links to is served."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect

from tests.e2e.harness import LiveServer, PageChecker

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
