"""Decisions and actions recorded against a held meeting: numbered per meeting
under the meeting's LGC/YYYY/MM prefix (D1, D2…; A1, A2…), actions with an
owner (an authority, a department or the secretariat) and a due date; nothing
added once the minutes are published; and the search of decisions in
published minutes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from commission.auth.roles import Role
from commission.extensions import db
from commission.meetings.models import Meeting, MeetingStatus
from commission.minutes.models import Action, ActionStatus, Decision, OwnerKind
from commission.timeutil import format_date, today
from tests import factories
from tests.conftest import audit_events, count_selects
from tests.pages import (
    banner,
    error_summary,
    expect,
    heading,
    main_text,
    ok,
    page,
    read_csv,
    status_line,
)

NOT_SECRETARIAT = [Role.LEADER, Role.OFFICER, Role.MINISTER, Role.CHAIR, Role.MAYOR, Role.DEPUTY]

HELD_ONLY = "Minutes can be drafted only once the meeting has been held"
READ_ONLY = "These minutes are published. Record a correction instead of changing them"
MARCH = date(2026, 3, 10)


def decision_url(meeting: Meeting) -> str:
    return f"/meetings/{meeting.slug}/decisions/new"


def action_url(meeting: Meeting) -> str:
    return f"/meetings/{meeting.slug}/actions/new"


def decisions() -> list[tuple[int, int, str, int | None]]:
    """(meeting id, number, text, agenda item id) of every stored decision."""
    db.session.expire_all()
    return [
        (d.meeting_id, d.number, d.text, d.agenda_item_id)
        for d in db.session.execute(select(Decision).order_by(Decision.id)).scalars()
    ]


def action_count() -> int:
    return db.session.execute(select(func.count(Action.id))).scalar_one()


def paragraphs_after(response, heading_text: str) -> list[str]:
    """The paragraphs under a second-level heading of the minutes, up to the next one."""
    found = page(response).find("h2", string=heading_text)
    texts = []
    for sibling in found.find_next_siblings():
        if sibling.name == "h2":
            break
        if sibling.name == "p":
            texts.append(sibling.get_text(" ", strip=True))
    return texts


def action_form(due: tuple[str, str, str] = ("30", "4", "2026"), **overrides: str) -> dict:
    """The action form's fields; ``due`` is the day, month and year typed."""
    data: dict = {
        "text": "Send the pilot data to the secretariat",
        "item": "",
        "owner_kind": "secretariat",
        "authority": "",
        "department": "",
        "due_on": list(due),
    }
    data.update(overrides)
    return data


@pytest.fixture
def held() -> Meeting:
    meeting = factories.held_meeting(day=MARCH)
    factories.agenda_item(meeting=meeting, title="Fair funding review")
    factories.agenda_item(meeting=meeting, title="Any other business")
    return meeting


@pytest.fixture
def secretariat(login_as):
    return login_as(Role.SECRETARIAT, full_name="Sam Secretariat")


# Decisions --------------------------------------------------------------------------------------


def test_decisions_are_numbered_per_meeting(client, held, secretariat):
    funding = held.items[0]

    form = client.get(decision_url(held))
    assert heading(form) == "Record a decision"
    assert [o.get_text(strip=True) for o in page(form).select("#item option")] == [
        "Not linked to an item",
        "Item 1: Fair funding review",
        "Item 2: Any other business",
    ]

    first = client.post(
        decision_url(held),
        data={"text": " Write to the Treasury. ", "item": str(funding.id)},
        follow_redirects=True,
    )
    assert first.request.path == f"/meetings/{held.slug}/minutes"
    assert banner(first) == "Success Decision LGC/2026/03/D1 recorded"
    second = client.post(
        decision_url(held), data={"text": "Meet again in April.", "item": ""}, follow_redirects=True
    )
    assert banner(second) == "Success Decision LGC/2026/03/D2 recorded"

    assert decisions() == [
        (held.id, 1, "Write to the Treasury.", funding.id),
        (held.id, 2, "Meet again in April.", None),
    ]
    assert [e.summary for e in audit_events("decision_recorded")] == [
        "Sam Secretariat recorded decision LGC/2026/03/D1",
        "Sam Secretariat recorded decision LGC/2026/03/D2",
    ]
    assert [e.actor_id for e in audit_events("decision_recorded")] == [secretariat.id] * 2
    assert paragraphs_after(second, "1. Fair funding review") == [
        "No summary of discussion recorded.",
        "Decision LGC/2026/03/D1: Write to the Treasury.",
    ]
    assert paragraphs_after(second, "Other decisions and actions") == [
        "Decision LGC/2026/03/D2: Meet again in April."
    ]

    april = factories.held_meeting(day=date(2026, 4, 14))
    response = client.post(decision_url(april), data={"text": "Agreed."}, follow_redirects=True)
    assert banner(response) == "Success Decision LGC/2026/04/D1 recorded"
    assert decisions()[-1] == (april.id, 1, "Agreed.", None)


