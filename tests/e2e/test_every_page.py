"""Every page of the service, reached the way its users reach it: signed in as
the demo people (``flask seed --demo``), following links and submitting forms,
with ``check_page`` (axe and the Nu HTML checker) on each kind of page, and on
each area's error summary after an empty or incomplete form.

One test per area, so a failure points to the area. Each test signs each
person in once and keeps their page. A test that changes demo data changes
what no other test looks at, or makes its own (a meeting, a consultation).
The last test crawls what the secretariat can reach and checks any kind of
page the others did not."""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Locator, Page, expect

from commission.timeutil import LONDON
from tests.e2e.harness import (
    LiveServer,
    PageChecker,
    pages_linked_from,
    sign_in_as,
    unique_email,
)

LEEDS = "Leeds City Council"
LEEDS_PAGE = "/authorities/leeds-city-council"
OPEN_CONSULTATION = "Delivering the Sure Start revival through councils"
CLOSED_CONSULTATION = "The English Deal: devolution to strategic authorities"
DFE_SECRETARY = "Secretary of State for Education"

CRAWL_CHECK_CAP = 80
CRAWL_VISIT_CAP = 250
CRAWL_VISITS_PER_KIND = 2

NewContext = Callable[..., BrowserContext]


# Helpers -----------------------------------------------------------------------------------


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner")


def visit(
    page: Page, check_page: PageChecker, path: str, title: str | re.Pattern[str], status: int = 200
) -> None:
    """Go to ``path``, see the page answer ``status`` with the heading ``title``, check it."""
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"{path} answered {response.status if response else None}, not {status}"
    )
    arrived(page, check_page, title)


def arrived(page: Page, check_page: PageChecker, title: str | re.Pattern[str]) -> None:
    """The page now shown has the heading ``title``; check it."""
    if isinstance(title, str):
        expect(heading(page)).to_have_text(title)
    else:  # matched against the accessible name, whose spaces are normalised
        expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    check_page(page)


def shows_errors(page: Page, check_page: PageChecker, *messages: str) -> None:
    """The form came back with an error summary listing ``messages``; check it."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    for message in messages:
        expect(summary).to_contain_text(message)
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_page(page)


def click(page: Page, name: str | re.Pattern[str]) -> None:
    """Follow the link called ``name``."""
    page.get_by_role("link", name=name, exact=isinstance(name, str)).click()


def press(page: Page, name: str | re.Pattern[str]) -> None:
    """Press the button called ``name``."""
    page.get_by_role("button", name=name, exact=isinstance(name, str)).click()


def fill_date(page: Page, day: date, within: Locator | None = None) -> None:
    scope = within or page
    scope.get_by_label("Day").fill(str(day.day))
    scope.get_by_label("Month").fill(str(day.month))
    scope.get_by_label("Year").fill(str(day.year))


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def published_meeting_path(page: Page) -> str:
    """The demo's first meeting: the only one whose agenda is published."""
    page.goto("/meetings")
    row = page.locator("tr", has=page.locator(".govuk-tag", has_text="Agenda published")).first
    href = row.get_by_role("link").first.get_attribute("href")
    assert href, "no meeting with a published agenda on /meetings"
    return href


# Public pages and error pages -------------------------------------------------------------


