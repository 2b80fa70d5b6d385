"""The secretariat's and the chair's home pages say what to do next: how
ready the next meeting is, how far each open consultation's responses have
got (with a way to remind the authorities still awaited), minutes to draft or
approve, and actions overdue. Each line links to where the thing is done."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from commission.attendance.models import InvitationStatus
from commission.auth.models import User
from commission.auth.roles import Role
from commission.consultations.models import Extension
from commission.extensions import db
from commission.minutes.models import ActionStatus
from commission.timeutil import format_date, format_datetime, now_utc, today
from tests import factories
from tests.conftest import count_selects
from tests.pages import expect, ok, page, sign_in, summary_list


def home(client, user: User):
    sign_in(client, user)
    return ok(client.get("/"))


def task_links(client, user: User) -> list[tuple[str, str]]:
    shown = home(client, user)
    return [
        (item.select_one("a").get_text(" ", strip=True), str(item.select_one("a")["href"]))
        for item in shown.select(".govuk-task-list__item")
    ]


def section(shown, heading_id: str) -> str:
    """The text from a heading to the next heading of its level."""
    heading = shown.select_one(f"#{heading_id}")
    assert heading is not None, heading_id
    parts = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        parts.append(sibling.get_text(" ", strip=True))
    return " ".join(" ".join(parts).split())


def links_in(shown, heading_id: str) -> dict[str, str]:
    heading = shown.select_one(f"#{heading_id}")
    found = {}
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        for link in sibling.select("a"):
            found[link.get_text(" ", strip=True)] = str(link["href"])
    return found


@pytest.fixture
def commission(app_ctx):
    members = [factories.council(name=f"Council {letter}") for letter in "ABCD"]
    factories.council(name="Council Outsider", member=False)
    return SimpleNamespace(
        members=members,
        secretariat=factories.user(role=Role.SECRETARIAT),
        chair=factories.user(role=Role.CHAIR),
    )


def next_meeting(days: int = 10, **kwargs):
    return factories.meeting(
        starts_at=factories.london_time(today() + timedelta(days=days), 10, 30), **kwargs
    )


# The next meeting -----------------------------------------------------------------------------


def test_the_secretariat_sees_how_ready_the_next_meeting_is(client, commission):
    a, b, _, _ = commission.members
    meeting = next_meeting()
    opening = factories.agenda_item(meeting=meeting, title="Welcome")
    funding = factories.agenda_item(meeting=meeting, title="Fair funding")
    factories.agenda_item(meeting=meeting, title="Housing")
    factories.paper(item=funding)
    factories.ministerial_invitation(meeting=meeting)
    factories.ministerial_invitation(meeting=meeting).status = InvitationStatus.CONFIRMED
    factories.attendance_reply(meeting=meeting, authority=a)
    factories.attendance_reply(meeting=meeting, authority=b, kind="apologies")
    db.session.flush()

    shown = home(client, commission.secretariat)
    assert summary_list(shown) == {
        "Agenda": "Not published, 3 items",
        "Papers": f"2 of 3 items have no papers: {opening.title}; Housing",
        "Ministers": "2 invited, 1 confirmed",
        "Replies": "2 of 4 member authorities (50%) have said who will attend "
        "The 2 that have not replied Council C Council D",
    }
    assert section(shown, "readiness").startswith(format_datetime(meeting.starts_at))
    links = links_in(shown, "readiness")
    assert links["Build and publish the agenda"] == f"/meetings/{meeting.slug}/agenda"
    assert links["Add papers to the agenda items"] == f"/meetings/{meeting.slug}/agenda"
    assert links["Invite ministers"] == f"/meetings/{meeting.slug}/ministers"
    assert links["See the replies"] == f"/meetings/{meeting.slug}/replies"


def test_a_published_agenda_with_every_paper_and_reply(client, commission):
    meeting = next_meeting(published=True)
    item = factories.agenda_item(meeting=meeting, title="Fair funding")
    factories.paper(item=item)
    for member in commission.members:
        factories.attendance_reply(meeting=meeting, authority=member)
    shown = home(client, commission.secretariat)
    assert summary_list(shown) == {
        "Agenda": "Published, 1 item",
        "Papers": "Every item has papers",
        "Ministers": "0 invited, 0 confirmed",
        "Replies": "4 of 4 member authorities (100%) have said who will attend",
    }


def test_no_readiness_without_a_next_meeting(client, commission):
    shown = home(client, commission.secretariat)
    assert shown.select_one("#readiness") is None
    assert "No meetings are scheduled yet." in shown.get_text(" ", strip=True)


# Open consultations ---------------------------------------------------------------------------


def test_open_consultations_show_coverage_and_a_reminder_for_those_awaited(client, commission):
    a, b, *_ = commission.members
    closes = now_utc() + timedelta(days=10)
    consultation = factories.consultation(title="Adult social care", closes_at=closes)
    factories.submitted_response(consultation=consultation, authority=a)
    factories.draft_response(consultation=consultation, authority=b)
    everyone = factories.consultation(title="Devolution", closes_at=closes + timedelta(days=1))
    for member in commission.members:
        factories.submitted_response(consultation=everyone, authority=member)
    factories.consultation(title="Closed already", closes_at=now_utc() - timedelta(hours=1))

    shown = home(client, commission.secretariat)
    text = section(shown, "open-consultations")
    assert text == (
        f"Adult social care Closes {format_datetime(closes)}. 1 of 4 member authorities (25%) "
        "have submitted a position; 1 more have a draft. "
        "Remind the 3 authorities that have not responded "
        "See the coverage and positions for Adult social care "
        f"Devolution Closes {format_datetime(closes + timedelta(days=1))}. 4 of 4 member "
        "authorities (100%) have submitted a position. "
        "See the coverage and positions for Devolution"
    )
    links = links_in(shown, "open-consultations")
    assert links["Remind the 3 authorities that have not responded"] == (
        f"/consultations/{consultation.reference}/remind"
    )
    assert links["See the coverage and positions for Adult social care"] == (
        f"/consultations/{consultation.reference}/summary"
    )


def test_no_open_consultation_is_said_so(client, commission):
    shown = home(client, commission.secretariat)
    assert section(shown, "open-consultations") == "No consultation is open at the moment."


def test_other_people_do_not_see_the_secretariats_sections(client, commission):
    next_meeting()
    factories.consultation()
    leader = factories.person_at(authority=commission.members[0], role=Role.LEADER)
    for person in (leader, commission.chair):
        shown = home(client, person)
        assert shown.select_one("#readiness") is None
        assert shown.select_one("#open-consultations") is None


# Minutes and actions --------------------------------------------------------------------------


def test_minutes_to_draft_and_to_approve(client, commission):
    to_draft = factories.held_meeting(day=today() - timedelta(days=3))
    drafted = factories.held_meeting(day=today() - timedelta(days=40))
    factories.draft_minutes(meeting=drafted)
    approved = factories.held_meeting(day=today() - timedelta(days=80))
    factories.draft_minutes(meeting=approved).approved_at = now_utc()
    db.session.flush()

    assert task_links(client, commission.secretariat) == [
        (
            f"Draft the minutes of the meeting on {format_date(to_draft.starts_at)}",
            f"/meetings/{to_draft.slug}/minutes/edit",
        ),
        (
            f"The minutes of the meeting on {format_date(drafted.starts_at)} await the "
            "chair's approval",
            f"/meetings/{drafted.slug}/minutes",
        ),
    ]
    assert task_links(client, commission.chair) == [
        (
            f"Approve the minutes of the meeting on {format_date(drafted.starts_at)}",
            f"/meetings/{drafted.slug}/minutes/approve",
        )
    ]
    sign_in(client, commission.chair)
    approve = client.get(f"/meetings/{drafted.slug}/minutes/approve")
    assert page(approve).select_one("h1").get_text(strip=True) == "Approve the minutes"


def test_actions_overdue_whoever_owns_them_are_counted_for_the_secretariat(client, commission):
    held = factories.held_meeting()
    factories.draft_minutes(meeting=held).approved_at = now_utc()
    for owner in commission.members[:2]:
        factories.owned_action(meeting=held, owner=owner, due_on=today() - timedelta(days=2))
    factories.owned_action(
        meeting=held,
        owner=commission.members[2],
        due_on=today() - timedelta(days=2),
        status=ActionStatus.DONE.value,
    )
    factories.owned_action(meeting=held, owner=commission.members[3], due_on=today())
    db.session.flush()
    assert task_links(client, commission.secretariat) == [
        ("2 actions are overdue", "/actions?status=overdue")
    ]
    sign_in(client, commission.secretariat)
    listed = ok(client.get("/actions?status=overdue"))
    assert len(listed.select("main table tbody tr")) == 2
    assert task_links(client, commission.chair) == []


# Statements -----------------------------------------------------------------------------------


def add_business(commission, n: int) -> None:
    meeting = next_meeting(days=5)
    for i in range(n):
        member = factories.council()
        item = factories.agenda_item(meeting=meeting, title=f"Item {i}")
        if i % 2:
            factories.paper(item=item)
        factories.ministerial_invitation(meeting=meeting)
        factories.attendance_reply(meeting=meeting, authority=member)
        consultation = factories.consultation(closes_at=now_utc() + timedelta(days=3 + i))
        factories.submitted_response(consultation=consultation, authority=member)
        factories.draft_response(consultation=consultation, authority=commission.members[0])
        db.session.add(
            Extension(
                consultation_id=consultation.id,
                authority_id=commission.members[1].id,
                closes_at=consultation.closes_at + timedelta(days=5),
                reason="Elections",
            )
        )
        held = factories.held_meeting(day=today() - timedelta(days=10 + i))
        if i % 2:
            factories.draft_minutes(meeting=held)
        factories.owned_action(meeting=held, owner=member, due_on=today() - timedelta(days=1))
    db.session.flush()


def home_selects(client, user: User) -> int:
    sign_in(client, user)
    client.get("/")
    with count_selects() as statements:
        expect(client.get("/"), 200)
    return len(statements)


@pytest.mark.parametrize("role", ["secretariat", "chair"])
def test_the_home_pages_statements_do_not_grow_with_the_business(client, commission, role):
    person = getattr(commission, role)
    add_business(commission, 2)
    few = home_selects(client, person)
    add_business(commission, 8)
    many = home_selects(client, person)
    assert many == few
