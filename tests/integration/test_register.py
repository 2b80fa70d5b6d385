"""The register taken on the day: each member authority marked present (in
person, remotely or by substitute), with apologies or absent, and late
arrivals; the quorum shown as the register fills and stored with the meeting;
the ministers who attended."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from commission.attendance.models import (
    InvitationStatus,
    MinisterialAttendance,
    RegisterEntry,
    RegisterMark,
)
from commission.auth.roles import Role
from commission.extensions import db
from commission.meetings.models import Meeting, MeetingStatus
from commission.membership.models import AuthorityKind, Region
from commission.timeutil import format_datetime
from tests import factories
from tests.conftest import audit_events, count_selects, count_statements
from tests.pages import (
    banner,
    csrf_token_from,
    error_summary,
    expect,
    form_fields,
    heading,
    main_text,
    ok,
    page,
    status_line,
)


def started_meeting(**kwargs) -> Meeting:
    return factories.meeting(starts_at=datetime.now(UTC) - timedelta(minutes=30), **kwargs)


def register_url(meeting: Meeting) -> str:
    return f"/meetings/{meeting.slug}/register"


def entries(meeting: Meeting) -> dict[str, tuple[RegisterMark, bool]]:
    """Stored marks by authority name."""
    db.session.expire_all()
    return {
        entry.authority.name: (entry.mark, entry.late)
        for entry in db.session.execute(
            select(RegisterEntry).where(RegisterEntry.meeting_id == meeting.id)
        ).scalars()
    }


def entry_count() -> int:
    return db.session.execute(select(func.count(RegisterEntry.id))).scalar_one()


def register_rows(response) -> list[dict[str, object]]:
    """Each authority's row: its name, the reply, the selected mark and whether late is ticked."""
    rows = []
    for row in page(response).select("main table tbody tr"):
        selected = row.select_one("select option[selected]") or row.select_one("select option")
        rows.append(
            {
                "authority": row.select_one("th").get_text(" ", strip=True),
                "reply": row.select("td")[1].get_text(" ", strip=True),
                "mark": selected.get_text(strip=True),
                "late": row.select_one("input[name^=late-]").has_attr("checked"),
            }
        )
    return rows


def councils(n: int, prefix: str = "Council") -> list:
    return [factories.council(name=f"{prefix} {chr(65 + i)}") for i in range(n)]


def stored_meeting(meeting: Meeting) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, meeting.id)


# Before the meeting starts ---------------------------------------------------------------------


def test_register_is_refused_before_the_meeting_starts(client, login_as):
    a, b = councils(2)
    meeting = factories.meeting()
    login_as(Role.SECRETARIAT)

    response = client.get(register_url(meeting))
    assert heading(response) == "The register"
    assert status_line(response) == (
        "0 of 2 member authorities present. Quorum is 1: not yet quorate."
    )
    message = (
        f"The register can be taken once the meeting starts, {format_datetime(meeting.starts_at)}"
    )
    assert f"{message}." in main_text(response)
    assert page(response).select_one("main select") is None

    refused = ok(
        client.post(
            register_url(meeting), data={f"mark-{a.id}": "in_person", f"mark-{b.id}": "remote"}
        )
    )
    assert error_summary(refused) == [(message, "")]
    assert entry_count() == 0
    assert stored_meeting(meeting).present_count is None
    assert stored_meeting(meeting).quorum_required is None
    assert audit_events("register_taken") == []


@pytest.mark.parametrize(
    ("status", "label"),
    [(MeetingStatus.CANCELLED, "cancelled"), (MeetingStatus.POSTPONED, "postponed")],
)
def test_register_is_refused_for_a_meeting_that_did_not_go_ahead(client, login_as, status, label):
    [a] = councils(1)
    meeting = started_meeting(status=status)
    login_as(Role.SECRETARIAT)
    response = client.post(register_url(meeting), data={f"mark-{a.id}": "in_person"})
    assert [text for text, _ in error_summary(response)] == [
        f"The register cannot be taken for a meeting that is {label}"
    ]
    assert entry_count() == 0


# Taking the register ---------------------------------------------------------------------------