def test_public_pages_and_error_pages(
    page: Page, new_context: NewContext, check_page: PageChecker
) -> None:
    visit(page, check_page, "/about", "About this service")
    visit(page, check_page, "/accessibility", re.compile(r"^Accessibility statement"))
    visit(page, check_page, "/privacy", "Privacy notice")
    visit(page, check_page, "/cookies", "Cookies")

    visit(page, check_page, "/authorities", "Authorities")
    page.get_by_label("Name").fill("Leeds")
    page.get_by_label("Membership").select_option("member")
    press(page, "Apply filters")
    expect(page.get_by_role("status")).to_contain_text("1 authority matches these filters")
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()
    check_page(page)
    click(page, LEEDS)
    arrived(page, check_page, LEEDS)
    visit(
        page,
        check_page,
        "/authorities/greater-manchester-combined-authority",
        "Greater Manchester Combined Authority",
    )

    visit(page, check_page, "/meetings", "Meetings")
    meeting = published_meeting_path(page)
    visit(page, check_page, meeting, re.compile(r"^\w+day \d+ \w+ \d{4}$"))
    expect(page.locator("main")).to_contain_text("Reviving Sure Start")

    visit(page, check_page, "/consultations", "Consultations")
    click(page, OPEN_CONSULTATION)
    arrived(page, check_page, OPEN_CONSULTATION)

    visit(page, check_page, "/meetings/2000-01-01", "Page not found", status=404)

    officer = sign_in_as(new_context, "officer")
    visit(officer, check_page, "/people", "You do not have permission to see this page", 403)

    # A form posted with a stale or forged CSRF token.
    signed_out = new_context().new_page()
    signed_out.goto("/forgot-password")
    signed_out.locator("input[name=csrf_token]").evaluate("input => { input.value = 'forged' }")
    signed_out.get_by_label("Email address").fill(unique_email("Forged Request"))
    with signed_out.expect_response(lambda r: r.request.method == "POST") as posted:
        press(signed_out, "Send reset link")
    assert posted.value.status == 400
    arrived(signed_out, check_page, "There is a problem with your request")


# Authorities -------------------------------------------------------------------------------


def test_authority_pages(new_context: NewContext, check_page: PageChecker) -> None:
    secretariat = sign_in_as(new_context, "secretariat")
    visit(secretariat, check_page, LEEDS_PAGE, LEEDS)

    click(secretariat, "Record a change of control")
    arrived(secretariat, check_page, "Record a change of control")
    press(secretariat, "Record control")
    shows_errors(
        secretariat, check_page, "Select who controls the council", "Enter the date control changed"
    )

    secretariat.goto(LEEDS_PAGE)
    click(secretariat, "End membership")
    arrived(secretariat, check_page, "End membership")

    secretariat.goto("/authorities?membership=not_member")
    secretariat.locator("main table tbody a").first.click()
    click(secretariat, "Add membership")
    arrived(secretariat, check_page, "Add membership")

    secretariat.goto(LEEDS_PAGE)
    click(secretariat, "End role of Joanna Pike")
    arrived(secretariat, check_page, "End Joanna Pike's role as council officer")

    secretariat.goto(LEEDS_PAGE)
    click(secretariat, "Delegate to Callum Reid")
    arrived(secretariat, check_page, "Delegate to Callum Reid")

    secretariat.goto(LEEDS_PAGE)
    secretariat.get_by_role(
        "link", name=re.compile(r"^End delegation .* for Callum Reid$")
    ).first.click()
    arrived(secretariat, check_page, "End delegation to Callum Reid")

    leader = sign_in_as(new_context, "leader")
    leader.get_by_role("link", name="Your authority", exact=True).first.click()
    arrived(leader, check_page, "Your authority")
    expect(leader.locator("main")).to_contain_text("Callum Reid")

    click(leader, "Manage the team and delegations")
    click(leader, "Invite someone to the team")
    arrived(leader, check_page, "Invite someone to the team")
    press(leader, "Send invitation")
    shows_errors(leader, check_page, "Enter the person's full name", "Select a role")

    invitee = unique_email("Morwenna Tregothnan")
    leader.get_by_label("Full name").fill("Morwenna Tregothnan")
    leader.get_by_label("Email address").fill(invitee)
    leader.get_by_role("radio", name="Council officer").check()
    press(leader, "Send invitation")
    expect(banner(leader)).to_contain_text(f"Invitation sent to {invitee}")
    arrived(leader, check_page, LEEDS)
    expect(leader.locator("main")).to_contain_text("Morwenna Tregothnan")


# People, the audit log and your account ---------------------------------------------------


