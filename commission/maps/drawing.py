"""Hex cartograms of England's councils, laid out on the server for SVG.

Two HexJSON layouts from Open Innovations (``layouts/``, MIT licence) place
one equal hexagon per council: the district layout has every district,
unitary, metropolitan and London borough; the upper-tier layout has the
county councils (its other hexes are drawn pale, for the shape of England).
A strategic authority (a combined authority or the Greater London
Authority) is an outline around its constituent councils' hexes, numbered,
with its own value in the key beside the map.

Everything here is plain data: the pages' SVG is written by
``templates/maps/_map.html`` from a ``HexMap``, so Jinja escapes every name.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import groupby
from pathlib import Path

LAYOUTS = Path(__file__).resolve().parent / "layouts"
DISTRICT_LAYOUT = "uk-local-authority-districts-2023.hexjson"
UPPER_TIER_LAYOUT = "uk-upper-tier-local-authorities.hexjson"
CREDIT = "Hex map layouts © Open Innovations, MIT licence"
CREDIT_URL = "https://open-innovations.org/projects/hexmaps/"

# Councils the district layout lists under their codes before 2025.
FORMER_CODES = {"E08000038": "E08000016", "E08000039": "E08000019"}

COUNTY = "county"
STRATEGIC_KINDS = frozenset(
    {"greater_london_authority", "combined_authority", "combined_county_authority"}
)

RADIUS = 10.0  # the hexes' circumradius, in the SVG's units
WIDTH = math.sqrt(3) * RADIUS
ROW = 1.5 * RADIUS
MARGIN = 12.0  # room for an outline's number at the edge
# How wide a panel is drawn, in CSS pixels per SVG unit: England's districts
# come to about 560 px and its counties, beside them, to about 280 px; a
# region is enlarged up to 560 px. Narrower
# screens scale every panel down to fit (the CSS sets max-width: 100%).
SCALE = {"districts": 1.35, "counties": 0.85}
ZOOMED_SCALE = 3.0
MAX_WIDTH = 560


@dataclass(frozen=True)
class Layout:
    """A HexJSON layout's English hexes: code to (column, row)."""

    name: str
    hexes: dict[str, tuple[int, int]]

    def lattice(self, code: str) -> tuple[int, int]:
        """A hex's centre on the integer lattice its corners share: across in
        half hex widths, down in half radii (north up: HexJSON rows count up
        the page; ``odd-r``: odd rows sit half a hex to the right)."""
        q, r = self.hexes[code]
        top, left = self.corner
        return 2 * (q - left) + (r & 1) + 1, 3 * (top - r) + 2

    @cached_property
    def corner(self) -> tuple[int, int]:
        """The top row and the leftmost column, found once per layout (a map
        places hundreds of hexes)."""
        return (
            max(row for _, row in self.hexes.values()),
            min(col for col, _ in self.hexes.values()),
        )

    def centre(self, code: str) -> tuple[float, float]:
        return point(*self.lattice(code))


def point(across: int, down: int) -> tuple[float, float]:
    """A lattice point in the SVG's units."""
    return round(across * WIDTH / 2 + MARGIN, 1), round(down * RADIUS / 2 + MARGIN, 1)


@cache
def layout(name: str) -> Layout:
    """One of the two layouts, England's hexes only, read once."""
    raw = json.loads((LAYOUTS / name).read_text(encoding="utf-8"))
    if raw.get("layout") != "odd-r":
        raise ValueError(f"{name}: only odd-r layouts are drawn")
    return Layout(
        name,
        {
            code: (int(h["q"]), int(h["r"]))
            for code, h in raw["hexes"].items()
            if code.startswith("E")
        },
    )


# Raise when a change here changes how a kept map looks.
DRAWING_VERSION = 1


@cache
def layout_digest() -> str:
    """What a kept map was drawn from here: the layouts and this code's version."""
    digest = hashlib.sha256(str(DRAWING_VERSION).encode())
    for name in (DISTRICT_LAYOUT, UPPER_TIER_LAYOUT):
        digest.update((LAYOUTS / name).read_bytes())
    return digest.hexdigest()


def layout_code(gss_code: str) -> str:
    return FORMER_CODES.get(gss_code, gss_code)


# A hex's corners on the lattice, clockwise from the top.
CORNERS = ((0, -2), (1, -1), (1, 1), (0, 2), (-1, 1), (-1, -1))


def outline_path(centres: Iterable[tuple[int, int]]) -> str:
    """The boundary of a group of hexes (their lattice centres) as an SVG
    path: every edge two of the hexes share is inside the group and
    dropped; the edges left are chained into closed loops (one per island).
    Corners are integer lattice points, so shared edges match exactly."""
    directed: set[tuple[tuple[int, int], tuple[int, int]]] = set()
    for across, down in centres:
        corners = [(across + a, down + d) for a, d in CORNERS]
        for i, start in enumerate(corners):
            directed.add((start, corners[(i + 1) % 6]))
    edges = {start: end for start, end in directed if (end, start) not in directed}
    loops = []
    while edges:
        start, end = min(edges.items())
        del edges[start]
        points = [start]
        while end != start and end in edges:
            points.append(end)
            end = edges.pop(end)
        loops.append("M" + "L".join("{:g} {:g}".format(*point(*p)) for p in points) + "Z")
    return "".join(loops)


