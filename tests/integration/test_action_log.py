"""The action log: every action across meetings for anyone signed in,
filterable by status (including overdue), meeting and owner, overdue actions
tagged, a page at a time and as CSV; each action's page, where its owners (the
owning authority's people, the owning department's ministers) and the
secretariat record dated updates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from commission.auth.roles import Role
from commission.extensions import db
from commission.minutes.models import Action, ActionStatus, ActionUpdate
from commission.timeutil import format_date, today
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
    status_line,
    table_rows,
)

MARCH = date(2026, 3, 10)
APRIL = date(2026, 4, 14)
ALL = [
    "LGC/2026/03/A1",
    "LGC/2026/03/A2",
    "LGC/2026/04/A1",
    "LGC/2026/04/A3",
    "LGC/2026/03/A3",
    "LGC/2026/04/A2",
]


def log_rows(response) -> list[list[str]]:
    """Each row of the log as its cells' text, as it reads."""
    return [
        [" ".join(cell.get_text().split()) for cell in row.select("td")]
        for row in page(response).select("main table tbody tr")
    ]


def references(response) -> list[str]:
    return [a.get_text(strip=True) for a in page(response).select("main table tbody tr td a")]


def overdue_references(response) -> list[str]:
    return [
        row.select_one("td a").get_text(strip=True)
        for row in page(response).select("main table tbody tr")
        if row.select_one("strong.govuk-tag--red")
    ]


def updates(action: Action) -> list[tuple[ActionStatus, str | None, int | None]]:
    db.session.expire_all()
    return [
        (u.status, u.note, u.made_by_id)
        for u in db.session.execute(
            select(ActionUpdate)
            .where(ActionUpdate.action_id == action.id)
            .order_by(ActionUpdate.id)
        ).scalars()
    ]


def stored_status(action: Action) -> ActionStatus:
    db.session.expire_all()
    return db.session.get(Action, action.id).status


@pytest.fixture
def log():
    """Two held meetings' actions: overdue, finished and still to come, owned
    by councils, a department and the secretariat."""
    march = factories.held_meeting(day=MARCH)
    april = factories.held_meeting(day=APRIL)
    bolton = factories.council(name="Bolton Council")
    camden = factories.council(name="Camden Council")
    treasury = factories.department(name="HM Treasury")
    past = today() - timedelta(days=10)
    soon = today() + timedelta(days=10)
    actions = {
        "march-bolton": factories.owned_action(
            meeting=march, owner=bolton, text="Send the pilot data", due_on=past - timedelta(1)
        ),
        "march-treasury": factories.owned_action(
            meeting=march, owner=treasury, text="Publish the formula", due_on=past, status="done"
        ),
        "march-secretariat": factories.owned_action(
            meeting=march, text="Circulate the notes", due_on=soon, status="in_progress"
        ),
        "april-camden": factories.owned_action(
            meeting=april,
            owner=camden,
            text="Report on the pilot",
            due_on=past + timedelta(1),
            status="in_progress",
        ),
        "april-bolton": factories.owned_action(
            meeting=april, owner=bolton, text="Share the survey", due_on=soon + timedelta(1)
        ),
        "april-secretariat": factories.owned_action(
            meeting=april, text="Book the venue", due_on=past + timedelta(2), status="dropped"
        ),
    }
    return {
        "march": march,
        "april": april,
        "bolton": bolton,
        "camden": camden,
        "treasury": treasury,
        **actions,
    }


# The log --------------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, log):
    action = log["march-bolton"]
    for response in (
        client.get("/actions"),
        client.get("/actions.csv"),
        client.get(f"/actions/{action.id}"),
        client.post(f"/actions/{action.id}", data={"status": "done"}),
    ):
        expect(response, 302)
        assert response.headers["Location"].startswith("/sign-in")
    assert updates(action) == []