def test_people_audit_and_account_pages(new_context: NewContext, check_page: PageChecker) -> None:
    secretariat = sign_in_as(new_context, "secretariat")
    secretariat.goto("/people")
    secretariat.get_by_label("Name or email").fill("Ashworth")
    secretariat.get_by_label("Role held today").select_option("leader")
    secretariat.get_by_label("Account").select_option("active")
    press(secretariat, "Apply filters")
    expect(secretariat.locator("main")).to_contain_text("Tom Ashworth")
    arrived(secretariat, check_page, "People")

    click(secretariat, "Invite someone")
    name = "Ifeoma Castellanos"
    secretariat.get_by_label("Full name").fill(name)
    secretariat.get_by_label("Email address").fill(unique_email(name))
    secretariat.get_by_role("radio", name="Chair").check()
    press(secretariat, "Send invitation")
    arrived(secretariat, check_page, name)
    person = secretariat.url

    click(secretariat, "Send a new invitation")
    arrived(secretariat, check_page, f"Send {name} a new invitation")

    secretariat.goto(person)
    click(secretariat, "Give a role")
    arrived(secretariat, check_page, "Give a role")
    press(secretariat, "Give role")
    shows_errors(secretariat, check_page, "Select a role")

    secretariat.goto(person)
    click(secretariat, "End role Chair")
    arrived(secretariat, check_page, "End the role Chair")

    secretariat.goto(person)
    click(secretariat, "Deactivate account")
    arrived(secretariat, check_page, f"Deactivate {name}'s account")
    press(secretariat, "Deactivate account")
    expect(banner(secretariat)).to_contain_text(f"{name}'s account has been deactivated")
    click(secretariat, "Reactivate account")
    arrived(secretariat, check_page, f"Reactivate {name}'s account")

    visit(secretariat, check_page, "/audit", "Audit log")
    secretariat.get_by_label("What happened").select_option("account_deactivated")
    secretariat.get_by_label("Who (part of a name or email address)").fill("secretariat")
    press(secretariat, "Apply filters")
    expect(secretariat.locator("main table")).to_contain_text(name)
    secretariat.locator("main table details summary").first.click()
    expect(secretariat.locator("main table details").first).to_contain_text("Active")
    check_page(secretariat)
    secretariat.get_by_label("Record number").fill("not a number")
    press(secretariat, "Apply filters")
    shows_errors(secretariat, check_page, "Record number must be a whole number, like 42")

    secretariat.goto(person)
    click(secretariat, f"History of {name}'s account and roles")
    arrived(secretariat, check_page, name)
    expect(secretariat.locator("main")).to_contain_text("deactivated")

    visit(secretariat, check_page, "/account", "Your account")
    secretariat.get_by_role("link", name="Change password").click()
    arrived(secretariat, check_page, "Change your password")
    press(secretariat, "Change password")
    shows_errors(secretariat, check_page, "Enter your current password", "Enter a new password")


# Meetings ----------------------------------------------------------------------------------


