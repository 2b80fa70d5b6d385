"""A consultation asking every kind of question, in sections, as its users
meet it: the secretariat sets up a section and a question of each kind and
opens it; Leeds's leader answers, is told on the field what is wrong with a
number out of bounds and a ranking with a tie, checks the answers and signs
off; the secretariat reads the summary's figures. Every page is checked with
``check_page`` (axe and the Nu HTML checker). The test makes its own
consultation, so no other test sees what it changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from commission.timeutil import LONDON
from tests.e2e.harness import PageChecker, sign_in_as
from tests.e2e.test_every_page import (
    LEEDS,
    NewContext,
    arrived,
    banner,
    click,
    fill_date,
    press,
    shows_errors,
)

TITLE = "Local nature recovery: what councils would deliver"


OTHER = "Offer “Other - please say” (one choice only)"
LIMIT = "Most options a council can choose (several choices only, optional)"


def add_question(
    page: Page,
    check_page: PageChecker,
    kind: str,
    text: str,
    settings: dict[str, str] | None = None,
) -> None:
    click(page, "Add a question")
    arrived(page, check_page, "Add a question")
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Question", exact=True).fill(text)
    for label, value in (settings or {}).items():
        field = page.get_by_label(label, exact=True)
        if label == "Section (optional)":
            field.select_option(label=value)
        elif value == "check":
            field.check()
        else:
            field.fill(value)
    press(page, "Save question")
    expect(banner(page)).to_contain_text("Question saved")


def test_a_council_answers_every_kind_of_question(
    new_context: NewContext, check_page: PageChecker
) -> None:
    today = datetime.now(LONDON).date()
    secretariat = sign_in_as(new_context, "secretariat")
    secretariat.goto("/consultations/new")
    secretariat.get_by_label("Title", exact=True).fill(TITLE)
    secretariat.get_by_label("Summary").fill("Government proposes local nature recovery duties.")
    secretariat.get_by_label("Department").select_option(
        label="Ministry of Housing, Communities and Local Government"
    )
    fill_date(secretariat, today, secretariat.get_by_role("group", name="Opens on"))
    fill_date(
        secretariat, today + timedelta(days=30), secretariat.get_by_role("group", name="Closes on")
    )
    press(secretariat, "Save consultation")
    consultation = urlsplit(secretariat.url).path

    click(secretariat, "Add a section")
    arrived(secretariat, check_page, "Add a section")
    press(secretariat, "Save section")
    shows_errors(secretariat, check_page, "Enter the section's title")
    secretariat.get_by_label("Section title").fill("Delivery")
    secretariat.get_by_label("Introduction (optional)").fill("How your council would deliver it.")
    press(secretariat, "Save section")
    expect(banner(secretariat)).to_contain_text("Section saved")

    add_question(
        secretariat,
        check_page,
        "One choice from options (radios)",
        "Who should lead local nature recovery?",
        {
            "Options": "Councils\nNatural England\nCombined authorities",
            OTHER: "check",
            "Section (optional)": "Delivery",
        },
    )
    add_question(
        secretariat,
        check_page,
        "Several choices from options (check boxes)",
        "Which habitats matter most?",
        {"Options": "Woodland\nWetland\nGrassland", LIMIT: "2"},
    )
    add_question(secretariat, check_page, "Yes, no or don't know", "Would you bid for funding?")
    add_question(
        secretariat,
        check_page,
        "A number, with a unit and bounds",
        "How many hectares could you restore?",
        {
            "Unit (a number only, optional)": "hectares",
            "Smallest number allowed (optional)": "0",
            "Largest number allowed (optional)": "500",
        },
    )
    add_question(
        secretariat,
        check_page,
        "A ranking of options",
        "Rank these aims",
        {"Options": "Biodiversity\nFlood prevention\nPublic access"},
    )
    add_question(
        secretariat,
        check_page,
        "Short text (one line, up to 500 characters)",
        "Who would lead this for your council?",
    )
    click(secretariat, "Open the consultation")
    press(secretariat, "Open consultation")
    expect(banner(secretariat)).to_contain_text("is open for responses")

    leader = sign_in_as(new_context, "leader")
    leader.goto(f"{consultation}/responses/leeds-city-council")
    arrived(leader, check_page, f"{LEEDS}'s response")
    expect(leader.get_by_role("heading", name="Delivery")).to_be_visible()
    leader.get_by_role("group", name="Your authority's overall position").get_by_label(
        "Support", exact=True
    ).check()
    leader.get_by_label("Other", exact=True).check()
    leader.get_by_label("If you chose Other, please say").fill("A local partnership")
    leader.get_by_label("Woodland").check()
    leader.get_by_label("Wetland").check()
    leader.get_by_label("Don't know").check()
    leader.get_by_label("4. How many hectares could you restore?").fill("900")
    aims = leader.get_by_role("group", name="5. Rank these aims")
    aims.get_by_label("Biodiversity").select_option("1")
    aims.get_by_label("Flood prevention").select_option("1")
    aims.get_by_label("Public access").select_option("3")
    leader.get_by_label("6. Who would lead this for your council?").fill("Director of Environment")
    press(leader, "Continue to check your answers")
    shows_errors(leader, check_page, "Enter a number between 0 and 500")
    leader.get_by_label("4. How many hectares could you restore?").fill("120")
    press(leader, "Continue to check your answers")
    shows_errors(leader, check_page, "Give each option a different rank")
    aims = leader.get_by_role("group", name="5. Rank these aims")
    aims.get_by_label("Flood prevention").select_option("2")
    press(leader, "Continue to check your answers")
    arrived(leader, check_page, f"Check {LEEDS}'s response")
    expect(leader.get_by_role("heading", name="Delivery")).to_be_visible()
    expect(leader.locator("main")).to_contain_text("Other: A local partnership")
    expect(leader.locator("main")).to_contain_text("120 hectares")
    expect(leader.locator("main")).to_contain_text("1. Biodiversity")
    press(leader, "Sign off and submit")
    arrived(leader, check_page, "Response submitted")

    secretariat.goto(f"{consultation}/summary")
    arrived(secretariat, check_page, "Where councils stand")
    expect(secretariat.locator("main")).to_contain_text("Choices, numbers and rankings")
    secretariat.goto(f"{consultation}/summary/questions/5")
    check_page(secretariat)
    expect(secretariat.locator("main")).to_contain_text("Mean rank")