def test_a_second_meeting_on_the_same_day_has_its_own_prefix(client, held, secretariat):
    extra = factories.meeting(starts_at=factories.london_time(MARCH, 15), status=MeetingStatus.HELD)
    assert extra.slug == "2026-03-10-2"
    factories.decision(meeting=held)
    response = client.post(decision_url(extra), data={"text": "Agreed."}, follow_redirects=True)
    assert banner(response) == "Success Decision LGC/2026/03-10-2/D1 recorded"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the decision"),
        ("   ", "Enter the decision"),
        ("x" * 5001, "The decision must be 5,000 characters or fewer"),
    ],
)
def test_a_decision_needs_text(client, held, secretariat, text, message):
    funding = held.items[0]
    shown = ok(client.post(decision_url(held), data={"text": text, "item": str(funding.id)}))
    assert error_summary(shown) == [(message, "")]
    assert page(shown).select_one("#text").get_text() == text
    assert page(shown).select_one("#item option[selected]")["value"] == str(funding.id)
    assert decisions() == []
    assert audit_events("decision_recorded") == []


def test_decisions_need_a_held_meeting(client, secretariat):
    meeting = factories.meeting(published=True)
    response = client.post(decision_url(meeting), data={"text": "Agreed."})
    assert error_summary(response) == [(HELD_ONLY, "")]
    assert decisions() == []


def test_no_decision_is_added_to_published_minutes(client, held, secretariat):
    factories.published_minutes(meeting=held)
    shown = ok(client.post(decision_url(held), data={"text": "An afterthought."}))
    assert error_summary(shown) == [(READ_ONLY, "")]
    assert decisions() == []


@pytest.mark.parametrize("role", NOT_SECRETARIAT)
def test_only_the_secretariat_records_decisions(client, login_as, held, role):
    login_as(role)
    expect(client.get(decision_url(held)), 403)
    expect(client.post(decision_url(held), data={"text": "Agreed."}), 403)
    assert decisions() == []


def test_anonymous_people_are_sent_to_sign_in(client, held):
    for target in (decision_url(held), action_url(held)):
        for response in (client.get(target), client.post(target, data={"text": "Agreed."})):
            expect(response, 302)
            assert response.headers["Location"].startswith("/sign-in")
    assert decisions() == []
    assert action_count() == 0


# Actions ----------------------------------------------------------------------------------------