def test_meeting_pages(new_context: NewContext, check_page: PageChecker) -> None:
    secretariat = sign_in_as(new_context, "secretariat")
    visit(secretariat, check_page, "/meetings", "Meetings")

    click(secretariat, "Schedule a year of meetings")
    arrived(secretariat, check_page, "Schedule a year of meetings")
    secretariat.get_by_label("Year", exact=True).fill("")
    press(secretariat, "Preview the dates")
    shows_errors(secretariat, check_page, "Enter the year")
    secretariat.get_by_label("Year", exact=True).fill(str(datetime.now(LONDON).year + 1))
    press(secretariat, "Preview the dates")
    arrived(secretariat, check_page, "Check the dates")

    secretariat.goto("/meetings")
    click(secretariat, "Add a single meeting")
    arrived(secretariat, check_page, "Add a meeting")
    press(secretariat, "Save meeting")
    shows_errors(secretariat, check_page, "Enter the date of the meeting")

    day = datetime.now(LONDON).date() + timedelta(days=3)
    fill_date(secretariat, day)
    secretariat.get_by_label("Start time").fill("2pm")
    secretariat.get_by_label("End time").fill("3:30pm")
    secretariat.get_by_label("Venue").fill("Committee Room 4, 2 Marsham Street, London")
    press(secretariat, "Save meeting")
    expect(banner(secretariat)).to_contain_text("Meeting added as a draft")
    arrived(secretariat, check_page, long_date(day))
    meeting = secretariat.url

    click(secretariat, "Change the time or place")
    arrived(secretariat, check_page, "Change the meeting")

    secretariat.goto(meeting)
    click(secretariat, "Build the agenda")
    arrived(secretariat, check_page, "Build the agenda")
    click(secretariat, "Add an item")
    arrived(secretariat, check_page, "Add an agenda item")
    press(secretariat, "Save item")
    shows_errors(secretariat, check_page, "Enter a title")
    title = "Adult social care: winter pressures"
    secretariat.get_by_label("Kind of item").select_option(index=1)
    secretariat.get_by_label("Title", exact=True).fill(title)
    secretariat.get_by_label("Presenter (optional)").fill("Minister for Care")
    press(secretariat, "Save item")
    expect(banner(secretariat)).to_contain_text("Agenda item saved")
    arrived(secretariat, check_page, "Build the agenda")

    click(secretariat, f"Change {title}")
    arrived(secretariat, check_page, "Change an agenda item")
    secretariat.go_back()

    click(secretariat, f"Add a paper to {title}")
    arrived(secretariat, check_page, "Add a paper")
    press(secretariat, "Upload paper")
    shows_errors(secretariat, check_page, "Select a file")
    secretariat.get_by_label("Upload a file").set_input_files(
        {
            "name": "winter-pressures.csv",
            "mimeType": "text/csv",
            "buffer": b"Council,Beds\nLeeds City Council,120\n",
        }
    )
    secretariat.get_by_label("Title (optional)").fill("Winter pressures data")
    press(secretariat, "Upload paper")
    expect(banner(secretariat)).to_contain_text("Paper 'Winter pressures data' uploaded")
    click(secretariat, "Replace Winter pressures data")
    arrived(secretariat, check_page, "Replace Winter pressures data")

    secretariat.go_back()
    click(secretariat, f"Remove {title}")
    arrived(secretariat, check_page, f"Remove '{title}' from the agenda")

    secretariat.goto(meeting)
    click(secretariat, "Confirm the meeting")
    arrived(secretariat, check_page, "Confirm the meeting")
    press(secretariat, "Confirm the meeting")
    expect(banner(secretariat)).to_contain_text("The date is now public")
    arrived(secretariat, check_page, long_date(day))

    # Not started yet: it cannot be recorded as held, so the page does not offer it
    # (the 320 px crawl opens that page for a meeting that has started).
    expect(secretariat.get_by_role("link", name="Record the meeting as held")).to_have_count(0)
    for link, title in (
        ("Publish the agenda", "Publish the agenda"),
        ("Postpone the meeting", "Postpone the meeting"),
    ):
        secretariat.goto(meeting)
        click(secretariat, link)
        arrived(secretariat, check_page, title)
    press(secretariat, "Postpone meeting")
    shows_errors(secretariat, check_page, "Enter the new date", "Enter the reason")

    secretariat.goto(meeting)
    click(secretariat, "Cancel the meeting")
    arrived(secretariat, check_page, "Cancel the meeting")
    press(secretariat, "Cancel meeting")
    shows_errors(secretariat, check_page, "Enter the reason")


# Attendance --------------------------------------------------------------------------------