def test_the_log_lists_every_action_by_due_date(client, login_as, log):
    login_as(Role.LEADER)
    response = client.get("/actions")
    expect(response, 200)
    assert heading(response) == "Action log"
    assert status_line(response) == "6 actions"
    assert log_rows(response) == [
        [
            "LGC/2026/03/A1: Send the pilot data",
            "Bolton Council",
            format_date(log["march-bolton"].due_on),
            "Overdue Open",
        ],
        [
            "LGC/2026/03/A2: Publish the formula",
            "HM Treasury",
            format_date(log["march-treasury"].due_on),
            "Done",
        ],
        [
            "LGC/2026/04/A1: Report on the pilot",
            "Camden Council",
            format_date(log["april-camden"].due_on),
            "Overdue In progress",
        ],
        [
            "LGC/2026/04/A3: Book the venue",
            "Commission secretariat",
            format_date(log["april-secretariat"].due_on),
            "Dropped",
        ],
        [
            "LGC/2026/03/A3: Circulate the notes",
            "Commission secretariat",
            format_date(log["march-secretariat"].due_on),
            "In progress",
        ],
        [
            "LGC/2026/04/A2: Share the survey",
            "Bolton Council",
            format_date(log["april-bolton"].due_on),
            "Open",
        ],
    ]
    assert overdue_references(response) == ["LGC/2026/03/A1", "LGC/2026/04/A1"]
    first = page(response).select_one("main table tbody tr a")
    assert first["href"] == f"/actions/{log['march-bolton'].id}"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("open", ["LGC/2026/03/A1", "LGC/2026/04/A2"]),
        ("in_progress", ["LGC/2026/04/A1", "LGC/2026/03/A3"]),
        ("done", ["LGC/2026/03/A2"]),
        ("dropped", ["LGC/2026/04/A3"]),
        ("overdue", ["LGC/2026/03/A1", "LGC/2026/04/A1"]),
        ("", ALL),
        ("finished", ALL),
    ],
)
def test_the_log_filters_by_status(client, login_as, log, status, expected):
    login_as(Role.OFFICER)
    response = client.get("/actions", query_string={"status": status})
    assert references(response) == expected
    selected = page(response).select_one("#status option[selected]")
    if status in {"open", "in_progress", "done", "dropped", "overdue"}:
        assert selected["value"] == status
    else:
        assert selected is None


def test_an_action_due_today_is_not_overdue(client, login_as, log):
    due_today = factories.owned_action(meeting=log["april"], text="Due today", due_on=today())
    login_as(Role.LEADER)
    response = client.get("/actions", query_string={"status": "overdue"})
    assert "LGC/2026/04/A4" not in references(response)
    everything = client.get("/actions")
    assert "LGC/2026/04/A4" in references(everything)
    assert "LGC/2026/04/A4" not in overdue_references(everything)
    assert due_today.overdue(today()) is False


def test_the_log_filters_by_meeting(client, login_as, log):
    login_as(Role.MINISTER)
    response = client.get("/actions", query_string={"meeting": log["april"].slug})
    assert references(response) == ["LGC/2026/04/A1", "LGC/2026/04/A3", "LGC/2026/04/A2"]
    options = [
        (o["value"], o.get_text(strip=True)) for o in page(response).select("#meeting option")
    ]
    assert options == [
        ("", "Any"),
        (log["april"].slug, format_date(APRIL)),
        (log["march"].slug, format_date(MARCH)),
    ]
    assert page(response).select_one("#meeting option[selected]")["value"] == log["april"].slug
    unknown = client.get("/actions", query_string={"meeting": "2020-01-01"})
    assert status_line(unknown) == "No actions found"


@pytest.mark.parametrize(
    ("owner", "expected"),
    [
        ("bolton", ["LGC/2026/03/A1", "LGC/2026/04/A2"]),
        ("  TREASURY ", ["LGC/2026/03/A2"]),
        ("secretariat", ["LGC/2026/04/A3", "LGC/2026/03/A3"]),
        ("council", ["LGC/2026/03/A1", "LGC/2026/04/A1", "LGC/2026/04/A2"]),
        ("nobody", []),
        ("%", []),
        ("_", []),
    ],
)
def test_the_log_filters_by_owner(client, login_as, log, owner, expected):
    login_as(Role.LEADER)
    response = client.get("/actions", query_string={"owner": owner})
    assert references(response) == expected
    assert page(response).select_one("#owner")["value"] == owner.strip()
    if not expected:
        assert status_line(response) == "No actions found"


