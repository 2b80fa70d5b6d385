"""Minutes of a meeting: drafted by the secretariat once the meeting is held,
structured by agenda item, with attendance from the register, the ministers
who attended, a summary of discussion per item and the positions stated at the
meeting; approved (and so published) by the chair; changed after publication
only by corrections shown as such; a PDF; and the link from the next meeting's
"minutes of the last meeting" item."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from commission.attendance.models import InvitationStatus
from commission.auth.roles import Role
from commission.extensions import db
from commission.meetings.models import AgendaItemKind, Meeting, MeetingStatus
from commission.minutes.models import Correction, MinuteItem, Minutes
from commission.timeutil import format_date, format_datetime, today
from tests import factories
from tests.conftest import audit_events, count_selects
from tests.pages import (
    banner,
    csrf_token_from,
    error_summary,
    expect,
    heading,
    main_text,
    ok,
    page,
    pdf_text,
)

NOT_SECRETARIAT = [Role.LEADER, Role.OFFICER, Role.MINISTER, Role.CHAIR, Role.MAYOR, Role.DEPUTY]
NOT_CHAIR = [Role.SECRETARIAT, Role.LEADER, Role.OFFICER, Role.MINISTER, Role.MAYOR, Role.DEPUTY]
NOT_DRAFT_READERS = [None, Role.LEADER, Role.OFFICER, Role.MINISTER, Role.MAYOR, Role.DEPUTY]

HELD_ONLY = "Minutes can be drafted only once the meeting has been held"
READ_ONLY = "These minutes are published. Record a correction instead of changing them"


def url(meeting: Meeting, suffix: str = "") -> str:
    return f"/meetings/{meeting.slug}/minutes{suffix}"


def sections(response) -> dict[str, str]:
    """Each second-level heading of the page with the text that follows it,
    up to the next such heading."""
    column = page(response).select_one("main .govuk-grid-column-two-thirds")
    result = {}
    for h2 in column.find_all("h2", recursive=False):
        parts = []
        for sibling in h2.find_next_siblings():
            if sibling.name == "h2":
                break
            parts.append(sibling.get_text(" ", strip=True))
        result[h2.get_text(" ", strip=True)] = " ".join(" ".join(parts).split())
    return result


def attendance(response) -> dict[str, str]:
    """Under "Attendance": each group's heading and the names listed under it."""
    column = page(response).select_one("main .govuk-grid-column-two-thirds")
    result = {}
    for h3 in column.find_all("h3", recursive=False):
        listed = h3.find_next_sibling()
        result[h3.get_text(" ", strip=True)] = " ".join(listed.get_text(" ", strip=True).split())
    return result


def links(response) -> dict[str, str]:
    return {
        a.get_text(" ", strip=True): str(a.get("href"))
        for a in page(response).select("main a.govuk-link")
    }


def stored_minutes(meeting: Meeting) -> Minutes | None:
    db.session.expire_all()
    return db.session.execute(
        select(Minutes).where(Minutes.meeting_id == meeting.id)
    ).scalar_one_or_none()


def minutes_count() -> int:
    return db.session.execute(select(func.count(Minutes.id))).scalar_one()


@pytest.fixture
def held() -> Meeting:
    meeting = factories.held_meeting()
    factories.agenda_item(
        meeting=meeting, title="Welcome and apologies", kind=AgendaItemKind.OPENING
    )
    factories.agenda_item(meeting=meeting, title="Fair funding review")
    factories.agenda_item(meeting=meeting, title="Pay negotiations", confidential=True)
    return meeting


# Who may see and draft the minutes ------------------------------------------------------------


@pytest.mark.parametrize("role", NOT_SECRETARIAT)
def test_only_the_secretariat_drafts_minutes(client, login_as, held, role):
    login_as(role)
    expect(client.get(url(held, "/edit")), 403)
    refused = client.post(url(held, "/edit"), data={"introduction": "Welcome"})
    expect(refused, 403)
    assert minutes_count() == 0
    assert audit_events("minutes_saved") == []


