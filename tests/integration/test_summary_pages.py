"""The summary page: who may see it at each stage, the figures it shows, and
its charts (figures named by their title, with each group's values written
under its bar, the same figures in a table), readable without JavaScript.
Also the query count of the page, which must not grow with the number of
responses."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest
from sqlalchemy import delete

from commission.auth.roles import Role
from commission.consultations.models import ConsultationStatus, Extension, Position
from commission.exports.models import CachedDownload
from commission.extensions import db
from commission.membership.models import AuthorityKind, Control, Region
from commission.timeutil import format_datetime, now_utc
from tests import factories
from tests.conftest import count_selects, count_statements
from tests.pages import expect, heading, ok, page, sign_in

# Helpers -----------------------------------------------------------------------------------------


def summary_url(consultation) -> str:
    return f"/consultations/{consultation.reference}/summary"


def question_url(consultation, number: int) -> str:
    return f"{summary_url(consultation)}/questions/{number}"


def build(stage: str = "open"):
    """Three member councils: Ashford (Labour, 100k) supports, Barton
    (Conservative, 200k) opposes, Carlow (no overall control, 300k) has not
    started. ``stage`` is open, closed or published."""
    now = now_utc()
    if stage == "open":
        consultation = factories.consultation(opens_at=now - timedelta(days=10))
    else:
        consultation = factories.consultation(
            opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1)
        )
    ashford = factories.council(
        name="Ashford", population=100_000, control=Control.LABOUR, region=Region.NORTH_WEST
    )
    barton = factories.council(
        name="Barton",
        population=200_000,
        control=Control.CONSERVATIVE,
        kind=AuthorityKind.DISTRICT,
        region=Region.SOUTH_EAST,
    )
    factories.council(name="Carlow", population=300_000, control=Control.NO_OVERALL_CONTROL)
    factories.submitted_response(
        consultation=consultation, authority=ashford, position=Position.SUPPORT
    )
    factories.submitted_response(
        consultation=consultation, authority=barton, position=Position.OPPOSE
    )
    if stage == "closed":
        consultation.status = ConsultationStatus.CLOSED
    if stage == "published":
        consultation.status = ConsultationStatus.SUMMARY_PUBLISHED
        factories.summary_snapshot(consultation=consultation, published=True)
    db.session.flush()
    return consultation


def viewer(role: str, consultation):
    """A person in the named position, or None for someone not signed in."""
    if role == "anonymous":
        return None
    if role == "lead department minister":
        return factories.minister(department=consultation.department)
    if role == "other minister":
        return factories.minister()
    return factories.user(role=Role(role))


PRIVILEGED = ["secretariat", "chair", "lead department minister"]
OTHERS = ["other minister", "leader", "mayor", "deputy", "officer", "anonymous"]


def caption_table(soup, caption: str):
    for table in soup.select("table"):
        found = table.select_one("caption")
        if found and found.get_text(" ", strip=True) == caption:
            return table
    raise AssertionError(f"no table captioned {caption!r}")


def body_rows(table) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.select("tbody tr")
    ]


def charts(soup):
    return soup.select("main figure.app-chart")


def chart_title(chart) -> str:
    return chart.select_one("figcaption").get_text(" ", strip=True)


def chart_description(chart) -> str:
    """What a screen reader hears of a chart after its name: each group and
    its values (the legend and the bars are hidden from it)."""
    heard = copy.copy(chart)
    for hidden in heard.select("[aria-hidden=true]"):
        hidden.decompose()
    return " ".join(group.get_text(" ", strip=True) for group in heard.select(".app-chart__group"))


# Who may see it ----------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["open", "closed"])
@pytest.mark.parametrize("role", PRIVILEGED)
def test_the_live_summary_is_seen_by_secretariat_chair_and_lead_ministers(client, stage, role):
    consultation = build(stage)
    sign_in(client, viewer(role, consultation))

    shown = ok(client.get(summary_url(consultation)))

    assert heading(shown) == "Where councils stand"
    assert "Live" in page(shown).select_one("main .govuk-tag").get_text()


def test_the_live_summary_says_when_its_figures_were_computed_in_london_time(client):
    consultation = build()
    sign_in(client, viewer(Role.SECRETARIAT, consultation))
    before = now_utc().replace(second=0, microsecond=0)
    response = client.get(summary_url(consultation))
    after = now_utc()
    shown = page(response).select_one("main .govuk-tag").parent.get_text(" ", strip=True)
    times = {format_datetime(before), format_datetime(after)}
    assert any(f"Figures as they stand at {t}." in shown for t in times), shown
    assert "UTC" not in shown


@pytest.mark.parametrize("stage", ["open", "closed"])
@pytest.mark.parametrize("role", OTHERS)
def test_nobody_else_sees_the_summary_before_it_is_published(client, stage, role):
    consultation = build(stage)
    person = viewer(role, consultation)
    if person is not None:
        sign_in(client, person)

    for path in ("", ".csv", ".xlsx", ".pdf", "/comments"):
        response = client.get(summary_url(consultation) + path)
        expect(response, 404)


def test_a_minister_whose_appointment_has_ended_does_not_see_the_live_summary(client):
    consultation = build("open")
    person = factories.user()
    factories.appointment(
        user=person,
        role=Role.MINISTER,
        office=factories.ministerial_office(
            department=consultation.department, title="Former Minister"
        ),
        starts_on=now_utc().date() - timedelta(days=100),
        ends_on=now_utc().date() - timedelta(days=10),
    )
    sign_in(client, person)

    expect(client.get(summary_url(consultation)), 404)


@pytest.mark.parametrize("role", PRIVILEGED + OTHERS)
def test_everyone_sees_the_summary_once_published(client, role):
    consultation = build("published")
    person = viewer(role, consultation)
    if person is not None:
        sign_in(client, person)

    shown = ok(client.get(summary_url(consultation)))

    assert heading(shown) == "Where councils stand"
    assert "2 of 3 member authorities have submitted a position" in page(shown).get_text(
        " ", strip=True
    )


def test_the_public_sees_the_published_snapshot_not_later_responses(client):
    consultation = build("published")
    late = factories.council(name="Latecomer", population=50_000)
    factories.submitted_response(consultation=consultation, authority=late)

    response = client.get(summary_url(consultation))

    soup = page(response)
    text = soup.get_text(" ", strip=True)
    assert "Published" in soup.select_one("main .govuk-tag").get_text()
    assert "2 of 4 member authorities" not in text
    assert "2 of 3 member authorities have submitted a position" in text
    # The published view has no list of authorities that have not responded.
    assert "have not submitted" not in text


def test_a_draft_consultation_has_no_summary_even_for_the_chair(client):
    consultation = factories.consultation(status=ConsultationStatus.DRAFT)
    sign_in(client, factories.user(role=Role.CHAIR))

    expect(client.get(summary_url(consultation)), 404)


# What it shows -----------------------------------------------------------------------------------


@pytest.fixture
def shown(client):
    consultation = build("open")
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    response = ok(client.get(summary_url(consultation)))
    return consultation, page(response)


def test_the_page_shows_coverage_and_who_has_not_responded(shown):
    consultation, soup = shown
    text = soup.get_text(" ", strip=True)

    assert "2 of 3 member authorities have submitted a position (67%)." in text
    assert body_rows(caption_table(soup, "Coverage by political control")) == [
        ["Conservative", "1", "1 (100%)", "0 (0%)", "0 (0%)"],
        ["Labour", "1", "1 (100%)", "0 (0%)", "0 (0%)"],
        ["No overall control", "1", "0 (0%)", "0 (0%)", "1 (100%)"],
    ]
    assert body_rows(caption_table(soup, "Coverage by type of authority")) == [
        ["District council", "1", "1 (100%)", "0 (0%)", "0 (0%)"],
        ["Unitary authority", "2", "1 (50%)", "0 (0%)", "1 (50%)"],
    ]
    missing = [a.get_text(strip=True) for a in soup.select("main details ul.govuk-list a")]
    assert missing == ["Carlow"]
    [carlow] = soup.select("main details ul.govuk-list li")
    closes = format_datetime(consultation.closes_at)
    assert carlow.get_text(" ", strip=True) == f"Carlow (not started, closes {closes})"


def test_an_extension_shows_the_later_deadline_that_applies(client):
    consultation = build("open")
    late = factories.council(name="Dunmore")
    factories.draft_response(consultation=consultation, authority=late)
    extended_to = consultation.closes_at + timedelta(days=14)
    db.session.add(
        Extension(
            consultation_id=consultation.id,
            authority_id=late.id,
            closes_at=extended_to,
            reason="Elections",
        )
    )
    db.session.flush()
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    soup = page(ok(client.get(summary_url(consultation))))
    assert [
        li.get_text(" ", strip=True) for li in soup.select("main details ul.govuk-list li")
    ] == [
        f"Carlow (not started, closes {format_datetime(consultation.closes_at)})",
        f"Dunmore (draft only, extended to {format_datetime(extended_to)})",
    ]


def test_the_overall_table_shows_count_share_and_weighted_share_side_by_side(shown):
    _, soup = shown
    table = caption_table(soup, "Overall positions: count, share, and share weighted by population")
    headers = [th.get_text(strip=True) for th in table.select("thead th")]

    assert headers == [
        "Group",
        "Support",
        "Support with amendments",
        "Neutral",
        "Oppose",
        "No position",
        "Responses",
    ]
    # Support: 1 of 2 (50%), 100k of 300k people (33.3%); Oppose: 200k (66.7%).
    assert body_rows(table) == [
        [
            "All",
            "1 (50.0%) 33.3% by population",
            "0 (0.0%) 0.0% by population",
            "0 (0.0%) 0.0% by population",
            "1 (50.0%) 66.7% by population",
            "0 (0.0%) 0.0% by population",
            "2",
        ]
    ]


def test_the_split_by_control_type_and_region_are_tables(shown):
    _, soup = shown

    by_control = body_rows(
        caption_table(soup, "Overall positions by political control at the time of the response")
    )
    assert [row[0] for row in by_control] == ["Conservative", "Labour"]
    assert by_control[0][4] == "1 (100.0%) 100.0% by population"
    assert by_control[1][1] == "1 (100.0%) 100.0% by population"
    by_type = body_rows(caption_table(soup, "Overall positions by type of authority"))
    assert [(row[0], row[-1]) for row in by_type] == [
        ("District council", "1"),
        ("Unitary authority", "1"),
    ]
    by_region = body_rows(caption_table(soup, "Overall positions by region"))
    assert [(row[0], row[-1]) for row in by_region] == [("North West", "1"), ("South East", "1")]


def test_each_chart_is_named_by_its_title_and_its_values_are_said_once(shown):
    _, soup = shown
    found = charts(soup)

    # Overall by count and by population, by control, by type and by region;
    # each question's charts are on its own page.
    assert len(found) == 5
    for chart in found:
        caption = chart.select_one("figcaption")
        assert caption.get_text(strip=True)
        # The name is the title alone; the values are not part of it.
        assert chart["aria-labelledby"].split() == [caption["id"]]
        assert chart.select("desc, [role=img], [aria-describedby]") == []
        # The bars are drawn for the eye only; the values under them are text.
        for bar in chart.select("svg.app-chart__bar"):
            assert bar["aria-hidden"] == "true"
            # Touching segments are parted by a white gap.
            for rect in bar.select("rect"):
                assert (rect["stroke"], rect["stroke-width"]) == ("#ffffff", "2")
        assert chart.select(".app-chart__values li")
    ids = [chart.select_one("figcaption")["id"] for chart in found]
    assert len(set(ids)) == len(ids)


def test_chart_descriptions_carry_the_same_figures_as_the_tables(shown):
    _, soup = shown
    described = {chart_title(chart): chart_description(chart) for chart in charts(soup)}

    assert described["Overall positions, share of responding authorities"] == (
        "All responses (by count) (2 responses) Support: 50.0% Oppose: 50.0%"
    )
    assert described["Overall positions, share weighted by population"] == (
        "Weighted by population (2 responses) Support: 33.3% Oppose: 66.7%"
    )
    assert described["Overall positions by political control"] == (
        "Conservative (1 response) Oppose: 100.0% Labour (1 response) Support: 100.0%"
    )


def test_the_figures_are_in_the_html_not_drawn_by_script(shown):
    _, soup = shown
    main = soup.select_one("main")

    assert main.select("script") == []
    # Every chart has a table of its figures after it.
    for chart in charts(soup):
        assert chart.find_next("table") is not None
    # Nothing is hidden from people without JavaScript: the detail sections are
    # native <details>. Only the charts' drawings are hidden from assistive
    # technology: each legend (which repeats the table headings), each bar and
    # each colour swatch; the values they show are written out as text.
    # (The map has its own checks: tests/integration/test_maps.py.)
    hidden = [
        el for el in main.select("[aria-hidden=true]") if el.find_parent(class_="app-map") is None
    ]
    assert {el.name for el in hidden} == {"ul", "svg"}
    assert all("app-legend" in el["class"] for el in hidden if el.name == "ul")
    assert all(
        {"app-chart__bar", "app-chart__swatch"} & set(el["class"])
        for el in hidden
        if el.name == "svg"
    )
    assert main.select("[hidden]") == []


def test_the_page_links_downloads_and_comments(shown):
    consultation, soup = shown
    links = {a.get_text(" ", strip=True): a["href"] for a in soup.select("main a")}

    base = summary_url(consultation)
    assert links["ministerial briefing pack (PDF)"] == base + ".pdf"
    assert links["spreadsheet (XLSX)"] == base + ".xlsx"
    assert links["every answer (CSV)"] == base + ".csv"
    assert links["Read the comments"] == base + "/comments"


def test_only_the_secretariat_is_offered_freezing_and_publishing(client):
    consultation = build("closed")
    sign_in(client, factories.user(role=Role.CHAIR))

    soup = page(client.get(summary_url(consultation)))

    texts = [a.get_text(strip=True) for a in soup.select("main a")]
    assert "Freeze this summary for a meeting" not in texts
    assert "Publish the summary" not in texts

    sign_in(client, factories.user(role=Role.SECRETARIAT))
    soup = page(client.get(summary_url(consultation)))
    texts = [a.get_text(strip=True) for a in soup.select("main a")]
    assert "Freeze this summary for a meeting" in texts
    assert "Publish the summary" in texts


# Query count -------------------------------------------------------------------------------------


def consultation_with(responses: int):
    consultation = factories.consultation(questions=4)
    positions = list(Position)
    for n in range(responses):
        authority = factories.council(
            control=[Control.LABOUR, Control.CONSERVATIVE, Control.GREEN][n % 3],
            kind=[AuthorityKind.UNITARY, AuthorityKind.DISTRICT][n % 2],
        )
        factories.submitted_response(
            consultation=consultation, authority=authority, position=positions[n % len(positions)]
        )
    return consultation


def test_the_summary_page_issues_as_many_statements_for_40_responses_as_for_5(client):
    few = consultation_with(5)
    many = consultation_with(40)
    few_url, many_url = summary_url(few), summary_url(many)
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    client.get(few_url)

    # Computed (nothing kept yet for either), then kept.
    db.session.execute(delete(CachedDownload))
    with count_statements() as for_few:
        expect(client.get(few_url), 200)
    with count_statements() as for_many:
        expect(client.get(many_url), 200)
    with count_statements() as kept_few:
        expect(client.get(few_url), 200)
    with count_statements() as kept_many:
        expect(client.get(many_url), 200)

    assert len(for_few) == len(for_many)
    assert len(for_few) < 40
    assert len(kept_few) == len(kept_many)
    assert len(kept_many) < len(for_many)
    assert not any("FROM answers" in s or "JOIN answers" in s for s in kept_many)


def test_a_question_page_is_kept_until_a_response_changes_its_figures(client):
    consultation = consultation_with(5)
    url = question_url(consultation, 1)
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    db.session.execute(delete(CachedDownload))

    with count_statements() as computed:
        first = page(client.get(url))
    with count_statements() as kept:
        again = page(client.get(url))

    assert again.find("h1").get_text() == first.find("h1").get_text()
    assert any("FROM answers" in s or "JOIN answers" in s for s in computed)
    assert not any("FROM answers" in s or "JOIN answers" in s for s in kept)
    assert len(kept) < len(computed)
    before = body_rows(
        caption_table(again, "Question 1: positions overall and by political control")
    )

    factories.submitted_response(
        consultation=consultation, authority=factories.council(), position=Position.OPPOSE
    )
    db.session.flush()
    after = body_rows(
        caption_table(
            page(client.get(url)), "Question 1: positions overall and by political control"
        )
    )
    assert (before[0][0], before[0][-1]) == ("All", "5")
    assert (after[0][0], after[0][-1]) == ("All", "6")
    assert after[0][4].startswith("2 ")  # the new response opposes


def test_a_kept_snapshot_question_page_shows_the_consultation_as_it_is_now(client):
    consultation = build("open")
    snapshot = factories.summary_snapshot(consultation=consultation, meeting=factories.meeting())
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    url = f"{summary_url(consultation)}/snapshots/{snapshot.id}/questions/1"
    page(client.get(url))

    consultation.title = "A renamed consultation"
    db.session.flush()

    caption = page(client.get(url)).select_one("main .govuk-caption-l").get_text()
    assert "A renamed consultation" in caption


def test_each_position_question_is_also_split_by_type_and_region(client):
    consultation = build("open")
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    soup = page(client.get(question_url(consultation, 1)))

    by_type = body_rows(caption_table(soup, "Question 1: positions by type of authority"))
    by_region = body_rows(caption_table(soup, "Question 1: positions by region"))

    assert [row[0] for row in by_type] == ["District council", "Unitary authority"]
    assert [row[-1] for row in by_type] == ["1", "1"]
    assert [(row[0], row[-1]) for row in by_region] == [("North West", "1"), ("South East", "1")]
    assert by_region[0][1] == "1 (100.0%) 100.0% by population"  # Ashford supports
    titles = [chart_title(chart) for chart in charts(soup)]
    assert "Question 1: positions by type of authority" in titles
    assert "Question 1: positions by region" in titles


# The question-by-question table and each question's page ---------------------------------------


def test_the_summary_lists_each_question_with_its_shares_and_links_its_page(shown):
    consultation, soup = shown
    table = soup.select_one("main table#questions")

    # Question 1: Ashford supports, Barton opposes. Question 2 is free text;
    # each submitted response answered it ("Our view").
    assert body_rows(table) == [
        ["1. Question 1?", "2", "50.0%", "50.0%", "0"],
        ["2. Question 2?", "Free text: no positions", "2"],
    ]
    links = [a["href"] for a in table.select("tbody a")]
    assert links == [question_url(consultation, 1), question_url(consultation, 2)]


def test_supporting_counts_support_with_amendments_and_is_worked_out_from_counts(client):
    consultation = factories.consultation(questions=1)
    for position in (Position.SUPPORT, Position.SUPPORT_WITH_AMENDMENTS, Position.OPPOSE):
        factories.submitted_response(
            consultation=consultation, authority=factories.council(), position=position
        )
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    soup = page(client.get(summary_url(consultation)))

    # 2 of 3 is 66.7%, not 33.3% + 33.3%.
    assert body_rows(soup.select_one("main table#questions")) == [
        ["1. Question 1?", "3", "66.7%", "33.3%", "0"]
    ]


@pytest.fixture
def question_page(client):
    consultation = build("open")
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    shown = ok(client.get(question_url(consultation, 1)))
    return consultation, page(shown)


def test_a_question_page_shows_its_figures_overall_and_by_control(question_page):
    _, soup = question_page

    assert soup.select_one("h1").get_text(strip=True) == "1. Question 1?"
    assert "Live" in soup.select_one("main .govuk-tag").get_text()
    question = body_rows(
        caption_table(soup, "Question 1: positions overall and by political control")
    )
    assert [row[0] for row in question] == ["All", "Conservative", "Labour"]
    assert question[0][1] == "1 (50.0%) 33.3% by population"
    titles = [chart_title(chart) for chart in charts(soup)]
    assert titles == [
        "Question 1: positions by political control",
        "Question 1: positions by type of authority",
        "Question 1: positions by region",
    ]
    for chart in charts(soup):
        assert chart.find_next("table") is not None


def test_a_question_page_links_back_its_neighbours_and_its_comments(question_page):
    consultation, soup = question_page
    links = {a.get_text(" ", strip=True): a["href"] for a in soup.select("a")}

    assert links["Back to where councils stand"] == summary_url(consultation)
    assert soup.select_one(".govuk-pagination__prev") is None
    next_link = soup.select_one(".govuk-pagination__next a")
    assert next_link["href"] == question_url(consultation, 2)
    assert "Question 2" in next_link.get_text(" ", strip=True)
    comments = soup.select_one("main a[href*='/summary/comments']")
    assert comments["href"] == (
        f"{summary_url(consultation)}/comments?question={consultation.questions[0].id}"
    )


def test_a_free_text_question_page_has_no_positions_and_links_back_to_the_previous(client):
    consultation = build("open")
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    soup = page(client.get(question_url(consultation, 2)))

    assert "there are no positions to count" in soup.select_one("main").get_text(" ", strip=True)
    assert charts(soup) == []
    assert "2 comments." in soup.select_one("main").get_text(" ", strip=True)
    assert soup.select_one(".govuk-pagination__next") is None
    previous = soup.select_one(".govuk-pagination__prev a")
    assert previous["href"] == question_url(consultation, 1)


@pytest.mark.parametrize("number", [0, 3, 99999999999])
def test_a_question_the_consultation_does_not_have_is_not_found(client, number):
    consultation = build("open")
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    expect(client.get(question_url(consultation, number)), 404)
    expect(client.get(f"{summary_url(consultation)}/questions/-1"), 404)
    expect(client.get(f"{summary_url(consultation)}/questions/first"), 404)


@pytest.mark.parametrize("stage", ["open", "closed"])
@pytest.mark.parametrize("role", OTHERS)
def test_nobody_else_sees_a_question_page_before_the_summary_is_published(client, stage, role):
    consultation = build(stage)
    person = viewer(role, consultation)
    if person is not None:
        sign_in(client, person)

    expect(client.get(question_url(consultation, 1)), 404)


@pytest.mark.parametrize("role", PRIVILEGED)
def test_the_live_audience_sees_a_question_page_live(client, role):
    consultation = build("closed")
    sign_in(client, viewer(role, consultation))

    shown = ok(client.get(question_url(consultation, 1)))

    assert "Live" in page(shown).select_one("main .govuk-tag").get_text()


@pytest.mark.parametrize("role", OTHERS)
def test_once_published_everyone_sees_the_question_from_the_published_snapshot(client, role):
    consultation = build("published")
    late = factories.council(name="Latecomer", population=50_000)
    factories.submitted_response(
        consultation=consultation, authority=late, position=Position.NEUTRAL
    )
    person = viewer(role, consultation)
    if person is not None:
        sign_in(client, person)

    response = client.get(question_url(consultation, 1))

    soup = page(response)
    assert "Published" in soup.select_one("main .govuk-tag").get_text()
    table = caption_table(soup, "Question 1: positions overall and by political control")
    assert body_rows(table)[0][-1] == "2"  # the Latecomer's later response is not counted
    expect(client.get(question_url(consultation, 3)), 404)


def test_a_snapshot_links_its_questions_to_the_snapshot_question_pages(client):
    consultation = build("open")
    snapshot = factories.summary_snapshot(consultation=consultation, meeting=factories.meeting())
    factories.submitted_response(
        consultation=consultation,
        authority=factories.council(name="Latecomer"),
        position=Position.NEUTRAL,
    )
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    frozen = f"{summary_url(consultation)}/snapshots/{snapshot.id}"

    soup = page(client.get(frozen))
    links = [a["href"] for a in soup.select("main table#questions tbody a")]
    assert links == [f"{frozen}/questions/1", f"{frozen}/questions/2"]

    shown = page(client.get(f"{frozen}/questions/1"))
    assert "Frozen" in shown.select_one("main .govuk-tag").get_text()
    table = caption_table(shown, "Question 1: positions overall and by political control")
    assert body_rows(table)[0][-1] == "2"
    back = {a.get_text(" ", strip=True): a["href"] for a in shown.select("a")}
    assert back["Back to where councils stand"] == frozen
    assert shown.select_one(".govuk-pagination__next a")["href"] == f"{frozen}/questions/2"
    expect(client.get(f"{frozen}/questions/3"), 404)


@pytest.mark.parametrize("role", [None, Role.LEADER, Role.MINISTER])
def test_a_snapshot_question_page_has_the_snapshot_audience(client, role):
    consultation = build("open")
    snapshot = factories.summary_snapshot(consultation=consultation, meeting=factories.meeting())
    if role is not None:
        sign_in(client, factories.user(role=role))

    url = f"{summary_url(consultation)}/snapshots/{snapshot.id}/questions/1"
    expect(client.get(url), 404)


def test_a_snapshot_question_page_of_another_consultation_is_not_found(client):
    consultation = build("open")
    other = factories.summary_snapshot(consultation=factories.consultation())
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    url = f"{summary_url(consultation)}/snapshots/{other.id}/questions/1"
    expect(client.get(url), 404)


def test_a_snapshot_frozen_before_questions_were_split_by_type_and_region_still_shows(client):
    consultation = build("open")
    snapshot = factories.summary_snapshot(consultation=consultation, meeting=factories.meeting())
    data = dict(snapshot.data)
    data["questions"] = [
        {k: v for k, v in q.items() if k not in ("by_type", "by_region")} for q in data["questions"]
    ]
    snapshot.data = data
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    frozen = f"{summary_url(consultation)}/snapshots/{snapshot.id}"

    expect(client.get(frozen), 200)
    soup = page(client.get(f"{frozen}/questions/1"))
    titles = [chart_title(chart) for chart in charts(soup)]
    assert titles == ["Question 1: positions by political control"]


# Size and query count at the Commission's real size ----------------------------------------------


def many_questions(questions: int, responses: int):
    consultation = factories.consultation(questions=questions)
    for n in range(responses):
        factories.submitted_response(
            consultation=consultation,
            authority=factories.council(
                control=[Control.LABOUR, Control.GREEN][n % 2],
                region=[Region.LONDON, Region.NORTH_EAST][n % 2],
            ),
            position=list(Position)[n % 5],
        )
    return consultation


def test_the_summary_and_question_pages_issue_as_many_statements_for_8_questions_as_for_3(client):
    few = many_questions(3, 3)
    many = many_questions(8, 12)
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    for url_of in (summary_url, lambda c: question_url(c, 2)):
        client.get(url_of(few))
        client.get(url_of(many))
        with count_selects() as for_few:
            expect(client.get(url_of(few)), 200)
        with count_selects() as for_many:
            expect(client.get(url_of(many)), 200)
        assert len(for_few) == len(for_many), url_of(few)


def full_size_consultation(members: int = 331, questions: int = 25):
    """Every member authority of the real Commission answering 25 questions,
    most with comments, inserted in bulk; a sixth have not responded."""
    from sqlalchemy import insert

    from commission.consultations.models import (
        Answer,
        Channel,
        Question,
        QuestionKind,
        Response,
        ResponseStatus,
    )
    from commission.membership.models import Authority, Membership, PoliticalControl

    consultation = factories.consultation(questions=0)
    for n in range(1, questions + 1):
        consultation.questions.append(
            Question(
                position=n,
                kind=QuestionKind.POSITION,
                text=f"Should councils have power number {n} to shape local services?",
                required=True,
            )
        )
    db.session.flush()
    kinds, regions = list(AuthorityKind), list(Region)
    controls = [c for c in Control if c is not Control.OTHER]
    ids = list(
        db.session.scalars(
            insert(Authority).returning(Authority.id, sort_by_parameter_order=True),
            [
                {
                    "gss_code": f"E0{n:07d}",
                    "slug": f"full-size-council-{n}",
                    "name": f"Full Size Borough Council {n:03d}",
                    "kind": kinds[n % len(kinds)],
                    "region": regions[n % len(regions)],
                    "population": 50_000 + n * 1_000,
                    "mayoral": False,
                }
                for n in range(members)
            ],
        )
    )
    db.session.execute(
        insert(Membership), [{"authority_id": i, "joined_on": date(2026, 1, 1)} for i in ids]
    )
    db.session.execute(
        insert(PoliticalControl),
        [
            {
                "authority_id": i,
                "control": controls[n % len(controls)],
                "effective_from": date(2026, 5, 8),
            }
            for n, i in enumerate(ids)
        ],
    )
    positions = list(Position)
    answering = [i for n, i in enumerate(ids) if n % 6]
    response_ids = list(
        db.session.scalars(
            insert(Response).returning(Response.id, sort_by_parameter_order=True),
            [
                {
                    "consultation_id": consultation.id,
                    "authority_id": i,
                    "status": ResponseStatus.SUBMITTED,
                    "channel": Channel.ONLINE,
                    "overall_position": positions[n % 5],
                    "submitted_position": positions[n % 5],
                    "submitted_at": now_utc(),
                    "submission_count": 1,
                    "control_at_submission": controls[n % len(controls)].value,
                }
                for n, i in enumerate(answering)
            ],
        )
    )
    comment = "We support the aim but need the funding to follow the duty. " * 8
    db.session.execute(
        insert(Answer),
        [
            {
                "response_id": r,
                "question_id": question.id,
                "position": positions[(n + q) % 5],
                "submitted_position": positions[(n + q) % 5],
                "comment": comment,
                "submitted_comment": comment,
            }
            for n, r in enumerate(response_ids)
            for q, question in enumerate(consultation.questions)
        ],
    )
    db.session.flush()
    return consultation


def test_the_summary_of_331_members_by_25_questions_stays_under_250_kb(client):
    consultation = full_size_consultation()
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    summary = client.get(summary_url(consultation))
    question = client.get(question_url(consultation, 25))

    expect(summary, 200)
    expect(question, 200)
    assert len(summary.get_data()) < 250_000
    assert len(question.get_data()) < 250_000
    soup = page(summary)
    assert "275 of 331 member authorities have submitted a position" in soup.get_text(
        " ", strip=True
    )
    assert len(body_rows(soup.select_one("main table#questions"))) == 25
