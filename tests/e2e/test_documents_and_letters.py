"""A response's supporting documents and a response received by letter, as
their users reach them: Leeds's officer attaches and removes a document, the
secretariat enters a letter from Greater Manchester, a second member of the
secretariat confirms it, and the mayor withdraws it. Every page and error
summary is checked with ``check_page`` (axe and the Nu HTML checker). The
test makes its own consultation, so no other test sees what it changes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from playwright.sync_api import expect

from commission.timeutil import LONDON
from tests.e2e.harness import PageChecker
from tests.e2e.test_every_page import (
    LEEDS,
    NewContext,
    arrived,
    banner,
    click,
    fill_date,
    press,
    shows_errors,
    sign_in_as,
)
from tests.factories import PDF_BYTES

MANCHESTER = "Greater Manchester Combined Authority"
TITLE = "Pooling local audit: a shared audit service for councils"


def _pdf(name: str) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}


def test_documents_and_letter_responses(new_context: NewContext, check_page: PageChecker) -> None:
    today = datetime.now(LONDON).date()
    secretariat = sign_in_as(new_context, "secretariat")
    secretariat.goto("/consultations/new")
    secretariat.get_by_label("Title", exact=True).fill(TITLE)
    secretariat.get_by_label("Summary").fill("Government proposes a shared audit service.")
    secretariat.get_by_label("Department").select_option(
        label="Ministry of Housing, Communities and Local Government"
    )
    fill_date(secretariat, today, secretariat.get_by_role("group", name="Opens on"))
    fill_date(
        secretariat, today + timedelta(days=30), secretariat.get_by_role("group", name="Closes on")
    )
    press(secretariat, "Save consultation")
    expect(banner(secretariat)).to_contain_text("saved")
    consultation = urlsplit(secretariat.url).path
    click(secretariat, "Add a question")
    secretariat.get_by_label("Question", exact=True).fill("Should audit be pooled?")
    press(secretariat, "Save question")
    secretariat.goto(consultation)
    click(secretariat, "Open the consultation")
    press(secretariat, "Open consultation")
    expect(banner(secretariat)).to_contain_text("is open for responses")

    # Leeds's officer attaches a document, then takes it out again.
    officer = sign_in_as(new_context, "officer")
    officer.goto(f"{consultation}/responses/leeds-city-council")
    arrived(officer, check_page, f"{LEEDS}'s response")
    click(officer, "Attach a supporting document")
    arrived(officer, check_page, "Attach a supporting document")
    press(officer, "Attach document")
    shows_errors(officer, check_page, "Select a file")
    officer.get_by_label("Upload a file").set_input_files(
        {"name": "figures.xlsx", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    press(officer, "Attach document")
    shows_errors(officer, check_page, "The selected file is not a real XLSX file")
    officer.get_by_label("Upload a file").set_input_files(_pdf("cabinet-report.pdf"))
    officer.get_by_label("Title (optional)").fill("Cabinet report")
    press(officer, "Attach document")
    expect(banner(officer)).to_contain_text("Cabinet report attached")
    arrived(officer, check_page, f"{LEEDS}'s response")
    click(officer, re.compile(r"^Remove\s+Cabinet report$"))
    arrived(officer, check_page, "Remove “Cabinet report” from the response?")
    press(officer, "Remove document")
    expect(banner(officer)).to_contain_text("Cabinet report removed")

    # The secretariat enters Greater Manchester's letter.
    secretariat.goto(consultation)
    click(secretariat, "Enter a response received by letter or email")
    arrived(secretariat, check_page, "Enter a response received by letter or email")
    press(secretariat, "Enter the response")
    shows_errors(
        secretariat,
        check_page,
        "Select the authority",
        "Enter the date of the letter or email",
    )
    secretariat.get_by_label("Authority").select_option(label=MANCHESTER)
    fill_date(
        secretariat, today, secretariat.get_by_role("group", name="Date of the letter or email")
    )
    secretariat.get_by_label("The letter or email").set_input_files(_pdf("letter.pdf"))
    secretariat.get_by_role("group", name="The authority's overall position").get_by_label(
        "Oppose", exact=True
    ).check()
    secretariat.get_by_role("group", name=re.compile(r"^1\. ")).get_by_label(
        "Oppose", exact=True
    ).check()
    press(secretariat, "Enter the response")
    expect(banner(secretariat)).to_contain_text("Another member of the secretariat must confirm")
    arrived(secretariat, check_page, TITLE)
    click(secretariat, MANCHESTER)
    arrived(secretariat, check_page, f"Confirm {MANCHESTER}'s response from a letter")
    expect(secretariat.get_by_text("You entered this response")).to_be_visible()
    confirm = secretariat.url

    checker = sign_in_as(new_context, "secretariat2")
    checker.goto(confirm)
    arrived(checker, check_page, f"Confirm {MANCHESTER}'s response from a letter")
    press(checker, "Confirm the response")
    expect(banner(checker)).to_contain_text("It now counts")

    # The mayor sees it, and withdraws it.
    mayor = sign_in_as(new_context, "mayor")
    mayor.goto(confirm.replace("/confirm-letter", ""))
    arrived(mayor, check_page, f"{MANCHESTER}'s response")
    expect(mayor.locator("#letter")).to_contain_text("Entered by the secretariat from a letter")
    click(mayor, "withdraw the response entered from your letter")
    arrived(mayor, check_page, f"Withdraw the response entered from {MANCHESTER}'s letter?")
    press(mayor, "Withdraw the response")
    expect(banner(mayor)).to_contain_text("withdrawn")
    arrived(mayor, check_page, f"{MANCHESTER}'s response")
