"""A legal hold in a real browser (headless Chromium) on the local stack: the Corporate
Complaints Officer keeps a closed complaint on legal hold, sees it on the case page, and lifts
it with a reason. Every page on the way is checked with axe-core on a desktop screen and at
320 px wide (see staff_browser.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sla_monitor_local.local_stack import LocalStack

from .staff_browser import accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=30)]


def test_the_complaints_officer_keeps_a_closed_complaint_on_legal_hold_and_lifts_it(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    reference = stack.sample_cases["fence"]  # a complaint answered and closed
    sign_in(page, stack, "corporate_complaints_officer")
    page.goto(f"{stack.workspace}cases/{reference}")
    expect(page.locator("#legal-hold")).to_have_count(0)

    page.get_by_role("link", name="Keep on legal hold").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keep on legal hold")
    page.get_by_role("button", name="Keep the case").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter why the case must be kept")
    accessible(page, "legal-hold-1-form-with-error")

    page.get_by_label("Why must the case be kept?").fill("The Ombudsman is investigating")
    page.get_by_role("button", name="Keep the case").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The case is on legal hold"
    )
    expect(page.locator("#legal-hold")).to_contain_text("Kept on legal hold since")
    expect(page.locator("#legal-hold")).to_contain_text("The Ombudsman is investigating")
    expect(page.get_by_role("link", name="Keep on legal hold")).to_have_count(0)
    accessible(page, "legal-hold-2-case-held")

    page.get_by_role("link", name="Lift the legal hold").click()
    page.get_by_label("Why can the hold be lifted?").fill("The Ombudsman closed its enquiry")
    page.get_by_role("button", name="Lift the hold").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The legal hold has been lifted"
    )
    expect(page.locator("#legal-hold")).to_have_count(0)


def test_an_officer_is_not_offered_a_legal_hold(staff_page: Page, staff_stack: LocalStack):
    page, stack = staff_page, staff_stack
    sign_in(page, stack, "officer")
    page.goto(f"{stack.workspace}cases/{stack.sample_cases['garden']}")
    expect(page.get_by_role("link", name="Write to the customer")).to_be_visible()
    expect(page.get_by_role("link", name="Keep on legal hold")).to_have_count(0)
