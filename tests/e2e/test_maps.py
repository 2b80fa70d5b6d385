"""The maps in a browser, as the secretariat on a phone's width (390 CSS
pixels): each kind of map (a question's positions, who has responded, a
region zoomed in, political control, the attendance record) passes axe and
the Nu HTML checker, fits the width, can be reached hex by hex from the
keyboard, and is drawn in its palette (a screenshot of each is read)."""

from __future__ import annotations

import base64
from pathlib import Path

from playwright.sync_api import Page, expect

from commission.maps.palettes import PALETTES
from tests.e2e.harness import PageChecker, sign_in_as
from tests.e2e.test_every_page import (
    CLOSED_CONSULTATION,
    NewContext,
    click,
    published_meeting_path,
)

PHONE = {"width": 390, "height": 844}


def colours_in(page: Page, png: bytes) -> set[str]:
    """The colours of a screenshot's pixels, read by the browser itself (a
    canvas in a blank page of the same context), as ``#rrggbb``."""
    blank = page.context.new_page()
    try:
        return set(
            blank.evaluate(
                """async (data) => {
                    const image = new Image();
                    image.src = "data:image/png;base64," + data;
                    await image.decode();
                    const canvas = document.createElement("canvas");
                    canvas.width = image.width;
                    canvas.height = image.height;
                    const context = canvas.getContext("2d");
                    context.drawImage(image, 0, 0);
                    const pixels = context.getImageData(0, 0, image.width, image.height).data;
                    const seen = new Set();
                    for (let i = 0; i < pixels.length; i += 4) {
                        seen.add("#" + [0, 1, 2].map(
                            (c) => pixels[i + c].toString(16).padStart(2, "0")).join(""));
                    }
                    return [...seen];
                }""",
                base64.b64encode(png).decode(),
            )
        )
    finally:
        blank.close()


def shows_map(page: Page, check_page: PageChecker, map_id: str, palette: str, tmp: Path) -> None:
    """The map is there, checked, fits the phone's width and shows the
    colours of its palette that its legend counts; a hex takes the focus."""
    figure = page.locator(f"figure#{map_id}")
    expect(figure).to_be_visible()
    check_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for svg in figure.locator("svg.app-map__svg").all():
        box = svg.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    shot = figure.locator(".app-map__panels").screenshot(path=tmp / f"{map_id}.png")
    legend = {
        label: int(count)
        for label, count in (
            " ".join(item.split()).rsplit(": ", 1)
            for item in figure.locator(".app-map__legend li").all_text_contents()
        )
    }
    counted = {c.colour for c in PALETTES[palette] if not c.light and legend[c.label]}
    assert counted <= colours_in(page, shot), f"{map_id}: colours missing from the drawing"
    first = figure.locator("svg a").first
    first.focus()
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label and ": " in label


def test_every_kind_of_map_on_a_phone(
    new_context: NewContext, check_page: PageChecker, tmp_path: Path
) -> None:
    secretariat = sign_in_as(new_context, "secretariat")
    secretariat.set_viewport_size(PHONE)

    secretariat.goto("/consultations")
    click(secretariat, CLOSED_CONSULTATION)
    click(secretariat, "See where councils stand (summary of positions)")
    summary = secretariat.url.split("?")[0]
    shows_map(secretariat, check_page, "summary-map", "positions", tmp_path)

    # Switching the view and zooming to a region are a form's GET address.
    secretariat.get_by_label("Who has responded", exact=True).check()
    secretariat.get_by_label("Region", exact=True).select_option("London")
    secretariat.get_by_role("button", name="Show the map").click()
    expect(secretariat).to_have_url(f"{summary}?map=coverage&question=1&region=London#map")
    expect(secretariat.locator("figure#summary-map figcaption")).to_have_text(
        "Who has responded (London)"
    )
    shows_map(secretariat, check_page, "summary-map", "coverage", tmp_path)

    secretariat.goto("/authorities")
    shows_map(secretariat, check_page, "control-map", "control", tmp_path)
    secretariat.get_by_label("Day", exact=True).fill("1")
    secretariat.get_by_label("Month", exact=True).fill("6")
    secretariat.get_by_label("Year", exact=True).fill("2020")
    secretariat.get_by_role("button", name="Show control on this day").click()
    expect(secretariat.locator("figure#control-map figcaption")).to_have_text(
        "Political control on 1 June 2020"
    )
    check_page(secretariat)

    meeting = published_meeting_path(secretariat)
    secretariat.goto(f"{meeting}/attendance")
    shows_map(secretariat, check_page, "attendance-map", "attendance", tmp_path)
