"""Each event queues one email per person who should hear of it — and no one
else — with a plain-text and an HTML part and a link to the page where the
person acts on it."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from commission.attendance import services as attendance
from commission.attendance.models import InvitationStatus
from commission.auth.models import User
from commission.auth.roles import Role
from commission.consultations import services as consultations
from commission.consultations.models import ConsultationStatus, Position
from commission.extensions import db
from commission.meetings import services as meetings
from commission.meetings.models import AgendaItemKind, MeetingStatus
from commission.notifications import events
from commission.notifications.models import OutboxMessage, OutboxStatus, Topic
from commission.notifications.services import set_preferences
from commission.summaries import services as summaries
from commission.timeutil import format_date, last_bank_holiday_year, now_utc, today
from tests import factories
from tests.pages import expect, heading, ok, sign_in

BASE = "http://commission.test"


def queued(template: str | None = None) -> list[OutboxMessage]:
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if template is not None:
        statement = statement.where(OutboxMessage.template == template)
    return list(db.session.execute(statement).scalars())


def recipients(template: str) -> set[str]:
    return {m.recipient for m in queued(template)}


def emails(*people: User) -> set[str]:
    return {p.email for p in people}


def link_in(message: OutboxMessage) -> str:
    """The action link: the line after "<link text>:" in the text part."""
    lines = message.body_text.splitlines()
    for index, line in enumerate(lines):
        if line.endswith(":") and index + 1 < len(lines) and lines[index + 1].startswith(BASE):
            return lines[index + 1]
    raise AssertionError(f"no action link in {message.body_text!r}")


def html_links(message: OutboxMessage) -> list[tuple[str, str]]:
    soup = BeautifulSoup(message.body_html, "html.parser")
    return [(a.get_text(" ", strip=True), str(a["href"])) for a in soup.find_all("a")]


def follow(client, user: User, message: OutboxMessage):
    """Open the email's link as its recipient would."""
    sign_in(client, user)
    return client.get(link_in(message).removeprefix(BASE))


@pytest.fixture
def cast(app_ctx):
    """Two member councils and a non-member one, with their people; a minister,
    the chair and the secretariat."""
    member = factories.council(name="Kirklees Council")
    other = factories.council(name="Wigan Council")
    outsider = factories.council(name="Outside Council", member=False)
    people = SimpleNamespace(
        member=member,
        other=other,
        outsider=outsider,
        leader=factories.person_at(authority=member, role=Role.LEADER, full_name="Tom Ashworth"),
        officer=factories.person_at(authority=member, role=Role.OFFICER, full_name="Joanna Pike"),
        deputy=factories.person_at(authority=member, role=Role.DEPUTY, full_name="Ade Bello"),
        signing_deputy=factories.person_at(
            authority=member, role=Role.DEPUTY, full_name="Sam Okafor", sign_off=True
        ),
        other_leader=factories.person_at(authority=other, role=Role.LEADER, full_name="Ann Lee"),
        outside_officer=factories.person_at(
            authority=outsider, role=Role.OFFICER, full_name="Olu Outside"
        ),
        minister=factories.minister(),
        chair=factories.user(role=Role.CHAIR, full_name="Chair Person"),
        secretariat=factories.user(role=Role.SECRETARIAT, full_name="Priya Natarajan"),
    )
    return people


def member_people(cast) -> set[str]:
    return emails(cast.leader, cast.officer, cast.deputy, cast.signing_deputy, cast.other_leader)


def published_meeting(**kwargs):
    meeting = factories.meeting(published=True, **kwargs)
    factories.agenda_item(meeting=meeting, title="Local government finance")
    return meeting


# Meetings -------------------------------------------------------------------------------------


