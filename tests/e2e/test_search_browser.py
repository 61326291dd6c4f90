"""Finding cases in a real browser (headless Chromium) on the local stack: the search in every
page's header, over open and closed cases; the work list's Closed view; a case's "The customer's
other cases"; and a stage 2 review started from a closed complaint found by its reference, as a
customer asking by phone would have it. Every page on the way is checked with axe-core, on a
desktop screen and at 320 px wide (see staff_browser.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sla_monitor_local.local_stack import LocalStack

from .staff_browser import accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=45)]


def _search_from_the_header(page: Page, text: str) -> None:
    header = page.get_by_role("search", name="Cases")
    header.get_by_label("Search cases", exact=True).fill(text)
    header.get_by_role("button", name="Search", exact=True).click()


def test_a_customer_s_cases_are_found_by_name_open_and_closed_and_in_the_closed_view(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    bulky, fence = stack.sample_cases["bulky"], stack.sample_cases["fence"]
    sign_in(page, stack, "officer")

    # By name, from the work list's header: the open enquiry and the closed complaint.
    _search_from_the_header(page, "Priya Shah")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search all cases")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(bulky)
    expect(rows.nth(0)).to_contain_text("Open")
    expect(rows.nth(1)).to_contain_text(fence)
    expect(rows.nth(1)).to_contain_text(re.compile(r"Closed on \w+day \d+ \w+ \d{4}"))
    expect(page.locator("#count")).to_contain_text("2 cases found for “Priya Shah”")
    accessible(page, "search-1-by-name")

    # The Closed view, among the work list's views.
    page.get_by_role("navigation", name="Staff workspace").get_by_role("link", name="Cases").click()
    page.get_by_role("navigation", name="Views of the work list").get_by_role(
        "link", name="Closed"
    ).click()
    expect(page.get_by_role("heading", level=2, name="Closed cases")).to_be_visible()
    expect(page.locator("tbody tr").first).to_contain_text(fence)
    accessible(page, "search-2-closed-view")

    # The open enquiry's page lists the customer's closed complaint.
    page.goto(f"{stack.workspace}cases/{bulky}")
    other = page.get_by_role("list", name="The customer's other cases")
    expect(other.get_by_role("link")).to_have_text([fence])
    expect(other).to_contain_text("closed on")
    accessible(page, "search-3-other-cases")


def test_a_closed_complaint_found_by_its_reference_is_taken_to_stage_2(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    bins, fence = stack.sample_cases["bins"], stack.sample_cases["fence"]
    sign_in(page, stack, "officer")

    # From another case's page, the closed complaint's reference goes straight to it.
    page.goto(f"{stack.workspace}cases/{bins}")
    _search_from_the_header(page, fence.lower())
    expect(page).to_have_url(re.compile(f"/cases/{fence}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Garden fence damaged by the bin lorry"
    )
    expect(page.locator(".govuk-caption-l")).to_contain_text("closed")
    accessible(page, "search-4-closed-complaint")

    # The customer rang to ask for a review: stage 2 starts from the closed case.
    page.get_by_role("link", name="Start a stage 2 review").click()
    page.get_by_label("Why does the customer ask for a review?").fill(
        "Rang to say the new fence post leans and the panel was not replaced."
    )
    page.get_by_label("Telephone").check()
    page.get_by_role("button", name="Start stage 2").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The complaint is at stage 2"
    )
    expect(page.locator(".govuk-caption-l")).to_contain_text("stage 2 · open")
