"""The consultations list after years of history: open consultations (and,
for the secretariat, drafts) whole on the first page; closed ones a page at a
time, newest closing first; the viewer's authorities' responses and
extensions read only for the consultations shown, so the page's work does not
grow with the number of consultations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commission.auth.roles import Role
from commission.consultations import services
from commission.consultations.models import ConsultationStatus, Extension
from commission.extensions import db
from commission.timeutil import format_datetime, now_utc
from tests import factories
from tests.conftest import count_statements
from tests.pages import expect, heading, page, sign_in, status_line

PAGE_SIZE = 25  # the tests' PAGE_SIZE (tests/conftest.py)


def captions(response) -> list[str]:
    return [c.get_text(strip=True) for c in page(response).select("main table caption")]


def table_titled(response, caption: str) -> list[list[str]]:
    """The body rows of the table with this caption ([] when there is none)."""
    for table in page(response).select("main table"):
        if table.select_one("caption").get_text(strip=True) == caption:
            return [
                [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
                for row in table.select("tbody tr")
            ]
    return []


def titles(rows: list[list[str]]) -> list[str]:
    return [row[0].split(" LGC-")[0] for row in rows]


def closed_consultation(n: int, *, days_ago: int | None = None, **kwargs):
    """A consultation that closed ``days_ago`` days ago (by default ``n`` + 1
    days ago, so a lower ``n`` closed more recently)."""
    closed_at = now_utc() - timedelta(days=days_ago if days_ago is not None else n + 1)
    return factories.consultation(
        title=f"Closed {n:02d}",
        opens_at=closed_at - timedelta(days=60),
        closes_at=closed_at,
        questions=1,
        **kwargs,
    )


@pytest.fixture
def council():
    return factories.council(name="Kirklees Council")


@pytest.fixture
def leader(council):
    return factories.person_at(authority=council, role=Role.LEADER)


# Sections and pages -------------------------------------------------------------------------------


def test_closed_consultations_come_a_page_at_a_time_newest_closing_first(client):
    factories.consultation(title="Open later", closes_at=now_utc() + timedelta(days=20))
    factories.consultation(title="Open soon", closes_at=now_utc() + timedelta(days=2))
    for n in range(PAGE_SIZE + 5):
        closed_consultation(n)

    first = client.get("/consultations")
    expect(first, 200)
    assert heading(first) == "Consultations"
    assert page(first).title.get_text().split(" \N{EN DASH} ")[0] == "Consultations"
    assert captions(first) == ["Open consultations", "Closed consultations"]
    assert titles(table_titled(first, "Open consultations")) == ["Open soon", "Open later"]
    assert titles(table_titled(first, "Closed consultations")) == [
        f"Closed {n:02d}" for n in range(PAGE_SIZE)
    ]
    assert status_line(first) == f"Showing 1 to {PAGE_SIZE} of {PAGE_SIZE + 5} closed consultations"
    nav = page(first).select_one("main nav.govuk-pagination")
    assert nav.select_one(".govuk-pagination__next a")["href"] == "/consultations?page=2"

    second = client.get("/consultations?page=2")
    expect(second, 200)
    assert heading(second) == "Consultations"
    assert page(second).title.get_text().split(" \N{EN DASH} ")[0] == "Consultations (page 2 of 2)"
    assert captions(second) == ["Closed consultations"]
    assert titles(table_titled(second, "Closed consultations")) == [
        f"Closed {n:02d}" for n in range(PAGE_SIZE, PAGE_SIZE + 5)
    ]
    assert status_line(second) == (
        f"Showing {PAGE_SIZE + 1} to {PAGE_SIZE + 5} of {PAGE_SIZE + 5} closed consultations"
    )
    link = page(second).select_one("main a[href='/consultations']")
    assert link.get_text(strip=True) == "the first page"
    assert "Open consultations are on the first page." in page(second).select_one("main").get_text(
        " ", strip=True
    ).replace(" .", ".")
    prev = page(second).select_one("main nav.govuk-pagination .govuk-pagination__prev a")
    assert prev["href"] == "/consultations?page=1"


def test_one_page_of_closed_consultations_has_no_page_links(client):
    for n in range(3):
        closed_consultation(n)
    response = client.get("/consultations")
    assert titles(table_titled(response, "Closed consultations")) == [
        "Closed 00",
        "Closed 01",
        "Closed 02",
    ]
    assert page(response).select_one("main nav.govuk-pagination") is None
    assert status_line(response) == ""


def test_open_and_closed_are_decided_as_effective_status_decides(client):
    """Open with the closing time still ahead is open; open past its closing
    time, closed, summary published and reply published are closed."""
    now = now_utc()
    open_one = factories.consultation(title="Still open", closes_at=now + timedelta(days=3))
    past = closed_consultation(1, status=ConsultationStatus.OPEN)
    closed = closed_consultation(2, status=ConsultationStatus.CLOSED)
    summary = closed_consultation(3, status=ConsultationStatus.SUMMARY_PUBLISHED)
    reply = closed_consultation(4, status=ConsultationStatus.REPLY_PUBLISHED)
    draft = factories.consultation(title="A draft", status=ConsultationStatus.DRAFT)

    response = client.get("/consultations")
    shown_open = titles(table_titled(response, "Open consultations"))
    shown_closed = titles(table_titled(response, "Closed consultations"))
    assert shown_open == ["Still open"]
    assert shown_closed == ["Closed 01", "Closed 02", "Closed 03", "Closed 04"]
    assert "A draft" not in page(response).get_text()
    for consultation in (open_one, past, closed, summary, reply):
        expected = services.effective_status(consultation, now_utc())
        title = consultation.title
        assert (title in shown_open) == (expected is ConsultationStatus.OPEN)
        assert (title in shown_closed) == (
            expected is not ConsultationStatus.OPEN and expected is not ConsultationStatus.DRAFT
        )
    assert services.effective_status(draft) is ConsultationStatus.DRAFT
    rows = table_titled(response, "Closed consultations")
    assert rows[0][2].endswith("Closed")
    assert rows[1][2].endswith("Closed")
    assert rows[2][2].endswith("Summary published")
    assert rows[3][2].endswith("Government reply published")


def test_drafts_are_on_the_first_page_for_the_secretariat_only(client, login_as):
    factories.consultation(title="A draft", status=ConsultationStatus.DRAFT)
    for n in range(PAGE_SIZE + 1):
        closed_consultation(n)
    assert "Drafts (only the secretariat can see these)" not in captions(
        client.get("/consultations")
    )

    login_as(Role.SECRETARIAT)
    first = client.get("/consultations")
    assert captions(first) == [
        "Drafts (only the secretariat can see these)",
        "Closed consultations",
    ]
    assert titles(table_titled(first, "Drafts (only the secretariat can see these)")) == ["A draft"]
    assert "There are no open consultations." in page(first).select_one("main").get_text()
    second = client.get("/consultations?page=2")
    assert captions(second) == ["Closed consultations"]
    main = page(second).select_one("main").get_text(" ", strip=True).replace(" .", ".")
    assert "Open consultations and drafts are on the first page." in main


# The viewer's authorities -----------------------------------------------------------------------


def test_responses_and_extensions_are_shown_for_the_consultations_on_the_page(
    client, council, leader
):
    """The viewer's responses and extensions are read for the consultations
    shown only (``consultation_id IN``), yet each page shows its own."""
    newest = closed_consultation(0)
    oldest = closed_consultation(PAGE_SIZE)
    for n in range(1, PAGE_SIZE):
        closed_consultation(n)
    factories.submitted_response(consultation=newest, authority=council)
    factories.submitted_response(consultation=oldest, authority=council)
    extension = Extension(
        consultation_id=oldest.id,
        authority_id=council.id,
        closes_at=now_utc() + timedelta(days=5, hours=2),
        reason="Full council meets after the deadline",
    )
    db.session.add(extension)
    sign_in(client, leader)

    with count_statements(selects_only=True) as statements:
        first = client.get("/consultations")
    rows = table_titled(first, "Closed consultations")
    assert rows[0][0].startswith("Closed 00") and rows[0][3] == "Submitted"
    assert {row[3] for row in rows[1:]} == {"Not started"}
    for table in ("responses", "extensions"):
        [read] = [s for s in statements if s.lstrip().startswith(f"SELECT {table}.id")]
        assert f"{table}.consultation_id IN" in read

    [row] = table_titled(client.get("/consultations?page=2"), "Closed consultations")
    assert row[0].startswith(f"Closed {PAGE_SIZE:02d}")
    assert row[3] == (f"Submitted Extended to {format_datetime(extension.closes_at)}: 5 days left")


def test_open_consultations_show_the_viewers_responses_beside_a_full_page_of_closed_ones(
    client, council, leader
):
    current = factories.consultation(title="Open now", closes_at=now_utc() + timedelta(days=4))
    factories.draft_response(consultation=current, authority=council)
    for n in range(PAGE_SIZE + 2):
        closed_consultation(n)
    sign_in(client, leader)
    response = client.get("/consultations")
    [row] = table_titled(response, "Open consultations")
    assert row[0].startswith("Open now") and row[3] == "Draft"
    assert len(table_titled(response, "Closed consultations")) == PAGE_SIZE


# Bad page numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "0", "-3", "", "1.5", "%00"])
def test_a_page_number_that_is_not_one_shows_the_first_page(client, value):
    factories.consultation(title="Open now")
    closed_consultation(0)
    response = client.get(f"/consultations?page={value}")
    expect(response, 200)
    assert captions(response) == ["Open consultations", "Closed consultations"]


@pytest.mark.parametrize("value", ["2", "99", "1000000", "99999999999999999999"])
def test_a_page_beyond_the_last_is_not_found(client, value):
    for n in range(3):
        closed_consultation(n)
    response = client.get(f"/consultations?page={value}")
    expect(response, 404)
    assert heading(response) == "Page not found"


def test_with_no_closed_consultations_only_the_first_page_exists(client):
    factories.consultation(title="Open now")
    expect(client.get("/consultations"), 200)
    assert captions(client.get("/consultations")) == ["Open consultations"]
    expect(client.get("/consultations?page=2"), 404)


# Work per page ------------------------------------------------------------------------------------


def _statements_for(client, path: str) -> int:
    with count_statements() as statements:
        response = client.get(path)
    expect(response, 200)
    return len(statements)


def _add_history(council, start: int, count: int) -> None:
    """``count`` more closed consultations, each answered by ``council`` and
    every third with an extension for it."""
    for n in range(start, start + count):
        consultation = closed_consultation(n)
        factories.submitted_response(consultation=consultation, authority=council)
        if n % 3 == 0:
            db.session.add(
                Extension(
                    consultation_id=consultation.id,
                    authority_id=council.id,
                    closes_at=now_utc() + timedelta(days=3),
                    reason="Full council meets after the deadline",
                )
            )
    db.session.commit()


@pytest.mark.parametrize("role", [None, Role.LEADER, Role.OFFICER, Role.SECRETARIAT])
def test_the_lists_statements_do_not_grow_with_history(client, council, role):
    for title in ("Open one", "Open two"):
        current = factories.consultation(title=title)
        factories.submitted_response(consultation=current, authority=council)
    factories.consultation(title="A draft", status=ConsultationStatus.DRAFT)
    if role is Role.SECRETARIAT:
        sign_in(client, factories.user(role=Role.SECRETARIAT))
    elif role is not None:
        sign_in(client, factories.person_at(authority=council, role=role))

    _add_history(council, 0, 3)
    few = _statements_for(client, "/consultations")
    _add_history(council, 3, 37)
    many = _statements_for(client, "/consultations")
    assert few == many
    assert len(table_titled(client.get("/consultations"), "Closed consultations")) == PAGE_SIZE


def test_a_later_pages_statements_do_not_grow_with_history(client, council, leader):
    sign_in(client, leader)
    _add_history(council, 0, PAGE_SIZE + 3)
    few = _statements_for(client, "/consultations?page=2")
    _add_history(council, PAGE_SIZE + 3, PAGE_SIZE * 2)
    many = _statements_for(client, "/consultations?page=2")
    assert few == many
