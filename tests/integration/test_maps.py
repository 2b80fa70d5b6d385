"""The hex maps on their pages: the consultation summary (positions and who
has responded, by region, live and from a snapshot), the authorities
directory (control today or on a day), a meeting's attendance record and
the briefing PDF. What a user sees is read from the HTML (the legend, the
links' names, the table) and compared with the summary's own figures and
with what is stored."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup, Tag
from sqlalchemy import select

from commission.attendance import views as attendance_views
from commission.auth.roles import Role
from commission.consultations.models import ConsultationStatus, Position, Response
from commission.exports import pdf
from commission.extensions import db
from commission.maps.drawing import draw
from commission.membership import views
from commission.membership.models import (
    Authority,
    AuthorityKind,
    Control,
    PoliticalControl,
    Region,
)
from commission.summaries import services as summary_services
from commission.summaries import views as summary_views
from commission.summaries.queries import compute_summary
from commission.timeutil import now_utc, today
from tests import factories
from tests.conftest import count_statements
from tests.pages import expect, ok, pdf_text, sign_in, text_of

# Real codes, so the authorities have hexes on the layouts.
HARTLEPOOL, MIDDLESBROUGH, REDCAR = "E06000001", "E06000002", "E06000003"
CAMDEN, HACKNEY = "E09000007", "E09000012"
KENT = "E10000016"
BARNSLEY = "E08000038"  # drawn from its former code


def on_map(code: str, **kwargs):
    council = factories.council(**kwargs)
    council.gss_code = code
    db.session.flush()
    return council


def map_of(soup: BeautifulSoup | Tag, map_id: str) -> Tag:
    found = soup.select_one(f"figure#{map_id}")
    assert found is not None, f"no map {map_id}"
    return found


def hex_names(figure: Tag) -> list[str]:
    """Every link's name on the map: "Council: value"."""
    return [a["aria-label"] for a in figure.select("svg a")]


def legend(figure: Tag) -> dict[str, int]:
    counts = {}
    for item in figure.select(".app-map__legend li"):
        label, count = text_of(item).rsplit(": ", 1)
        counts[label] = int(count)
    return counts


def table_values(figure: Tag) -> dict[str, str]:
    return {
        text_of(row.th): text_of(row.select("td")[-1]) for row in figure.select("table tbody tr")
    }


@pytest.fixture
def tees(app_ctx):
    """Three Tees councils on the map (Hartlepool supports, Middlesbrough
    opposes, Redcar has a draft), Kent County Council (supports with
    amendments), Camden (not started), and the Tees Valley combined authority
    around the first three (supports)."""
    consultation = factories.consultation(questions=3)
    hartlepool = on_map(HARTLEPOOL, name="Hartlepool", region=Region.NORTH_EAST)
    middlesbrough = on_map(MIDDLESBROUGH, name="Middlesbrough", region=Region.NORTH_EAST)
    redcar = on_map(REDCAR, name="Redcar", region=Region.NORTH_EAST)
    kent = on_map(KENT, name="Kent", kind=AuthorityKind.COUNTY, region=Region.SOUTH_EAST)
    on_map(CAMDEN, name="Camden", kind=AuthorityKind.LONDON_BOROUGH, region=Region.LONDON)
    valley = factories.strategic_authority(
        name="Tees Valley",
        region=Region.NORTH_EAST,
        constituents=[hartlepool, middlesbrough, redcar],
    )
    second = consultation.questions[1]
    factories.submitted_response(
        consultation=consultation, authority=hartlepool, position=Position.SUPPORT
    )
    factories.submitted_response(
        consultation=consultation,
        authority=middlesbrough,
        position=Position.OPPOSE,
        answers={second.id: Position.NEUTRAL},
    )
    factories.draft_response(consultation=consultation, authority=redcar)
    factories.submitted_response(
        consultation=consultation, authority=kent, position=Position.SUPPORT_WITH_AMENDMENTS
    )
    factories.submitted_response(
        consultation=consultation, authority=valley, position=Position.SUPPORT
    )
    return consultation


def summary(client, consultation, **args) -> BeautifulSoup:
    return ok(client.get(f"/consultations/{consultation.reference}/summary", query_string=args))


