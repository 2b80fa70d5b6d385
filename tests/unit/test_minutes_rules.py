"""The small rules of minutes, decisions and actions: references under the
meeting's London month, numbering per meeting, when an action is overdue, who
owns it and who may update it, and the refusals the services make."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy.exc import IntegrityError

from commission.auth.roles import Role
from commission.errors import DomainError
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.minutes import services
from commission.minutes.models import (
    Action,
    ActionStatus,
    Minutes,
    OwnerKind,
    meeting_prefix,
)
from commission.timeutil import today
from tests import factories

# References ------------------------------------------------------------------------------------


def test_the_prefix_is_the_year_and_month_of_the_meeting(app_ctx):
    meeting = factories.meeting(starts_at=factories.london_time(date(2027, 3, 9), 10, 30))
    assert meeting_prefix(meeting) == "LGC/2027/03"


@pytest.mark.parametrize(
    ("day", "hour", "expected"),
    [
        (date(2027, 4, 1), 0, "LGC/2027/04"),  # 23:00 UTC on 31 March, in summer time
        (date(2027, 7, 1), 0, "LGC/2027/07"),
        (date(2027, 1, 1), 0, "LGC/2027/01"),
        (date(2026, 12, 31), 23, "LGC/2026/12"),
    ],
)
def test_the_prefix_uses_the_london_date(app_ctx, day, hour, expected):
    meeting = factories.meeting(starts_at=factories.london_time(day, hour, 15))
    assert meeting_prefix(meeting) == expected


def test_other_meetings_in_the_month_are_told_apart_by_their_day(app_ctx):
    first, second = (factories.held_meeting(day=date(2027, 3, day)) for day in (9, 23))
    same_day = factories.meeting(
        starts_at=factories.london_time(date(2027, 3, 23), 15), status=MeetingStatus.HELD
    )
    # The meeting later in the month records first: it takes the month's prefix.
    assert factories.decision(meeting=second).reference == "LGC/2027/03/D1"
    assert factories.decision(meeting=first).reference == "LGC/2027/03-09/D1"
    assert factories.owned_action(meeting=same_day).reference == "LGC/2027/03-23-2/A1"
    # Fixed once given: later decisions keep their meeting's prefix.
    assert factories.decision(meeting=second).reference == "LGC/2027/03/D2"
    assert [m.record_reference for m in (first, second, same_day)] == [
        "LGC/2027/03-09",
        "LGC/2027/03",
        "LGC/2027/03-23-2",
    ]


def test_a_reference_once_given_does_not_change(app_ctx):
    meeting = factories.held_meeting(day=date(2027, 3, 9))
    meeting.record_reference = "LGC/2027/03-09"
    services.assign_record_reference(meeting)
    assert meeting_prefix(meeting) == "LGC/2027/03-09"


def test_decisions_and_actions_are_referenced_under_the_prefix(app_ctx):
    meeting = factories.held_meeting(day=date(2027, 3, 9))
    factories.decision(meeting=meeting)
    decision = factories.decision(meeting=meeting)
    action = factories.owned_action(meeting=meeting)
    assert decision.reference == "LGC/2027/03/D2"
    assert action.reference == "LGC/2027/03/A1"


# Numbering -----------------------------------------------------------------------------------


def test_numbers_count_up_per_meeting(app_ctx):
    march = factories.held_meeting(day=date(2026, 3, 10))
    april = factories.held_meeting(day=date(2026, 4, 14))
    secretariat = factories.user(role=Role.SECRETARIAT)
    made = [
        services.add_decision(meeting=m, text="Agreed", item=None, actor=secretariat)
        for m in (march, march, april, march)
    ]
    assert [(d.meeting_id, d.number) for d in made] == [
        (march.id, 1),
        (march.id, 2),
        (april.id, 1),
        (march.id, 3),
    ]


def test_numbering_continues_after_the_highest_number(app_ctx):
    meeting = factories.held_meeting()
    factories.action(meeting=meeting)  # numbered out of sequence by the factory
    highest = factories.action(meeting=meeting).number
    added = services.add_action(
        meeting=meeting,
        text="Report back",
        item=None,
        owner_kind=OwnerKind.SECRETARIAT,
        authority=None,
        department=None,
        due_on=today(),
        actor=factories.user(role=Role.SECRETARIAT),
    )
    assert added.number == highest + 1


def test_a_number_is_used_once_per_meeting(app_ctx):
    meeting = factories.held_meeting()
    factories.owned_action(meeting=meeting)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            Action(
                meeting_id=meeting.id,
                number=1,
                text="Again",
                owner_kind=OwnerKind.SECRETARIAT,
                due_on=today(),
            )
        )
        db.session.flush()


# Actions: status, owner and overdue ----------------------------------------------------------


def test_status_labels_and_finished():
    assert [(s.value, s.label, s.finished) for s in ActionStatus] == [
        ("open", "Open", False),
        ("in_progress", "In progress", False),
        ("done", "Done", True),
        ("dropped", "Dropped", True),
    ]


@pytest.mark.parametrize(
    ("status", "due_in_days", "overdue"),
    [
        (ActionStatus.OPEN, -1, True),
        (ActionStatus.IN_PROGRESS, -30, True),
        (ActionStatus.OPEN, 0, False),
        (ActionStatus.OPEN, 1, False),
        (ActionStatus.DONE, -1, False),
        (ActionStatus.DROPPED, -1, False),
    ],
)
def test_an_unfinished_action_past_its_due_date_is_overdue(status, due_in_days, overdue):
    on = date(2027, 3, 9)
    action = Action(status=status, due_on=on + timedelta(days=due_in_days))
    assert action.overdue(on) is overdue


def test_the_owner_is_named(app_ctx):
    meeting = factories.held_meeting()
    council = factories.council(name="Bolton Council")
    department = factories.department(name="HM Treasury")
    assert [
        factories.owned_action(meeting=meeting, owner=owner).owner_name
        for owner in (council, department, None)
    ] == ["Bolton Council", "HM Treasury", "Commission secretariat"]


@pytest.mark.parametrize(
    ("kind", "with_authority", "with_department"),
    [
        (OwnerKind.AUTHORITY, False, False),
        (OwnerKind.AUTHORITY, True, True),
        (OwnerKind.DEPARTMENT, False, False),
        (OwnerKind.DEPARTMENT, True, True),
        (OwnerKind.SECRETARIAT, True, False),
        (OwnerKind.SECRETARIAT, False, True),
    ],
)
def test_an_action_has_exactly_one_owner(app_ctx, kind, with_authority, with_department):
    meeting = factories.held_meeting()
    council = factories.council()
    department = factories.department()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            Action(
                meeting_id=meeting.id,
                number=1,
                text="Report back",
                owner_kind=kind,
                owner_authority_id=council.id if with_authority else None,
                owner_department_id=department.id if with_department else None,
                due_on=today(),
            )
        )
        db.session.flush()


def test_an_owner_of_the_other_kind_is_ignored(app_ctx):
    meeting = factories.held_meeting()
    council = factories.council()
    department = factories.department()
    action = services.add_action(
        meeting=meeting,
        text="Report back",
        item=None,
        owner_kind=OwnerKind.DEPARTMENT,
        authority=council,
        department=department,
        due_on=today(),
        actor=factories.user(role=Role.SECRETARIAT),
    )
    assert (action.owner_authority_id, action.owner_department_id) == (None, department.id)


# Who may update an action -----------------------------------------------------------------------


@pytest.fixture
def owned(app_ctx):
    meeting = factories.held_meeting()
    council = factories.council()
    department = factories.department()
    return {
        "council": council,
        "department": department,
        "by council": factories.owned_action(meeting=meeting, owner=council),
        "by department": factories.owned_action(meeting=meeting, owner=department),
        "by secretariat": factories.owned_action(meeting=meeting),
    }


def _people(owned) -> dict[str, object]:
    council, department = owned["council"], owned["department"]
    former = factories.user()
    factories.appointment(
        user=former,
        role=Role.OFFICER,
        authority=council,
        starts_on=today() - timedelta(days=60),
        ends_on=today() - timedelta(days=1),
    )
    future = factories.user()
    factories.appointment(
        user=future, role=Role.OFFICER, authority=council, starts_on=today() + timedelta(days=1)
    )
    return {
        "secretariat": factories.user(role=Role.SECRETARIAT),
        "officer": factories.person_at(authority=council, role=Role.OFFICER),
        "leader": factories.person_at(authority=council, role=Role.LEADER),
        "deputy": factories.person_at(authority=council, role=Role.DEPUTY),
        "minister": factories.minister(department=department),
        "other leader": factories.person_at(authority=factories.council(), role=Role.LEADER),
        "other minister": factories.minister(),
        "chair": factories.user(role=Role.CHAIR),
        "former officer": former,
        "future officer": future,
        "no role": factories.user(),
        "anonymous": AnonymousUserMixin(),
    }


@pytest.mark.parametrize(
    ("who", "may_update"),
    [
        ("secretariat", {"by council", "by department", "by secretariat"}),
        ("officer", {"by council"}),
        ("leader", {"by council"}),
        ("deputy", {"by council"}),
        ("minister", {"by department"}),
        ("other leader", set()),
        ("other minister", set()),
        ("chair", set()),
        ("former officer", set()),
        ("future officer", set()),
        ("no role", set()),
        ("anonymous", set()),
    ],
)
def test_owners_and_the_secretariat_update_actions(owned, who, may_update):
    person = _people(owned)[who]
    allowed = {
        name
        for name in ("by council", "by department", "by secretariat")
        if services.can_update(owned[name], person)
    }
    assert allowed == may_update


def test_the_service_refuses_someone_else(owned):
    outsider = factories.person_at(authority=factories.council(), role=Role.LEADER)
    with pytest.raises(DomainError, match="Only the action's owner or the secretariat"):
        services.update_action(
            action=owned["by council"], status=ActionStatus.DONE, note="", actor=outsider
        )
    assert owned["by council"].updates == []


def test_an_update_must_change_the_status_or_say_something(owned):
    secretariat = factories.user(role=Role.SECRETARIAT)
    action = owned["by council"]
    with pytest.raises(DomainError) as refused:
        services.update_action(action=action, status=ActionStatus.OPEN, note=" ", actor=secretariat)
    assert (refused.value.message, refused.value.field) == (
        "Change the status or add a note",
        "note",
    )
    update = services.update_action(
        action=action, status=ActionStatus.DONE, note="", actor=secretariat
    )
    assert (update.status, update.note, action.status) == (
        ActionStatus.DONE,
        None,
        ActionStatus.DONE,
    )


# The services' refusals -------------------------------------------------------------------------


def each_write_is_refused(meeting, actor, message: str) -> None:
    """Drafting, recording a decision and recording an action are all refused."""
    with pytest.raises(DomainError, match=message):
        services.save_draft(meeting=meeting, introduction="", discussions={}, actor=actor)
    with pytest.raises(DomainError, match=message):
        services.add_decision(meeting=meeting, text="Agreed", item=None, actor=actor)
    with pytest.raises(DomainError, match=message):
        services.add_action(
            meeting=meeting,
            text="Report back",
            item=None,
            owner_kind=OwnerKind.SECRETARIAT,
            authority=None,
            department=None,
            due_on=today(),
            actor=actor,
        )


@pytest.mark.parametrize(
    "status",
    [
        MeetingStatus.DRAFT,
        MeetingStatus.SCHEDULED,
        MeetingStatus.AGENDA_PUBLISHED,
        MeetingStatus.POSTPONED,
        MeetingStatus.CANCELLED,
    ],
)
def test_nothing_is_minuted_for_a_meeting_not_held(app_ctx, status):
    meeting = factories.meeting(status=status)
    secretariat = factories.user(role=Role.SECRETARIAT)
    message = "Minutes can be drafted only once the meeting has been held"
    each_write_is_refused(meeting, secretariat, message)


def test_only_the_chair_approves(app_ctx):
    meeting = factories.held_meeting()
    minutes = factories.draft_minutes(meeting=meeting)
    for role in (Role.SECRETARIAT, Role.MINISTER, Role.LEADER):
        with pytest.raises(DomainError, match="Only the chair can approve the minutes"):
            services.approve(meeting=meeting, actor=factories.user(role=role))
    assert minutes.approved_at is None
    chair = factories.user(role=Role.CHAIR)
    assert services.approve(meeting=meeting, actor=chair) is minutes
    assert (minutes.approved_by_id, minutes.published) == (chair.id, True)
    assert meeting.status is MeetingStatus.MINUTES_PUBLISHED


def test_published_minutes_change_only_by_correction(app_ctx):
    meeting = factories.held_meeting()
    factories.published_minutes(meeting=meeting)
    secretariat = factories.user(role=Role.SECRETARIAT)
    read_only = "Record a correction instead"
    each_write_is_refused(meeting, secretariat, read_only)
    correction = services.correct(
        meeting=meeting, text="  Item 2 was deferred. ", actor=secretariat
    )
    assert correction.text == "Item 2 was deferred."


def test_corrections_need_published_minutes_and_text(app_ctx):
    meeting = factories.held_meeting()
    secretariat = factories.user(role=Role.SECRETARIAT)
    draft_only = "Only published minutes take corrections"
    with pytest.raises(DomainError, match=draft_only):
        services.correct(meeting=meeting, text="Fix", actor=secretariat)
    factories.draft_minutes(meeting=meeting)
    with pytest.raises(DomainError, match=draft_only):
        services.correct(meeting=meeting, text="Fix", actor=secretariat)
    other = factories.held_meeting(day=today() - timedelta(days=40))
    factories.published_minutes(meeting=other)
    with pytest.raises(DomainError) as refused:
        services.correct(meeting=other, text="  ", actor=secretariat)
    assert (refused.value.message, refused.value.field) == ("Describe the correction", "text")


def test_an_item_must_be_on_the_meetings_agenda(app_ctx):
    meeting = factories.held_meeting()
    elsewhere = factories.agenda_item(meeting=factories.held_meeting(day=today() - timedelta(40)))
    secretariat = factories.user(role=Role.SECRETARIAT)
    with pytest.raises(DomainError, match="Choose an item on this meeting's agenda"):
        services.add_decision(meeting=meeting, text="Agreed", item=elsewhere, actor=secretariat)
    with pytest.raises(DomainError, match="Choose an item on this meeting's agenda"):
        services.add_action(
            meeting=meeting,
            text="Report back",
            item=elsewhere,
            owner_kind=OwnerKind.SECRETARIAT,
            authority=None,
            department=None,
            due_on=today(),
            actor=secretariat,
        )


def test_the_draft_has_a_discussion_per_agenda_item(app_ctx):
    meeting = factories.held_meeting()
    first = factories.agenda_item(meeting=meeting)
    second = factories.agenda_item(meeting=meeting)
    minutes = services.save_draft(
        meeting=meeting,
        introduction="  ",
        discussions={first.id: " Discussed. ", 999999: "Not on the agenda"},
        actor=factories.user(role=Role.SECRETARIAT),
    )
    assert isinstance(minutes, Minutes)
    assert minutes.introduction is None
    assert minutes.discussion_for(first.id) == "Discussed."
    assert minutes.discussion_for(second.id) is None
    assert minutes.discussion_for(999999) is None
    assert sorted(i.agenda_item_id for i in minutes.items) == sorted([first.id, second.id])
    assert minutes.published is False
