"""The conversation on a case in a real browser (headless Chromium) on the local stack: an officer
leaves a note and writes to the customer, then reads the thread (the customer's words, each letter
as it went, the note marked as never sent); the Corporate Complaints Officer reads a formal
response in full; the resident signs in and reads their own thread, without the note. Every page
is checked with axe-core on a desktop screen and at 320 px (see staff_browser.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from sla_monitor_local.local_stack import LocalStack

from sla_monitor import staff

from .staff_browser import accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=40)]

NOTE = "Crew sheet shows the lorry broke down on Tuesday."
REPLY = "The crew will empty your garden waste bin on Thursday.\nSorry it was missed."


def test_an_officer_reads_the_thread_with_the_letter_as_sent_and_the_note_apart(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    reference = stack.sample_cases["garden"]
    sign_in(page, stack, "officer")
    page.goto(f"{stack.workspace}cases/{reference}")

    page.get_by_role("link", name="Add a note").click()
    page.get_by_label("Note for colleagues").fill(NOTE)
    page.get_by_role("button", name="Add the note").click()
    page.get_by_role("link", name="Write to the customer").click()
    page.get_by_label("Your message").fill(REPLY)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send the message").click()  # on "Check"

    thread = page.locator(".app-conversation > li")
    expect(thread.first).to_contain_text("Service request received from Daniel Okafor")
    note = thread.filter(has_text="Internal note – not sent to the customer")
    expect(note).to_have_count(1)
    expect(note).to_contain_text(NOTE)
    letter = thread.filter(has_text="Message from Jo Patel emailed to the customer")
    # The letter as it went, open: the officer's words within the council's letter.
    expect(letter.locator("details")).to_have_attribute("open", "")
    expect(letter).to_contain_text("The crew will empty your garden waste bin on Thursday.")
    expect(letter).to_contain_text("Dear Daniel Okafor")
    expect(thread.filter(has_text="Acknowledgement emailed to the customer")).to_have_count(1)
    accessible(page, "conversation-1-officer-thread")


def test_a_formal_response_is_shown_in_full(staff_page: Page, staff_stack: LocalStack):
    page, stack = staff_page, staff_stack
    sign_in(page, stack, "corporate_complaints_officer")
    page.goto(f"{stack.workspace}cases/{stack.sample_cases['repairs']}")

    response = page.locator("#response-1 ~ dl").first
    expect(response).to_contain_text("We are sorry the first appointment was missed.")
    expect(response).to_contain_text("A stage 2 review, their local councillor, then the")
    letter = page.locator(".app-conversation > li").filter(has_text="Formal response emailed")
    expect(letter).to_contain_text("WHAT WE LOOKED AT AND WHAT WE FOUND")
    accessible(page, "conversation-2-formal-response")


def test_a_resident_reads_their_thread_without_the_note(staff_page: Page, staff_stack: LocalStack):
    page, stack = staff_page, staff_stack
    reference = stack.sample_cases["garden"]
    address = "daniel.okafor@example.org"
    work = stack.services
    staff.add_note(
        reference,
        text="Not for the customer: the crew leader is on a warning.",
        by="waste-officer",
        store=work.store,
        policy=work.policy,
        calendar=work.calendar,
        now=datetime.now(UTC),
    )
    page.goto(f"{stack.your_cases}/sign-in")
    page.get_by_label("Email address").fill(address)
    page.get_by_role("button", name="Send me a sign-in link").click()
    [link] = [found for to, found in stack.sign_in_links() if to == address][-1:]
    page.goto(link)
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{stack.your_cases}/{reference}")

    thread = page.locator("#messages ~ .govuk-summary-card")
    expect(thread.first).to_contain_text("What you sent us online")
    expect(thread.filter(has_text="Our acknowledgement")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("crew leader is on a warning")
    expect(page.locator("main")).not_to_contain_text("Internal note")
    accessible(page, "conversation-3-resident-thread")
