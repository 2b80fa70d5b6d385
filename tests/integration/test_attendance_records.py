"""Attendance records: who came to a meeting (public once it is held), an
authority's record over the last 12 months, and the expected attendance in
the agenda pack."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from commission.attendance.models import InvitationStatus
from commission.auth.roles import Role
from commission.extensions import db
from commission.meetings.models import Meeting, MeetingStatus
from commission.membership.models import Authority
from commission.timeutil import today
from tests import factories
from tests.conftest import count_selects
from tests.factories import london_time
from tests.pages import expect, heading, main_text, page, pdf_text, read_csv, sign_out


def attendance_url(meeting: Meeting) -> str:
    return f"/meetings/{meeting.slug}/attendance"


def sections(response) -> dict[str, list[str]]:
    """Each h2 of the record with the items listed under it (the map under
    the record has its own tests, in test_maps.py)."""
    result = {}
    for h2 in page(response).select("main .govuk-grid-row h2"):
        following = h2.find_next_sibling()
        items = following.find_all("li") if following is not None and following.name == "ul" else []
        result[h2.get_text(" ", strip=True)] = [li.get_text(" ", strip=True) for li in items]
    return result


def office(title: str):
    return factories.ministerial_office(title=title)


def invite(meeting, title, status, item=None, stand_in=None, attended=None):
    invitation = factories.ministerial_invitation(meeting=meeting, office=office(title), item=item)
    invitation.status = status
    invitation.stand_in_office = stand_in
    invitation.attended = attended
    db.session.flush()
    return invitation


# A meeting's record ----------------------------------------------------------------------------


@pytest.fixture
def recorded(client, login_as):
    """A meeting that has started, with the register taken by the secretariat."""
    meeting = factories.meeting(starts_at=datetime.now(UTC) - timedelta(hours=1))
    item = factories.agenda_item(meeting=meeting, title="Fair funding")
    a, b, c, d, e, f, _ = (factories.council(name=f"Council {x}") for x in "ABCDEFG")
    factories.council(name="Council Outsider", member=False)
    came = invite(meeting, "Chief Secretary", InvitationStatus.CONFIRMED, item)
    invite(
        meeting,
        "Minister for Homes",
        InvitationStatus.STAND_IN,
        stand_in=office("Minister for Towns"),
    )
    invite(meeting, "Minister for Roads", InvitationStatus.INVITED)
    invite(meeting, "Minister for Lost Causes", InvitationStatus.DECLINED)
    login_as(Role.SECRETARIAT)
    response = client.post(
        f"/meetings/{meeting.slug}/register",
        data={
            f"mark-{a.id}": "in_person",
            f"mark-{b.id}": "in_person",
            f"late-{b.id}": "yes",
            f"mark-{c.id}": "remote",
            f"mark-{d.id}": "substitute",
            f"mark-{e.id}": "apologies",
            f"mark-{f.id}": "absent",
            f"minister-{came.id}": "yes",
        },
    )
    expect(response, 302)
    invite(meeting, "Minister for Late Replies", InvitationStatus.CONFIRMED)
    sign_out(client)
    return meeting


def test_record_is_not_public_until_the_meeting_is_held(client, login_as, recorded):
    meeting = recorded
    response = client.get(attendance_url(meeting))
    expect(response, 404)
    assert "Council A" not in response.get_data(as_text=True)
    assert "Who attended" not in main_text(client.get(f"/meetings/{meeting.slug}"))
    login_as(Role.LEADER)
    expect(client.get(attendance_url(meeting)), 404)


def test_secretariat_sees_the_record_before_the_meeting_is_held(client, login_as, recorded):
    login_as(Role.SECRETARIAT)
    response = client.get(attendance_url(recorded))
    expect(response, 200)
    assert heading(response) == "Attendance"
    assert "Only the secretariat can see this until the meeting is recorded as held." in (
        main_text(response)
    )
    assert sections(response)["Present in person (2)"] == ["Council A", "Council B (arrived late)"]


@pytest.mark.parametrize("status", [MeetingStatus.HELD, MeetingStatus.MINUTES_PUBLISHED])
def test_record_is_public_once_the_meeting_is_held(client, recorded, status):
    meeting = recorded
    meeting.status = status
    db.session.flush()

    link = page(client.get(f"/meetings/{meeting.slug}")).find("a", string="Who attended")
    assert link["href"] == attendance_url(meeting)
    response = client.get(attendance_url(meeting))
    expect(response, 200)
    text = main_text(response)
    assert "Only the secretariat" not in text
    assert (
        "4 of 7 member authorities were present. The quorum was 3, "
        "so the meeting was quorate." in text
    )
    assert sections(response) == {
        "Ministers": [
            "Chief Secretary, for “Fair funding”: attended",
            "Minister for Towns (for Minister for Homes): did not attend",
            "Minister for Late Replies: not recorded",
        ],
        "Present in person (2)": ["Council A", "Council B (arrived late)"],
        "Present remotely (1)": ["Council C"],
        "Substitute present (1)": ["Council D"],
        "Apologies (1)": ["Council E"],
        "Absent (1)": ["Council F"],
        "Not recorded (1)": ["Council G"],
    }
    for hidden in ("Minister for Roads", "Minister for Lost Causes", "Council Outsider"):
        assert hidden not in text


def test_record_without_a_register_or_ministers(client):
    meeting = factories.meeting(
        starts_at=datetime.now(UTC) - timedelta(days=1), status=MeetingStatus.HELD
    )
    factories.council(name="Council A")
    response = client.get(attendance_url(meeting))
    text = main_text(response)
    assert "were present" not in text
    assert "No ministers were due to attend." in text
    assert sections(response)["Not recorded (1)"] == ["Council A"]
    assert sections(response)["Present in person (0)"] == []


@pytest.mark.parametrize("status", [MeetingStatus.CANCELLED, MeetingStatus.POSTPONED])
def test_record_of_a_meeting_that_did_not_go_ahead_is_not_public(client, status):
    meeting = factories.meeting(starts_at=datetime.now(UTC) - timedelta(days=1), status=status)
    expect(client.get(attendance_url(meeting)), 404)


# A meeting's record as a download --------------------------------------------------------------


def csv_url(meeting: Meeting) -> str:
    return f"/meetings/{meeting.slug}/attendance.csv"


RECORD_HEADER = ["Authority", "Type", "Region", "Register", "Arrived late"]


def test_record_as_csv_mirrors_the_page(client, recorded):
    meeting = recorded
    meeting.status = MeetingStatus.HELD
    db.session.flush()
    link = page(client.get(attendance_url(meeting))).find(
        "a", string="Download this attendance record (CSV)"
    )
    assert link.has_attr("download")
    assert link["href"] == csv_url(meeting)
    response = client.get(link["href"])
    expect(response, 200)
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert f'filename="attendance-{meeting.slug}.csv"' in disposition
    council = ["Unitary authority", "North West"]
    assert read_csv(response) == [
        RECORD_HEADER,
        ["Council A", *council, "Present in person", "No"],
        ["Council B", *council, "Present in person", "Yes"],
        ["Council C", *council, "Present remotely", "No"],
        ["Council D", *council, "Substitute present", "No"],
        ["Council E", *council, "Apologies", "No"],
        ["Council F", *council, "Absent", "No"],
        ["Council G", *council, "Not recorded", ""],
        [],
        ["Minister", "For item", "Attended"],
        ["Chief Secretary", "Fair funding", "Attended"],
        ["Minister for Towns (for Minister for Homes)", "", "Did not attend"],
        ["Minister for Late Replies", "", "Not recorded"],
    ]
    text = response.get_data(as_text=True)
    for hidden in ("Minister for Roads", "Minister for Lost Causes", "Council Outsider"):
        assert hidden not in text


def test_record_csv_is_not_public_until_the_meeting_is_held(client, login_as, recorded):
    meeting = recorded
    response = client.get(csv_url(meeting))
    expect(response, 404)
    assert "Council A" not in response.get_data(as_text=True)
    login_as(Role.LEADER)
    expect(client.get(csv_url(meeting)), 404)
    login_as(Role.SECRETARIAT)
    response = client.get(csv_url(meeting))
    expect(response, 200)
    assert read_csv(response)[1] == [
        "Council A",
        "Unitary authority",
        "North West",
        "Present in person",
        "No",
    ]


@pytest.mark.parametrize("status", [MeetingStatus.CANCELLED, MeetingStatus.POSTPONED])
def test_record_csv_of_a_meeting_that_did_not_go_ahead_is_not_public(client, status):
    meeting = factories.meeting(starts_at=datetime.now(UTC) - timedelta(days=1), status=status)
    expect(client.get(csv_url(meeting)), 404)


def test_record_csv_without_ministers_has_no_ministers_block(client):
    meeting = factories.meeting(
        starts_at=datetime.now(UTC) - timedelta(days=1), status=MeetingStatus.HELD
    )
    factories.council(name="=Council A")
    assert read_csv(client.get(csv_url(meeting))) == [
        RECORD_HEADER,
        ["'=Council A", "Unitary authority", "North West", "Not recorded", ""],
    ]


def test_public_record_csv_does_not_name_a_confidential_item_through_its_minister(client, login_as):
    meeting = factories.meeting(
        starts_at=datetime.now(UTC) - timedelta(days=1), status=MeetingStatus.HELD
    )
    secret = factories.agenda_item(meeting=meeting, title="Secret merger talks", confidential=True)
    invite(meeting, "Minister for Secrets", InvitationStatus.CONFIRMED, secret, attended=True)
    invite(meeting, "Chief Secretary", InvitationStatus.CONFIRMED, attended=True)

    public = client.get(csv_url(meeting))
    assert read_csv(public)[-2:] == [
        ["Minister", "For item", "Attended"],
        ["Chief Secretary", "", "Attended"],
    ]
    for hidden in ("Secret merger talks", "Minister for Secrets"):
        assert hidden not in public.get_data(as_text=True)

    login_as(Role.LEADER)
    assert read_csv(client.get(csv_url(meeting)))[-3:] == [
        ["Minister", "For item", "Attended"],
        ["Minister for Secrets", "Secret merger talks", "Attended"],
        ["Chief Secretary", "", "Attended"],
    ]


def test_record_query_count_does_not_grow_with_the_rows(client, login_as):
    meeting = factories.meeting(
        starts_at=datetime.now(UTC) - timedelta(hours=1), status=MeetingStatus.HELD
    )
    login_as(Role.SECRETARIAT)

    def add_councils(count):
        councils = [factories.council() for _ in range(count)]
        factories.strategic_authority(constituents=councils[:2])
        marks = {f"mark-{c.id}": "in_person" for c in councils}
        marks.update({f"late-{c.id}": "yes" for c in councils[:1]})
        expect(client.post(f"/meetings/{meeting.slug}/register", data=marks), 302)

    add_councils(2)
    client.get(attendance_url(meeting))
    with count_selects() as few:
        few_sections = sections(expect(client.get(attendance_url(meeting))))
    add_councils(20)
    with count_selects() as many:
        many_sections = sections(expect(client.get(attendance_url(meeting))))
    assert len(many_sections["Present in person (22)"]) == 22
    assert sum("(arrived late)" in name for name in many_sections["Present in person (22)"]) == 2
    assert len(many_sections["Not recorded (2)"]) == len(few_sections["Not recorded (1)"]) + 1
    assert few
    assert len(many) <= len(few), many


def test_record_csv_query_count_does_not_grow_with_the_rows(client, login_as):
    meeting = factories.meeting(
        starts_at=datetime.now(UTC) - timedelta(hours=1), status=MeetingStatus.HELD
    )
    login_as(Role.SECRETARIAT)

    def add_councils(count):
        councils = [factories.council() for _ in range(count)]
        for council in councils:
            invite(meeting, f"Minister for {council.name}", InvitationStatus.CONFIRMED)
        marks = {f"mark-{c.id}": "in_person" for c in councils}
        expect(client.post(f"/meetings/{meeting.slug}/register", data=marks), 302)

    add_councils(2)
    client.get(csv_url(meeting))
    with count_selects() as few:
        few_rows = read_csv(client.get(csv_url(meeting)))
    add_councils(20)
    with count_selects() as many:
        many_rows = read_csv(client.get(csv_url(meeting)))
    assert len(many_rows) - len(few_rows) == 40
    assert few
    assert len(many) <= len(few), many


# An authority's record -------------------------------------------------------------------------


def member_since(name: str, joined_on: date, left_on: date | None = None) -> Authority:
    authority = factories.council(name=name, member=False)
    factories.membership(authority=authority, joined_on=joined_on, left_on=left_on)
    return authority


def held(days_ago: int, status: MeetingStatus = MeetingStatus.HELD) -> Meeting:
    return factories.meeting(
        starts_at=london_time(today() - timedelta(days=days_ago), 10, 30), status=status
    )


def attendance_paragraph(response) -> str:
    h2 = page(response).find("h2", string="Attendance")
    return " ".join(h2.find_next_sibling("p").get_text().split())


def test_authority_page_counts_held_meetings_in_the_last_12_months(client):
    long_standing = member_since("Old Council", today() - timedelta(days=3 * 365))
    marks = [
        (held(395), "in_person"),  # 13 months ago: too long ago
        (held(366), "in_person"),  # a year and a day: too long ago
        (held(360), "in_person"),
        (held(180), "substitute"),
        (held(120, MeetingStatus.MINUTES_PUBLISHED), "absent"),
        (held(30), "remote"),
        (held(60, MeetingStatus.SCHEDULED), "in_person"),  # never recorded as held
        (held(150, MeetingStatus.CANCELLED), "in_person"),
    ]
    held(90)  # held, but no register entry for this authority: counts, not attended
    for meeting, mark in marks:
        factories.register_entry(meeting=meeting, authority=long_standing, mark=mark)
    factories.meeting(status=MeetingStatus.SCHEDULED)  # a future meeting

    response = client.get(f"/authorities/{long_standing.slug}")
    assert heading(response) == "Old Council"
    assert attendance_paragraph(response) == "Attended 3 of 5 meetings in the last 12 months."


def test_meetings_before_joining_or_after_leaving_do_not_count(client):
    before_joining = held(200)
    while_member = held(40)
    after_leaving = held(10)
    newcomer = member_since("New Council", today() - timedelta(days=60))
    leaver = member_since("Gone Council", date(2025, 1, 1), left_on=today() - timedelta(days=20))
    for meeting in (before_joining, while_member, after_leaving):
        factories.register_entry(meeting=meeting, authority=newcomer, mark="in_person")
        factories.register_entry(meeting=meeting, authority=leaver, mark="in_person")

    assert attendance_paragraph(client.get(f"/authorities/{newcomer.slug}")) == (
        "Attended 2 of 2 meetings in the last 12 months."
    )
    assert attendance_paragraph(client.get(f"/authorities/{leaver.slug}")) == (
        "Attended 2 of 2 meetings in the last 12 months."
    )


def test_one_meeting_is_singular_and_apologies_do_not_count(client):
    authority = member_since("Sorry Council", today() - timedelta(days=400))
    factories.register_entry(meeting=held(14), authority=authority, mark="apologies")
    assert attendance_paragraph(client.get(f"/authorities/{authority.slug}")) == (
        "Attended 0 of 1 meeting in the last 12 months."
    )


def test_authority_with_no_meetings_says_so(client):
    authority = member_since("Quiet Council", today() - timedelta(days=30))
    held(45)  # before it joined
    assert attendance_paragraph(client.get(f"/authorities/{authority.slug}")) == (
        "No meetings have been held in the last 12 months while Quiet Council was a member."
    )


# The agenda pack -------------------------------------------------------------------------------


def end_of_page(lines: list[str], start: int) -> int:
    """Where the pack's page holding line ``start`` ends (its footer)."""
    return next(
        n for n in range(start, len(lines)) if "Local Government Commission Page" in lines[n]
    )