@pytest.mark.parametrize("suffix", ["/edit", "/approve", "/correct"])
def test_anonymous_people_are_sent_to_sign_in(client, held, suffix):
    for response in (client.get(url(held, suffix)), client.post(url(held, suffix))):
        expect(response, 302)
        assert response.headers["Location"].startswith("/sign-in")
    assert minutes_count() == 0


@pytest.mark.parametrize("role", NOT_DRAFT_READERS)
def test_draft_minutes_are_not_found_except_by_the_secretariat_and_chair(
    client, login_as, held, role
):
    factories.draft_minutes(meeting=held)
    if role is not None:
        login_as(role)
    expect(client.get(url(held)), 404)
    expect(client.get(url(held, ".pdf")), 404)


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.CHAIR])
def test_the_secretariat_and_chair_read_the_draft(client, login_as, held, role):
    factories.draft_minutes(meeting=held, introduction="The chair welcomed members.")
    login_as(role)
    shown = ok(client.get(url(held)))
    assert heading(shown) == (
        f"Minutes of the meeting on {format_date(held.starts_at, weekday=True)}"
    )
    assert "Draft Only the secretariat and the chair can see these minutes" in main_text(shown)
    assert "The chair welcomed members." in main_text(shown)


def test_minutes_never_drafted_are_not_found_by_the_public(client, held):
    expect(client.get(url(held)), 404)
    expect(client.get(url(held, ".pdf")), 404)


def test_minutes_of_an_unknown_or_draft_meeting_are_not_found(client, login_as):
    draft = factories.meeting(status=MeetingStatus.DRAFT)
    login_as(Role.CHAIR)
    expect(client.get("/meetings/2020-01-01/minutes"), 404)
    expect(client.get(url(draft)), 404)
    expect(client.get(url(draft, ".pdf")), 404)


def test_the_meeting_page_links_draft_minutes_only_for_secretariat_and_chair(
    client, login_as, held
):
    factories.draft_minutes(meeting=held)
    meeting_page = f"/meetings/{held.slug}"
    assert "Draft minutes" not in links(client.get(meeting_page))
    login_as(Role.LEADER)
    assert "Draft minutes" not in links(client.get(meeting_page))
    login_as(Role.CHAIR)
    assert links(client.get(meeting_page))["Draft minutes"] == url(held)


# Drafting -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [
        MeetingStatus.SCHEDULED,
        MeetingStatus.AGENDA_PUBLISHED,
        MeetingStatus.POSTPONED,
        MeetingStatus.CANCELLED,
    ],
)
def test_drafting_is_refused_for_a_meeting_not_held(client, login_as, status):
    meeting = factories.meeting(status=status)
    item = factories.agenda_item(meeting=meeting, title="Fair funding review")
    login_as(Role.SECRETARIAT)

    shown = ok(
        client.post(
            url(meeting, "/edit"),
            data={"introduction": "Welcome", f"item-{item.id}": "Members discussed funding."},
        )
    )

    assert heading(shown) == "Draft minutes"
    assert error_summary(shown) == [(HELD_ONLY, "")]
    assert minutes_count() == 0
    assert audit_events("minutes_saved") == []
    # what was typed is kept
    assert page(shown).select_one(f"#item-{item.id}").get_text() == "Members discussed funding."


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.CHAIR])
def test_a_meeting_not_held_offers_no_drafting(client, login_as, role):
    meeting = factories.meeting(status=MeetingStatus.AGENDA_PUBLISHED)
    login_as(role)

    shown = ok(client.get(url(meeting)))

    links = [a.get_text(strip=True) for a in page(shown).select("main a")]
    assert "Write the draft minutes" not in links
    assert "Record a decision" not in links
    assert "Record an action" not in links
    assert "Approve the minutes" not in links
    assert "once the meeting has been held" in main_text(shown)
    if role is Role.SECRETARIAT:
        form = client.get(url(meeting, "/edit"))
        assert "This meeting has not been held yet" in main_text(form)