def test_scheduling_a_year_of_meetings_tells_member_authorities_people(cast):
    rule = meetings.ScheduleRule(
        year=min(today().year + 1, last_bank_holiday_year()),
        ordinal="second",
        weekday=1,
        starts=time(10, 30),
        ends=time(13, 0),
        skip_months={8},
    )
    scheduled = meetings.create_schedule(rule=rule, actor=cast.secretariat)

    messages = queued("meetings_scheduled")
    assert {m.recipient for m in messages} == member_people(cast)
    assert len(messages) == len(member_people(cast))
    message = messages[0]
    assert message.subject == "11 Local Government Commission meetings scheduled"
    assert message.topic is Topic.MEETINGS
    assert message.status is OutboxStatus.QUEUED
    assert message.attempts == 0
    assert link_in(message) == f"{BASE}/meetings"
    assert (
        f"The Commission will meet on: {format_date(scheduled[0].starts_at)}," in message.body_text
    )
    assert ("See the meetings", f"{BASE}/meetings") in html_links(message)


def test_confirming_a_draft_meeting_tells_member_authorities(cast):
    meeting = factories.meeting(status=MeetingStatus.DRAFT)
    meetings.confirm_meeting(meeting=meeting, actor=cast.secretariat)
    assert recipients("meetings_scheduled") == member_people(cast)
    message = queued("meetings_scheduled")[0]
    assert message.subject == f"Meeting scheduled: {format_date(meeting.starts_at, weekday=True)}"
    assert f"The Commission will meet on: {format_date(meeting.starts_at)}." in message.body_text
    assert link_in(message) == f"{BASE}/meetings/{meeting.slug}"


def test_publishing_the_agenda_tells_members_with_a_link_to_the_meeting(client, cast):
    meeting = factories.meeting()
    factories.agenda_item(meeting=meeting, title="Local government finance")
    meetings.publish_agenda(meeting=meeting, actor=cast.secretariat)

    messages = queued("agenda_published")
    assert {m.recipient for m in messages} == member_people(cast)
    [to_leader] = [m for m in messages if m.user_id == cast.leader.id]
    assert to_leader.subject.startswith("Agenda published: ")
    assert "Dear Tom Ashworth" in to_leader.body_text
    assert "Tell us who will attend for your authority." in to_leader.body_text
    assert link_in(to_leader) == f"{BASE}/meetings/{meeting.slug}"
    assert ("Read the agenda and reply", f"{BASE}/meetings/{meeting.slug}") in html_links(to_leader)
    assert "<p>Dear Tom Ashworth,</p>" in to_leader.body_html

    opened = follow(client, cast.leader, to_leader)
    expect(opened, 200)
    assert "Local government finance" in opened.get_data(as_text=True)


def test_each_message_has_both_parts_and_an_unsubscribe_link(cast):
    meeting = factories.meeting()
    factories.agenda_item(meeting=meeting)
    meetings.publish_agenda(meeting=meeting, actor=cast.secretariat)
    [message] = [m for m in queued("agenda_published") if m.user_id == cast.officer.id]

    text_unsubscribe = re.search(r"^Unsubscribe: (\S+)$", message.body_text, re.M).group(1)
    assert text_unsubscribe.startswith(f"{BASE}/unsubscribe/")
    html = dict(html_links(message))
    assert html["Unsubscribe from these emails"] == text_unsubscribe
    assert "meetings scheduled, agendas published or changed" in message.body_text
    assert message.body_html.lstrip().startswith("<!DOCTYPE html>")


def test_agenda_changes_before_publication_tell_no_one(cast):
    meeting = factories.meeting()
    meetings.add_item(
        meeting=meeting,
        details=meetings.ItemDetails(
            kind=AgendaItemKind.DISCUSSION, title="Housing", duration_minutes=30
        ),
        actor=cast.secretariat,
    )
    assert queued() == []


def test_agenda_changes_after_publication_are_one_notice_per_meeting_per_day(cast, monkeypatch):
    meeting = published_meeting()
    for title in ("Housing", "Adult social care", "Planning"):
        meetings.add_item(
            meeting=meeting,
            details=meetings.ItemDetails(
                kind=AgendaItemKind.DISCUSSION, title=title, duration_minutes=30
            ),
            actor=cast.secretariat,
        )

    messages = queued("agenda_changed")
    assert {m.recipient for m in messages} == member_people(cast)
    assert len(messages) == len(member_people(cast))
    # One notice for the day, sent at the first change; the page lists them all.
    assert "has changed: Item added: Housing." in messages[0].body_text
    assert "including any made later today" in messages[0].body_text
    assert link_in(messages[0]) == f"{BASE}/meetings/{meeting.slug}"

    tomorrow = today() + timedelta(days=1)
    monkeypatch.setattr(events, "today", lambda: tomorrow)
    meetings.add_item(
        meeting=meeting,
        details=meetings.ItemDetails(
            kind=AgendaItemKind.DISCUSSION, title="Devolution", duration_minutes=30
        ),
        actor=cast.secretariat,
    )
    later = queued("agenda_changed")[len(messages) :]
    assert {m.recipient for m in later} == member_people(cast)
    assert "has changed: Item added: Devolution." in later[0].body_text


