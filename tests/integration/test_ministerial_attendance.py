"""Ministers at a meeting: the secretariat invites an office (or the chair) to
the whole meeting or to one item; the minister holding the office confirms,
declines or names a stand-in; the meeting page shows who attends for
government."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from commission.attendance.models import InvitationStatus, MinisterialAttendance
from commission.auth.models import User
from commission.auth.roles import Role
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.membership.models import MinisterialOffice, OfficeRank
from tests import factories
from tests.conftest import audit_events
from tests.pages import (
    banner,
    error_summary,
    expect,
    heading,
    main_text,
    ok,
    page,
    sign_in,
    table_records,
)


def minister_holding(office: MinisterialOffice, name: str = "A Minister") -> User:
    user = factories.user(full_name=name)
    factories.appointment(user=user, role=Role.MINISTER, office=office)
    return user


def office(title: str, short_name: str | None = None) -> MinisterialOffice:
    department = factories.department(short_name=short_name)
    return factories.ministerial_office(department=department, title=title)


def invitations(meeting) -> list[MinisterialAttendance]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(MinisterialAttendance)
            .where(MinisterialAttendance.meeting_id == meeting.id)
            .order_by(MinisterialAttendance.id)
        ).scalars()
    )


def invitation_count() -> int:
    return db.session.execute(select(func.count(MinisterialAttendance.id))).scalar_one()


def for_government(response, item) -> str:
    """The "For government: …" line under an agenda item, or ''."""
    element = page(response).select_one(f"#item-{item.id}")
    for p in element.select("p"):
        text = p.get_text(" ", strip=True)
        if text.startswith("For government:"):
            return text
    return ""


def whole_meeting_government(response) -> list[str]:
    section = page(response).find("h2", string="Attending for government")
    if section is None:
        return []
    return [li.get_text(" ", strip=True) for li in section.find_next("ul").find_all("li")]


def ministers_url(meeting) -> str:
    return f"/meetings/{meeting.slug}/ministers"


def respond_url(invitation) -> str:
    return f"/meetings/{invitation.meeting.slug}/ministers/{invitation.id}"


# Inviting --------------------------------------------------------------------------------------


def test_secretariat_invites_an_office_to_the_whole_meeting(client, login_as):
    meeting = factories.meeting()
    housing = office("Minister for Housing", "MHCLG")
    login_as(Role.SECRETARIAT, full_name="Sue Secretariat")

    form = client.get(ministers_url(meeting))
    assert heading(form) == "Ministers"
    assert "No ministers have been invited yet." in main_text(form)
    choices = [o.get_text(strip=True) for o in page(form).select("#office option")]
    assert choices[:2] == ["Select", "Chair of the Commission"]
    assert "Minister for Housing" in choices
    [group] = [g for g in page(form).select("#office optgroup") if "Minister for Housing" in g.text]
    assert group["label"] == housing.department.name
    assert [o.get_text(strip=True) for o in page(form).select("#item option")] == [
        "The whole meeting"
    ]

    response = client.post(ministers_url(meeting), data={"office": str(housing.id), "item": ""})
    expect(response, 302)
    shown = client.get(response.headers["Location"])
    assert banner(shown) == "Success Invitation recorded"
    [row] = table_records(shown)
    assert row["Invited"] == "Minister for Housing"
    assert row["For"] == "Whole meeting"
    assert row["Reply"].startswith("Invited Record a reply")

    [invitation] = invitations(meeting)
    assert invitation.ministerial_office_id == housing.id
    assert invitation.agenda_item_id is None
    assert invitation.for_chair is False
    assert invitation.status is InvitationStatus.INVITED
    [event] = audit_events("minister_invited")
    assert event.summary.startswith("Sue Secretariat invited Minister for Housing to the meeting")


def test_secretariat_invites_an_office_to_an_item(client, login_as):
    meeting = factories.meeting()
    factories.agenda_item(meeting=meeting, title="Welcome")
    item = factories.agenda_item(meeting=meeting, title="Fair funding")
    roads = office("Minister for Roads")
    login_as(Role.SECRETARIAT)

    form = client.get(ministers_url(meeting))
    assert [o.get_text(strip=True) for o in page(form).select("#item option")] == [
        "The whole meeting",
        "Item 1: Welcome",
        "Item 2: Fair funding",
    ]
    response = client.post(ministers_url(meeting), data={"office": roads.id, "item": item.id})
    expect(response, 302)
    [row] = table_records(client.get(ministers_url(meeting)))
    assert (row["Invited"], row["For"]) == ("Minister for Roads", "Fair funding")
    [invitation] = invitations(meeting)
    assert (invitation.ministerial_office_id, invitation.agenda_item_id) == (roads.id, item.id)
    assert "“Fair funding” at the meeting" in audit_events("minister_invited")[0].summary


def test_secretariat_invites_the_chair(client, login_as):
    meeting = factories.meeting()
    login_as(Role.SECRETARIAT)
    response = client.post(ministers_url(meeting), data={"office": "chair", "item": ""})
    expect(response, 302)
    [invitation] = invitations(meeting)
    assert invitation.for_chair is True
    assert invitation.ministerial_office_id is None
    [row] = table_records(client.get(ministers_url(meeting)))
    assert row["Invited"] == "Chair of the Commission"


def test_a_second_invitation_of_the_same_office_is_refused(client, login_as):
    meeting = factories.meeting()
    item = factories.agenda_item(meeting=meeting, title="Fair funding")
    schools = office("Minister for Schools")
    login_as(Role.SECRETARIAT)
    client.post(ministers_url(meeting), data={"office": schools.id, "item": ""})
    client.post(ministers_url(meeting), data={"office": "chair", "item": ""})

    again = ok(client.post(ministers_url(meeting), data={"office": schools.id, "item": ""}))
    assert error_summary(again) == [
        ("Minister for Schools is already invited to this meeting", "#office")
    ]
    chair_again = client.post(ministers_url(meeting), data={"office": "chair", "item": ""})
    assert error_summary(chair_again) == [
        ("The chair is already invited to this meeting", "#office")
    ]
    assert invitation_count() == 2

    # The same office may be invited to an item as well, but only once.
    added = client.post(ministers_url(meeting), data={"office": schools.id, "item": item.id})
    expect(added, 302)
    twice = client.post(ministers_url(meeting), data={"office": schools.id, "item": item.id})
    assert error_summary(twice) == [
        ("Minister for Schools is already invited to this item", "#office")
    ]
    assert invitation_count() == 3


def test_invitation_validation(client, login_as):
    meeting = factories.meeting()
    other_item = factories.agenda_item(meeting=factories.meeting())
    known = office("Minister for Known Things")
    login_as(Role.SECRETARIAT)

    nothing = client.post(ministers_url(meeting), data={"office": "", "item": ""})
    assert error_summary(nothing) == [("Select who to invite", "#office")]
    unknown = client.post(ministers_url(meeting), data={"office": "999999", "item": ""})
    assert error_summary(unknown) == [("Select the minister's office, or the chair", "#office")]
    wrong_item = client.post(
        ministers_url(meeting), data={"office": known.id, "item": other_item.id}
    )
    assert error_summary(wrong_item) == [("Select an item on this meeting's agenda", "#item")]
    assert invitation_count() == 0


def test_ministers_cannot_be_invited_to_a_cancelled_meeting(client, login_as):
    meeting = factories.meeting(status=MeetingStatus.CANCELLED)
    known = office("Minister for Known Things")
    login_as(Role.SECRETARIAT)
    response = client.post(ministers_url(meeting), data={"office": known.id, "item": ""})
    assert [text for text, _ in error_summary(response)] == [
        "Ministers cannot be invited to a meeting that is cancelled"
    ]
    assert invitation_count() == 0


@pytest.mark.parametrize(
    "role", [Role.LEADER, Role.MAYOR, Role.OFFICER, Role.DEPUTY, Role.MINISTER, Role.CHAIR]
)
def test_only_the_secretariat_manages_ministers(client, login_as, role):
    meeting = factories.meeting()
    login_as(role)
    expect(client.get(ministers_url(meeting)), 403)
    response = client.post(ministers_url(meeting), data={"office": "chair", "item": ""})
    expect(response, 403)
    assert invitation_count() == 0


def test_anonymous_people_are_sent_to_sign_in(client):
    meeting = factories.meeting()
    invitation = factories.ministerial_invitation(meeting=meeting)
    for response in (
        client.get(ministers_url(meeting)),
        client.post(ministers_url(meeting), data={"office": "chair"}),
        client.get(respond_url(invitation)),
        client.post(respond_url(invitation), data={"status": "confirmed"}),
    ):
        expect(response, 302)
        assert "/sign-in" in response.headers["Location"]
    assert invitations(meeting)[0].status is InvitationStatus.INVITED


# Replying to an invitation ---------------------------------------------------------------------


@pytest.fixture
def invited():
    """A meeting with the Minister for Housing invited to an item."""
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting, title="Homes for all")
    housing = office("Minister for Housing")
    invitation = factories.ministerial_invitation(meeting=meeting, office=housing, item=item)
    return invitation, minister_holding(housing, "Matthew Pennycook")


def test_minister_holding_the_office_confirms(client, invited):
    invitation, minister = invited
    sign_in(client, minister)

    meeting_page = client.get(f"/meetings/{invitation.meeting.slug}")
    section = page(meeting_page).find("h2", string="Your invitations")
    [entry] = [li.get_text(" ", strip=True) for li in section.find_next("ul").find_all("li")]
    assert entry.startswith("Minister for Housing, for “Homes for all”: Invited · Reply")

    form = client.get(respond_url(invitation))
    assert heading(form) == "Minister for Housing"
    assert "Invited to “Homes for all”. Current reply: Invited." in main_text(form)
    response = client.post(respond_url(invitation), data={"status": "confirmed"})
    expect(response, 302)
    assert banner(client.get(response.headers["Location"])) == ("Success Reply recorded: Confirmed")
    [stored] = invitations(invitation.meeting)
    assert stored.status is InvitationStatus.CONFIRMED
    assert stored.responded_by_id == minister.id
    assert stored.responded_at is not None
    assert stored.stand_in_office_id is None
    [event] = audit_events("minister_replied")
    assert event.summary == "Matthew Pennycook replied for Minister for Housing: Confirmed"


def test_minister_declines(client, invited):
    invitation, minister = invited
    sign_in(client, minister)
    client.post(respond_url(invitation), data={"status": "declined"})
    assert invitations(invitation.meeting)[0].status is InvitationStatus.DECLINED
    form = client.get(respond_url(invitation))
    assert page(form).select_one("input[name=status][checked]")["value"] == "declined"


def test_minister_names_a_stand_in(client, invited):
    invitation, minister = invited
    local = office("Minister for Local Government")
    sign_in(client, minister)
    choices = [
        o.get_text(strip=True)
        for o in page(client.get(respond_url(invitation))).select("#stand_in option")
    ]
    assert choices[0] == "Select the minister standing in"
    assert any(c.startswith("Minister for Local Government (") for c in choices)

    response = client.post(
        respond_url(invitation), data={"status": "stand_in", "stand_in": str(local.id)}
    )
    expect(response, 302)
    [stored] = invitations(invitation.meeting)
    assert stored.status is InvitationStatus.STAND_IN
    assert stored.stand_in_office_id == local.id
    assert stored.attending_office == "Minister for Local Government (for Minister for Housing)"

    # Changing to a plain confirmation drops the stand-in.
    client.post(respond_url(invitation), data={"status": "confirmed", "stand_in": str(local.id)})
    [stored] = invitations(invitation.meeting)
    assert (stored.status, stored.stand_in_office_id) == (InvitationStatus.CONFIRMED, None)


def test_a_stand_in_must_be_named_and_hold_another_office(client, invited):
    invitation, minister = invited
    sign_in(client, minister)
    missing = client.post(respond_url(invitation), data={"status": "stand_in", "stand_in": ""})
    assert error_summary(missing) == [("Select the minister standing in", "#stand_in")]
    same = client.post(
        respond_url(invitation),
        data={"status": "stand_in", "stand_in": str(invitation.ministerial_office_id)},
    )
    assert error_summary(same) == [("A stand-in must hold another office", "#stand_in")]
    nothing = client.post(respond_url(invitation), data={})
    assert error_summary(nothing) == [("Select whether you will attend", "#status")]
    not_a_choice = client.post(respond_url(invitation), data={"status": "invited"})
    assert [href for _, href in error_summary(not_a_choice)] == ["#status"]
    [stored] = invitations(invitation.meeting)
    assert stored.status is InvitationStatus.INVITED
    assert stored.responded_at is None


def test_minister_holding_a_different_office_is_forbidden(client, invited):
    invitation, _ = invited
    sign_in(client, minister_holding(office("Minister for Something Else")))
    expect(client.get(respond_url(invitation)), 403)
    response = client.post(respond_url(invitation), data={"status": "declined"})
    expect(response, 403)
    assert invitations(invitation.meeting)[0].status is InvitationStatus.INVITED
    assert (
        page(client.get(f"/meetings/{invitation.meeting.slug}")).find(
            "h2", string="Your invitations"
        )
        is None
    )


def test_minister_whose_appointment_has_ended_is_forbidden(client, invited):
    invitation, _ = invited
    former = factories.user(full_name="Former Minister")
    factories.appointment(
        user=former,
        role=Role.MINISTER,
        office=invitation.office,
        starts_on=datetime.now(UTC).date() - timedelta(days=100),
        ends_on=datetime.now(UTC).date() - timedelta(days=10),
    )
    sign_in(client, former)
    expect(client.post(respond_url(invitation), data={"status": "declined"}), 403)
    assert invitations(invitation.meeting)[0].status is InvitationStatus.INVITED


@pytest.mark.parametrize("role", [Role.LEADER, Role.OFFICER, Role.DEPUTY, Role.MAYOR, Role.CHAIR])
def test_other_roles_cannot_reply_for_a_minister(client, login_as, invited, role):
    invitation, _ = invited
    login_as(role)
    expect(client.get(respond_url(invitation)), 403)
    expect(client.post(respond_url(invitation), data={"status": "declined"}), 403)
    assert invitations(invitation.meeting)[0].status is InvitationStatus.INVITED


def test_the_chair_responds_to_the_chair_invitation(client, login_as, invited):
    invitation, minister = invited
    chair_invitation = factories.ministerial_invitation(meeting=invitation.meeting, for_chair=True)
    chair = login_as(Role.CHAIR)
    assert heading(client.get(respond_url(chair_invitation))) == "Chair of the Commission"
    response = client.post(respond_url(chair_invitation), data={"status": "confirmed"})
    expect(response, 302)
    stored = {i.id: i for i in invitations(invitation.meeting)}
    assert stored[chair_invitation.id].status is InvitationStatus.CONFIRMED
    assert stored[chair_invitation.id].responded_by_id == chair.id

    # A minister cannot answer for the chair.
    sign_in(client, minister)
    expect(client.get(respond_url(chair_invitation)), 403)


def test_the_secretariat_records_a_reply_for_a_minister(client, login_as, invited):
    invitation, _ = invited
    secretariat = login_as(Role.SECRETARIAT)
    response = client.post(respond_url(invitation), data={"status": "declined"})
    expect(response, 302)
    [stored] = invitations(invitation.meeting)
    assert (stored.status, stored.responded_by_id) == (InvitationStatus.DECLINED, secretariat.id)


def test_an_invitation_from_another_meeting_is_not_found(client, login_as, invited):
    invitation, _ = invited
    other = factories.meeting()
    login_as(Role.SECRETARIAT)
    response = client.get(f"/meetings/{other.slug}/ministers/{invitation.id}")
    expect(response, 404)
    expect(client.get(f"/meetings/{other.slug}/ministers/999999"), 404)


def test_replies_close_when_the_meeting_starts(client):
    meeting = factories.meeting(starts_at=datetime.now(UTC) - timedelta(minutes=1))
    housing = office("Minister for Housing")
    invitation = factories.ministerial_invitation(meeting=meeting, office=housing)
    sign_in(client, minister_holding(housing))
    shown = ok(client.post(respond_url(invitation), data={"status": "confirmed"}))
    assert [text for text, _ in error_summary(shown)] == ["Replies closed when the meeting started"]
    assert invitations(meeting)[0].status is InvitationStatus.INVITED
    assert "· Reply" not in main_text(client.get(f"/meetings/{meeting.slug}"))


def test_replies_to_a_cancelled_meeting_are_refused(client):
    meeting = factories.meeting(status=MeetingStatus.CANCELLED)
    housing = office("Minister for Housing")
    invitation = factories.ministerial_invitation(meeting=meeting, office=housing)
    sign_in(client, minister_holding(housing))
    response = client.post(respond_url(invitation), data={"status": "confirmed"})
    assert [text for text, _ in error_summary(response)] == [
        "This meeting is no longer taking replies"
    ]
    assert invitations(meeting)[0].status is InvitationStatus.INVITED


# Who attends for government, on the meeting page -----------------------------------------------


@pytest.fixture
def government():
    """A published meeting with every kind of invitation."""
    meeting = factories.meeting(published=True)
    funding = factories.agenda_item(meeting=meeting, title="Fair funding")
    homes = factories.agenda_item(meeting=meeting, title="Homes")
    secret = factories.agenda_item(meeting=meeting, title="Secret", confidential=True)

    def invite(title, item=None, status=InvitationStatus.INVITED, stand_in=None):
        invitation = factories.ministerial_invitation(
            meeting=meeting, office=office(title), item=item
        )
        invitation.status = status
        invitation.stand_in_office = stand_in
        return invitation

    invite("Chief Secretary", funding, InvitationStatus.CONFIRMED)
    invite("Minister for Roads", funding)
    invite("Minister for Homes", homes, InvitationStatus.STAND_IN, office("Minister for Towns"))
    invite("Minister for Secrets", secret, InvitationStatus.CONFIRMED)
    invite("Minister for Lost Causes", None, InvitationStatus.DECLINED)
    chair = factories.ministerial_invitation(meeting=meeting, for_chair=True)
    chair.status = InvitationStatus.CONFIRMED
    db.session.flush()
    return meeting, funding, homes, secret


def test_public_meeting_page_shows_only_confirmed_ministers(client, government):
    meeting, funding, homes, secret = government
    response = client.get(f"/meetings/{meeting.slug}")
    assert for_government(response, funding) == "For government: Chief Secretary"
    assert for_government(response, homes) == (
        "For government: Minister for Towns (for Minister for Homes)"
    )
    assert for_government(response, secret) == ""
    assert whole_meeting_government(response) == ["Chair of the Commission"]
    text = main_text(response)
    for hidden in ("Minister for Roads", "Minister for Lost Causes", "Minister for Secrets"):
        assert hidden not in text


def test_members_see_confirmed_ministers_on_confidential_items(client, login_as, government):
    meeting, _, _, secret = government
    login_as(Role.LEADER)
    response = client.get(f"/meetings/{meeting.slug}")
    assert for_government(response, secret) == "For government: Minister for Secrets"
    assert "Minister for Roads" not in main_text(response)


def test_secretariat_sees_unconfirmed_invitations_with_their_status(client, login_as, government):
    meeting, funding, homes, _ = government
    login_as(Role.SECRETARIAT)
    response = client.get(f"/meetings/{meeting.slug}")
    assert for_government(response, funding) == (
        "For government: Chief Secretary; Minister for Roads (invited)"
    )
    assert for_government(response, homes) == (
        "For government: Minister for Towns (for Minister for Homes)"
    )
    assert whole_meeting_government(response) == [
        "Minister for Lost Causes (declined)",
        "Chair of the Commission",
    ]
    rows = table_records(client.get(ministers_url(meeting)))
    assert [(r["Invited"], r["Reply"].split(" Record")[0]) for r in rows] == [
        ("Chief Secretary", "Confirmed"),
        ("Minister for Roads", "Invited"),
        ("Minister for Homes", "Sending a stand-in: Minister for Towns"),
        ("Minister for Secrets", "Confirmed"),
        ("Minister for Lost Causes", "Declined"),
        ("Chair of the Commission", "Confirmed"),
    ]


def test_office_rank_does_not_matter_for_a_stand_in(client, invited):
    invitation, minister = invited
    junior = factories.ministerial_office(
        title="Parliamentary Under-Secretary", rank=OfficeRank.PARLIAMENTARY_UNDER_SECRETARY
    )
    sign_in(client, minister)
    client.post(respond_url(invitation), data={"status": "stand_in", "stand_in": junior.id})
    assert invitations(invitation.meeting)[0].stand_in_office_id == junior.id


def test_chair_sees_the_chair_invitation_on_the_meeting_page(client, login_as):
    meeting = factories.meeting(published=True)
    invitation = factories.ministerial_invitation(meeting=meeting, for_chair=True)
    factories.ministerial_invitation(meeting=meeting)  # for some minister's office
    login_as(Role.CHAIR)
    response = client.get(f"/meetings/{meeting.slug}")
    section = page(response).find("h2", string="Your invitations")
    entries = [li.get_text(" ", strip=True) for li in section.find_next("ul").find_all("li")]
    assert entries == [
        "Chair of the Commission, whole meeting: Invited · Reply to the invitation for "
        "Chair of the Commission"
    ]
    link = section.find_next("ul").find("a")
    assert link["href"] == respond_url(invitation)


def test_offices_are_grouped_by_department_most_senior_first(client, login_as):
    meeting = factories.meeting()
    education = factories.department(name="Department for Education", short_name="DfE")
    transport = factories.department(name="Department for Transport", short_name="DfT")
    factories.ministerial_office(
        department=transport, title="Minister for Roads", rank=OfficeRank.MINISTER_OF_STATE
    )
    factories.ministerial_office(department=transport, title="Secretary of State for Transport")
    factories.ministerial_office(department=education, title="Secretary of State for Education")
    login_as(Role.SECRETARIAT)

    shown = page(client.get(ministers_url(meeting)))
    select = shown.select_one("select#office")
    assert select["data-module"] == "app-autocomplete"
    assert select["aria-describedby"] == "office-hint"
    assert shown.select_one("label[for=office]").get_text(strip=True) == "Who to invite"
    groups = {
        group["label"]: [o.get_text(strip=True) for o in group.select("option")]
        for group in select.select("optgroup")
    }
    assert groups["Department for Education"] == ["Secretary of State for Education"]
    assert groups["Department for Transport"] == [
        "Secretary of State for Transport",
        "Minister for Roads",
    ]
    assert [o.get_text(strip=True) for o in select.find_all("option", recursive=False)] == [
        "Select",
        "Chair of the Commission",
    ]
    scripts = [s["src"] for s in shown.select("script[src]")]
    assert "/static/autocomplete/accessible-autocomplete.min.js" in scripts


def test_a_missing_office_is_shown_against_the_grouped_list(client, login_as):
    meeting = factories.meeting()
    login_as(Role.SECRETARIAT)
    shown = ok(client.post(ministers_url(meeting), data={"office": "", "item": ""}))
    assert error_summary(shown) == [("Select who to invite", "#office")]
    select = page(shown).select_one("select#office")
    assert select["aria-describedby"] == "office-hint office-error"
    assert "govuk-select--error" in select["class"]