def test_a_question_map_shows_each_council_s_answer_with_the_summary_s_own_figures(client, tees):
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    figure = map_of(summary(client, tees), "summary-map")

    assert text_of(figure.figcaption) == "Question 1: Question 1?"
    assert sorted(hex_names(figure)) == [
        "1: Tees Valley: Support",
        "Camden: No answer",
        "Hartlepool: Support",
        "Kent: Support with amendments",
        "Middlesbrough: Oppose",
        "Redcar: No answer",
    ]
    figures = compute_summary(tees)["questions"][0]
    counted = {row["label"]: row["count"] for row in figures["rows"]}
    shown = legend(figure)
    assert {label: shown[label] for label in counted} == counted
    assert shown["No answer"] == 2
    assert table_values(figure)["Kent"] == "Support with amendments"
    # Each council has one hex; the combined authority one outline and a key.
    assert len(figure.select("svg a")) == 6
    key = figure.select(".app-map__key li")
    assert [li.get_text("", strip=True) for li in key] == ["Tees Valley: Support"]
    credit = " ".join(figure.select_one(".app-map__credit").get_text().split())
    assert credit == "Hex map layouts © Open Innovations, MIT licence."


def test_the_second_question_s_map_has_its_own_answers(client, tees):
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    figure = map_of(summary(client, tees, question="2"), "summary-map")

    assert "Middlesbrough: Neutral" in hex_names(figure)
    figures = compute_summary(tees)["questions"][1]
    shown = legend(figure)
    assert all(shown[row["label"]] == row["count"] for row in figures["rows"])


def test_the_coverage_map_shows_who_has_responded(client, tees):
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    figure = map_of(summary(client, tees, map="coverage"), "summary-map")

    data = compute_summary(tees)
    assert legend(figure) == {
        "Responded": data["totals"]["submitted"],
        "Draft only": data["totals"]["draft"],
        "Not started": data["totals"]["not_started"],
    }
    assert "Redcar: Draft only" in hex_names(figure)
    assert "Camden: Not started" in hex_names(figure)


def test_a_region_zooms_to_its_councils(client, tees):
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    soup = summary(client, tees, region="North East")
    figure = map_of(soup, "summary-map")

    assert text_of(figure.figcaption) == "Question 1: Question 1? (North East)"
    assert sorted(table_values(figure)) == ["Hartlepool", "Middlesbrough", "Redcar", "Tees Valley"]
    assert figure.select(".app-map__panel") and len(figure.select("svg")) > 0
    assert "County councils" not in text_of(figure)
    # The form that chose it keeps the choice, for changing it.
    assert soup.select_one("#map-region option[selected]")["value"] == "North East"


def test_unknown_choices_show_the_first_question_for_england(client, tees):
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    figure = map_of(
        summary(client, tees, map="pie", question="3", region="Atlantis"), "summary-map"
    )

    assert text_of(figure.figcaption) == "Question 1: Question 1?"


def test_the_secretariat_s_hexes_link_to_responses_others_to_the_authorities(client, tees):
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    secretariat = map_of(summary(client, tees), "summary-map")
    sign_in(client, factories.minister(department=tees.department))
    minister = map_of(summary(client, tees), "summary-map")

    link = secretariat.select_one('svg a[aria-label="Hartlepool: Support"]')["href"]
    assert link.startswith(f"/consultations/{tees.reference}/responses/hartlepool")
    assert link.endswith("/history")
    camden = secretariat.select_one('svg a[aria-label="Camden: No answer"]')["href"]
    assert camden.startswith("/authorities/camden")
    assert minister.select_one('svg a[aria-label="Hartlepool: Support"]')["href"].startswith(
        "/authorities/hartlepool"
    )


def test_a_published_summary_s_map_comes_from_its_snapshot(client, tees):
    secretariat = factories.user(role=Role.SECRETARIAT)
    tees.closes_at = now_utc() - timedelta(hours=1)
    tees.status = ConsultationStatus.CLOSED
    summary_services.publish_summary(consultation=tees, actor=secretariat)
    # A later change to the records does not reach the published map.
    kent = db.session.execute(
        select(Response)
        .join(Authority)
        .where(Response.consultation_id == tees.id, Authority.name == "Kent")
    ).scalar_one()
    for answer in kent.answers:
        answer.submitted_position = Position.OPPOSE
    db.session.flush()

    figure = map_of(summary(client, tees), "summary-map")  # the public's

    assert "Kent: Support with amendments" in hex_names(figure)
    assert legend(figure)["Oppose"] == 1


