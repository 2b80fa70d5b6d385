"""An authority's team: its leader or mayor (and the secretariat) invites
officers and deputies, ends their roles and sets what deputies may do; nobody
else may, not even the leader of another council."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from commission.auth.models import Appointment, DelegatedPower, Delegation, User
from commission.auth.roles import Role
from commission.extensions import db
from commission.timeutil import format_date, today
from tests import factories
from tests.conftest import audit_events
from tests.pages import banner, error_summary, expect, heading, ok, page, sign_in

STARTED = date(2026, 6, 1)
NEW_EMAIL = "nia.newcomer@example.gov.uk"


def person(role: Role, name: str, authority, **kwargs) -> User:
    user = factories.user(full_name=name)
    factories.appointment(user=user, role=role, authority=authority, **kwargs)
    return user


def date_parts(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def user_count() -> int:
    return db.session.execute(select(func.count()).select_from(User)).scalar_one()


def delegations_of(appointment: Appointment) -> list[Delegation]:
    return list(
        db.session.execute(
            select(Delegation)
            .where(Delegation.appointment_id == appointment.id)
            .order_by(Delegation.id)
        ).scalars()
    )


def invite_data(**overrides) -> dict:
    data = {
        "full_name": "Nia Newcomer",
        "email": NEW_EMAIL,
        "role": "officer",
        "starts_on": ["", "", ""],
    }
    data.update(overrides)
    return data


@pytest.fixture
def team(app_ctx):
    council = factories.council(name="Hollowmere Council")
    other = factories.council(name="Brackenfield Council")
    members = {
        "council": council,
        "other": other,
        "leader": person(Role.LEADER, "Hal Leader", council, starts_on=STARTED),
        "deputy": person(Role.DEPUTY, "Dora Deputy", council, starts_on=STARTED),
        "officer": person(Role.OFFICER, "Otto Officer", council, starts_on=STARTED),
        "other leader": person(Role.LEADER, "Bea Bracken", other, starts_on=STARTED),
    }
    members["deputy appointment"] = members["deputy"].appointments[0]
    members["officer appointment"] = members["officer"].appointments[0]
    members["delegation"] = factories.delegation(
        appointment=members["deputy appointment"], power=DelegatedPower.ATTEND
    )
    return members


def urls(team) -> dict[str, str]:
    slug = team["council"].slug
    deputy = team["deputy appointment"].id
    officer = team["officer appointment"].id
    return {
        "invite": f"/authorities/{slug}/team/invite",
        "end officer": f"/authorities/{slug}/team/{officer}/end",
        "end deputy": f"/authorities/{slug}/team/{deputy}/end",
        "delegate": f"/authorities/{slug}/team/{deputy}/delegations/new",
        "end delegation": (
            f"/authorities/{slug}/team/{deputy}/delegations/{team['delegation'].id}/end"
        ),
    }


# Inviting ---------------------------------------------------------------------------


def test_the_leader_is_offered_deputy_and_officer_only(client, team):
    sign_in(client, team["leader"])
    shown = ok(client.get(urls(team)["invite"]))
    assert heading(shown) == "Invite someone to the team"
    assert page(shown).select_one(".govuk-caption-l").get_text(strip=True) == ("Hollowmere Council")
    roles = [i["value"] for i in page(shown).select("main input[name=role]")]
    assert roles == ["deputy", "officer"]


def test_the_leader_invites_an_officer(client, team, outbox):
    leader = sign_in(client, team["leader"])
    response = client.post(urls(team)["invite"], data=invite_data())
    expect(response, 302, location=f"/authorities/{team['council'].slug}")

    invited = db.session.execute(select(User).where(User.email == NEW_EMAIL)).scalar_one()
    assert invited.full_name == "Nia Newcomer"
    assert invited.password_hash is None
    [appointment] = invited.appointments
    assert appointment.role is Role.OFFICER
    assert appointment.authority_id == team["council"].id
    assert appointment.starts_on == today()
    assert appointment.created_by_id == leader.id

    [message] = outbox
    assert message["To"] == NEW_EMAIL
    assert message["Subject"] == "You have been invited to the Local Government Commission"
    body = message.get_content()
    assert "Hal Leader has invited you" in body
    assert "Council officer (Hollowmere Council)" in body
    assert "/set-password/" in body

    [event] = audit_events("invitation_sent")
    assert event.actor_id == leader.id
    assert event.details["role"] == "officer"
    assert event.details["authority_id"] == team["council"].id

    shown = client.get(response.headers["Location"])
    assert banner(shown) == f"Success Invitation sent to {NEW_EMAIL}"
    assert "Nia Newcomer" in page(shown).select_one("main table").get_text()


def test_the_leader_invites_a_deputy_from_a_date(client, team, outbox):
    sign_in(client, team["leader"])
    later = today() + timedelta(days=14)
    client.post(urls(team)["invite"], data=invite_data(role="deputy", starts_on=date_parts(later)))
    invited = db.session.execute(select(User).where(User.email == NEW_EMAIL)).scalar_one()
    [appointment] = invited.appointments
    assert (appointment.role, appointment.starts_on) == (Role.DEPUTY, later)
    assert appointment.authority_id == team["council"].id
    assert len(outbox) == 1


@pytest.mark.parametrize(
    "offset", [-32, -3650, 367], ids=["a month and a day ago", "ten years ago", "over a year on"]
)
def test_a_leader_cannot_date_a_role_far_in_the_past_or_future(client, team, outbox, offset):
    sign_in(client, team["leader"])
    before = user_count()
    when = today() + timedelta(days=offset)
    response = client.post(
        urls(team)["invite"], data=invite_data(role="deputy", starts_on=date_parts(when))
    )
    earliest, latest = today() - timedelta(days=31), today() + timedelta(days=366)
    assert error_summary(response) == [
        (
            f"The start date must be between {earliest.day} {earliest:%B} {earliest.year} "
            f"and {latest.day} {latest:%B} {latest.year}",
            "#starts_on",
        )
    ]
    assert user_count() == before
    assert outbox == []


def test_a_leader_may_date_a_role_from_a_month_ago(client, team, outbox):
    sign_in(client, team["leader"])
    when = today() - timedelta(days=31)
    client.post(urls(team)["invite"], data=invite_data(role="deputy", starts_on=date_parts(when)))
    invited = db.session.execute(select(User).where(User.email == NEW_EMAIL)).scalar_one()
    assert invited.appointments[0].starts_on == when


def test_the_secretariat_may_record_a_role_from_years_ago(client, team, outbox, login_as):
    login_as(Role.SECRETARIAT)
    when = today() - timedelta(days=3650)
    response = client.post(
        urls(team)["invite"], data=invite_data(role="deputy", starts_on=date_parts(when))
    )
    expect(response, 302)
    invited = db.session.execute(select(User).where(User.email == NEW_EMAIL)).scalar_one()
    assert invited.appointments[0].starts_on == when


def test_a_leader_cannot_end_a_role_years_ahead(client, team):
    sign_in(client, team["leader"])
    far = today() + timedelta(days=3650)
    response = client.post(urls(team)["end officer"], data={"ends_on": date_parts(far)})
    assert error_summary(response)[0][1] == "#ends_on"
    assert db.session.get(Appointment, team["officer appointment"].id).ends_on is None


@pytest.mark.parametrize("role", ["leader", "mayor", "secretariat", "chair", "minister"])
def test_a_leader_cannot_give_any_other_role(client, team, outbox, role):
    sign_in(client, team["leader"])
    before = user_count()
    shown = ok(client.post(urls(team)["invite"], data=invite_data(role=role)))
    assert error_summary(shown) == [("Select role from the options given", "#role")]
    assert user_count() == before
    assert outbox == []
    assert audit_events("invitation_sent") == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"full_name": ""}, [("Enter the person's full name", "#full_name")]),
        ({"email": "not-an-email"}, None),
        ({"role": None}, [("Select a role", "#role")]),
        (
            {"starts_on": ["30", "2", "2027"]},
            [("Holds the role from must be a real date", "#starts_on")],
        ),
    ],
)
def test_invite_errors(client, team, outbox, overrides, expected):
    sign_in(client, team["leader"])
    data = {k: v for k, v in invite_data(**overrides).items() if v is not None}
    shown = ok(client.post(urls(team)["invite"], data=data))
    errors = error_summary(shown)
    if expected is None:
        assert [href for _, href in errors] == ["#email"]
    else:
        assert errors == expected
    assert outbox == []


def test_someone_with_an_account_cannot_be_invited_again(client, team, outbox):
    sign_in(client, team["leader"])
    response = client.post(
        urls(team)["invite"], data=invite_data(email=team["officer"].email.upper())
    )
    assert error_summary(response) == [
        ("An account with this email address already exists", "#email")
    ]
    assert outbox == []


def test_the_mayor_invites_to_their_own_authority(client, app_ctx, outbox):
    area = factories.strategic_authority(name="Riverside Combined Authority")
    mayor = person(Role.MAYOR, "Maya Mayor", area)
    sign_in(client, mayor)
    form = client.get(f"/authorities/{area.slug}/team/invite")
    assert [i["value"] for i in page(form).select("main input[name=role]")] == [
        "deputy",
        "officer",
    ]
    response = client.post(f"/authorities/{area.slug}/team/invite", data=invite_data(role="deputy"))
    expect(response, 302)
    invited = db.session.execute(select(User).where(User.email == NEW_EMAIL)).scalar_one()
    assert invited.appointments[0].authority_id == area.id
    assert invited.appointments[0].role is Role.DEPUTY


# Ending a role ------------------------------------------------------------------------


def test_the_leader_ends_an_officers_role_and_the_record_stays(client, team):
    leader = sign_in(client, team["leader"])
    url = urls(team)["end officer"]
    form = client.get(url)
    assert heading(form) == "End Otto Officer's role as council officer"
    response = client.post(
        url, data={"ends_on": date_parts(today()), "reason": "Moved to another council"}
    )
    expect(response, 302)
    db.session.expire_all()
    appointment = db.session.get(Appointment, team["officer appointment"].id)
    assert appointment.ends_on == today()
    assert appointment.end_reason == "Moved to another council"
    [event] = audit_events("role_ended")
    assert event.actor_id == leader.id
    shown = client.get(response.headers["Location"])
    assert banner(shown) == "Success Otto Officer's role Council officer has been ended"
    assert f"{format_date(STARTED)} to {format_date(today())}" in (
        page(shown).select_one("main table").get_text(" ", strip=True)
    )


def test_an_end_date_before_the_start_is_refused(client, team):
    sign_in(client, team["leader"])
    response = client.post(
        urls(team)["end officer"], data={"ends_on": ["31", "5", "2026"], "reason": ""}
    )
    assert error_summary(response) == [
        ("The end date must be on or after the start date, 01/06/2026", "#ends_on")
    ]
    assert db.session.get(Appointment, team["officer appointment"].id).ends_on is None


def test_a_leader_cannot_end_their_own_leadership_here(client, team):
    leader = sign_in(client, team["leader"])
    url = f"/authorities/{team['council'].slug}/team/{leader.appointments[0].id}/end"
    expect(client.get(url), 403)
    expect(client.post(url, data={"ends_on": date_parts(today())}), 403)
    assert db.session.get(Appointment, leader.appointments[0].id).ends_on is None


def test_an_appointment_at_another_authority_is_not_found_here(client, team):
    sign_in(client, team["leader"])
    elsewhere = person(Role.OFFICER, "Elsewhere Officer", team["other"]).appointments[0]
    slug = team["council"].slug
    expect(client.get(f"/authorities/{slug}/team/{elsewhere.id}/end"), 404)
    expect(client.get(f"/authorities/{slug}/team/{elsewhere.id}/delegations/new"), 404)


# Delegations -----------------------------------------------------------------------------


def test_the_leader_delegates_to_a_deputy(client, team):
    leader = sign_in(client, team["leader"])
    url = urls(team)["delegate"]
    form = client.get(url)
    assert heading(form) == "Delegate to Dora Deputy"
    ends = today() + timedelta(days=90)
    response = client.post(
        url,
        data={
            "powers": ["attend", "sign_off"],
            "starts_on": date_parts(today()),
            "ends_on": date_parts(ends),
        },
    )
    expect(response, 302)
    stored = delegations_of(team["deputy appointment"])[1:]
    assert [(d.power, d.starts_on, d.ends_on, d.created_by_id) for d in stored] == [
        (DelegatedPower.ATTEND, today(), ends, leader.id),
        (DelegatedPower.SIGN_OFF, today(), ends, leader.id),
    ]
    [event] = audit_events("delegation_added")
    assert event.details == {
        "powers": ["attend", "sign_off"],
        "starts_on": today().isoformat(),
        "ends_on": ends.isoformat(),
    }
    shown = client.get(response.headers["Location"])
    assert banner(shown) == "Success Delegation to Dora Deputy recorded"
    assert f"Sign off responses: {format_date(today())} to {format_date(ends)}" in (
        page(shown).select_one("main table").get_text(" ", strip=True)
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"starts_on": date_parts(date(2026, 7, 1))},
            [("Select what is delegated", "#powers")],
        ),
        (
            {
                "powers": ["attend"],
                "starts_on": date_parts(date(2026, 7, 1)),
                "ends_on": date_parts(date(2026, 6, 30)),
            },
            [("The end date must be on or after the start date", "#ends_on")],
        ),
        (
            {"powers": ["attend"], "starts_on": date_parts(date(2026, 5, 31))},
            [
                (
                    "The delegation cannot start before the deputy's appointment, 1 June 2026",
                    "#starts_on",
                )
            ],
        ),
        (
            {"powers": ["attend"], "starts_on": ["", "", ""]},
            [("Enter the date the delegation starts", "#starts_on")],
        ),
        (
            {"powers": ["veto"], "starts_on": date_parts(date(2026, 7, 1))},
            [("Select what is delegated from the options given", "#powers")],
        ),
    ],
)
def test_delegation_errors(client, team, data, expected):
    sign_in(client, team["leader"])
    shown = ok(client.post(urls(team)["delegate"], data=data))
    assert error_summary(shown) == expected
    assert len(delegations_of(team["deputy appointment"])) == 1
    assert audit_events("delegation_added") == []


def test_a_delegation_must_end_with_the_deputys_appointment(client, team):
    team["deputy appointment"].ends_on = date(2026, 12, 31)
    sign_in(client, team["leader"])
    response = client.post(
        urls(team)["delegate"], data={"powers": ["sign_off"], "starts_on": ["1", "7", "2026"]}
    )
    assert error_summary(response) == [
        (
            "The delegation must end by the end of the deputy's appointment, 31 December 2026",
            "#ends_on",
        )
    ]


def test_only_a_deputy_can_be_delegated_to(client, team, login_as):
    slug = team["council"].slug
    officer = team["officer appointment"].id
    url = f"/authorities/{slug}/team/{officer}/delegations/new"
    sign_in(client, team["leader"])
    expect(client.get(url), 404)
    response = client.post(url, data={"powers": ["attend"], "starts_on": ["1", "7", "2026"]})
    expect(response, 404)
    login_as(Role.SECRETARIAT)
    expect(client.get(url), 404)
    assert delegations_of(team["officer appointment"]) == []


def test_the_leader_ends_a_delegation(client, team):
    leader = sign_in(client, team["leader"])
    url = urls(team)["end delegation"]
    form = client.get(url)
    assert heading(form) == "End delegation to Dora Deputy"
    response = client.post(url, data={"ends_on": date_parts(today())})
    expect(response, 302)
    db.session.expire_all()
    assert db.session.get(Delegation, team["delegation"].id).ends_on == today()
    [event] = audit_events("delegation_ended")
    assert event.actor_id == leader.id
    assert event.details == {"delegation_id": team["delegation"].id, "ends_on": today().isoformat()}
    shown = client.get(response.headers["Location"])
    assert banner(shown) == "Success Delegation to Dora Deputy ended"


def test_ending_a_delegation_before_it_started_is_refused(client, team):
    sign_in(client, team["leader"])
    response = client.post(urls(team)["end delegation"], data={"ends_on": ["31", "5", "2026"]})
    assert error_summary(response) == [
        ("The end date must be on or after the start date", "#ends_on")
    ]
    assert db.session.get(Delegation, team["delegation"].id).ends_on is None


def test_an_unknown_delegation_is_not_found(client, team):
    sign_in(client, team["leader"])
    slug = team["council"].slug
    deputy = team["deputy appointment"].id
    expect(client.get(f"/authorities/{slug}/team/{deputy}/delegations/99999/end"), 404)


# Who may ------------------------------------------------------------------------------


def assert_nothing_changed(team, outbox, users_before):
    db.session.expire_all()
    assert user_count() == users_before
    assert outbox == []
    assert db.session.get(Appointment, team["officer appointment"].id).ends_on is None
    assert db.session.get(Appointment, team["deputy appointment"].id).ends_on is None
    assert len(delegations_of(team["deputy appointment"])) == 1
    assert db.session.get(Delegation, team["delegation"].id).ends_on is None
    for action in ("invitation_sent", "role_ended", "delegation_added", "delegation_ended"):
        assert audit_events(action) == []


POSTS = {
    "invite": invite_data(),
    "end officer": {"ends_on": ["", "", ""], "reason": "Refused"},
    "end deputy": {"ends_on": ["", "", ""], "reason": "Refused"},
    "delegate": {"powers": ["sign_off"], "starts_on": ["1", "7", "2026"]},
    "end delegation": {"ends_on": ["", "", ""]},
}


@pytest.mark.parametrize(
    "who",
    [
        "other leader",
        "own deputy",
        "own officer",
        "other deputy",
        "other officer",
        "mayor of the area",
        "chair",
        "minister",
    ],
)
def test_the_team_pages_are_refused_to_everyone_else(client, team, outbox, login_as, who):
    """A leader of another council, and the council's own deputies and
    officers, may not manage this council's team (403, nothing changed)."""
    if who == "other leader":
        sign_in(client, team["other leader"])
    elif who.startswith("own "):
        sign_in(client, team[who.removeprefix("own ")])
    elif who.startswith("other "):
        sign_in(client, person(Role(who.removeprefix("other ")), "Someone Else", team["other"]))
    elif who == "mayor of the area":
        area = factories.strategic_authority(constituents=[team["council"]])
        sign_in(client, person(Role.MAYOR, "Area Mayor", area))
    else:
        login_as(Role(who))
    before = user_count()
    for name, url in urls(team).items():
        response = client.get(url)
        expect(response, 403)
        assert heading(response) == "You do not have permission to see this page"
        expect(client.post(url, data=POSTS[name]), 403)
    assert_nothing_changed(team, outbox, before)
    # ...and the council page offers them no way in.
    shown = client.get(f"/authorities/{team['council'].slug}")
    assert "Invite someone to the team" not in shown.get_data(as_text=True)