def test_register_lists_every_member_authority_with_its_reply(client, login_as):
    meeting = started_meeting()
    alpha, bravo, charlie = councils(3)
    factories.council(name="Council Outsider", member=False)
    deputy = factories.appointment(
        user=factories.user(full_name="Della Deputy"), role=Role.DEPUTY, authority=bravo
    )
    factories.attendance_reply(meeting=meeting, authority=alpha, kind="remote")
    factories.attendance_reply(
        meeting=meeting, authority=bravo, kind="substitute", substitute=deputy
    )
    factories.register_entry(meeting=meeting, authority=charlie, mark="absent")
    login_as(Role.SECRETARIAT)

    response = client.get(register_url(meeting))
    assert register_rows(response) == [
        {
            "authority": "Council A",
            "reply": "Attending remotely",
            "mark": "Expected",
            "late": False,
        },
        {
            "authority": "Council B",
            "reply": "Sending a substitute: Della Deputy",
            "mark": "Expected",
            "late": False,
        },
        {"authority": "Council C", "reply": "No reply", "mark": "Absent", "late": False},
    ]
    options = [o.get_text(strip=True) for o in page(response).select(f"#mark-{alpha.id} option")]
    assert options == [
        "Expected",
        "Present in person",
        "Present remotely",
        "Substitute present",
        "Apologies",
        "Absent",
    ]
    assert "Council Outsider" not in main_text(response)


def test_saving_the_register_stores_marks_late_arrivals_and_the_quorum(client, login_as):
    meeting = started_meeting()
    a, b, c, d, e, f, g = councils(7)
    login_as(Role.SECRETARIAT, full_name="Rita Register")
    response = client.post(
        register_url(meeting),
        data={
            f"mark-{a.id}": "in_person",
            f"mark-{b.id}": "in_person",
            f"late-{b.id}": "yes",
            f"mark-{c.id}": "remote",
            f"late-{c.id}": "yes",
            f"mark-{d.id}": "substitute",
            f"mark-{e.id}": "in_person",
            f"mark-{f.id}": "apologies",
            f"late-{f.id}": "yes",
            f"mark-{g.id}": "absent",
            f"late-{g.id}": "yes",
        },
    )
    expect(response, 302)
    assert response.headers["Location"].endswith(register_url(meeting))

    assert entries(meeting) == {
        "Council A": (RegisterMark.IN_PERSON, False),
        "Council B": (RegisterMark.IN_PERSON, True),
        "Council C": (RegisterMark.REMOTE, True),
        "Council D": (RegisterMark.SUBSTITUTE, False),
        "Council E": (RegisterMark.IN_PERSON, False),
        "Council F": (RegisterMark.APOLOGIES, False),
        "Council G": (RegisterMark.ABSENT, False),
    }
    saved = stored_meeting(meeting)
    assert (saved.present_count, saved.quorum_required, saved.quorum_met) == (5, 3, True)

    shown = client.get(response.headers["Location"])
    assert banner(shown) == "Success Register saved: 5 present, quorum 3 (quorate)"
    assert status_line(shown) == (
        "5 of 7 member authorities present. Quorum is 3: the meeting is quorate."
    )
    rows = register_rows(shown)
    assert [(r["mark"], r["late"]) for r in rows] == [
        ("Present in person", False),
        ("Present in person", True),
        ("Present remotely", True),
        ("Substitute present", False),
        ("Present in person", False),
        ("Apologies", False),
        ("Absent", False),
    ]
    [event] = audit_events("register_taken")
    assert "Rita Register updated the register" in event.summary
    assert event.summary.endswith("5 present, quorum 3")


