"""The register page as it is written for hundreds of authorities: the same
statements whatever their number, every name escaped, and a refused save
shown again with the marks chosen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from commission.attendance.models import RegisterMark
from commission.auth.roles import Role
from tests import factories
from tests.conftest import count_selects
from tests.pages import error_summary, ok, page


def started_meeting():
    return factories.meeting(starts_at=datetime.now(UTC) - timedelta(minutes=30))


def marks_shown(response) -> dict[str, tuple[str, bool, bool]]:
    """Each row's authority: its selected mark's value, and whether it is
    ticked late and ticked to mark at once."""
    shown = {}
    for row in page(response).select("main table tbody tr"):
        chosen = row.select_one("select option[selected]")
        shown[row.select_one("th").get_text(strip=True)] = (
            chosen["value"] if chosen else "",
            row.select_one("input[name^=late-]").has_attr("checked"),
            row.select_one("input[name=selected]").has_attr("checked"),
        )
    return shown


def test_register_statements_do_not_grow_with_the_authorities(client, login_as):
    meeting = started_meeting()
    marks = list(RegisterMark)

    def authorities(n: int) -> None:
        for i in range(n):
            council = factories.council()
            deputy = factories.appointment(
                user=factories.user(full_name=f"Deputy {i}"), role=Role.DEPUTY, authority=council
            )
            kind = ["in_person", "remote", "substitute", "apologies", None][i % 5]
            if kind is not None:
                factories.attendance_reply(
                    meeting=meeting,
                    authority=council,
                    kind=kind,
                    substitute=deputy if kind == "substitute" else None,
                )
            if i % 3:
                factories.register_entry(meeting=meeting, authority=council, mark=marks[i % 5])

    login_as(Role.SECRETARIAT)
    url = f"/meetings/{meeting.slug}/register"
    authorities(5)
    client.get(url)  # warm caches that are not per page
    with count_selects() as few:
        assert len(marks_shown(ok(client.get(url)))) == 5
    authorities(25)
    with count_selects() as many:
        shown = ok(client.get(url))
    assert len(marks_shown(shown)) == 30
    assert len(many) <= len(few), many
    assert "Sending a substitute: Deputy 2" in shown.get_text(" ")


def test_every_name_on_the_register_is_escaped(client, login_as):
    meeting = started_meeting()
    council = factories.council(name='<b>"Q&A"</b> Council')
    factories.attendance_reply(
        meeting=meeting, authority=council, kind="substitute", substitute_name="<i>Sam</i>"
    )
    login_as(Role.SECRETARIAT)
    response = client.get(f"/meetings/{meeting.slug}/register")
    html = response.get_data(as_text=True)
    assert "<b>" not in html and "<i>" not in html
    shown = ok(response)
    row = shown.select_one("main table tbody tr")
    assert row.select_one("th").get_text() == '<b>"Q&A"</b> Council'
    assert row.select("td")[1].get_text() == "Sending a substitute: <i>Sam</i>"
    label = shown.select_one(f"label[for=mark-{council.id}]").get_text()
    assert label == 'Register for <b>"Q&A"</b> Council'
    assert row.select_one("select option").get_text() == "Expected"


def test_a_refused_save_shows_the_marks_chosen_not_those_stored(client, login_as):
    meeting = started_meeting()
    first, second, third = (factories.council(name=f"Council {c}") for c in "ABC")
    factories.register_entry(meeting=meeting, authority=second, mark=RegisterMark.ABSENT)
    factories.attendance_reply(meeting=meeting, authority=third, kind="apologies")
    login_as(Role.SECRETARIAT)
    url = f"/meetings/{meeting.slug}/register"
    assert marks_shown(ok(client.get(url))) == {
        "Council A": ("", False, False),
        "Council B": ("absent", False, False),
        "Council C": ("apologies", False, False),
    }
    refused = ok(
        client.post(
            url,
            data={
                f"mark-{first.id}": "substitute",
                f"late-{first.id}": "yes",
                f"mark-{second.id}": "in_person",
                f"mark-{third.id}": "",
                "bulk": "absent",
            },
        )
    )
    assert error_summary(refused) == [("Select the authorities to mark absent", "#selected")]
    assert refused.select_one("#selected")["value"] == str(first.id)
    assert marks_shown(refused) == {
        "Council A": ("substitute", True, False),
        "Council B": ("in_person", False, False),
        "Council C": ("", False, False),
    }