def test_actions_are_numbered_with_their_owners(client, held, secretariat):
    funding = held.items[0]
    bolton = factories.council(name="Bolton Council")
    treasury = factories.department(name="HM Treasury")

    form = client.get(action_url(held))
    assert heading(form) == "Record an action"
    assert page(form).select_one("input[name=owner_kind][checked]")["value"] == "secretariat"

    first = client.post(
        action_url(held),
        data=action_form(
            text="Send the pilot data",
            item=str(funding.id),
            owner_kind="authority",
            authority=str(bolton.id),
            department=str(treasury.id),
        ),
        follow_redirects=True,
    )
    assert banner(first) == "Success Action LGC/2026/03/A1 recorded"
    second = client.post(
        action_url(held),
        data=action_form(
            text="Publish the formula",
            owner_kind="department",
            department=str(treasury.id),
            due=("15", "5", "2026"),
        ),
        follow_redirects=True,
    )
    assert banner(second) == "Success Action LGC/2026/03/A2 recorded"
    last = client.post(
        action_url(held), data=action_form(text="Circulate the notes"), follow_redirects=True
    )
    assert banner(last) == "Success Action LGC/2026/03/A3 recorded"

    db.session.expire_all()
    stored = list(db.session.execute(select(Action).order_by(Action.number)).scalars())
    assert [
        (
            a.number,
            a.text,
            a.owner_kind,
            a.owner_authority_id,
            a.owner_department_id,
            a.due_on,
            a.status,
            a.agenda_item_id,
            a.created_by_id,
        )
        for a in stored
    ] == [
        (
            1,
            "Send the pilot data",
            OwnerKind.AUTHORITY,
            bolton.id,
            None,
            date(2026, 4, 30),
            ActionStatus.OPEN,
            funding.id,
            secretariat.id,
        ),
        (
            2,
            "Publish the formula",
            OwnerKind.DEPARTMENT,
            None,
            treasury.id,
            date(2026, 5, 15),
            ActionStatus.OPEN,
            None,
            secretariat.id,
        ),
        (
            3,
            "Circulate the notes",
            OwnerKind.SECRETARIAT,
            None,
            None,
            date(2026, 4, 30),
            ActionStatus.OPEN,
            None,
            secretariat.id,
        ),
    ]
    assert [e.summary for e in audit_events("action_recorded")] == [
        "Sam Secretariat recorded action LGC/2026/03/A1 for Bolton Council",
        "Sam Secretariat recorded action LGC/2026/03/A2 for HM Treasury",
        "Sam Secretariat recorded action LGC/2026/03/A3 for Commission secretariat",
    ]
    assert paragraphs_after(last, "1. Fair funding review") == [
        "No summary of discussion recorded.",
        "Action LGC/2026/03/A1 (Bolton Council, by 30 April 2026): Send the pilot data",
    ]
    assert paragraphs_after(last, "Other decisions and actions") == [
        "Action LGC/2026/03/A2 (HM Treasury, by 15 May 2026): Publish the formula",
        "Action LGC/2026/03/A3 (Commission secretariat, by 30 April 2026): Circulate the notes",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": "  "}, ("Enter the action", "")),
        ({"text": "x" * 5001}, ("The action must be 5,000 characters or fewer", "")),
        ({"owner_kind": "authority"}, ("Select the authority that owns the action", "")),
        ({"owner_kind": "department"}, ("Select the department that owns the action", "")),
        ({"owner_kind": ""}, ("Select who owns the action", "")),
        ({"owner_kind": "mayor"}, ("Select who owns the action", "")),
        ({"due": ("", "", "")}, ("Enter the date the action is due", "#due_on")),
        ({"due": ("31", "2", "2026")}, ("Due by must be a real date", "#due_on")),
        ({"due": ("30", "", "2026")}, ("Due by must include a month", "#due_on")),
        ({"due": ("30", "4", "26")}, ("Due by must be a real date", "#due_on")),
        (
            {"due": ("1", "1", "1999")},
            ("Due by must be between the years 2000 and 2100", "#due_on"),
        ),
    ],
)
def test_an_action_needs_text_an_owner_and_a_due_date(
    client, held, secretariat, overrides, message
):
    shown = ok(client.post(action_url(held), data=action_form(**overrides)))
    assert heading(shown) == "Record an action"
    [(text, href)] = error_summary(shown)
    assert text == message[0]
    assert href.startswith(message[1])
    assert action_count() == 0
    assert audit_events("action_recorded") == []


def test_a_refused_action_keeps_what_was_typed(client, held, secretariat):
    bolton = factories.council(name="Bolton Council")
    response = client.post(
        action_url(held),
        data=action_form(text="Send the data", owner_kind="department", authority=str(bolton.id)),
    )
    assert page(response).select_one("#text").get_text() == "Send the data"
    assert page(response).select_one("#owner_kind-department").has_attr("checked")
    assert page(response).select_one("#authority option[selected]").get_text() == "Bolton Council"
    assert [box["value"] for box in page(response).select("input[name=due_on]")] == [
        "30",
        "4",
        "2026",
    ]


def test_actions_need_a_held_meeting(client, secretariat):
    meeting = factories.meeting(published=True)
    response = client.post(action_url(meeting), data=action_form())
    assert error_summary(response) == [(HELD_ONLY, "")]
    assert action_count() == 0


def test_no_action_is_added_to_published_minutes(client, held, secretariat):
    factories.published_minutes(meeting=held)
    shown = ok(client.post(action_url(held), data=action_form()))
    assert error_summary(shown) == [(READ_ONLY, "")]
    assert action_count() == 0