def test_the_secretariat_drafts_minutes_by_agenda_item(client, login_as, held):
    welcome, funding, pay = held.items
    secretariat = login_as(Role.SECRETARIAT, full_name="Sam Secretariat")

    form = client.get(url(held, "/edit"))
    assert heading(form) == "Draft minutes"
    assert [label.get_text(strip=True) for label in page(form).select("main form label")] == [
        "Introduction (optional)",
        "1. Welcome and apologies",
        "2. Fair funding review",
        "3. Pay negotiations",
    ]

    response = client.post(
        url(held, "/edit"),
        data={
            "introduction": "  The chair welcomed members.  ",
            f"item-{welcome.id}": "",
            f"item-{funding.id}": "Members discussed the formula.\r\nThe minister answered.",
            f"item-{pay.id}": "Members discussed the pay offer.",
        },
        follow_redirects=True,
    )

    assert response.request.path == url(held)
    assert banner(response) == "Success Draft minutes saved"
    minutes = stored_minutes(held)
    assert minutes.introduction == "The chair welcomed members."
    assert minutes.approved_at is None
    assert minutes.updated_by_id == secretariat.id
    assert {i.agenda_item_id: i.discussion for i in minutes.items} == {
        welcome.id: None,
        funding.id: "Members discussed the formula.\r\nThe minister answered.",
        pay.id: "Members discussed the pay offer.",
    }
    [event] = audit_events("minutes_saved")
    assert event.actor_id == secretariat.id
    assert event.subject_type == "minutes"
    assert event.subject_id == minutes.id
    assert event.summary == (
        f"Sam Secretariat saved the draft minutes of {format_date(held.starts_at)}"
    )

    shown = sections(response)
    assert shown["1. Welcome and apologies"] == "No summary of discussion recorded."
    assert shown["2. Fair funding review"] == (
        "Members discussed the formula. The minister answered."
    )
    assert shown["3. Pay negotiations"] == "Members discussed the pay offer."
    funding_paragraphs = [
        p.get_text(strip=True)
        for p in page(response)
        .find("h2", string=re.compile("Fair funding"))
        .find_next_siblings("p", limit=2)
    ]
    assert funding_paragraphs == ["Members discussed the formula.", "The minister answered."]


def test_saving_again_changes_the_same_draft(client, login_as, held):
    funding = held.items[1]
    login_as(Role.SECRETARIAT)
    client.post(url(held, "/edit"), data={"introduction": "First", f"item-{funding.id}": "One"})
    client.post(url(held, "/edit"), data={"introduction": "Second", f"item-{funding.id}": "Two"})

    minutes = stored_minutes(held)
    assert minutes_count() == 1
    assert minutes.introduction == "Second"
    assert minutes.discussion_for(funding.id) == "Two"
    rows = db.session.execute(
        select(func.count(MinuteItem.id)).where(MinuteItem.minutes_id == minutes.id)
    ).scalar_one()
    assert rows == 3
    assert len(audit_events("minutes_saved")) == 2

    form = client.get(url(held, "/edit"))
    assert page(form).select_one("#introduction").get_text() == "Second"
    assert page(form).select_one(f"#item-{funding.id}").get_text() == "Two"


def test_a_part_over_20000_characters_is_refused(client, login_as, held):
    funding = held.items[1]
    login_as(Role.SECRETARIAT)
    shown = ok(
        client.post(
            url(held, "/edit"), data={"introduction": "Welcome", f"item-{funding.id}": "x" * 20001}
        )
    )
    assert error_summary(shown) == [("Each part must be 20,000 characters or fewer", "")]
    assert minutes_count() == 0


# What the minutes show ------------------------------------------------------------------------