def test_filters_combine(client, login_as, log):
    login_as(Role.LEADER)
    response = client.get(
        "/actions",
        query_string={"owner": "bolton", "status": "open", "meeting": log["march"].slug},
    )
    assert references(response) == ["LGC/2026/03/A1"]


def test_the_log_is_listed_a_page_at_a_time_keeping_the_filters(client, login_as, app):
    meeting = factories.held_meeting(day=MARCH)
    for n in range(app.config["PAGE_SIZE"] + 1):
        factories.owned_action(meeting=meeting, due_on=today() + timedelta(days=n))
    login_as(Role.LEADER)

    first = client.get("/actions", query_string={"status": "open"})
    assert status_line(first) == "Showing 1 to 25 of 26 actions"
    assert len(references(first)) == 25
    next_link = page(first).select_one(".govuk-pagination__next a")["href"]
    assert "status=open" in next_link
    assert "page=2" in next_link
    second = client.get(next_link)
    assert references(second) == ["LGC/2026/03/A26"]
    assert references(client.get("/actions", query_string={"page": 5})) == []


def test_the_log_as_csv(client, login_as, log):
    login_as(Role.LEADER)
    response = client.get("/actions.csv")
    expect(response, 200)
    assert response.mimetype == "text/csv"
    assert (
        f'filename="actions-{today().isoformat()}.csv"' in response.headers["Content-Disposition"]
    )
    rows = read_csv(response)
    assert rows[0] == ["Reference", "Action", "Owner", "Due", "Status", "Overdue", "Meeting"]
    assert rows[1:] == [
        [
            "LGC/2026/03/A1",
            "Send the pilot data",
            "Bolton Council",
            log["march-bolton"].due_on.isoformat(),
            "Open",
            "Yes",
            log["march"].slug,
        ],
        [
            "LGC/2026/03/A2",
            "Publish the formula",
            "HM Treasury",
            log["march-treasury"].due_on.isoformat(),
            "Done",
            "No",
            log["march"].slug,
        ],
        [
            "LGC/2026/04/A1",
            "Report on the pilot",
            "Camden Council",
            log["april-camden"].due_on.isoformat(),
            "In progress",
            "Yes",
            log["april"].slug,
        ],
        [
            "LGC/2026/04/A3",
            "Book the venue",
            "Commission secretariat",
            log["april-secretariat"].due_on.isoformat(),
            "Dropped",
            "No",
            log["april"].slug,
        ],
        [
            "LGC/2026/03/A3",
            "Circulate the notes",
            "Commission secretariat",
            log["march-secretariat"].due_on.isoformat(),
            "In progress",
            "No",
            log["march"].slug,
        ],
        [
            "LGC/2026/04/A2",
            "Share the survey",
            "Bolton Council",
            log["april-bolton"].due_on.isoformat(),
            "Open",
            "No",
            log["april"].slug,
        ],
    ]


def test_the_csv_follows_the_filters_shown(client, login_as, log):
    login_as(Role.LEADER)
    response = client.get("/actions", query_string={"status": "overdue", "owner": "camden"})
    link = page(response).find("a", string="Download these actions (CSV)")["href"]
    assert link.startswith("/actions.csv?")
    rows = read_csv(client.get(link))
    assert [row[0] for row in rows[1:]] == ["LGC/2026/04/A1"]


def test_the_log_queries_do_not_grow_with_its_rows(client, login_as):
    def meeting_with(n: int) -> str:
        meeting = factories.held_meeting(day=today() - timedelta(days=7 + n))
        department = factories.department()
        for i in range(n):
            owner = [factories.council(), department, None][i % 3]
            factories.owned_action(meeting=meeting, owner=owner, due_on=today() - timedelta(i))
        return meeting.slug

    small, large = meeting_with(3), meeting_with(20)
    login_as(Role.LEADER)
    with count_selects() as few:
        assert len(table_rows(client.get("/actions", query_string={"meeting": small}))) == 3
    with count_selects() as many:
        assert len(table_rows(client.get("/actions", query_string={"meeting": large}))) == 20
    assert len(many) <= len(few), many
    with count_selects() as few_csv:
        assert len(read_csv(client.get("/actions.csv", query_string={"meeting": small}))) == 4
    with count_selects() as many_csv:
        assert len(read_csv(client.get("/actions.csv", query_string={"meeting": large}))) == 21
    assert len(many_csv) <= len(few_csv), many_csv


