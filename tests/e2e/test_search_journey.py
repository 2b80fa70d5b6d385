"""Searching, as a visitor and as the secretariat: from the header's link to a
result, through the filters, a misspelt word, sorting by date, and an order and
a filter refused, with ``check_page`` (axe and the Nu HTML checker) on every
page, and at 320 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.harness import PageChecker
from tests.e2e.test_every_page import (
    OPEN_CONSULTATION,
    NewContext,
    arrived,
    click,
    press,
    shows_errors,
    sign_in_as,
)


def test_search_journey(new_context: NewContext, check_page: PageChecker) -> None:
    visitor = new_context().new_page()
    visitor.goto("/")
    visitor.get_by_role("navigation", name="Menu").get_by_role("link", name="Search").click()
    arrived(visitor, check_page, "Search")

    visitor.get_by_label(re.compile(r"^Search meetings")).fill('"sure start"')
    press(visitor, "Search")
    arrived(visitor, check_page, "Search")
    results = visitor.locator("li.app-search-result")
    expect(results.first).to_be_visible()
    expect(visitor.locator("li.app-search-result mark").first).to_be_visible()
    expect(visitor.get_by_role("link", name=OPEN_CONSULTATION, exact=True).first).to_be_visible()

    visitor.get_by_label(re.compile(r"^Consultations \(\d+\)$")).check()
    press(visitor, "Apply filters")
    arrived(visitor, check_page, "Search")
    kinds = visitor.locator("li.app-search-result .govuk-tag")
    for n in range(kinds.count()):
        expect(kinds.nth(n)).to_have_text("Consultation")

    visitor.get_by_role("link", name=OPEN_CONSULTATION, exact=True).first.click()
    arrived(visitor, check_page, OPEN_CONSULTATION)

    visitor.goto("/search?q=devolutoin")
    arrived(visitor, check_page, "Search")
    expect(visitor.get_by_role("status")).to_contain_text("0 results")
    click(visitor, "devolution")
    arrived(visitor, check_page, "Search")
    expect(results.first).to_be_visible()

    visitor.goto("/search?q=%22sure+start%22")
    visitor.get_by_label("Sort by").select_option(label="Newest first")
    press(visitor, "Sort")
    arrived(visitor, check_page, "Search")
    expect(visitor).to_have_url(re.compile(r"order=newest"))
    expect(visitor.get_by_label("Sort by")).to_have_value("newest")
    expect(results.first).to_be_visible()
    visitor.goto("/search?q=devolution&order=oldest")
    shows_errors(visitor, check_page, "Select how to sort the results from the list")

    visitor.goto("/search?q=the+of")
    expect(visitor.get_by_role("status")).to_contain_text("only has common words")
    check_page(visitor)

    visitor.goto("/search?q=devolution&since=31&since=2&since=2027")
    shows_errors(visitor, check_page, "From must be a real date")

    narrow = new_context(viewport={"width": 320, "height": 640}).new_page()
    narrow.goto("/search?q=%22sure+start%22&order=newest")
    arrived(narrow, check_page, "Search")
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 320

    secretariat = sign_in_as(new_context, "secretariat")
    secretariat.goto("/search?q=consultation")
    arrived(secretariat, check_page, "Search")
    expect(secretariat.locator("li.app-search-result").first).to_be_visible()