@dataclass(frozen=True)
class Category:
    """One value a hex can take: its key, label and colour, and how many
    authorities on the map have it."""

    key: str
    label: str
    colour: str
    count: int = 0
    light: bool = False  # a pale fill, drawn with a dark edge to be seen


@dataclass(frozen=True)
class Place:
    """An authority on a map: what it is, its value and where it links."""

    name: str
    gss_code: str | None
    kind: str
    region: str
    category: str
    value: str
    href: str
    constituents: tuple[str, ...] = ()  # a strategic authority's councils' codes


@dataclass(frozen=True)
class Hex:
    x: float
    y: float
    place: Place
    colour: str
    light: bool

    @property
    def sx(self) -> str:
        return f"{self.x:g}"

    @property
    def sy(self) -> str:
        return f"{self.y:g}"


@dataclass(frozen=True)
class Outline:
    number: int
    place: Place
    path: str
    x: float
    y: float
    colour: str
    light: bool


def hex_path(x: object, y: float) -> str:
    """An SVG path of one hex centred on (``x``, ``y``), as written."""
    return f"M{x} {round(y - 10, 1)}l8.66 5v10l-8.66 5-8.66-5v-10z"


@dataclass
class Panel:
    """One layout drawn: its hexes (links), the pale hexes around them and
    the strategic authorities' outlines."""

    id: str
    short: str  # the id of its hex shape: short, as every hex names it
    title: str
    view_box: str
    width: int  # in CSS pixels, at most
    hexes: list[Hex] = field(default_factory=list)
    background: list[tuple[float, float]] = field(default_factory=list)
    outlines: list[Outline] = field(default_factory=list)

    def background_path(self) -> str:
        """The pale hexes around the map as one SVG path."""
        return "".join(hex_path(x, y) for x, y in self.background)

    def fills(self) -> list[tuple[str, bool, str]]:
        """The hexes as one SVG path for each colour, (colour, light, path):
        the strong colours first, then the pale ones (drawn with a dark edge
        on top), each set by colour. For a PDF, where each element of an SVG
        is drawn on its own."""
        fills = []
        for light in (False, True):
            chosen = sorted((h for h in self.hexes if h.light == light), key=_colour_key)
            for _, group in groupby(chosen, key=_colour_key):
                hexes = list(group)
                path = "".join(hex_path(h.sx, h.y) for h in hexes)
                fills.append((hexes[0].colour, light, path))
        return fills


def _colour_key(hexagon: Hex) -> str:
    return hexagon.colour.lower()


@dataclass
class HexMap:
    id: str
    title: str
    categories: list[Category]
    description: str
    panels: list[Panel]
    places: list[Place]
    strategic: list[Outline]
    not_drawn: list[Place]
    region: str = ""
    value_heading: str = "Value"
    credit: str = CREDIT
    credit_url: str = CREDIT_URL

    @property
    def total(self) -> int:
        return sum(c.count for c in self.categories)


def _view_box(centres: Sequence[tuple[float, float]]) -> tuple[str, float]:
    xs = [x for x, _ in centres]
    ys = [y for _, y in centres]
    left, top = min(xs) - WIDTH / 2 - MARGIN, min(ys) - RADIUS - MARGIN
    width = max(xs) - min(xs) + WIDTH + 2 * MARGIN
    height = max(ys) - min(ys) + 2 * RADIUS + 2 * MARGIN
    return f"{left:.1f} {top:.1f} {width:.1f} {height:.1f}", round(width, 1)


def _describe(places: Sequence[Place], categories: Sequence[Category], region: str) -> str:
    """A sentence or two on the pattern: the most common value, and where a
    value is held by most of a region's authorities."""
    if not places:
        return f"No authorities to show{' in ' + region if region else ''}."
    counted = sorted(
        (c for c in categories if c.count), key=lambda c: (-c.count, categories.index(c))
    )
    top = counted[0]
    where = f" in {region}" if region else ""
    text = (
        f"{len(places)} {'authority' if len(places) == 1 else 'authorities'}{where}. "
        f"The most common is {top.label.lower()} ({top.count} of {len(places)})."
    )
    if region:
        return text
    labels = {c.key: c.label for c in categories}
    by_region: dict[str, list[Place]] = {}
    for place in places:
        by_region.setdefault(place.region, []).append(place)
    majorities = []
    for name, found in sorted(by_region.items()):
        keys = [p.category for p in found]
        best = max(set(keys), key=lambda k: (keys.count(k), k == top.key))
        if keys.count(best) * 2 > len(keys) and best != top.key:
            majorities.append(f"{name} ({labels[best].lower()}, {keys.count(best)} of {len(keys)})")
    if majorities:
        text += " Regions where most authorities differ from that: " + "; ".join(majorities) + "."
    else:
        text += " No region has a majority for anything else."
    return text


