"""Answering in the staff workspace, in a real browser on the local stack: an enquiry answered
by the officer's reply in one step (its promise to respond kept), a service request closed
without a letter for one of the council's reasons, the formal response letter signed by the
officer with their job title, and the one reply date a case shows after a closure day moved it.
Every page on the way is checked with axe-core at 1280 px and 320 px (see staff_browser.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from sla_monitor_local.demo.report import SentMail, mail_sent_through_ses
from sla_monitor_local.local_stack import LocalStack

from sla_monitor.cases import CaseType, Channel, Customer
from sla_monitor.checker.wiring import deliver_now
from sla_monitor.engine import evaluate
from sla_monitor.intake import NewCase, register_case
from sla_monitor.wording import long_date

from .staff_browser import accessible, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=60)]


def _open_case(page: Page, search: str, reference: str) -> None:
    # The search in every page's header, over every case.
    page.get_by_label("Search cases").fill(search)
    page.get_by_role("search", name="Cases").get_by_role("button", name="Search").click()
    page.get_by_role("link", name=reference).click()
    expect(page.locator(".moj-identity-bar")).to_contain_text(reference)


def _clock_row(page: Page, promise: str):
    return page.locator("#clocks ~ div table tbody tr", has_text=promise).first


def _the_letter(stack: LocalStack, subject: str) -> SentMail:
    """The one letter sent through SES with that subject."""
    [letter] = [m for m in mail_sent_through_ses(stack.services) if m.subject == subject]
    return letter


def _summary_value(page: Page, key: str):
    row = page.locator(".govuk-summary-list__row", has_text=key).first
    return row.locator(".govuk-summary-list__value")


def test_an_enquiry_whose_reply_date_a_closure_day_moved_is_answered_in_one_step(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    bundle = stack.services
    now = datetime.now(UTC)
    case = register_case(
        NewCase(
            case_type=CaseType.ENQUIRY,
            channel=Channel.EMAIL,
            received_at=now,
            subject="Can I have a second recycling box?",
            description="We fill our recycling box every week. Can we have another one?",
            customer=Customer(name="Lena Brook", email="lena.brook@example.org"),
            department="waste-services",
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=now,
    ).case
    deliver_now(bundle, case.reference, now)  # the acknowledgement gives the reply date
    clocks = evaluate(case, bundle.policy, bundle.calendar, now).clocks
    due = next(c for c in clocks if c.promise == "respond_to_enquiry").due_day
    assert due is not None

    # The council closes on the day the reply is due: the case is re-timed.
    sign_in(page, stack, "administrator")
    page.get_by_role("link", name="Closure days").click()
    page.get_by_role("button", name="Close the council on a day").click()
    page.get_by_label("Day", exact=True).fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_label("Why does the council close?").fill("Office move")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#moved")).to_contain_text("open case")
    page.get_by_role("button", name="Close the council on this day").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(case.reference)
    sign_out(page, stack)

    sign_in(page, stack, "officer")
    _open_case(page, "Lena", case.reference)
    moved_to = bundle.calendar.next_working_day(due)
    # One date per promise: the clock's, the same in the clocks and in "Reply promised by".
    expect(_clock_row(page, "Respond to enquiry")).to_contain_text(long_date(moved_to))
    reply_by = _summary_value(page, "Reply promised by")
    expect(reply_by).to_contain_text(long_date(moved_to))
    expect(reply_by).to_contain_text(
        f"Moved from {long_date(due)} because the council's offices are closed on {long_date(due)}."
    )
    accessible(page, "answering-1-enquiry-moved-date")

    page.get_by_role("link", name="Reply and answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reply and answer")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter your message to the customer"
    )
    accessible(page, "answering-2-reply-and-answer-with-error")
    page.get_by_label("Your reply").fill(
        "Yes: we will deliver a second recycling box with your next collection."
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send the reply").click()  # on "Check"

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "the promise to respond is kept"
    )
    expect(_clock_row(page, "Respond to enquiry")).to_contain_text("met")
    expect(page.locator(".govuk-caption-l").first).to_contain_text("closed")
    expect(page.get_by_role("link", name="Reply and answer")).to_have_count(0)
    accessible(page, "answering-3-enquiry-answered")
    reply = _the_letter(stack, f"{case.reference}: our reply to your enquiry")
    assert b"Jo Patel, Waste Services Officer" in reply.raw
    sign_out(page, stack)


def test_a_service_request_is_closed_without_a_letter_for_a_reason(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    reference = stack.sample_cases["garden"]
    sign_in(page, stack, "officer")
    _open_case(page, "Daniel", reference)

    page.get_by_role("link", name="Close without a letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close without a letter")
    page.get_by_role("button", name="Close the case").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select why the case is closed without a letter"
    )
    page.get_by_role("radio", name="Another reason").check()
    page.get_by_role("button", name="Close the case").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the case is closed")
    accessible(page, "answering-4-close-with-error")
    page.get_by_label("Resolved with the customer by phone").check()
    page.get_by_role("button", name="Close the case").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "closed without a letter"
    )
    expect(_summary_value(page, "Closed")).to_contain_text(
        "without a letter: Resolved with the customer by phone"
    )
    # The council counts a call as the reply: the promise to respond is kept.
    expect(_clock_row(page, "Respond to enquiry")).to_contain_text("met")
    expect(page.locator(".moj-timeline__item").first).to_contain_text(
        "the council counts this as the reply"
    )
    accessible(page, "answering-5-closed-without-a-letter")
    sign_out(page, stack)


def test_the_formal_response_letter_is_signed_by_the_officer(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    reference = stack.sample_cases["bins"]
    sign_in(page, stack, "officer")
    _open_case(page, "Margaret", reference)
    # A complaint keeps its formal response: it is not closed by a reply or without a letter.
    expect(page.get_by_role("link", name="Reply and answer")).to_have_count(0)
    expect(page.get_by_role("link", name="Close without a letter")).to_have_count(0)

    page.get_by_role("link", name="Record the formal response").click()
    page.get_by_label("Upheld", exact=True).check()
    page.get_by_label("What was looked at and found").fill(
        "We checked the crew's records: your bin was missed three weeks running."
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Record the response").click()  # on "Check"
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The response has been recorded"
    )
    letter = _the_letter(stack, f"{reference}: our response to your complaint")
    text = letter.raw.decode("utf-8", "replace").replace("\r\n", "\n")
    assert "Yours sincerely,\n\nJo Patel\nWaste Services Officer\nNorth West" in text
    assert "Customer Services Team" not in text
    sign_out(page, stack)
