"""A council's record of positions and the page comparing councils' answers,
reached by their links as the secretariat (who may see every response), with
``check_page`` (axe and the Nu HTML checker) on each, and on each one's error
summary."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.harness import PageChecker, sign_in_as
from tests.e2e.test_every_page import (
    CLOSED_CONSULTATION,
    LEEDS,
    LEEDS_PAGE,
    NewContext,
    arrived,
    click,
    press,
    shows_errors,
    visit,
)


def test_record_of_positions_and_compare_pages(
    new_context: NewContext, check_page: PageChecker
) -> None:
    secretariat = sign_in_as(new_context, "secretariat")
    visit(secretariat, check_page, LEEDS_PAGE, LEEDS)
    click(secretariat, f"{LEEDS}'s record of positions")
    arrived(secretariat, check_page, "Record of positions")
    record = secretariat.url

    secretariat.goto(record + "?year=1999")
    shows_errors(secretariat, check_page, "Select a year from the list")

    secretariat.goto("/consultations")
    click(secretariat, CLOSED_CONSULTATION)
    arrived(secretariat, check_page, CLOSED_CONSULTATION)
    click(secretariat, "Compare councils' answers")
    arrived(secretariat, check_page, "Compare answers")

    boxes = secretariat.locator("input[name=authority]")
    boxes.nth(0).check()
    press(secretariat, "Compare")
    shows_errors(
        secretariat, check_page, "Select at least two authorities, or one and all members' answers"
    )

    secretariat.locator("input[name=authority]").nth(1).check()
    secretariat.get_by_label("All members' answers").check()
    press(secretariat, "Compare")
    arrived(secretariat, check_page, "Compare answers")
    region = secretariat.get_by_role("region", name="Answers side by side")
    expect(region).to_be_visible()
    expect(region.get_by_role("columnheader", name="All members")).to_be_visible()
    expect(region.get_by_role("rowheader", name=re.compile(r"^Overall position"))).to_be_visible()