def test_attendance_comes_from_the_register(client, login_as, held):
    present = factories.council(name="Ashford Council")
    remote = factories.council(name="Bolton Council")
    late = factories.council(name="Camden Council")
    substituted = factories.council(name="Dudley Council")
    sorry = factories.council(name="Exeter Council")
    missing = factories.council(name="Fylde Council")
    outsider = factories.council(name="Gateshead Council", member=False)
    factories.register_entry(meeting=held, authority=present, mark="in_person")
    factories.register_entry(meeting=held, authority=remote, mark="remote")
    factories.register_entry(meeting=held, authority=late, mark="in_person", late=True)
    factories.register_entry(meeting=held, authority=substituted, mark="substitute")
    factories.register_entry(meeting=held, authority=sorry, mark="apologies")
    factories.register_entry(meeting=held, authority=missing, mark="absent")
    factories.register_entry(meeting=held, authority=outsider, mark="in_person")
    factories.attendance_reply(
        meeting=held, authority=substituted, kind="substitute", substitute_name="Cllr Jo Bloggs"
    )
    factories.published_minutes(meeting=held)

    response = client.get(url(held))

    assert attendance(response) == {
        "Present in person (2)": "Ashford Council; Camden Council (arrived late)",
        "Present remotely (1)": "Bolton Council",
        "Substitute present (1)": "Dudley Council (represented by Cllr Jo Bloggs)",
        "Apologies (1)": "Exeter Council",
        "Absent (1)": "Fylde Council",
    }
    assert "Gateshead" not in main_text(response)


def test_a_substitute_who_is_a_deputy_is_named(client, held):
    council = factories.council(name="Dudley Council")
    deputy = factories.person_at(authority=council, role=Role.DEPUTY, full_name="Pat Deputy")
    [appointment] = deputy.appointments
    factories.register_entry(meeting=held, authority=council, mark="substitute")
    factories.attendance_reply(
        meeting=held, authority=council, kind="substitute", substitute=appointment
    )
    factories.published_minutes(meeting=held)

    assert attendance(client.get(url(held))) == {
        "Substitute present (1)": "Dudley Council (represented by Pat Deputy)"
    }


def test_minutes_say_when_the_register_was_not_taken(client, held):
    factories.published_minutes(meeting=held)
    assert sections(client.get(url(held)))["Attendance"].startswith("The register was not taken.")


def test_ministers_who_attended_are_listed_by_item(client, login_as, held):
    welcome, funding, pay = held.items
    finance = factories.ministerial_office(title="Minister for Local Government Finance")
    care = factories.ministerial_office(title="Minister for Care")
    secretary = factories.ministerial_office(title="Secretary of State for Housing")
    absent = factories.ministerial_office(title="Minister for Absences")
    declined = factories.ministerial_office(title="Minister who Declined")
    stand_in = factories.ministerial_office(title="Minister of State for Stand-ins")
    for office, item, attended in [
        (finance, funding, True),
        (care, pay, True),
        (secretary, None, True),
        (absent, funding, False),
    ]:
        invitation = factories.ministerial_invitation(meeting=held, office=office, item=item)
        invitation.status = InvitationStatus.CONFIRMED
        invitation.attended = attended
    refused = factories.ministerial_invitation(meeting=held, office=declined, item=welcome)
    refused.status = InvitationStatus.DECLINED
    stood_in = factories.ministerial_invitation(meeting=held, item=welcome)
    stood_in.status = InvitationStatus.STAND_IN
    stood_in.stand_in_office_id = stand_in.id
    stood_in.attended = True
    factories.published_minutes(meeting=held)

    public = client.get(url(held))
    ministers = page(public).find("h3", string="Ministers").find_next_sibling("ul")
    assert [li.get_text(" ", strip=True) for li in ministers.select("li")] == [
        "Minister for Local Government Finance, for “Fair funding review”",
        "Secretary of State for Housing, for the whole meeting",
        f"Minister of State for Stand-ins (for {stood_in.office.title}), "
        "for “Welcome and apologies”",
    ]
    assert "Pay negotiations" not in main_text(public)
    assert "Minister for Care" not in main_text(public)

    login_as(Role.LEADER)
    member = client.get(url(held))
    ministers = page(member).find("h3", string="Ministers").find_next_sibling("ul")
    assert "Minister for Care, for “Pay negotiations”" in [
        li.get_text(" ", strip=True) for li in ministers.select("li")
    ]
    assert "Minister for Absences" not in main_text(member)
    assert "Minister who Declined" not in main_text(member)


