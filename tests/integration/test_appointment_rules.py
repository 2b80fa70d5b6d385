"""Where a role is held, enforced twice: by the service, with a message a
person can act on, and by the database, for anything that bypasses it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from commission.auth.models import Appointment, User
from commission.auth.roles import Role
from commission.errors import DomainError
from commission.extensions import db
from commission.membership.models import AuthorityKind, OfficeRank
from commission.people import services
from commission.timeutil import today
from tests import factories
from tests.pages import error_summary, expect, heading, ok, page

START = date(2026, 6, 1)


@pytest.fixture
def actor(app_ctx) -> User:
    return factories.user(role=Role.SECRETARIAT, full_name="Priya Natarajan")


@pytest.fixture
def council(app_ctx):
    return factories.council(name="Mercia Council")


@pytest.fixture
def mayoral(app_ctx):
    return factories.strategic_authority(name="Mercia Combined Authority", mayoral=True)


@pytest.fixture
def non_mayoral(app_ctx):
    return factories.strategic_authority(
        name="Wessex Combined County Authority",
        kind=AuthorityKind.COMBINED_COUNTY_AUTHORITY,
        mayoral=False,
    )


def give(actor, role, *, user=None, starts_on=START, authority=None, office=None):
    return services.add_appointment(
        user=user or factories.user(),
        role=role,
        starts_on=starts_on,
        actor=actor,
        authority=authority,
        office=office,
    )


def appointment_count() -> int:
    return db.session.execute(select(func.count()).select_from(Appointment)).scalar_one()


def insert_directly(**values) -> None:
    """Add an appointment without the service, in a savepoint the database
    may refuse."""
    authority = values.pop("authority", None)
    mayoral_flag = values.pop("authority_is_mayoral", None)
    user_id = factories.user().id
    with db.session.begin_nested():
        item = Appointment(user_id=user_id, **values)
        if authority is not None:
            item.set_authority(authority)
        if mayoral_flag is not None:
            item.authority_is_mayoral = mayoral_flag
        db.session.add(item)
        db.session.flush()


def refused_by_database(**values) -> str:
    with pytest.raises(IntegrityError) as raised:
        insert_directly(**values)
    return str(raised.value.orig).lower()


# One leader, one mayor ----------------------------------------------------------------


def test_a_second_current_leader_is_refused_naming_the_first(actor, council):
    current = factories.user(full_name="Lucy Current")
    give(actor, Role.LEADER, user=current, authority=council)
    with pytest.raises(DomainError) as raised:
        give(actor, Role.LEADER, authority=council, starts_on=today())
    assert raised.value.message == (
        "Lucy Current is council leader of Mercia Council. End their appointment first, "
        "or start this one after it ends"
    )
    assert raised.value.field == "role"


def test_the_database_refuses_a_second_open_leader(actor, council):
    give(actor, Role.LEADER, authority=council)
    before = appointment_count()
    message = refused_by_database(role=Role.LEADER, starts_on=today(), authority=council)
    assert "unique" in message or "uq_appointments_one_open_leader" in message
    assert appointment_count() == before


def test_a_leader_can_be_appointed_to_follow_the_current_one(actor, council):
    current = give(actor, Role.LEADER, authority=council)
    services.end_appointment(
        appointment=current, ends_on=today() + timedelta(days=10), reason="", actor=actor
    )
    # Starting on the current leader's last day overlaps...
    with pytest.raises(DomainError) as raised:
        give(actor, Role.LEADER, authority=council, starts_on=today() + timedelta(days=10))
    assert "until" in raised.value.message
    # ...the day after does not.
    successor = give(actor, Role.LEADER, authority=council, starts_on=today() + timedelta(days=11))
    db.session.flush()
    assert successor.id is not None
    leaders = (
        db.session.execute(
            select(Appointment).where(
                Appointment.authority_id == council.id, Appointment.role == Role.LEADER
            )
        )
        .scalars()
        .all()
    )
    assert len(leaders) == 2


def test_leaders_of_different_councils_do_not_clash(actor, council):
    give(actor, Role.LEADER, authority=council)
    give(actor, Role.LEADER, authority=factories.council())
    db.session.flush()


def test_a_second_current_mayor_is_refused_by_the_service_and_the_database(actor, mayoral):
    give(actor, Role.MAYOR, user=factories.user(full_name="Max Mayor"), authority=mayoral)
    with pytest.raises(DomainError, match=r"^Max Mayor is mayor of Mercia Combined Authority\."):
        give(actor, Role.MAYOR, authority=mayoral)
    message = refused_by_database(role=Role.MAYOR, starts_on=today(), authority=mayoral)
    assert "unique" in message or "uq_appointments_one_open_mayor" in message


def test_many_deputies_and_officers_may_serve_at_once(actor, council):
    for role in (Role.DEPUTY, Role.DEPUTY, Role.OFFICER, Role.OFFICER):
        give(actor, role, authority=council)
    db.session.flush()
    insert_directly(role=Role.OFFICER, starts_on=today(), authority=council)


def test_the_same_person_cannot_hold_the_same_role_twice_at_once(actor, council):
    officer = factories.user(full_name="Olu Officer")
    give(actor, Role.OFFICER, user=officer, authority=council)
    with pytest.raises(DomainError) as raised:
        give(actor, Role.OFFICER, user=officer, authority=council, starts_on=today())
    assert raised.value.message == (
        "Olu Officer already holds the role Council officer at Mercia Council from "
        "1 June 2026. End that appointment first"
    )


# Mayors only of mayoral authorities --------------------------------------------------


def test_a_mayor_of_an_authority_without_one_is_refused(actor, non_mayoral, council):
    for authority in (non_mayoral, council):
        with pytest.raises(DomainError) as raised:
            give(actor, Role.MAYOR, authority=authority)
        assert raised.value.message == (
            f"{authority.name} does not have an elected mayor. Only a mayoral strategic "
            "authority has a mayor"
        )
        assert raised.value.field == "authority"


@pytest.mark.parametrize("which", ["non_mayoral", "council"])
def test_the_database_refuses_a_mayor_of_an_authority_without_one(actor, request, which):
    authority = request.getfixturevalue(which)
    # Told the truth about the authority, the check constraint refuses...
    message = refused_by_database(role=Role.MAYOR, starts_on=START, authority=authority)
    assert "check" in message or "mayor_only_of_mayoral_authority" in message
    # ...and lying about it, the composite foreign key does.
    message = refused_by_database(
        role=Role.MAYOR, starts_on=START, authority=authority, authority_is_mayoral=True
    )
    assert "foreign key" in message


def test_an_authority_with_a_mayor_cannot_quietly_lose_its_mayoralty(actor, mayoral):
    give(actor, Role.MAYOR, authority=mayoral)
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            text("UPDATE authorities SET mayoral = :no WHERE id = :id"),
            {"no": False, "id": mayoral.id},
        )


def test_a_leader_leads_a_council_not_a_strategic_authority(actor, mayoral, non_mayoral):
    for authority in (mayoral, non_mayoral):
        with pytest.raises(DomainError) as raised:
            give(actor, Role.LEADER, authority=authority)
        assert raised.value.message == (
            f"{authority.name} is a strategic authority. A leader leads a council; "
            "choose Mayor for a mayoral strategic authority"
        )


def test_officers_and_deputies_serve_councils_and_strategic_authorities(
    actor, council, mayoral, non_mayoral
):
    for authority in (council, mayoral, non_mayoral):
        give(actor, Role.OFFICER, authority=authority)
        give(actor, Role.DEPUTY, authority=authority)
    db.session.flush()


# The right kind of body ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "message", "field"),
    [
        (Role.LEADER, "Select the authority where they are council leader", "authority"),
        (Role.MAYOR, "Select the authority where they are mayor", "authority"),
        (Role.DEPUTY, "Select the authority where they are deputy", "authority"),
        (Role.OFFICER, "Select the authority where they are council officer", "authority"),
        (Role.MINISTER, "Select the ministerial office they hold", "office"),
    ],
)
def test_a_role_needs_its_body(actor, role, message, field):
    before = appointment_count()
    with pytest.raises(DomainError) as raised:
        give(actor, role)
    assert (raised.value.message, raised.value.field) == (message, field)
    assert appointment_count() == before


def test_chair_and_secretariat_are_held_in_the_commission(actor, council):
    office = factories.ministerial_office()
    chair = give(actor, Role.CHAIR, authority=council, office=office)
    assert (chair.authority_id, chair.ministerial_office_id) == (None, None)
    assert chair.held_in == "Local Government Commission"
    minister = give(actor, Role.MINISTER, authority=council, office=office)
    assert (minister.authority_id, minister.ministerial_office_id) == (None, office.id)


@pytest.mark.parametrize(
    "values",
    [
        {"role": Role.LEADER},
        {"role": Role.OFFICER},
        {"role": Role.MINISTER},
        {"role": Role.CHAIR, "with_authority": True},
        {"role": Role.SECRETARIAT, "with_office": True},
        {"role": Role.MINISTER, "with_office": True, "with_authority": True},
        {"role": Role.LEADER, "with_office": True, "with_authority": True},
    ],
    ids=[
        "leader-without-authority",
        "officer-without-authority",
        "minister-without-office",
        "chair-with-authority",
        "secretariat-with-office",
        "minister-with-both",
        "leader-with-both",
    ],
)
def test_the_database_refuses_a_role_in_the_wrong_body(actor, council, values):
    values = dict(values)
    extra = {}
    if values.pop("with_authority", False):
        extra["authority"] = council
    if values.pop("with_office", False):
        extra["ministerial_office"] = factories.ministerial_office()
    before = appointment_count()
    message = refused_by_database(starts_on=START, **values, **extra)
    assert "check" in message or "held_in_the_right_body" in message
    assert appointment_count() == before


def test_the_database_refuses_an_authority_without_its_mayoral_flag(actor, council):
    user_id = factories.user().id
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            Appointment(
                user_id=user_id,
                role=Role.OFFICER,
                starts_on=START,
                authority_id=council.id,
                authority_is_mayoral=None,
            )
        )
        db.session.flush()


def test_only_one_secretary_of_state_holds_an_office(actor):
    office = factories.ministerial_office(title="Secretary of State for Testing")
    give(actor, Role.MINISTER, user=factories.user(full_name="Sam State"), office=office)
    with pytest.raises(
        DomainError, match=r"^Sam State is minister of Secretary of State for Testing\."
    ):
        give(actor, Role.MINISTER, office=office)
    junior = factories.ministerial_office(
        department=office.department,
        title="Parliamentary Under-Secretary of State",
        rank=OfficeRank.PARLIAMENTARY_UNDER_SECRETARY,
    )
    give(actor, Role.MINISTER, office=junior)
    give(actor, Role.MINISTER, office=junior)  # a generic title held by several


# The people pages' forms ------------------------------------------------------------------


@pytest.fixture
def secretariat(login_as):
    return login_as(Role.SECRETARIAT, full_name="Priya Natarajan")


def role_data(**overrides) -> dict:
    data = {"role": "leader", "authority": "", "office": "", "starts_on": ["", "", ""]}
    data.update(overrides)
    return data


def test_give_a_role_offers_every_authority_and_office(client, secretariat, council, mayoral):
    office = factories.ministerial_office(title="Secretary of State for Examples")
    someone = factories.user(full_name="Rhys Role")
    response = client.get(f"/people/{someone.id}/roles/new")
    assert heading(response) == "Give a role"
    authorities = [o.get_text(strip=True) for o in page(response).select("#authority option")]
    assert authorities[0] == "Select an authority"
    assert {"Mercia Council", "Mercia Combined Authority"} <= set(authorities)
    assert authorities[1:] == sorted(authorities[1:])
    offices = [o.get_text(strip=True) for o in page(response).select("#office option")]
    assert offices[0] == "Select an office"
    assert f"Secretary of State for Examples ({office.department.short_name})" in offices


def test_give_a_role_at_an_authority(client, secretariat, council):
    someone = factories.user(full_name="Rhys Role")
    response = client.post(
        f"/people/{someone.id}/roles/new", data=role_data(authority=str(council.id))
    )
    expect(response, 302)
    db.session.expire_all()
    [appointment] = db.session.get(User, someone.id).appointments
    assert (appointment.role, appointment.authority_id) == (Role.LEADER, council.id)
    assert appointment.authority_is_mayoral is False


def test_give_a_ministerial_office(client, secretariat):
    office = factories.ministerial_office()
    someone = factories.user(full_name="Rhys Role")
    response = client.post(
        f"/people/{someone.id}/roles/new", data=role_data(role="minister", office=str(office.id))
    )
    expect(response, 302)
    [appointment] = db.session.get(User, someone.id).appointments
    assert appointment.ministerial_office_id == office.id
    assert appointment.held_in == office.full_title


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"role": "leader"},
            [("Select the authority where they are council leader", "#authority")],
        ),
        (
            {"role": "leader", "authority": "999999"},
            [("Select an authority from the list", "#authority")],
        ),
        (
            {"role": "leader", "authority": "kent"},
            [("Select an authority from the list", "#authority")],
        ),
        ({"role": "minister"}, [("Select the ministerial office they hold", "#office")]),
        ({"role": "minister", "office": "999999"}, [("Select an office from the list", "#office")]),
        (
            {"role": "mayor", "authority": "COUNCIL"},
            [
                (
                    "Mercia Council does not have an elected mayor. Only a mayoral strategic "
                    "authority has a mayor",
                    "#authority",
                )
            ],
        ),
        (
            {"role": "leader", "authority": "MAYORAL"},
            [
                (
                    "Mercia Combined Authority is a strategic authority. A leader leads a "
                    "council; choose Mayor for a mayoral strategic authority",
                    "#authority",
                )
            ],
        ),
    ],
)
def test_give_a_role_errors(client, secretariat, council, mayoral, overrides, expected):
    someone = factories.user(full_name="Rhys Role")
    data = role_data(**overrides)
    data["authority"] = (
        data["authority"].replace("COUNCIL", str(council.id)).replace("MAYORAL", str(mayoral.id))
    )
    shown = ok(client.post(f"/people/{someone.id}/roles/new", data=data))
    assert heading(shown) == "Give a role"
    assert error_summary(shown) == expected
    assert db.session.get(User, someone.id).appointments == []


def test_give_a_second_leader_names_the_current_one(client, secretariat, council):
    factories.appointment(
        user=factories.user(full_name="Lucy Current"), role=Role.LEADER, authority=council
    )
    someone = factories.user(full_name="Rhys Role")
    response = client.post(
        f"/people/{someone.id}/roles/new", data=role_data(authority=str(council.id))
    )
    assert error_summary(response) == [
        (
            "Lucy Current is council leader of Mercia Council. End their appointment first, "
            "or start this one after it ends",
            "#role",
        )
    ]


def invite_data(**overrides) -> dict:
    data = {
        "full_name": "Ivy Invitee",
        "email": "ivy.invitee@example.gov.uk",
        "role": "mayor",
        "authority": "",
        "office": "",
        "starts_on": ["", "", ""],
    }
    data.update(overrides)
    return data


def test_invite_someone_as_mayor(client, secretariat, mayoral, outbox):
    response = client.post("/people/invite", data=invite_data(authority=str(mayoral.id)))
    expect(response, 302)
    invited = db.session.execute(
        select(User).where(User.email == "ivy.invitee@example.gov.uk")
    ).scalar_one()
    [appointment] = invited.appointments
    assert (appointment.role, appointment.authority_id) == (Role.MAYOR, mayoral.id)
    assert appointment.authority_is_mayoral is True
    assert "Mayor (Mercia Combined Authority)" in outbox[0].get_content()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, [("Select the authority where they are mayor", "#authority")]),
        ({"authority": "999999"}, [("Select an authority from the list", "#authority")]),
        (
            {"authority": "NON_MAYORAL"},
            [
                (
                    "Wessex Combined County Authority does not have an elected mayor. Only a "
                    "mayoral strategic authority has a mayor",
                    "#authority",
                )
            ],
        ),
        ({"role": "minister"}, [("Select the ministerial office they hold", "#office")]),
    ],
)
def test_invite_someone_errors(client, secretariat, non_mayoral, outbox, overrides, expected):
    data = invite_data(**overrides)
    data["authority"] = data["authority"].replace("NON_MAYORAL", str(non_mayoral.id))
    shown = ok(client.post("/people/invite", data=data))
    assert heading(shown) == "Invite someone"
    assert error_summary(shown) == expected
    assert outbox == []
    assert (
        db.session.execute(select(User).where(User.email == "ivy.invitee@example.gov.uk")).first()
        is None
    )
