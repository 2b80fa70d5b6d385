"""Every page reflows at 320 CSS pixels wide (WCAG 1.4.10): as each role, the
pages it can reach are opened at 320 px with their disclosure sections open,
and none scrolls sideways as a whole (a wide table scrolls inside its own
focusable, labelled region instead). axe checks each kind of page at that
width too.

The pages are found by following links from the home page, as the crawl of
the secretariat's pages does: one page of each kind (endpoint) a role can
reach is measured, and axe and the HTML checker see each kind once in the
run (the first role to reach it), to keep the run short. The crawl must reach
every page the access rules open to the role (``pages_open_to``), so a page
no link leads to is opened by its address (``UNLINKED``) and a page added
without either fails here."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from commission.auth.roles import Role
from tests.e2e.harness import (
    LiveServer,
    PageChecker,
    pages_linked_from,
    pages_open_to,
    rules_of,
    sign_in_as,
)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

NewContext = Callable[..., "BrowserContext"]
NARROW = {"width": 320, "height": 900}
PER_KIND = 1
# When a kind's first page leads nowhere new (a held meeting has no "delete"),
# further pages of kinds already seen are opened, up to this many a kind, until
# every page open to the role is reached.
MORE_PER_KIND = 6
VISIT_CAP = 400
# The demo people and what they hold (the chair also holds a minister's office).
ROLES = {
    None: None,
    "secretariat": frozenset({Role.SECRETARIAT}),
    "chair": frozenset({Role.CHAIR, Role.MINISTER}),
    "minister": frozenset({Role.MINISTER}),
    "leader": frozenset({Role.LEADER}),
    "officer": frozenset({Role.OFFICER}),
    "mayor": frozenset({Role.MAYOR}),
}
# Pages no link leads to, opened by their address in the demo.
UNLINKED = {"pages.feedback_sent": "/feedback/sent"}
# The demo has no history: no held meeting, minutes, decisions or published
# summary, no person who left or who has not yet accepted an invitation, no
# council that left, no letter to confirm, no policy, no API token. Made here
# through the app's shell on the server's database (out of the way of other
# journeys: meetings in the past and two years ahead, consultations of its
# own, councils no demo person belongs to), so each kind of page exists.
# Prints the pages to start the crawl from.
HISTORY = """
from datetime import timedelta
from flask import url_for
from sqlalchemy import select
from commission.auth.models import Appointment, User
from commission.auth.roles import Role
from commission.consultations.models import ConsultationStatus, QuestionSection
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.membership import services as membership
from commission.membership.models import Authority, AuthorityKind, Department
from commission.people import services as people
from commission.seeding.demo import DEMO_DOMAIN
from commission.summaries.services import publish_summary
from commission.tokens import services as tokens
from commission.timeutil import now_utc, today
from tests import factories as f

def person(local):
    email = f"{local}@{DEMO_DOMAIN}"
    return db.session.execute(select(User).where(User.email == email)).scalar_one()

secretariat, chair, leader = person("secretariat"), person("chair"), person("leader")
approved = f.held_meeting(day=today() - timedelta(days=60))
item = f.agenda_item(meeting=approved, title="Local government finance settlement")
f.paper(item=item)
discussed = {item: "Members discussed the settlement."}
f.published_minutes(meeting=approved, approved_by=chair, discussions=discussed)
f.decision(meeting=approved, text="The Commission agreed its response.", item=item)
team = leader.current_appointments(today())[0].authority
f.action(meeting=approved, text="Send the settlement figures to the secretariat", authority=team)
awaiting = f.held_meeting(day=today() - timedelta(days=20))
considered = f.agenda_item(meeting=awaiting, title="Council tax reform")
f.draft_minutes(meeting=awaiting)
draft = f.meeting(starts_at=now_utc() + timedelta(days=730), status=MeetingStatus.DRAFT)
papered = f.meeting(starts_at=now_utc() + timedelta(days=740))
f.paper(item=f.agenda_item(meeting=papered, title="Housing delivery"))

dfe = db.session.execute(select(Department).where(Department.short_name == "DfE")).scalar_one()
closed = f.consultation(title="Council tax reform: the options", status=ConsultationStatus.OPEN,
    opens_at=now_utc() - timedelta(days=60), closes_at=now_utc() - timedelta(days=10),
    department=dfe)
