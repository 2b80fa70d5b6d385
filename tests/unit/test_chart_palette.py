"""The summary's chart colours meet WCAG 1.4.11 (non-text contrast): at least
3:1 against the white page and against the colour next to them in a bar; and
the layout of a bar's segments."""

from __future__ import annotations

import itertools

import pytest

from commission.consultations.models import Position
from commission.summaries.charts import (
    BLACK,
    POSITION_COLOURS,
    WHITE,
    contrast_ratio,
    relative_luminance,
    segments,
    text_colour_on,
)
from commission.summaries.models import PositionRow

ORDER = [p.value for p in Position]  # the order the bars draw the positions in


def test_the_contrast_ratio_is_wcags():
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(19.6, abs=0.1)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio(WHITE, WHITE) == pytest.approx(1.0)
    assert contrast_ratio("#b1b4b6", WHITE) == pytest.approx(2.08, abs=0.01)  # the old neutral
    assert relative_luminance("#ffffff") == pytest.approx(1.0)


def test_every_position_has_a_colour_in_bar_order():
    assert list(POSITION_COLOURS) == ORDER


@pytest.mark.parametrize("position", ORDER)
def test_each_colour_has_3_to_1_against_white(position):
    assert contrast_ratio(POSITION_COLOURS[position], WHITE) >= 3.0


@pytest.mark.parametrize(("left", "right"), list(itertools.pairwise(ORDER)))
def test_each_colour_has_3_to_1_against_its_neighbour(left, right):
    assert contrast_ratio(POSITION_COLOURS[left], POSITION_COLOURS[right]) >= 3.0


@pytest.mark.parametrize("position", ORDER)
def test_a_value_inside_a_segment_has_4_5_to_1_against_it(position):
    colour = POSITION_COLOURS[position]
    assert contrast_ratio(text_colour_on(colour), colour) >= 4.5


def rows(**percent: float) -> list[PositionRow]:
    return [
        {
            "position": p,
            "label": p.replace("_", " ").capitalize(),
            "count": 0,
            "percent": percent.get(p, 0.0),
            "population": 0,
            "weighted": percent.get(p, 0.0) / 2,
        }
        for p in ORDER
    ]


def test_segments_run_left_to_right_leaving_out_empty_positions():
    found = segments(rows(support=50.0, oppose=40.0, no_position=10.0))

    assert [(s.position, s.x, s.width) for s in found] == [
        ("support", 0.0, 50.0),
        ("oppose", 50.0, 40.0),
        ("no_position", 90.0, 10.0),
    ]
    assert [s.centre for s in found] == [25.0, 70.0, 95.0]
    # A segment too narrow for its value at a phone's width leaves it to the
    # list under the bar.
    assert [s.labelled for s in found] == [True, True, False]
    assert found[1].colour == POSITION_COLOURS["oppose"]


def test_weighted_segments_use_the_population_shares():
    found = segments(rows(support=60.0, neutral=40.0), weighted=True)

    assert [(s.position, s.share) for s in found] == [("support", 30.0), ("neutral", 20.0)]


def test_a_bar_with_no_responses_has_no_segments():
    assert segments(rows()) == []