def test_the_register_fills_in_several_saves_and_shows_not_quorate(client, login_as):
    meeting = started_meeting()
    a, b, c, *_ = councils(7)
    login_as(Role.SECRETARIAT)

    first = client.post(register_url(meeting), data={f"mark-{a.id}": "in_person"})
    assert banner(client.get(first.headers["Location"])) == (
        "Success Register saved: 1 present, quorum 3 (not quorate)"
    )
    response = client.post(register_url(meeting), data={f"mark-{b.id}": "remote"})
    shown = client.get(response.headers["Location"])
    assert banner(shown) == "Success Register saved: 2 present, quorum 3 (not quorate)"
    assert status_line(shown) == (
        "2 of 7 member authorities present. Quorum is 3: not yet quorate."
    )
    saved = stored_meeting(meeting)
    assert (saved.present_count, saved.quorum_required, saved.quorum_met) == (2, 3, False)

    # A correction updates the existing entry rather than adding another.
    client.post(
        register_url(meeting),
        data={f"mark-{a.id}": "apologies", f"mark-{c.id}": "in_person", f"late-{c.id}": "yes"},
    )
    assert entries(meeting) == {
        "Council A": (RegisterMark.APOLOGIES, False),
        "Council B": (RegisterMark.REMOTE, False),
        "Council C": (RegisterMark.IN_PERSON, True),
    }
    assert entry_count() == 3
    assert stored_meeting(meeting).present_count == 2


def test_register_form_carries_its_csrf_token(client, login_as, csrf_enabled):
    meeting = started_meeting()
    [a] = councils(1)
    login_as(Role.SECRETARIAT)
    refused = client.post(register_url(meeting), data={f"mark-{a.id}": "in_person"})
    expect(refused, 400)
    assert entry_count() == 0
    token = csrf_token_from(client.get(register_url(meeting)))
    saved = client.post(
        register_url(meeting), data={f"mark-{a.id}": "in_person", "csrf_token": token}
    )
    expect(saved, 302)
    assert entries(meeting) == {"Council A": (RegisterMark.IN_PERSON, False)}


def test_register_can_be_corrected_once_the_meeting_is_held(client, login_as):
    meeting = started_meeting(status=MeetingStatus.HELD)
    [a] = councils(1)
    login_as(Role.SECRETARIAT)
    response = client.post(register_url(meeting), data={f"mark-{a.id}": "remote"})
    expect(response, 302)
    assert entries(meeting) == {"Council A": (RegisterMark.REMOTE, False)}


def test_quorum_follows_the_configured_fraction(app, client, login_as, monkeypatch):
    meeting = started_meeting()
    members = councils(7)
    login_as(Role.SECRETARIAT)
    monkeypatch.setitem(app.config, "QUORUM_FRACTION", "1/2")
    assert status_line(client.get(register_url(meeting))) == (
        "0 of 7 member authorities present. Quorum is 4: not yet quorate."
    )
    client.post(register_url(meeting), data={f"mark-{m.id}": "in_person" for m in members[:4]})
    saved = stored_meeting(meeting)
    assert (saved.present_count, saved.quorum_required, saved.quorum_met) == (4, 4, True)


def test_ministers_who_attended_are_recorded(client, login_as):
    meeting = started_meeting()
    item = factories.agenda_item(meeting=meeting, title="Fair funding")
    councils(1)

    def invitation(title, status, item=None, stand_in=None):
        office = factories.ministerial_office(title=title)
        made = factories.ministerial_invitation(meeting=meeting, office=office, item=item)
        made.status = status
        made.stand_in_office = stand_in
        return made

    came = invitation("Chief Secretary", InvitationStatus.CONFIRMED, item)
    stood_in = invitation(
        "Minister for Homes",
        InvitationStatus.STAND_IN,
        stand_in=factories.ministerial_office(title="Minister for Towns"),
    )
    invited = invitation("Minister for Roads", InvitationStatus.INVITED)
    declined = invitation("Minister for Lost Causes", InvitationStatus.DECLINED)
    login_as(Role.SECRETARIAT)

    form = client.get(register_url(meeting))
    labels = [
        label.get_text(" ", strip=True)
        for label in page(form).select("main form label[for^=minister-]")
    ]
    assert labels == [
        "Chief Secretary attended for “Fair funding”",
        "Minister for Towns (for Minister for Homes) attended",
    ]
    response = client.post(
        register_url(meeting),
        data={
            f"minister-{came.id}": "yes",
            f"minister-{invited.id}": "yes",
            f"minister-{declined.id}": "yes",
        },
    )
    expect(response, 302)
    db.session.expire_all()
    attended = {
        i.id: i.attended for i in db.session.execute(select(MinisterialAttendance)).scalars()
    }
    assert attended == {came.id: True, stood_in.id: False, invited.id: None, declined.id: None}
    ticked = page(client.get(register_url(meeting))).select("main input[name^=minister-][checked]")
    assert [box["name"] for box in ticked] == [f"minister-{came.id}"]