def test_a_confidential_item_is_shown_to_members_only(client, login_as, held):
    _welcome, funding, pay = held.items
    factories.published_minutes(
        meeting=held,
        discussions={funding: "Members discussed the formula.", pay: "The offer is 3.2%."},
    )
    factories.decision(meeting=held, item=pay, text="Accept the 3.2% offer.")

    public = client.get(url(held))
    assert list(sections(public))[1:4] == [
        "1. Welcome and apologies",
        "2. Fair funding review",
        "3. Confidential item",
    ]
    assert sections(public)["3. Confidential item"] == ""
    assert "3.2%" not in main_text(public)
    assert "Pay negotiations" not in main_text(public)

    login_as(Role.OFFICER)
    member = client.get(url(held))
    shown = sections(member)
    assert shown["3. Pay negotiations"] == (
        f"The offer is 3.2%. Decision {held_prefix(held)}/D1: Accept the 3.2% offer."
    )


def held_prefix(meeting: Meeting) -> str:
    return f"LGC/{meeting.slug[:4]}/{meeting.slug[5:7]}"


def test_positions_stated_at_the_meeting_are_listed_under_their_item(client, held):
    funding = held.items[1]
    consultation = factories.consultation(title="Fair funding review")
    funding.consultation_id = consultation.id
    other = factories.consultation(title="Another consultation")
    bolton = factories.council(name="Bolton Council")
    camden = factories.council(name="Camden Council")
    factories.stated_position(
        consultation=consultation,
        authority=bolton,
        meeting=held,
        position="oppose",
        comment="The formula ignores deprivation",
    )
    factories.stated_position(
        consultation=consultation, authority=camden, meeting=held, position="support"
    )
    earlier = factories.held_meeting(day=today() - timedelta(days=40))
    factories.stated_position(
        consultation=consultation, authority=camden, meeting=earlier, position="neutral"
    )
    factories.stated_position(consultation=other, authority=bolton, meeting=held)
    factories.published_minutes(meeting=held, discussions={funding: "Members discussed it."})

    response = client.get(url(held))

    heading_ = page(response).find("h2", string="2. Fair funding review")
    stated = heading_.find_next_sibling("h3")
    assert stated.get_text(strip=True) == "Positions stated at the meeting"
    assert [li.get_text(" ", strip=True) for li in stated.find_next_sibling("ul")("li")] == [
        "Bolton Council: Oppose: “The formula ignores deprivation”",
        "Camden Council: Support",
    ]
    assert "Positions stated" not in sections(response)["1. Welcome and apologies"]
    assert "Neutral" not in main_text(response)


# Approval ---------------------------------------------------------------------------------------


def test_the_chair_approves_the_draft_which_publishes_it(client, login_as, held):
    funding = held.items[1]
    minutes = factories.draft_minutes(meeting=held)
    minutes.items.append(MinuteItem(agenda_item_id=funding.id, discussion="Members agreed."))
    chair = login_as(Role.CHAIR, full_name="Angela Chair")

    draft = client.get(url(held))
    assert links(draft)["Approve the minutes"] == url(held, "/approve")
    assert "Write the draft minutes" not in links(draft)
    confirm = client.get(url(held, "/approve"))
    assert heading(confirm) == "Approve the minutes"

    response = client.post(url(held, "/approve"), follow_redirects=True)

    assert response.request.path == url(held)
    assert banner(response) == "Success Minutes approved and published"
    stored = stored_minutes(held)
    assert stored.approved_by_id == chair.id
    assert stored.approved_at is not None
    assert db.session.get(Meeting, held.id).status is MeetingStatus.MINUTES_PUBLISHED
    [event] = audit_events("minutes_approved")
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        chair.id,
        "minutes",
        stored.id,
    )
    assert event.summary == f"Angela Chair approved the minutes of {format_date(held.starts_at)}"
    assert f"Approved by Angela Chair on {format_datetime(stored.approved_at)}." in main_text(
        response
    )
    assert "Approve the minutes" not in links(response)

    # now anyone may read them, and the meeting page links them
    with client.session_transaction() as session:
        session.clear()
    public = client.get(url(held))
    expect(public, 200)
    assert sections(public)["2. Fair funding review"] == "Members agreed."
    assert "Draft" not in main_text(public)
    assert links(client.get(f"/meetings/{held.slug}"))["Minutes"] == url(held)