considered.consultation_id = closed.id
nobody = ~select(Appointment.id).where(Appointment.authority_id == Authority.id).exists()
councils = db.session.execute(select(Authority).where(Authority.kind == AuthorityKind.DISTRICT,
    nobody).order_by(Authority.name.desc()).limit(4)).scalars().all()
for council in [team, *councils[:2]]:
    f.submitted_response(consultation=closed, authority=council)
lettered = f.consultation(title="Parking enforcement by councils", department=dfe)
f.letter_response(consultation=lettered, authority=councils[2], entered_by=person("secretariat2"))
f.summary_snapshot(consultation=closed, meeting=awaiting)
publish_summary(consultation=closed, actor=secretariat)
journey = f.policy(name="Council tax reform", consultations=[closed])
# Closed and not yet published: its summary offers "Publish the summary".
unpublished = f.consultation(title="Bus franchising: the next steps",
    status=ConsultationStatus.OPEN, opens_at=now_utc() - timedelta(days=40),
    closes_at=now_utc() - timedelta(days=2), department=dfe)
f.submitted_response(consultation=unpublished, authority=councils[1])
# A draft with questions and a section: its page offers every editing step.
drafted = f.consultation(title="Adult skills: the draft", status=ConsultationStatus.DRAFT,
    opens_at=now_utc() + timedelta(days=14), closes_at=now_utc() + timedelta(days=60),
    department=dfe)
drafted.sections.append(QuestionSection(position=1, title="Skills funding",
    introduction="How adult skills funding would reach councils."))
for local in ("secretariat", "chair", "minister", "leader", "officer", "mayor"):
    tokens.create_token(name="Analysis", days=30, actor=person(local))

leaving = councils[3]
membership.end_membership(
    authority=leaving, left_on=today(), reason="Reorganisation", actor=secretariat
)
invited = people.invite_person(email=f"reflow.invited@{DEMO_DOMAIN}", full_name="Ira Invited",
    role=Role.OFFICER, starts_on=today(), actor=secretariat, authority=team).user
gone = people.invite_person(email=f"reflow.gone@{DEMO_DOMAIN}", full_name="Gus Gone",
    role=Role.OFFICER, starts_on=today(), actor=secretariat, authority=team).user
people.set_active(user=gone, active=False, actor=secretariat)
db.session.commit()
with app.test_request_context():
    print("START", " ".join([
        url_for("meetings.show_meeting", slug=awaiting.slug),
        url_for("meetings.show_meeting", slug=approved.slug),
        url_for("meetings.show_meeting", slug=draft.slug),
        url_for("meetings.edit_agenda", slug=papered.slug),
        url_for("consultations.show_consultation", reference=closed.reference),
        url_for("consultations.show_consultation", reference=lettered.reference),
        url_for("consultations.show_consultation", reference=drafted.reference),
        url_for("summaries.show_summary", reference=unpublished.reference),
        url_for("policies.show_policy", slug=journey.slug),
        url_for("authorities.show_authority", slug=leaving.slug),
        url_for("people.show_person", user_id=invited.id),
        url_for("people.show_person", user_id=gone.id),
    ]))
