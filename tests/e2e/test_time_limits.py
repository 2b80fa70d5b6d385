"""The timeout warning in a real browser (Playwright's clock stands in for the
hours): a modal dialog warns before the session and the page's form tokens
run out, "Stay signed in" renews both, and a form sent once they have run out
keeps what was typed. Also the feedback journey from the phase banner, and
where the focus goes after moving an agenda item."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from playwright.sync_api import BrowserContext, Page, expect

from commission.seeding.demo import DEMO_DOMAIN, DEMO_PASSWORD
from commission.timeutil import LONDON
from tests.e2e.harness import PageChecker, sign_in_as

NewContext = Callable[..., BrowserContext]
TIME_LIMIT = 8 * 3600
WARNING = 5 * 60


def signed_in_with_a_clock(new_context: NewContext, local: str) -> Page:
    return sign_in_as(new_context, local, before=lambda page: page.clock.install())


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

    with page.expect_response(lambda answer: "/session/keep-alive" in answer.url) as kept:
        stay.click()

    expect(dialog).to_be_hidden()
    expect(page.get_by_label("How could we improve this service?")).to_be_focused()
    # Every form now carries the token the keep-alive gave (within the same
    # second as the page's it can be the same value: the token is signed with
    # the time in seconds).
    assert before and tokens(page) == {kept.value.json()["csrf_token"]}
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


def test_moving_an_agenda_item_confirms_it_and_focuses_it(
    new_context: NewContext, check_page: PageChecker
) -> None:
    page = new_context().new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(f"secretariat@{DEMO_DOMAIN}")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/meetings/new")
    day = datetime.now(LONDON).date() + timedelta(days=400)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("7am")
    page.get_by_label("End time").fill("8am")
    page.get_by_role("button", name="Save meeting").click()
    page.get_by_role("link", name="Build the agenda").click()
    for title in ("Welcome", "Housing delivery", "Any other business"):
        page.get_by_role("link", name="Add an item").click()
        page.get_by_label("Kind of item").select_option(index=1)
        page.get_by_label("Title", exact=True).fill(title)
        page.get_by_role("button", name="Save item").click()

    page.get_by_role("button", name="Move up Housing delivery").click()

    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("Moved 'Housing delivery' up: it is now item 1 of 3")
    moved = page.locator("#moved-item")
    expect(moved).to_have_text("1. Housing delivery")
    expect(moved).to_be_focused()
    check_page(page)
    # The next Tab goes on from the moved item, to its own links.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Change Housing delivery")).to_be_focused()


def test_without_javascript_a_form_sent_after_signing_out_is_kept(
    new_context: NewContext, check_page: PageChecker
) -> None:
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(f"secretariat@{DEMO_DOMAIN}")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/meetings/new")
    day = datetime.now(LONDON).date() + timedelta(days=500)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("6am")
    page.get_by_label("End time").fill("6:45am")
    page.get_by_label("Venue").fill("The long-drafted venue")
    context.clear_cookies()  # the session ran out while the form was open

    page.get_by_role("button", name="Save meeting").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in again to send your form")
    check_page(page)
    page.get_by_label("Email address").fill(f"secretariat@{DEMO_DOMAIN}")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send your form again")
    page.get_by_text("What you typed", exact=True).click()
    expect(page.locator("main")).to_contain_text("The long-drafted venue")
    check_page(page)

    page.get_by_role("button", name="Send it again").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Meeting added as a draft")
    expect(page.locator("main")).to_contain_text("The long-drafted venue")