# An action and its updates ------------------------------------------------------------------------


def action_url(action: Action) -> str:
    return f"/actions/{action.id}"


def listed_updates(response) -> list[str]:
    return [
        " ".join(li.get_text().split()) for li in page(response).select("main ul.govuk-list li")
    ]


def test_anyone_signed_in_reads_an_action(client, login_as, log):
    action = log["march-bolton"]
    login_as(Role.MINISTER)
    response = client.get(action_url(action))
    assert heading(response) == "LGC/2026/03/A1"
    assert main_text(response) == (
        f"Action from the meeting on {format_date(MARCH)} LGC/2026/03/A1 Send the pilot data "
        f"Owner: Bolton Council. Due by {format_date(action.due_on)}. Status: Open Overdue "
        "Updates No updates yet."
    )
    back = page(response).select_one(".govuk-back-link")
    assert (back.get_text(strip=True), back["href"]) == ("Back to the action log", "/actions")
    assert page(response).select_one("main form") is None


def test_an_unknown_action_is_not_found(client, login_as):
    login_as(Role.SECRETARIAT)
    expect(client.get("/actions/999999"), 404)
    expect(client.post("/actions/999999", data={"status": "done"}), 404)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LEADER, Role.DEPUTY])
def test_the_owning_authoritys_people_update_its_action(client, log, role):
    action = log["march-bolton"]
    person = factories.person_at(authority=log["bolton"], role=role, full_name="Olive Officer")
    sign_in(client, person)

    form = client.get(action_url(action))
    assert page(form).select_one("#status option[selected]")["value"] == "open"
    response = client.post(
        action_url(action),
        data={"status": "in_progress", "note": " Data requested from the pilot areas. "},
        follow_redirects=True,
    )

    assert response.request.path == action_url(action)
    assert banner(response) == "Success LGC/2026/03/A1 updated"
    assert stored_status(action) is ActionStatus.IN_PROGRESS
    assert updates(action) == [
        (ActionStatus.IN_PROGRESS, "Data requested from the pilot areas.", person.id)
    ]
    [event] = audit_events("action_updated")
    assert event.actor_id == person.id
    assert (event.subject_type, event.subject_id) == ("actions", action.id)
    assert event.summary == "Olive Officer updated LGC/2026/03/A1: In progress"
    assert listed_updates(response) == [
        f"{format_date(today())}, Olive Officer: In progress. Data requested from the pilot areas."
    ]
    assert "Status: In progress Overdue" in main_text(response)


def test_the_owning_departments_minister_updates_its_action(client, log):
    action = log["march-treasury"]
    minister = factories.minister(department=log["treasury"])
    sign_in(client, minister)
    response = client.post(action_url(action), data={"status": "open", "note": "Reopened"})
    expect(response, 302)
    assert stored_status(action) is ActionStatus.OPEN
    assert updates(action) == [(ActionStatus.OPEN, "Reopened", minister.id)]


def test_the_secretariat_updates_any_action(client, login_as, log):
    secretariat = login_as(Role.SECRETARIAT)
    for action in (log["march-bolton"], log["march-treasury"], log["march-secretariat"]):
        response = client.post(action_url(action), data={"status": "dropped", "note": ""})
        expect(response, 302)
        assert updates(action) == [(ActionStatus.DROPPED, None, secretariat.id)]


def test_updates_are_listed_newest_first(client, login_as, log):
    action = log["april-bolton"]
    login_as(Role.SECRETARIAT, full_name="Sam Secretariat")
    client.post(action_url(action), data={"status": "in_progress", "note": "Started"})
    client.post(action_url(action), data={"status": "done", "note": "Finished"})
    response = client.get(action_url(action))
    assert listed_updates(response) == [
        f"{format_date(today())}, Sam Secretariat: Done. Finished",
        f"{format_date(today())}, Sam Secretariat: In progress. Started",
    ]


