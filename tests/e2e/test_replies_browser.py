"""Reply templates and the check before a letter goes, in a real browser (headless Chromium) on
the local stack: an administrator adds a template (an unknown placeholder is refused beside the
words), an officer starts "Reply and answer" from it, reads the letter exactly as the customer will
get it on "Check your reply", changes a word and sends it; the formal response is checked the same
way. Every page is checked with axe-core on a desktop screen and at 320 px (see
staff_browser.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sla_monitor_local.demo.report import mail_sent_through_ses
from sla_monitor_local.local_stack import LocalStack

from .staff_browser import accessible, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=40)]

TEMPLATE = "Bulky waste booked"
WORDS = "We have booked your collection for ((reply_promised_by)). Quote ((reference))."


def test_a_template_added_by_an_administrator_starts_a_reply_that_is_checked_then_sent(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    sign_in(page, stack, "administrator")
    page.get_by_role("link", name="Reply templates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reply templates")
    accessible(page, "replies-1-templates")
    page.get_by_role("button", name="Add a reply template").click()
    page.get_by_label("Title").fill(TEMPLATE)
    page.get_by_label("Words").fill("Your collection number is ((collection)).")
    page.get_by_role("button", name="Save the template").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "((collection)) is not a placeholder the product fills"
    )
    accessible(page, "replies-2-template-refused")
    page.get_by_label("Words").fill(WORDS)
    page.get_by_role("button", name="Save the template").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(TEMPLATE)

    reference = stack.sample_cases["bulky"]
    sign_out(page, stack)
    sign_in(page, stack, "officer")
    page.goto(f"{stack.workspace}cases/{reference}")
    page.get_by_role("link", name="Reply and answer").click()
    page.get_by_label("Start from a reply template (optional)").select_option(label=TEMPLATE)
    page.get_by_role("button", name="Use this template").click()
    reply = page.get_by_label("Your reply")
    expect(reply).to_have_value(
        re.compile(
            rf"^We have booked your collection for \w+day \d+ \w+ 20\d\d\. Quote {reference}\.$"
        )
    )
    accessible(page, "replies-3-answer-from-template")

    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your reply")
    letter = page.get_by_role("region", name="What the customer will get")
    expect(letter).to_contain_text("Dear Priya Shah")
    expect(letter).to_contain_text(f"Quote {reference}.")
    expect(letter).to_contain_text("Jo Patel, Waste Services Officer")
    before = len(mail_sent_through_ses(stack.services))
    accessible(page, "replies-4-check-your-reply")

    page.get_by_role("button", name="Change your words").click()
    page.get_by_label("Your reply").fill(
        reply.input_value().replace("We have booked", "We have now booked")
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("region", name="What the customer will get")).to_contain_text(
        "We have now booked"
    )
    assert len(mail_sent_through_ses(stack.services)) == before  # nothing sent on a check

    page.get_by_role("button", name="Send the reply").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "the promise to respond is kept"
    )
    [sent] = [
        m
        for m in mail_sent_through_ses(stack.services)[before:]
        if "priya.shah@example.org" in m.recipients
    ]
    text = sent.raw.decode("utf-8", "replace").replace("=\r\n", "").replace("\r\n", "\n")
    assert "We have now booked your collection" in text


def test_the_formal_response_letter_is_checked_before_it_goes(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    sign_in(page, stack, "corporate_complaints_officer")
    page.goto(f"{stack.workspace}cases/{stack.sample_cases['damp']}")
    page.get_by_role("link", name="Record the formal response").click()
    page.get_by_label("Partly upheld", exact=True).check()
    page.get_by_label("What was looked at and found").fill("The vent was blocked [check].")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the response letter")
    expect(page.get_by_role("region", name="What the customer will get")).to_contain_text(
        "The vent was blocked"
    )
    expect(page.locator(".govuk-warning-text").first).to_contain_text("[check]")
    accessible(page, "replies-5-check-the-response")
    page.get_by_role("button", name="Change what was looked at and found").click()
    page.get_by_label("What was looked at and found").fill("The vent was blocked.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Record the response").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The response has been recorded"
    )
