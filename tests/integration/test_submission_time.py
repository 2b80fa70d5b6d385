"""A change to a response happens at one moment: the clock is read once, so
the window is judged, and the response and its revision are stamped, at the
same time — even when the clock moves on while the change is made."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from commission.auth.roles import Role
from commission.consultations import services
from commission.consultations.models import Position, Response
from commission.extensions import db
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
