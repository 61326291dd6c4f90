"""The Corporate Complaints Officer opens Reports in a real browser (headless Chromium) on the
local stack and sees the month's report; a possible complaint's "Confirm the type" step. Each
page is checked with axe-core on a desktop screen and at 320 px (set STAFF_WORKSPACE_SCREENSHOTS
to keep a screenshot of each)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sla_monitor_local.local_stack import LocalStack

from sla_monitor.cases import CaseType, Channel, Customer, Preferences
from sla_monitor.intake import NewCase, register_case
from sla_monitor.reports.periods import Month

from .staff_browser import accessible, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=27)]


def test_the_complaints_officer_opens_reports_and_sees_the_months_report(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    sign_in(page, stack, "corporate_complaints_officer")

    page.get_by_role("link", name="Reports").click()
    last = Month.of(stack.services.calendar.local(datetime.now(UTC)).date()).preceding()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Promises kept: cases received in {last.label}"
    )
    accessible(page, "reports-1-last-month")

    # This month's: the sample cases, with the charts and their tables.
    this = last.following()
    month = page.get_by_label("Month", exact=True)
    expect(month.locator("option").first).to_have_text(this.label)  # newest first, in words
    month.select_option(label=this.label)
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Promises kept: cases received in {this.label}"
    )
    expect(page.locator("svg[role=img]").first).to_be_visible()
    expect(page.locator("table.govuk-table").first).to_be_visible()
    expect(page.get_by_role("link", name=f"Download the report for {this.label}")).to_be_visible()
    accessible(page, "reports-2-this-month")

    # A month not begun, in a bookmarked address: shown back as a field error.
    page.goto(page.url.split("?")[0] + "?report=monthly&month=2999-01")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_contain_text(["January 2999 has not begun yet"])
    accessible(page, "reports-3-month-refused")

    page.get_by_role("link", name="Annual complaints report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Annual complaints performance")
    accessible(page, "reports-4-annual")
    sign_out(page, stack)


def test_a_possible_complaint_is_confirmed_from_its_page(staff_page: Page, staff_stack: LocalStack):
    page, stack = staff_page, staff_stack
    bundle = stack.services
    now = datetime.now(UTC)
    reference = register_case(
        NewCase(
            case_type=CaseType.COMPLAINT,
            channel=Channel.EMAIL,
            received_at=now - timedelta(hours=1),
            subject="Still no answer about the council tax bill",
            description="I wrote twice and nobody answered.",
            customer=Customer(name="Alex Unsure", email="alex.unsure@example.com"),
            preferences=Preferences(),
            department=None,
            idempotency_key="browser-possible-complaint",
            possible_complaint=True,
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=now,
    ).case.reference
    sign_in(page, stack, "corporate_complaints_officer")
    page.goto(f"{stack.workspace}cases")
    row = page.locator("tbody tr", has=page.get_by_role("link", name=reference))
    expect(row.locator(".moj-badge", has_text="Possible complaint")).to_be_visible()

    page.get_by_role("link", name=reference).click()
    expect(page.locator("#possible-complaint")).to_contain_text("Possible complaint")
    accessible(page, "confirm-type-0-case")
    page.locator("#possible-complaint").get_by_role("link", name="Confirm the type").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm the type")
    accessible(page, "confirm-type-1-form")
    page.get_by_role("button", name="Confirm the type").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    accessible(page, "confirm-type-2-error")
    page.get_by_role("radio", name="Complaint").check()
    page.get_by_role("button", name="Confirm the type").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("confirmed")
    expect(page.locator("#possible-complaint")).to_have_count(0)
    accessible(page, "confirm-type-3-done")
    assert not bundle.store.get_case(reference).possible_complaint
    sign_out(page, stack)