def test_no_ministers_section_when_no_minister_confirmed(client, login_as):
    meeting = started_meeting()
    councils(1)
    office = factories.ministerial_office(title="Minister for Roads")
    factories.ministerial_invitation(meeting=meeting, office=office)
    login_as(Role.SECRETARIAT)
    form = page(client.get(register_url(meeting))).select_one("main form[method=post]")
    assert form.find("h2", string="Ministers") is None
    assert form.select("input[name^=minister-]") == []
    assert form.find("h2", string="Authorities") is not None


def test_an_authority_that_is_not_a_member_is_refused(client, login_as):
    meeting = started_meeting()
    [member] = councils(1)
    outsider = factories.council(name="Council Outsider", member=False)
    login_as(Role.SECRETARIAT)
    shown = ok(
        client.post(
            register_url(meeting),
            data={f"mark-{member.id}": "in_person", f"mark-{outsider.id}": "in_person"},
        )
    )
    assert [text for text, _ in error_summary(shown)] == [
        "The register lists an authority that is not a member"
    ]
    assert entry_count() == 0
    assert stored_meeting(meeting).present_count is None


@pytest.mark.parametrize("field", ["mark-{id}", "mark-nonsense", "mark-"])
def test_a_mark_that_is_not_one_of_the_choices_is_a_bad_request(client, login_as, field):
    meeting = started_meeting()
    [a, b] = councils(2)
    login_as(Role.SECRETARIAT)
    value = "present" if "{id}" in field else "in_person"
    response = client.post(
        register_url(meeting),
        data={f"mark-{b.id}": "in_person", field.format(id=a.id): value},
    )
    expect(response, 400)
    assert entry_count() == 0
    assert stored_meeting(meeting).present_count is None


@pytest.mark.parametrize(
    "role", [Role.LEADER, Role.MAYOR, Role.OFFICER, Role.DEPUTY, Role.MINISTER, Role.CHAIR]
)
def test_only_the_secretariat_takes_the_register(client, login_as, role):
    meeting = started_meeting()
    [a] = councils(1)
    login_as(role)
    expect(client.get(register_url(meeting)), 403)
    response = client.post(register_url(meeting), data={f"mark-{a.id}": "in_person"})
    expect(response, 403)
    assert entry_count() == 0


def test_anonymous_people_are_sent_to_sign_in(client):
    meeting = started_meeting()
    [a] = councils(1)
    for response in (
        client.get(register_url(meeting)),
        client.post(register_url(meeting), data={f"mark-{a.id}": "in_person"}),
    ):
        expect(response, 302)
        assert "/sign-in" in response.headers["Location"]
    assert entry_count() == 0


def test_register_page_queries_do_not_grow_with_the_authorities(client, login_as):
    meeting = started_meeting()
    marks = list(RegisterMark)

    def authorities(n: int) -> None:
        for i in range(n):
            council = factories.council()
            officer = factories.user(full_name=f"Officer {i}")
            factories.appointment(user=officer, role=Role.OFFICER, authority=council)
            deputy = factories.appointment(
                user=factories.user(full_name=f"Deputy {i}"), role=Role.DEPUTY, authority=council
            )
            factories.attendance_reply(
                meeting=meeting,
                authority=council,
                kind="substitute" if i % 2 else "remote",
                substitute=deputy if i % 2 else None,
                replied_by=officer,
            )
            factories.register_entry(meeting=meeting, authority=council, mark=marks[i % 5])

    login_as(Role.SECRETARIAT)
    authorities(5)
    client.get(register_url(meeting))  # warm caches that are not per page
    with count_selects() as few:
        assert len(register_rows(client.get(register_url(meeting)))) == 5
    authorities(15)
    with count_selects() as many:
        assert len(register_rows(client.get(register_url(meeting)))) == 20
    assert len(many) <= len(few), many


# Opened from the replies, filtered, marked many at once ----------------------------------------