@pytest.mark.parametrize("role", NOT_CHAIR)
def test_only_the_chair_approves(client, login_as, held, role):
    factories.draft_minutes(meeting=held)
    login_as(role)
    expect(client.get(url(held, "/approve")), 403)
    expect(client.post(url(held, "/approve")), 403)
    assert stored_minutes(held).approved_at is None
    assert db.session.get(Meeting, held.id).status is MeetingStatus.HELD
    assert audit_events("minutes_approved") == []


def test_the_secretariat_is_not_offered_approval(client, login_as, held):
    factories.draft_minutes(meeting=held)
    login_as(Role.SECRETARIAT)
    offered = links(client.get(url(held)))
    assert "Approve the minutes" not in offered
    assert offered["Write the draft minutes"] == url(held, "/edit")
    assert offered["Record a decision"] == f"/meetings/{held.slug}/decisions/new"
    assert offered["Record an action"] == f"/meetings/{held.slug}/actions/new"
    assert "Record a correction" not in offered


def test_approving_with_no_draft_is_refused(client, login_as, held):
    login_as(Role.CHAIR)
    shown = ok(client.post(url(held, "/approve")))
    assert error_summary(shown) == [("There are no draft minutes to approve", "")]
    assert minutes_count() == 0
    assert db.session.get(Meeting, held.id).status is MeetingStatus.HELD


def test_approving_a_meeting_not_held_is_refused(client, login_as):
    meeting = factories.meeting(published=True)
    login_as(Role.CHAIR)
    response = client.post(url(meeting, "/approve"))
    assert error_summary(response) == [(HELD_ONLY, "")]
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.AGENDA_PUBLISHED


def test_approving_twice_is_refused_and_keeps_the_first_approval(client, login_as, held):
    first_chair = factories.user(role=Role.CHAIR, full_name="First Chair")
    minutes = factories.published_minutes(meeting=held, approved_by=first_chair)
    approved_at = minutes.approved_at
    login_as(Role.CHAIR)
    response = client.post(url(held, "/approve"))
    assert error_summary(response) == [(READ_ONLY, "")]
    stored = stored_minutes(held)
    assert (stored.approved_by_id, stored.approved_at) == (first_chair.id, approved_at)
    assert audit_events("minutes_approved") == []


# After publication: corrections, not edits -------------------------------------------------------


def test_published_minutes_cannot_be_edited(client, login_as, held):
    funding = held.items[1]
    factories.published_minutes(meeting=held, discussions={funding: "Members agreed."})
    login_as(Role.SECRETARIAT)

    shown = ok(
        client.post(
            url(held, "/edit"), data={"introduction": "Changed", f"item-{funding.id}": "Rewritten"}
        )
    )

    assert error_summary(shown) == [(READ_ONLY, "")]
    stored = stored_minutes(held)
    assert stored.introduction == "The chair welcomed members."
    assert stored.discussion_for(funding.id) == "Members agreed."
    assert audit_events("minutes_saved") == []


def test_the_secretariat_is_offered_a_correction_not_editing_once_published(client, login_as, held):
    factories.published_minutes(meeting=held)
    login_as(Role.SECRETARIAT)
    offered = links(client.get(url(held)))
    assert offered["Record a correction"] == url(held, "/correct")
    assert "Write the draft minutes" not in offered
    assert "Record a decision" not in offered
    assert "Record an action" not in offered


