"""The secretariat records changes of political control and adds or ends an
authority's membership; everyone else is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from commission.auth.roles import Role
from commission.extensions import db
from commission.membership.models import Control, Membership, PoliticalControl
from commission.timeutil import format_date, today
from tests import factories
from tests.conftest import audit_events
from tests.pages import banner, error_summary, expect, heading, ok, page, summary_list

FACTORY_CONTROL_DATE = date(2026, 5, 8)


def date_parts(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def controls(authority) -> list[PoliticalControl]:
    return list(
        db.session.execute(
            select(PoliticalControl)
            .where(PoliticalControl.authority_id == authority.id)
            .order_by(PoliticalControl.effective_from)
        ).scalars()
    )


def memberships(authority) -> list[Membership]:
    return list(
        db.session.execute(
            select(Membership)
            .where(Membership.authority_id == authority.id)
            .order_by(Membership.joined_on)
        ).scalars()
    )


def member_tag(response) -> str:
    return page(response).select_one("main strong.govuk-tag").get_text(strip=True)


@pytest.fixture
def secretariat(login_as):
    return login_as(Role.SECRETARIAT, full_name="Priya Natarajan")


@pytest.fixture
def council(app_ctx):
    return factories.council(name="Wessex Council", control=Control.LABOUR)


# Recording control ----------------------------------------------------------------


def control_data(**overrides) -> dict:
    data = {
        "control": "reform_uk",
        "party_name": "",
        "effective_from": date_parts(today()),
        "note": "Gained at the by-election",
    }
    data.update(overrides)
    return data


def test_the_control_form(client, secretariat, council):
    shown = ok(client.get(f"/authorities/{council.slug}/control/new"))
    assert heading(shown) == "Record a change of control"
    assert page(shown).select_one(".govuk-caption-l").get_text(strip=True) == "Wessex Council"
    choices = [
        label.get_text(strip=True) for label in page(shown).select("main .govuk-radios__label")
    ]
    assert choices[0] == "Labour"
    assert "Another party" in choices
    assert "Not determined" in choices


def test_recording_control_from_today(client, secretariat, council):
    response = client.post(f"/authorities/{council.slug}/control/new", data=control_data())
    expect(response, 302, location=f"/authorities/{council.slug}")

    records = controls(council)
    assert [(c.control, c.effective_from) for c in records] == [
        (Control.LABOUR, FACTORY_CONTROL_DATE),
        (Control.REFORM_UK, today()),
    ]
    new = records[1]
    assert new.party_name is None
    assert new.note == "Gained at the by-election"
    assert new.source == "Recorded by the secretariat"
    assert new.recorded_by_id == secretariat.id
    [event] = audit_events("control_recorded")
    assert event.actor_id == secretariat.id
    assert (event.subject_type, event.subject_id) == ("authorities", council.id)
    assert event.details == {
        "control": "reform_uk",
        "party_name": None,
        "effective_from": today().isoformat(),
    }
    assert event.summary == (
        f"Priya Natarajan recorded Wessex Council as Reform UK from {format_date(today())}"
    )

    shown = client.get(response.headers["Location"])
    assert banner(shown) == "Success Wessex Council recorded as Reform UK"
    assert summary_list(shown)["Political control"] == f"Reform UK since {format_date(today())}"
    assert "Gained at the by-election" in page(shown).select_one("main").get_text()


def test_control_from_a_past_date_shows_at_once(client, secretariat, council):
    client.post(
        f"/authorities/{council.slug}/control/new",
        data=control_data(control="green", effective_from=date_parts(date(2026, 9, 1))),
    )
    shown = client.get(f"/authorities/{council.slug}")
    assert summary_list(shown)["Political control"] == "Green since 1 September 2026"


def test_control_from_a_future_date_waits_for_it(client, secretariat, council):
    later = today() + timedelta(days=10)
    response = client.post(
        f"/authorities/{council.slug}/control/new",
        data=control_data(control="conservative", effective_from=date_parts(later)),
    )
    expect(response, 302)
    shown = client.get(f"/authorities/{council.slug}")
    assert summary_list(shown)["Political control"] == "Labour since 8 May 2026"
    history = [
        [td.get_text(" ", strip=True) for td in row.find_all("td")][:2]
        for row in page(shown).select("main table tbody tr")
    ]
    assert history[0] == [format_date(later), "Conservative Gained at the by-election"]
    directory = client.get("/authorities?control=labour")
    assert "Wessex Council" in directory.get_data(as_text=True)


def test_another_party_is_recorded_by_name(client, secretariat, council):
    client.post(
        f"/authorities/{council.slug}/control/new",
        data=control_data(control="other", party_name="  Aspire  "),
    )
    new = controls(council)[-1]
    assert (new.control, new.party_name, new.label) == (Control.OTHER, "Aspire", "Aspire")
    shown = client.get(f"/authorities/{council.slug}")
    assert summary_list(shown)["Political control"] == f"Aspire since {format_date(today())}"


def test_a_party_name_is_shown_as_text_never_as_markup(client, secretariat, council):
    client.post(
        f"/authorities/{council.slug}/control/new",
        data=control_data(control="other", party_name="<b>Bold</b> Party"),
    )
    shown = client.get(f"/authorities/{council.slug}")
    html = shown.get_data(as_text=True)
    assert "<b>Bold</b>" not in html
    assert banner(shown) == "Success Wessex Council recorded as <b>Bold</b> Party"
    assert summary_list(shown)["Political control"].startswith("<b>Bold</b> Party since")


def test_a_party_name_is_dropped_unless_another_party_is_chosen(client, secretariat, council):
    client.post(
        f"/authorities/{council.slug}/control/new",
        data=control_data(control="green", party_name="Aspire"),
    )
    new = controls(council)[-1]
    assert (new.control, new.party_name) == (Control.GREEN, None)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"control": None}, [("Select who controls the council", "#control")]),
        (
            {"control": "whig"},
            [("Select who controls the council from the options given", "#control")],
        ),
        (
            {"control": "other", "party_name": " "},
            [("Enter the name of the party in control", "#party_name")],
        ),
        (
            {"party_name": "x" * 101},
            [("Party name must be 100 characters or fewer", "#party_name")],
        ),
        (
            {"effective_from": ["", "", ""]},
            [("Enter the date control changed", "#effective_from")],
        ),
        (
            {"effective_from": ["31", "2", "2027"]},
            [("Control from must be a real date", "#effective_from")],
        ),
        (
            {"effective_from": ["1", "", "2027"]},
            [("Control from must include a month", "#effective_from")],
        ),
        (
            {"effective_from": date_parts(FACTORY_CONTROL_DATE)},
            [
                (
                    "Control from 8 May 2026 is already recorded. Choose another date",
                    "#effective_from",
                )
            ],
        ),
    ],
)
def test_control_form_errors(client, secretariat, council, overrides, expected):
    data = {k: v for k, v in control_data(**overrides).items() if v is not None}
    shown = ok(client.post(f"/authorities/{council.slug}/control/new", data=data))
    assert heading(shown) == "Record a change of control"
    assert error_summary(shown) == expected
    assert len(controls(council)) == 1
    assert audit_events("control_recorded") == []


# Membership -----------------------------------------------------------------------


def test_adding_a_membership(client, secretariat, app_ctx):
    council = factories.council(name="Outside Council", member=False)
    form = client.get(f"/authorities/{council.slug}/membership/new")
    assert heading(form) == "Add membership"
    assert "Outside Council will have a seat on the Commission from this date." in (
        page(form).select_one("main").get_text(" ", strip=True)
    )
    response = client.post(
        f"/authorities/{council.slug}/membership/new",
        data={"joined_on": date_parts(today()), "reason": "Joined after reorganisation"},
    )
    expect(response, 302)
    [seat] = memberships(council)
    assert (seat.joined_on, seat.left_on) == (today(), None)
    assert seat.join_reason == "Joined after reorganisation"
    assert seat.created_by_id == secretariat.id
    [event] = audit_events("membership_added")
    assert event.details == {
        "joined_on": today().isoformat(),
        "reason": "Joined after reorganisation",
    }
    shown = client.get(f"/authorities/{council.slug}")
    assert banner(shown) == "Success Outside Council is now a member"
    assert member_tag(shown) == "Member of the Commission"
    directory = client.get("/authorities?membership=member")
    assert "Outside Council" in directory.get_data(as_text=True)


def test_an_authority_that_is_already_a_member_cannot_be_added_again(client, secretariat, council):
    response = client.post(
        f"/authorities/{council.slug}/membership/new",
        data={"joined_on": date_parts(today()), "reason": ""},
    )
    assert error_summary(response) == [("Wessex Council is already a member", "#joined_on")]
    assert len(memberships(council)) == 1
    assert audit_events("membership_added") == []


def test_a_new_membership_must_start_after_the_last_one_ended(client, secretariat, app_ctx):
    council = factories.council(name="Returning Council", member=False)
    factories.membership(authority=council, joined_on=date(2026, 1, 1), left_on=date(2026, 6, 30))
    url = f"/authorities/{council.slug}/membership/new"
    response = client.post(url, data={"joined_on": ["30", "6", "2026"], "reason": ""})
    assert error_summary(response) == [
        (
            "Returning Council was a member until 30 June 2026. "
            "The new membership must start after that",
            "#joined_on",
        )
    ]
    assert len(memberships(council)) == 1

    response = client.post(url, data={"joined_on": ["1", "7", "2026"], "reason": ""})
    expect(response, 302)
    assert [(m.joined_on, m.left_on) for m in memberships(council)] == [
        (date(2026, 1, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), None),
    ]
    assert memberships(council)[1].join_reason is None


def test_add_membership_needs_a_date(client, secretariat, app_ctx):
    council = factories.council(name="Outside Council", member=False)
    response = client.post(
        f"/authorities/{council.slug}/membership/new", data={"joined_on": ["", "", ""]}
    )
    assert error_summary(response) == [("Enter the date membership starts", "#joined_on")]
    assert memberships(council) == []


def test_ending_a_membership(client, secretariat, council):
    form = client.get(f"/authorities/{council.slug}/membership/end")
    assert heading(form) == "End membership"
    assert "Wessex Council has been a member since 1 January 2026." in (
        page(form).select_one("main").get_text(" ", strip=True)
    )
    yesterday = today() - timedelta(days=1)
    response = client.post(
        f"/authorities/{council.slug}/membership/end",
        data={"left_on": date_parts(yesterday), "reason": "Abolished"},
    )
    expect(response, 302)
    [seat] = memberships(council)
    assert (seat.joined_on, seat.left_on, seat.leave_reason) == (
        date(2026, 1, 1),
        yesterday,
        "Abolished",
    )
    [event] = audit_events("membership_ended")
    assert event.details == {"left_on": yesterday.isoformat(), "reason": "Abolished"}
    shown = client.get(f"/authorities/{council.slug}")
    assert banner(shown) == "Success Wessex Council's membership has been ended"
    assert member_tag(shown) == "Not a member"
    assert f"Member from 1 January 2026 to {format_date(yesterday)}: Abolished" in (
        page(shown).select_one("main").get_text(" ", strip=True)
    )
    links = [a.get_text(strip=True) for a in page(shown).select("main a")]
    assert "Add membership" in links
    assert "End membership" not in links


def test_a_membership_ending_today_is_still_current_today(client, secretariat, council):
    client.post(
        f"/authorities/{council.slug}/membership/end",
        data={"left_on": date_parts(today()), "reason": "Leaving"},
    )
    assert member_tag(client.get(f"/authorities/{council.slug}")) == "Member of the Commission"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"left_on": ["1", "1", "2027"], "reason": ""},
            [("Enter the reason", "#reason")],
        ),
        (
            {"left_on": ["1", "1", "2027"], "reason": "   "},
            [("Enter the reason", "#reason")],
        ),
        (
            {"left_on": ["", "", ""], "reason": "Abolished"},
            [("Enter the last day of membership", "#left_on")],
        ),
        (
            {"left_on": ["31", "12", "2025"], "reason": "Abolished"},
            [
                (
                    "The last day of membership must be on or after it started, 1 January 2026",
                    "#left_on",
                )
            ],
        ),
    ],
)
def test_end_membership_errors(client, secretariat, council, data, expected):
    shown = ok(client.post(f"/authorities/{council.slug}/membership/end", data=data))
    assert error_summary(shown) == expected
    assert memberships(council)[0].left_on is None
    assert audit_events("membership_ended") == []


def test_ending_the_membership_of_a_non_member_is_refused(client, secretariat, app_ctx):
    council = factories.council(name="Outside Council", member=False)
    response = client.post(
        f"/authorities/{council.slug}/membership/end",
        data={"left_on": date_parts(today()), "reason": "Abolished"},
    )
    assert error_summary(response) == [("Outside Council is not a member", "#left_on")]


def test_the_forms_for_an_unknown_authority_are_not_found(client, secretariat):
    for path in ("control/new", "membership/new", "membership/end"):
        response = client.get(f"/authorities/atlantis/{path}")
        expect(response, 404)


# Who may ----------------------------------------------------------------------------

NOT_SECRETARIAT = [Role.LEADER, Role.MAYOR, Role.DEPUTY, Role.OFFICER, Role.MINISTER, Role.CHAIR]
POSTS = {
    "control/new": control_data(),
    "membership/new": {"joined_on": date_parts(today()), "reason": "Joining"},
    "membership/end": {"left_on": date_parts(today()), "reason": "Leaving"},
}


@pytest.mark.parametrize("role", NOT_SECRETARIAT, ids=lambda r: r.value)
def test_only_the_secretariat_records_control_and_membership(client, login_as, council, role):
    user = login_as(role)
    if role in {Role.LEADER, Role.OFFICER, Role.DEPUTY}:
        # Even the council's own people.
        user.appointments[0].set_authority(council)
    for path, data in POSTS.items():
        url = f"/authorities/{council.slug}/{path}"
        response = client.get(url)
        expect(response, 403)
        assert heading(response) == "You do not have permission to see this page"
        expect(client.post(url, data=data), 403)
    assert len(controls(council)) == 1
    assert [(m.joined_on, m.left_on) for m in memberships(council)] == [(date(2026, 1, 1), None)]
    assert audit_events("control_recorded") == audit_events("membership_ended") == []


def test_a_visitor_is_asked_to_sign_in(client, council):
    for path, data in POSTS.items():
        url = f"/authorities/{council.slug}/{path}"
        for response in (client.get(url), client.post(url, data=data)):
            expect(response, 302, location=f"/sign-in?next={url}")
    assert len(controls(council)) == 1
