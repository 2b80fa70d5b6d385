"""Journeys through accounts: signing in and out, accepting an invitation,
resetting a password, error pages, the keyboard and a browser without
JavaScript. ``check_page`` runs on every page a journey reaches."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.harness import Account, LiveServer, PageChecker, sign_in, unique_email

SERVICE_NAME = "Local Government Commission"
DASH = "\N{EN DASH}"
GENERIC_SIGN_IN_ERROR = "Enter a correct email address and password"
NEW_PASSWORD = "marmalade-lighthouse-quietly-47"


def header(page: Page) -> Locator:
    return page.locator("header.govuk-template__header")


def error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")


def banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner")


def sign_in_and_check(page: Page, check_page: PageChecker, email: str, password: str) -> None:
    """From the sign-in page, sign in successfully and check the home page."""
    sign_in(page, email, password)
    check_page(page)


def test_sign_in_and_sign_out(
    page: Page, check_page: PageChecker, make_secretariat: Callable[[str], Account]
) -> None:
    person = make_secretariat("Nadia Whitcombe")

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(SERVICE_NAME)
    check_page(page)

    header(page).get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_page(page)

    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password", exact=True).fill("not-the-right-password")
    page.get_by_role("button", name="Sign in").click()
    expect(error_summary(page)).to_contain_text(GENERIC_SIGN_IN_ERROR)
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.get_by_label("Email address")).to_have_value(person.email)
    check_page(page)

    sign_in_and_check(page, check_page, person.email, person.password)
    expect(page.get_by_text(f"Signed in as {person.full_name}.")).to_be_visible()
    expect(header(page).get_by_role("link", name="Sign in")).to_have_count(0)

    header(page).get_by_role("button", name="Sign out").click()
    expect(banner(page)).to_contain_text("You have signed out")
    expect(header(page).get_by_role("link", name="Sign in")).to_be_visible()
    expect(header(page).get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    check_page(page)


def test_invited_person_creates_password_and_signs_in(
    page: Page,
    check_page: PageChecker,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    make_secretariat: Callable[[str], Account],
) -> None:
    secretariat = make_secretariat("Oluwaseun Marchetti")
    invitee_name = "Bethany Kowalczyk"
    invitee_email = unique_email(invitee_name)

    page.goto("/sign-in")
    check_page(page)
    sign_in_and_check(page, check_page, secretariat.email, secretariat.password)

    header(page).get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    check_page(page)

    page.get_by_role("link", name="Invite someone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite someone")
    check_page(page)

    page.get_by_role("button", name="Send invitation").click()
    summary = error_summary(page)
    expect(summary).to_contain_text("Enter the person's full name")
    expect(summary).to_contain_text("Enter an email address")
    expect(summary).to_contain_text("Select a role")
    check_page(page)

    page.get_by_label("Full name").fill(invitee_name)
    page.get_by_label("Email address").fill(invitee_email)
    page.get_by_role("radio", name="Chair").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(banner(page)).to_contain_text(f"Invitation sent to {invitee_email}")
    expect(page.get_by_role("heading", level=1)).to_have_text(invitee_name)
    check_page(page)

    link = live_server.link_in_last_email(invitee_email)
    invitee = new_context().new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Create your password")
    expect(invitee.get_by_text(f"Welcome to the {SERVICE_NAME}, {invitee_name}")).to_be_visible()
    check_page(invitee)

    invitee.get_by_label("New password", exact=True).fill("password1234")
    invitee.get_by_label("Confirm new password").fill("password1234")
    invitee.get_by_role("button", name="Set password").click()
    expect(error_summary(invitee)).to_contain_text("This password is too common")
    check_page(invitee)

    invitee.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    invitee.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Set password").click()
    expect(banner(invitee)).to_contain_text("Your password has been set")
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(invitee.get_by_label("Email address")).to_have_value(invitee_email)
    check_page(invitee)

    sign_in_and_check(invitee, check_page, invitee_email, NEW_PASSWORD)
    expect(invitee.get_by_text(f"Signed in as {invitee_name}.")).to_be_visible()
    expect(invitee.locator("main")).to_contain_text("Chair, since")
    expect(header(invitee).get_by_role("link", name="People")).to_have_count(0)


def test_password_reset(
    page: Page,
    check_page: PageChecker,
    live_server: LiveServer,
    make_secretariat: Callable[[str], Account],
) -> None:
    person = make_secretariat("Eilidh Fairweather")

    page.goto("/sign-in")
    check_page(page)

    page.get_by_role("link", name="I have forgotten my password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    check_page(page)

    page.get_by_label("Email address").fill(person.email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_page(page)

    link = live_server.link_in_last_email(person.email)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    check_page(page)

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(banner(page)).to_contain_text("Your password has been set")
    check_page(page)

    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password", exact=True).fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    expect(error_summary(page)).to_contain_text(GENERIC_SIGN_IN_ERROR)
    check_page(page)

    sign_in_and_check(page, check_page, person.email, NEW_PASSWORD)
    expect(page.get_by_text(f"Signed in as {person.full_name}.")).to_be_visible()

    response = page.goto(link)
    assert response is not None and response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has already been used")
    check_page(page)


def test_page_not_found_uses_the_service_layout(page: Page, check_page: PageChecker) -> None:
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page).to_have_title(f"Page not found {DASH} {SERVICE_NAME} {DASH} GOV.UK")
    expect(header(page).get_by_role("link", name=SERVICE_NAME)).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_contain_text("Accessibility statement")
    check_page(page)


def test_skip_link_is_first_and_moves_focus_to_main_content(
    page: Page, check_page: PageChecker
) -> None:
    page.goto("/")
    check_page(page)

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()

    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#main-content$"))


def test_sign_in_and_out_without_javascript(
    new_context: Callable[..., BrowserContext],
    check_page: PageChecker,
    make_secretariat: Callable[[str], Account],
) -> None:
    person = make_secretariat("Rhodri Pemberton")
    page = new_context(java_script_enabled=False).new_page()

    page.goto("/")
    expect(page.locator("body")).not_to_have_class(re.compile(r"js-enabled"))
    check_page(page)

    header(page).get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_page(page)

    sign_in_and_check(page, check_page, person.email, person.password)
    expect(page.get_by_text(f"Signed in as {person.full_name}.")).to_be_visible()

    header(page).get_by_role("button", name="Sign out").click()
    expect(banner(page)).to_contain_text("You have signed out")
    expect(header(page).get_by_role("link", name="Sign in")).to_be_visible()
    check_page(page)
