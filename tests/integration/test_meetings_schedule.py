"""The secretariat schedules a year of meetings (preview, then create), adds
and edits single meetings, and moves them through their statuses: confirm,
publish the agenda, record as held, cancel and postpone, and delete drafts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from commission.auth.roles import Role
from commission.extensions import db
from commission.meetings.models import AgendaItem, Meeting, MeetingStatus
from commission.timeutil import last_bank_holiday_year, today
from tests import factories
from tests.conftest import audit_events
from tests.factories import london_time
from tests.pages import (
    banner,
    csrf_token_from,
    error_summary,
    expect,
    form_fields,
    heading,
    main_text,
    ok,
    page,
    table_rows,
)

FORBIDDEN_ROLES = [Role.LEADER, Role.OFFICER, Role.MINISTER, Role.CHAIR]


def schedule_data(**overrides) -> dict:
    data = {
        "year": "2027",
        "ordinal": "second",
        "weekday": "1",
        "starts": "10:30",
        "ends": "13:00",
        "skip_months": ["8"],
        "venue": "2 Marsham Street, London SW1P 4DF",
        "online_link": "https://teams.example.gov.uk/meet/lgc",
    }
    data.update(overrides)
    return data


def meeting_data(on: date = date(2027, 2, 9), **overrides) -> dict:
    data = {
        "day": [str(on.day), str(on.month), str(on.year)],
        "starts": "10:30",
        "ends": "13:00",
        "venue": "2 Marsham Street, London",
        "online_link": "",
    }
    data.update(overrides)
    return data


def all_meetings() -> list[Meeting]:
    return list(db.session.execute(select(Meeting).order_by(Meeting.starts_at)).scalars())


def meeting_count() -> int:
    return db.session.execute(select(func.count()).select_from(Meeting)).scalar_one()


def submit_buttons(response) -> list[str]:
    return [b.get_text(" ", strip=True) for b in page(response).select("main button")]


@pytest.fixture
def secretariat(login_as):
    return login_as(Role.SECRETARIAT, full_name="Sam Secretariat")


# Who may use these pages -------------------------------------------------------------------

SECRETARIAT_PAGES = [
    ("get", "/meetings/schedule"),
    ("post", "/meetings/schedule"),
    ("get", "/meetings/new"),
    ("post", "/meetings/new"),
    ("get", "/meetings/{slug}/edit"),
    ("post", "/meetings/{slug}/edit"),
    ("get", "/meetings/{slug}/confirm"),
    ("post", "/meetings/{slug}/publish"),
    ("post", "/meetings/{slug}/held"),
    ("get", "/meetings/{slug}/cancel"),
    ("post", "/meetings/{slug}/cancel"),
    ("get", "/meetings/{slug}/postpone"),
    ("post", "/meetings/{slug}/postpone"),
    ("get", "/meetings/{slug}/delete"),
    ("post", "/meetings/{slug}/delete"),
]


@pytest.mark.parametrize("role", FORBIDDEN_ROLES)
@pytest.mark.parametrize(("method", "path"), SECRETARIAT_PAGES)
def test_other_roles_are_forbidden(client, login_as, role, method, path):
    meeting = factories.meeting(status=MeetingStatus.SCHEDULED)
    login_as(role)
    response = getattr(client, method)(
        path.format(slug=meeting.slug), data=meeting_data(reason="x")
    )
    expect(response, 403)
    assert heading(response) == "You do not have permission to see this page"
    assert meeting_count() == 1
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.SCHEDULED


@pytest.mark.parametrize(("method", "path"), SECRETARIAT_PAGES)
def test_anonymous_people_are_sent_to_sign_in(client, method, path):
    meeting = factories.meeting(status=MeetingStatus.SCHEDULED)
    response = getattr(client, method)(path.format(slug=meeting.slug), data=meeting_data())
    expect(response, 302)
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert meeting_count() == 1


# Scheduling a year ---------------------------------------------------------------------------


def test_schedule_form_offers_the_usual_rule(client, secretariat):
    response = client.get("/meetings/schedule")
    assert heading(response) == "Schedule a year of meetings"
    form = page(response).select_one("main form")
    fields = form_fields(response)
    assert fields["year"] == str(today().year + 1)
    assert fields["ordinal"] == "second"
    assert form.select_one("select[name=weekday] option[selected]").get_text() == "Tuesday"
    assert (fields["starts"], fields["ends"]) == ("10:30", "13:00")
    checked = [box["value"] for box in form.select("input[name=skip_months][checked]")]
    assert checked == ["8"]
    assert submit_buttons(response) == ["Preview the dates"]


def test_preview_lists_every_month_but_the_skipped_ones_and_creates_nothing(client, secretariat):
    response = client.post("/meetings/schedule", data=schedule_data(skip_months=["8", "12"]))
    assert heading(response) == "Check the dates"
    assert page(response).select_one("main table caption").get_text(strip=True) == "10 meetings"
    rows = table_rows(response, "main table")
    assert [row[0] for row in rows] == [
        "Tuesday 12 January 2027, 10:30am to 1pm",
        "Tuesday 9 February 2027, 10:30am to 1pm",
        "Tuesday 9 March 2027, 10:30am to 1pm",
        "Tuesday 13 April 2027, 10:30am to 1pm",
        "Tuesday 11 May 2027, 10:30am to 1pm",
        "Tuesday 8 June 2027, 10:30am to 1pm",
        "Tuesday 13 July 2027, 10:30am to 1pm",
        "Tuesday 14 September 2027, 10:30am to 1pm",
        "Tuesday 12 October 2027, 10:30am to 1pm",
        "Tuesday 9 November 2027, 10:30am to 1pm",
    ]
    assert all(row[1] == "" for row in rows)
    assert "except August, December" in main_text(response)
    assert submit_buttons(response) == ["Create 10 meetings"]
    assert meeting_count() == 0


def test_preview_explains_every_moved_date(client, secretariat):
    response = client.post(
        "/meetings/schedule", data=schedule_data(ordinal="last", weekday="0", skip_months=[])
    )
    notes = {row[0]: row[1] for row in table_rows(response, "main table")}
    assert notes["Tuesday 30 March 2027, 10:30am to 1pm"] == (
        "Moved from Monday 29 March 2027: Monday 29 March 2027 is a bank holiday (Easter Monday)."
    )
    assert notes["Tuesday 1 June 2027, 10:30am to 1pm"] == (
        "Moved from Monday 31 May 2027: Monday 31 May 2027 is a bank holiday (Spring bank holiday)."
    )
    assert notes["Tuesday 31 August 2027, 10:30am to 1pm"] == (
        "Moved from Monday 30 August 2027: Monday 30 August 2027 is a bank holiday "
        "(Summer bank holiday)."
    )
    assert notes["Monday 26 April 2027, 10:30am to 1pm"] == ""
    assert len(notes) == 12


def test_preview_marks_a_clash_and_offers_no_create_button(client, secretariat):
    factories.meeting(starts_at=london_time(date(2027, 3, 9), 12, 0), minutes=120)
    response = client.post("/meetings/schedule", data=schedule_data())
    notes = {row[0]: row[1] for row in table_rows(response, "main table")}
    assert notes["Tuesday 9 March 2027, 10:30am to 1pm"] == (
        "Clash Overlaps the meeting on Tuesday 9 March 2027, 12pm ."
    )
    assert page(response).select_one("main td a")["href"] == "/meetings/2027-03-09"
    assert "Some dates clash with meetings already scheduled" in main_text(response)
    assert submit_buttons(response) == []
    assert meeting_count() == 1


def test_confirming_creates_every_meeting(client, secretariat):
    response = client.post(
        "/meetings/schedule", data=schedule_data(skip_months=["8"], confirm="yes")
    )
    assert response.headers["Location"] == "/meetings"
    meetings = all_meetings()
    assert len(meetings) == 11
    assert {m.status for m in meetings} == {MeetingStatus.SCHEDULED}
    assert [m.slug for m in meetings][:3] == ["2027-01-12", "2027-02-09", "2027-03-09"]
    assert "2027-08-10" not in [m.slug for m in meetings]
    january, july = meetings[0], meetings[6]
    assert (january.starts_at, january.ends_at) == (
        datetime(2027, 1, 12, 10, 30, tzinfo=UTC),
        datetime(2027, 1, 12, 13, 0, tzinfo=UTC),
    )
    assert (july.slug, july.starts_at, july.ends_at) == (
        "2027-07-13",
        datetime(2027, 7, 13, 9, 30, tzinfo=UTC),
        datetime(2027, 7, 13, 12, 0, tzinfo=UTC),
    )
    assert january.venue == "2 Marsham Street, London SW1P 4DF"
    assert january.online_link == "https://teams.example.gov.uk/meet/lgc"
    assert january.created_by_id == secretariat.id
    [event] = audit_events("meetings_scheduled")
    assert event.summary == (
        "Sam Secretariat scheduled 11 meetings: The second Tuesday of each month in 2027, "
        "10:30 to 13:00, Europe/London, except August"
    )
    listing = client.get("/meetings")
    assert banner(listing) == "Success 11 meetings scheduled for 2027"


def test_confirming_stores_moved_dates(client, secretariat):
    client.post(
        "/meetings/schedule",
        data=schedule_data(ordinal="last", weekday="0", skip_months=[], confirm="yes"),
    )
    slugs = [m.slug for m in all_meetings()]
    assert "2027-03-30" in slugs
    assert "2027-03-29" not in slugs
    assert "2027-06-01" in slugs
    assert "2027-12-29" in slugs
    march = db.session.execute(select(Meeting).where(Meeting.slug == "2027-03-30")).scalar_one()
    assert march.starts_at == datetime(2027, 3, 30, 9, 30, tzinfo=UTC)


def test_a_cancelled_meeting_on_the_day_gives_the_new_one_the_second_address(client, secretariat):
    factories.meeting(
        starts_at=london_time(date(2027, 1, 12), 10, 30), status=MeetingStatus.CANCELLED
    )
    client.post("/meetings/schedule", data=schedule_data(confirm="yes"))
    slugs = [m.slug for m in all_meetings() if m.status is MeetingStatus.SCHEDULED]
    assert slugs[0] == "2027-01-12-2"


def test_confirming_when_a_date_clashes_creates_nothing(client, secretariat):
    existing = factories.meeting(starts_at=london_time(date(2027, 3, 9), 12, 0), minutes=120)
    shown = ok(client.post("/meetings/schedule", data=schedule_data(confirm="yes")))
    assert error_summary(shown) == [
        ("These dates clash with meetings already scheduled: 9 March 2027", "")
    ]
    assert all_meetings() == [existing]
    assert audit_events("meetings_scheduled") == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"starts": "13:00", "ends": "10:30"},
            ("The end time must be after the start time", "#ends"),
        ),
        (
            {"starts": "10:30", "ends": "10:30"},
            ("The end time must be after the start time", "#ends"),
        ),
        ({"starts": "25:00"}, ("Enter the start time as a time, like 10:30 or 2pm", "#starts")),
        ({"ends": "noonish"}, ("Enter the end time as a time, like 10:30 or 2pm", "#ends")),
        ({"starts": ""}, ("Enter the start time", "#starts")),
        ({"year": "2025"}, ("Enter a year from 2026 to 2100", "#year")),
        ({"year": "20277"}, ("Enter a year from 2026 to 2100", "#year")),
        ({"year": "next"}, ("Enter the year as a whole number", "#year")),
        ({"year": ""}, ("Enter the year", "#year")),
        (
            {"skip_months": [str(m) for m in range(1, 13)]},
            ("Every month is skipped. Leave at least one month in", "#skip_months"),
        ),
        (
            {"online_link": "teams meeting"},
            ("Enter a full web address starting with https://", "#online_link"),
        ),
    ],
)
def test_schedule_validation(client, secretariat, overrides, expected):
    for confirm in ("", "yes"):
        response = client.post(
            "/meetings/schedule", data=schedule_data(confirm=confirm, **overrides)
        )
        assert heading(response) == "Schedule a year of meetings"
        assert error_summary(response) == [expected]
    assert meeting_count() == 0


def test_year_without_known_bank_holidays_is_refused(client, secretariat):
    year = last_bank_holiday_year() + 1
    response = client.post("/meetings/schedule", data=schedule_data(year=str(year)))
    assert error_summary(response) == [
        (
            f"Bank holidays for {year} are not known yet, so its dates cannot be checked. "
            f"Choose {year - 1} or earlier",
            "#year",
        )
    ]
    assert meeting_count() == 0


def test_times_can_be_written_as_people_write_them(client, secretariat):
    response = client.post("/meetings/schedule", data=schedule_data(starts="9.30am", ends="2pm"))
    rows = table_rows(response, "main table")
    assert rows[0][0] == "Tuesday 12 January 2027, 9:30am to 2pm"


# A single meeting -----------------------------------------------------------------------------


def test_add_meeting_form(client, secretariat):
    response = client.get("/meetings/new")
    assert heading(response) == "Add a meeting"
    form = page(response).select_one("main form")
    assert form.select_one("input[name=starts]")["value"] == "10:30"
    assert form.select_one("input[name=ends]")["value"] == "13:00"


def test_adding_a_meeting_makes_a_draft_only_the_secretariat_sees(client, login_as, secretariat):
    response = client.post(
        "/meetings/new",
        data=meeting_data(date(2027, 7, 13), online_link="https://teams.example.gov.uk/j/1"),
    )
    assert response.headers["Location"] == "/meetings/2027-07-13"
    [meeting] = all_meetings()
    assert meeting.status is MeetingStatus.DRAFT
    assert meeting.starts_at == datetime(2027, 7, 13, 9, 30, tzinfo=UTC)
    assert meeting.ends_at == datetime(2027, 7, 13, 12, 0, tzinfo=UTC)
    assert meeting.online_link == "https://teams.example.gov.uk/j/1"
    assert [e.subject_id for e in audit_events("meeting_created")] == [meeting.id]

    shown = client.get("/meetings/2027-07-13")
    assert heading(shown) == "Tuesday 13 July 2027"
    assert "Meeting added as a draft" in banner(shown)
    assert "Draft" in page(shown).select_one("main .govuk-tag").get_text()
    listed = [row[0] for row in table_rows(client.get("/meetings"), "main table")]
    assert listed == ["Tuesday 13 July 2027, 10:30am to 1pm"]

    for role in (Role.CHAIR, Role.LEADER):
        login_as(role)
        expect(client.get("/meetings/2027-07-13"), 404)
        expect(client.get("/meetings/2027-07-13.ics"), 404)
        assert "13 July 2027" not in main_text(client.get("/meetings"))
    with client.session_transaction() as session:
        session.clear()
    expect(client.get("/meetings/2027-07-13"), 404)


def test_second_meeting_on_a_day_gets_address_ending_2(client, secretariat):
    client.post("/meetings/new", data=meeting_data(starts="9:00", ends="10:00"))
    response = client.post("/meetings/new", data=meeting_data(starts="14:00", ends="15:00"))
    assert response.headers["Location"] == "/meetings/2027-02-09-2"
    assert [m.slug for m in all_meetings()] == ["2027-02-09", "2027-02-09-2"]
    third = client.post("/meetings/new", data=meeting_data(starts="16:00", ends="17:00"))
    assert third.headers["Location"] == "/meetings/2027-02-09-3"
    assert heading(client.get("/meetings/2027-02-09-2")) == "Tuesday 9 February 2027"


def test_meeting_ending_before_it_starts_is_refused_at_the_end_time(client, secretariat):
    response = client.post("/meetings/new", data=meeting_data(starts="13:00", ends="10:00"))
    assert heading(response) == "Add a meeting"
    assert error_summary(response) == [("The meeting must end after it starts", "#ends")]
    message = page(response).select_one("#ends-error")
    assert "The meeting must end after it starts" in message.get_text()
    assert meeting_count() == 0


def test_overlapping_meeting_is_refused_at_the_date(client, secretariat):
    factories.meeting(starts_at=london_time(date(2027, 2, 9), 10, 0), minutes=180)
    response = client.post("/meetings/new", data=meeting_data(starts="12:30", ends="14:00"))
    assert error_summary(response) == [
        ("This overlaps the meeting on Tuesday 9 February 2027, 10am", "#day")
    ]
    assert meeting_count() == 1


def test_meeting_right_after_another_is_not_an_overlap(client, secretariat):
    factories.meeting(starts_at=london_time(date(2027, 2, 9), 9, 0), minutes=90)
    response = client.post("/meetings/new", data=meeting_data(starts="10:30", ends="11:00"))
    expect(response, 302)
    assert meeting_count() == 2


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"day": ["", "", ""]}, ("Enter the date of the meeting", "#day")),
        ({"day": ["31", "2", "2027"]}, ("Date must be a real date", "#day")),
        ({"starts": "half ten"}, ("Enter the start time as a time, like 10:30 or 2pm", "#starts")),
        ({"ends": "24:00"}, ("Enter the end time as a time, like 10:30 or 2pm", "#ends")),
        ({"venue": "x" * 301}, ("Venue must be 300 characters or fewer", "#venue")),
    ],
)
def test_add_meeting_validation(client, secretariat, overrides, expected):
    response = client.post("/meetings/new", data=meeting_data(**overrides))
    assert expected in error_summary(response)
    assert meeting_count() == 0


def test_changing_the_time_raises_the_calendar_sequence(client, secretariat):
    meeting = factories.meeting(starts_at=london_time(date(2027, 2, 9), 10, 30))
    edit = client.get(f"/meetings/{meeting.slug}/edit")
    assert heading(edit) == "Change the meeting"
    form = page(edit).select_one("main form")
    assert [i["value"] for i in form.select("input[name=day]")] == ["09", "02", "2027"]
    assert form.select_one("input[name=starts]")["value"] == "10:30"

    response = client.post(
        f"/meetings/{meeting.slug}/edit", data=meeting_data(starts="11:00", ends="13:30")
    )
    assert response.headers["Location"] == "/meetings/2027-02-09"
    changed = db.session.get(Meeting, meeting.id)
    assert changed.starts_at == datetime(2027, 2, 9, 11, 0, tzinfo=UTC)
    assert changed.calendar_sequence == 1
    assert [e.subject_id for e in audit_events("meeting_updated")] == [meeting.id]


def test_saving_without_changes_leaves_the_sequence_alone(client, secretariat):
    meeting = factories.meeting(starts_at=london_time(date(2027, 2, 9), 10, 30))
    client.post(f"/meetings/{meeting.slug}/edit", data=meeting_data())
    assert db.session.get(Meeting, meeting.id).calendar_sequence == 0


def test_public_meeting_cannot_move_to_another_day(client, secretariat):
    meeting = factories.meeting(starts_at=london_time(date(2027, 2, 9), 10, 30))
    response = client.post(f"/meetings/{meeting.slug}/edit", data=meeting_data(date(2027, 2, 16)))
    assert error_summary(response) == [
        ("To move a published meeting to another day, postpone it instead", "#day")
    ]
    unchanged = db.session.get(Meeting, meeting.id)
    assert (unchanged.slug, unchanged.calendar_sequence) == ("2027-02-09", 0)
    assert unchanged.starts_at == datetime(2027, 2, 9, 10, 30, tzinfo=UTC)


def test_draft_meeting_can_move_day_and_takes_the_new_address(client, secretariat):
    meeting = factories.meeting(
        starts_at=london_time(date(2027, 2, 9), 10, 30), status=MeetingStatus.DRAFT
    )
    response = client.post(f"/meetings/{meeting.slug}/edit", data=meeting_data(date(2027, 2, 16)))
    assert response.headers["Location"] == "/meetings/2027-02-16"
    assert db.session.get(Meeting, meeting.id).slug == "2027-02-16"


def test_editing_into_an_overlap_is_refused(client, secretariat):
    factories.meeting(starts_at=london_time(date(2027, 2, 9), 14, 0), minutes=60)
    meeting = factories.meeting(starts_at=london_time(date(2027, 2, 9), 10, 30))
    response = client.post(
        f"/meetings/{meeting.slug}/edit", data=meeting_data(starts="10:30", ends="14:30")
    )
    assert error_summary(response) == [
        ("This overlaps the meeting on Tuesday 9 February 2027, 2pm", "#day")
    ]
    assert db.session.get(Meeting, meeting.id).ends_at == datetime(2027, 2, 9, 13, 0, tzinfo=UTC)


def test_held_meeting_cannot_be_edited(client, secretariat):
    meeting = factories.meeting(
        starts_at=london_time(date(2026, 1, 13), 10, 30), status=MeetingStatus.HELD
    )
    response = client.post(
        f"/meetings/{meeting.slug}/edit", data=meeting_data(date(2026, 1, 13), starts="11:00")
    )
    assert error_summary(response) == [("A meeting that is held cannot be changed", "")]
    assert db.session.get(Meeting, meeting.id).starts_at == datetime(
        2026, 1, 13, 10, 30, tzinfo=UTC
    )


# Status changes -----------------------------------------------------------------------------------


def test_confirming_a_draft_schedules_it(client, secretariat):
    meeting = factories.meeting(status=MeetingStatus.DRAFT)
    page_ = client.get(f"/meetings/{meeting.slug}/confirm")
    assert heading(page_) == "Confirm the meeting"
    assert "The date, time and place will be public" in main_text(page_)
    response = client.post(f"/meetings/{meeting.slug}/confirm")
    assert response.headers["Location"] == f"/meetings/{meeting.slug}"
    confirmed = db.session.get(Meeting, meeting.id)
    assert confirmed.status is MeetingStatus.SCHEDULED
    assert confirmed.calendar_sequence == 1
    assert [e.subject_id for e in audit_events("meeting_scheduled")] == [meeting.id]


def test_confirming_twice_is_refused(client, secretariat):
    meeting = factories.meeting(status=MeetingStatus.SCHEDULED)
    response = client.post(f"/meetings/{meeting.slug}/confirm")
    assert error_summary(response) == [("Only a draft meeting can be confirmed", "")]
    assert db.session.get(Meeting, meeting.id).calendar_sequence == 0


def test_publishing_the_agenda_asks_first_then_publishes(client, secretariat):
    meeting = factories.meeting(status=MeetingStatus.SCHEDULED)
    factories.agenda_item(meeting=meeting, title="Adult social care funding")
    confirm = client.get(f"/meetings/{meeting.slug}/publish")
    assert heading(confirm) == "Publish the agenda"
    assert submit_buttons(confirm) == ["Publish the agenda"]
    assert db.session.get(Meeting, meeting.id).agenda_published_at is None

    response = client.post(f"/meetings/{meeting.slug}/publish")
    assert response.headers["Location"] == f"/meetings/{meeting.slug}"
    published = db.session.get(Meeting, meeting.id)
    assert published.status is MeetingStatus.AGENDA_PUBLISHED
    assert published.agenda_published_at is not None
    assert [e.subject_id for e in audit_events("agenda_published")] == [meeting.id]
    shown = client.get(f"/meetings/{meeting.slug}")
    assert "Agenda published" in banner(shown)
    assert "Adult social care funding" in main_text(shown)


def test_a_draft_is_confirmed_before_its_agenda_is_published(client, secretariat):
    meeting = factories.meeting(status=MeetingStatus.DRAFT)
    factories.agenda_item(meeting=meeting, title="Adult social care funding")
    response = client.post(f"/meetings/{meeting.slug}/publish")
    assert error_summary(response) == [("Confirm the meeting before publishing its agenda", "")]
    unchanged = db.session.get(Meeting, meeting.id)
    assert (unchanged.status, unchanged.agenda_published_at) == (MeetingStatus.DRAFT, None)
    assert audit_events("agenda_published") == []


def test_publishing_an_empty_agenda_is_refused(client, secretariat):
    meeting = factories.meeting(status=MeetingStatus.SCHEDULED)
    response = client.post(f"/meetings/{meeting.slug}/publish")
    assert error_summary(response) == [
        ("Add at least one agenda item before publishing the agenda", "")
    ]
    unchanged = db.session.get(Meeting, meeting.id)
    assert (unchanged.status, unchanged.agenda_published_at) == (MeetingStatus.SCHEDULED, None)


def test_meeting_cannot_be_recorded_as_held_before_it_starts(client, secretariat):
    meeting = factories.meeting(status=MeetingStatus.SCHEDULED)
    response = client.post(f"/meetings/{meeting.slug}/held")
    assert error_summary(response) == [
        ("A meeting can be marked as held only once it has started", "")
    ]
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.SCHEDULED


def test_past_meeting_is_recorded_as_held(client, secretariat):
    meeting = factories.meeting(starts_at=datetime.now(UTC) - timedelta(days=3), published=True)
    assert heading(client.get(f"/meetings/{meeting.slug}/held")) == "Record the meeting as held"
    response = client.post(f"/meetings/{meeting.slug}/held")
    assert response.headers["Location"] == f"/meetings/{meeting.slug}"
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.HELD
    assert [e.subject_id for e in audit_events("meeting_held")] == [meeting.id]
    assert (
        "Held" in page(client.get(f"/meetings/{meeting.slug}")).select_one("main .govuk-tag").text
    )


def test_cancelling_needs_a_reason(client, secretariat):
    meeting = factories.meeting(status=MeetingStatus.SCHEDULED)
    form = client.get(f"/meetings/{meeting.slug}/cancel")
    assert heading(form) == "Cancel the meeting"
    response = client.post(f"/meetings/{meeting.slug}/cancel", data={"reason": "  "})
    assert error_summary(response) == [("Enter the reason", "#reason")]
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.SCHEDULED


def test_cancelling_shows_the_reason_publicly_and_raises_the_sequence(client, secretariat):
    meeting = factories.meeting(status=MeetingStatus.SCHEDULED)
    response = client.post(
        f"/meetings/{meeting.slug}/cancel", data={"reason": "Purdah before the general election"}
    )
    assert response.headers["Location"] == f"/meetings/{meeting.slug}"
    cancelled = db.session.get(Meeting, meeting.id)
    assert cancelled.status is MeetingStatus.CANCELLED
    assert cancelled.status_reason == "Purdah before the general election"
    assert cancelled.calendar_sequence == 1
    [event] = audit_events("meeting_cancelled")
    assert event.details == {"reason": "Purdah before the general election"}

    with client.session_transaction() as session:
        session.clear()
    public = client.get(f"/meetings/{meeting.slug}")
    assert page(public).select_one(".govuk-inset-text").get_text(" ", strip=True) == (
        "This meeting has been cancelled: Purdah before the general election."
    )
    assert page(public).select_one("main .govuk-tag").get_text(strip=True) == "Cancelled"


def test_held_meeting_cannot_be_cancelled(client, secretariat):
    meeting = factories.meeting(
        starts_at=datetime.now(UTC) - timedelta(days=3), status=MeetingStatus.HELD
    )
    response = client.post(f"/meetings/{meeting.slug}/cancel", data={"reason": "Oops"})
    assert error_summary(response) == [("A meeting that is held cannot be cancelled", "")]
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.HELD


def test_a_draft_is_not_cancelled_but_deleted(client, secretariat):
    draft = factories.meeting(status=MeetingStatus.DRAFT)
    shown = client.get(f"/meetings/{draft.slug}")
    links = [a.get_text(strip=True) for a in page(shown).select("main a")]
    assert "Cancel the meeting" not in links
    assert "Delete draft meeting" in links

    response = client.post(f"/meetings/{draft.slug}/cancel", data={"reason": "Not needed"})
    assert error_summary(response) == [("A draft meeting is not cancelled: delete it instead", "")]
    assert db.session.get(Meeting, draft.id).status is MeetingStatus.DRAFT
    assert audit_events("meeting_cancelled") == []

    with client.session_transaction() as session:
        session.clear()
    assert draft.slug not in client.get("/meetings").get_data(as_text=True)
    expect(client.get(f"/meetings/{draft.slug}"), 404)


def test_deleting_a_draft_removes_it_with_its_agenda_and_papers(client, secretariat, csrf_enabled):
    from commission.attendance.models import MinisterialAttendance
    from commission.meetings.models import AgendaChange, Paper

    draft = factories.meeting(
        starts_at=london_time(date(2027, 2, 9), 10, 30), status=MeetingStatus.DRAFT
    )
    first = factories.agenda_item(meeting=draft, title="Devolution deals")
    second = factories.agenda_item(meeting=draft, title="Local audit")
    factories.paper(item=first, title="Deals so far")
    factories.paper(item=second, title="Audit backlog")
    factories.ministerial_invitation(meeting=draft, item=first)
    kept = factories.meeting(starts_at=london_time(date(2027, 3, 9), 10, 30))
    factories.paper(item=factories.agenda_item(meeting=kept, title="Kept item"))

    form = client.get(f"/meetings/{draft.slug}/delete")
    assert heading(form) == "Delete draft meeting"
    assert page(form).select_one(".govuk-warning-text").get_text(" ", strip=True) == (
        "! Warning This deletes the meeting, its 2 agenda items and their 2 papers, "
        "and any invitations to ministers. You cannot undo this."
    )
    assert submit_buttons(form) == ["Delete draft meeting"]
    refused = client.post(f"/meetings/{draft.slug}/delete", data={})
    expect(refused, 400)  # no CSRF token, nothing deleted
    assert db.session.get(Meeting, draft.id) is not None

    response = client.post(
        f"/meetings/{draft.slug}/delete", data={"csrf_token": csrf_token_from(form)}
    )
    assert response.headers["Location"] == "/meetings"
    listed = client.get("/meetings")
    assert banner(listed) == "Success Draft meeting on Tuesday 9 February 2027, 10:30am deleted"
    assert draft.slug not in listed.get_data(as_text=True)

    db.session.expire_all()
    assert [m.id for m in all_meetings()] == [kept.id]
    assert [i.title for i in db.session.execute(select(AgendaItem)).scalars()] == ["Kept item"]
    assert [p.agenda_item.meeting_id for p in db.session.execute(select(Paper)).scalars()] == [
        kept.id
    ]
    assert db.session.execute(select(MinisterialAttendance)).scalars().all() == []
    assert db.session.execute(select(AgendaChange)).scalars().all() == []
    [event] = audit_events("meeting_deleted")
    assert event.subject_type == "meetings"
    assert event.subject_id == draft.id
    assert event.actor_id == secretariat.id
    assert event.details["agenda_items"] == ["Devolution deals", "Local audit"]
    assert [p["title"] for p in event.details["papers"]] == ["Deals so far", "Audit backlog"]
    assert event.details["ministerial_invitations"] == 1
    expect(client.get(f"/meetings/{draft.slug}"), 404)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            MeetingStatus.SCHEDULED,
            "A meeting that is scheduled is public and is not deleted: "
            "cancel or postpone it instead",
        ),
        (
            MeetingStatus.AGENDA_PUBLISHED,
            "A meeting that is agenda published is public and is not deleted: "
            "cancel or postpone it instead",
        ),
        (MeetingStatus.CANCELLED, "A meeting that is cancelled cannot be deleted"),
    ],
)
def test_only_a_draft_can_be_deleted(client, secretariat, status, message):
    meeting = factories.meeting(status=status)
    item = factories.agenda_item(meeting=meeting)
    factories.paper(item=item)
    shown = client.get(f"/meetings/{meeting.slug}")
    assert "Delete draft meeting" not in [a.get_text(strip=True) for a in page(shown).select("a")]
    form = client.get(f"/meetings/{meeting.slug}/delete")
    assert submit_buttons(form) == []
    assert "Only a draft meeting can be deleted." in main_text(form)

    response = client.post(f"/meetings/{meeting.slug}/delete")
    assert error_summary(response) == [(message, "")]
    assert submit_buttons(response) == []
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status is status
    assert [i.id for i in db.session.get(Meeting, meeting.id).items] == [item.id]
    assert len(item.papers) == 1
    assert audit_events("meeting_deleted") == []


def test_a_draft_with_records_of_a_meeting_is_not_deleted(client, secretariat):
    draft = factories.meeting(status=MeetingStatus.DRAFT)
    factories.draft_minutes(meeting=draft)
    response = client.post(f"/meetings/{draft.slug}/delete")
    assert error_summary(response) == [("This meeting cannot be deleted: it has minutes", "")]
    assert db.session.get(Meeting, draft.id) is not None


def postpone_data(day: date, **overrides) -> dict:
    data = {
        "day": [str(day.day), str(day.month), str(day.year)],
        "starts": "10:30",
        "ends": "13:00",
        "reason": "The Secretary of State is needed in Parliament",
    }
    data.update(overrides)
    return data


def test_postponing_moves_the_agenda_to_a_new_meeting(client, secretariat):
    old = factories.meeting(starts_at=london_time(date(2027, 2, 9), 10, 30), published=True)
    first = factories.agenda_item(meeting=old, title="Local government finance settlement")
    second = factories.agenda_item(meeting=old, title="Devolution deals")
    form = client.get(f"/meetings/{old.slug}/postpone")
    assert heading(form) == "Postpone the meeting"
    assert page(form).select_one("main input[name=starts]")["value"] == "10:30"

    response = client.post(f"/meetings/{old.slug}/postpone", data=postpone_data(date(2027, 2, 16)))
    assert response.headers["Location"] == "/meetings/2027-02-16"
    new = db.session.execute(select(Meeting).where(Meeting.slug == "2027-02-16")).scalar_one()
    postponed = db.session.get(Meeting, old.id)
    assert postponed.status is MeetingStatus.POSTPONED
    assert postponed.status_reason == "The Secretary of State is needed in Parliament"
    assert postponed.postponed_to_id == new.id
    assert postponed.calendar_sequence == 1
    assert new.status is MeetingStatus.SCHEDULED
    assert new.starts_at == datetime(2027, 2, 16, 10, 30, tzinfo=UTC)
    assert [i.id for i in new.items] == [first.id, second.id]
    assert postponed.items == []
    [event] = audit_events("meeting_postponed")
    assert event.details["new_meeting_id"] == new.id

    with client.session_transaction() as session:
        session.clear()
    public = client.get(f"/meetings/{old.slug}")
    inset = page(public).select_one(".govuk-inset-text")
    assert inset.get_text(" ", strip=True) == (
        "This meeting has been postponed: The Secretary of State is needed in Parliament. "
        "It will now take place on Tuesday 16 February 2027, 10:30am ."
    )
    assert inset.select_one("a")["href"] == "/meetings/2027-02-16"


def test_postponing_needs_a_reason_and_a_free_slot(client, secretariat):
    old = factories.meeting(starts_at=london_time(date(2027, 2, 9), 10, 30))
    factories.meeting(starts_at=london_time(date(2027, 2, 16), 11, 0))
    response = client.post(
        f"/meetings/{old.slug}/postpone", data=postpone_data(date(2027, 2, 16), reason="")
    )
    assert error_summary(response) == [("Enter the reason", "#reason")]
    response = client.post(f"/meetings/{old.slug}/postpone", data=postpone_data(date(2027, 2, 16)))
    assert error_summary(response) == [
        ("This overlaps the meeting on Tuesday 16 February 2027, 11am", "#day")
    ]
    response = client.post(
        f"/meetings/{old.slug}/postpone",
        data=postpone_data(date(2027, 2, 23), starts="13:00", ends="12:00"),
    )
    assert error_summary(response) == [("The meeting must end after it starts", "#ends")]
    assert meeting_count() == 2
    assert db.session.get(Meeting, old.id).status is MeetingStatus.SCHEDULED


def test_a_draft_is_not_postponed_but_moved_by_changing_its_date(client, secretariat):
    draft = factories.meeting(
        starts_at=london_time(date(2027, 2, 9), 10, 30), status=MeetingStatus.DRAFT
    )
    response = client.post(
        f"/meetings/{draft.slug}/postpone", data=postpone_data(date(2027, 2, 16))
    )
    assert [message for message, _ in error_summary(response)] == [
        "A draft meeting is not postponed: change its date instead"
    ]
    assert meeting_count() == 1
    assert db.session.get(Meeting, draft.id).status is MeetingStatus.DRAFT


def test_postponing_to_the_same_day_later_gets_the_second_address(client, secretariat):
    old = factories.meeting(starts_at=london_time(date(2027, 2, 9), 10, 30))
    factories.agenda_item(meeting=old)
    response = client.post(
        f"/meetings/{old.slug}/postpone",
        data=postpone_data(date(2027, 2, 9), starts="14:00", ends="16:00"),
    )
    assert response.headers["Location"] == "/meetings/2027-02-09-2"
    moved = db.session.execute(select(AgendaItem)).scalars().all()
    assert {i.meeting.slug for i in moved} == {"2027-02-09-2"}


def test_postponing_invites_the_ministers_again_for_the_new_date(client, secretariat):
    from commission.attendance.models import InvitationStatus, MinisterialAttendance
    from commission.notifications.models import OutboxMessage

    old = factories.meeting(starts_at=london_time(date(2027, 2, 9), 10, 30), published=True)
    item = factories.agenda_item(meeting=old, title="Schools funding")
    education = factories.minister()
    office = education.appointments[0].ministerial_office
    db.session.add_all(
        [
            MinisterialAttendance(
                meeting_id=old.id,
                agenda_item_id=item.id,
                ministerial_office_id=office.id,
                status=InvitationStatus.CONFIRMED,
            ),
            MinisterialAttendance(
                meeting_id=old.id, for_chair=True, status=InvitationStatus.DECLINED
            ),
        ]
    )
    db.session.flush()

    client.post(f"/meetings/{old.slug}/postpone", data=postpone_data(date(2027, 2, 16)))

    new = db.session.execute(select(Meeting).where(Meeting.slug == "2027-02-16")).scalar_one()
    moved = list(
        db.session.execute(
            select(MinisterialAttendance)
            .where(MinisterialAttendance.meeting_id == new.id)
            .order_by(MinisterialAttendance.id)
        ).scalars()
    )
    assert [(i.agenda_item_id, i.ministerial_office_id, i.for_chair, i.status) for i in moved] == [
        (item.id, office.id, False, InvitationStatus.INVITED),
        (None, None, True, InvitationStatus.INVITED),
    ]
    kept = db.session.execute(
        select(func.count(MinisterialAttendance.id)).where(
            MinisterialAttendance.meeting_id == old.id
        )
    ).scalar_one()
    assert kept == 2
    [invited] = db.session.execute(
        select(OutboxMessage).where(
            OutboxMessage.template == "minister_invited",
            OutboxMessage.recipient == education.email,
        )
    ).scalars()
    assert "16 February 2027" in invited.body_text
    [event] = audit_events("meeting_postponed")
    assert event.details["ministers_invited_again"] == [i.id for i in moved]

    with client.session_transaction() as session:
        session["_user_id"] = education.get_id()
        session["_fresh"] = True
    response = client.get(f"/meetings/{new.slug}")
    text = page(response).select_one("main").get_text(" ", strip=True)
    assert "Your invitations" in text
    assert "Invited" in text