def test_a_confidential_items_title_is_not_in_the_change_notice(cast):
    meeting = published_meeting()
    meetings.add_item(
        meeting=meeting,
        details=meetings.ItemDetails(
            kind=AgendaItemKind.DISCUSSION,
            title="Council X in financial distress",
            duration_minutes=30,
            confidential=True,
        ),
        actor=cast.secretariat,
    )
    [message, *_] = queued("agenda_changed")
    assert "financial distress" not in message.body_text
    assert "Item added: Confidential item" in message.body_text


def test_cancelling_a_meeting_tells_members_why(client, cast):
    meeting = published_meeting()
    meetings.cancel_meeting(
        meeting=meeting, reason="The election was called", actor=cast.secretariat
    )

    messages = queued("meeting_cancelled")
    assert {m.recipient for m in messages} == member_people(cast)
    assert messages[0].subject.startswith("Meeting cancelled: ")
    assert "has been cancelled: The election was called." in messages[0].body_text
    assert link_in(messages[0]) == f"{BASE}/meetings/{meeting.slug}"
    expect(follow(client, cast.other_leader, messages[0]), 200)


def test_postponing_a_meeting_links_to_the_new_date(client, cast):
    meeting = published_meeting()
    later = meeting.starts_at + timedelta(days=14)
    new = meetings.postpone_meeting(
        meeting=meeting,
        starts_at=later,
        ends_at=later + timedelta(hours=2),
        reason="The minister is at a summit",
        actor=cast.secretariat,
    )

    messages = queued("meeting_postponed")
    assert {m.recipient for m in messages} == member_people(cast)
    assert "has been postponed: The minister is at a summit." in messages[0].body_text
    assert "It will now take place on " in messages[0].body_text
    assert link_in(messages[0]) == f"{BASE}/meetings/{new.slug}"
    expect(follow(client, cast.leader, messages[0]), 200)


def test_deleting_a_draft_meeting_tells_no_one(cast):
    """A draft is the secretariat's working copy: members never heard of it,
    and the link would be a page they cannot see."""
    meeting = factories.meeting(status=MeetingStatus.DRAFT)
    meetings.delete_meeting(meeting=meeting, actor=cast.secretariat)
    assert queued() == []


# Ministers ------------------------------------------------------------------------------------


def test_inviting_a_minister_tells_the_office_holder_only(client, cast):
    meeting = published_meeting()
    office = cast.minister.appointments[0].ministerial_office
    other_minister = factories.minister()
    invitation = attendance.invite_minister(
        meeting=meeting, office=office, for_chair=False, item=None, actor=cast.secretariat
    )

    [message] = queued("minister_invited")
    assert message.recipient == cast.minister.email
    assert message.topic is Topic.MINISTERIAL
    assert message.subject.startswith("Invitation: Local Government Commission, ")
    assert f"{office.title} is invited to the meeting on " in message.body_text
    assert link_in(message) == f"{BASE}/meetings/{meeting.slug}/ministers/{invitation.id}"
    assert other_minister.email not in recipients("minister_invited")

    opened = ok(follow(client, cast.minister, message))
    assert heading(opened) == office.title


def test_inviting_the_chair_tells_the_chair(cast):
    meeting = published_meeting()
    attendance.invite_minister(
        meeting=meeting, office=None, for_chair=True, item=None, actor=cast.secretariat
    )
    assert recipients("minister_invited") == {cast.chair.email}


