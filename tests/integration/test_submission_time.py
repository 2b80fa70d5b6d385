"""A change happens at one moment: the clock is read once, so the window is
judged, and the record is stamped, at the same time (and the day it happens
is that moment's day in London) — even when the clock moves on while the
change is made. A response and its revision; a reply to a meeting, the
register, a minister's reply; the chair's approval of the minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from commission.attendance import services as attendance
from commission.attendance.models import InvitationStatus, RegisterMark, ReplyKind
from commission.auth.roles import Role
from commission.consultations import services
from commission.consultations.models import Position, Response
from commission.extensions import db
from commission.minutes import services as minutes
from commission.timeutil import now_utc
from tests import factories


class TickingClock:
    """A clock a second further on each time it is read."""

    def __init__(self) -> None:
        self.start = now_utc()
        self.reads = 0

    def __call__(self) -> datetime:
        self.reads += 1
        return self.start + timedelta(seconds=self.reads)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> TickingClock:
    ticking = TickingClock()
    monkeypatch.setattr(services, "now_utc", ticking)
    return ticking


@pytest.fixture
def council():
    return factories.council(name="Wigan Council")


@pytest.fixture
def consultation():
    return factories.consultation(title="Sure Start revival", questions=2)


@pytest.fixture
def ready(consultation, council) -> Response:
    first, second = consultation.questions
    response = factories.draft_response(
        consultation=consultation,
        authority=council,
        position=Position.SUPPORT,
        comment="We welcome it",
        answers={first.id: (Position.SUPPORT, None), second.id: (None, "Our view")},
    )
    db.session.flush()
    return response


def test_a_submission_reads_the_clock_once_and_stamps_everything_with_it(
    app_ctx, consultation, council, ready, clock
):
    leader = factories.person_at(authority=council, role=Role.LEADER)
    clock.reads = 0

    submitted = services.submit_response(
        consultation=consultation,
        authority=council,
        expected_version=ready.version,
        actor=leader,
    )

    assert clock.reads == 1
    moment = clock.start + timedelta(seconds=1)
    assert submitted.submitted_at == moment
    assert submitted.updated_at == submitted.submitted_at
    assert submitted.revisions[-1].saved_at == submitted.submitted_at


def test_marking_ready_reads_the_clock_once(app_ctx, consultation, council, ready, clock):
    officer = factories.person_at(authority=council, role=Role.OFFICER)
    clock.reads = 0

    marked = services.mark_ready(
        consultation=consultation,
        authority=council,
        expected_version=ready.version,
        actor=officer,
    )

    assert clock.reads == 1
    assert marked.revisions[-1].saved_at == marked.updated_at


def test_a_saved_draft_reads_the_clock_once(app_ctx, consultation, council, ready, clock):
    officer = factories.person_at(authority=council, role=Role.OFFICER)
    clock.reads = 0

    saved = services.save_draft(
        consultation=consultation,
        authority=council,
        data=services.ResponseData(overall_position=Position.NEUTRAL, overall_comment=""),
        expected_version=ready.version,
        actor=officer,
    )

    assert clock.reads == 1
    assert saved.revisions[-1].saved_at == saved.updated_at


# Meetings ---------------------------------------------------------------------------------------


def ticking(monkeypatch: pytest.MonkeyPatch, module: object) -> TickingClock:
    clock = TickingClock()
    monkeypatch.setattr(module, "now_utc", clock)
    return clock


def test_a_reply_to_a_meeting_reads_the_clock_once(app_ctx, monkeypatch, council):
    leader = factories.person_at(authority=council, role=Role.LEADER)
    meeting = factories.meeting(published=True)
    clock = ticking(monkeypatch, attendance)

    reply = attendance.save_reply(
        meeting=meeting,
        authority=council,
        kind=ReplyKind.IN_PERSON,
        substitute=None,
        substitute_name="",
        actor=leader,
    )

    assert clock.reads == 1
    assert reply.replied_at == clock.start + timedelta(seconds=1)


def test_the_register_reads_the_clock_once(app_ctx, monkeypatch, council):
    secretariat = factories.user(role=Role.SECRETARIAT)
    meeting = factories.held_meeting()
    clock = ticking(monkeypatch, attendance)

    attendance.save_register(
        meeting=meeting, marks={council.id: (RegisterMark.IN_PERSON, False)}, actor=secretariat
    )

    assert clock.reads == 1
    [entry] = attendance.register_entries(meeting).values()
    assert entry.recorded_at == clock.start + timedelta(seconds=1)


def test_a_ministers_reply_reads_the_clock_once(app_ctx, monkeypatch):
    meeting = factories.meeting(published=True)
    invitation = factories.ministerial_invitation(meeting=meeting, for_chair=True)
    chair = factories.user(role=Role.CHAIR)
    clock = ticking(monkeypatch, attendance)

    attendance.respond_to_invitation(
        invitation=invitation, status=InvitationStatus.CONFIRMED, stand_in=None, actor=chair
    )

    assert clock.reads == 1
    assert invitation.responded_at == clock.start + timedelta(seconds=1)


def test_approving_the_minutes_reads_the_clock_once(app_ctx, monkeypatch):
    meeting = factories.held_meeting()
    factories.draft_minutes(meeting=meeting)
    chair = factories.user(role=Role.CHAIR)
    clock = ticking(monkeypatch, minutes)

    approved = minutes.approve(meeting=meeting, actor=chair)

    assert clock.reads == 1
    assert approved.approved_at == clock.start + timedelta(seconds=1)
