"""The public meeting pages: the list of upcoming and past meetings, and a
meeting's page with its agenda, where confidential items, restricted papers
and the joining link are shown only to signed-in members."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from commission.auth.roles import Role
from commission.meetings.models import MeetingStatus
from commission.timeutil import format_date, today
from tests import factories
from tests.conftest import count_selects, heading, page, summary_list, table_rows
from tests.factories import london_time

JOIN_LINK = "https://teams.example.gov.uk/l/meetup-join/abc"


def main_text(response) -> str:
    return page(response).select_one("main").get_text(" ", strip=True)


def agenda_headings(response) -> list[str]:
    return [h.get_text(" ", strip=True) for h in page(response).select("main li h3")]


def item_details(response, item) -> str:
    element = page(response).select_one(f"#item-{item.id}")
    return element.get_text(" ", strip=True) if element else ""


def sign_out(client) -> None:
    with client.session_transaction() as session:
        session.clear()


# The list --------------------------------------------------------------------------------------


def test_list_shows_upcoming_and_past_meetings_separately(client):
    soon = today() + timedelta(days=20)
    days = [soon + timedelta(days=n) for n in (0, 7, 14, 21)]
    older = factories.meeting(starts_at=london_time(today() - timedelta(days=60), 10, 30))
    recent = factories.meeting(starts_at=london_time(today() - timedelta(days=30), 10, 30))
    factories.meeting(starts_at=london_time(days[1], 10, 30))
    factories.meeting(starts_at=london_time(days[0], 10, 30), venue=None)
    factories.meeting(starts_at=london_time(days[2], 10, 30), status=MeetingStatus.CANCELLED)
    factories.meeting(starts_at=london_time(days[3], 10, 30), status=MeetingStatus.DRAFT)

    response = client.get("/meetings")
    assert heading(response) == "Meetings"
    captions = [c.get_text(strip=True) for c in page(response).select("main table caption")]
    assert captions == ["Upcoming meetings", "Past meetings"]
    assert table_rows(response, "main table") == [
        [f"{format_date(days[0], weekday=True)}, 10:30am to 1pm", "To be confirmed", "Scheduled"],
        [
            f"{format_date(days[1], weekday=True)}, 10:30am to 1pm",
            "2 Marsham Street, London",
            "Scheduled",
        ],
        [
            f"{format_date(days[2], weekday=True)}, 10:30am to 1pm",
            "2 Marsham Street, London",
            "Cancelled",
        ],
    ]
    past = page(response).select("main table")[1]
    assert [a["href"] for a in past.select("a")] == [
        f"/meetings/{recent.slug}",
        f"/meetings/{older.slug}",
    ]  # most recent first
    assert "Schedule a year of meetings" not in main_text(response)


def test_list_with_no_meetings_says_so(client):
    response = client.get("/meetings")
    text = main_text(response)
    assert "No meetings are scheduled yet." in text
    assert "There are no past meetings yet." in text
    assert page(response).select_one("main a[href='/meetings.ics']") is not None


def test_secretariat_sees_drafts_and_the_scheduling_buttons(client, login_as):
    login_as(Role.SECRETARIAT)
    factories.meeting(starts_at=london_time(date(2027, 5, 11), 10, 30), status=MeetingStatus.DRAFT)
    response = client.get("/meetings")
    assert table_rows(response, "main table") == [
        ["Tuesday 11 May 2027, 10:30am to 1pm", "2 Marsham Street, London", "Draft"]
    ]
    buttons = [a.get_text(strip=True) for a in page(response).select("main a.govuk-button")]
    assert buttons == ["Schedule a year of meetings", "Add a single meeting"]


@pytest.mark.parametrize("role", [None, Role.CHAIR, Role.LEADER, Role.OFFICER, Role.MINISTER])
def test_drafts_are_hidden_from_everyone_but_the_secretariat(client, login_as, role):
    draft = factories.meeting(status=MeetingStatus.DRAFT)
    factories.agenda_item(meeting=draft, title="Draft thinking")
    if role is not None:
        login_as(role)
    assert "No meetings are scheduled yet." in main_text(client.get("/meetings"))
    for path in ("", ".ics", "/agenda.pdf"):
        response = client.get(f"/meetings/{draft.slug}{path}")
        assert response.status_code == 404
        assert "Draft thinking" not in response.get_data(as_text=True)


def test_unknown_and_malformed_addresses_are_not_found(client):
    assert client.get("/meetings/2027-02-09").status_code == 404
    assert heading(client.get("/meetings/2027-02-09")) == "Page not found"
    assert client.get("/meetings/9-2-2027").status_code == 404


# A meeting's page -------------------------------------------------------------------------


def test_scheduled_meeting_says_the_agenda_will_be_published(client):
    meeting = factories.meeting(starts_at=london_time(date(2027, 2, 9), 10, 30))
    factories.agenda_item(meeting=meeting, title="Not yet public")
    response = client.get(f"/meetings/{meeting.slug}")
    assert heading(response) == "Tuesday 9 February 2027"
    assert page(response).select_one("main .govuk-tag").get_text(strip=True) == "Scheduled"
    details = summary_list(response)
    assert details["When"] == "Tuesday 9 February 2027, 10:30am to 1pm"
    assert details["Venue"] == "2 Marsham Street, London"
    assert "The agenda will be published before the meeting." in main_text(response)
    assert "Not yet public" not in response.get_data(as_text=True)
    assert page(response).select_one("a[href$='agenda.pdf']") is None


def test_online_link_is_only_for_signed_in_members(client, login_as):
    meeting = factories.meeting(published=True)
    meeting.online_link = JOIN_LINK
    factories.agenda_item(meeting=meeting)

    anonymous = client.get(f"/meetings/{meeting.slug}")
    assert summary_list(anonymous)["Online"] == "Members can join online. Sign in to see the link."
    assert JOIN_LINK not in anonymous.get_data(as_text=True)

    login_as(None)  # signed in but holding no role on the Commission
    no_role = client.get(f"/meetings/{meeting.slug}")
    assert JOIN_LINK not in no_role.get_data(as_text=True)

    for role in (Role.OFFICER, Role.LEADER, Role.MINISTER, Role.CHAIR, Role.SECRETARIAT):
        login_as(role)
        member = client.get(f"/meetings/{meeting.slug}")
        assert summary_list(member)["Online"] == "Join the meeting online"
        link = page(member).select_one("main .govuk-summary-list a[rel]")
        assert link["href"] == JOIN_LINK


def test_former_member_does_not_see_the_link(client, login_as):
    meeting = factories.meeting(published=True)
    meeting.online_link = JOIN_LINK
    person = login_as(None)
    factories.appointment(
        user=person,
        role=Role.OFFICER,
        starts_on=date(2025, 1, 1),
        ends_on=datetime.now(UTC).date() - timedelta(days=2),
    )
    response = client.get(f"/meetings/{meeting.slug}")
    assert JOIN_LINK not in response.get_data(as_text=True)


def test_no_online_row_without_a_link(client):
    meeting = factories.meeting(published=True)
    assert "Online" not in summary_list(client.get(f"/meetings/{meeting.slug}"))


def test_published_agenda_shows_items_with_start_times(client):
    meeting = factories.meeting(starts_at=london_time(date(2027, 7, 13), 10, 30), published=True)
    factories.agenda_item(meeting=meeting, title="Welcome", duration_minutes=30)
    item = factories.agenda_item(
        meeting=meeting,
        title="Housing delivery",
        duration_minutes=45,
        presenter="Minister for Housing",
    )
    item.description = "Paper **A** sets out:\n\n- targets\n- funding"
    factories.agenda_item(meeting=meeting, title="Any other business", duration_minutes=15)
    response = client.get(f"/meetings/{meeting.slug}")
    assert agenda_headings(response) == [
        "1. Welcome",
        "2. Housing delivery",
        "3. Any other business",
    ]
    details = item_details(response, item)
    assert "11am, 45 minutes · Discussion · Presented by Minister for Housing" in details
    section = page(response).select_one(f"#item-{item.id}")
    assert section.select_one("p.govuk-body strong").get_text() == "A"
    assert [li.get_text() for li in section.select("ul.govuk-list--bullet li")] == [
        "targets",
        "funding",
    ]
    times = [
        p.get_text(" ", strip=True).split(",")[0]
        for p in page(response).select("main li p.govuk-body-s")
    ]
    assert times == ["10:30am", "11am", "11:45am"]
    assert page(response).select_one("main a[href$='/agenda.pdf']") is not None


def test_confidential_item_is_hidden_from_the_public_and_shown_to_members(client, login_as):
    meeting = factories.meeting(published=True)
    secret = factories.agenda_item(
        meeting=meeting,
        title="Intervention at Testshire",
        confidential=True,
        presenter="Permanent Secretary",
    )
    secret.description = "Commissioners to be appointed."
    factories.paper(item=secret, title="Commissioners' report")

    public = client.get(f"/meetings/{meeting.slug}")
    assert agenda_headings(public) == ["1. Confidential item"]
    text = public.get_data(as_text=True)
    for hidden in (
        "Intervention at Testshire",
        "Permanent Secretary",
        "Commissioners to be appointed",
        "Commissioners&#39; report",
        "Commissioners' report",
        "/papers/",
    ):
        assert hidden not in text

    login_as(Role.LEADER)
    member = client.get(f"/meetings/{meeting.slug}")
    assert agenda_headings(member) == ["1. Intervention at Testshire"]
    details = item_details(member, secret)
    assert "Presented by Permanent Secretary" in details
    assert "Confidential" in details
    assert "Commissioners to be appointed." in details
    assert "Commissioners' report" in details


def test_restricted_papers_are_hidden_from_the_public(client, login_as):
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting, title="Finance")
    public_paper = factories.paper(item=item, title="Settlement summary")
    restricted = factories.paper(item=item, title="Draft allocations", public=False)

    anonymous = client.get(f"/meetings/{meeting.slug}")
    links = {
        a.get_text(strip=True): a["href"] for a in page(anonymous).select(f"#item-{item.id} a")
    }
    assert links == {"Settlement summary": f"/papers/{public_paper.id}/briefing.pdf"}
    assert "Draft allocations" not in anonymous.get_data(as_text=True)

    login_as(Role.OFFICER)
    member = client.get(f"/meetings/{meeting.slug}")
    papers = [li.get_text(" ", strip=True) for li in page(member).select(f"#item-{item.id} ul li")]
    assert papers == [
        "Settlement summary (PDF, 1 KB)",
        "Draft allocations (PDF, 1 KB) · members only",
    ]
    assert page(member).select_one(f"a[href='/papers/{restricted.id}/briefing.pdf']") is not None


def test_item_with_only_restricted_papers_shows_the_public_no_papers_heading(client, login_as):
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting, title="Finance")
    factories.paper(item=item, title="Draft allocations", public=False)

    anonymous = page(client.get(f"/meetings/{meeting.slug}")).select_one(f"#item-{item.id}")
    assert anonymous.find("h4", string="Papers") is None
    assert anonymous.select("ul") == []

    login_as(Role.OFFICER)
    member = page(client.get(f"/meetings/{meeting.slug}")).select_one(f"#item-{item.id}")
    assert member.find("h4", string="Papers") is not None
    assert [li.get_text(" ", strip=True) for li in member.select("ul li")] == [
        "Draft allocations (PDF, 1 KB) · members only"
    ]


def test_secretariat_sees_the_draft_agenda_and_the_management_links(client, login_as):
    login_as(Role.SECRETARIAT)
    meeting = factories.meeting(status=MeetingStatus.DRAFT)
    factories.agenda_item(meeting=meeting, title="Opening remarks")
    response = client.get(f"/meetings/{meeting.slug}")
    text = main_text(response)
    assert "Draft agenda: only the secretariat can see this." in text
    assert agenda_headings(response) == ["1. Opening remarks"]
    manage = [a.get_text(strip=True) for a in page(response).select("main h2 + ul.govuk-list a")]
    for link in (
        "Build the agenda",
        "Change the time or place",
        "Confirm the meeting",
        "Delete draft meeting",
    ):
        assert link in manage
    assert "Publish the agenda" not in manage  # a draft is confirmed first
    assert "Postpone the meeting" not in manage  # a draft's date is changed instead
    assert "Cancel the meeting" not in manage  # a draft is deleted instead


@pytest.mark.parametrize("role", [None, Role.LEADER, Role.CHAIR])
def test_others_see_no_management_links(client, login_as, role):
    meeting = factories.meeting(published=True)
    factories.agenda_item(meeting=meeting)
    if role is not None:
        login_as(role)
    response = client.get(f"/meetings/{meeting.slug}")
    assert "Manage this meeting" not in main_text(response)
    assert page(response).select_one(f"a[href='/meetings/{meeting.slug}/agenda']") is None


# Query counts ------------------------------------------------------------------------------


def meeting_with_items(count: int):
    meeting = factories.meeting(published=True)
    for n in range(count):
        item = factories.agenda_item(
            meeting=meeting, title=f"Item {n}", duration_minutes=5, confidential=n % 4 == 0
        )
        factories.paper(item=item, title=f"Paper {n}")
        factories.paper(item=item, title=f"Restricted {n}", public=False)
    return meeting


@pytest.mark.parametrize("role", [None, Role.OFFICER, Role.SECRETARIAT])
def test_meeting_page_queries_do_not_grow_with_items(client, login_as, role):
    if role is not None:
        login_as(role)
    small, large = (f"/meetings/{meeting_with_items(n).slug}" for n in (3, 15))
    client.get(small)  # warm caches that are not per page
    with count_selects() as few:
        assert len(agenda_headings(client.get(small))) == 3
    with count_selects() as many:
        assert len(agenda_headings(client.get(large))) == 15
    assert len(many) <= len(few), many


def test_meetings_list_queries_do_not_grow_with_meetings(client):
    start = today() + timedelta(days=10)
    for n in range(3):
        factories.meeting(starts_at=london_time(start + timedelta(days=n), 10, 30))
    client.get("/meetings")  # warm caches that are not per page
    with count_selects() as few:
        assert len(table_rows(client.get("/meetings"), "main table")) == 3
    for n in range(3, 15):
        meeting = factories.meeting(starts_at=london_time(start + timedelta(days=n), 10, 30))
        factories.agenda_item(meeting=meeting)
    with count_selects() as many:
        assert len(table_rows(client.get("/meetings"), "main table")) == 15
    assert len(many) <= len(few), many
