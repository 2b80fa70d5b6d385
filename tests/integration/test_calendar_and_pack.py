"""The agenda pack (a PDF made by WeasyPrint, read back with pdftotext) and the
iCalendar feeds: stable UIDs, Europe/London times, cancellations sent as
cancelled events with a higher SEQUENCE, joining links only for members."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from commission.auth.roles import Role
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from tests import factories
from tests.conftest import count_statements
from tests.factories import london_time
from tests.pages import expect, pdf_text, sign_out

JOIN_LINK = "https://teams.example.gov.uk/l/meetup-join/lgc"


def flat(text: str) -> str:
    """All whitespace made single spaces, for phrases a table may wrap."""
    return " ".join(text.split())


def papers_list(text: str) -> str:
    """The pack's contents page: its papers, item by item, with page numbers."""
    return text[text.index("Contents") : text.index("Page numbers are the pages of this PDF")]


def events(response) -> list:
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data).walk("VEVENT")


@pytest.fixture
def meeting():
    """Tuesday 13 July 2027, 10:30am to 1pm London time, agenda published, with
    a public item, a confidential item, and public and restricted papers."""
    meeting = factories.meeting(starts_at=london_time(date(2027, 7, 13), 10, 30), published=True)
    meeting.online_link = JOIN_LINK
    welcome = factories.agenda_item(
        meeting=meeting, title="Welcome and apologies", duration_minutes=10, presenter="The Chair"
    )
    finance = factories.agenda_item(
        meeting=meeting,
        title="Local government finance settlement",
        duration_minutes=45,
        presenter="Minister for Local Government",
    )
    secret = factories.agenda_item(
        meeting=meeting,
        title="Intervention at Testshire",
        duration_minutes=30,
        presenter="Permanent Secretary",
        confidential=True,
    )
    factories.paper(item=welcome, title="Minutes of the last meeting")
    factories.paper(item=finance, title="Settlement summary")
    factories.paper(item=finance, title="Draft allocations by authority", public=False)
    factories.paper(item=secret, title="Commissioners report")
    return meeting


# The agenda pack ---------------------------------------------------------------------------------


def test_public_pack_has_cover_agenda_papers_and_page_numbers(client, meeting):
    response = client.get(f"/meetings/{meeting.slug}/agenda.pdf")
    expect(response, 200)
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == 'inline; filename="agenda-2027-07-13.pdf"'
    text = pdf_text(response, lines=True)

    cover, _, rest = text.partition("\f")
    assert "Local Government Commission" in cover
    assert "Agenda" in cover
    assert "Tuesday 13 July 2027, 10:30am to 1pm" in cover
    assert "2 Marsham Street, London" in cover
    assert "Page " not in cover  # the cover is counted but not numbered

    assert "1 10:30am Welcome and apologies The Chair" in rest
    assert "2 10:40am Local government finance settlement Minister for Local Government" in rest
    assert "3 11:25am Confidential item" in rest
    papers = flat(papers_list(rest))
    assert "Item 1: Welcome and apologies Paper 1: Minutes of the last meeting 4 PDF, 1 page" in (
        papers
    )
    assert "Item 2: Local government finance settlement Paper 2: Settlement summary 6" in papers
    assert "Page 2 of 7" in rest

    for hidden in (
        "Intervention at Testshire",
        "Permanent Secretary",
        "Commissioners report",
        "Draft allocations by authority",
        "members only",
        "Contains restricted items",
    ):
        assert hidden not in text


def test_members_pack_includes_confidential_items_and_restricted_papers(client, login_as, meeting):
    login_as(Role.LEADER)
    text = pdf_text(client.get(f"/meetings/{meeting.slug}/agenda.pdf"), lines=True)
    assert "Contains restricted items and papers for members of the Commission only" in flat(text)
    assert "3 11:25am Intervention at Testshire (confidential) Permanent Secretary" in text
    papers = flat(papers_list(text))
    assert "Paper 3: Draft allocations by authority (members only) 8" in papers
    assert "Item 3: Intervention at Testshire Paper 4: Commissioners report 10" in papers
    assert "Confidential item" not in text


def test_pack_papers_are_numbered_through_the_whole_list(client, login_as, meeting):
    login_as(Role.OFFICER)
    text = pdf_text(client.get(f"/meetings/{meeting.slug}/agenda.pdf"), lines=True)
    numbers = re.findall(r"Paper (\d+): ", papers_list(text))
    assert numbers == ["1", "2", "3", "4"]