def test_a_snapshot_frozen_before_maps_shows_its_figures_without_a_map(client, tees):
    tees.status = ConsultationStatus.SUMMARY_PUBLISHED
    factories.summary_snapshot(consultation=tees, published=True)  # no "map" in its figures

    soup = summary(client, tees)

    assert soup.select_one("figure#summary-map") is None
    assert soup.select_one("#map") is not None  # the choice is still offered


def test_the_summary_map_adds_one_statement_and_none_once_kept(client, tees, monkeypatch):
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    url = f"/consultations/{tees.reference}/summary"
    expect(client.get(url), 200)
    expect(client.get(url), 200)

    # Each choice of map is kept apart: both are computed afresh.
    with monkeypatch.context() as patched:
        patched.setattr("commission.summaries.views._summary_map", lambda *args: None)
        with count_statements() as without_map:
            expect(client.get(url, query_string={"region": "London"}), 200)
    with count_statements() as with_map:
        expect(client.get(url, query_string={"question": "2"}), 200)
    with count_statements() as kept:
        expect(client.get(url, query_string={"question": "2"}), 200)

    assert len(with_map) - len(without_map) == 1
    assert not any("answers" in s for s in kept)


def test_the_district_map_of_every_council_is_under_60_kb(app_ctx):
    """At the Commission's full size: every council of England, with long
    names and links; the SVG of the district layout is under 60 KB."""
    from flask import render_template_string

    from tests.unit.test_maps import CATEGORIES, reference_places

    drawn = draw(id="summary-map", title="Q", categories=CATEGORIES, places=reference_places())
    with app_ctx.test_request_context():
        html = render_template_string(
            '{% from "maps/_map.html" import hex_map %}{{ hex_map(m) }}', m=drawn
        )
    soup = BeautifulSoup(html, "html.parser")
    districts = soup.select_one("svg[aria-labelledby=summary-map-districts-title]")

    assert len(districts.select("a")) == 296 + 16  # every hex and every outline's number
    assert len(str(districts).encode()) < 60_000


def test_in_print_each_colour_s_hexes_are_one_path_with_every_hex(app_ctx):
    """The briefing draws a map's hexes of one colour as one path (WeasyPrint
    draws each element on its own): as many hexes, each in its colour."""
    from flask import render_template_string

    from tests.unit.test_maps import CATEGORIES, reference_places

    drawn = draw(id="summary-map", title="Q", categories=CATEGORIES, places=reference_places())
    with app_ctx.test_request_context():
        html = render_template_string(
            '{% from "maps/_map.html" import hex_map %}'
            "{{ hex_map(m, table=false, links=false, print=true) }}",
            m=drawn,
        )
    soup = BeautifulSoup(html, "html.parser")

    for panel in drawn.panels:
        svg = soup.select_one(f"svg[aria-labelledby={panel.id}-title]")
        assert svg.select("use") == [] and svg.select("a") == []
        drawn_hexes = Counter(h.colour for h in panel.hexes)
        paths = {p["fill"]: p["d"].count("M") for p in svg.select("g[stroke='#ffffff'] > path")}
        assert paths == dict(drawn_hexes)


# The authorities directory ------------------------------------------------------------------


def test_the_directory_maps_control_today_with_its_filters(client, app_ctx):
    on_map(HARTLEPOOL, name="Hartlepool", region=Region.NORTH_EAST, control=Control.LABOUR)
    on_map(CAMDEN, name="Camden", region=Region.LONDON, control=Control.GREEN)

    everyone = map_of(ok(client.get("/authorities")), "control-map")
    london = map_of(
        ok(client.get("/authorities", query_string={"region": "London"})), "control-map"
    )

    assert text_of(everyone.figcaption) == "Political control today"
    assert {"Hartlepool: Labour", "Camden: Green"} <= set(hex_names(everyone))
    assert legend(everyone)["Labour"] >= 1
    assert hex_names(london) == ["Camden: Green"]
    assert legend(london)["Green"] == 1 and legend(london)["Labour"] == 0


