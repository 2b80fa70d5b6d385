"""``flask send-reminders``: reminders to reply about attending, in the
working days before a meeting, and reminders that a consultation is closing,
7 and 2 days before — each to the right people, and never twice."""

from __future__ import annotations

from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from commission.auth.models import User
from commission.auth.roles import Role
from commission.consultations.models import Extension
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.notifications import events
from commission.notifications.models import OutboxMessage, Topic
from commission.notifications.services import set_preferences
from commission.timeutil import LONDON, london, now_utc, today, working_days_before
from tests import factories
from tests.pages import heading, sign_in

BASE = "http://commission.test"


def queued(template: str) -> list[OutboxMessage]:
    return list(
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.template == template)
            .order_by(OutboxMessage.id)
        ).scalars()
    )


def recipients(template: str) -> list[str]:
    return sorted(m.recipient for m in queued(template))


def emails(*people: User) -> list[str]:
    return sorted(p.email for p in people)


def run(app) -> str:
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def link_in(message: OutboxMessage) -> str:
    lines = message.body_text.splitlines()
    for index, line in enumerate(lines):
        if (
            line.endswith(":")
            and lines[index + 1 : index + 2]
            and lines[index + 1].startswith(BASE)
        ):
            return lines[index + 1]
    raise AssertionError(message.body_text)


def meeting_in(days: int, **kwargs):
    day = today() + timedelta(days=days)
    return factories.meeting(starts_at=factories.london_time(day, 10, 30), **kwargs)


@pytest.fixture
def cast(app_ctx):
    waiting = factories.council(name="Kirklees Council")
    replied = factories.council(name="Wigan Council")
    mayoral = factories.strategic_authority(name="Greater Testshire Combined Authority")
    outsider = factories.council(name="Outside Council", member=False)
    return SimpleNamespace(
        waiting=waiting,
        replied=replied,
        mayoral=mayoral,
        outsider=outsider,
        leader=factories.person_at(authority=waiting, role=Role.LEADER, full_name="Tom Ashworth"),
        officer=factories.person_at(authority=waiting, role=Role.OFFICER, full_name="Joanna Pike"),
        deputy=factories.person_at(authority=waiting, role=Role.DEPUTY, full_name="Ade Bello"),
        mayor=factories.person_at(authority=mayoral, role=Role.MAYOR, full_name="Maya Mayor"),
        replied_leader=factories.person_at(authority=replied, role=Role.LEADER),
        outside_officer=factories.person_at(authority=outsider, role=Role.OFFICER),
        secretariat=factories.user(role=Role.SECRETARIAT),
    )


# Replies about attending -----------------------------------------------------------------------


def test_a_meeting_days_away_reminds_authorities_that_have_not_replied(client, app, cast):
    soon = meeting_in(3)
    factories.attendance_reply(meeting=soon, authority=cast.replied)
    meeting_in(40)  # weeks away: too early to remind

    assert run(app) == "Reminders queued: 3 to reply, 0 closing soon"

    messages = queued("reply_reminder")
    assert sorted(m.recipient for m in messages) == emails(cast.leader, cast.officer, cast.mayor)
    message = messages[0]
    assert message.topic is Topic.ATTENDANCE_REMINDERS
    assert message.subject.startswith("Reminder: who will attend on ")
    assert "Your authority has not yet said who will attend" in message.body_text
    assert link_in(message) == f"{BASE}/meetings/{soon.slug}/reply"

    [to_officer] = [m for m in messages if m.user_id == cast.officer.id]
    sign_in(client, cast.officer)
    opened = client.get(link_in(to_officer).removeprefix(BASE))
    assert heading(opened) == "Reply for Kirklees Council"


def test_running_twice_queues_nothing_new(app, cast):
    meeting_in(2)
    factories.consultation(closes_at=now_utc() + timedelta(days=5))

    first = run(app)
    assert first == "Reminders queued: 4 to reply, 5 closing soon"
    count = db.session.execute(select(OutboxMessage.id)).all()
    assert run(app) == "Reminders queued: 0 to reply, 0 closing soon"
    assert db.session.execute(select(OutboxMessage.id)).all() == count