def test_a_constituent_councils_leader_cannot_manage_the_mayors_team(client, team, outbox):
    area = factories.strategic_authority(constituents=[team["council"]])
    deputy = person(Role.DEPUTY, "Area Deputy", area).appointments[0]
    sign_in(client, team["leader"])
    for url in (
        f"/authorities/{area.slug}/team/invite",
        f"/authorities/{area.slug}/team/{deputy.id}/end",
        f"/authorities/{area.slug}/team/{deputy.id}/delegations/new",
    ):
        expect(client.get(url), 403)
    response = client.post(f"/authorities/{area.slug}/team/invite", data=invite_data())
    expect(response, 403)
    assert outbox == []
    assert "Area Deputy" not in client.get(f"/authorities/{area.slug}").get_data(as_text=True)


def test_the_team_pages_ask_a_visitor_to_sign_in(client, team, outbox):
    before = user_count()
    for url in urls(team).values():
        response = client.get(url)
        expect(response, 302)
        assert response.headers["Location"].startswith("/sign-in?next=")
        expect(client.post(url, data=POSTS["invite"]), 302)
    assert_nothing_changed(team, outbox, before)


def test_a_former_leader_can_no_longer_manage_the_team(client, team, outbox):
    team["leader"].appointments[0].ends_on = today() - timedelta(days=1)
    sign_in(client, team["leader"])
    before = user_count()
    for url in urls(team).values():
        expect(client.get(url), 403)
    assert_nothing_changed(team, outbox, before)


