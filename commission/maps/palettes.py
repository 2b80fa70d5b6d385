"""The maps' categories and colours, in the legend's order.

Like the charts' colours (``summaries/charts.py``), every strong colour has
a contrast of at least 3:1 with white (the page and the gaps between hexes,
WCAG 1.4.11); a pale category ("no answer", "not started", "not recorded")
is drawn with a dark edge instead. Positions run on a blue to orange
diverging scale, which readers with any common colour-vision deficiency
can tell apart, with grey in the middle for neutral and a pale neutral for
no answer. Colour is never the only signal: the legend gives each
category's count, every hex's link names its council and value, and a
table beside the map has the same data.
"""

from __future__ import annotations

from commission.attendance.models import RegisterMark
from commission.consultations.models import Position
from commission.maps.drawing import Category
from commission.membership.models import CONTROL_LABELS, Control

PALE = "#f3f2f1"
EDGE = "#505a5f"

NO_ANSWER = "no_answer"
NOT_MEMBER = "not_member"
NOT_RECORDED = "not_recorded"

POSITION_CATEGORIES = [
    Category(Position.SUPPORT.value, Position.SUPPORT.label, "#2166ac"),
    Category(
        Position.SUPPORT_WITH_AMENDMENTS.value, Position.SUPPORT_WITH_AMENDMENTS.label, "#5694ca"
    ),
    Category(Position.NEUTRAL.value, Position.NEUTRAL.label, "#6f777b"),
    Category(Position.OPPOSE.value, Position.OPPOSE.label, "#b35806"),
    Category(Position.NO_POSITION.value, Position.NO_POSITION.label, "#4c2c92"),
    Category(NO_ANSWER, "No answer", PALE, light=True),
]

COVERAGE_CATEGORIES = [
    Category("submitted", "Responded", "#2166ac"),
    Category("draft", "Draft only", "#b35806"),
    Category("not_started", "Not started", PALE, light=True),
]

CONTROL_COLOURS = {
    Control.LABOUR: "#d4351c",
    Control.CONSERVATIVE: "#1d70b8",
    Control.LIBERAL_DEMOCRATS: "#a35200",
    Control.REFORM_UK: "#00748a",
    Control.GREEN: "#00703c",
    Control.INDEPENDENT: "#912b88",
    Control.OTHER: "#6d3b1e",
    Control.NO_OVERALL_CONTROL: "#383f43",
}
CONTROL_CATEGORIES = [
    *(Category(c.value, CONTROL_LABELS[c], colour) for c, colour in CONTROL_COLOURS.items()),
    Category(
        Control.UNDETERMINED.value, CONTROL_LABELS[Control.UNDETERMINED], "#b1b4b6", light=True
    ),
    Category(NOT_RECORDED, "Not recorded", PALE, light=True),
]

ATTENDANCE_COLOURS = {
    RegisterMark.IN_PERSON: "#2166ac",
    RegisterMark.REMOTE: "#5694ca",
    RegisterMark.SUBSTITUTE: "#4c2c92",
    RegisterMark.APOLOGIES: "#b35806",
    RegisterMark.ABSENT: "#0b0c0c",
}
ATTENDANCE_CATEGORIES = [
    *(Category(m.value, m.label, colour) for m, colour in ATTENDANCE_COLOURS.items()),
    Category(NOT_RECORDED, "Not recorded", PALE, light=True),
]

PALETTES = {
    "positions": POSITION_CATEGORIES,
    "coverage": COVERAGE_CATEGORIES,
    "control": CONTROL_CATEGORIES,
    "attendance": ATTENDANCE_CATEGORIES,
}
