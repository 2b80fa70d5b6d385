"""The quorum rule and the small attendance rules that need no database:
counts of replies, which register marks are present, and how a minister's
reply is described."""

from __future__ import annotations

import pytest
from flask import Flask

from commission.attendance.models import (
    AttendanceReply,
    InvitationStatus,
    MinisterialAttendance,
    RegisterMark,
    ReplyKind,
)
from commission.attendance.services import ReplyCounts, quorum_required
from commission.auth.models import User
from commission.config import build_config
from commission.membership.models import MinisterialOffice


@pytest.fixture
def with_fraction():
    def use(fraction: str | None) -> Flask:
        app = Flask(__name__)
        if fraction is not None:
            app.config["QUORUM_FRACTION"] = fraction
        return app

    return use


@pytest.mark.parametrize(
    ("members", "required"),
    [(0, 1), (1, 1), (2, 1), (3, 1), (4, 2), (6, 2), (7, 3), (9, 3), (10, 4), (30, 10), (31, 11)],
)
def test_one_third_rounded_up(with_fraction, members, required):
    with with_fraction("1/3").app_context():
        assert quorum_required(members) == required


@pytest.mark.parametrize(
    ("fraction", "members", "required"),
    [("1/2", 7, 4), ("1/2", 8, 4), ("0.5", 9, 5), ("2/3", 7, 5), ("1", 7, 7)],
)
def test_other_fractions_from_configuration(with_fraction, fraction, members, required):
    with with_fraction(fraction).app_context():
        assert quorum_required(members) == required


def test_default_fraction_is_one_third(monkeypatch, tmp_path):
    monkeypatch.delenv("QUORUM_FRACTION", raising=False)
    assert build_config(str(tmp_path))["QUORUM_FRACTION"] == "1/3"
    monkeypatch.setenv("QUORUM_FRACTION", "1/2")
    assert build_config(str(tmp_path))["QUORUM_FRACTION"] == "1/2"


def test_reply_counts():
    counts = ReplyCounts(expected=7, by_kind={ReplyKind.IN_PERSON: 3, ReplyKind.APOLOGIES: 1})
    assert (counts.replied, counts.no_reply) == (4, 3)
    assert (ReplyCounts().replied, ReplyCounts().no_reply) == (0, 0)


def test_present_marks():
    assert {mark for mark in RegisterMark if mark.present} == {
        RegisterMark.IN_PERSON,
        RegisterMark.REMOTE,
        RegisterMark.SUBSTITUTE,
    }
    assert [mark.label for mark in RegisterMark] == [
        "Present in person",
        "Present remotely",
        "Substitute present",
        "Apologies",
        "Absent",
    ]


def test_who_replied_for_an_authority():
    officer = User(id=1, full_name="Oliver Officer")
    leader = User(id=2, full_name="Lynda Leader")
    assert AttendanceReply(replied_by=officer, on_behalf_of=leader).replied_by_label == (
        "by Oliver Officer on behalf of Lynda Leader"
    )
    assert AttendanceReply(replied_by=leader, on_behalf_of=leader).replied_by_label == (
        "by Lynda Leader"
    )
    assert AttendanceReply(replied_by=officer).replied_by_label == "by Oliver Officer"
    assert AttendanceReply().replied_by_label == ""
    assert AttendanceReply(substitute_name="Pat Archer").substitute_label == "Pat Archer"


def test_who_attends_for_government():
    housing = MinisterialOffice(id=1, title="Minister for Housing")
    towns = MinisterialOffice(id=2, title="Minister for Towns")
    invited = MinisterialAttendance(office=housing, status=InvitationStatus.INVITED)
    confirmed = MinisterialAttendance(office=housing, status=InvitationStatus.CONFIRMED)
    declined = MinisterialAttendance(office=housing, status=InvitationStatus.DECLINED)
    stand_in = MinisterialAttendance(
        office=housing, status=InvitationStatus.STAND_IN, stand_in_office=towns
    )
    chair = MinisterialAttendance(for_chair=True, status=InvitationStatus.CONFIRMED)
    assert [i.confirmed for i in (invited, confirmed, declined, stand_in, chair)] == [
        False,
        True,
        False,
        True,
        True,
    ]
    assert confirmed.attending_office == "Minister for Housing"
    assert stand_in.attending_office == "Minister for Towns (for Minister for Housing)"
    assert chair.invitee == chair.attending_office == "Chair of the Commission"