@pytest.mark.parametrize("role", NOT_SECRETARIAT)
def test_only_the_secretariat_records_actions(client, login_as, held, role):
    login_as(role)
    expect(client.get(action_url(held)), 403)
    expect(client.post(action_url(held), data=action_form()), 403)
    assert action_count() == 0


# Searching decisions ------------------------------------------------------------------------------


def cards(response) -> list[tuple[str, str]]:
    """(title, body) of each decision listed."""
    return [
        (
            " ".join(
                card.select_one(".govuk-summary-card__title").get_text(" ", strip=True).split()
            ),
            card.select_one(".govuk-summary-card__content").get_text(" ", strip=True),
        )
        for card in page(response).select("main .govuk-summary-card")
    ]


@pytest.fixture
def two_meetings():
    """Published minutes of a March meeting and draft minutes of an April one."""
    march = factories.held_meeting(day=MARCH)
    funding = factories.agenda_item(meeting=march, title="Fair funding review")
    factories.decision(meeting=march, item=funding, text="Write to the Treasury about funding.")
    factories.decision(meeting=march, text="Meet again in April.")
    factories.published_minutes(meeting=march)
    april = factories.held_meeting(day=date(2026, 4, 14))
    factories.decision(meeting=april, text="Write to the Treasury about pay.")
    factories.draft_minutes(meeting=april)
    return march, april


def test_decisions_in_published_minutes_are_listed(client, two_meetings):
    march, _april = two_meetings
    response = client.get("/decisions")
    expect(response, 200)
    assert heading(response) == "Decisions"
    assert status_line(response) == "2 decisions"
    assert cards(response) == [
        (
            f"LGC/2026/03/D1 · {format_date(march.starts_at)}",
            "Write to the Treasury about funding. Item: Fair funding review",
        ),
        (f"LGC/2026/03/D2 · {format_date(march.starts_at)}", "Meet again in April."),
    ]
    link = page(response).select_one("main .govuk-summary-card__title a")
    assert link["href"] == f"/meetings/{march.slug}/minutes"


def test_the_search_finds_decisions_in_published_minutes_only(client, two_meetings):
    response = client.get("/decisions", query_string={"q": "TREASURY"})
    assert status_line(response) == "1 decision"
    assert [title for title, _ in cards(response)] == [
        f"LGC/2026/03/D1 · {format_date(two_meetings[0].starts_at)}"
    ]
    assert "about pay" not in main_text(response)
    assert page(response).select_one("#q")["value"] == "TREASURY"


def test_a_search_that_matches_nothing_says_so(client, two_meetings):
    response = client.get("/decisions", query_string={"q": "x" * 300})
    assert status_line(response) == "No decisions found"
    assert cards(response) == []
    assert page(response).select_one("#q")["value"] == "x" * 200


def test_search_terms_are_literal(client, two_meetings):
    march = two_meetings[0]
    factories.decision(meeting=march, text="Raise council tax by 5% at most.")
    for term, found in [("5%", 1), ("%", 1), ("_", 0)]:
        response = client.get("/decisions", query_string={"q": term})
        assert len(cards(response)) == found, term


def test_decisions_of_a_confidential_item_are_for_members_only(client, login_as, two_meetings):
    march = two_meetings[0]
    pay = factories.agenda_item(meeting=march, title="Pay negotiations", confidential=True)
    factories.decision(meeting=march, item=pay, text="Accept the 3.2% offer.")

    public = client.get("/decisions")
    assert "3.2%" not in main_text(public)
    assert "Pay negotiations" not in main_text(public)
    assert status_line(public) == "2 decisions"

    login_as(Role.LEADER)
    member = client.get("/decisions")
    assert status_line(member) == "3 decisions"
    assert "Accept the 3.2% offer." in main_text(member)


def test_decisions_are_listed_a_page_at_a_time(client, app):
    meeting = factories.held_meeting(day=MARCH)
    for n in range(app.config["PAGE_SIZE"] + 1):
        factories.decision(meeting=meeting, text=f"Decision number {n + 1}.")
    factories.published_minutes(meeting=meeting)

    first = client.get("/decisions")
    assert status_line(first) == f"Showing 1 to 25 of {app.config['PAGE_SIZE'] + 1} decisions"
    assert len(cards(first)) == 25
    second = client.get("/decisions", query_string={"page": 2})
    assert cards(second) == [
        (f"LGC/2026/03/D26 · {format_date(meeting.starts_at)}", "Decision number 26.")
    ]
    assert cards(client.get("/decisions", query_string={"page": 9})) == []