def test_reminders_start_the_configured_number_of_working_days_before(app, cast):
    meeting = meeting_in(40)
    day = meeting.starts_at.astimezone(LONDON).date()
    first_day = working_days_before(day, app.config["REPLY_REMINDER_WORKING_DAYS"])

    the_day_before = london(first_day - timedelta(days=1), time(23, 0))
    assert events.send_reminders(now=the_day_before)["reply"] == 0
    assert events.send_reminders(now=london(first_day, time(7, 0)))["reply"] == 4


def test_working_days_skip_weekends_and_bank_holidays():
    # Tuesday 5 January 2027: back past New Year's Day, Boxing Day (substitute,
    # Monday 28 December) and Christmas Day to Thursday 24 December.
    assert working_days_before(date(2027, 1, 5), 5) == date(2026, 12, 24)
    assert working_days_before(date(2026, 11, 30), 1) == date(2026, 11, 27)


def test_no_reminders_for_meetings_not_going_ahead_or_past(app, cast):
    meeting_in(3, status=MeetingStatus.CANCELLED)
    meeting_in(4, status=MeetingStatus.DRAFT)
    meeting_in(-1)
    assert run(app) == "Reminders queued: 0 to reply, 0 closing soon"


def test_someone_who_opted_out_of_reply_reminders_is_not_reminded(app, cast):
    set_preferences(user=cast.officer, topics=set(Topic) - {Topic.ATTENDANCE_REMINDERS})
    meeting_in(3)
    run(app)
    assert recipients("reply_reminder") == emails(cast.leader, cast.mayor, cast.replied_leader)


def test_no_more_reply_reminders_once_the_authority_has_replied(app, cast):
    meeting = meeting_in(3)
    run(app)
    before = len(queued("reply_reminder"))
    assert before == 4  # both councils' leaders, the officer and the mayor
    factories.attendance_reply(meeting=meeting, authority=cast.waiting)
    newcomer = factories.person_at(authority=cast.waiting, role=Role.OFFICER)
    run(app)
    assert len(queued("reply_reminder")) == before
    assert newcomer.email not in recipients("reply_reminder")


# Consultations closing ----------------------------------------------------------------------


def midday_today():
    """Noon in London today: a whole number of days later is still noon, or
    an hour either side across a change of the clocks, on the expected date."""
    return factories.london_time(today(), 12)


@pytest.fixture
def closing(cast):
    """A consultation closing at 17:00 six London days from today: Wigan has
    submitted, an extended authority has more time, and a drafting authority
    has not submitted. (Days left count London dates, so a fixed time of day
    keeps the count the same across a change of the clocks.)"""
    consultation = factories.consultation(
        title="Delivering the Sure Start revival",
        closes_at=factories.london_time(today() + timedelta(days=6), 17),
    )
    factories.submitted_response(consultation=consultation, authority=cast.replied)
    extended = factories.council(name="Extended Council")
    extended_leader = factories.person_at(authority=extended, role=Role.LEADER)
    db.session.add(
        Extension(
            consultation_id=consultation.id,
            authority_id=extended.id,
            closes_at=consultation.closes_at + timedelta(days=14),
            reason="Elections",
        )
    )
    drafting = factories.council(name="Drafting Council")
    drafting_officer = factories.person_at(authority=drafting, role=Role.OFFICER)
    factories.draft_response(consultation=consultation, authority=drafting)
    factories.consultation(closes_at=now_utc() + timedelta(days=20))  # not yet
    db.session.flush()
    return SimpleNamespace(
        consultation=consultation,
        extended_leader=extended_leader,
        drafting=drafting,
        drafting_officer=drafting_officer,
    )