def test_long_pack_numbers_every_page_after_the_cover(client):
    meeting = factories.meeting(starts_at=london_time(date(2027, 2, 9), 9, 0), published=True)
    for n in range(40):
        item = factories.agenda_item(meeting=meeting, title=f"Item number {n}", duration_minutes=5)
        item.description = "A paragraph of background that takes up some room on the page. " * 3
    text = pdf_text(client.get(f"/meetings/{meeting.slug}/agenda.pdf"), lines=True)
    pages = text.count("\f")
    assert pages >= 3
    for number in range(2, pages + 1):
        assert f"Page {number} of {pages}" in text
    assert "Item number 39" in text


def test_cancelled_meeting_pack_says_so(client, meeting):
    meeting.status = MeetingStatus.CANCELLED
    meeting.status_reason = "No quorum"
    text = pdf_text(client.get(f"/meetings/{meeting.slug}/agenda.pdf"), lines=True)
    assert "This meeting has been cancelled: No quorum." in text


@pytest.mark.parametrize("role", [None, Role.OFFICER, Role.CHAIR])
def test_no_pack_before_the_agenda_is_published(client, login_as, role):
    meeting = factories.meeting(status=MeetingStatus.SCHEDULED)
    factories.agenda_item(meeting=meeting, title="Not yet public")
    if role is not None:
        login_as(role)
    response = client.get(f"/meetings/{meeting.slug}/agenda.pdf")
    expect(response, 404)
    assert not response.data.startswith(b"%PDF")


def test_secretariat_can_see_a_draft_pack(client, login_as):
    meeting = factories.meeting(status=MeetingStatus.DRAFT)
    factories.agenda_item(meeting=meeting, title="Draft thinking", confidential=True)
    login_as(Role.SECRETARIAT)
    text = pdf_text(client.get(f"/meetings/{meeting.slug}/agenda.pdf"), lines=True)
    assert "Draft thinking (confidential)" in text


# The calendar feeds -----------------------------------------------------------------------------


def test_feed_has_one_event_per_public_meeting(client, app, meeting):
    scheduled = factories.meeting(starts_at=london_time(date(2027, 1, 12), 10, 30), venue=None)
    factories.meeting(starts_at=london_time(date(2027, 3, 9), 10, 30), status=MeetingStatus.DRAFT)
    response = client.get("/meetings.ics")
    assert response.headers["Content-Disposition"] == 'inline; filename="meetings.ics"'
    found = events(response)
    domain = app.config["CALENDAR_DOMAIN"]
    assert [str(e["UID"]) for e in found] == [
        f"meeting-{scheduled.id}@{domain}",
        f"meeting-{meeting.id}@{domain}",
    ]
    assert [str(e["STATUS"]) for e in found] == ["CONFIRMED", "CONFIRMED"]
    assert str(found[1]["SUMMARY"]) == "Local Government Commission"
    assert str(found[1]["LOCATION"]) == "2 Marsham Street, London"
    assert "LOCATION" not in found[0]
    assert str(found[1]["URL"]) == "http://commission.test/meetings/2027-07-13"


def test_the_feed_is_kept_until_a_record_changes_and_answers_304_to_an_app_holding_it(
    client, meeting
):
    first = client.get("/meetings.ics")
    with count_statements(selects_only=True) as kept:
        again = client.get("/meetings.ics")
    unchanged = client.get("/meetings.ics", headers={"If-None-Match": first.headers["ETag"]})

    assert again.data == first.data
    assert not any("FROM meetings" in statement for statement in kept)
    assert unchanged.status_code == 304
    compressed = client.get("/meetings.ics", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.data) == first.data

    added = factories.meeting(starts_at=london_time(date(2027, 1, 12), 10, 30))
    db.session.commit()  # any record changed: the kept feed is not used again
    changed = expect(
        client.get("/meetings.ics", headers={"If-None-Match": first.headers["ETag"]}), 200
    )
    assert f"meeting-{added.id}@" in changed.get_data(as_text=True)