def test_an_invitation_to_a_draft_meeting_waits_until_the_meeting_is_confirmed(client, cast):
    meeting = factories.meeting(status=MeetingStatus.DRAFT)
    factories.agenda_item(meeting=meeting)
    office = cast.minister.appointments[0].ministerial_office
    attendance.invite_minister(
        meeting=meeting, office=office, for_chair=False, item=None, actor=cast.secretariat
    )
    assert queued("minister_invited") == []

    meetings.confirm_meeting(meeting=meeting, actor=cast.secretariat)
    [message] = queued("minister_invited")
    assert message.recipient == cast.minister.email
    expect(follow(client, cast.minister, message), 200)


def test_a_ministers_reply_is_confirmed_to_the_secretariat(cast):
    meeting = published_meeting()
    office = cast.minister.appointments[0].ministerial_office
    invitation = factories.ministerial_invitation(meeting=meeting, office=office)
    attendance.respond_to_invitation(
        invitation=invitation,
        status=InvitationStatus.CONFIRMED,
        stand_in=None,
        actor=cast.minister,
    )

    [message] = queued("minister_replied")
    assert message.recipient == cast.secretariat.email
    assert message.subject.startswith(f"{office.title}: confirmed for ")
    assert link_in(message) == f"{BASE}/meetings/{meeting.slug}/ministers"


# Consultations --------------------------------------------------------------------------------


def test_opening_a_consultation_tells_member_authorities(client, cast):
    consultation = factories.consultation(
        title="Delivering the Sure Start revival", status=ConsultationStatus.DRAFT
    )
    consultations.open_consultation(consultation=consultation, actor=cast.secretariat)

    messages = queued("consultation_opened")
    assert {m.recipient for m in messages} == member_people(cast)
    assert messages[0].subject == "Consultation open: Delivering the Sure Start revival"
    assert "Your authority's position is due by " in messages[0].body_text
    assert link_in(messages[0]) == f"{BASE}/consultations/{consultation.reference}"
    expect(follow(client, cast.officer, messages[0]), 200)


def test_an_extension_is_told_to_that_authority_only(client, cast):
    consultation = factories.consultation()
    extension = consultations.grant_extension(
        consultation=consultation,
        authority=cast.member,
        closes_at=consultation.closes_at + timedelta(days=7),
        reason="Elections in May",
        actor=cast.secretariat,
    )

    messages = queued("extension_granted")
    assert {m.recipient for m in messages} == emails(
        cast.leader, cast.officer, cast.deputy, cast.signing_deputy
    )
    assert "Reason: Elections in May" in messages[0].body_text
    assert link_in(messages[0]) == (
        f"{BASE}/consultations/{consultation.reference}/responses/{cast.member.slug}"
    )
    assert extension.closes_at > consultation.closes_at
    opened = ok(follow(client, cast.officer, messages[0]))
    assert heading(opened) == "Kirklees Council's response"


def complete_draft(consultation, authority):
    return factories.draft_response(
        consultation=consultation,
        authority=authority,
        position=Position.SUPPORT,
        answers={
            q.id: (Position.SUPPORT if q.kind.value == "position" else None, "Our answer")
            for q in consultation.questions
        },
    )


def test_ready_for_sign_off_goes_to_the_leader_and_deputies_with_sign_off(client, cast):
    consultation = factories.consultation(title="Delivering the Sure Start revival")
    response = complete_draft(consultation, cast.member)
    consultations.mark_ready(
        consultation=consultation,
        authority=cast.member,
        expected_version=response.version,
        actor=cast.officer,
    )

    messages = queued("response_ready")
    assert {m.recipient for m in messages} == emails(cast.leader, cast.signing_deputy)
    message = messages[0]
    assert message.subject == f"Ready for your sign-off: {consultation.reference}"
    assert link_in(message) == (
        f"{BASE}/consultations/{consultation.reference}/responses/{cast.member.slug}/check"
    )
    opened = follow(client, cast.leader, message)
    assert heading(opened) == "Check Kirklees Council's response"


