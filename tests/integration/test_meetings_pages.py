"""The public meeting pages: the list of upcoming and past meetings, and a
meeting's page with its agenda, where confidential items, restricted papers
and the joining link are shown only to signed-in members."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from commission.auth.roles import Role
from commission.meetings.models import MeetingStatus
from commission.timeutil import format_date
from tests import factories
from tests.conftest import count_selects
from tests.factories import london_time
from tests.pages import expect, heading, main_text, ok, page, summary_list, table_rows

JOIN_LINK = "https://teams.example.gov.uk/l/meetup-join/abc"


def agenda_headings(response) -> list[str]:
    return [h.get_text(" ", strip=True) for h in page(response).select("main li h3")]


def item_details(response, item) -> str:
    element = page(response).select_one(f"#item-{item.id}")
    return element.get_text(" ", strip=True) if element else ""


# The list --------------------------------------------------------------------------------------


NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen_now(monkeypatch):
    """The list splits upcoming from past meetings, and picks its year, by now."""

    def freeze(moment: datetime = NOW) -> None:
        monkeypatch.setattr("commission.meetings.views.now_utc", lambda: moment)

    freeze()
    return freeze


def year_links(response) -> list[tuple[str, str]]:
    return [
        (a.get_text(" ", strip=True), a["href"])
        for a in page(response).select("main .govuk-pagination__item a")
    ]


def current_year(response) -> str:
    return (
        page(response)
        .select_one("main .govuk-pagination__item--current a")
        .get_text(" ", strip=True)
    )


def test_list_shows_upcoming_and_past_meetings_separately(client, frozen_now):
    days = [date(2027, 3, 9), date(2027, 4, 13), date(2027, 5, 11), date(2027, 6, 8)]
    older = factories.meeting(starts_at=london_time(date(2027, 1, 12), 10, 30))
    recent = factories.meeting(starts_at=london_time(date(2027, 2, 9), 10, 30))
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
    assert page(response).select_one("main .govuk-pagination") is None  # only one year


def test_list_with_no_meetings_says_so(client):
    response = client.get("/meetings")
    text = main_text(response)
    assert "No meetings are scheduled yet." in text
    assert "There are no past meetings yet." in text
    assert page(response).select_one("main a[href='/meetings.ics']") is not None


@pytest.fixture
def four_years(frozen_now):
    """Meetings from 2025 to 2028; now is 1 March 2027."""
    return {
        day: factories.meeting(starts_at=london_time(day, 10, 30))
        for day in (
            date(2025, 6, 10),
            date(2026, 2, 10),
            date(2026, 11, 10),
            date(2027, 1, 12),
            date(2027, 4, 13),
            date(2028, 1, 11),
        )
    }


def listed_dates(response) -> list[str]:
    """The date of each meeting listed, upcoming then past."""
    return [
        row.select_one("td").get_text(" ", strip=True).split(",")[0]
        for row in page(response).select("main table tbody tr")
    ]


def test_the_list_shows_the_year_of_the_next_meeting_with_links_to_every_year(client, four_years):
    response = client.get("/meetings")
    assert heading(response) == "Meetings"
    assert page(response).select_one("main h2").get_text(strip=True) == "2027"
    assert listed_dates(response) == [
        "Tuesday 13 April 2027",
        "Tuesday 11 January 2028",  # coming, so listed whatever its year
        "Tuesday 12 January 2027",
    ]
    assert year_links(response) == [
        ("2025", "/meetings?year=2025"),
        ("2026", "/meetings?year=2026"),
        ("2027", "/meetings?year=2027"),
        ("2028", "/meetings?year=2028"),
    ]
    assert current_year(response) == "2027"
    assert [a["aria-label"] for a in page(response).select("main .govuk-pagination__item a")] == [
        f"Meetings in {year}" for year in range(2025, 2029)
    ]
    nav = page(response).select_one("main nav.govuk-pagination")
    assert nav["aria-label"] == "Meetings by year"
    assert nav.select_one(".govuk-pagination__prev a")["href"] == "/meetings?year=2026"
    assert nav.select_one(".govuk-pagination__next a")["href"] == "/meetings?year=2028"


def test_an_earlier_year_lists_its_past_meetings_only(client, four_years):
    response = client.get("/meetings?year=2026")
    assert page(response).select_one("title").get_text().startswith("Meetings in 2026")
    captions = [c.get_text(strip=True) for c in page(response).select("main table caption")]
    assert captions == ["Past meetings"]
    assert listed_dates(response) == ["Tuesday 10 November 2026", "Tuesday 10 February 2026"]
    assert "No meetings are scheduled yet." not in main_text(response)
    assert current_year(response) == "2026"


def test_a_later_year_lists_its_upcoming_meetings_only(client, four_years):
    response = client.get("/meetings?year=2028")
    captions = [c.get_text(strip=True) for c in page(response).select("main table caption")]
    assert captions == ["Upcoming meetings"]
    assert listed_dates(response) == ["Tuesday 11 January 2028"]
    assert page(response).select_one("main .govuk-pagination__next") is None
    first = client.get("/meetings?year=2025")
    assert page(first).select_one("main .govuk-pagination__prev") is None
    assert listed_dates(first) == ["Tuesday 10 June 2025"]


def test_in_december_the_list_opens_on_next_year_when_the_next_meeting_is_in_it(client, frozen_now):
    frozen_now(datetime(2026, 12, 20, 12, 0, tzinfo=UTC))
    factories.meeting(starts_at=london_time(date(2026, 12, 8), 10, 30))
    factories.meeting(starts_at=london_time(date(2027, 1, 12), 10, 30))
    response = client.get("/meetings")
    assert listed_dates(response) == ["Tuesday 12 January 2027"]
    assert [year for year, _ in year_links(response)] == [
        "2026",
        "2027",
    ]


def test_in_december_next_januarys_meeting_is_listed_with_this_months(client, frozen_now):
    frozen_now(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    factories.meeting(starts_at=london_time(date(2026, 11, 10), 10, 30))
    factories.meeting(starts_at=london_time(date(2026, 12, 8), 10, 30))
    factories.meeting(starts_at=london_time(date(2027, 1, 12), 10, 30))
    response = client.get("/meetings")
    assert page(response).select_one("main h2").get_text(strip=True) == "2026"
    assert listed_dates(response) == [
        "Tuesday 8 December 2026",
        "Tuesday 12 January 2027",
        "Tuesday 10 November 2026",
    ]
    assert listed_dates(client.get("/meetings?year=2026")) == [
        "Tuesday 8 December 2026",
        "Tuesday 10 November 2026",
    ]


def test_with_no_meeting_to_come_the_list_opens_on_this_year(client, frozen_now):
    factories.meeting(starts_at=london_time(date(2025, 5, 13), 10, 30))
    response = client.get("/meetings")
    assert page(response).select_one("main h2").get_text(strip=True) == "2027"
    assert "No meetings are scheduled yet." in main_text(response)
    assert "There are no past meetings yet." in main_text(response)
    assert [href for _, href in year_links(response)] == [
        "/meetings?year=2025",
        "/meetings?year=2026",
        "/meetings?year=2027",
    ]


def test_a_year_without_meetings_between_others_says_so(client, frozen_now):
    factories.meeting(starts_at=london_time(date(2024, 5, 14), 10, 30))
    factories.meeting(starts_at=london_time(date(2026, 5, 12), 10, 30))
    shown = ok(client.get("/meetings?year=2025"))
    assert table_rows(shown, "main table") == []
    assert "There were no meetings in 2025." in main_text(shown)


@pytest.mark.parametrize(
    "year", ["abc", "20270", "2024", "2029", "-1", "0000", "9999", "2027.0", "二〇二七", "%00"]
)
def test_a_year_that_is_not_one_of_the_lists_is_not_found(client, four_years, year):
    response = client.get(f"/meetings?year={year}")
    expect(response, 404)


def test_an_empty_year_reads_as_the_default(client, four_years):
    assert listed_dates(client.get("/meetings?year=")) == listed_dates(client.get("/meetings"))


def test_a_year_of_drafts_only_is_for_the_secretariat(client, login_as, frozen_now):
    factories.meeting(starts_at=london_time(date(2027, 2, 9), 10, 30))
    factories.meeting(starts_at=london_time(date(2028, 2, 8), 10, 30), status=MeetingStatus.DRAFT)
    public = client.get("/meetings")
    assert page(public).select_one("main .govuk-pagination") is None
    expect(client.get("/meetings?year=2028"), 404)

    login_as(Role.SECRETARIAT)
    response = client.get("/meetings")
    assert listed_dates(response) == ["Tuesday 8 February 2028"]  # the next meeting, a draft
    assert [href for _, href in year_links(response)] == [
        "/meetings?year=2027",
        "/meetings?year=2028",
    ]


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
        expect(response, 404)
        assert "Draft thinking" not in response.get_data(as_text=True)


def test_unknown_and_malformed_addresses_are_not_found(client):
    expect(client.get("/meetings/2027-02-09"), 404)
    assert heading(client.get("/meetings/2027-02-09")) == "Page not found"
    expect(client.get("/meetings/9-2-2027"), 404)


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


def test_meetings_list_queries_do_not_grow_with_meetings(client, frozen_now):
    start = date(2027, 3, 10)
    for n in range(3):
        factories.meeting(starts_at=london_time(start + timedelta(days=n), 10, 30))
    client.get("/meetings")  # warm caches that are not per page
    with count_selects() as few:
        assert len(table_rows(client.get("/meetings"), "main table")) == 3
    for n in range(3, 15):
        meeting = factories.meeting(starts_at=london_time(start + timedelta(days=n), 10, 30))
        factories.agenda_item(meeting=meeting)
    for year in range(2017, 2027):  # ten years of history before
        for month in range(1, 13):
            factories.meeting(starts_at=london_time(date(year, month, 9), 10, 30))
    with count_selects() as many:
        response = client.get("/meetings")
        assert len(table_rows(response, "main table")) == 15
    assert len(year_links(response)) == 11
    assert len(many) <= len(few), many
