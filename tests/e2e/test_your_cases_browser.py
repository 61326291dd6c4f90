# The browser fixtures are the form's own (imported below), which pytest hands in by name.
# ruff: noqa: F811
"""A resident follows their own cases online in a real browser (headless Chromium), on embedded
AWS and the local API Gateway adapter: they send the form, sign in by the link emailed to them
(read back from SES on moto), see their case and when to expect a reply, send more information
and sign out; a used link, an expired one and another resident's case are refused. Every page
is checked with axe-core.

Needs Debian's `chromium` (`make browser` installs it); set CHROMIUM to use another binary, and
HAVE_YOUR_SAY_SCREENSHOTS to a folder to keep a screenshot of each page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sla_monitor_local.local_server import PUBLIC_FORM_BASE_PATH, LocalApiServer, routed_by_path

from functions.have_your_say.app import handler as form_handler
from functions.your_cases import app as your_cases_app
from sla_monitor.cases import CaseType, Channel, Customer, Outcome
from sla_monitor.engine import evaluate
from sla_monitor.intake import NewCase, register_case
from sla_monitor.residents import reply_expected_by
from sla_monitor.staff import record_response
from sla_monitor.web.pages import long_date

from .test_have_your_say_browser import (  # noqa: F401
    accessible,
    page,
    statement_agrees,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=37)]

RESIDENT = "sam.tenant@example.org"


class Clock:
    """The residents' function's time: the real clock, moved on by hand to expire a link."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.ahead


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def site(embedded, clock: Clock) -> Iterator[str]:
    def your_cases(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return your_cases_app.handle(event, context, now=clock.now())

    public_api = routed_by_path({"/your-cases": your_cases}, otherwise=form_handler)
    with LocalApiServer({PUBLIC_FORM_BASE_PATH: public_api}) as server:
        embedded.council = embedded.council.model_copy(
            update={"your_cases_url": f"{server.url}{PUBLIC_FORM_BASE_PATH}/your-cases"}
        )
        yield f"{server.url}{PUBLIC_FORM_BASE_PATH}"


def sign_in_links(address: str) -> list[str]:
    """The sign-in links SES (moto) was asked to send to `address`, oldest first."""
    import email
    import email.policy

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    found = []
    for sent in ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-2"].sent_messages:
        if address not in sent.destinations:
            continue
        message = email.message_from_string(sent.raw_data, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        found.extend(re.findall(r"\S+/your-cases/link\?token=\S+", text))
    return found


def send_the_form(page: Page, site: str) -> str:
    page.goto(f"{site}/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("A question").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Which service is it about?").select_option(label="Housing")
    page.get_by_role("button", name="Continue").click()
    page.locator("#details").fill("When will the damp survey of my flat be done?")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Email address").fill(RESIDENT)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What is your name?").fill("Sam Tenant")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # the usual language and format
    page.get_by_role("button", name="Accept and send").click()
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("received")
    return re.search(r"NWL-\d{4}-\d{6}", panel.inner_text()).group(0)


def neighbours_case(bundle) -> str:
    now = datetime.now(UTC)
    return register_case(
        NewCase(
            case_type=CaseType.COMPLAINT,
            channel=Channel.EMAIL,
            received_at=now,
            subject="Noise from the flat upstairs",
            description="Every night after midnight",
            customer=Customer(name="Alex Neighbour", email="alex@example.org"),
            department="housing",
            idempotency_key="neighbour",
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=now,
    ).case.reference


def sign_in(page: Page, site: str, address: str) -> None:
    page.get_by_label("Email address").fill(address)
    page.get_by_role("button", name="Send me a sign-in link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


def test_a_resident_signs_in_by_the_emailed_link_follows_their_case_and_signs_out(
    page: Page, site: str, embedded, clock: Clock
):
    reference = send_the_form(page, site)
    theirs = neighbours_case(embedded)

    page.goto(f"{site}/your-cases")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to see your cases")
    accessible(page, "your-cases-1-sign-in")
    page.get_by_role("button", name="Send me a sign-in link").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    accessible(page, "your-cases-2-sign-in-error")

    sign_in(page, site, RESIDENT)
    accessible(page, "your-cases-3-check-your-email")
    [link] = sign_in_links(RESIDENT)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to see your cases")
    accessible(page, "your-cases-4-link")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your cases")
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(theirs)
    expect(page.locator("main")).not_to_contain_text("Noise from the flat")
    accessible(page, "your-cases-5-list")

    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    case = embedded.store.get_case(reference)
    clocks = evaluate(case, embedded.policy, embedded.calendar, clock.now()).clocks
    expected = reply_expected_by(case, clocks, calendar=embedded.calendar)
    summary = page.locator("#case-summary")
    expect(summary).to_contain_text("Reply expected by")
    expect(summary).to_contain_text(long_date(embedded.calendar.local(expected).date()))
    expect(summary).to_contain_text("Housing")
    accessible(page, "your-cases-6-case")

    page.get_by_role("link", name="Send more information").click()
    accessible(page, "your-cases-7-more-information")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the information")
    accessible(page, "your-cases-8-more-information-error")
    page.get_by_label("What do you want to tell us?").fill(
        "The damp has spread to the bedroom wall since I wrote."
    )
    page.get_by_label("Add files (optional)").set_input_files(
        files=[{"name": "bedroom.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff" * 50}]
    )
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "We have added your information to the case"
    )
    accessible(page, "your-cases-9-information-sent")
    replies = [e for e in embedded.store.timeline(reference) if e.kind == "customer_reply"]
    assert [e.details["body"] for e in replies] == [
        "The damp has spread to the bedroom wall since I wrote."
    ]
    [photo] = [e for e in embedded.store.timeline(reference) if e.kind == "attachment"]
    assert photo.details["quarantined"] == "yes" and photo.summary.endswith("bedroom.jpg")

    page.get_by_role("link", name="Change how you want to hear from us").click()
    accessible(page, "your-cases-10-preferences")
    page.get_by_label("Large print").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#preferences")).to_contain_text("Large print")
    assert embedded.store.get_case(reference).preferences.accessible_format.value == "large_print"

    # Another resident's case is not found, exactly as a case that does not exist.
    response = page.goto(f"{site}/your-cases/{theirs}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("Noise")
    accessible(page, "your-cases-11-not-found")

    page.goto(f"{site}/your-cases")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    accessible(page, "your-cases-12-signed-out")
    page.goto(f"{site}/your-cases/{reference}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to see your cases")
    assert page.url.endswith(f"/your-cases/sign-in?case={reference}")

    # The link has been used: nobody can sign in with it again.
    page.goto(link)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This sign-in link has expired or has been used"
    )
    accessible(page, "your-cases-13-link-refused")


def test_a_stranger_or_a_late_link_is_refused_and_a_link_to_a_case_returns_to_it(
    chromium: Browser, page: Page, site: str, embedded, clock: Clock
):
    reference = send_the_form(page, site)

    # A made-up link is refused.
    page.goto(f"{site}/your-cases/link?token={'A' * 43}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This sign-in link has expired or has been used"
    )

    # A link followed 21 minutes later is refused.
    page.goto(f"{site}/your-cases/{reference}")
    sign_in(page, site, RESIDENT)
    clock.ahead = timedelta(minutes=21)
    page.goto(sign_in_links(RESIDENT)[-1])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This sign-in link has expired or has been used"
    )

    # A fresh link, asked for from the case's page, leads back to that case.
    page.goto(f"{site}/your-cases/{reference}")
    sign_in(page, site, RESIDENT)
    link = sign_in_links(RESIDENT)[-1]
    # Someone else's browser that opened the link first spends it, and nobody else gets in.
    stranger = chromium.new_context()
    try:
        stranger_page = stranger.new_page()
        stranger_page.goto(link)
        stranger_page.get_by_role("button", name="Continue").click()
        expect(stranger_page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    finally:
        stranger.close()
    page.goto(link)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This sign-in link has expired or has been used"
    )


def test_a_complainant_asks_for_stage_2_after_the_response(page: Page, site: str, embedded):
    now = datetime.now(UTC)
    reference = register_case(
        NewCase(
            case_type=CaseType.COMPLAINT,
            channel=Channel.WEB,
            received_at=now - timedelta(days=1),
            subject="Complaint about the damp repair",
            description="Nobody came",
            customer=Customer(name="Sam Tenant", email=RESIDENT),
            department="housing",
            idempotency_key="complaint",
        ),
        store=embedded.store,
        policy=embedded.policy,
        calendar=embedded.calendar,
        now=now - timedelta(days=1),
    ).case.reference
    record_response(
        reference,
        summary="We looked at the repair records.",
        outcome=Outcome.NOT_UPHELD,
        by="head-housing",
        store=embedded.store,
        policy=embedded.policy,
        calendar=embedded.calendar,
        now=now,
    )
    page.goto(f"{site}/your-cases/{reference}")
    sign_in(page, site, RESIDENT)
    page.goto(sign_in_links(RESIDENT)[-1])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    expect(page.locator("#case-summary")).to_contain_text("Closed")

    page.get_by_role("link", name="Ask for a stage 2 review").click()
    accessible(page, "your-cases-14-stage-2")
    page.get_by_label("Why are you not satisfied with our response?").fill(
        "The repair records are wrong: nobody came on the day."
    )
    page.get_by_role("button", name="Ask for a review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("stage 2 review")
    # Taken to stage 2 with its own clocks, as staff would take it, the channel the web.
    case = embedded.store.get_case(reference)
    assert case.stage_2 is not None and case.stage_2.channel is Channel.WEB
    assert case.is_open and case.stage == 2


def test_the_accessibility_statement_says_what_the_tests_found_on_these_pages():
    """Runs last in this file: every residents' page the statement lists was checked above, and
    what axe-core found is what it reports."""
    statement_agrees(lambda name: name.startswith("your-cases-"))