def forbidden_people(log) -> dict[str, object]:
    return {
        "another authority's leader": factories.person_at(
            authority=log["camden"], role=Role.LEADER
        ),
        "a minister of another department": factories.minister(),
        "the chair": factories.user(role=Role.CHAIR),
        "an officer who has left": _former_officer(log["bolton"]),
    }


def _former_officer(authority):
    person = factories.user()
    factories.appointment(
        user=person,
        role=Role.OFFICER,
        authority=authority,
        starts_on=today() - timedelta(days=100),
        ends_on=today() - timedelta(days=1),
    )
    return person


@pytest.mark.parametrize(
    "who",
    [
        "another authority's leader",
        "a minister of another department",
        "the chair",
        "an officer who has left",
    ],
)
def test_only_owners_and_the_secretariat_update(client, log, who):
    person = forbidden_people(log)[who]
    sign_in(client, person)
    for action in (log["march-bolton"], log["march-treasury"]):
        shown = client.get(action_url(action))
        expect(shown, 200)
        assert page(shown).select_one("main form") is None
        refused = client.post(action_url(action), data={"status": "done", "note": "Done it"})
        expect(refused, 403)
        assert updates(action) == []
    assert stored_status(log["march-bolton"]) is ActionStatus.OPEN
    assert audit_events("action_updated") == []


def test_an_authoritys_people_cannot_update_a_departments_action(client, log):
    officer = factories.person_at(authority=log["bolton"], role=Role.OFFICER)
    sign_in(client, officer)
    expect(client.post(action_url(log["march-treasury"]), data={"status": "open"}), 403)
    assert updates(log["march-treasury"]) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "open", "note": "  "}, "Change the status or add a note"),
        ({"status": "overdue", "note": "Late"}, "Select the status"),
        ({"status": "", "note": "Late"}, "Select the status"),
        ({"status": "done", "note": "x" * 2001}, "The note must be 2,000 characters or fewer"),
    ],
)
def test_an_update_must_change_something_valid(client, log, data, message):
    action = log["march-bolton"]
    sign_in(client, factories.person_at(authority=log["bolton"], role=Role.OFFICER))
    shown = ok(client.post(action_url(action), data=data))
    assert error_summary(shown) == [(message, "")]
    assert updates(action) == []
    assert stored_status(action) is ActionStatus.OPEN
    assert audit_events("action_updated") == []


def test_a_note_alone_is_an_update(client, log):
    action = log["march-bolton"]
    officer = factories.person_at(authority=log["bolton"], role=Role.OFFICER)
    sign_in(client, officer)
    response = client.post(action_url(action), data={"status": "open", "note": "Chased"})
    expect(response, 302)
    assert updates(action) == [(ActionStatus.OPEN, "Chased", officer.id)]
    count = db.session.execute(select(func.count(ActionUpdate.id))).scalar_one()
    assert count == 1


def test_the_update_form_carries_its_csrf_token(client, log, csrf_enabled):
    action = log["march-bolton"]
    officer = factories.person_at(authority=log["bolton"], role=Role.OFFICER)
    sign_in(client, officer)
    refused = client.post(action_url(action), data={"status": "done"})
    expect(refused, 400)
    assert updates(action) == []
    token = csrf_token_from(client.get(action_url(action)))
    saved = client.post(action_url(action), data={"status": "done", "csrf_token": token})
    expect(saved, 302)
    assert updates(action) == [(ActionStatus.DONE, None, officer.id)]


