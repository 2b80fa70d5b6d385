"""The page checks must be able to fail: a page with known accessibility and
HTML errors, served in place of a real one, is caught, with or without
JavaScript, and the message says what and where."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Route

from tests.e2e.harness import LiveServer, PageChecker

BROKEN_PAGE = """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Broken on purpose</title></head>
<body>
<main>
  <h1>Broken on purpose</h1>
  <img src="/static/govuk/assets/images/govuk-crest.svg">
  <p><div id="twice">A block inside a paragraph</div></p>
  <span id="twice">The same id again</span>
</main>
</body>
</html>
"""


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_check_page_reports_accessibility_and_html_errors(
    javascript: bool,
    new_context: Callable[..., BrowserContext],
    check_page: PageChecker,
    live_server: LiveServer,
) -> None:
    address = live_server.url + "/harness-self-test"
    page = new_context(java_script_enabled=javascript).new_page()

    def serve_broken_page(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=BROKEN_PAGE)

    page.route(address, serve_broken_page)
    page.goto(address)

    with pytest.raises(pytest.fail.Exception) as axe_failure:
        check_page(page)
    message = str(axe_failure.value)
    assert f"on {address} ('Broken on purpose')" in message
    assert "html-has-lang: <html> element must have a lang attribute" in message
    assert "image-alt: Images must have alternative text" in message
    assert "on: img" in message

    with pytest.raises(pytest.fail.Exception) as html_failure:
        check_page.validate_html()
    message = str(html_failure.value)
    assert f"{address} ('Broken on purpose'):" in message
    assert "No “p” element in scope but a “p” end tag seen." in message
    assert "Duplicate ID “twice”." in message
