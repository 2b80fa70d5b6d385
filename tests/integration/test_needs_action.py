"""The home page tells a signed-in person what needs their action now:
attendance replies due, responses to write, finish or sign off, ministers'
invitations to answer, and actions due soon or overdue."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from commission.attendance.models import InvitationStatus
from commission.auth.models import User
from commission.auth.roles import Role
from commission.consultations.models import Extension, ResponseStatus
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.minutes.models import ActionStatus
from commission.timeutil import format_date, format_datetime, now_utc, today
from tests import factories
from tests.conftest import count_selects
from tests.pages import expect, ok, page, sign_in


def tasks(client, user: User) -> list[tuple[str, str, str]]:
    """(text, link, hint) of each task on the home page, as ``user`` sees it."""
    sign_in(client, user)
    shown = ok(client.get("/"))
    return [
        (
            item.select_one("a").get_text(" ", strip=True),
            str(item.select_one("a")["href"]),
            item.select_one(".govuk-task-list__hint").get_text(" ", strip=True),
        )
        for item in page(shown).select(".govuk-task-list__item")
    ]


def texts(client, user: User) -> list[str]:
    return [text for text, _, _ in tasks(client, user)]


def home_text(client, user: User) -> str:
    sign_in(client, user)
    return page(client.get("/")).select_one("main").get_text(" ", strip=True)


@pytest.fixture
def cast(app_ctx):
    council = factories.council(name="Kirklees Council")
    return SimpleNamespace(
        council=council,
        leader=factories.person_at(authority=council, role=Role.LEADER, full_name="Tom Ashworth"),
        officer=factories.person_at(authority=council, role=Role.OFFICER),
        deputy=factories.person_at(authority=council, role=Role.DEPUTY),
        signing_deputy=factories.person_at(authority=council, role=Role.DEPUTY, sign_off=True),
    )


def meeting_in(days: int, **kwargs):
    return factories.meeting(
        starts_at=factories.london_time(today() + timedelta(days=days), 10, 30), **kwargs
    )


# Replies about attending ----------------------------------------------------------------------


def test_a_meeting_without_a_reply_asks_the_leader_and_officer_to_reply(client, cast):
    meeting = meeting_in(10)
    replied = meeting_in(12)
    factories.attendance_reply(meeting=replied, authority=cast.council)
    meeting_in(60)  # too far off to ask yet
    meeting_in(14, status=MeetingStatus.CANCELLED)
    meeting_in(16, status=MeetingStatus.DRAFT)

    expected = [
        (
            "Say who will attend for Kirklees Council",
            f"/meetings/{meeting.slug}/reply?authority={cast.council.slug}",
            f"Meeting {format_datetime(meeting.starts_at)}",
        )
    ]
    assert tasks(client, cast.leader) == expected
    assert tasks(client, cast.officer) == expected
    assert tasks(client, cast.deputy) == []

    link = expected[0][1]
    sign_in(client, cast.officer)
    assert "Reply for Kirklees Council" in page(client.get(link)).select_one("h1").get_text()


def test_a_non_member_authority_is_not_asked_to_reply(client, app_ctx):
    outsider = factories.council(name="Outside Council", member=False)
    officer = factories.person_at(authority=outsider, role=Role.OFFICER)
    meeting_in(10)
    assert tasks(client, officer) == []


# Responses -----------------------------------------------------------------------------------


@pytest.fixture
def responses(cast):
    """Four open consultations, Kirklees not started, drafting, ready and submitted."""
    closes = now_utc() + timedelta(days=10)
    untouched = factories.consultation(title="Adult social care", closes_at=closes)
    drafting = factories.consultation(title="Business rates", closes_at=closes)
    factories.draft_response(consultation=drafting, authority=cast.council)
    ready = factories.consultation(title="Children's services", closes_at=closes)
    factories.draft_response(
        consultation=ready, authority=cast.council
    ).status = ResponseStatus.READY
    submitted = factories.consultation(title="Devolution", closes_at=closes)
    factories.submitted_response(consultation=submitted, authority=cast.council)
    factories.consultation(title="Closed already", closes_at=now_utc() - timedelta(hours=1))
    db.session.flush()
    return SimpleNamespace(untouched=untouched, drafting=drafting, ready=ready, closes=closes)


def test_the_leader_is_asked_to_respond_finish_the_draft_and_sign_off(client, cast, responses):
    due = f"Closes {format_datetime(responses.closes)}"
    base = "/consultations/{}/responses/" + cast.council.slug
    assert sorted(tasks(client, cast.leader)) == [
        (
            "Finish Kirklees Council's draft response: Business rates",
            base.format(responses.drafting.reference),
            due,
        ),
        (
            "Respond for Kirklees Council: Adult social care",
            base.format(responses.untouched.reference),
            due,
        ),
        (
            "Sign off Kirklees Council's response: Children's services",
            base.format(responses.ready.reference) + "/check",
            due,
        ),
    ]


def test_an_officer_is_not_asked_to_sign_off(client, cast, responses):
    assert sorted(texts(client, cast.officer)) == [
        "Finish Kirklees Council's draft response: Business rates",
        "Respond for Kirklees Council: Adult social care",
    ]


def test_a_deputy_is_asked_to_sign_off_only_with_sign_off_delegated(client, cast, responses):
    assert "Sign off Kirklees Council's response: Children's services" in texts(
        client, cast.signing_deputy
    )
    assert not any(t.startswith("Sign off") for t in texts(client, cast.deputy))


def test_an_extension_moves_the_date_shown(client, cast):
    consultation = factories.consultation(
        title="Adult social care", closes_at=now_utc() - timedelta(hours=2)
    )
    extended = now_utc() + timedelta(days=3)
    db.session.add(
        Extension(
            consultation_id=consultation.id,
            authority_id=cast.council.id,
            closes_at=extended,
            reason="Elections",
        )
    )
    db.session.flush()
    assert tasks(client, cast.leader) == [
        (
            "Respond for Kirklees Council: Adult social care",
            f"/consultations/{consultation.reference}/responses/{cast.council.slug}",
            f"Closes {format_datetime(extended)}",
        )
    ]


# Ministers ------------------------------------------------------------------------------------


def test_a_minister_is_asked_to_reply_to_an_invitation(client, app_ctx):
    office = factories.ministerial_office(title="Secretary of State for Education")
    minister = factories.minister(office=office)
    other = factories.minister()
    meeting = meeting_in(10, published=True)
    invitation = factories.ministerial_invitation(meeting=meeting, office=office)

    assert tasks(client, minister) == [
        (
            "Reply to the invitation for Secretary of State for Education",
            f"/meetings/{meeting.slug}/ministers/{invitation.id}",
            f"Meeting {format_datetime(meeting.starts_at)}",
        )
    ]
    assert tasks(client, other) == []

    invitation.status = InvitationStatus.CONFIRMED
    db.session.flush()
    assert tasks(client, minister) == []


def test_an_invitation_to_a_draft_meeting_is_not_a_task_yet(client, app_ctx):
    """Its page cannot be opened until the meeting is confirmed."""
    office = factories.ministerial_office()
    minister = factories.minister(office=office)
    meeting = meeting_in(10, status=MeetingStatus.DRAFT)
    factories.ministerial_invitation(meeting=meeting, office=office)
    assert tasks(client, minister) == []


def test_the_chair_is_asked_to_reply_to_an_invitation_for_the_chair(client, app_ctx):
    chair = factories.user(role=Role.CHAIR)
    meeting = meeting_in(10)
    factories.ministerial_invitation(meeting=meeting, for_chair=True)
    assert texts(client, chair) == ["Reply to the invitation for Chair of the Commission"]


# Actions --------------------------------------------------------------------------------------


def test_actions_due_within_two_weeks_or_overdue_are_shown_to_the_owners_people(client, cast):
    held = factories.held_meeting()
    overdue = factories.owned_action(
        meeting=held,
        owner=cast.council,
        text="Send the pilot data",
        due_on=today() - timedelta(days=3),
    )
    soon = factories.owned_action(
        meeting=held,
        owner=cast.council,
        text="Report on the pilot",
        due_on=today() + timedelta(days=14),
    )
    factories.owned_action(meeting=held, owner=cast.council, due_on=today() + timedelta(days=15))
    factories.owned_action(
        meeting=held, owner=cast.council, due_on=today(), status=ActionStatus.DONE.value
    )
    factories.owned_action(meeting=held, owner=factories.council(), due_on=today())

    expected = [
        (
            "Overdue: Send the pilot data",
            f"/actions/{overdue.id}",
            f"Due {format_date(overdue.due_on)}",
        ),
        ("Due soon: Report on the pilot", f"/actions/{soon.id}", f"Due {format_date(soon.due_on)}"),
    ]
    assert tasks(client, cast.leader) == expected
    assert tasks(client, cast.deputy) == expected


def test_a_departments_actions_are_shown_to_its_ministers(client, app_ctx):
    department = factories.department()
    minister = factories.minister(department=department)
    held = factories.held_meeting()
    factories.owned_action(
        meeting=held,
        owner=department,
        text="Publish the guidance",
        due_on=today() + timedelta(days=3),
    )
    assert texts(client, minister) == ["Due soon: Publish the guidance"]


def test_the_secretariats_own_actions_are_shown_to_the_secretariat(client, cast):
    secretariat = factories.user(role=Role.SECRETARIAT)
    held = factories.held_meeting()
    factories.owned_action(
        meeting=held, text="Circulate the minutes", due_on=today() - timedelta(days=1)
    )
    factories.owned_action(meeting=held, text="Book the venue", due_on=today() + timedelta(days=20))
    factories.owned_action(meeting=held, owner=cast.council, due_on=today())
    assert texts(client, secretariat) == [
        "Overdue: Circulate the minutes",
        f"Draft the minutes of the meeting on {format_date(held.starts_at)}",
        "1 action is overdue",
    ]
    assert "Circulate the minutes" not in " ".join(texts(client, cast.leader))


# Nothing to do --------------------------------------------------------------------------------


def test_someone_with_nothing_to_do_is_told_so(client, cast):
    secretariat = factories.user(role=Role.SECRETARIAT)
    meeting_in(10)
    factories.consultation()
    text = home_text(client, secretariat)
    assert "Needs your action" in text
    assert "Nothing needs your action at the moment." in text
    assert tasks(client, secretariat) == []


def test_someone_signed_out_sees_no_tasks(client, cast):
    meeting_in(10)
    text = page(client.get("/")).select_one("main").get_text(" ", strip=True)
    assert "Needs your action" not in text


# Queries --------------------------------------------------------------------------------------


def home_page_selects(client, user: User) -> int:
    sign_in(client, user)
    client.get("/")  # warm: anything loaded once per process
    with count_selects() as statements:
        response = client.get("/")
    expect(response, 200)
    return len(statements)


def add_work(cast, office, how_many: int) -> None:
    held = factories.held_meeting()
    for n in range(how_many):
        meeting = meeting_in(5 + n, published=True)
        factories.ministerial_invitation(meeting=meeting, office=office)
        consultation = factories.consultation(closes_at=now_utc() + timedelta(days=5 + n))
        if n % 3 == 1:
            factories.draft_response(consultation=consultation, authority=cast.council)
        if n % 3 == 2:
            db.session.add(
                Extension(
                    consultation_id=consultation.id,
                    authority_id=cast.council.id,
                    closes_at=consultation.closes_at + timedelta(days=5),
                    reason="Elections",
                )
            )
        factories.owned_action(meeting=held, owner=cast.council, due_on=today() + timedelta(days=n))
    db.session.flush()


def test_the_home_pages_queries_do_not_grow_with_meetings_and_consultations(client, cast):
    office = factories.ministerial_office()
    # Someone who is a council leader and a minister sees every kind of task.
    factories.appointment(user=cast.leader, role=Role.MINISTER, office=office)
    add_work(cast, office, 2)
    few = home_page_selects(client, cast.leader)
    few_tasks = len(tasks(client, cast.leader))
    add_work(cast, office, 8)
    many = home_page_selects(client, cast.leader)
    assert len(tasks(client, cast.leader)) > few_tasks
    assert many == few


def test_a_ministers_home_page_queries_do_not_grow_with_invitations(client, app_ctx):
    office = factories.ministerial_office()
    minister = factories.minister(office=office)
    council = factories.council()
    add_work(SimpleNamespace(council=council), office, 2)
    few = home_page_selects(client, minister)
    add_work(SimpleNamespace(council=council), office, 8)
    many = home_page_selects(client, minister)
    assert len(tasks(client, minister)) == 10
    assert many == few