def test_feed_uses_london_times(client, meeting):
    winter = factories.meeting(starts_at=london_time(date(2027, 1, 12), 10, 30))
    found = {str(e["UID"]).split("@")[0]: e for e in events(client.get("/meetings.ics"))}
    summer_event, winter_event = found[f"meeting-{meeting.id}"], found[f"meeting-{winter.id}"]
    for event, day in ((summer_event, date(2027, 7, 13)), (winter_event, date(2027, 1, 12))):
        start, end = event["DTSTART"], event["DTEND"]
        assert start.params["TZID"] == "Europe/London"
        assert start.dt.tzinfo.key == "Europe/London"
        assert (start.dt.date(), start.dt.hour, start.dt.minute) == (day, 10, 30)
        assert (end.dt.hour, end.dt.minute) == (13, 0)
    assert summer_event["DTSTART"].dt.astimezone(UTC) == datetime(2027, 7, 13, 9, 30, tzinfo=UTC)
    assert winter_event["DTSTART"].dt.astimezone(UTC) == datetime(2027, 1, 12, 10, 30, tzinfo=UTC)
    calendar = Calendar.from_ical(client.get("/meetings.ics").data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_uid_is_stable_across_requests_and_changes(client, login_as, meeting):
    before = [str(e["UID"]) for e in events(client.get("/meetings.ics"))]
    assert before == [str(e["UID"]) for e in events(client.get("/meetings.ics"))]
    login_as(Role.SECRETARIAT)
    client.post(
        f"/meetings/{meeting.slug}/edit",
        data={"day": ["13", "7", "2027"], "starts": "11:00", "ends": "13:00", "venue": "Leeds"},
    )
    [event] = events(client.get("/meetings.ics"))
    assert [str(event["UID"])] == before
    assert event["SEQUENCE"] == 1
    assert event["DTSTART"].dt == datetime(2027, 7, 13, 11, 0, tzinfo=ZoneInfo("Europe/London"))
    assert str(event["LOCATION"]) == "Leeds"


def test_cancelled_meeting_is_a_cancelled_event_with_a_higher_sequence(client, login_as, meeting):
    [before] = events(client.get("/meetings.ics"))
    assert str(before["STATUS"]) == "CONFIRMED"
    login_as(Role.SECRETARIAT)
    client.post(f"/meetings/{meeting.slug}/cancel", data={"reason": "No quorum"})
    sign_out(client)
    [after] = events(client.get("/meetings.ics"))
    assert str(after["UID"]) == str(before["UID"])
    assert str(after["STATUS"]) == "CANCELLED"
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert str(after["SUMMARY"]) == "Cancelled: Local Government Commission"
    assert str(after["DESCRIPTION"]).startswith("Cancelled: No quorum")


def test_postponed_meeting_is_cancelled_and_the_new_date_added(client, login_as, meeting):
    login_as(Role.SECRETARIAT)
    client.post(
        f"/meetings/{meeting.slug}/postpone",
        data={
            "day": ["20", "7", "2027"],
            "starts": "10:30",
            "ends": "13:00",
            "reason": "Recess dates changed",
        },
    )
    sign_out(client)
    old, new = events(client.get("/meetings.ics"))
    assert str(old["UID"]).startswith(f"meeting-{meeting.id}@")
    assert str(old["STATUS"]) == "CANCELLED"
    assert old["SEQUENCE"] == 1
    assert str(new["STATUS"]) == "CONFIRMED"
    assert str(new["UID"]) != str(old["UID"])
    assert new["DTSTART"].dt.date() == date(2027, 7, 20)


def test_feed_never_carries_the_joining_link(client, login_as, meeting):
    login_as(Role.SECRETARIAT)
    assert JOIN_LINK not in client.get("/meetings.ics").get_data(as_text=True)


def test_meeting_calendar_has_one_event_and_the_link_only_for_members(client, login_as, meeting):
    factories.meeting(starts_at=london_time(date(2027, 1, 12), 10, 30))
    response = client.get(f"/meetings/{meeting.slug}.ics")
    assert response.headers["Content-Disposition"] == ('inline; filename="meeting-2027-07-13.ics"')
    [event] = events(response)
    assert str(event["UID"]).startswith(f"meeting-{meeting.id}@")
    assert "Join online" not in str(event["DESCRIPTION"])
    assert JOIN_LINK not in response.get_data(as_text=True)

    login_as(None)
    assert JOIN_LINK not in client.get(f"/meetings/{meeting.slug}.ics").get_data(as_text=True)

    login_as(Role.OFFICER)
    [event] = events(client.get(f"/meetings/{meeting.slug}.ics"))
    assert f"Join online: {JOIN_LINK}" in str(event["DESCRIPTION"])


def test_empty_feed_is_still_a_calendar(client):
    response = client.get("/meetings.ics")
    assert events(response) == []
    assert str(Calendar.from_ical(response.data)["X-WR-CALNAME"]) == ("Local Government Commission")


def test_feed_with_a_meeting_on_a_leap_day(client):
    leap = factories.meeting(starts_at=london_time(date(2028, 2, 29), 10, 30))
    response = client.get("/meetings.ics")
    expect(response, 200)
    [event] = events(response)
    assert str(event["UID"]).startswith(f"meeting-{leap.id}@")
    assert event["DTSTART"].dt.tzinfo == ZoneInfo("Europe/London")
