"""The demo scenario (``flask seed --demo``): invented people in real offices
and authorities, every one flagged as a demo person."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from commission.auth.models import Appointment, DelegatedPower, Delegation, User
from commission.auth.roles import Role
from commission.extensions import db
from commission.membership.models import (
    COUNCIL_KINDS,
    Authority,
    AuthorityKind,
    Control,
    OfficeRank,
    PoliticalControl,
    Region,
)
from commission.seeding.demo import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    choose_councils,
    load_demo,
)
from commission.seeding.reference import load_reference_data
from commission.timeutil import today
from tests.pages import expect, heading, ok, page, summary_list


def current(role: Role) -> list[Appointment]:
    on = today()
    return [
        a
        for a in db.session.execute(select(Appointment).where(Appointment.role == role)).scalars()
        if a.is_current(on)
    ]


def user(local: str) -> User:
    return db.session.execute(
        select(User).where(User.email == f"{local}@{DEMO_DOMAIN}")
    ).scalar_one()


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def demo(app_ctx):
    load_reference_data()
    report = load_demo()
    db.session.flush()
    return report


def test_leaders_of_thirty_or_more_councils_cover_every_type_region_and_party(demo):
    on = today()
    leaders = current(Role.LEADER)
    councils = [a.authority for a in leaders]
    assert len(set(councils)) == len(leaders) >= 30
    assert {c.kind for c in councils} == set(COUNCIL_KINDS)
    assert len(COUNCIL_KINDS) == 6
    assert {c.region for c in councils} == set(Region)
    all_labels = {
        c.control_on(on).label
        for c in db.session.execute(
            select(Authority).where(Authority.kind.in_(COUNCIL_KINDS))
        ).scalars()
    }
    assert {"Aspire", "Not determined", "Green", "Independent"} <= all_labels
    assert {c.control_on(on).label for c in councils} == all_labels


def test_mayors_lead_several_mayoral_authorities(demo):
    mayors = current(Role.MAYOR)
    authorities = {a.authority for a in mayors}
    assert len(authorities) == len(mayors) >= 5
    assert all(a.is_strategic and a.mayoral for a in authorities)
    named = user("mayor")
    assert named.full_name == "Amira Sheikh"
    assert named.appointments[0].authority.name == "Greater Manchester Combined Authority"


def test_ministers_come_from_at_least_four_departments(demo):
    ministers = current(Role.MINISTER)
    departments = {a.ministerial_office.department.short_name for a in ministers}
    assert len(departments) >= 4
    assert {"DfE", "DHSC", "DfT", "MHCLG"} <= departments


def test_the_chair_also_holds_the_office_of_the_mhclg_secretary_of_state(demo):
    chair = user("chair")
    roles = {a.role: a for a in chair.current_appointments(today())}
    assert set(roles) == {Role.CHAIR, Role.MINISTER}
    office = roles[Role.MINISTER].ministerial_office
    assert office.department.short_name == "MHCLG"
    assert office.rank is OfficeRank.SECRETARY_OF_STATE
    assert office.title == "Secretary of State for Housing, Communities and Local Government"
    assert roles[Role.CHAIR].authority is None


def test_secretariat_officers_and_deputies_with_delegations(demo):
    assert {a.user.email for a in current(Role.SECRETARIAT)} == {
        f"secretariat@{DEMO_DOMAIN}",
        f"secretariat2@{DEMO_DOMAIN}",
    }
    leeds_team = {
        a.user.email: a.role
        for a in current(Role.LEADER) + current(Role.DEPUTY) + current(Role.OFFICER)
        if a.authority.name == "Leeds City Council"
    }
    assert leeds_team == {
        f"leader@{DEMO_DOMAIN}": Role.LEADER,
        f"deputy@{DEMO_DOMAIN}": Role.DEPUTY,
        f"officer@{DEMO_DOMAIN}": Role.OFFICER,
    }
    deputy = user("deputy").appointments[0]
    assert {d.power for d in deputy.delegations} == set(DelegatedPower)
    assert len(current(Role.OFFICER)) >= 5
    assert len(current(Role.DEPUTY)) >= 3
    for appointment in current(Role.DEPUTY):
        assert appointment.delegations, appointment.user.email


def test_every_demo_person_is_flagged_with_a_demo_address(demo):
    people = db.session.execute(select(User)).scalars().all()
    assert len(people) == demo.created > 50
    assert all(p.is_demo for p in people)
    assert all(p.email.endswith(f"@{DEMO_DOMAIN}") for p in people)
    assert all(p.has_password and p.active for p in people)
    # Invented names, never a real office holder from the seed files.
    names = [p.full_name for p in people]
    assert len(names) == len(set(names))
    assert "Steve Reed" not in names
    assert "Bridget Phillipson" not in names


def test_loading_the_demo_again_changes_nothing(demo):
    before = (count(User), count(Appointment), count(Delegation))
    again = load_demo()
    db.session.flush()
    assert again.created == 0
    assert again.existing == demo.created
    assert (count(User), count(Appointment), count(Delegation)) == before


def test_the_demo_leaves_people_who_are_not_demo_people_alone(demo, login_as):
    real = login_as(Role.SECRETARIAT, full_name="Real Secretariat")
    load_demo()
    db.session.flush()
    assert real.is_demo is False
    assert [a.role for a in real.appointments] == [Role.SECRETARIAT]


def test_the_demo_needs_the_reference_data(app_ctx):
    with pytest.raises(LookupError, match="Run flask seed"):
        load_demo()


def test_a_demo_person_signs_in_with_the_demo_password(client, demo):
    response = client.post(
        "/sign-in", data={"email": f"leader@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
    )
    expect(response, 302, location="/")
    mine = ok(client.get("/my-authority"))
    assert "Leeds City Council" in [h.get_text(strip=True) for h in page(mine).select("h2")]


def test_a_demo_mayor_signs_in_and_sees_their_authority(client, demo):
    response = client.post(
        "/sign-in", data={"email": f"mayor@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
    )
    expect(response, 302)
    mine = client.get("/my-authority")
    assert "Greater Manchester Combined Authority" in mine.get_data(as_text=True)
    assert summary_list(mine)["Type"] == "Combined authority"


def test_a_demo_person_is_marked_on_the_public_authority_page(client, demo):
    response = client.get("/authorities/leeds-city-council")
    assert heading(response) == "Leeds City Council"
    leader = page(response).select_one("main ul.govuk-list li").get_text(" ", strip=True)
    assert leader.startswith("Tom Ashworth, council leader since 11 May 2026")
    assert "Demo person" in leader


def test_flask_seed_demo_loads_both(app, app_ctx):
    result = app.test_cli_runner().invoke(args=["seed", "--demo"])
    assert result.exit_code == 0, result.output
    assert "Councils: 317 created, 0 updated, 0 unchanged" in result.output
    created = count(User)
    assert f"Demo people: {created} created, 0 already there" in result.output
    again = app.test_cli_runner().invoke(args=["seed", "--demo"])
    assert f"Demo people: 0 created, {created} already there" in again.output
    assert count(User) == created


def test_choosing_councils_covers_each_type_region_and_party_first():
    on = date(2026, 11, 23)

    def council(name, kind, region, population, control, party_name=None):
        authority = Authority(name=name, kind=kind, region=region, population=population)
        authority.controls = [
            PoliticalControl(
                control=control, party_name=party_name, effective_from=date(2026, 6, 1)
            )
        ]
        return authority

    big = [
        council(f"Big {n}", AuthorityKind.COUNTY, Region.SOUTH_EAST, 1_000_000 - n, Control.LABOUR)
        for n in range(5)
    ]
    small = [
        council("Small District", AuthorityKind.DISTRICT, Region.SOUTH_EAST, 50, Control.LABOUR),
        council("Small North", AuthorityKind.COUNTY, Region.NORTH_EAST, 40, Control.LABOUR),
        council("Small Aspire", AuthorityKind.COUNTY, Region.SOUTH_EAST, 30, Control.OTHER, "A"),
    ]
    chosen = choose_councils([*small, *big], 5, on)
    assert [c.name for c in chosen] == [
        "Big 0",  # the largest of its type, region and party
        "Small District",  # the only district
        "Small North",  # the only North East council
        "Small Aspire",  # the only council of its party
        "Big 1",  # then the largest of the rest
    ]
