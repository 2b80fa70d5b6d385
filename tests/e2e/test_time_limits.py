"""The timeout warning in a real browser (Playwright's clock stands in for the
hours): a modal dialog warns before the session and the page's form tokens
run out, "Stay signed in" renews both, and a form sent once they have run out
keeps what was typed. Also the feedback journey from the phase banner."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from commission.seeding.demo import DEMO_DOMAIN, DEMO_PASSWORD
from tests.e2e.harness import PageChecker

NewContext = Callable[..., BrowserContext]
TIME_LIMIT = 8 * 3600
WARNING = 5 * 60


def signed_in_with_a_clock(new_context: NewContext, local: str) -> Page:
    page = new_context().new_page()
    page.clock.install()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(f"{local}@{DEMO_DOMAIN}")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(re.compile(r"^Signed in as "))).to_be_visible()
    return page


def tokens(page: Page) -> set[str]:
    return set(
        page.eval_on_selector_all('input[name="csrf_token"]', "inputs => inputs.map(i => i.value)")
    )


def test_the_warning_lets_a_person_stay_signed_in(
    new_context: NewContext, check_page: PageChecker
) -> None:
    page = signed_in_with_a_clock(new_context, "secretariat")
    page.goto("/feedback")
    page.get_by_label("How could we improve this service?").fill("Half a thought")
    page.get_by_label("How could we improve this service?").focus()
    dialog = page.get_by_role(
        "dialog", name="You\N{RIGHT SINGLE QUOTATION MARK}re about to be signed out"
    )
    expect(dialog).to_be_hidden()
    before = tokens(page)

    page.clock.run_for((TIME_LIMIT - WARNING + 60) * 1000)

    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("For your security, we will sign you out in 4 minutes.")
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    check_page(page)

    stay.click()

    expect(dialog).to_be_hidden()
    expect(page.get_by_label("How could we improve this service?")).to_be_focused()
    after = tokens(page)
    assert len(after) == 1 and after != before
    # The time starts again: no warning until nearly eight hours more have passed.
    page.clock.run_for((TIME_LIMIT - WARNING - 60) * 1000)
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback sent")


def test_when_the_time_runs_out_the_page_and_what_was_typed_stay(
    new_context: NewContext, check_page: PageChecker
) -> None:
    page = signed_in_with_a_clock(new_context, "secretariat")
    page.goto("/feedback")
    page.get_by_label("How could we improve this service?").fill("Typed before lunch")

    page.clock.run_for((TIME_LIMIT + 1) * 1000)

    dialog = page.get_by_role("dialog", name="You have been signed out")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("What you typed on this page is still here")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("How could we improve this service?")).to_have_value(
        "Typed before lunch"
    )
    check_page(page)


def test_feedback_from_the_phase_banner(page: Page, check_page: PageChecker) -> None:
    page.goto("/about")
    page.locator(".govuk-phase-banner").get_by_role("link", name="feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Give feedback on the Local Government Commission service"
    )
    check_page(page)
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter how we could improve this service"
    )
    check_page(page)
    page.get_by_label("Satisfied", exact=True).check()
    page.get_by_label("How could we improve this service?").fill("Clear and quick.")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback sent")
    check_page(page)
