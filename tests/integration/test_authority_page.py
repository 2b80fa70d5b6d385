"""An authority's page (/authorities/<slug>): details, control history,
constituents, its leader or mayor in public, and its deputies and officers
only for the secretariat and the authority's own people. And /my-authority."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from commission.auth.models import DelegatedPower, User
from commission.auth.roles import Role
from commission.extensions import db
from commission.membership.models import AuthorityKind, Control, Region
from commission.timeutil import format_date, format_datetime, now_utc, today
from tests import factories
from tests.pages import expect, heading, main_text, ok, page, sign_in, summary_list

STARTED = today() - timedelta(days=30)


@contextmanager
def statements():
    """The SELECT statements run meanwhile, on the test's connection."""
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    connection = db.session.connection()
    event.listen(connection, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", before)


def person(role: Role, name: str, authority=None, **kwargs) -> User:
    user = factories.user(full_name=name)
    factories.appointment(user=user, role=role, authority=authority, **kwargs)
    return user


def h2s(response) -> list[str]:
    return [h.get_text(" ", strip=True) for h in page(response).select("main h2")]


def link_texts(response) -> list[str]:
    return [a.get_text(" ", strip=True) for a in page(response).select("main a")]


def table_with_caption(response, caption: str):
    for table in page(response).select("main table"):
        if caption in table.caption.get_text(" ", strip=True):
            return [
                [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
                for row in table.select("tbody tr")
            ]
    return None


@pytest.fixture
def oakshire(app_ctx):
    """A council with a control history, a leader, a deputy with a delegation,
    an officer and an officer who has left, in a mayoral combined authority."""
    council = factories.council(
        name="Oakshire Council",
        kind=AuthorityKind.UNITARY,
        region=Region.NORTH_EAST,
        population=123_456,
        control=Control.LABOUR,
    )
    factories.political_control(
        authority=council,
        control=Control.CONSERVATIVE,
        effective_from=date(2022, 5, 6),
        source="Election results",
    )
    factories.political_control(
        authority=council,
        control=Control.NO_OVERALL_CONTROL,
        effective_from=date(2024, 5, 3),
        note="Two defections",
    )
    neighbour = factories.council(name="Ashvale Council", region=Region.NORTH_EAST)
    area = factories.strategic_authority(
        name="Northfield Combined Authority",
        region=Region.NORTH_EAST,
        constituents=[council, neighbour],
    )
    team = {
        "council": council,
        "neighbour": neighbour,
        "area": area,
        "leader": person(Role.LEADER, "Lena Leader", council, starts_on=STARTED),
        "deputy": person(Role.DEPUTY, "Dev Deputy", council, starts_on=STARTED),
        "officer": person(Role.OFFICER, "Olive Officer", council, starts_on=STARTED),
        "former": person(
            Role.OFFICER,
            "Fred Former",
            council,
            starts_on=date(2026, 1, 5),
            ends_on=date(2026, 3, 31),
        ),
        "mayor": person(Role.MAYOR, "Mo Mayor", area, starts_on=STARTED),
    }
    factories.delegation(
        appointment=team["deputy"].appointments[0],
        power=DelegatedPower.SIGN_OFF,
        starts_on=STARTED,
    )
    elmshire = factories.council(name="Elmshire Council")
    team["elmshire"] = elmshire
    team["other leader"] = person(Role.LEADER, "Elsie Elm", elmshire)
    team["other deputy"] = person(Role.DEPUTY, "Ed Elm", elmshire)
    team["other officer"] = person(Role.OFFICER, "Ernie Elm", elmshire)
    return team


# Details ------------------------------------------------------------------------


def test_the_page_shows_the_authoritys_details(client, oakshire):
    shown = ok(client.get(f"/authorities/{oakshire['council'].slug}"))
    assert heading(shown) == "Oakshire Council"
    assert page(shown).select_one(".govuk-caption-l").get_text(strip=True) == ("Unitary authority")
    assert page(shown).select_one("main strong.govuk-tag").get_text(strip=True) == (
        "Member of the Commission"
    )
    assert summary_list(shown) == {
        "Type": "Unitary authority",
        "Region": "North East",
        "Population": "123,456 (mid-2024)",
        "Political control": "Labour since 8 May 2026",
        "GSS code": oakshire["council"].gss_code,
    }
    assert "Member from 1 January 2026" in main_text(shown)


def test_control_history_is_newest_first(client, oakshire):
    response = client.get(f"/authorities/{oakshire['council'].slug}")
    assert table_with_caption(response, "History of political control") == [
        ["8 May 2026", "Labour", ""],
        ["3 May 2024", "No overall control Two defections", ""],
        ["6 May 2022", "Conservative", "Election results"],
    ]


def test_a_council_links_to_its_strategic_authority_and_back(client, oakshire):
    council = client.get(f"/authorities/{oakshire['council'].slug}")
    assert "Strategic authority" in h2s(council)
    parent = page(council).find("a", string="Northfield Combined Authority")
    assert parent["href"] == f"/authorities/{oakshire['area'].slug}"
    assert "Northfield Combined Authority (mayoral)" in main_text(council)

    area = client.get(parent["href"])
    assert heading(area) == "Northfield Combined Authority"
    assert summary_list(area)["Type"] == "Combined authority, with an elected mayor"
    assert "Constituent councils" in h2s(area)
    links = {
        a.get_text(strip=True): a["href"]
        for a in page(area).select("main ul.govuk-list a.govuk-link")
    }
    assert links == {
        "Ashvale Council": f"/authorities/{oakshire['neighbour'].slug}",
        "Oakshire Council": f"/authorities/{oakshire['council'].slug}",
    }
    assert "Strategic authority" not in h2s(area)


def test_the_leader_and_mayor_are_public(client, oakshire):
    council = client.get(f"/authorities/{oakshire['council'].slug}")
    assert "Leader" in h2s(council)
    assert f"Lena Leader, council leader since {format_date(STARTED)}" in main_text(council)
    area = client.get(f"/authorities/{oakshire['area'].slug}")
    assert "Mayor" in h2s(area)
    assert f"Mo Mayor, mayor since {format_date(STARTED)}" in main_text(area)


def test_a_former_or_future_leader_is_not_shown_as_leader(client, app_ctx):
    council = factories.council(name="Vacant Council")
    person(
        Role.LEADER, "Gone Leader", council, starts_on=date(2026, 1, 1), ends_on=date(2026, 2, 1)
    )
    person(Role.LEADER, "Next Leader", council, starts_on=today() + timedelta(days=7))
    response = client.get(f"/authorities/{council.slug}")
    assert "No leader is recorded." in main_text(response)
    assert "Gone Leader" not in main_text(response)
    assert "Next Leader" not in main_text(response)


def test_a_non_member_with_history(client, app_ctx):
    council = factories.council(name="Leaving Council", member=False, control=None)
    factories.membership(
        authority=council,
        joined_on=date(2026, 1, 1),
        left_on=date(2026, 3, 31),
        leave_reason="Abolished",
    )
    response = client.get(f"/authorities/{council.slug}")
    assert page(response).select_one("main strong.govuk-tag").get_text(strip=True) == "Not a member"
    assert summary_list(response)["Political control"] == "Not recorded"
    assert "No political control is recorded." in main_text(response)
    assert "Member from 1 January 2026 to 31 March 2026: Abolished" in main_text(response)
    never = factories.council(name="Never Council", member=False)
    assert "Never Council has never been a member." in main_text(
        client.get(f"/authorities/{never.slug}")
    )


def test_an_unknown_authority_is_not_found(client, app_ctx):
    response = client.get("/authorities/atlantis-council")
    expect(response, 404)
    assert heading(response) == "Page not found"


# Who sees the team ----------------------------------------------------------------

HIDDEN_FROM = [
    "anonymous",
    "minister",
    "chair",
    "other leader",
    "other deputy",
    "other officer",
    "mayor",  # of the combined authority: not one of the council's own people
]


def view_as(client, oakshire, login_as, viewer: str):
    if viewer == "anonymous":
        pass
    elif viewer in {"minister", "chair", "secretariat"}:
        login_as(Role(viewer))
    else:
        sign_in(client, oakshire[viewer])
    return client.get(f"/authorities/{oakshire['council'].slug}")


@pytest.mark.parametrize("viewer", HIDDEN_FROM)
def test_deputies_and_officers_are_hidden_from_people_outside_the_council(
    client, oakshire, login_as, viewer
):
    response = view_as(client, oakshire, login_as, viewer)
    expect(response, 200)
    text = main_text(response)
    assert "Lena Leader" in text
    assert "Deputies and officers" not in h2s(response)
    for name in ("Dev Deputy", "Olive Officer", "Fred Former", "Sign off responses"):
        assert name not in text
    assert table_with_caption(response, "Deputies and officers") is None
    assert "Invite someone to the team" not in link_texts(response)
    assert "Record a change of control" not in link_texts(response)


@pytest.mark.parametrize("viewer", ["secretariat", "leader", "deputy", "officer"])
def test_deputies_and_officers_are_shown_to_the_secretariat_and_the_councils_people(
    client, oakshire, login_as, viewer
):
    response = view_as(client, oakshire, login_as, viewer)
    assert "Deputies and officers" in h2s(response)
    rows = table_with_caption(response, "Deputies and officers of Oakshire Council")
    started = format_date(STARTED)
    assert [row[:3] for row in rows] == [
        [
            "Dev Deputy",
            f"Deputy {started} onwards",
            f"Sign off responses: {started} onwards",
        ],
        ["Olive Officer", f"Council officer {started} onwards", "Not applicable"],
        [
            "Fred Former",
            "Council officer 5 January 2026 to 31 March 2026",
            "Not applicable",
        ],
    ]
    links = link_texts(response)
    manages = viewer in {"secretariat", "leader"}
    assert ("Invite someone to the team" in links) is manages
    assert ("Delegate to Dev Deputy" in links) is manages
    assert ("End role of Olive Officer" in links) is manages
    assert ("End delegation to sign off responses for Dev Deputy" in links) is manages
    assert "End role of Fred Former" not in links  # already ended
    is_secretariat = viewer == "secretariat"
    assert ("Record a change of control" in links) is is_secretariat
    assert ("End membership" in links) is is_secretariat


def test_the_mayor_manages_the_team_of_their_own_authority(client, oakshire):
    area = oakshire["area"]
    person(Role.OFFICER, "Area Officer", area)
    sign_in(client, oakshire["mayor"])
    response = client.get(f"/authorities/{area.slug}")
    assert "Area Officer" in main_text(response)
    assert "Invite someone to the team" in link_texts(response)
    # ...and not of a constituent council.
    council = client.get(f"/authorities/{oakshire['council'].slug}")
    assert "Invite someone to the team" not in link_texts(council)


def test_an_ended_role_no_longer_shows_the_team(client, oakshire):
    appointment = oakshire["officer"].appointments[0]
    appointment.ends_on = today() - timedelta(days=1)
    sign_in(client, oakshire["officer"])
    response = client.get(f"/authorities/{oakshire['council'].slug}")
    assert "Deputies and officers" not in h2s(response)


def test_the_secretariat_sees_add_membership_for_a_non_member(client, login_as, app_ctx):
    council = factories.council(name="Outside Council", member=False)
    login_as(Role.SECRETARIAT)
    links = link_texts(client.get(f"/authorities/{council.slug}"))
    assert "Add membership" in links
    assert "End membership" not in links


def test_the_page_runs_the_same_queries_whatever_the_size_of_the_team(client, login_as, app_ctx):
    login_as(Role.SECRETARIAT)
    small = factories.council(name="Small Team Council")
    large = factories.council(name="Large Team Council")
    for authority, size in ((small, 1), (large, 12)):
        person(Role.LEADER, f"Leader of {authority.name}", authority)
        for n in range(size):
            deputy = person(Role.DEPUTY, f"Deputy {n} of {authority.name}", authority)
            factories.delegation(appointment=deputy.appointments[0])
            person(Role.OFFICER, f"Officer {n} of {authority.name}", authority)
    small_url, large_url = f"/authorities/{small.slug}", f"/authorities/{large.slug}"
    client.get(small_url)  # warm up
    with statements() as few:
        response = client.get(small_url)
    assert len(table_with_caption(response, "Deputies and officers")) == 2
    with statements() as many:
        response = client.get(large_url)
    assert len(table_with_caption(response, "Deputies and officers")) == 24
    assert len(few) == len(many), many


# Your authority ----------------------------------------------------------------------


def test_my_authority_shows_the_authority_its_team_and_what_is_to_come(client, oakshire):
    sign_in(client, oakshire["leader"])
    response = client.get("/my-authority")
    expect(response, 200)
    assert heading(response) == "Your authority"
    assert h2s(response) == ["Oakshire Council"]
    text = main_text(response)
    assert f"You are council leader here, since {format_date(STARTED)}." in text
    assert summary_list(response) == {
        "Type": "Unitary authority",
        "Region": "North East",
        "Political control": "Labour",
        "Membership": "Member since 1 January 2026",
    }
    team = table_with_caption(response, "People at Oakshire Council")
    assert sorted(row[:2] for row in team) == [
        ["Dev Deputy", "Deputy"],
        ["Lena Leader", "Council leader"],
        ["Olive Officer", "Council officer"],
    ]
    assert "No meetings of the Commission have been scheduled yet." in text
    assert "There are no open consultations." in text
    manage = page(response).find("a", string="Manage the team and delegations")
    assert manage["href"] == f"/authorities/{oakshire['council'].slug}"


def test_an_officer_is_pointed_at_the_full_page_not_at_managing(client, oakshire):
    sign_in(client, oakshire["officer"])
    response = client.get("/my-authority")
    assert "Manage the team and delegations" not in link_texts(response)
    assert "See the full page for Oakshire Council" in link_texts(response)


def test_someone_with_roles_at_two_authorities_sees_both(client, oakshire):
    officer = oakshire["officer"]
    factories.appointment(user=officer, role=Role.DEPUTY, authority=oakshire["elmshire"])
    sign_in(client, officer)
    response = client.get("/my-authority")
    assert sorted(h2s(response)) == ["Elmshire Council", "Oakshire Council"]
    assert table_with_caption(response, "People at Elmshire Council")
    text = main_text(response)
    assert "You are council officer here" in text
    assert "You are deputy here" in text


def test_two_roles_at_one_authority_show_it_once(client, oakshire):
    officer = oakshire["officer"]
    factories.appointment(
        user=officer, role=Role.DEPUTY, authority=oakshire["council"], starts_on=date(2026, 2, 2)
    )
    sign_in(client, officer)
    response = client.get("/my-authority")
    assert h2s(response) == ["Oakshire Council"]
    text = main_text(response)
    assert f"You are council officer here, since {format_date(STARTED)}." in text
    assert "You are deputy here, since 2 February 2026." in text
    assert text.count("There are no open consultations.") == 1


@pytest.mark.parametrize("role", [Role.CHAIR, Role.MINISTER, Role.SECRETARIAT])
def test_my_authority_is_refused_to_people_without_an_authority_role(client, login_as, role):
    login_as(role)
    response = client.get("/my-authority")
    expect(response, 403)
    assert heading(response) == "You do not have permission to see this page"


def test_my_authority_is_refused_after_the_role_ends(client, oakshire):
    sign_in(client, oakshire["former"])
    expect(client.get("/my-authority"), 403)


def test_my_authority_asks_a_visitor_to_sign_in(client, app_ctx):
    response = client.get("/my-authority")
    expect(response, 302)
    assert response.headers["Location"].startswith("/sign-in?next=")


# Your authority: meetings and consultations ---------------------------------------------


def test_my_authority_lists_the_coming_meetings_with_the_authoritys_reply(client, oakshire):
    from commission.meetings.models import MeetingStatus

    council = oakshire["council"]
    published = factories.meeting(
        starts_at=factories.london_time(today() + timedelta(days=10), 10, 30), published=True
    )
    later = factories.meeting(starts_at=factories.london_time(today() + timedelta(days=40), 10, 30))
    factories.meeting(
        starts_at=factories.london_time(today() + timedelta(days=20), 10, 30),
        status=MeetingStatus.DRAFT,
    )
    factories.meeting(
        starts_at=factories.london_time(today() + timedelta(days=25), 10, 30),
        status=MeetingStatus.CANCELLED,
    )
    factories.meeting(
        starts_at=factories.london_time(today() - timedelta(days=3), 10, 30),
        status=MeetingStatus.HELD,
    )
    factories.attendance_reply(meeting=published, authority=council, kind="remote")

    sign_in(client, oakshire["leader"])
    response = client.get("/my-authority")
    rows = table_with_caption(response, "Coming meetings and Oakshire Council's replies")
    assert rows == [
        [
            f"{format_datetime(published.starts_at)} Agenda published",
            "Attending remotely",
            f"Change the reply for Oakshire Council to the meeting on "
            f"{format_date(published.starts_at)}",
        ],
        [
            f"{format_datetime(later.starts_at)} Agenda to follow",
            "Not replied yet",
            f"Reply for Oakshire Council to the meeting on {format_date(later.starts_at)}",
        ],
    ]
    reply = page(response).find("a", href=f"/meetings/{later.slug}/reply?authority={council.slug}")
    assert reply is not None
    expect(client.get(reply["href"]), 200)
    assert "No meetings of the Commission have been scheduled yet." not in main_text(response)


def test_a_deputy_sees_the_replies_but_is_not_offered_to_reply(client, oakshire):
    meeting = factories.meeting()
    sign_in(client, oakshire["deputy"])
    response = client.get("/my-authority")
    rows = table_with_caption(response, "Coming meetings and Oakshire Council's replies")
    assert [row[1:] for row in rows] == [["Not replied yet", ""]]
    assert page(response).find("a", href=f"/meetings/{meeting.slug}/reply?authority=") is None
    assert "The leader or an officer replies for Oakshire Council." in main_text(response)


def test_a_meeting_after_the_membership_ends_needs_no_reply(client, oakshire):
    meeting = factories.meeting(
        starts_at=factories.london_time(today() + timedelta(days=30), 10, 30)
    )
    membership = oakshire["council"].memberships[0]
    membership.left_on = today() + timedelta(days=5)
    sign_in(client, oakshire["leader"])
    response = client.get("/my-authority")
    rows = table_with_caption(response, "Coming meetings and Oakshire Council's replies")
    assert rows == [
        [f"{format_datetime(meeting.starts_at)} Agenda to follow", "Not a member on this date", ""]
    ]


def test_an_authority_no_longer_a_member_is_offered_no_consultation(client, oakshire):
    factories.consultation(title="Sure Start")
    oakshire["council"].memberships[0].left_on = today() - timedelta(days=1)
    sign_in(client, oakshire["leader"])
    response = client.get("/my-authority")
    caption = "Open consultations and Oakshire Council's responses"
    assert table_with_caption(response, caption) is None
    assert (
        "Oakshire Council is not a member of the Commission today, so it does not respond "
        "to consultations." in main_text(response)
    )


def test_my_authority_lists_what_the_authority_can_respond_to_now(client, oakshire):
    from commission.consultations.models import ConsultationStatus, Extension

    council = oakshire["council"]
    now = now_utc()
    soon = factories.consultation(title="Sure Start", closes_at=now + timedelta(days=5))
    later = factories.consultation(title="Place budgets", closes_at=now + timedelta(days=20))
    a_week_ago = now - timedelta(days=7)
    extended = factories.consultation(
        title="English Deal", opens_at=a_week_ago, closes_at=now - timedelta(hours=1)
    )
    factories.consultation(
        title="Already closed", opens_at=a_week_ago, closes_at=now - timedelta(days=2)
    )
    factories.consultation(title="Still a draft", status=ConsultationStatus.DRAFT)
    factories.consultation(title="Not yet open", opens_at=now + timedelta(days=2))
    db.session.add(
        Extension(
            consultation_id=extended.id,
            authority_id=council.id,
            closes_at=now + timedelta(days=9),
            reason="Full council meeting",
        )
    )
    factories.draft_response(consultation=later, authority=council)

    sign_in(client, oakshire["deputy"])
    response = client.get("/my-authority")
    rows = table_with_caption(response, "Open consultations and Oakshire Council's responses")
    assert [row[1:] for row in rows] == [
        [format_datetime(soon.closes_at), "Not started"],
        [
            format_datetime(now + timedelta(days=9)) + " Extended for Oakshire Council",
            "Not started",
        ],
        [format_datetime(later.closes_at), "Draft"],
    ]
    assert [row[0] for row in rows] == [
        f"{c.title} : Oakshire Council's response {c.reference} · {c.department.name}"
        for c in (soon, extended, later)
    ]
    link = page(response).find(
        "a", href=f"/consultations/{later.reference}/responses/{council.slug}"
    )
    assert link is not None
    expect(client.get(link["href"]), 200)
    assert "There are no open consultations." not in main_text(response)


def test_my_authority_runs_the_same_queries_for_one_or_many_meetings_and_consultations(
    client, oakshire
):
    sign_in(client, oakshire["leader"])
    factories.meeting()
    factories.consultation()
    client.get("/my-authority")  # warm up
    with statements() as few:
        client.get("/my-authority")
    for _ in range(3):
        factories.meeting()
        factories.consultation()
    with statements() as many:
        response = client.get("/my-authority")
    rows = table_with_caption(response, "Open consultations and Oakshire Council's responses")
    assert len(rows) == 4
    assert len(few) == len(many), many
