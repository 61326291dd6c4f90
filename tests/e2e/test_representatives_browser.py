"""Someone acting for the customer, and duplicates, in a real browser (headless Chromium) on the
local stack: an officer records a representative with the customer's consent and sees letters
go to them; links a related case and merges a duplicate into its original, and reads the
duplicate's messages in the original's conversation. Every page on the way is checked with
axe-core on a desktop screen and at 320 px wide (see staff_browser.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sla_monitor_local.local_stack import LocalStack

from .staff_browser import accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=40)]


def test_an_officer_records_who_acts_for_the_customer_and_letters_go_to_them(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    reference = stack.sample_cases["garden"]
    sign_in(page, stack, "officer")
    page.goto(f"{stack.workspace}cases/{reference}")
    expect(page.locator("#representative ~ p").first).to_contain_text("Nobody is recorded")

    page.get_by_role("link", name="Who acts for the customer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who acts for the customer")
    page.get_by_label("Their name").fill("Amara Okafor")
    page.get_by_label("Who they are to the customer").fill("daughter")
    page.get_by_label("Email address").fill("amara.okafor@example.org")
    page.get_by_label("In writing").check()
    page.get_by_label("The representative", exact=True).check()
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the date the customer gave consent")
    expect(page.get_by_label("Their name")).to_have_value("Amara Okafor")
    accessible(page, "representative-1-form-with-error")

    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Who acts for the customer has been recorded"
    )
    card = page.locator("#representative + .govuk-summary-list")
    expect(card).to_contain_text("Amara Okafor")
    expect(card).to_contain_text("Consent given in writing on Tuesday 1 December 2026")

    page.get_by_role("link", name="Write to the customer").click()
    page.get_by_label("Your message").fill("We will empty the bin on Friday.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send the message").click()  # on "Check your reply"
    expect(page.locator("#conversation ~ ol")).to_contain_text(
        "emailed to the customer's representative, Amara Okafor (daughter)"
    )
    accessible(page, "representative-2-case")


def test_an_officer_links_a_case_and_merges_a_duplicate_into_its_original(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    duplicate, original = stack.sample_cases["bulky"], stack.sample_cases["bins"]
    sign_in(page, stack, "officer")
    page.goto(f"{stack.workspace}cases/{duplicate}")

    page.get_by_role("link", name="Merge into another case").click()
    page.get_by_label("Reference of the case to merge it into").fill(original)
    page.get_by_role("button", name="Merge the cases").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "has another customer's contact details"
    )
    accessible(page, "merge-1-form-asks-to-confirm")
    page.get_by_label("I have checked: the cases are about the same thing").check()
    page.get_by_role("button", name="Merge the cases").click()
    expect(page.locator("#merged-into")).to_contain_text(f"Merged into {original}")
    accessible(page, "merge-2-duplicate-closed")

    page.get_by_role("link", name=original).first.click()
    expect(page.get_by_role("list", name="Duplicates merged into this case")).to_contain_text(
        duplicate
    )
    conversation = page.locator("#conversation ~ ol")
    expect(conversation).to_contain_text(f"From {duplicate}, merged into this case")
    expect(conversation).to_contain_text("How do I book a bulky waste collection?")

    page.get_by_role("link", name="Link a related case").click()
    page.get_by_label("Reference of the related case").fill(stack.sample_cases["garden"])
    page.get_by_role("button", name="Link the cases").click()
    expect(page.get_by_role("list", name="Linked")).to_contain_text("Service request, open")
    accessible(page, "merge-3-original-with-duplicate-and-link")
