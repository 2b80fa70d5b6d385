"""A personal calendar feed at a secret address: the meetings and consultation
deadlines that concern the person, and a way to change the address."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from icalendar import Calendar

from commission.auth.models import User
from commission.auth.roles import Role
from commission.consultations.models import ConsultationStatus, Extension
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.timeutil import LONDON, now_utc
from tests import factories
from tests.pages import banner, csrf_token_from, expect, heading, page, sign_in

FEED = re.compile(r"http://commission\.test(/calendar/[A-Za-z0-9_-]+\.ics)")


def feed_path(response) -> str:
    code = page(response).select_one("main code")
    assert code is not None, "no calendar address on the page"
    match = FEED.fullmatch(code.get_text(strip=True))
    assert match, code.get_text()
    return match.group(1)


def address_for(client, user: User) -> str:
    sign_in(client, user)
    client.post("/account/calendar")
    path = feed_path(client.get("/account/calendar"))
    client.post("/sign-out")
    return path


def events_in(response) -> list:
    expect(response, 200)
    assert response.mimetype == "text/calendar"
    return list(Calendar.from_ical(response.get_data()).walk("VEVENT"))


def meetings_in(response) -> dict[str, object]:
    """Each meeting's event by the meeting's slug."""
    prefix = "http://commission.test/meetings/"
    return {
        str(event["url"]).removeprefix(prefix): event
        for event in events_in(response)
        if str(event["url"]).startswith(prefix)
    }


def deadlines_in(response) -> dict[str, object]:
    """Each consultation deadline's event by its summary."""
    return {
        str(event["summary"]): event
        for event in events_in(response)
        if str(event["summary"]).startswith("Responses close: ")
    }


def at(moment):
    return moment.astimezone(LONDON).replace(microsecond=0)


# The address ---------------------------------------------------------------------------------


def test_creating_and_resetting_the_address(client, login_as, csrf_enabled):
    user = login_as(Role.LEADER)
    response = client.get("/account/calendar")
    expect(response, 200)
    assert heading(response) == "Your calendar"
    assert page(response).select_one("main code") is None
    assert page(response).select_one("main form button").get_text(strip=True) == (
        "Create my calendar address"
    )

    created = client.post("/account/calendar", data={"csrf_token": csrf_token_from(response)})
    expect(created, 302)
    shown = client.get("/account/calendar")
    first = feed_path(shown)
    assert first == f"/calendar/{user.calendar_token}.ics"
    assert len(user.calendar_token) >= 40
    expect(client.get(first), 200)

    button = page(shown).select_one("main form button").get_text(strip=True)
    assert button == "Make a new address"
    client.post("/account/calendar", data={"csrf_token": csrf_token_from(shown)})
    after = client.get("/account/calendar")
    assert banner(after) == (
        "Success Your calendar address has changed. The old address no longer works"
    )
    second = feed_path(after)
    assert second != first
    expect(client.get(first), 404)
    expect(client.get(second), 200)


def test_the_address_does_not_change_without_the_form_token(client, login_as, csrf_enabled):
    user = login_as(Role.OFFICER)
    response = client.post("/account/calendar")
    expect(response, 400)
    assert user.calendar_token is None


def test_the_calendar_page_needs_signing_in(client, app_ctx):
    response = client.get("/account/calendar")
    expect(response, 302)
    assert response.headers["Location"].startswith("/sign-in")


def test_an_unknown_address_is_not_found(client, app_ctx):
    expect(client.get("/calendar/not-a-real-token-but-long-enough.ics"), 404)
    expect(client.get("/calendar/x.ics"), 404)


def test_a_deactivated_persons_address_stops_working(client, app_ctx):
    user = factories.user(role=Role.LEADER)
    path = address_for(client, user)
    expect(client.get(path), 200)
    user.active = False
    db.session.flush()
    expect(client.get(path), 404)


# What the feed holds ----------------------------------------------------------------------------


@pytest.fixture
def scene(app_ctx):
    """A leader and a minister; meetings the minister is and is not invited to,
    a draft and a cancelled one; consultations, one extended for the leader's
    council, and a draft."""
    council = factories.council(name="Kirklees Council")
    leader = factories.person_at(authority=council, role=Role.LEADER)
    office = factories.ministerial_office(title="Secretary of State for Education")
    minister = factories.minister(office=office)
    invited_to = factories.meeting(published=True)
    other = factories.meeting()
    factories.meeting(status=MeetingStatus.DRAFT)
    cancelled = factories.meeting(status=MeetingStatus.CANCELLED)
    factories.ministerial_invitation(meeting=invited_to, office=office)
    extended = factories.consultation(title="Adult social care")
    extension = Extension(
        consultation_id=extended.id,
        authority_id=council.id,
        closes_at=extended.closes_at + timedelta(days=10),
        reason="Elections",
    )
    db.session.add(extension)
    plain = factories.consultation(title="Business rates")
    factories.consultation(title="Still a draft", status=ConsultationStatus.DRAFT)
    db.session.flush()
    return SimpleNamespace(
        leader=leader,
        minister=minister,
        invited_to=invited_to,
        other=other,
        cancelled=cancelled,
        extended=extended,
        extension=extension,
        plain=plain,
    )


def test_a_leaders_feed_has_public_meetings_and_deadlines_with_their_extension(client, scene):
    response = client.get(address_for(client, scene.leader))

    meetings = meetings_in(response)
    assert set(meetings) == {
        scene.invited_to.slug,
        scene.other.slug,
        scene.cancelled.slug,
    }
    cancelled = meetings[scene.cancelled.slug]
    assert str(cancelled["status"]) == "CANCELLED"
    assert str(cancelled["summary"]).startswith("Cancelled: ")
    event = meetings[scene.other.slug]
    assert str(event["status"]) == "CONFIRMED"
    assert event.decoded("dtstart") == at(scene.other.starts_at)

    extended, plain = scene.extended, scene.plain
    deadlines = deadlines_in(response)
    assert set(deadlines) == {
        f"Responses close: {extended.reference} Adult social care",
        f"Responses close: {plain.reference} Business rates",
    }
    assert deadlines[f"Responses close: {extended.reference} Adult social care"].decoded(
        "dtstart"
    ) == at(scene.extension.closes_at)
    assert deadlines[f"Responses close: {plain.reference} Business rates"].decoded("dtstart") == at(
        plain.closes_at
    )


def test_a_ministers_feed_has_only_the_meetings_they_are_invited_to(client, scene):
    response = client.get(address_for(client, scene.minister))
    assert list(meetings_in(response)) == [scene.invited_to.slug]
    assert deadlines_in(response) == {}


def test_the_secretariats_feed_has_every_public_meeting_and_the_general_deadlines(client, scene):
    secretariat = factories.user(role=Role.SECRETARIAT)
    response = client.get(address_for(client, secretariat))
    assert len(meetings_in(response)) == 3
    extended = scene.extended
    deadline = deadlines_in(response)[f"Responses close: {extended.reference} Adult social care"]
    assert deadline.decoded("dtstart") == at(extended.closes_at)


def test_the_feed_shows_changes_at_once(client, scene):
    path = address_for(client, scene.leader)
    later = factories.meeting(starts_at=now_utc() + timedelta(days=200))
    assert later.slug in meetings_in(client.get(path))