def test_newest_meetings_come_first(client):
    for day in (MARCH, date(2026, 5, 12), date(2026, 4, 14)):
        meeting = factories.held_meeting(day=day)
        factories.decision(meeting=meeting, text=f"Agreed on {day}.")
        factories.published_minutes(meeting=meeting)
    response = client.get("/decisions")
    assert [body for _, body in cards(response)] == [
        "Agreed on 2026-05-12.",
        "Agreed on 2026-04-14.",
        "Agreed on 2026-03-10.",
    ]


def test_the_decisions_page_needs_no_sign_in_and_the_minutes_it_links_are_public(
    client, two_meetings
):
    shown = ok(client.get("/decisions"))
    links = page(shown).select("main .govuk-summary-card__title a")
    assert len(links) == 2  # the March minutes' two decisions; April's are a draft
    for link in links:
        expect(client.get(link["href"]), 200)


def test_a_decision_is_found_by_its_reference(client, two_meetings):
    march = two_meetings[0]
    factories.decision(meeting=march, text="Review the pilot in a year.")
    factories.decision(meeting=march, text="Thank the officers.")

    # A full reference finds that decision, in any case; its prefix finds the meeting's.
    found = client.get("/decisions", query_string={"q": "lgc/2026/03/d1"})
    assert [title.split(" · ")[0] for title, _ in cards(found)] == ["LGC/2026/03/D1"]
    found = client.get("/decisions", query_string={"q": "LGC/2026/03/D3"})
    assert [body for _, body in cards(found)] == ["Review the pilot in a year."]
    meeting = client.get("/decisions", query_string={"q": "LGC/2026/03"})
    assert status_line(meeting) == "4 decisions"
    # Draft minutes' decisions stay out of the search, by reference too.
    assert status_line(client.get("/decisions", query_string={"q": "LGC/2026/04/D1"})) == (
        "No decisions found"
    )


# Decisions as a download ---------------------------------------------------------------------


DECISIONS_HEADER = ["Reference", "Meeting date", "Item", "Decision"]


def test_decisions_as_csv(client, two_meetings):
    response = client.get("/decisions.csv")
    expect(response, 200)
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert f'filename="decisions-{today().isoformat()}.csv"' in disposition
    assert read_csv(response) == [
        DECISIONS_HEADER,
        [
            "LGC/2026/03/D1",
            "2026-03-10",
            "Fair funding review",
            "Write to the Treasury about funding.",
        ],
        ["LGC/2026/03/D2", "2026-03-10", "", "Meet again in April."],
    ]


def test_the_decisions_csv_follows_the_search_shown(client, two_meetings):
    response = client.get("/decisions", query_string={"q": "TREASURY"})
    link = page(response).find("a", string="Download these decisions (CSV)")
    assert link.has_attr("download")
    assert link["href"] == "/decisions.csv?q=TREASURY"
    rows = read_csv(client.get(link["href"]))
    assert [row[0] for row in rows[1:]] == ["LGC/2026/03/D1"]
    by_reference = read_csv(client.get("/decisions.csv", query_string={"q": "LGC/2026/03/D2"}))
    assert [row[3] for row in by_reference[1:]] == ["Meet again in April."]
    drafts = read_csv(client.get("/decisions.csv", query_string={"q": "LGC/2026/04"}))
    assert drafts == [DECISIONS_HEADER]
    everything = page(client.get("/decisions")).find("a", string="Download these decisions (CSV)")
    assert everything["href"] == "/decisions.csv"


def test_the_decisions_csv_keeps_confidential_decisions_for_members(client, login_as, two_meetings):
    march = two_meetings[0]
    pay = factories.agenda_item(meeting=march, title="Pay negotiations", confidential=True)
    factories.decision(meeting=march, item=pay, text="Accept the 3.2% offer.")

    public = client.get("/decisions.csv").get_data(as_text=True)
    assert "3.2%" not in public
    assert "Pay negotiations" not in public
    assert len(read_csv(client.get("/decisions.csv"))) == 3

    login_as(Role.LEADER)
    member = read_csv(client.get("/decisions.csv"))
    assert ["LGC/2026/03/D3", "2026-03-10", "", "Accept the 3.2% offer."] in member
    assert "Pay negotiations" not in client.get("/decisions.csv").get_data(as_text=True)