def test_agenda_pack_lists_expected_attendance_and_confirmed_ministers(client):
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting, title="Fair funding")
    a, b, c, d, e = (factories.council(name=f"Council {x}") for x in "ABCDE")
    outsider = factories.council(name="Council Outsider", member=False)
    factories.attendance_reply(meeting=meeting, authority=a, kind="in_person")
    factories.attendance_reply(meeting=meeting, authority=b, kind="in_person")
    factories.attendance_reply(meeting=meeting, authority=c, kind="remote")
    factories.attendance_reply(meeting=meeting, authority=d, kind="apologies")
    factories.attendance_reply(meeting=meeting, authority=outsider, kind="remote")
    invite(meeting, "Chief Secretary", InvitationStatus.CONFIRMED, item)
    invite(meeting, "Minister for Homes", InvitationStatus.STAND_IN, stand_in=office("Deputy PM"))
    invite(meeting, "Minister for Roads", InvitationStatus.INVITED)
    invite(meeting, "Minister for Lost Causes", InvitationStatus.DECLINED)
    assert e.id

    response = client.get(f"/meetings/{meeting.slug}/agenda.pdf")
    expect(response, 200)
    assert response.mimetype == "application/pdf"
    lines = [" ".join(line.split()) for line in pdf_text(response, lines=True).splitlines()]
    start = lines.index("Expected attendance")
    section = lines[start : end_of_page(lines, start)]
    for expected in (
        "Member authorities 5",
        "Attending in person 2",
        "Attending remotely 1",
        "Sending a substitute 0",
        "Apologies 1",
        "No reply yet 1",
        "Attending for government:",
        "• Chief Secretary, for “Fair funding”",
        "• Deputy PM (for Minister for Homes)",
    ):
        assert expected in section, section
    text = " ".join(section)
    assert "Minister for Roads" not in text
    assert "Minister for Lost Causes" not in text