def test_the_directory_maps_control_on_a_chosen_day(client, app_ctx):
    hartlepool = on_map(HARTLEPOOL, name="Hartlepool", region=Region.NORTH_EAST)
    db.session.add(
        PoliticalControl(
            authority=hartlepool, control=Control.CONSERVATIVE, effective_from=date(2019, 5, 3)
        )
    )
    db.session.flush()

    earlier = map_of(
        ok(
            client.get(
                "/authorities",
                query_string={"on-day": "1", "on-month": "6", "on-year": "2020", "q": "Hartle"},
            )
        ),
        "control-map",
    )

    assert text_of(earlier.figcaption) == "Political control on 1 June 2020"
    assert hex_names(earlier) == ["Hartlepool: Conservative"]


def test_a_day_that_is_not_real_is_an_error_and_the_map_shows_today(client, app_ctx):
    on_map(HARTLEPOOL, name="Hartlepool", region=Region.NORTH_EAST)

    soup = ok(
        client.get(
            "/authorities", query_string={"on-day": "31", "on-month": "2", "on-year": "2020"}
        )
    )

    assert text_of(soup.select_one("#on-error")) == "Error: The date must be a real date"
    assert soup.select_one("#on-day")["value"] == "31"
    assert text_of(map_of(soup, "control-map").figcaption) == "Political control today"


def test_the_directory_map_is_drawn_in_one_statement_and_kept_until_a_record_changes(
    client, app_ctx, monkeypatch
):
    on_map(HARTLEPOOL, name="Hartlepool")
    drawn: list[int] = []
    real = views.control_map

    def drawing(*args, **kwargs):
        with count_statements() as statements:
            found = real(*args, **kwargs)
        drawn.append(len(statements))
        return found

    monkeypatch.setattr("commission.membership.views.control_map", drawing)
    expect(client.get("/authorities"), 200)
    expect(client.get("/authorities"), 200)
    assert drawn == [1]  # drawn in one statement, then kept

    factories.council(name="Seaton Carew")
    db.session.commit()  # any record changed: the kept map is not used again
    soup = ok(client.get("/authorities"))
    assert drawn == [1, 1]
    assert "Seaton Carew" in text_of(map_of(soup, "control-map"))


def test_a_question_s_map_is_drawn_once_and_kept_until_a_record_changes(client, tees, monkeypatch):
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    url = f"/consultations/{tees.reference}/summary/questions/2"
    drawn: list[int] = []
    real = summary_views._summary_map

    def drawing(*args):
        with count_statements() as statements:
            found = real(*args)
        drawn.append(len(statements))
        return found

    monkeypatch.setattr("commission.summaries.views._summary_map", drawing)
    first = map_of(ok(client.get(url)), "summary-map")
    again = map_of(ok(client.get(url)), "summary-map")
    assert drawn == [1]  # one statement (that question's answers), then kept
    assert str(again) == str(first)

    factories.draft_response(consultation=tees, authority=factories.council())
    db.session.commit()  # any record changed: the kept map is not used again
    ok(client.get(url))
    assert drawn == [1, 1]


# A meeting's attendance record --------------------------------------------------------------


def test_the_attendance_record_maps_the_register(client, app_ctx):
    meeting = factories.held_meeting(day=today() - timedelta(days=7))
    marks = {HARTLEPOOL: "in_person", MIDDLESBROUGH: "remote", REDCAR: "apologies"}
    councils = {}
    for code, mark in marks.items():
        councils[code] = on_map(code, region=Region.NORTH_EAST)
        factories.register_entry(meeting=meeting, authority=councils[code], mark=mark)
    hackney = on_map(HACKNEY, region=Region.LONDON)
    factories.register_entry(meeting=meeting, authority=hackney, mark="substitute")
    on_map(BARNSLEY, region=Region.YORKSHIRE)

    figure = map_of(ok(client.get(f"/meetings/{meeting.slug}/attendance")), "attendance-map")

    names = dict(name.rsplit(": ", 1) for name in hex_names(figure))
    assert names[councils[HARTLEPOOL].name] == "Present in person"
    assert names[councils[MIDDLESBROUGH].name] == "Present remotely"
    assert names[councils[REDCAR].name] == "Apologies"
    assert names[hackney.name] == "Substitute present"
    assert Counter(names.values())["Not recorded"] >= 1  # Barnsley, from its former code
    shown = legend(figure)
    assert shown["Present in person"] == 1 and shown["Substitute present"] == 1