def test_the_decisions_csv_has_every_page_and_neutralises_formulas(client, app):
    meeting = factories.held_meeting(day=MARCH)
    for n in range(app.config["PAGE_SIZE"] + 1):
        factories.decision(meeting=meeting, text=f"Decision number {n + 1}.")
    factories.decision(meeting=meeting, text="=1+1")
    factories.published_minutes(meeting=meeting)
    rows = read_csv(client.get("/decisions.csv"))
    assert len(rows) == app.config["PAGE_SIZE"] + 3
    assert rows[-1][3] == "'=1+1"


def test_decisions_csv_query_count_does_not_grow_with_the_rows(client):
    def meeting_with(count, day):
        meeting = factories.held_meeting(day=day)
        item = factories.agenda_item(meeting=meeting, title="An item")
        for n in range(count):
            factories.decision(meeting=meeting, item=item, text=f"Agreed {day} {n}.")
        factories.published_minutes(meeting=meeting)
        return meeting

    small = meeting_with(2, MARCH).record_reference
    large = meeting_with(20, date(2026, 4, 14)).record_reference
    client.get("/decisions.csv")
    with count_selects() as few:
        assert len(read_csv(client.get("/decisions.csv", query_string={"q": small}))) == 3
    with count_selects() as many:
        assert len(read_csv(client.get("/decisions.csv", query_string={"q": large}))) == 21
    assert few
    assert len(many) <= len(few), many


# Pages of decisions that cost the same as the record grows ----------------------------------


def page_link(response, which: str) -> str | None:
    link = page(response).select_one(f".govuk-pagination__{which} a")
    return link["href"] if link else None


def published_decisions(count: int, *, day: date = MARCH) -> None:
    meeting = factories.held_meeting(day=day)
    for n in range(count):
        factories.decision(meeting=meeting, text=f"Agreed point {n + 1}.")
    factories.published_minutes(meeting=meeting)


def test_decision_pages_first_next_previous_and_last_keep_the_search(client):
    published_decisions(60)
    factories.decision(
        meeting=factories.held_meeting(day=date(2026, 4, 14)), text="Not in published minutes."
    )
    first = client.get("/decisions", query_string={"q": "agreed"})
    assert status_line(first) == "Showing 1 to 25 of 60 decisions"
    assert [body for _, body in cards(first)][:2] == ["Agreed point 1.", "Agreed point 2."]
    assert page_link(first, "prev") is None

    second = client.get(page_link(first, "next"))
    assert "q=agreed" in page_link(first, "next")
    assert status_line(second) == "Showing 26 to 50 of 60 decisions"

    last = client.get(page(second).select(".govuk-pagination__item a")[-1]["href"])
    assert [body for _, body in cards(last)] == [f"Agreed point {n}." for n in range(51, 61)]
    assert page_link(last, "next") is None
    assert "q=agreed" in page_link(last, "prev")
    assert cards(client.get(page_link(last, "prev"))) == cards(second)


def test_the_decision_count_stops_at_a_bound(client, monkeypatch):
    monkeypatch.setattr("commission.pagination.COUNT_BOUND", 10)
    published_decisions(60)
    assert status_line(client.get("/decisions")) == "Showing 1 to 25 of more than 50 decisions"


@pytest.mark.parametrize("value", ["abc", "-3", "0", "99999999999999999999999"])
def test_a_decisions_page_number_that_is_not_one_is_read_sensibly(client, two_meetings, value):
    response = client.get("/decisions", query_string={"page": value})
    expect(response, 200)
    expected = 0 if value.startswith("9") else 2
    assert len(cards(response)) == expected


def test_decision_pages_run_the_same_queries_at_5_and_60_decisions(client):
    published_decisions(5)
    client.get("/decisions")
    with count_selects() as few:
        client.get("/decisions")
    for month in range(4, 9):
        published_decisions(11, day=date(2026, month, 14))
    with count_selects() as many_first:
        client.get("/decisions")
    with count_selects() as many_last:
        client.get("/decisions", query_string={"page": 3})
    assert len(many_first) == len(few)
    assert len(many_last) == len(few)