def test_agenda_pack_names_the_authorities_expected(client, login_as):
    meeting = factories.meeting(published=True)
    factories.agenda_item(meeting=meeting, title="Fair funding")
    a, b, c, d = (factories.council(name=f"Council {x}") for x in "ABCD")
    outsider = factories.council(name="Council Outsider", member=False)
    factories.attendance_reply(meeting=meeting, authority=b, kind="in_person")
    factories.attendance_reply(meeting=meeting, authority=a, kind="in_person")
    factories.attendance_reply(
        meeting=meeting, authority=c, kind="substitute", substitute_name="Cllr Pat Jones"
    )
    factories.attendance_reply(meeting=meeting, authority=d, kind="apologies")
    factories.attendance_reply(meeting=meeting, authority=outsider, kind="remote")

    def expected_lines() -> list[str]:
        response = client.get(f"/meetings/{meeting.slug}/agenda.pdf")
        lines = [" ".join(line.split()) for line in pdf_text(response, lines=True).splitlines()]
        start = lines.index("Expected attendance")
        return lines[start : end_of_page(lines, start)]

    public = expected_lines()
    assert "Attending in person: Council A; Council B." in public
    assert "Sending a substitute: Council C." in public
    assert "Apologies: Council D." in public
    assert not any(line.startswith("Attending remotely:") for line in public)
    assert "Outsider" not in " ".join(public)
    assert "Pat Jones" not in " ".join(public)

    login_as(Role.LEADER)
    assert "Sending a substitute: Council C (Cllr Pat Jones)." in expected_lines()


