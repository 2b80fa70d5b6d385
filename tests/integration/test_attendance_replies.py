"""Authorities' replies to a meeting (attending in person or remotely,
apologies, or a substitute) and the secretariat's view of them: counts,
filters, the authorities yet to reply, and the CSV download."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from commission.attendance.models import AttendanceReply, ReplyKind
from commission.auth.models import DelegatedPower, User
from commission.auth.roles import Role
from commission.extensions import db
from commission.meetings.models import MeetingStatus
from commission.membership.models import Authority, AuthorityKind, Control, Region
from commission.timeutil import LONDON, format_date, format_datetime
from tests import factories
from tests.conftest import audit_events, count_selects
from tests.pages import (
    banner,
    csrf_token_from,
    error_summary,
    expect,
    heading,
    main_text,
    ok,
    page,
    read_csv,
    sign_in,
    table_records,
    table_rows,
)


def person(authority: Authority | None, role: Role, name: str) -> User:
    user = factories.user(full_name=name)
    factories.appointment(user=user, role=role, authority=authority)
    return user


def stored_replies(meeting) -> list[AttendanceReply]:
    return list(
        db.session.execute(
            select(AttendanceReply)
            .where(AttendanceReply.meeting_id == meeting.id)
            .order_by(AttendanceReply.id)
        ).scalars()
    )


def reply_count() -> int:
    return db.session.execute(select(func.count(AttendanceReply.id))).scalar_one()


def reply_url(meeting, authority: Authority | None = None) -> str:
    url = f"/meetings/{meeting.slug}/reply"
    return f"{url}?authority={authority.slug}" if authority else url


def meeting_day(meeting) -> date:
    return meeting.starts_at.astimezone(LONDON).date()


def your_replies(response) -> list[str]:
    """The items under "Your authority's reply" on the meeting page."""
    section = page(response).find("h2", string="Your authority's reply")
    if section is None:
        return []
    return [li.get_text(" ", strip=True) for li in section.find_next("ul").find_all("li")]


# Replying --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [ReplyKind.IN_PERSON, ReplyKind.REMOTE, ReplyKind.APOLOGIES])
def test_leader_replies_for_their_council(client, kind):
    council = factories.council(name="Ambridge Council")
    leader = person(council, Role.LEADER, "Lynda Snell")
    meeting = factories.meeting()
    sign_in(client, leader)

    form = client.get(reply_url(meeting))
    assert heading(form) == "Reply for Ambridge Council"
    legend = page(form).select_one("legend").get_text(strip=True)
    assert legend == "Will Ambridge Council attend?"
    options = [label.get_text(strip=True) for label in page(form).select(".govuk-radios__label")]
    assert options == [
        "Attending in person",
        "Attending remotely",
        "Sending a substitute",
        "Apologies",
    ]

    response = client.post(reply_url(meeting), data={"kind": kind.value})
    expect(response, 302)
    assert response.headers["Location"].endswith(f"/meetings/{meeting.slug}")
    shown = client.get(response.headers["Location"])
    assert banner(shown) == f"Success Reply for Ambridge Council sent: {kind.label}"
    assert your_replies(shown) == [
        f"Ambridge Council: {kind.label} · Change the reply for Ambridge Council"
    ]

    [reply] = stored_replies(meeting)
    assert reply.authority_id == council.id
    assert reply.kind is kind
    assert reply.replied_by_id == leader.id
    assert reply.on_behalf_of_id == leader.id
    assert reply.substitute_appointment_id is None and reply.substitute_name is None
    [event] = audit_events("attendance_replied")
    assert event.summary.startswith(f"Lynda Snell replied for Ambridge Council: {kind.label}")


def test_meeting_page_invites_a_reply_and_links_to_the_form(client):
    council = factories.council(name="Borsetshire Council")
    leader = person(council, Role.LEADER, "Leader One")
    meeting = factories.meeting()
    sign_in(client, leader)
    response = client.get(f"/meetings/{meeting.slug}")
    assert your_replies(response) == [
        "Borsetshire Council: No reply yet · Reply for Borsetshire Council"
    ]
    link = page(response).select_one("main a[href*='/reply']")
    assert link["href"] == reply_url(meeting, council)


def test_officer_replies_on_behalf_of_the_leader(client, login_as):
    council = factories.council(name="Felpersham Council")
    leader = person(council, Role.LEADER, "Jennifer Aldridge")
    officer = person(council, Role.OFFICER, "Oliver Sterling")
    meeting = factories.meeting()
    sign_in(client, officer)

    response = client.post(reply_url(meeting), data={"kind": "remote"})
    expect(response, 302)
    [reply] = stored_replies(meeting)
    assert reply.replied_by_id == officer.id
    assert reply.on_behalf_of_id == leader.id

    login_as(Role.SECRETARIAT)
    replies = client.get(f"/meetings/{meeting.slug}/replies")
    [row] = table_records(replies, "[aria-label='Replies received'] table")
    assert row["Authority"] == "Felpersham Council"
    assert row["Reply"] == "Attending remotely"
    assert row["From"].startswith("by Oliver Sterling on behalf of Jennifer Aldridge, ")


def test_secretariat_replies_on_behalf_of_the_leader(client, login_as):
    council = factories.council(name="Loxley Barrett Council")
    leader = person(council, Role.LEADER, "Brian Aldridge")
    factories.council(name="Another Council")
    meeting = factories.meeting()
    secretariat = login_as(Role.SECRETARIAT, full_name="Sam Secretariat")

    choose = client.get(reply_url(meeting))
    assert heading(choose) == "Which authority are you replying for?"
    response = client.post(reply_url(meeting, council), data={"kind": "apologies"})
    expect(response, 302)
    [reply] = stored_replies(meeting)
    assert (reply.replied_by_id, reply.on_behalf_of_id) == (secretariat.id, leader.id)
    assert reply.replied_by_label == "by Sam Secretariat on behalf of Brian Aldridge"


def test_mayor_replies_for_a_mayoral_strategic_authority(client):
    authority = factories.strategic_authority(name="Borchester Combined Authority")
    mayor = person(authority, Role.MAYOR, "Mayor Matthews")
    meeting = factories.meeting()
    sign_in(client, mayor)
    assert heading(client.get(reply_url(meeting))) == "Reply for Borchester Combined Authority"
    response = client.post(reply_url(meeting), data={"kind": "in_person"})
    expect(response, 302)
    [reply] = stored_replies(meeting)
    assert reply.authority_id == authority.id
    assert reply.replied_by_id == reply.on_behalf_of_id == mayor.id


def test_person_with_roles_at_two_authorities_is_asked_which_first(client):
    first = factories.council(name="Hollerton Council")
    second = factories.council(name="Darrington Council")
    someone = person(first, Role.OFFICER, "Two Hats")
    factories.appointment(user=someone, role=Role.LEADER, authority=second)
    meeting = factories.meeting()
    sign_in(client, someone)

    choose = client.get(reply_url(meeting))
    assert heading(choose) == "Which authority are you replying for?"
    links = [(a.get_text(strip=True), a["href"]) for a in page(choose).select("main ul a")]
    assert links == [
        ("Darrington Council", reply_url(meeting, second)),
        ("Hollerton Council", reply_url(meeting, first)),
    ]
    assert reply_count() == 0

    assert heading(client.get(reply_url(meeting, second))) == "Reply for Darrington Council"
    client.post(reply_url(meeting, second), data={"kind": "in_person"})
    [reply] = stored_replies(meeting)
    assert reply.authority_id == second.id
    assert sorted(your_replies(client.get(f"/meetings/{meeting.slug}"))) == [
        "Darrington Council: Attending in person · Change the reply for Darrington Council",
        "Hollerton Council: No reply yet · Reply for Hollerton Council",
    ]


def test_officer_of_one_council_cannot_reply_for_another(client):
    own = factories.council(name="Own Council")
    other = factories.council(name="Other Council")
    person(other, Role.LEADER, "Other Leader")
    officer = person(own, Role.OFFICER, "Nosy Officer")
    meeting = factories.meeting()
    sign_in(client, officer)

    expect(client.get(reply_url(meeting, other)), 403)
    response = client.post(reply_url(meeting, other), data={"kind": "apologies"})
    expect(response, 403)
    assert heading(response) == "You do not have permission to see this page"
    assert reply_count() == 0


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.CHAIR, Role.MINISTER])
def test_roles_that_do_not_reply_are_forbidden(client, login_as, role):
    meeting = factories.meeting()
    login_as(role)
    expect(client.get(reply_url(meeting)), 403)
    expect(client.post(reply_url(meeting), data={"kind": "in_person"}), 403)
    assert reply_count() == 0


def test_deputy_of_the_council_itself_cannot_reply(client):
    council = factories.council()
    deputy = person(council, Role.DEPUTY, "Dee Puty")
    factories.delegation(appointment=deputy.appointments[0], power=DelegatedPower.ATTEND)
    meeting = factories.meeting()
    sign_in(client, deputy)
    expect(client.get(reply_url(meeting, council)), 403)
    response = client.post(reply_url(meeting, council), data={"kind": "in_person"})
    expect(response, 403)
    assert reply_count() == 0


def test_anonymous_people_are_sent_to_sign_in(client):
    meeting = factories.meeting()
    for response in (
        client.get(reply_url(meeting)),
        client.post(reply_url(meeting), data={"kind": "in_person"}),
    ):
        expect(response, 302)
        assert "/sign-in" in response.headers["Location"]
    assert reply_count() == 0


def test_choosing_nothing_is_a_validation_error(client):
    council = factories.council()
    leader = person(council, Role.LEADER, "Leader")
    meeting = factories.meeting()
    sign_in(client, leader)
    shown = ok(client.post(reply_url(meeting), data={"substitute_name": "x" * 201}))
    assert error_summary(shown) == [
        ("Select whether your authority will attend", "#kind"),
        ("The name must be 200 characters or fewer", "#substitute_name"),
    ]
    assert reply_count() == 0


# Substitutes -----------------------------------------------------------------------------------


@pytest.fixture
def substitute_setup(client):
    council = factories.council(name="Penny Hassett Council")
    leader = person(council, Role.LEADER, "Leader Lee")
    meeting = factories.meeting()
    sign_in(client, leader)
    return council, meeting


def deputy_of(council: Authority, name: str) -> factories.Appointment:
    user = factories.user(full_name=name)
    return factories.appointment(
        user=user, role=Role.DEPUTY, authority=council, starts_on=date(2026, 1, 1)
    )


def test_deputy_delegated_to_attend_on_the_day_is_accepted(client, substitute_setup):
    council, meeting = substitute_setup
    deputy = deputy_of(council, "Della Gate")
    factories.delegation(appointment=deputy, power=DelegatedPower.ATTEND)

    form = client.get(reply_url(meeting))
    options = [o.get_text(strip=True) for o in page(form).select("#substitute option")]
    assert options == ["Choose a deputy", "Della Gate"]

    response = client.post(
        reply_url(meeting), data={"kind": "substitute", "substitute": str(deputy.id)}
    )
    expect(response, 302)
    [reply] = stored_replies(meeting)
    assert reply.kind is ReplyKind.SUBSTITUTE
    assert reply.substitute_appointment_id == deputy.id
    assert reply.substitute_name is None
    assert your_replies(client.get(f"/meetings/{meeting.slug}")) == [
        "Penny Hassett Council: Sending a substitute (Della Gate) · Change the reply"
        " for Penny Hassett Council"
    ]
    assert "(Della Gate)" in audit_events("attendance_replied")[0].summary


def test_deputy_whose_delegation_ended_before_the_meeting_is_refused(client, substitute_setup):
    council, meeting = substitute_setup
    deputy = deputy_of(council, "Ended Early")
    day = meeting_day(meeting)
    factories.delegation(
        appointment=deputy,
        power=DelegatedPower.ATTEND,
        starts_on=date(2026, 1, 1),
        ends_on=day - timedelta(days=1),
    )
    form = client.get(reply_url(meeting))
    options = [o.get_text(strip=True) for o in page(form).select("#substitute option")]
    assert options == ["Choose a deputy", "Ended Early (not delegated for this date)"]

    shown = ok(
        client.post(reply_url(meeting), data={"kind": "substitute", "substitute": str(deputy.id)})
    )
    assert error_summary(shown) == [
        (
            f"Ended Early's delegation to attend does not cover {format_date(day)}. "
            "Ask the leader to delegate it, or name someone else",
            "#substitute",
        )
    ]
    assert reply_count() == 0
    assert audit_events("attendance_replied") == []


def test_deputy_delegated_only_to_sign_off_is_refused(client, substitute_setup):
    council, meeting = substitute_setup
    deputy = deputy_of(council, "Sign Only")
    factories.delegation(appointment=deputy, power=DelegatedPower.SIGN_OFF)
    response = client.post(
        reply_url(meeting), data={"kind": "substitute", "substitute": str(deputy.id)}
    )
    assert [text for text, _ in error_summary(response)] == [
        f"Sign Only's delegation to attend does not cover {format_date(meeting_day(meeting))}. "
        "Ask the leader to delegate it, or name someone else"
    ]
    assert reply_count() == 0


def test_deputy_of_another_council_is_refused(client, substitute_setup):
    _, meeting = substitute_setup
    elsewhere = deputy_of(factories.council(), "Someone Else's Deputy")
    factories.delegation(appointment=elsewhere, power=DelegatedPower.ATTEND)
    response = client.post(
        reply_url(meeting), data={"kind": "substitute", "substitute": str(elsewhere.id)}
    )
    assert error_summary(response) == [("Choose one of the authority's deputies", "#substitute")]
    assert reply_count() == 0


def test_named_substitute_is_accepted(client, substitute_setup):
    _, meeting = substitute_setup
    response = client.post(
        reply_url(meeting), data={"kind": "substitute", "substitute_name": "  Cllr Pat Archer  "}
    )
    expect(response, 302)
    [reply] = stored_replies(meeting)
    assert (reply.kind, reply.substitute_name) == (ReplyKind.SUBSTITUTE, "Cllr Pat Archer")
    assert reply.substitute_appointment_id is None


def test_substitute_without_a_deputy_or_a_name_is_refused(client, substitute_setup):
    _, meeting = substitute_setup
    response = client.post(reply_url(meeting), data={"kind": "substitute", "substitute_name": " "})
    assert error_summary(response) == [
        ("Choose a deputy or enter the name of the substitute", "#substitute")
    ]
    assert reply_count() == 0


def test_substitute_details_are_dropped_for_other_kinds(client, substitute_setup):
    _, meeting = substitute_setup
    client.post(reply_url(meeting), data={"kind": "in_person", "substitute_name": "Not needed"})
    [reply] = stored_replies(meeting)
    assert (reply.kind, reply.substitute_name) == (ReplyKind.IN_PERSON, None)


# Changing a reply, and when replies are refused ------------------------------------------------


def test_changing_the_reply_updates_the_one_row_and_is_audited(client, substitute_setup):
    _, meeting = substitute_setup
    client.post(reply_url(meeting), data={"kind": "in_person"})
    [first] = stored_replies(meeting)

    form = client.get(reply_url(meeting))
    current = page(form).select_one("main p strong").get_text(strip=True)
    assert current == "Attending in person"
    assert "by Leader Lee" in main_text(form)
    checked = page(form).select_one("input[name=kind][checked]")
    assert checked["value"] == "in_person"

    client.post(reply_url(meeting), data={"kind": "substitute", "substitute_name": "Pat"})
    client.post(reply_url(meeting), data={"kind": "apologies"})
    [reply] = stored_replies(meeting)
    assert reply.id == first.id
    assert (reply.kind, reply.substitute_name) == (ReplyKind.APOLOGIES, None)
    summaries = [e.summary for e in audit_events("attendance_replied")]
    assert len(summaries) == 3
    assert summaries[1].startswith(
        "Leader Lee replied for Penny Hassett Council: Sending a substitute (Pat) for "
    )
    assert summaries[2].startswith("Leader Lee replied for Penny Hassett Council: Apologies")


def test_replies_close_when_the_meeting_starts(client):
    council = factories.council(name="Started Council")
    leader = person(council, Role.LEADER, "Late Leader")
    meeting = factories.meeting(starts_at=datetime.now(UTC) - timedelta(minutes=5))
    sign_in(client, leader)

    form = client.get(reply_url(meeting))
    assert "Replies closed when the meeting started." in main_text(form)
    assert page(form).select_one("main form") is None
    assert your_replies(client.get(f"/meetings/{meeting.slug}")) == [
        "Started Council: No reply yet"
    ]

    shown = ok(client.post(reply_url(meeting), data={"kind": "in_person"}))
    assert [text for text, _ in error_summary(shown)] == [
        f"Replies closed when the meeting started, {format_datetime(meeting.starts_at)}"
    ]
    assert reply_count() == 0


def test_existing_reply_cannot_be_changed_after_the_start(client):
    council = factories.council()
    leader = person(council, Role.LEADER, "Leader")
    meeting = factories.meeting(starts_at=datetime.now(UTC) - timedelta(minutes=5))
    factories.attendance_reply(meeting=meeting, authority=council, replied_by=leader)
    sign_in(client, leader)
    response = client.post(reply_url(meeting), data={"kind": "apologies"})
    assert error_summary(response)[0][0].startswith("Replies closed when the meeting started")
    [reply] = stored_replies(meeting)
    assert reply.kind is ReplyKind.IN_PERSON


@pytest.mark.parametrize(
    ("status", "label"), [(MeetingStatus.CANCELLED, "cancelled"), (MeetingStatus.HELD, "held")]
)
def test_replies_to_a_meeting_that_is_not_going_ahead_are_refused(client, status, label):
    council = factories.council()
    leader = person(council, Role.LEADER, "Leader")
    meeting = factories.meeting(status=status)
    sign_in(client, leader)
    response = client.post(reply_url(meeting), data={"kind": "in_person"})
    assert [text for text, _ in error_summary(response)] == [
        f"Replies cannot be sent for a meeting that is {label}"
    ]
    assert reply_count() == 0
    assert "· Reply" not in " ".join(your_replies(client.get(f"/meetings/{meeting.slug}")))


def test_authority_that_is_not_a_member_on_the_day_cannot_reply(client, login_as):
    outsider = factories.council(name="Outsider Council", member=False)
    leader = person(outsider, Role.LEADER, "Outside Leader")
    leaving = factories.council(name="Leaving Council", member=False)
    meeting = factories.meeting()
    factories.membership(
        authority=leaving, joined_on=date(2026, 1, 1), left_on=meeting_day(meeting) - timedelta(1)
    )
    leaving_leader = person(leaving, Role.LEADER, "Leaving Leader")

    for someone, authority in ((leader, outsider), (leaving_leader, leaving)):
        sign_in(client, someone)
        expect(client.get(reply_url(meeting)), 403)
        expect(client.post(reply_url(meeting), data={"kind": "in_person"}), 403)
        assert your_replies(client.get(f"/meetings/{meeting.slug}")) == []
        login_as(Role.SECRETARIAT)
        response = client.post(reply_url(meeting, authority), data={"kind": "in_person"})
        expect(response, 403)
    assert reply_count() == 0


# The secretariat's view of replies -------------------------------------------------------------


@pytest.fixture
def replies_setup():
    """Six member authorities (one not), four of them replied."""
    meeting = factories.meeting()
    north = factories.council(
        name="Alpha Council", kind=AuthorityKind.UNITARY, region=Region.NORTH_EAST
    )
    bravo = factories.council(
        name="Bravo Council",
        kind=AuthorityKind.UNITARY,
        region=Region.LONDON,
        control=Control.CONSERVATIVE,
    )
    charlie = factories.council(name="Charlie Council", region=Region.NORTH_EAST)
    delta = factories.strategic_authority(name="Delta Combined Authority", region=Region.LONDON)
    factories.council(name="Echo Council", region=Region.LONDON, control=Control.CONSERVATIVE)
    factories.council(name="Foxtrot Council", region=Region.NORTH_EAST, control=None)
    factories.council(name="Not A Member Council", member=False)
    leader = person(north, Role.LEADER, "Alpha Leader")
    deputy = deputy_of(charlie, "Charlie Deputy")
    factories.attendance_reply(meeting=meeting, authority=north, replied_by=leader)
    factories.attendance_reply(meeting=meeting, authority=bravo, kind="remote")
    factories.attendance_reply(
        meeting=meeting, authority=charlie, kind="substitute", substitute=deputy
    )
    factories.attendance_reply(meeting=meeting, authority=delta, kind="apologies")
    return meeting


def summary(response) -> dict[str, str]:
    return dict(table_rows(response, "table"))


def no_reply_list(response) -> list[str]:
    section = page(response).find("h2", string=lambda s: s and s.startswith("No reply ("))
    following = section.find_next_sibling()
    return [li.get_text(strip=True) for li in following.find_all("li")] if following else []


def test_secretariat_sees_the_counts_replies_and_who_has_not_replied(
    client, login_as, replies_setup
):
    meeting = replies_setup
    login_as(Role.SECRETARIAT)
    response = client.get(f"/meetings/{meeting.slug}/replies")
    assert heading(response) == "Replies"
    assert summary(response) == {
        "Member authorities expected": "6",
        "Attending in person": "1",
        "Attending remotely": "1",
        "Sending a substitute": "1",
        "Apologies": "1",
        "No reply": "2",
    }
    assert no_reply_list(response) == ["Echo Council", "Foxtrot Council"]
    rows = table_records(response, "[aria-label='Replies received'] table")
    assert [(r["Authority"], r["Reply"]) for r in rows] == [
        ("Alpha Council", "Attending in person"),
        ("Bravo Council", "Attending remotely"),
        ("Charlie Council", "Sending a substitute: Charlie Deputy"),
        ("Delta Combined Authority", "Apologies"),
    ]
    assert rows[0]["From"].startswith("by Alpha Leader, ")
    assert "Not A Member Council" not in main_text(response)


@pytest.mark.parametrize(
    ("query", "expected", "no_reply", "replied"),
    [
        ("type=unitary", "5", ["Echo Council", "Foxtrot Council"], ["Alpha", "Bravo", "Charlie"]),
        ("region=London", "3", ["Echo Council"], ["Bravo", "Delta"]),
        ("control=conservative", "2", ["Echo Council"], ["Bravo"]),
        ("region=North+East&control=labour", "2", [], ["Alpha", "Charlie"]),
        ("type=combined_authority", "1", [], ["Delta"]),
    ],
)
def test_filters_narrow_the_rows_and_the_counts(
    client, login_as, replies_setup, query, expected, no_reply, replied
):
    meeting = replies_setup
    login_as(Role.SECRETARIAT)
    response = client.get(f"/meetings/{meeting.slug}/replies?{query}")
    counts = summary(response)
    assert counts["Member authorities expected"] == expected
    assert counts["No reply"] == str(len(no_reply))
    assert no_reply_list(response) == no_reply
    rows = table_records(response, "[aria-label='Replies received'] table") if replied else []
    assert [r["Authority"].split()[0] for r in rows] == replied
    link = page(response).select_one("a[download]")["href"]
    assert link.startswith(f"/meetings/{meeting.slug}/replies.csv?")


def test_filter_that_matches_nothing_shows_no_authorities(client, login_as, replies_setup):
    login_as(Role.SECRETARIAT)
    response = client.get(f"/meetings/{replies_setup.slug}/replies?region=Atlantis")
    assert summary(response)["Member authorities expected"] == "0"
    assert "Every authority listed has replied." in main_text(response)
    assert "No replies yet." in main_text(response)


def test_csv_has_a_row_for_every_member_authority(client, login_as, replies_setup):
    meeting = replies_setup
    login_as(Role.SECRETARIAT)
    response = client.get(f"/meetings/{meeting.slug}/replies.csv")
    assert response.mimetype == "text/csv"
    assert f'filename="replies-{meeting.slug}.csv"' in response.headers["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header == [
        "GSS code",
        "Authority",
        "Type",
        "Region",
        "Political control",
        "Reply",
        "Substitute",
        "Replied",
        "When",
    ]
    assert [(r[1], r[5], r[6]) for r in rows] == [
        ("Alpha Council", "Attending in person", ""),
        ("Bravo Council", "Attending remotely", ""),
        ("Charlie Council", "Sending a substitute", "Charlie Deputy"),
        ("Delta Combined Authority", "Apologies", ""),
        ("Echo Council", "No reply", ""),
        ("Foxtrot Council", "No reply", ""),
    ]
    assert rows[0][3] == "North East"
    assert rows[0][7] == "by Alpha Leader"
    assert rows[4][8] == ""

    filtered = read_csv(client.get(f"/meetings/{meeting.slug}/replies.csv?region=London"))
    assert [r[1] for r in filtered[1:]] == [
        "Bravo Council",
        "Delta Combined Authority",
        "Echo Council",
    ]


@pytest.mark.parametrize(
    "role", [Role.LEADER, Role.MAYOR, Role.OFFICER, Role.DEPUTY, Role.MINISTER, Role.CHAIR]
)
def test_only_the_secretariat_sees_the_replies(client, login_as, replies_setup, role):
    login_as(role)
    for path in ("replies", "replies.csv"):
        response = client.get(f"/meetings/{replies_setup.slug}/{path}")
        expect(response, 403)
        assert "Alpha Council" not in response.get_data(as_text=True)


def test_anonymous_people_are_sent_to_sign_in_for_replies(client, replies_setup):
    for path in ("replies", "replies.csv"):
        response = client.get(f"/meetings/{replies_setup.slug}/{path}")
        expect(response, 302)
        assert "/sign-in" in response.headers["Location"]


def test_replies_page_queries_do_not_grow_with_the_authorities(client, login_as):
    meeting = factories.meeting()

    def authorities(n: int) -> None:
        for i in range(n):
            council = factories.council()
            leader = person(council, Role.LEADER, f"Leader {i}")
            officer = person(council, Role.OFFICER, f"Officer {i}")
            deputy = deputy_of(council, f"Deputy {i}")
            kind = ["in_person", "remote", "substitute", "apologies", None][i % 5]
            if kind is not None:
                factories.attendance_reply(
                    meeting=meeting,
                    authority=council,
                    kind=kind,
                    substitute=deputy if kind == "substitute" else None,
                    replied_by=officer,
                    on_behalf_of=leader,
                )

    login_as(Role.SECRETARIAT)
    url = f"/meetings/{meeting.slug}/replies"
    authorities(5)
    client.get(url)  # warm caches that are not per page
    with count_selects() as few:
        assert summary(client.get(url))["Member authorities expected"] == "5"
    with count_selects() as few_csv:
        assert len(read_csv(client.get(f"{url}.csv"))) == 6
    authorities(15)
    with count_selects() as many:
        assert summary(client.get(url))["Member authorities expected"] == "20"
    with count_selects() as many_csv:
        assert len(read_csv(client.get(f"{url}.csv"))) == 21
    assert len(many_csv) <= len(few_csv), many_csv
    assert len(many) <= len(few), many


def test_officer_replies_on_behalf_of_the_leader_in_office_when_replying(client):
    """The leader whose term ends before the meeting is still the one the
    officer acts for today."""
    council = factories.council(name="Changing Council")
    meeting = factories.meeting()
    outgoing = factories.user(full_name="Outgoing Leader")
    factories.appointment(
        user=outgoing,
        role=Role.LEADER,
        authority=council,
        starts_on=date(2026, 1, 1),
        ends_on=meeting_day(meeting) - timedelta(days=1),
    )
    officer = person(council, Role.OFFICER, "Oliver Officer")
    sign_in(client, officer)
    client.post(reply_url(meeting), data={"kind": "in_person"})
    [reply] = stored_replies(meeting)
    assert reply.on_behalf_of_id == outgoing.id
    assert reply.replied_by_label == "by Oliver Officer on behalf of Outgoing Leader"


def test_delegation_is_checked_against_the_meeting_date_in_london(client):
    """A meeting at 00:30 in summer is the previous day in UTC; the delegation
    must cover the London date."""
    council = factories.council(name="Night Owl Council")
    leader = person(council, Role.LEADER, "Leader")
    meeting = factories.meeting(starts_at=factories.london_time(date(2027, 6, 15), 0, 30))
    assert meeting.starts_at.date() == date(2027, 6, 14)
    deputy = deputy_of(council, "Night Deputy")
    factories.delegation(
        appointment=deputy,
        power=DelegatedPower.ATTEND,
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 6, 14),
    )
    sign_in(client, leader)
    response = client.post(
        reply_url(meeting), data={"kind": "substitute", "substitute": str(deputy.id)}
    )
    assert [text for text, _ in error_summary(response)] == [
        "Night Deputy's delegation to attend does not cover 15 June 2027. "
        "Ask the leader to delegate it, or name someone else"
    ]
    assert reply_count() == 0


def test_reply_form_without_its_csrf_token_is_refused(client, csrf_enabled):
    council = factories.council()
    leader = person(council, Role.LEADER, "Leader")
    meeting = factories.meeting()
    sign_in(client, leader)
    refused = client.post(reply_url(meeting), data={"kind": "in_person"})
    expect(refused, 400)
    assert heading(refused) == "There is a problem with your request"
    assert reply_count() == 0

    token = csrf_token_from(client.get(reply_url(meeting)))
    sent = client.post(reply_url(meeting), data={"kind": "in_person", "csrf_token": token})
    expect(sent, 302)
    assert reply_count() == 1