def test_a_correction_is_shown_as_a_correction(client, login_as, held):
    funding = held.items[1]
    chair = factories.user(role=Role.CHAIR, full_name="Angela Chair")
    minutes = factories.published_minutes(
        meeting=held, approved_by=chair, discussions={funding: "The Minister for Care came."}
    )
    approved_at = minutes.approved_at
    secretariat = login_as(Role.SECRETARIAT, full_name="Sam Secretariat")

    form = client.get(url(held, "/correct"))
    assert heading(form) == "Record a correction"
    response = client.post(
        url(held, "/correct"),
        data={"text": " Item 2: the Secretary of State attended, not the Minister for Care. "},
        follow_redirects=True,
    )

    assert response.request.path == url(held)
    assert banner(response) == "Success Correction recorded"
    [correction] = db.session.execute(select(Correction)).scalars()
    assert correction.text == "Item 2: the Secretary of State attended, not the Minister for Care."
    assert correction.made_by_id == secretariat.id
    assert correction.minutes_id == stored_minutes(held).id
    [event] = audit_events("minutes_corrected")
    assert (
        event.summary == f"Sam Secretariat corrected the minutes of {format_date(held.starts_at)}"
    )

    shown = sections(response)
    assert shown["2. Fair funding review"] == "The Minister for Care came."
    assert shown["Corrections"] == (
        f"{format_date(correction.made_at)}: "
        "Item 2: the Secretary of State attended, not the Minister for Care."
    )
    assert "Corrected since: see the corrections below." in main_text(response)
    assert stored_minutes(held).discussion_for(funding.id) == "The Minister for Care came."
    assert (stored_minutes(held).approved_by_id, stored_minutes(held).approved_at) == (
        chair.id,
        approved_at,
    )
    assert "Approved by Angela Chair" in main_text(response)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Describe the correction"),
        ("x" * 5001, "The correction must be 5,000 characters or fewer"),
    ],
)
def test_a_correction_must_say_something_short_enough(client, login_as, held, text, message):
    factories.published_minutes(meeting=held)
    login_as(Role.SECRETARIAT)
    shown = ok(client.post(url(held, "/correct"), data={"text": text}))
    assert error_summary(shown) == [(message, "")]
    assert page(shown).select_one("#text").get_text() == text
    assert db.session.execute(select(func.count(Correction.id))).scalar_one() == 0


def test_draft_minutes_take_no_corrections(client, login_as, held):
    factories.draft_minutes(meeting=held)
    login_as(Role.SECRETARIAT)
    response = client.post(url(held, "/correct"), data={"text": "A correction"})
    assert error_summary(response) == [
        ("Only published minutes take corrections; change the draft instead", "")
    ]
    assert db.session.execute(select(func.count(Correction.id))).scalar_one() == 0


@pytest.mark.parametrize("role", NOT_SECRETARIAT)
def test_only_the_secretariat_records_corrections(client, login_as, held, role):
    factories.published_minutes(meeting=held)
    login_as(role)
    expect(client.get(url(held, "/correct")), 403)
    expect(client.post(url(held, "/correct"), data={"text": "Wrong"}), 403)
    assert db.session.execute(select(func.count(Correction.id))).scalar_one() == 0


# The PDF --------------------------------------------------------------------------------------


def test_the_published_minutes_as_a_pdf(client, held):
    funding = held.items[1]
    factories.register_entry(
        meeting=held, authority=factories.council(name="Ashford Council"), mark="in_person"
    )
    factories.published_minutes(meeting=held, discussions={funding: "Members discussed it."})
    factories.decision(meeting=held, item=funding, text="Write to the Treasury.")

    response = client.get(url(held, ".pdf"))

    expect(response, 200)
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="minutes-{held.slug}.pdf"'
    )
    text = pdf_text(response)
    assert f"Minutes of the meeting on {format_date(held.starts_at, weekday=True)}" in text
    assert "Present in person (1) Ashford Council" in text
    assert "Members discussed it." in text
    assert f"Decision {held_prefix(held)}/D1: Write to the Treasury." in text
    assert "DRAFT" not in text
    assert "Pay negotiations" not in text


