"""A policy's journey, reached by its links as the secretariat builds it
(create, a refused form, link two consultations, move, the unlink
confirmation) and as the public reads it, with ``check_page`` (axe and the
Nu HTML checker) on each page and on each error summary."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.harness import PageChecker, sign_in_as
from tests.e2e.test_every_page import (
    CLOSED_CONSULTATION,
    OPEN_CONSULTATION,
    NewContext,
    arrived,
    banner,
    click,
    press,
    shows_errors,
    visit,
)

POLICY = "Devolution and early years (browser test)"


def test_policy_pages(new_context: NewContext, check_page: PageChecker) -> None:
    secretariat = sign_in_as(new_context, "secretariat")
    visit(secretariat, check_page, "/consultations", "Consultations")
    click(secretariat, "the policies page")
    arrived(secretariat, check_page, "Policies")
    click(secretariat, "Create a policy")
    arrived(secretariat, check_page, "Create a policy")
    secretariat.get_by_label("Bill's page on parliament.uk (optional)").fill(
        "http://example.com/bill"
    )
    press(secretariat, "Save policy")
    shows_errors(secretariat, check_page, "Enter the policy's name", "Enter a summary")

    secretariat.get_by_label("Name").fill(POLICY)
    secretariat.get_by_label("Summary").fill("Powers and money for places.")
    press(secretariat, "Save policy")
    shows_errors(secretariat, check_page, "Enter the address of the bill's page on parliament.uk")
    secretariat.get_by_label("Bill (optional)").fill("English Devolution Bill")
    secretariat.get_by_label("Bill's page on parliament.uk (optional)").fill(
        "https://bills.parliament.uk/bills/3737"
    )
    press(secretariat, "Save policy")
    expect(banner(secretariat)).to_contain_text("saved")
    arrived(secretariat, check_page, POLICY)
    policy = secretariat.url

    for title in (CLOSED_CONSULTATION, OPEN_CONSULTATION):
        click(secretariat, "Add a stage")
        arrived(secretariat, check_page, "Add a stage")
        if title == CLOSED_CONSULTATION:
            press(secretariat, "Add stage")
            shows_errors(secretariat, check_page, "Select the consultation to add")
        secretariat.get_by_label("Consultation").select_option(
            label=next(
                text
                for text in secretariat.locator("select#consultation option").all_inner_texts()
                if title in text
            )
        )
        press(secretariat, "Add stage")
        expect(banner(secretariat)).to_contain_text("added as a stage")
    arrived(secretariat, check_page, POLICY)
    expect(secretariat.get_by_role("heading", name="How councils' positions moved")).to_be_visible()

    press(secretariat, "Move up stage 2")
    expect(secretariat.locator(".app-policy-stage h3").first).to_have_text(
        "Stage 1: Policy development"
    )
    click(secretariat, "Change the policy's details")
    arrived(secretariat, check_page, f"Change {POLICY}")
    secretariat.goto(policy)
    secretariat.get_by_role("link", name="Remove stage 1").click()
    arrived(secretariat, check_page, "Remove this stage")

    secretariat.goto("/consultations")
    secretariat.get_by_label("Policy").select_option(label=POLICY)
    press(secretariat, "Filter")
    arrived(secretariat, check_page, "Consultations")
    expect(secretariat.get_by_role("link", name=CLOSED_CONSULTATION)).to_be_visible()
    secretariat.goto("/consultations?stage=nonsense")
    shows_errors(secretariat, check_page, "Select a legislative stage from the list")

    visitor = new_context().new_page()
    visit(visitor, check_page, "/policies", "Policies")
    click(visitor, POLICY)
    arrived(visitor, check_page, POLICY)
    click(visitor, CLOSED_CONSULTATION)
    arrived(visitor, check_page, CLOSED_CONSULTATION)
    expect(visitor.get_by_role("link", name=POLICY)).to_be_visible()
