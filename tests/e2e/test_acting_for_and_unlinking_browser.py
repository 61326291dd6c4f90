"""What representatives and linked cases still lacked, in a real browser (headless Chromium) on
the local stack: an officer checks a reply that goes to the customer's representative alone
(greeted by name, "the service request you made for" the customer), and the resident sees on
their own case page who acts for them; an officer unlinks two related cases. Every page on the
way is checked with axe-core on a desktop screen and at 320 px wide (see staff_browser.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sla_monitor_local.local_stack import LocalStack

from .staff_browser import accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=40)]

CUSTOMER = "daniel.okafor@example.org"  # the garden sample case's customer


def test_a_reply_to_the_representative_is_checked_and_the_resident_sees_who_acts_for_them(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    reference = stack.sample_cases["garden"]
    sign_in(page, stack, "officer")
    page.goto(f"{stack.workspace}cases/{reference}")
    page.get_by_role("link", name="Who acts for the customer").click()
    page.get_by_label("Their name").fill("Amara Okafor")
    page.get_by_label("Who they are to the customer").fill("daughter")
    page.get_by_label("Email address").fill("amara.okafor@example.org")
    page.get_by_label("In writing").check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("The representative", exact=True).check()
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Write to the customer").click()
    page.get_by_label("Your message").fill("We will empty the bin on Friday.")
    page.get_by_role("button", name="Continue").click()
    check = page.locator("main")
    expect(check).to_contain_text("amara.okafor@example.org")
    expect(check).to_contain_text("Dear Amara Okafor")
    expect(check).not_to_contain_text("Dear Daniel Okafor")
    accessible(page, "acting-for-1-check-reply-to-representative")
    page.get_by_role("button", name="Send the message").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()

    page.goto(f"{stack.your_cases}/sign-in")
    page.get_by_label("Email address").fill(CUSTOMER)
    page.get_by_role("button", name="Send me a sign-in link").click()
    [link] = [found for to, found in stack.sign_in_links() if to == CUSTOMER][-1:]
    page.goto(link)
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{stack.your_cases}/{reference}")
    acting = page.get_by_role("term").filter(has_text="Name").locator("xpath=..")
    expect(page.get_by_role("heading", name="Someone acting for you")).to_be_visible()
    expect(acting).to_contain_text("Amara Okafor (daughter)")
    expect(page.locator("main")).to_contain_text(
        "You gave your consent in writing on Tuesday 1 December 2026"
    )
    expect(page.locator("main")).to_contain_text("Your representative, Amara Okafor")
    letter = page.locator(".govuk-summary-card").filter(has_text="Message from Jo Patel")
    expect(letter).to_contain_text("Emailed to your representative Amara Okafor (daughter) by")
    accessible(page, "acting-for-2-resident-case-page")


def test_an_officer_unlinks_a_related_case(staff_page: Page, staff_stack: LocalStack):
    page, stack = staff_page, staff_stack
    reference, other = stack.sample_cases["bins"], stack.sample_cases["fence"]
    sign_in(page, stack, "officer")
    page.goto(f"{stack.workspace}cases/{reference}")
    page.get_by_role("link", name="Link a related case").click()
    page.get_by_label("Reference of the related case").fill(other)
    page.get_by_role("button", name="Link the cases").click()
    expect(page.get_by_role("list", name="Linked")).to_contain_text(other)

    page.get_by_role("link", name="Unlink a related case").click()
    page.get_by_role("button", name="Unlink the cases").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select the case to unlink")
    accessible(page, "unlink-1-form-with-error")
    page.get_by_label(other).check()
    page.get_by_role("button", name="Unlink the cases").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The cases are no longer linked"
    )
    expect(page.get_by_role("list", name="Linked")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(f"no longer linked to {other}")
    accessible(page, "unlink-2-case-after")
