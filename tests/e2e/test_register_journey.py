"""The register on the day, as the secretariat takes it: opened from the
replies, filtered, many authorities marked at once (with JavaScript's "select
all shown" and live count, and by keyboard alone without JavaScript)."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.harness import Account, LiveServer, PageChecker, sign_in

# A meeting held yesterday (so it is never the next meeting other journeys
# see), with three replies, made through the app's shell on the server's
# database. It prints the meeting's address and the three authorities' names.
SETUP = """
from datetime import time, timedelta
from commission.extensions import db
from commission.meetings.models import Meeting, MeetingStatus
from commission.meetings.services import allocate_slug
from commission.attendance.models import AttendanceReply, ReplyKind
from commission.attendance.services import member_authorities
from commission.timeutil import london, today
day = today() - timedelta(days=1)
start, end = london(day, time(10, 30)), london(day, time(13, 0))
meeting = Meeting(slug=allocate_slug(day), starts_at=start, ends_at=end)
meeting.status = MeetingStatus.HELD
db.session.add(meeting)
db.session.flush()
remote, sorry, substitute = member_authorities(meeting)[:3]
R, K, m = AttendanceReply, ReplyKind, meeting.id
db.session.add(R(meeting_id=m, authority_id=remote.id, kind=K.REMOTE))
db.session.add(R(meeting_id=m, authority_id=sorry.id, kind=K.APOLOGIES))
named = R(meeting_id=m, authority_id=substitute.id, kind=K.SUBSTITUTE)
named.substitute_name = "Sam Standing"
db.session.add(named)
db.session.commit()
print("|".join(["MADE", meeting.slug, remote.name, sorry.name, substitute.name]))
"""


def held_meeting_with_replies(live_server: LiveServer) -> tuple[str, str, str, str]:
    output = live_server.flask("shell", stdin=SETUP)
    line = next(line for line in output.splitlines() if "MADE|" in line)
    _, slug, remote, sorry, substitute = line[line.index("MADE|") :].split("|")
    return slug, remote, sorry, substitute


def mark_of(page: Page, authority: str) -> Locator:
    return page.get_by_label(f"Register for {authority}", exact=True)


def status(page: Page) -> Locator:
    return page.locator("#register-status")


def test_the_secretariat_takes_the_register(
    page: Page,
    check_page: PageChecker,
    live_server: LiveServer,
    make_secretariat: Callable[[str], Account],
) -> None:
    slug, remote, sorry, substitute = held_meeting_with_replies(live_server)
    person = make_secretariat("Rosa Register")
    sign_in(page, person.email, person.password)

    page.goto(f"/meetings/{slug}/register")
    expect(page.get_by_role("heading", level=1)).to_have_text("The register")
    expect(status(page)).to_contain_text("0 of ")
    expect(mark_of(page, sorry)).to_have_value("apologies")
    expect(mark_of(page, remote)).to_have_value("")
    expect(mark_of(page, remote).locator("option:checked")).to_have_text("Expected")
    expect(page.get_by_role("row", name=re.compile(re.escape(substitute)))).to_contain_text(
        "Sending a substitute: Sam Standing"
    )
    check_page(page)

    # Marking many with nothing selected is refused, with the reason.
    page.get_by_role("button", name="Mark selected present").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select the authorities to mark present"
    )
    check_page(page)

    page.get_by_label("Reply").select_option(label="Attending remotely")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text(re.compile(r"^Showing 1 of \d+ member authorities"))).to_be_visible()
    check_page(page)

    page.get_by_label("Select all 1 shown").check()
    expect(page.get_by_label(f"Select {remote}", exact=True)).to_be_checked()
    page.get_by_role("button", name="Mark selected present").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Register saved: 1 marked present. 1 present"
    )
    expect(page).to_have_url(re.compile(r"\?reply=remote$"))
    expect(mark_of(page, remote)).to_have_value("remote")
    check_page(page)

    # The count present follows the marks as they are chosen.
    page.get_by_role("link", name="Show every authority").click()
    select_all = page.get_by_label(re.compile(r"^Select all \d+ shown"))
    expect(select_all).to_be_visible(timeout=20_000)  # the scripts have run
    mark_of(page, substitute).select_option("substitute")
    expect(status(page)).to_contain_text("2 of ")
    expect(status(page)).to_contain_text("(not saved yet)")
    page.get_by_role("button", name="Save the register").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 present")
    expect(mark_of(page, substitute)).to_have_value("substitute")
    expect(mark_of(page, sorry)).to_have_value("apologies")


def test_the_register_by_keyboard_without_javascript(
    new_context: Callable[..., BrowserContext],
    check_page: PageChecker,
    live_server: LiveServer,
    make_secretariat: Callable[[str], Account],
) -> None:
    slug, _, sorry, _ = held_meeting_with_replies(live_server)
    page = new_context(java_script_enabled=False).new_page()
    person = make_secretariat("Kit Keyboard")
    sign_in(page, person.email, person.password)

    page.goto(f"/meetings/{slug}/register?reply=apologies")
    expect(page.get_by_label(re.compile(r"^Select all"))).to_have_count(0)
    check_page(page)

    page.get_by_label(f"Select {sorry}", exact=True).focus()
    page.keyboard.press("Space")
    expect(page.get_by_label(f"Select {sorry}", exact=True)).to_be_checked()
    page.get_by_role("button", name="Mark selected absent").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 marked absent")
    expect(mark_of(page, sorry)).to_have_value("absent")
    check_page(page)
