"""The summary's charts: the colour of each position and where each segment
of a stacked bar goes, for the pages and the briefing PDF alike.

Every colour has a contrast of at least 3:1 with white (the page) and with the
colour next to it in the bar (WCAG 1.4.11); segments are also drawn with a
white gap between them, for when a position with no answers leaves two others
side by side. Colour is never the only cue: a wide segment carries its value,
and every chart lists each position's name with its value under its bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from commission.consultations.models import Position
from commission.maps.drawing import HexMap
from commission.summaries.models import PositionRow

WHITE = "#ffffff"
BLACK = "#0b0c0c"

# In the order the bars draw them.
POSITION_COLOURS: dict[str, str] = {
    Position.SUPPORT.value: "#004d26",  # dark green
    Position.SUPPORT_WITH_AMENDMENTS.value: "#85994b",  # light green
    Position.NEUTRAL.value: "#383f43",  # dark grey
    Position.OPPOSE.value: "#ec5b2e",  # orange red
    Position.NO_POSITION.value: BLACK,
}

# A segment narrower than this share of its bar has no room for its value
# inside it (at a phone's width); its value is in the list under the bar.
INSIDE_LABEL_FROM = 16.0


def chart_digest() -> str:
    """What a kept page or file drawn with these charts depends on here (the
    colours and where a value fits inside a segment), for its cache key."""
    return f"{sorted(POSITION_COLOURS.items())}:{INSIDE_LABEL_FROM}"


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour``."""
    return WHITE if contrast_ratio(colour, WHITE) >= contrast_ratio(colour, BLACK) else BLACK


@dataclass(frozen=True)
class Segment:
    """One position's part of a bar, in percentages of the bar's width."""

    position: str
    label: str
    share: float
    x: float
    width: float
    colour: str
    text_colour: str

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def labelled(self) -> bool:
        return self.share >= INSIDE_LABEL_FROM


def segments(rows: list[PositionRow], *, weighted: bool = False) -> list[Segment]:
    """The non-empty segments of a bar of ``rows``, left to right, by share of
    the count (or of the population, ``weighted``)."""
    found = []
    x = 0.0
    for row in rows:
        share = row["weighted"] if weighted else row["percent"]
        if share <= 0:
            continue
        colour = POSITION_COLOURS.get(row["position"], BLACK)
        found.append(
            Segment(
                position=row["position"],
                label=row["label"],
                share=share,
                x=round(x, 2),
                width=round(share, 2),
                colour=colour,
                text_colour=text_colour_on(colour),
            )
        )
        x += share
    return found


def print_colours(maps: Sequence[HexMap] = ()) -> list[str]:
    """Every colour the briefing PDF gives a box (a swatch, a bar's segment,
    a segment's value): its stylesheet has a class for each (``fill-…`` and
    ``ink-…``, the colour's hex digits) in place of a style attribute on each
    box, because WeasyPrint parses every style attribute on its own and gives
    an element that has one a style of its own rather than its siblings'."""
    colours = {WHITE, BLACK, *POSITION_COLOURS.values()}
    for hex_map in maps:
        colours.update(category.colour for category in hex_map.categories)
        colours.update(outline.colour for outline in hex_map.strategic)
    return sorted(colours)