# The secretariat -------------------------------------------------------------------------


def test_the_secretariat_may_do_all_of_it(client, team, outbox, login_as):
    secretariat = login_as(Role.SECRETARIAT)
    form = client.get(urls(team)["invite"])
    roles = [i["value"] for i in page(form).select("main input[name=role]")]
    assert roles == ["leader", "deputy", "officer"]

    # A second leader is refused while the council has one...
    response = client.post(urls(team)["invite"], data=invite_data(role="leader"))
    assert error_summary(response) == [
        (
            "Hal Leader is council leader of Hollowmere Council. End their appointment "
            "first, or start this one after it ends",
            "#role",
        )
    ]
    assert outbox == []
    # ...so the secretariat ends the leader's role first.
    leader_appointment = team["leader"].appointments[0]
    end_leader = f"/authorities/{team['council'].slug}/team/{leader_appointment.id}/end"
    yesterday = today() - timedelta(days=1)
    expect(client.post(end_leader, data={"ends_on": date_parts(yesterday)}), 302)
    response = client.post(urls(team)["invite"], data=invite_data(role="leader"))
    expect(response, 302)
    invited = db.session.execute(select(User).where(User.email == NEW_EMAIL)).scalar_one()
    assert invited.appointments[0].role is Role.LEADER
    assert invited.appointments[0].created_by_id == secretariat.id
    assert len(outbox) == 1

    delegate = client.post(
        urls(team)["delegate"], data={"powers": ["sign_off"], "starts_on": ["1", "7", "2026"]}
    )
    expect(delegate, 302)
    expect(client.post(urls(team)["end delegation"], data={"ends_on": []}), 302)
    expect(client.post(urls(team)["end officer"], data={"reason": "Left"}), 302)
    db.session.expire_all()
    assert db.session.get(Appointment, team["officer appointment"].id).ends_on == today()
    assert db.session.get(Delegation, team["delegation"].id).ends_on == today()
    assert [d.power for d in delegations_of(team["deputy appointment"])] == [
        DelegatedPower.ATTEND,
        DelegatedPower.SIGN_OFF,
    ]


def test_the_secretariat_offers_a_mayor_only_where_there_is_one(client, login_as, app_ctx):
    login_as(Role.SECRETARIAT)
    mayoral = factories.strategic_authority(name="Mayoral Combined Authority")
    plain = factories.strategic_authority(name="Plain Combined Authority", mayoral=False)
    roles = lambda authority: [  # noqa: E731
        i["value"]
        for i in page(client.get(f"/authorities/{authority.slug}/team/invite")).select(
            "main input[name=role]"
        )
    ]
    assert roles(mayoral) == ["mayor", "deputy", "officer"]
    assert roles(plain) == ["deputy", "officer"]
