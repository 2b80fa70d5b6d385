"""A council's record of positions (every consultation it answered, with the
control at the time) and comparing councils' answers side by side: who sees
which response, the filters, the download, the compare form's messages, and
the record's statement count, which must not grow with its rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commission.auth.roles import Role
from commission.consultations.models import Channel, ConsultationStatus, Position, Response
from commission.extensions import db
from commission.membership.models import Control
from commission.timeutil import format_date, london_date, now_utc
from tests import factories
from tests.conftest import count_statements
from tests.pages import error_summary, expect, main_text, ok, page, read_csv, sign_in


def positions_url(authority, **args: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/authorities/{authority.slug}/positions" + (f"?{query}" if query else "")


def compare_url(consultation, query: str = "") -> str:
    return f"/consultations/{consultation.reference}/compare" + (f"?{query}" if query else "")


def publish(consultation) -> None:
    consultation.status = ConsultationStatus.SUMMARY_PUBLISHED
    factories.summary_snapshot(consultation=consultation, published=True)


def closed_consultation(**kwargs):
    now = now_utc()
    return factories.consultation(
        opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1), **kwargs
    )


@pytest.fixture
def record():
    """Ashford (Labour now, Conservative when it answered the published
    consultation) answered a published consultation and an open one; Barton
    answered the published one too."""
    ashford = factories.council(name="Ashford", control=Control.LABOUR)
    barton = factories.council(name="Barton", control=Control.CONSERVATIVE)
    published = closed_consultation(title="Devolution white paper")
    answered = factories.submitted_response(
        consultation=published, authority=ashford, position=Position.SUPPORT_WITH_AMENDMENTS
    )
    answered.control_at_submission = Control.CONSERVATIVE.value
    answered.submitted_comment = "Only with funding"
    factories.submitted_response(consultation=published, authority=barton, position=Position.OPPOSE)
    publish(published)
    open_one = factories.consultation(title="Waste collection reform")
    factories.submitted_response(consultation=open_one, authority=ashford, position=Position.OPPOSE)
    db.session.flush()
    return {
        "ashford": ashford,
        "barton": barton,
        "published": published,
        "open": open_one,
    }


def headings(response) -> list[str]:
    return [
        h.get_text(" ", strip=True) for h in page(response).select("main .app-position-record h2")
    ]


# The record of positions -------------------------------------------------------------------------


def test_the_public_sees_answers_once_the_summary_is_published(client, record):
    shown = ok(client.get(positions_url(record["ashford"])))

    text = main_text(shown)
    assert "Devolution white paper" in headings(shown)
    assert "Waste collection reform" not in text
    assert "Support with amendments" in text
    assert "Only with funding" in text
    assert record["published"].department.name in text
    assert format_date(london_date(now_utc())) in text
    assert "1 consultation" in text


def test_the_party_in_control_is_the_one_when_the_council_responded(client, record):
    shown = ok(client.get(positions_url(record["ashford"])))

    rows = {
        row.select_one("dt").get_text(" ", strip=True): row.select_one("dd").get_text(
            " ", strip=True
        )
        for row in page(shown).select(".govuk-summary-list__row")
    }
    assert rows["Political control at the time"] == "Conservative"


def test_each_answer_is_listed_with_its_question(client, record):
    shown = ok(client.get(positions_url(record["ashford"])))

    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in page(shown).select("main table tbody tr")
    ]
    assert rows == [
        ["1. Question 1?", "Support with amendments", ""],
        ["2. Question 2?", "", "Our view"],
    ]


@pytest.mark.parametrize("role", ["officer", "secretariat", "chair", "lead department minister"])
def test_those_who_could_already_see_a_response_see_it_before_publication(client, record, role):
    ashford, open_one = record["ashford"], record["open"]
    if role == "officer":
        person = factories.person_at(authority=ashford, role=Role.OFFICER)
    elif role == "lead department minister":
        person = factories.minister(department=open_one.department)
    else:
        person = factories.user(role=Role(role))
    sign_in(client, person)

    shown = ok(client.get(positions_url(ashford)))

    assert headings(shown) == ["Waste collection reform", "Devolution white paper"]
    assert "Not public yet" in main_text(shown)


@pytest.mark.parametrize("role", ["other minister", "leader elsewhere", "anonymous"])
def test_nobody_else_sees_a_response_before_publication(client, record, role):
    if role == "other minister":
        sign_in(client, factories.minister())
    elif role == "leader elsewhere":
        sign_in(client, factories.person_at(authority=record["barton"], role=Role.LEADER))

    shown = ok(client.get(positions_url(record["ashford"])))
    csv = read_csv(
        client.get(positions_url(record["ashford"]).replace("positions", "positions.csv"))
    )

    assert headings(shown) == ["Devolution white paper"]
    assert "Waste collection reform" not in main_text(shown)
    assert {row[0] for row in csv[1:]} == {record["published"].reference}


def test_the_authoritys_own_people_get_a_link_to_the_response(client, record):
    ashford = record["ashford"]
    sign_in(client, factories.person_at(authority=ashford, role=Role.OFFICER))

    shown = ok(client.get(positions_url(ashford)))

    links = [a["href"] for a in page(shown).select("main a")]
    assert f"/consultations/{record['open'].reference}/responses/{ashford.slug}" in links


def test_the_public_gets_no_link_to_the_response_pages(client, record):
    shown = ok(client.get(positions_url(record["ashford"])))

    assert not [a for a in page(shown).select("main a") if "/responses/" in a["href"]]


def test_a_position_stated_at_a_meeting_is_listed_with_its_meeting(client, record):
    meeting = factories.held_meeting()
    factories.stated_position(
        consultation=record["published"],
        authority=record["ashford"],
        meeting=meeting,
        position="oppose",
        comment="Said in the room",
    )

    shown = ok(client.get(positions_url(record["ashford"])))

    assert "Stated at meetings" in headings(shown) or "Stated at meetings" in main_text(shown)
    assert f"{format_date(london_date(meeting.starts_at))}: Oppose. Said in the room" in (
        main_text(shown)
    )


def test_a_response_made_by_stating_a_position_says_so(client, record):
    response = factories.submitted_response(
        consultation=record["published"], authority=factories.council(name="Carlow")
    )
    response.channel = Channel.STATED_AT_MEETING
    db.session.flush()

    shown = ok(client.get(positions_url(response.authority)))

    assert "(at a meeting)" in main_text(shown)


def test_the_record_filters_by_department_and_year(client, record):
    ashford = record["ashford"]
    other = closed_consultation(title="Planning green paper")
    old = factories.submitted_response(consultation=other, authority=ashford)
    old.submitted_at = datetime(2025, 3, 3, 12, tzinfo=UTC)
    publish(other)
    db.session.flush()

    by_department = ok(client.get(positions_url(ashford, department=other.department.short_name)))
    by_year = ok(client.get(positions_url(ashford, year="2025")))
    this_year = ok(client.get(positions_url(ashford, year=str(london_date(now_utc()).year))))

    assert headings(by_department) == ["Planning green paper"]
    assert headings(by_year) == ["Planning green paper"]
    assert headings(this_year) == ["Devolution white paper"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"department": "NOPE"}, "Select a department from the list"),
        ({"year": "1999"}, "Select a year from the list"),
        ({"year": "twenty"}, "Select a year from the list"),
        ({"year": "9" * 40}, "Select a year from the list"),
    ],
)
def test_a_filter_not_offered_says_so_and_narrows_nothing(client, record, args, message):
    shown = ok(client.get(positions_url(record["ashford"], **args)))

    assert [text for text, _ in error_summary(shown)] == [message]
    assert headings(shown) == ["Devolution white paper"]


def test_the_record_downloads_as_a_formula_safe_csv(client, record):
    answered = db.session.execute(
        db.select(Response).where(
            Response.authority_id == record["ashford"].id,
            Response.consultation_id == record["published"].id,
        )
    ).scalar_one()
    answered.submitted_comment = "=HYPERLINK(1)"
    db.session.flush()

    rows = read_csv(client.get(f"/authorities/{record['ashford'].slug}/positions.csv"))

    assert rows[0] == [
        "Reference",
        "Consultation",
        "Department",
        "Submitted",
        "Channel",
        "Political control at response",
        "Question number",
        "Question",
        "Position",
        "Comment",
    ]
    overall = rows[1]
    assert overall[0] == record["published"].reference
    assert overall[4:] == [
        "Online",
        "Conservative",
        "Overall",
        "Overall position",
        "Support with amendments",
        "'=HYPERLINK(1)",
    ]
    assert [row[6] for row in rows[1:]] == ["Overall", "1", "2"]


def test_a_council_with_no_record_has_an_empty_state(client):
    carlow = factories.council(name="Carlow")

    shown = ok(client.get(positions_url(carlow)))

    assert "No responses by Carlow are on the record yet" in main_text(shown)
    assert not page(shown).select("main form")


def test_an_unknown_authority_is_not_found(client):
    expect(client.get("/authorities/nowhere/positions"), 404)


def test_the_record_is_paged(client, record):
    ashford = record["ashford"]
    for _ in range(20):
        consultation = closed_consultation()
        factories.submitted_response(consultation=consultation, authority=ashford)
        publish(consultation)
    db.session.flush()

    first = ok(client.get(positions_url(ashford)))
    second = ok(client.get(positions_url(ashford, page="2")))

    assert len(headings(first)) == 20
    assert len(headings(second)) == 1
    assert "Showing 1 to 20 of 21 consultations" in main_text(first)
    expect(client.get(positions_url(ashford, page="3")), 404)


def test_the_authority_page_links_to_its_record(client, record):
    shown = ok(client.get(f"/authorities/{record['ashford'].slug}"))

    links = [a["href"] for a in page(shown).select("main a")]
    assert positions_url(record["ashford"]) in links


def test_the_record_reads_the_same_number_of_statements_for_more_rows(client, record):
    ashford = record["ashford"]
    sign_in(client, factories.person_at(authority=ashford, role=Role.OFFICER))
    client.get(positions_url(ashford))  # warm up, as below
    with count_statements() as few:
        ok(client.get(positions_url(ashford)))
    for _ in range(6):
        consultation = closed_consultation(questions=4)
        factories.submitted_response(consultation=consultation, authority=ashford)
        factories.stated_position(
            consultation=consultation, authority=ashford, meeting=factories.held_meeting()
        )
        publish(consultation)
    db.session.flush()
    client.get(positions_url(ashford))  # the new records' change is counted once, here

    with count_statements() as many:
        shown = ok(client.get(positions_url(ashford)))

    assert len(headings(shown)) == 8
    assert len(many) == len(few), "\n".join(s[:90] for s in many)


# Comparing ---------------------------------------------------------------------------------------


def compare_table(response) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in page(response).select("main table tbody tr")
    ]


def test_two_authorities_answers_side_by_side(client, record):
    query = f"authority={record['ashford'].slug}&authority={record['barton'].slug}"

    shown = ok(client.get(compare_url(record["published"], query)))

    header = [th.get_text(" ", strip=True) for th in page(shown).select("main table thead th")]
    assert header == ["Question", "Ashford", "Barton"]
    assert compare_table(shown) == [
        ["Political control at response", "Conservative", "Conservative"],
        ["Overall position", "Support with amendments Only with funding", "Oppose"],
        ["1. Question 1?", "Support with amendments", "Oppose"],
        ["2. Question 2?", "No answer Our view", "No answer Our view"],
    ]
    region = page(shown).select_one("main .app-table-wrapper")
    assert region["tabindex"] == "0" and region["aria-label"] == "Answers side by side"


def test_an_authority_against_all_members(client, record):
    query = f"authority={record['ashford'].slug}&with=all"

    shown = ok(client.get(compare_url(record["published"], query)))

    rows = compare_table(shown)
    assert rows[1][0] == "Overall position"
    assert rows[1][2].startswith("Support: 0 (0.0%) Support with amendments: 1 (50.0%)")
    assert "Oppose: 1 (50.0%)" in rows[1][2]
    assert rows[3][2] == "Free text: no figures"


def test_the_form_lists_only_responses_the_person_may_see(client, record):
    sign_in(client, factories.person_at(authority=record["ashford"], role=Role.OFFICER))

    shown = ok(client.get(compare_url(record["open"])))

    offered = [box["value"] for box in page(shown).select("input[name=authority]")]
    assert offered == [record["ashford"].slug]


def test_before_publication_the_public_has_nothing_to_compare(client, record):
    shown = ok(client.get(compare_url(record["open"], f"authority={record['ashford'].slug}")))

    assert "There are no responses to compare yet" in main_text(shown)
    assert not page(shown).select("main table")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("authority={a}", "Select at least two authorities, or one and all members' answers"),
        ("authority={a}&authority=nowhere", "Select authorities from the list"),
        ("authority={a}&authority={a}", "Select each authority once"),
        ("with=all", "Select at least one authority"),
        ("compare=yes", "Select at least one authority"),
        ("authority={a}&with=everyone", "Select all members' answers, or nothing, to compare with"),
    ],
)
def test_a_choice_that_cannot_be_compared_says_why(client, record, query, message):
    query = query.format(a=record["ashford"].slug)

    shown = ok(client.get(compare_url(record["published"], query)))

    assert message in [text for text, _ in error_summary(shown)]
    assert not page(shown).select("main table")


def test_all_members_figures_wait_for_publication_for_the_councils_own_people(client, record):
    ashford = record["ashford"]
    other = factories.person_at(authority=record["barton"], role=Role.OFFICER)
    factories.appointment(user=other, role=Role.OFFICER, authority=ashford)
    factories.submitted_response(consultation=record["open"], authority=record["barton"])
    sign_in(client, other)

    shown = ok(client.get(compare_url(record["open"], f"authority={ashford.slug}&with=all")))

    assert [t for t, _ in error_summary(shown)] == [
        "All members' answers can be compared once the summary of positions is published"
    ]


def test_the_record_links_to_compare_with_all_members(client, record):
    shown = ok(client.get(positions_url(record["ashford"])))

    [link] = [a for a in page(shown).select("main a") if "Compare with all members" in a.get_text()]
    ok(client.get(link["href"]))


def test_the_consultation_page_links_to_compare_once_the_summary_is_seen(client, record):
    published = ok(client.get(f"/consultations/{record['published'].reference}"))
    still_open = ok(client.get(f"/consultations/{record['open'].reference}"))

    assert compare_url(record["published"]) in [a["href"] for a in page(published).select("a")]
    assert compare_url(record["open"]) not in [a["href"] for a in page(still_open).select("a")]


def test_comparing_reads_the_same_number_of_statements_for_more_authorities(client, record):
    consultation = record["published"]
    more = [factories.council(name=f"Dunmore {n}") for n in range(4)]
    for authority in more:
        factories.submitted_response(consultation=consultation, authority=authority)
    db.session.flush()
    two = f"authority={record['ashford'].slug}&authority={record['barton'].slug}&with=all"
    six = two + "".join(f"&authority={a.slug}" for a in more)
    client.get(compare_url(consultation, two))  # warm up, as below

    with count_statements() as few:
        ok(client.get(compare_url(consultation, two)))
    with count_statements() as many:
        shown = ok(client.get(compare_url(consultation, six)))

    assert len(page(shown).select("main table thead th")) == 8
    assert len(many) == len(few)
