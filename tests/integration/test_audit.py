"""The audit log: newest first, filtered by what happened, paginated, and only
for the secretariat."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from commission.audit.models import AuditEvent
from commission.auth.roles import Role
from commission.extensions import db
from commission.timeutil import today
from tests import factories
from tests.conftest import count_selects
from tests.pages import expect, heading, main_text, ok, page, read_csv, table_records

START = datetime(2027, 2, 2, 9, 0, tzinfo=UTC)


def add_event(action="signed_in", summary="Something happened", actor=None, minutes=0, ip=None):
    item = AuditEvent(
        action=action,
        summary=summary,
        actor=actor,
        ip_address=ip,
        occurred_at=START + timedelta(minutes=minutes),
    )
    db.session.add(item)
    db.session.flush()
    return item


def summaries(response) -> list[str]:
    return [row["What happened"] for row in table_records(response)]


@pytest.fixture
def secretariat(login_as):
    person = login_as(Role.SECRETARIAT, full_name="Priya Natarajan")
    db.session.commit()  # the events the tests add are then all their transaction holds
    return person


def test_audit_log_lists_events_newest_first(client, secretariat):
    add_event(summary="First", minutes=0)
    add_event(summary="Third", minutes=20)
    add_event(summary="Second", minutes=10)
    response = client.get("/audit")
    assert heading(response) == "Audit log"
    assert summaries(response) == ["Third", "Second", "First"]


def test_audit_log_shows_when_who_and_where(client, secretariat):
    add_event(summary="Priya did a thing", actor=secretariat, ip="203.0.113.5", minutes=90)
    add_event(action="sign_in_failed", summary="Failed sign-in for x@y.gov.uk", minutes=0)
    done, failed = table_records(client.get("/audit"))
    assert done == {
        "When": "Tuesday 2 February 2027, 10:30am",
        "What happened": "Priya did a thing",
        "Who": "Priya Natarajan",
        "Network address": "203.0.113.5",
        "What changed": "",
    }
    assert failed["Who"] == "Not signed in"
    assert failed["Network address"] == ""


def test_events_from_a_real_action_appear(client, secretariat):
    person = factories.user(full_name="Joanna Pike")
    client.post(f"/people/{person.id}/deactivate")
    [row] = table_records(client.get("/audit"))
    assert row["What happened"] == "Priya Natarajan deactivated Joanna Pike's account"
    assert row["Who"] == "Priya Natarajan"


def test_filter_by_action(client, secretariat):
    add_event(action="signed_in", summary="In one", minutes=1)
    add_event(action="sign_in_failed", summary="Failed one", minutes=2)
    add_event(action="signed_in", summary="In two", minutes=3)
    response = client.get("/audit?action=signed_in")
    assert summaries(response) == ["In two", "In one"]
    options = {
        option["value"]: option.get_text(strip=True)
        for option in page(response).select("select#action option")
    }
    assert options == {
        "": "Everything",
        "sign_in_failed": "Sign in failed",
        "signed_in": "Signed in",
    }
    assert page(response).select_one("select#action option[selected]")["value"] == "signed_in"
    assert "2 events" in page(response).select_one("main").get_text()


def test_filter_with_no_match(client, secretariat):
    add_event()
    response = client.get("/audit?action=nothing_like_this")
    assert table_records(response) == []
    assert "No events found" in page(response).select_one("main").get_text()


def pagination_link(response, which: str) -> str | None:
    """The href of the "prev" (newer) or "next" (older) link, if shown."""
    link = page(response).select_one(f".govuk-pagination__{which} a")
    return link["href"] if link else None


def test_audit_log_pages_by_position_and_keeps_the_filter(app, client, secretariat):
    assert app.config["PAGE_SIZE"] == 25
    for n in range(60):
        add_event(action="signed_in", summary=f"Event {n:02d}", minutes=n)
    add_event(action="sign_in_failed", summary="Other", minutes=100)

    first = client.get("/audit?action=signed_in")
    assert summaries(first) == [f"Event {n:02d}" for n in range(59, 34, -1)]
    assert "Showing 25 of 60 events" in main_text(first)
    assert pagination_link(first, "prev") is None
    older = pagination_link(first, "next")
    assert page(first).select_one(".govuk-pagination__next").get_text(" ", strip=True) == (
        "Older events"
    )
    assert set(parse_qs(urlsplit(older).query)) == {"action", "before"}
    assert parse_qs(urlsplit(older).query)["action"] == ["signed_in"]

    second = client.get(older)
    assert summaries(second) == [f"Event {n:02d}" for n in range(34, 9, -1)]
    assert "Showing 25 of 60 events" in main_text(second)

    last = client.get(pagination_link(second, "next"))
    assert summaries(last) == [f"Event {n:02d}" for n in range(9, -1, -1)]
    assert pagination_link(last, "next") is None

    newer = pagination_link(last, "prev")
    assert page(last).select_one(".govuk-pagination__prev").get_text(" ", strip=True) == (
        "Newer events"
    )
    assert parse_qs(urlsplit(newer).query)["action"] == ["signed_in"]
    back = client.get(newer)
    assert summaries(back) == summaries(second)
    back_to_first = client.get(pagination_link(back, "prev"))
    assert summaries(back_to_first) == summaries(first)
    assert pagination_link(back_to_first, "prev") is None


def test_events_at_the_same_moment_are_neither_lost_nor_repeated_between_pages(client, secretariat):
    for n in range(30):
        add_event(summary=f"Event {n:02d}", minutes=0)
    first = client.get("/audit")
    second = client.get(pagination_link(first, "next"))
    seen = summaries(first) + summaries(second)
    assert seen == [f"Event {n:02d}" for n in range(29, -1, -1)]  # the later-recorded first
    assert summaries(client.get(pagination_link(second, "prev"))) == summaries(first)


def test_a_single_page_has_no_page_links(client, secretariat):
    add_event(summary="Only")
    response = client.get("/audit")
    assert "1 event" in main_text(response)
    assert page(response).select_one(".govuk-pagination") is None


@pytest.mark.parametrize(
    "query",
    [
        "before=nonsense",
        "after=12-",
        "before=-5-3",
        "before=99999999999999999-1",
        "after=1-999999999999999999",
        "after=1-2147483648",
        "before=1.5-2",
        "before=%00",
        "after=3-4x",
    ],
)
def test_a_link_with_a_mangled_position_shows_the_newest_events(client, secretariat, query):
    add_event(summary="Older", minutes=0)
    add_event(summary="Newer", minutes=1)
    response = client.get(f"/audit?{query}")
    expect(response, 200)
    assert summaries(response) == ["Newer", "Older"]


def test_a_position_beyond_the_log_says_so_and_links_to_the_newest(client, secretariat):
    add_event(summary="Something")
    shown = ok(client.get("/audit?before=0-0"))
    assert table_records(shown) == []
    link = page(shown).find("a", string="Go to the newest events")
    assert link["href"] == "/audit"


def test_the_count_stops_at_a_bound(client, secretariat, monkeypatch):
    monkeypatch.setattr("commission.audit.views.COUNT_BOUND", 5)
    for n in range(30):
        add_event(summary=f"Event {n:02d}", minutes=n)
    assert "Showing 25 of more than 5 events" in main_text(client.get("/audit"))


def test_the_filter_lists_every_action_in_the_log_once(client, secretariat):
    for action in ("signed_in", "role_granted", "signed_in", "account_deactivated", "role_granted"):
        add_event(action=action)
    options = [o["value"] for o in page(client.get("/audit")).select("select#action option")]
    assert options == ["", "account_deactivated", "role_granted", "signed_in"]


def test_the_filter_kept_for_an_address_follows_the_actions_and_what_was_typed(client, secretariat):
    add_event(action="signed_in")

    def shown(path: str) -> tuple[list[str], str]:
        form = page(client.get(path)).select_one("main form")
        actions = [o["value"] for o in form.select("select#action option")]
        return actions, form.select_one("input#who").get("value", "")

    assert shown("/audit") == (["", "signed_in"], "")
    assert shown("/audit") == (["", "signed_in"], "")
    # A new kind of action is offered at once, on the same address.
    add_event(action="role_granted")
    assert shown("/audit") == (["", "role_granted", "signed_in"], "")
    # What was typed is shown back, each address with its own.
    assert shown("/audit?who=Priya") == (["", "role_granted", "signed_in"], "Priya")
    assert shown("/audit?who=Jo") == (["", "role_granted", "signed_in"], "Jo")
    assert shown("/audit?who=Priya")[1] == "Priya"


def test_a_date_missing_its_day_is_an_error_on_its_field_on_every_page(client, secretariat):
    add_event(action="signed_in")
    filtered = (
        "/audit?action=&who=&record_type=&record_id="
        "&from_day=&from_day=13&from_day=2026&to_day=&to_day=&to_day="
    )

    for path in (filtered, filtered, filtered + "&after=nonsense"):
        soup = page(client.get(path))
        summary = soup.select_one(".govuk-error-summary")
        assert summary is not None and "must include a day" in summary.get_text()
        message = soup.select_one("main form .govuk-error-message")
        assert message is not None and "must include a day" in message.get_text()


def test_audit_log_query_count_does_not_grow_with_the_rows(client, secretariat):
    def add_events(count):
        for n in range(count):
            add_event(summary=f"By someone {n}", actor=factories.user(), minutes=n)

    def pages():
        first = client.get("/audit")
        middle = client.get(pagination_link(first, "next"))
        return first, middle, client.get(pagination_link(middle, "prev"))

    add_events(55)
    pages()
    with count_selects() as few:
        pages()
    add_events(600)
    with count_selects() as many:
        pages()
    assert few
    assert len(many) == len(few)


def test_audit_log_as_csv(client, secretariat):
    person = factories.user(full_name="Joanna Pike")
    db.session.commit()
    add_event(summary="Priya did a thing", actor=secretariat, ip="203.0.113.5", minutes=90)
    add_event(action="sign_in_failed", summary="Failed sign-in for x@y.gov.uk", minutes=0)
    subject = add_event(action="account_deactivated", summary="Deactivated", minutes=200)
    subject.subject_type, subject.subject_id = "users", person.id
    add_event(summary="=cmd|' /C calc'!A0", minutes=300)
    db.session.flush()
    response = client.get("/audit.csv")
    expect(response, 200)
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert f'filename="audit-log-{today().isoformat()}.csv"' in disposition
    header, *rows = read_csv(response)
    assert header == [
        "When",
        "Who",
        "Action",
        "What happened",
        "Subject",
        "Subject ID",
        "What changed",
        "Network address",
    ]
    assert rows == [
        [
            "Tuesday 2 February 2027, 2pm",
            "Not signed in",
            "Signed in",
            "'=cmd|' /C calc'!A0",
            "",
            "",
            "",
            "",
        ],
        [
            "Tuesday 2 February 2027, 12:20pm",
            "Not signed in",
            "Account deactivated",
            "Deactivated",
            "users",
            str(person.id),
            "",
            "",
        ],
        [
            "Tuesday 2 February 2027, 10:30am",
            "Priya Natarajan",
            "Signed in",
            "Priya did a thing",
            "",
            "",
            "",
            "203.0.113.5",
        ],
        [
            "Tuesday 2 February 2027, 9am",
            "Not signed in",
            "Sign in failed",
            "Failed sign-in for x@y.gov.uk",
            "",
            "",
            "",
            "",
        ],
    ]


def test_audit_csv_times_are_london_time_in_summer(client, secretariat):
    add_event(summary="Summer", minutes=0).occurred_at = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)
    db.session.flush()
    [_header, row] = read_csv(client.get("/audit.csv"))
    assert row[0] == "Thursday 1 July 2027, 10am"


def test_audit_csv_follows_the_filter_shown_and_has_every_page(app, client, secretariat):
    for n in range(app.config["PAGE_SIZE"] + 3):
        add_event(action="signed_in", summary=f"Event {n:02d}", minutes=n)
    add_event(action="sign_in_failed", summary="Other", minutes=100)
    link = page(client.get("/audit?action=signed_in")).find(
        "a", string="Download these events (CSV)"
    )
    assert link.has_attr("download")
    assert link["href"] == "/audit.csv?action=signed_in"
    _header, *rows = read_csv(client.get(link["href"]))
    assert len(rows) == app.config["PAGE_SIZE"] + 3
    assert {row[2] for row in rows} == {"Signed in"}
    assert rows[0][3] == f"Event {app.config['PAGE_SIZE'] + 2:02d}"
    everything = page(client.get("/audit")).find("a", string="Download these events (CSV)")
    assert everything["href"] == "/audit.csv"


def test_audit_csv_query_count_does_not_grow_with_the_rows(client, secretariat):
    def add_events(count):
        for n in range(count):
            add_event(summary=f"By someone {n}", actor=factories.user())

    add_events(2)
    client.get("/audit.csv")
    with count_selects() as few:
        assert len(read_csv(client.get("/audit.csv"))) == 3
    add_events(20)
    with count_selects() as many:
        assert len(read_csv(client.get("/audit.csv"))) == 23
    assert few
    assert len(many) == len(few)


@pytest.mark.parametrize("path", ["/audit", "/audit.csv"])
@pytest.mark.parametrize("role", [Role.OFFICER, Role.LEADER, Role.MINISTER, Role.CHAIR, None])
def test_audit_log_is_forbidden_outside_the_secretariat(client, login_as, role, path):
    login_as(role)
    response = client.get(path)
    expect(response, 403)
    assert heading(response) == "You do not have permission to see this page"


@pytest.mark.parametrize("path", ["/audit", "/audit.csv"])
def test_audit_log_sends_visitors_to_sign_in(client, path):
    assert client.get(path).headers["Location"] == f"/sign-in?next={path}"