def test_attendance_pages(
    new_context: NewContext, check_page: PageChecker, live_server: LiveServer
) -> None:
    secretariat = sign_in_as(new_context, "secretariat")
    meeting = published_meeting_path(secretariat)

    secretariat.goto(meeting)
    click(secretariat, "Ministers attending")
    arrived(secretariat, check_page, "Ministers")
    press(secretariat, "Invite")
    shows_errors(secretariat, check_page, "Select who to invite")
    # The offices, grouped by department, are a type-ahead with JavaScript.
    secretariat.get_by_role("combobox", name="Who to invite").fill(DFE_SECRETARY)
    secretariat.get_by_role("option", name=re.compile(rf"^{re.escape(DFE_SECRETARY)} \(")).click()
    press(secretariat, "Invite")
    expect(banner(secretariat)).to_contain_text("Invitation recorded")
    arrived(secretariat, check_page, "Ministers")

    visit(secretariat, check_page, meeting + "/reply", "Which authority are you replying for?")
    secretariat.goto(meeting)
    click(secretariat, "Replies from authorities")
    arrived(secretariat, check_page, "Replies")

    leader = sign_in_as(new_context, "leader")
    visit(leader, check_page, meeting, re.compile(r"^\w+day \d+ \w+ \d{4}$"))
    click(leader, f"Reply for {LEEDS}")
    arrived(leader, check_page, f"Reply for {LEEDS}")
    press(leader, "Send reply")
    shows_errors(leader, check_page, "Select whether your authority will attend")
    leader.get_by_role("radio", name="Attending in person").check()
    press(leader, "Send reply")
    expect(banner(leader)).to_contain_text(f"Reply for {LEEDS} sent: Attending in person")

    minister = sign_in_as(new_context, "minister")
    minister.goto(meeting)
    minister.get_by_role("link", name=re.compile(r"^Reply to the invitation for ")).click()
    arrived(minister, check_page, re.compile("Secretary of State for Education"))
    minister.get_by_role("radio", name="Yes, I will attend").check()
    press(minister, "Send reply")
    expect(banner(minister)).to_contain_text("Reply recorded")

    # The register needs a meeting that has started: one today, from a few minutes ago.
    now = datetime.now(LONDON)
    starts = max(now - timedelta(minutes=5), now.replace(hour=0, minute=0))
    secretariat.goto("/meetings/new")
    fill_date(secretariat, now.date())
    secretariat.get_by_label("Start time").fill(f"{starts:%H:%M}")
    secretariat.get_by_label("End time").fill("23:59")
    press(secretariat, "Save meeting")
    expect(banner(secretariat)).to_contain_text("Meeting added as a draft")
    today = secretariat.url
    click(secretariat, "Confirm the meeting")
    press(secretariat, "Confirm the meeting")
    expect(banner(secretariat)).to_contain_text("The date is now public")

    click(secretariat, "Take the register")
    arrived(secretariat, check_page, "The register")
    secretariat.get_by_label(f"Register for {LEEDS}").select_option(index=1)
    secretariat.get_by_label("Register for Birmingham City Council").select_option(index=1)
    secretariat.get_by_label("Birmingham City Council arrived late").check()
    press(secretariat, "Save the register")
    expect(banner(secretariat)).to_contain_text("Register saved: 2 present")

    secretariat.goto(today)
    click(secretariat, "Who attended")
    arrived(secretariat, check_page, "Attendance")

    secretariat.goto(today)
    click(secretariat, "Record the meeting as held")
    press(secretariat, "Record the meeting as held")
    expect(banner(secretariat)).to_contain_text("Meeting recorded as held")

    visitor = new_context().new_page()
    visit(visitor, check_page, urlsplit(today).path + "/attendance", "Attendance")
    expect(visitor.locator("main")).to_contain_text(f"{LEEDS}")


# Consultations -----------------------------------------------------------------------------