def test_an_action_under_a_confidential_item_is_for_members_only(client, login_as, log):
    """Someone who can still sign in but holds no role on the Commission today
    does not read actions agreed under a confidential item."""
    pay = factories.agenda_item(meeting=log["march"], title="Pay negotiations", confidential=True)
    secret = factories.owned_action(
        meeting=log["march"], owner=log["bolton"], text="Accept the pay offer", due_on=today()
    )
    secret.agenda_item_id = pay.id
    db.session.flush()
    former = factories.user()
    factories.appointment(
        user=former,
        role=Role.LEADER,
        authority=log["camden"],
        starts_on=today() - timedelta(days=400),
        ends_on=today() - timedelta(days=30),
    )
    sign_in(client, former)

    assert secret.reference not in references(client.get("/actions"))
    assert len(references(client.get("/actions"))) == len(ALL)
    assert "Accept the pay offer" not in client.get("/actions.csv").get_data(as_text=True)
    expect(client.get(f"/actions/{secret.id}"), 404)

    login_as(Role.LEADER)
    assert secret.reference in references(client.get("/actions"))
    assert "Accept the pay offer" in main_text(client.get(f"/actions/{secret.id}"))


# Pages that cost the same as the log grows --------------------------------------------------------


def page_link(response, which: str) -> str | None:
    link = page(response).select_one(f".govuk-pagination__{which} a")
    return link["href"] if link else None


@pytest.fixture
def sixty_open_actions():
    meeting = factories.held_meeting(day=MARCH)
    for n in range(60):
        factories.owned_action(meeting=meeting, due_on=today() + timedelta(days=n))
    factories.owned_action(meeting=meeting, due_on=today(), status="done")
    return meeting


def test_first_next_previous_and_last_pages_keep_the_filters(client, login_as, sixty_open_actions):
    login_as(Role.LEADER)
    first = client.get("/actions", query_string={"status": "open"})
    assert status_line(first) == "Showing 1 to 25 of 60 actions"
    assert references(first) == [f"LGC/2026/03/A{n}" for n in range(1, 26)]
    assert page_link(first, "prev") is None

    second = client.get(page_link(first, "next"))
    assert status_line(second) == "Showing 26 to 50 of 60 actions"
    assert references(second) == [f"LGC/2026/03/A{n}" for n in range(26, 51)]

    last_href = page(second).select(".govuk-pagination__item a")[-1]["href"]
    assert "status=open" in last_href
    last = client.get(last_href)
    assert status_line(last) == "Showing 51 to 60 of 60 actions"
    assert references(last) == [f"LGC/2026/03/A{n}" for n in range(51, 61)]
    assert page_link(last, "next") is None
    assert "status=open" in page_link(last, "prev")
    assert references(client.get(page_link(last, "prev"))) == references(second)


def test_the_count_stops_two_pages_past_a_bound(client, login_as, sixty_open_actions, monkeypatch):
    monkeypatch.setattr("commission.pagination.COUNT_BOUND", 30)
    login_as(Role.LEADER)
    first = client.get("/actions", query_string={"status": "open"})
    assert status_line(first) == "Showing 1 to 25 of more than 50 actions"
    second = client.get(page_link(first, "next"))
    assert status_line(second) == "Showing 26 to 50 of 60 actions"  # counted to 75: all of them


@pytest.mark.parametrize("value", ["abc", "-1", "0", "2.5", "99999999999999999999999", ""])
def test_a_page_number_that_is_not_one_is_read_sensibly(client, login_as, log, value):
    login_as(Role.LEADER)
    response = client.get("/actions", query_string={"page": value})
    expect(response, 200)
    if value == "99999999999999999999999":
        assert references(response) == []
    else:
        assert references(response) == ALL


def test_every_page_of_the_log_runs_the_same_queries_at_5_and_60_actions(client, login_as):
    meeting = factories.held_meeting(day=MARCH)

    def add(count: int) -> None:
        for n in range(count):
            owner = [factories.council(), factories.department(), None][n % 3]
            factories.owned_action(meeting=meeting, owner=owner, due_on=today() + timedelta(n))

    login_as(Role.LEADER)
    add(5)
    client.get("/actions")
    with count_selects() as few:
        client.get("/actions")
    add(55)
    with count_selects() as many_first:
        client.get("/actions")
    with count_selects() as many_last:
        client.get("/actions", query_string={"page": 3})
    assert len(many_first) == len(few)
    assert len(many_last) == len(few)