def test_closing_reminders_go_to_authorities_without_a_submitted_response(
    client, app, cast, closing
):
    assert run(app) == "Reminders queued: 0 to reply, 5 closing soon"

    messages = queued("closing_reminder")
    assert sorted(m.recipient for m in messages) == emails(
        cast.leader, cast.officer, cast.deputy, cast.mayor, closing.drafting_officer
    )
    assert closing.extended_leader.email not in recipients("closing_reminder")
    assert cast.replied_leader.email not in recipients("closing_reminder")
    assert cast.outside_officer.email not in recipients("closing_reminder")
    message = messages[0]
    assert message.topic is Topic.CONSULTATION_REMINDERS
    assert message.subject == "6 days left: Delivering the Sure Start revival"
    assert "has not submitted its position on “Delivering the Sure Start revival”" in (
        message.body_text
    )

    [to_officer] = [m for m in messages if m.user_id == closing.drafting_officer.id]
    assert link_in(to_officer) == (
        f"{BASE}/consultations/{closing.consultation.reference}/responses/{closing.drafting.slug}"
    )
    assert to_officer.body_text.startswith("Dear ")
    assert "Drafting Council has not submitted its position" in to_officer.body_text
    sign_in(client, closing.drafting_officer)
    opened = client.get(link_in(to_officer).removeprefix(BASE))
    assert heading(opened) == "Drafting Council's response"


def test_closing_reminders_at_seven_and_at_two_days(app, cast, closing):
    start = midday_today()
    assert events.send_reminders(now=start)["closing"] == 5  # 6 days left: the 7-day reminder
    assert events.send_reminders(now=start + timedelta(days=1))["closing"] == 0
    assert events.send_reminders(now=start + timedelta(days=3))["closing"] == 0
    # 2 days left: the second reminder.
    assert events.send_reminders(now=start + timedelta(days=4))["closing"] == 5
    assert events.send_reminders(now=start + timedelta(days=5))["closing"] == 0
    subjects = [m.subject for m in queued("closing_reminder") if m.user_id == cast.leader.id]
    assert subjects == [
        "6 days left: Delivering the Sure Start revival",
        "2 days left: Delivering the Sure Start revival",
    ]
    # Once closed, no more.
    assert events.send_reminders(now=start + timedelta(days=7))["closing"] == 0


def test_a_consultation_more_than_a_week_from_closing_has_no_reminder(app, cast):
    factories.consultation(closes_at=now_utc() + timedelta(days=9))
    assert run(app) == "Reminders queued: 0 to reply, 0 closing soon"


def test_submitting_after_the_first_reminder_stops_the_second(app, cast, closing):
    start = midday_today()
    events.send_reminders(now=start)
    factories.submitted_response(consultation=closing.consultation, authority=cast.waiting)
    events.send_reminders(now=start + timedelta(days=4))
    subjects = [m.subject for m in queued("closing_reminder") if m.user_id == cast.officer.id]
    assert subjects == ["6 days left: Delivering the Sure Start revival"]


def test_an_authority_with_an_extension_is_reminded_before_its_own_deadline(app, cast, closing):
    def sure_start() -> list[OutboxMessage]:
        return [m for m in queued("closing_reminder") if m.subject.endswith("Sure Start revival")]

    start = midday_today()
    events.send_reminders(now=start)
    assert closing.extended_leader.email not in {m.recipient for m in sure_start()}
    assert len(sure_start()) == 5

    # The general deadline has passed; the extension ends in six days.
    later = start + timedelta(days=14)
    events.send_reminders(now=later)
    events.send_reminders(now=later)  # never twice
    [message] = sure_start()[5:]
    assert message.user_id == closing.extended_leader.id
    assert message.subject == "6 days left: Delivering the Sure Start revival"
    assert "Extended Council has not submitted its position" in message.body_text
    assert "Its extended deadline is " in message.body_text

    events.send_reminders(now=later + timedelta(days=4))  # 2 days left
    assert [m.user_id for m in sure_start()[6:]] == [closing.extended_leader.id]
    assert sure_start()[6].subject == "2 days left: Delivering the Sure Start revival"