def test_consultation_pages(new_context: NewContext, check_page: PageChecker) -> None:
    secretariat = sign_in_as(new_context, "secretariat")
    visit(secretariat, check_page, "/consultations", "Consultations")
    click(secretariat, "Create a consultation")
    arrived(secretariat, check_page, "Create a consultation")
    press(secretariat, "Save consultation")
    shows_errors(
        secretariat,
        check_page,
        "Enter a title",
        "Enter a summary",
        "Select the department",
        "Enter the date the consultation opens",
    )

    title = "Local audit reform: a backstop for unaudited accounts"
    today = datetime.now(LONDON).date()
    secretariat.get_by_label("Title", exact=True).fill(title)
    secretariat.get_by_label("Summary").fill("Government proposes a statutory backstop date.")
    secretariat.get_by_label("Department").select_option(
        label="Ministry of Housing, Communities and Local Government"
    )
    fill_date(
        secretariat, today + timedelta(days=7), secretariat.get_by_role("group", name="Opens on")
    )
    fill_date(
        secretariat, today + timedelta(days=60), secretariat.get_by_role("group", name="Closes on")
    )
    press(secretariat, "Save consultation")
    expect(banner(secretariat)).to_contain_text("saved")
    arrived(secretariat, check_page, title)
    consultation = secretariat.url

    click(secretariat, "Change the details")
    arrived(secretariat, check_page, re.compile(r"^Change LGC-\d{4}-\d{3}$"))

    secretariat.goto(consultation)
    click(secretariat, "Add a question")
    arrived(secretariat, check_page, "Add a question")
    press(secretariat, "Save question")
    shows_errors(secretariat, check_page, "Enter the question")
    secretariat.get_by_label("Question", exact=True).fill("Is the backstop date achievable?")
    press(secretariat, "Save question")
    expect(banner(secretariat)).to_contain_text("Question saved")

    click(secretariat, "Change question 1")
    arrived(secretariat, check_page, "Change the question")

    secretariat.goto(consultation)
    click(secretariat, "Preview as a council sees it")
    arrived(secretariat, check_page, "Your authority's response")

    secretariat.goto(consultation)
    click(secretariat, "Add a document")
    arrived(secretariat, check_page, "Add a document")
    press(secretariat, "Upload document")
    shows_errors(secretariat, check_page, "Select a file")

    secretariat.goto(consultation)
    click(secretariat, "Open the consultation")
    arrived(secretariat, check_page, "Open the consultation")

    secretariat.goto(consultation)
    click(secretariat, "Remove question 1")
    arrived(secretariat, check_page, "Remove this question")

    secretariat.goto("/consultations")
    click(secretariat, OPEN_CONSULTATION)
    open_consultation = secretariat.url
    click(secretariat, "Extensions")
    arrived(secretariat, check_page, "Extensions")
    press(secretariat, "Grant extension")
    shows_errors(
        secretariat,
        check_page,
        "Select the authority",
        "Enter the new deadline",
        "Enter the reason for the extension",
    )
    secretariat.goto(open_consultation)
    click(secretariat, "Record a position stated at a meeting")
    arrived(secretariat, check_page, "Record a position stated at a meeting")

    # Leeds responds: the officer drafts, the deputy's save meets the officer's
    # newer one, the officer marks it ready and the leader signs it off.
    officer = sign_in_as(new_context, "officer")
    officer.goto("/consultations")
    click(officer, OPEN_CONSULTATION)
    arrived(officer, check_page, OPEN_CONSULTATION)
    click(officer, f"Work on the response for {LEEDS}")
    arrived(officer, check_page, f"{LEEDS}'s response")
    response = officer.url

    officer.get_by_role("group", name="Your authority's overall position").get_by_label(
        "Support", exact=True
    ).check()
    officer.get_by_role("group", name=re.compile(r"^1\. ")).get_by_label(
        "Support with amendments", exact=True
    ).check()
    officer.get_by_role("group", name=re.compile(r"^2\. ")).get_by_label(
        "Neutral", exact=True
    ).check()
    officer.get_by_role("textbox", name=re.compile(r"^3\. ")).fill(
        "A lead officer and a building in each area."
    )
    press(officer, "Save as draft")
    expect(banner(officer)).to_contain_text("Draft saved")

    deputy = sign_in_as(new_context, "deputy")
    deputy.goto(response)
    officer.get_by_label("Comment on the proposals as a whole (optional)").fill(
        "Leeds welcomes the revival of Sure Start."
    )
    press(officer, "Save as draft")
    expect(banner(officer)).to_contain_text("Draft saved")
    deputy.get_by_label("Comment on the proposals as a whole (optional)").fill(
        "Leeds supports family hubs."
    )
    press(deputy, "Save as draft")
    arrived(deputy, check_page, "This response has changed since you opened it")

    press(officer, "Continue to check your answers")
    arrived(officer, check_page, f"Check {LEEDS}'s response")
    press(officer, "Mark ready for sign-off")
    expect(banner(officer)).to_contain_text("Marked ready for sign-off")

    leader = sign_in_as(new_context, "leader")
    leader.goto(response + "/check")
    press(leader, "Sign off and submit")
    arrived(leader, check_page, "Response submitted")

    visit(
        leader, check_page, urlsplit(response).path + "/history", f"History of {LEEDS}'s response"
    )


# Summaries and the government's reply -----------------------------------------------------