def test_a_deputy_whose_sign_off_has_ended_is_not_asked_to_sign_off(cast):
    ended = factories.person_at(
        authority=cast.member,
        role=Role.DEPUTY,
        sign_off_from=today() - timedelta(days=20),
        sign_off_until=today() - timedelta(days=1),
    )
    consultation = factories.consultation()
    response = complete_draft(consultation, cast.member)
    consultations.mark_ready(
        consultation=consultation,
        authority=cast.member,
        expected_version=response.version,
        actor=cast.officer,
    )
    assert recipients("response_ready") == emails(cast.leader, cast.signing_deputy)
    assert ended.email not in recipients("response_ready")


def test_a_receipt_for_a_submitted_response_goes_to_the_authoritys_people(cast):
    consultation = factories.consultation()
    response = complete_draft(consultation, cast.member)
    consultations.submit_response(
        consultation=consultation,
        authority=cast.member,
        expected_version=response.version,
        actor=cast.leader,
    )

    messages = queued("response_submitted")
    assert {m.recipient for m in messages} == emails(
        cast.leader, cast.officer, cast.deputy, cast.signing_deputy
    )
    assert messages[0].subject == f"Response submitted: {consultation.reference}"
    assert "Kirklees Council's position on " in messages[0].body_text


def test_publishing_the_summary_and_the_reply_tell_member_authorities(client, cast):
    consultation = factories.consultation(closes_at=now_utc() + timedelta(days=1))
    factories.submitted_response(consultation=consultation, authority=cast.member)
    consultation.closes_at = now_utc() - timedelta(minutes=1)
    summaries.publish_summary(consultation=consultation, actor=cast.secretariat)

    messages = queued("summary_published")
    assert {m.recipient for m in messages} == member_people(cast)
    assert link_in(messages[0]) == f"{BASE}/consultations/{consultation.reference}/summary"
    expect(follow(client, cast.other_leader, messages[0]), 200)

    summaries.save_reply(
        consultation=consultation,
        overall="We will fund it.",
        per_question={},
        actor=cast.secretariat,
    )
    summaries.publish_reply(consultation=consultation, actor=cast.secretariat)
    assert recipients("reply_published") == member_people(cast)


# Who is left out ------------------------------------------------------------------------------


def test_people_who_opted_out_of_a_kind_get_none_of_it(cast):
    set_preferences(user=cast.other_leader, topics=set(Topic) - {Topic.MEETINGS})
    meeting = factories.meeting()
    factories.agenda_item(meeting=meeting)
    meetings.publish_agenda(meeting=meeting, actor=cast.secretariat)
    consultation = factories.consultation(status=ConsultationStatus.DRAFT)
    consultations.open_consultation(consultation=consultation, actor=cast.secretariat)

    assert cast.other_leader.email not in recipients("agenda_published")
    assert cast.other_leader.email in recipients("consultation_opened")


def test_deactivated_people_and_people_whose_role_ended_get_nothing(cast):
    cast.deputy.active = False
    former = factories.user(full_name="Former Leader")
    factories.appointment(
        user=former,
        role=Role.OFFICER,
        authority=cast.member,
        starts_on=date(2026, 1, 1),
        ends_on=today() - timedelta(days=1),
    )
    meeting = factories.meeting()
    factories.agenda_item(meeting=meeting)
    meetings.publish_agenda(meeting=meeting, actor=cast.secretariat)

    got = recipients("agenda_published")
    assert cast.deputy.email not in got
    assert former.email not in got
    assert cast.leader.email in got


def test_an_authority_that_has_left_is_no_longer_told(cast):
    membership = cast.other.memberships[0]
    membership.left_on = today() - timedelta(days=1)
    consultation = factories.consultation(status=ConsultationStatus.DRAFT)
    consultations.open_consultation(consultation=consultation, actor=cast.secretariat)
    assert cast.other_leader.email not in recipients("consultation_opened")
    assert cast.leader.email in recipients("consultation_opened")


def test_the_same_event_queued_twice_reaches_each_person_once(cast):
    consultation = factories.consultation()
    events.consultation_opened(consultation)
    events.consultation_opened(consultation)
    messages = queued("consultation_opened")
    assert len(messages) == len({m.recipient for m in messages}) == len(member_people(cast))