def test_the_register_opens_from_the_replies(client, login_as):
    meeting = started_meeting()
    coming, remote, sorry, _silent = councils(4)
    factories.attendance_reply(meeting=meeting, authority=coming, kind="in_person")
    factories.attendance_reply(meeting=meeting, authority=remote, kind="remote")
    factories.attendance_reply(meeting=meeting, authority=sorry, kind="apologies")
    login_as(Role.SECRETARIAT)

    shown = client.get(register_url(meeting))
    assert [(r["authority"], r["mark"]) for r in register_rows(shown)] == [
        ("Council A", "Expected"),
        ("Council B", "Expected"),
        ("Council C", "Apologies"),
        ("Council D", "Not marked"),
    ]
    # Saving the register as it opened records the apologies and nothing else.
    fields = form_fields(shown, "main form[method=post]")
    expect(client.post(register_url(meeting), data=fields), 302)
    assert entries(meeting) == {"Council C": (RegisterMark.APOLOGIES, False)}


def test_the_register_is_filtered_by_reply_region_and_type(client, login_as):
    meeting = started_meeting()
    north = factories.council(name="Northern Council", region=Region.NORTH_EAST)
    county = factories.council(name="County Council", kind=AuthorityKind.COUNTY)
    quiet = factories.council(name="Quiet Council")
    factories.attendance_reply(meeting=meeting, authority=north, kind="remote")
    factories.attendance_reply(meeting=meeting, authority=county, kind="apologies")
    factories.register_entry(meeting=meeting, authority=quiet, mark="in_person")
    login_as(Role.SECRETARIAT)

    def shown(**args: str) -> list[str]:
        response = client.get(register_url(meeting), query_string=args)
        return [row["authority"] for row in register_rows(response)]

    assert shown() == ["County Council", "Northern Council", "Quiet Council"]
    assert shown(reply="remote") == ["Northern Council"]
    assert shown(reply="apologies") == ["County Council"]
    assert shown(reply="none") == ["Quiet Council"]
    assert shown(region="North East") == ["Northern Council"]
    assert shown(type="county") == ["County Council"]
    assert shown(type="county", region="North East") == []
    assert shown(reply="nonsense", region="Atlantis") == shown()

    filtered = client.get(register_url(meeting), query_string={"reply": "none"})
    assert "Showing 1 of 3 member authorities." in main_text(filtered)
    # The count present is over every member, whatever is shown.
    assert status_line(filtered).startswith("1 of 3 member authorities present.")
    empty = client.get(register_url(meeting), query_string={"type": "district"})
    assert "No member authority matches these filters." in main_text(empty)


def test_selected_rows_are_marked_present_as_each_replied(client, login_as):
    meeting = started_meeting()
    coming, remote, substitute, silent, sorry, untouched = councils(6)
    factories.attendance_reply(meeting=meeting, authority=coming, kind="in_person")
    factories.attendance_reply(meeting=meeting, authority=remote, kind="remote")
    factories.attendance_reply(
        meeting=meeting, authority=substitute, kind="substitute", substitute_name="Sam Stand"
    )
    factories.attendance_reply(meeting=meeting, authority=sorry, kind="apologies")
    login_as(Role.SECRETARIAT, full_name="Rita Register")

    response = client.post(
        register_url(meeting) + "?reply=",
        data={
            "selected": [str(a.id) for a in (coming, remote, substitute, silent)],
            f"late-{remote.id}": "yes",
            f"mark-{sorry.id}": "apologies",
            f"mark-{untouched.id}": "absent",
            "bulk": "present",
        },
    )
    expect(response, 302)
    assert entries(meeting) == {
        "Council A": (RegisterMark.IN_PERSON, False),
        "Council B": (RegisterMark.REMOTE, True),
        "Council C": (RegisterMark.SUBSTITUTE, False),
        "Council D": (RegisterMark.IN_PERSON, False),
        "Council E": (RegisterMark.APOLOGIES, False),
        "Council F": (RegisterMark.ABSENT, False),
    }
    shown = client.get(response.headers["Location"])
    assert banner(shown) == (
        "Success Register saved: 4 marked present. 4 present, quorum 2 (quorate)"
    )
    [event] = audit_events("register_taken")
    assert event.details["marked"] == 6


