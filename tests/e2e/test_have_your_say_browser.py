"""A resident uses the "Have Your Say" form in a real browser (headless Chromium), on the local
stack: embedded AWS and the local API Gateway adapter. Every page is checked with axe-core.

Needs Debian's `chromium` (`make browser` installs it); set CHROMIUM to use another binary, and
HAVE_YOUR_SAY_SCREENSHOTS to a folder to keep a screenshot of each page.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from functions.have_your_say.app import handler
from sla_monitor.web.local_server import PUBLIC_FORM_BASE_PATH, LocalApiServer
from sla_monitor.web.pages import long_date

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Axe()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser` (or set CHROMIUM)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(embedded) -> Iterator[str]:
    with LocalApiServer({PUBLIC_FORM_BASE_PATH: handler}) as server:
        yield f"{server.url}{PUBLIC_FORM_BASE_PATH}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="en-GB")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    def console(message: ConsoleMessage) -> None:
        # Chromium reports every 4xx page as an error; those statuses are asserted in the tests.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    page.on("console", console)
    yield page
    context.close()
    # No script error and nothing refused by the content security policy on any page.
    assert problems == []


def accessible(page: Page, name: str) -> None:
    """No serious or critical accessibility problem on this page (axe-core); keep a picture."""
    results = AXE.run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name}: {serious}"
    folder = os.environ.get("HAVE_YOUR_SAY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_a_resident_makes_a_complaint_corrects_mistakes_and_gets_a_reference(
    page: Page, site: str, embedded
):
    page.goto(f"{site}/")
    expect(page).to_have_title(re.compile("^Have your say to North West Leicestershire"))
    accessible(page, "1-start")

    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us what it is about")
    accessible(page, "2-form")

    # First try: a complaint with no details, no name and a mistyped email address.
    page.get_by_label("A complaint").check()
    page.get_by_label("Which service is it about? (optional)").select_option(label="Housing")
    page.get_by_label("Email address").fill("sam@example")
    page.get_by_label("Email", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(page).to_have_title(re.compile("^Error: "))
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter the details of your message",
            re.compile("^Enter your name – we need it for your complaint to go through our formal"),
            "Enter an email address in the correct format, like name@example.com",
        ]
    )
    # The answers are kept.
    expect(page.get_by_label("A complaint")).to_be_checked()
    expect(page.get_by_label("Email address")).to_have_value("sam@example")
    expect(page.locator("#email-error")).to_contain_text("correct format")
    accessible(page, "3-form-with-errors")

    summary.get_by_role("link", name="Enter the details of your message").click()
    expect(page.locator("#details")).to_be_focused()

    # Second try: corrected.
    page.locator("#details").fill("Nobody came to fix the damp in my kitchen, as promised.")
    page.get_by_label("Full name").fill("Sam Tenant")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Large print").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending your message"
    )
    expect(page.locator(".govuk-summary-list")).to_contain_text("sam@example.org")
    accessible(page, "4-check-answers")

    # Change one answer from the check page, and come back.
    page.get_by_role("button", name="Change your email address").click()
    expect(page.get_by_label("Email address")).to_have_value("sam@example.org")
    page.get_by_label("Email address").fill("sam.tenant@example.org")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("sam.tenant@example.org")

    # A double click on send still makes one case.
    page.get_by_role("button", name="Accept and send").dblclick()

    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("Complaint received")
    reference = re.search(r"NWL-\d{4}-\d{6}", panel.inner_text()).group(0)
    accessible(page, "5-confirmation")

    cases = list(embedded.store.all_cases())
    assert [c.reference for c in cases] == [reference]
    case = cases[0]
    assert case.customer.email == "sam.tenant@example.org"
    assert case.customer.name == "Sam Tenant"
    assert case.department == "housing"
    assert case.preferences.accessible_format.value == "large_print"

    # The dates on the page are the ones the deadline checker will hold the council to.
    calendar = embedded.calendar
    acknowledge_by = long_date(calendar.due_date(case.received_at, 1))
    respond_by = long_date(calendar.due_date(case.received_at, 10))
    expect(page.locator("#acknowledgement-due")).to_contain_text(
        f"within 1 working day, by {acknowledge_by}"
    )
    expect(page.locator("#response-due")).to_contain_text(
        f"within 10 working days, by {respond_by}"
    )


def test_the_pages_for_problems_are_accessible_too(page: Page, site: str, embedded):
    response = page.goto(f"{site}/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    accessible(page, "6-not-found")

    page.goto(f"{site}/form")
    page.context.clear_cookies()  # as if the form had expired
    page.get_by_label("A compliment").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sorry, this form has expired")
    accessible(page, "7-form-expired")
    assert list(embedded.store.all_cases()) == []
