"""Appointments in a real browser (headless Chromium) on the local stack: an officer books a
home visit on a case, then, on a phone-sized screen, says they are running late; the case page
shows the appointment not kept on time, and the customer was told. Every page on the way is
checked with axe-core, on a desktop screen and at 320 px wide (see staff_browser.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sla_monitor_local.local_stack import LocalStack

from sla_monitor.calendar import LONDON

from .staff_browser import NARROW, accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=40)]


def test_an_officer_books_a_visit_and_says_they_are_running_late_from_a_phone(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    reference = stack.sample_cases["garden"]
    visit_on = (datetime.now(UTC).astimezone(LONDON) + timedelta(days=2)).date()
    sign_in(page, stack, "officer")
    page.goto(f"{stack.workspace}cases/{reference}")

    page.get_by_role("link", name="Book an appointment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book an appointment")
    page.get_by_role("button", name="Book the appointment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select what kind of appointment it is"
    )
    accessible(page, "appointments-1-book-with-errors")
    page.get_by_label("Home visit").check()
    page.get_by_label("Day").fill(str(visit_on.day))
    page.get_by_label("Month").fill(str(visit_on.month))
    page.get_by_label("Year").fill(str(visit_on.year))
    page.get_by_label("Time", exact=True).fill("10:30am")
    page.get_by_label("Where, or the number or link to call").fill("3 Park Road, Coalville")
    page.get_by_label("The customer needs to talk to us in private").check()
    page.get_by_role("button", name="Book the appointment").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The appointment is booked"
    )
    expect(page.locator("#appointments ~ dl").first).to_contain_text("at 10:30am")
    accessible(page, "appointments-2-case-booked")

    page.set_viewport_size(NARROW)
    page.get_by_role("link", name="Running late or cannot come").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Running late or cannot come")
    accessible(page, "appointments-3-running-late")
    page.set_viewport_size(NARROW)
    page.get_by_label("About 20 minutes").check()
    page.get_by_role("button", name="Tell the customer").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The customer has been told"
    )
    expect(page.locator("#appointments ~ dl").first).to_contain_text(
        "Running late, about 20 minutes (the customer was told)"
    )
    row = page.locator("table tbody tr", has_text="Appointment on time 1").first
    expect(row).to_contain_text("breached")
    timeline = page.locator(".moj-timeline")
    expect(timeline).to_contain_text("running late for the home visit")
    accessible(page, "appointments-4-case-late")
