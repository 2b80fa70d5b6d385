"""Tagging comments with a theme in bulk, as the secretariat does after a
consultation closes: filter the comments, select all those shown (with
JavaScript) or every comment the filters show (without), add or remove a
theme in one go. Also the summary's charts on a phone. ``check_page`` runs on
every page reached."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from commission.seeding.demo import DEMO_DOMAIN, DEMO_PASSWORD
from tests.e2e.harness import PageChecker

CLOSED_CONSULTATION = "The English Deal: devolution to strategic authorities"
THEME = "bulk tagged in the browser"

NewContext = Callable[..., BrowserContext]


def secretariat(new_context: NewContext, **options: object) -> Page:
    page = new_context(**options).new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(f"secretariat@{DEMO_DOMAIN}")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(re.compile(r"^Signed in as "))).to_be_visible()
    return page


def to_the_comments(page: Page, check_page: PageChecker) -> None:
    page.goto("/consultations")
    page.get_by_role("link", name=CLOSED_CONSULTATION, exact=True).click()
    page.get_by_role("link", name="See where councils stand (summary of positions)").click()
    page.get_by_role("link", name="Read the comments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comments")
    check_page(page)


def filter_by(page: Page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).select_option(label=option)
    page.get_by_role("button", name="Apply filters").click()


def shown_count(page: Page) -> int:
    """How many comments the filters show, from the results line."""
    text = page.locator("main [role=status]").inner_text()
    match = re.search(r"of ([\d,]+) comments|^([\d,]+) comments?", text)
    assert match, text
    return int((match.group(1) or match.group(2)).replace(",", ""))


def test_bulk_tagging_with_and_without_javascript(
    new_context: NewContext, check_page: PageChecker
) -> None:
    page = secretariat(new_context)
    to_the_comments(page, check_page)
    filter_by(page, "Position", "Oppose")
    check_page(page)
    boxes = page.locator("input[name=answers]")
    on_this_page = boxes.count()
    assert on_this_page > 0

    # With JavaScript, "Select all shown" ticks every comment on the page.
    page.get_by_role("button", name="Select all shown").click()
    for index in range(on_this_page):
        expect(boxes.nth(index)).to_be_checked()
    expect(page.get_by_role("button", name="Clear the selection")).to_be_visible()
    page.get_by_label("Or a new theme").fill(THEME)
    page.get_by_role("button", name="Apply to the comments").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Theme “{THEME}” added to {on_this_page} comment"
    )
    expect(page.get_by_label("Position", exact=True)).to_have_value("oppose")  # filters kept
    check_page(page)

    filter_by(page, "Theme", THEME)
    assert shown_count(page) == on_this_page

    # Without JavaScript: an empty choice is refused with an error summary,
    # then every comment the filters show has the theme removed.
    plain = secretariat(new_context, java_script_enabled=False)
    plain.goto(page.url)
    expect(plain.get_by_role("button", name="Select all shown")).to_have_count(0)
    plain.get_by_role("button", name="Apply to the comments").click()
    summary = plain.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose a theme or enter a new one")
    expect(plain).to_have_title(re.compile(r"^Error: "))
    check_page(plain)
    plain.get_by_role("radio", name=f"All {on_this_page} comments these filters show").check()
    plain.get_by_label("Remove the theme").check()
    plain.get_by_label("Theme to add or remove").select_option(label=THEME)
    plain.get_by_role("button", name="Apply to the comments").click()
    expect(plain.locator(".govuk-notification-banner")).to_contain_text(
        f"Theme “{THEME}” removed from {on_this_page} comment"
    )
    expect(plain.locator("main")).to_contain_text("No comments match these filters.")
    check_page(plain)


def test_the_summary_charts_are_readable_on_a_phone(
    new_context: NewContext, check_page: PageChecker
) -> None:
    page = secretariat(new_context, viewport={"width": 320, "height": 640})
    page.goto("/consultations")
    page.get_by_role("link", name=CLOSED_CONSULTATION, exact=True).click()
    page.get_by_role("link", name="See where councils stand (summary of positions)").click()
    check_page(page)
    charts = page.locator("figure.app-chart")
    assert charts.count() == 5
    sizes = page.eval_on_selector_all(
        "figure.app-chart :is(figcaption, p, li, text)",
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))",
    )
    assert min(sizes) >= 14, sizes
    fonts = page.eval_on_selector_all(
        "figure.app-chart :is(figcaption, li, text)",
        "els => [...new Set(els.map(e => getComputedStyle(e).fontFamily))]",
    )
    assert all(font.startswith('"GDS Transport"') for font in fonts), fonts
    widths = page.eval_on_selector_all(
        "figure.app-chart", "els => els.map(e => e.getBoundingClientRect().right)"
    )
    assert max(widths) <= 320, widths