def test_summary_pages(new_context: NewContext, check_page: PageChecker) -> None:
    secretariat = sign_in_as(new_context, "secretariat")
    secretariat.goto("/consultations")
    click(secretariat, CLOSED_CONSULTATION)
    arrived(secretariat, check_page, CLOSED_CONSULTATION)
    consultation = secretariat.url

    click(secretariat, "See where councils stand (summary of positions)")
    arrived(secretariat, check_page, "Where councils stand")
    expect(secretariat.locator("figure.app-chart").first).to_be_visible()
    summary = secretariat.url

    secretariat.locator("#questions tbody a").first.click()
    arrived(secretariat, check_page, re.compile(r"^1\. "))
    expect(secretariat.locator("figure.app-chart").first).to_be_visible()
    secretariat.locator(".govuk-pagination__next a").click()
    arrived(secretariat, check_page, re.compile(r"^2\. "))
    click(secretariat, "Back to where councils stand")
    arrived(secretariat, check_page, "Where councils stand")

    click(secretariat, "Read the comments")
    arrived(secretariat, check_page, "Comments")
    secretariat.get_by_label("New themes, separated by commas").first.fill(
        "Funding certainty, Local flexibility"
    )
    secretariat.get_by_role("button", name=re.compile(r"^Save themes")).first.click()
    expect(banner(secretariat)).to_contain_text("Themes saved")
    arrived(secretariat, check_page, "Comments")
    expect(secretariat.get_by_role("checkbox", name="funding certainty").first).to_be_checked()

    secretariat.goto(summary)
    click(secretariat, "Freeze this summary for a meeting")
    arrived(secretariat, check_page, "Freeze the summary for a meeting")
    press(secretariat, "Freeze the summary")
    shows_errors(secretariat, check_page, "Select the meeting")
    secretariat.get_by_label("Meeting").select_option(index=1)
    press(secretariat, "Freeze the summary")
    expect(banner(secretariat)).to_contain_text("Summary frozen for the meeting")
    arrived(secretariat, check_page, "Where councils stand")
    expect(secretariat.locator("main")).to_contain_text("Frozen on")
    secretariat.locator("#questions tbody a").first.click()
    arrived(secretariat, check_page, re.compile(r"^1\. "))
    expect(secretariat.locator("main")).to_contain_text("Frozen on")

    secretariat.goto(summary)
    click(secretariat, "Publish the summary")
    arrived(secretariat, check_page, "Publish the summary")
    press(secretariat, "Publish summary")
    expect(banner(secretariat)).to_contain_text("Summary published")

    secretariat.goto(consultation)
    click(secretariat, "Write the government's reply")
    arrived(secretariat, check_page, "The government's reply")
    secretariat.get_by_label("Overall reply").fill(
        "Government will legislate for default powers, with a route for every council to join."
    )
    press(secretariat, "Save reply")
    expect(banner(secretariat)).to_contain_text("Reply saved")
    click(secretariat, "Publish the reply")
    arrived(secretariat, check_page, "Publish the government's reply")
    press(secretariat, "Publish reply")
    expect(banner(secretariat)).to_contain_text("The government's reply is published")

    visitor = new_context().new_page()
    visit(visitor, check_page, urlsplit(consultation).path, CLOSED_CONSULTATION)
    expect(visitor.locator("main")).to_contain_text("Government will legislate for default powers")
    click(visitor, "See where councils stand (summary of positions)")
    arrived(visitor, check_page, "Where councils stand")
    expect(visitor.locator("main")).to_contain_text("Published")


# The safety net ----------------------------------------------------------------------------


def test_crawl_checks_every_kind_of_page_the_secretariat_can_reach(
    new_context: NewContext,
    check_page: PageChecker,
    checked_urls: set[str],
    live_server: LiveServer,
    endpoint_of: Callable[[str], str | None],
) -> None:
    """Follow the links the secretariat sees, from the home page, and check each
    kind of page (endpoint) no earlier test checked. Every link must lead to a
    page that answers."""
    secretariat = sign_in_as(new_context, "secretariat")
    done = {endpoint_of(url) for url in checked_urls}
    queue = deque(["/"])
    queued = {"/"}
    visits: Counter[str] = Counter()
    checked: list[str] = []
    broken: list[str] = []
    while queue and len(checked) < CRAWL_CHECK_CAP and visits.total() < CRAWL_VISIT_CAP:
        path = queue.popleft()
        endpoint = endpoint_of(path)
        if endpoint is None:
            broken.append(f"{path}: no such page")
            continue
        if visits[endpoint] >= CRAWL_VISITS_PER_KIND:
            continue
        visits[endpoint] += 1
        response = secretariat.goto(path)
        if response is None or response.status >= 400:
            broken.append(f"{path}: {response.status if response else 'no response'}")
            continue
        if endpoint not in done:
            done.add(endpoint)
            check_page(secretariat)
            checked.append(path)
        for link in pages_linked_from(secretariat, live_server.url):
            if link not in queued:
                queued.add(link)
                queue.append(link)
    assert not broken, "links the secretariat sees that lead nowhere:\n" + "\n".join(broken)