def test_the_attendance_map_is_drawn_in_one_statement_and_kept_until_a_record_changes(
    client, app_ctx, monkeypatch
):
    meeting = factories.held_meeting(day=today() - timedelta(days=7))
    on_map(HARTLEPOOL, name="Hartlepool")
    url = f"/meetings/{meeting.slug}/attendance"
    drawn: list[int] = []
    real = attendance_views.attendance_map

    def drawing(*args, **kwargs):
        with count_statements() as statements:
            found = real(*args, **kwargs)
        drawn.append(len(statements))
        return found

    monkeypatch.setattr("commission.attendance.views.attendance_map", drawing)
    first = ok(client.get(url))
    again = ok(client.get(url))
    assert drawn == [1]  # drawn in one statement, then kept
    assert text_of(map_of(again, "attendance-map")) == text_of(map_of(first, "attendance-map"))

    factories.council(name="Seaton Carew")
    db.session.commit()  # any record changed: the kept map is not used again
    soup = ok(client.get(url))
    assert drawn == [1, 1]
    assert "Seaton Carew" in text_of(map_of(soup, "attendance-map"))


# The briefing --------------------------------------------------------------------------------


def test_the_briefing_has_the_headline_question_s_map_and_who_has_responded(client, tees):
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    text = pdf_text(client.get(f"/consultations/{tees.reference}/summary.pdf"))

    assert "Maps" in text
    assert "Question 1: Question 1?" in text
    assert "Support: 2 Support with amendments: 1" in text
    assert "Who has responded" in text
    assert "Responded: 4 Draft only: 1 Not started: 1" in text
    assert "Hex map layouts © Open Innovations, MIT licence." in text
    assert "1. Tees Valley: Support" in text


def test_the_briefing_colours_its_swatches_and_bars_by_classes_it_defines(
    client, tees, monkeypatch
):
    """In the PDF a swatch or a bar's segment is coloured by a class, not a
    style attribute (WeasyPrint parses each of those on its own), and the
    briefing's stylesheet has a rule for every class it uses."""
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    printed: list[str] = []
    write = pdf._write_pdf
    monkeypatch.setattr(pdf, "_write_pdf", lambda html: printed.append(html) or write(html))

    expect(client.get(f"/consultations/{tees.reference}/summary.pdf"), 200)

    soup = BeautifulSoup(printed[0], "html.parser")
    stylesheet = soup.style.get_text()
    boxes = soup.select(".app-chart__swatch, .app-map__swatch, .app-chart__bar--boxes span")
    # Two legends (positions, who has responded) and each map's key to Tees Valley.
    assert len(soup.select(".app-map__swatch")) == 6 + 3 + 2
    for box in boxes:
        assert "color" not in box.get("style", ""), box
        (fill,) = [name for name in box["class"] if name.startswith("fill-")]
        assert f".{fill} {{ background-color: #{fill[5:]}; }}" in stylesheet
    for name in {name for box in boxes for name in box["class"] if name.startswith("ink-")}:
        assert f".{name} {{ color: #{name[4:]}; }}" in stylesheet
    assert ".fill-2166ac" in stylesheet  # the maps' support
    assert ".fill-004d26" in stylesheet  # the charts' support


def test_a_question_s_page_has_its_map(client, tees):
    sign_in(client, factories.user(role=Role.SECRETARIAT))

    soup = ok(client.get(f"/consultations/{tees.reference}/summary/questions/2"))
    figure = map_of(soup, "summary-map")

    assert text_of(figure.figcaption) == "Question 2: Question 2?"
    assert "Middlesbrough: Neutral" in hex_names(figure)
    figures = compute_summary(tees)["questions"][1]
    shown = legend(figure)
    assert all(shown[row["label"]] == row["count"] for row in figures["rows"])
    # A free-text question has no positions to map.
    free_text = ok(client.get(f"/consultations/{tees.reference}/summary/questions/3"))
    assert free_text.select_one("figure.app-map") is None


@pytest.mark.parametrize("slug", ["kent-county-council", "st-helens-2", "king's-lynn", "a b"])
def test_a_maps_link_to_an_authority_is_the_address_url_for_gives(app, slug):
    """The map makes the authority pages' address once a request and puts
    each plain slug in it; any other slug is left to url_for."""
    from flask import url_for

    from commission.links import authority_link

    with app.test_request_context("/authorities"):
        first = authority_link("first-council")
        assert authority_link(slug) == url_for("authorities.show_authority", slug=slug)
        assert first == url_for("authorities.show_authority", slug="first-council")