def test_the_draft_pdf_is_marked_draft_for_the_secretariat(client, login_as, held):
    factories.draft_minutes(meeting=held)
    login_as(Role.SECRETARIAT)
    response = client.get(url(held, ".pdf"))
    assert response.mimetype == "application/pdf"
    text = pdf_text(response)
    assert "DRAFT — not approved" in text
    assert "Pay negotiations" in text


# The next meeting's "minutes of the last meeting" ----------------------------------------------


def next_meeting() -> Meeting:
    meeting = factories.meeting(published=True)
    factories.agenda_item(
        meeting=meeting, title="Minutes of the last meeting", kind=AgendaItemKind.MINUTES
    )
    factories.agenda_item(meeting=meeting, title="Fair funding")
    return meeting


def test_the_next_meeting_links_the_published_minutes(client, held):
    factories.published_minutes(meeting=held)
    upcoming = next_meeting()

    response = client.get(f"/meetings/{upcoming.slug}")

    item = page(response).select_one(f"#item-{upcoming.items[0].id}")
    link = item.select_one("a.govuk-link")
    assert link.get_text(strip=True) == (
        f"Minutes of the meeting on {format_date(held.starts_at, weekday=True)}"
    )
    assert link["href"] == url(held)
    assert page(response).select_one(f"#item-{upcoming.items[1].id} a") is None


def test_the_next_meeting_does_not_link_draft_minutes(client, login_as, held):
    factories.draft_minutes(meeting=held)
    upcoming = next_meeting()
    login_as(Role.SECRETARIAT)

    response = client.get(f"/meetings/{upcoming.slug}")

    item = page(response).select_one(f"#item-{upcoming.items[0].id}")
    assert item.select_one("a") is None
    assert url(held) not in response.get_data(as_text=True)


# Queries --------------------------------------------------------------------------------------


def test_the_minutes_page_queries_do_not_grow_with_its_records(client, login_as):
    def record(n: int) -> Meeting:
        meeting = factories.held_meeting(day=today() - timedelta(days=7 + n))
        consultation = factories.consultation()
        items = [factories.agenda_item(meeting=meeting) for _ in range(n)]
        items[0].consultation_id = consultation.id
        department = factories.department()
        for i in range(n):
            council = factories.council()
            factories.register_entry(meeting=meeting, authority=council, late=i % 2 == 0)
            factories.decision(meeting=meeting, item=items[i % len(items)])
            factories.owned_action(
                meeting=meeting, owner=council if i % 2 else department, item=items[i]
            )
            factories.stated_position(consultation=consultation, authority=council, meeting=meeting)
            invitation = factories.ministerial_invitation(meeting=meeting, item=items[i])
            invitation.status = InvitationStatus.CONFIRMED
            invitation.attended = True
        factories.published_minutes(meeting=meeting, discussions=dict.fromkeys(items, "Discussed."))
        factories.register_entry(meeting=meeting, authority=factories.council(), mark="substitute")
        return meeting

    small, large = url(record(3)), url(record(20))
    login_as(Role.LEADER)
    with count_selects() as few:
        assert len(page(client.get(small)).select("main p strong")) == 6
    with count_selects() as many:
        assert len(page(client.get(large)).select("main p strong")) == 40
    assert len(many) <= len(few), many


def test_the_minutes_forms_carry_their_csrf_token(client, login_as, held, csrf_enabled):
    funding = held.items[1]
    login_as(Role.SECRETARIAT)
    data = {"introduction": "Welcome", f"item-{funding.id}": "Discussed."}
    expect(client.post(url(held, "/edit"), data=data), 400)
    assert minutes_count() == 0
    token = csrf_token_from(client.get(url(held, "/edit")))
    expect(client.post(url(held, "/edit"), data={**data, "csrf_token": token}), 302)
    assert stored_minutes(held).discussion_for(funding.id) == "Discussed."

    login_as(Role.CHAIR)
    expect(client.post(url(held, "/approve")), 400)
    assert stored_minutes(held).approved_at is None
    token = csrf_token_from(client.get(url(held, "/approve")))
    expect(client.post(url(held, "/approve"), data={"csrf_token": token}), 302)
    assert stored_minutes(held).approved_at is not None
