"""Inviting a minister: the offices are a select grouped by department, which
GOV.UK's accessible-autocomplete turns into a type-ahead; without JavaScript
it is the plain grouped select."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.harness import Account, LiveServer, PageChecker, sign_in

# A scheduled meeting two years ahead (never the next meeting other journeys
# see), made through the app's shell on the server's database.
SETUP = """
from datetime import time, timedelta
from commission.extensions import db
from commission.meetings.models import Meeting, MeetingStatus
from commission.meetings.services import allocate_slug
from commission.timeutil import london, today
day = today() + timedelta(days=730)
start, end = london(day, time(10, 30)), london(day, time(13, 0))
meeting = Meeting(slug=allocate_slug(day), starts_at=start, ends_at=end)
meeting.status = MeetingStatus.SCHEDULED
db.session.add(meeting)
db.session.commit()
print("MADE|" + meeting.slug)
"""


def future_meeting(live_server: LiveServer) -> str:
    output = live_server.flask("shell", stdin=SETUP)
    line = next(line for line in output.splitlines() if "MADE|" in line)
    return line[line.index("MADE|") :].split("|")[1]


def banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner")


def test_an_office_is_found_by_typing(
    page: Page,
    check_page: PageChecker,
    live_server: LiveServer,
    make_secretariat: Callable[[str], Account],
) -> None:
    slug = future_meeting(live_server)
    person = make_secretariat("Priya Picker")
    sign_in(page, person.email, person.password)
    page.goto(f"/meetings/{slug}/ministers")
    combobox = page.get_by_role("combobox", name="Who to invite")
    expect(combobox).to_be_visible(timeout=20_000)
    check_page(page)

    combobox.fill("secretary education")
    option = page.get_by_role("option", name=re.compile(r"^Secretary of State for Education \("))
    expect(option).to_be_visible()
    check_page(page)
    option.click()
    page.get_by_role("button", name="Invite").click()
    expect(banner(page)).to_contain_text("Invitation recorded")
    expect(page.locator("main table")).to_contain_text("Secretary of State for Education")
    check_page(page)


def test_the_offices_are_a_grouped_select_without_javascript(
    new_context: Callable[..., BrowserContext],
    check_page: PageChecker,
    live_server: LiveServer,
    make_secretariat: Callable[[str], Account],
) -> None:
    slug = future_meeting(live_server)
    page = new_context(java_script_enabled=False).new_page()
    person = make_secretariat("Noor Noscript")
    sign_in(page, person.email, person.password)
    page.goto(f"/meetings/{slug}/ministers")
    select = page.get_by_label("Who to invite")
    expect(select.locator("optgroup[label='Department for Transport']")).to_have_count(1)
    check_page(page)
    select.select_option(label="Secretary of State for Transport")
    page.get_by_role("button", name="Invite").click()
    expect(banner(page)).to_contain_text("Invitation recorded")
    expect(page.locator("main table")).to_contain_text("Secretary of State for Transport")
    check_page(page)