def test_selected_rows_are_marked_absent_and_the_filters_are_kept(client, login_as):
    meeting = started_meeting()
    a, b, _c = councils(3)
    factories.register_entry(meeting=meeting, authority=a, mark="in_person", late=True)
    login_as(Role.SECRETARIAT)
    response = client.post(
        register_url(meeting) + "?reply=none",
        data={"selected": [str(a.id), str(b.id)], "bulk": "absent"},
    )
    expect(response, 302)
    assert response.headers["Location"].endswith(register_url(meeting) + "?reply=none")
    assert entries(meeting) == {
        "Council A": (RegisterMark.ABSENT, False),
        "Council B": (RegisterMark.ABSENT, False),
    }
    assert stored_meeting(meeting).present_count == 0


def test_marking_many_with_none_selected_is_refused_and_keeps_what_was_chosen(client, login_as):
    meeting = started_meeting()
    a, _b = councils(2)
    login_as(Role.SECRETARIAT)
    shown = ok(
        client.post(
            register_url(meeting),
            data={f"mark-{a.id}": "remote", f"late-{a.id}": "yes", "bulk": "present"},
        )
    )
    assert error_summary(shown) == [("Select the authorities to mark present", "#selected")]
    assert page(shown).select_one("#selected")["value"] == str(a.id)
    assert register_rows(shown)[0] == {
        "authority": "Council A",
        "reply": "No reply",
        "mark": "Present remotely",
        "late": True,
    }
    assert entry_count() == 0
    assert audit_events("register_taken") == []

    refused = ok(client.post(register_url(meeting), data={"bulk": "absent"}))
    assert error_summary(refused) == [("Select the authorities to mark absent", "#selected")]


@pytest.mark.parametrize(
    "data",
    [{"bulk": "everyone", "selected": "{id}"}, {"selected": "nonsense", "bulk": "present"}],
)
def test_a_bulk_action_that_is_not_offered_is_a_bad_request(client, login_as, data):
    meeting = started_meeting()
    [a] = councils(1)
    login_as(Role.SECRETARIAT)
    posted = {key: value.format(id=a.id) for key, value in data.items()}
    expect(client.post(register_url(meeting), data=posted), 400)
    assert entry_count() == 0


def test_selecting_an_authority_that_is_not_a_member_is_refused(client, login_as):
    meeting = started_meeting()
    councils(1)
    outsider = factories.council(name="Council Outsider", member=False)
    login_as(Role.SECRETARIAT)
    shown = ok(
        client.post(register_url(meeting), data={"selected": str(outsider.id), "bulk": "present"})
    )
    assert [text for text, _ in error_summary(shown)] == [
        "The register lists an authority that is not a member"
    ]
    assert entry_count() == 0


@pytest.mark.parametrize("role", [Role.LEADER, Role.OFFICER, Role.MINISTER, Role.CHAIR])
def test_only_the_secretariat_marks_many_at_once(client, login_as, role):
    meeting = started_meeting()
    [a] = councils(1)
    login_as(role)
    response = client.post(register_url(meeting), data={"selected": str(a.id), "bulk": "present"})
    expect(response, 403)
    assert entry_count() == 0


def test_saving_the_whole_register_takes_the_same_statements_for_331_as_for_3(client, login_as):
    """The register of the full Commission is saved in one request with no
    statement per row: a first save inserts every entry in one statement, a
    second updates them in one."""
    small = started_meeting()
    large = factories.meeting(starts_at=datetime.now(UTC) - timedelta(minutes=20))
    members = councils(3)
    members += [factories.council(name=f"Council {n:03}") for n in range(331 - 3)]
    login_as(Role.SECRETARIAT)

    def save(meeting: Meeting, authorities: list, **extra: str) -> int:
        data = {f"mark-{a.id}": "in_person" for a in authorities} | extra
        db.session.commit()  # both saves start from the same session: nothing pending, loaded
        db.session.expire_all()
        with count_statements() as statements:
            expect(client.post(register_url(meeting), data=data), 302)
        return len(statements)

    first_small = save(small, members[:3])
    first_large = save(large, members)
    assert first_large == first_small
    assert len(entries(large)) == 331
    again_small = save(small, members[:3], selected=str(members[0].id), bulk="absent")
    again_large = save(large, members, selected=str(members[0].id), bulk="absent")
    assert again_large == again_small
    assert stored_meeting(large).present_count == 330