def _outlines(
    strategic: Sequence[Place],
    grid: Layout,
    drawn: set[str],
    colours: dict[str, Category],
    *,
    zoomed: bool,
) -> list[Outline]:
    """The strategic authorities' outlines on one layout, numbered in name
    order (the same numbers on every panel), each around those of its
    councils that have a hex there (only the drawn ones when ``zoomed``, or
    on the county layout, whose other hexes are not the councils shown)."""
    found = []
    for number, place in enumerate(sorted(strategic, key=lambda p: p.name), start=1):
        inside = [
            grid.lattice(code)
            for code in map(layout_code, place.constituents)
            if code in grid.hexes and (code in drawn or not zoomed)
        ]
        if not inside:
            continue
        style = colours[place.category]
        x, y = point(*min(inside, key=lambda c: (c[1], c[0])))
        found.append(
            Outline(
                number,
                place,
                outline_path(inside),
                x,
                round(y - RADIUS, 1),
                style.colour,
                style.light,
            )
        )
    return found


def draw(
    *,
    id: str,
    title: str,
    categories: Sequence[Category],
    places: Sequence[Place],
    region: str = "",
    value_heading: str = "Value",
) -> HexMap:
    """Lay ``places`` out on the two layouts: councils on their hexes,
    strategic authorities as outlines around their councils. ``region``
    zooms to that region's authorities (the others are left out).
    ``categories`` give the colours and the legend's order; each one's count
    is worked out here, from the places."""
    colours = {c.key: c for c in categories}
    shown = [p for p in places if not region or p.region == region]
    counts = {c.key: 0 for c in categories}
    for place in shown:
        counts[place.category] = counts.get(place.category, 0) + 1
    legend = [Category(c.key, c.label, c.colour, counts[c.key], c.light) for c in categories]
    districts = layout(DISTRICT_LAYOUT)
    upper = layout(UPPER_TIER_LAYOUT)
    placed = _placed(shown, colours, districts, upper)
    not_drawn = list(placed.not_drawn)
    panels = []
    outlines: list[Outline] = []
    for panel_id, panel_title, hexes, grid in (
        (
            "districts",
            "District, unitary, metropolitan and London borough councils",
            placed.districts,
            districts,
        ),
        ("counties", "County councils", placed.counties, upper),
    ):
        if not hexes and (region or panel_id == "counties"):
            continue
        panel = _panel(id, panel_id, panel_title, hexes, grid, region, placed.strategic, colours)
        panels.append(panel)
        for outline in panel.outlines:
            if all(o.place is not outline.place for o in outlines):
                outlines.append(outline)
    for place in placed.strategic:
        if all(o.place is not place for o in outlines):
            not_drawn.append(place)
    return HexMap(
        id=id,
        title=title,
        categories=legend,
        description=_describe(shown, legend, region),
        panels=panels,
        places=sorted(shown, key=lambda p: (p.region, p.name)),
        strategic=sorted(outlines, key=lambda o: o.number),
        not_drawn=sorted(not_drawn, key=lambda p: p.name),
        region=region,
        value_heading=value_heading,
    )


@dataclass(frozen=True)
class Placed:
    """Where each place shown goes: a hex on the districts' or the counties'
    layout, an outline (a strategic authority), or the list of those not drawn."""

    districts: list[Hex]
    counties: list[Hex]
    strategic: list[Place]
    not_drawn: list[Place]


def _placed(
    shown: Sequence[Place], colours: dict[str, Category], districts: Layout, upper: Layout
) -> Placed:
    placed = Placed([], [], [], [])
    for place in shown:
        code = layout_code(place.gss_code or "")
        style = colours[place.category]
        if place.kind in STRATEGIC_KINDS:
            placed.strategic.append(place)
        elif place.kind == COUNTY and code in upper.hexes:
            placed.counties.append(Hex(*upper.centre(code), place, style.colour, style.light))
        elif place.kind != COUNTY and code in districts.hexes:
            placed.districts.append(Hex(*districts.centre(code), place, style.colour, style.light))
        else:
            placed.not_drawn.append(place)
    return placed


def _panel(
    map_id: str,
    panel_id: str,
    title: str,
    hexes: list[Hex],
    grid: Layout,
    region: str,
    strategic: list[Place],
    colours: dict[str, Category],
) -> Panel:
    """One layout's panel: its hexes, sized to them (and, for all England,
    the layout's empty hexes behind them), with the outlines of the
    strategic authorities around its councils."""
    drawn = {layout_code(h.place.gss_code or "") for h in hexes}
    around = [grid.centre(code) for code in grid.hexes if code not in drawn]
    centres = [(h.x, h.y) for h in hexes] or around
    view_box, natural = _view_box(centres if region else centres + around)
    width = round(min(MAX_WIDTH, natural * (ZOOMED_SCALE if region else SCALE[panel_id])))
    panel = Panel(
        id=f"{map_id}-{panel_id}",
        short=f"{map_id[0]}{panel_id[0]}",
        title=title,
        view_box=view_box,
        width=width,
        hexes=sorted(hexes, key=lambda h: (h.y, h.x)),
        background=[] if region else around,
    )
    panel.outlines = _outlines(
        strategic, grid, drawn, colours, zoomed=bool(region) or panel_id == "counties"
    )
    return panel