def test_public_agenda_pack_does_not_name_a_confidential_item_through_its_minister(
    client, login_as
):
    meeting = factories.meeting(published=True)
    secret = factories.agenda_item(meeting=meeting, title="Secret merger talks", confidential=True)
    invite(meeting, "Minister for Secrets", InvitationStatus.CONFIRMED, secret)
    invite(meeting, "Chief Secretary", InvitationStatus.CONFIRMED)

    public = pdf_text(client.get(f"/meetings/{meeting.slug}/agenda.pdf"), lines=True)
    assert "Secret merger talks" not in public
    assert "Minister for Secrets" not in public
    assert "Chief Secretary" in public

    login_as(Role.LEADER)
    members = pdf_text(client.get(f"/meetings/{meeting.slug}/agenda.pdf"), lines=True)
    assert "Minister for Secrets, for “Secret merger talks”" in " ".join(members.split())


def test_public_record_does_not_name_a_confidential_item_through_its_minister(client, login_as):
    meeting = factories.meeting(
        starts_at=datetime.now(UTC) - timedelta(days=1), status=MeetingStatus.HELD
    )
    secret = factories.agenda_item(meeting=meeting, title="Secret merger talks", confidential=True)
    invite(meeting, "Minister for Secrets", InvitationStatus.CONFIRMED, secret, attended=True)
    invite(meeting, "Chief Secretary", InvitationStatus.CONFIRMED, attended=True)

    public = client.get(attendance_url(meeting))
    assert sections(public)["Ministers"] == ["Chief Secretary: attended"]
    assert "Secret merger talks" not in public.get_data(as_text=True)

    login_as(Role.LEADER)
    members = client.get(attendance_url(meeting))
    assert sections(members)["Ministers"] == [
        "Minister for Secrets, for “Secret merger talks”: attended",
        "Chief Secretary: attended",
    ]