"""
# Reached only from an email's link (a token): seen at desktop width by the
# account journeys, not here.
FROM_EMAIL = {"auth.set_password"}
# A summary frozen for a meeting is for the live summary's audience (the
# demo minister leads the consultation HISTORY makes); everyone else reads a
# published summary at the summary's own address.
FROZEN_SUMMARY = {"summaries.show_snapshot", "summaries.show_snapshot_question"}
SEE_FROZEN = {"secretariat", "chair", "minister"}
# Opens every disclosure: details elements and GOV.UK accordion sections.
OPEN_EVERYTHING = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.govuk-accordion__section').forEach(
    s => s.classList.add('govuk-accordion__section--expanded'));
}"""
# How far the page reaches beyond the viewport, and the widest elements that
# stick out (for the failure message).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const over = document.documentElement.scrollWidth - width;
  const culprits = [];
  if (over > 0) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1 && box.width > 0) {
        let inScroller = false;
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
          const style = getComputedStyle(up);
          if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) { inScroller = true; break; }
        }
        const classes = typeof el.className === 'string' && el.className.trim()
          ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
        if (!inScroller) {
          culprits.push(el.tagName.toLowerCase() + classes + ' (' + Math.round(box.right) + 'px)');
        }
      }
      if (culprits.length >= 4) break;
    }
  }
  return {over, culprits};
}"""


@pytest.fixture(scope="module")
def history_pages(live_server: LiveServer) -> list[str]:
    """The pages of the history made by ``HISTORY``, to start the crawl from
    (first the meeting whose agenda links to its frozen summary, since one
    meeting page is opened before pages that lead nowhere new)."""
    output = live_server.flask("shell", stdin=f"exec({HISTORY!r})\n")
    line = next((line for line in output.splitlines() if "START " in line), None)
    assert line is not None, f"the history was not made:\n{output}"
    line = line[line.index("START ") :]
    return line.split()[1:]


@pytest.fixture(scope="module")
def checked_narrow() -> set[str]:
    """The kinds of page axe has checked at 320 px in this module."""
    return set()


def leads_towards(path: str, missing: set[str]) -> bool:
    """Whether the address of a page's parent begins a missing page's address
    (another meeting's page may lead to minutes to correct), so that opening
    more of its kind may reach it."""
    parent = urlsplit(path).path.strip("/").split("/")[:-1]
    for rule in rules_of(missing):
        segments = rule.strip("/").split("/")
        if len(segments) > len(parent) and all(
            wanted.startswith("<") or wanted == part
            for wanted, part in zip(segments, parent, strict=False)
        ):
            return True
    return False


def signed_in(new_context: NewContext, local: str | None) -> Page:
    if local is None:
        return new_context(viewport=NARROW).new_page()
    return sign_in_as(new_context, local, viewport=NARROW)


@pytest.mark.parametrize("local", list(ROLES))
def test_every_page_reflows_at_320_pixels(
    new_context: NewContext,
    check_page: PageChecker,
    live_server: LiveServer,
    endpoint_of: Callable[[str], str | None],
    checked_narrow: set[str],
    history_pages: list[str],
    local: str | None,
) -> None:
    page = signed_in(new_context, local)
    expected = pages_open_to(ROLES[local])
    expected -= FROM_EMAIL
    if local not in SEE_FROZEN:
        expected -= FROZEN_SUMMARY
    unlinked = [UNLINKED[e] for e in sorted(expected) if e in UNLINKED]
    queue = deque(["/", *history_pages, *unlinked])
    queued = set(queue)
    more: deque[str] = deque()  # pages of kinds already seen, for later
    visits: Counter[str] = Counter()
    reached: set[str] = set()
    too_wide: list[str] = []
    while visits.total() < VISIT_CAP:
        if queue:
            path = queue.popleft()
            endpoint = endpoint_of(path)
            if endpoint is not None and visits[endpoint] >= PER_KIND:
                more.append(path)
                continue
        elif more and expected - reached:
            path = more.popleft()
            endpoint = endpoint_of(path)
            if visits[endpoint or ""] >= MORE_PER_KIND or not leads_towards(
                path, expected - reached
            ):
                continue
        else:
            break
        if endpoint is None:
            continue
        visits[endpoint] += 1
        response = page.goto(path)
        if (
            response is None
            or response.status >= 400
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        page.evaluate(OPEN_EVERYTHING)
        found = page.evaluate(OVERFLOW)
        if found["over"] > 0:
            too_wide.append(f"{path}: {found['over']}px too wide: {', '.join(found['culprits'])}")
        reached.add(endpoint)
        if endpoint not in checked_narrow:
            checked_narrow.add(endpoint)
            check_page(page)
        for link in pages_linked_from(page, live_server.url):
            if link not in queued:
                queued.add(link)
                queue.append(link)
    missing = expected - reached
    assert not missing, (
        f"pages open to {local or 'a visitor'} that no link reached: {sorted(missing)}"
    )
    assert not too_wide, f"pages that scroll sideways at 320px as {local or 'a visitor'}:\n" + (
        "\n".join(too_wide)
    )
