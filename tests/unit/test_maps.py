"""The hex maps' layout, outlines, palettes and the choices read from an
address, without a database: every council of England (the reference data
in seeds/) has exactly one hex, and every strategic authority one outline."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from jinja2 import Environment

from commission.maps.drawing import (
    DISTRICT_LAYOUT,
    UPPER_TIER_LAYOUT,
    Category,
    Place,
    draw,
    layout,
    outline_path,
)
from commission.maps.palettes import PALETTES
from commission.maps.queries import ControlDay, MapChoice
from commission.summaries.charts import contrast_ratio

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
WHITE = "#ffffff"
CATEGORIES = [Category("a", "A", "#2166ac"), Category("b", "B", "#b35806")]


def reference_places() -> list[Place]:
    """Every council and strategic authority in the reference data, as a map
    would show them (alternating values)."""
    places = []
    with (SEEDS / "councils.csv").open(encoding="utf-8") as councils:
        for n, row in enumerate(csv.DictReader(councils)):
            places.append(
                Place(
                    name=row["name"],
                    gss_code=row["gss_code"],
                    kind=row["council_type"],
                    region=row["region"],
                    category="ab"[n % 2],
                    value="AB"[n % 2],
                    href=f"/authorities/{n}",
                )
            )
    with (SEEDS / "combined_authorities.csv").open(encoding="utf-8") as areas:
        for row in csv.DictReader(areas):
            places.append(
                Place(
                    name=row["name"],
                    gss_code=row["code"],
                    kind=row["kind"],
                    region=row["region"].split(";")[0],
                    category="a",
                    value="A",
                    href="/authorities/area",
                    constituents=tuple(row["member_gss_codes"].split(";")),
                )
            )
    return places


def test_every_council_and_strategic_authority_has_exactly_one_hex_or_outline():
    places = reference_places()

    drawn = draw(id="test", title="Test", categories=CATEGORIES, places=places)

    hexes = [h.place.name for panel in drawn.panels for h in panel.hexes]
    outlines = [o.place.name for o in drawn.strategic]
    assert drawn.not_drawn == []
    assert sorted(hexes + outlines) == sorted(p.name for p in places)
    assert len(hexes) == len(set(hexes)) == 317
    assert len(outlines) == 16
    [districts, counties] = drawn.panels
    assert len(districts.hexes) == 296
    assert {h.place.kind for h in counties.hexes} == {"county"}
    assert len(counties.hexes) == 21


def test_the_legend_counts_every_category():
    drawn = draw(id="test", title="Test", categories=CATEGORIES, places=reference_places())

    assert [(c.label, c.count) for c in drawn.categories] == [("A", 175), ("B", 158)]
    assert drawn.total == 333


def test_barnsley_and_sheffield_are_drawn_from_their_former_codes():
    districts = layout(DISTRICT_LAYOUT)
    assert "E08000038" not in districts.hexes
    places = [
        Place("Barnsley", "E08000038", "metropolitan", "Yorkshire and The Humber", "a", "A", "/b"),
        Place("Sheffield", "E08000039", "metropolitan", "Yorkshire and The Humber", "b", "B", "/s"),
    ]

    drawn = draw(id="test", title="Test", categories=CATEGORIES, places=places)

    assert [(h.x, h.y) for h in drawn.panels[0].hexes] == sorted(
        [districts.centre("E08000016"), districts.centre("E08000019")],
        key=lambda c: (c[1], c[0]),
    )


def test_a_region_zooms_to_its_own_authorities():
    drawn = draw(
        id="test", title="Test", categories=CATEGORIES, places=reference_places(), region="London"
    )

    assert len(drawn.places) == 34  # 32 boroughs, the City and the GLA
    assert [p.title for p in drawn.panels] == [
        "District, unitary, metropolitan and London borough councils"
    ]
    assert [o.place.name for o in drawn.strategic] == ["Greater London Authority"]
    assert drawn.description.startswith("34 authorities in London.")


def test_an_authority_without_a_hex_is_listed_not_lost():
    place = Place("New Council", "E06999999", "unitary", "London", "a", "A", "/n")

    drawn = draw(id="test", title="Test", categories=CATEGORIES, places=[place])

    assert drawn.not_drawn == [place]
    assert drawn.places == [place]
    assert drawn.categories[0].count == 1


def test_the_outline_of_two_neighbours_is_one_loop_of_ten_edges():
    grid = layout(UPPER_TIER_LAYOUT)
    across, down = grid.lattice("E10000003")  # Cambridgeshire
    neighbour = (across + 2, down)  # the next hex east

    path = outline_path([(across, down), neighbour])

    assert path.count("M") == 1 and path.endswith("Z")
    assert path.count("L") == 9  # ten corners: twelve, less the two shared


def test_islands_make_separate_loops():
    assert outline_path([(1, 2), (11, 20)]).count("M") == 2
    below_right = outline_path([(1, 2), (2, 5)])  # neighbours across a row
    assert below_right.count("M") == 1 and below_right.count("L") == 9


def test_the_description_names_regions_where_most_differ():
    places = [
        Place(f"North {n}", None, "unitary", "North East", "b", "B", "/") for n in range(3)
    ] + [Place(f"South {n}", None, "unitary", "South West", "a", "A", "/") for n in range(5)]

    drawn = draw(id="test", title="Test", categories=CATEGORIES, places=places)

    assert drawn.description == (
        "8 authorities. The most common is a (5 of 8). Regions where most authorities "
        "differ from that: North East (b, 3 of 3)."
    )


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_every_strong_colour_stands_out_from_white_and_pale_ones_get_an_edge(name):
    for category in PALETTES[name]:
        if category.light:
            assert contrast_ratio(category.colour, WHITE) < 3
        else:
            assert contrast_ratio(category.colour, WHITE) >= 3, category
    colours = [c.colour for c in PALETTES[name]]
    assert len(colours) == len(set(colours))


def test_the_summary_map_choice_falls_back_on_anything_unknown():
    questions = [(1, "position", "One"), (2, "position", "Two"), (3, "free_text", "Three")]

    assert MapChoice.from_args({}, questions) == MapChoice("positions", 1, "")
    assert MapChoice.from_args(
        {"map": "coverage", "question": "2", "region": "London"}, questions
    ) == MapChoice("coverage", 2, "London")
    assert MapChoice.from_args(
        {"map": "<script>", "question": "3", "region": "Mars"}, questions
    ) == MapChoice("positions", 1, "")
    assert MapChoice.from_args({"question": "99999999999999999999"}, questions).question == 1
    assert MapChoice.from_args({"question": "²"}, questions).question == 1  # a digit, not a number
    assert MapChoice.from_args({"question": "٢"}, questions).question == 2
    assert MapChoice.from_args({}, [(1, "free_text", "Only")]).question == 0


def test_the_control_day_is_a_real_past_day_or_today():
    today = date(2026, 12, 6)

    assert ControlDay.from_args({}, today=today).on == today
    chosen = ControlDay.from_args({"on-day": "7", "on-month": "5", "on-year": "2024"}, today=today)
    assert (chosen.on, chosen.error) == (date(2024, 5, 7), "")
    for args, error in [
        ({"on-day": "31", "on-month": "2", "on-year": "2024"}, "The date must be a real date"),
        ({"on-day": "x", "on-month": "2", "on-year": "2024"}, "The date must be a real date"),
        ({"on-day": "1", "on-year": "2024"}, "The date must include a month"),
        (
            {"on-day": "1", "on-month": "1", "on-year": "2027"},
            "The date must be today or in the past",
        ),
    ]:
        refused = ControlDay.from_args(args, today=today)
        assert (refused.on, refused.error) == (today, error)


# The paths as the map template wrote them hex by hex, before they were
# written in Python (``Panel.background_path`` and ``Panel.fills``).
TEMPLATE_PATHS = """
{%- macro hex_path(x, y) %}M{{ x }} {{ (y - 10) | round(1) }}l8.66 5v10l-8.66 5-8.66-5v-10z
{%- endmacro -%}
{% for x, y in panel.background %}{{ hex_path(x, y) }}{% endfor %}|
{%- for light in (false, true) %}{% for group in panel.hexes | selectattr('light', 'equalto', light)
    | groupby('colour') %}{{ group.grouper }},{{ light }},
    {%- for h in group.list %}{{ hex_path(h.sx, h.y) }}{% endfor %};{% endfor %}{% endfor %}"""


def test_a_panels_paths_are_written_as_the_template_wrote_them():
    categories = [
        Category("a", "A", "#2166AC"),
        Category("b", "B", "#b35806"),
        Category("c", "C", "#f4a582", light=True),
        Category("d", "D", "#2166ac"),
    ]
    places = [replace(p, category="abcd"[n % 4]) for n, p in enumerate(reference_places())]
    drawn = draw(id="test", title="Test", categories=categories, places=places)

    for panel in drawn.panels:
        expected = Environment(autoescape=True).from_string(TEMPLATE_PATHS).render(panel=panel)
        written = (
            panel.background_path()
            + "|"
            + "".join(f"{colour},{light},{path};" for colour, light, path in panel.fills())
        )
        assert written == expected
    assert any(light for panel in drawn.panels for _, light, _ in panel.fills())
