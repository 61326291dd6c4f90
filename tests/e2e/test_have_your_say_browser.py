"""A resident uses the "Have Your Say" form in a real browser (headless Chromium), on the local
stack: embedded AWS and the local API Gateway adapter. Every public page is checked with axe-core
at a desktop width and at 320 pixels, and what axe-core finds must be what the accessibility
statement says (config/accessibility-tests.json).

Needs Debian's `chromium` (`make browser` installs it); set CHROMIUM to use another binary, and
HAVE_YOUR_SAY_SCREENSHOTS to a folder to keep a screenshot of each page.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sla_monitor_local.local_server import PUBLIC_FORM_BASE_PATH, LocalApiServer

from functions.have_your_say.app import handler
from sla_monitor.web.have_your_say.accessibility_results import load_accessibility_results
from sla_monitor.web.have_your_say.information import BLOCKING_IMPACTS
from sla_monitor.web.pages import long_date

from .staff_browser import watched_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=34)]

AXE = Axe()
DESKTOP = {"width": 1024, "height": 900}
NARROW = {"width": 320, "height": 640}
# What axe-core found on each page, for the last test to hold against the statement's record.
FOUND: dict[str, set[tuple[str, str]]] = {}


@pytest.fixture
def site(embedded) -> Iterator[str]:
    with LocalApiServer({PUBLIC_FORM_BASE_PATH: handler}) as server:
        yield f"{server.url}{PUBLIC_FORM_BASE_PATH}"


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    with watched_page(chromium, DESKTOP) as opened:
        yield opened


def accessible(page: Page, name: str) -> None:
    """No serious or critical accessibility problem on this page (axe-core), at a desktop width
    and at 320 pixels, and nothing wider than 320 pixels there; what was found is kept for the
    statement's record. Keep a picture."""
    found: set[tuple[str, str]] = set()
    for width, viewport in (("desktop", DESKTOP), ("320", NARROW)):
        page.set_viewport_size(viewport)
        results = AXE.run(page)
        violations = results.response["violations"]
        found |= {(v["id"], v["impact"]) for v in violations}
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in violations
            if v["impact"] in BLOCKING_IMPACTS
        ]
        assert serious == [], f"{name} at {width}: {serious}"
        if viewport is NARROW:
            # WCAG 1.4.10: the page reflows at 320 CSS pixels, nothing to scroll sideways.
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= NARROW["width"], f"{name} is {wide} px wide at 320 px"
        folder = os.environ.get("HAVE_YOUR_SAY_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    FOUND[name] = found


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_a_resident_makes_a_complaint_corrects_mistakes_and_gets_a_reference(
    page: Page, site: str, embedded
):
    page.goto(f"{site}/")
    expect(page).to_have_title(re.compile("^Have your say to North West Leicestershire"))
    accessible(page, "start")

    page.get_by_role("button", name="Start now").click()
    expect(heading(page)).to_have_text("What is your message about?")
    accessible(page, "question-about")

    # Continue without choosing.
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(page).to_have_title(re.compile("^Error: What is your message about"))
    expect(summary.get_by_role("link")).to_have_text(["Select what your message is about"])
    accessible(page, "question-about-errors")

    page.get_by_label("A complaint").check()
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("Which service is it about?")
    accessible(page, "question-service")
    page.get_by_label("Which service is it about?").select_option(label="Housing")
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("Tell us about your complaint")
    accessible(page, "question-details")
    page.get_by_role("button", name="Continue").click()
    expect(summary.get_by_role("link")).to_have_text(["Enter the details of your message"])
    accessible(page, "question-details-errors")
    summary.get_by_role("link", name="Enter the details of your message").click()
    expect(page.locator("#details")).to_be_focused()
    page.locator("#details").fill("Nobody came to fix the damp in my kitchen, as promised.")
    page.get_by_role("button", name="Continue").click()

    # How to contact: choosing email reveals the email address, and only it.
    expect(heading(page)).to_have_text("How would you like us to contact you?")
    expect(page.get_by_label("You do not need to contact me")).to_have_count(0)
    expect(page.get_by_label("Email address")).to_be_hidden()
    accessible(page, "question-contact")
    page.get_by_label("Email", exact=True).check()
    expect(page.get_by_label("Email address")).to_be_visible()
    expect(page.get_by_label("Phone number")).to_be_hidden()
    page.get_by_label("Email address").fill("sam@example")
    page.get_by_role("button", name="Continue").click()
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter an email address in the correct format, like name@example.com"]
    )
    expect(page.get_by_label("Email address")).to_have_value("sam@example")
    accessible(page, "question-contact-errors")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("What is your name?")
    accessible(page, "question-name")
    page.get_by_role("button", name="Continue").click()
    expect(summary.get_by_role("link")).to_have_text(
        [re.compile("^Enter your name – we need it for your complaint to go through our formal")]
    )
    accessible(page, "question-name-errors")
    page.get_by_label("What is your name?").fill("Sam Tenant")
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("Language and accessible formats")
    accessible(page, "question-needs")
    page.get_by_label("Large print").check()

    # Back, and forward again: the answers are kept.
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_label("What is your name?")).to_have_value("Sam Tenant")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Large print").check()
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("Check your answers before sending your message")
    expect(page.locator(".govuk-summary-list")).to_contain_text("sam@example.org")
    accessible(page, "check")

    # Change one answer from the check page, and come back to it.
    page.get_by_role("button", name="Change how to contact you").click()
    expect(page.get_by_label("Email address")).to_have_value("sam@example.org")
    page.get_by_label("Email address").fill("sam.tenant@example.org")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("sam.tenant@example.org")

    # The check page's Back link goes to the last question.
    page.get_by_role("button", name="Back").click()
    expect(heading(page)).to_have_text("Language and accessible formats")
    expect(page.get_by_label("Large print")).to_be_checked()
    page.get_by_role("button", name="Continue").click()

    # A double click on send still makes one case.
    page.get_by_role("button", name="Accept and send").dblclick()

    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("Complaint received")
    reference = re.search(r"NWL-\d{4}-\d{6}", panel.inner_text()).group(0)
    accessible(page, "confirmation")

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

    # Back from the confirmation shows the checked answers without sending anything again (a
    # resent form would fail here: Chromium will not resend a post on its own); sending them
    # again leads to the same case.
    page.go_back()
    expect(heading(page)).to_have_text("Check your answers before sending your message")
    assert len(list(embedded.store.all_cases())) == 1
    page.go_forward()
    expect(panel).to_contain_text(reference)
    page.reload()
    expect(panel).to_contain_text(reference)
    page.go_back()
    page.get_by_role("button", name="Accept and send").click()
    expect(panel).to_contain_text(reference)
    assert page.url.startswith(f"{site}/confirmation?receipt=")
    assert len(list(embedded.store.all_cases())) == 1


def test_with_javascript_off_the_choice_still_reveals_its_detail_and_only_it_is_kept(
    chromium: Browser, site: str, embedded
):
    context = chromium.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/form")
    page.get_by_label("A request for a service").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # the service is optional
    page.locator("#details").fill("The street light outside 4 Mill Lane is out.")
    page.get_by_role("button", name="Continue").click()

    # The style sheet reveals the chosen way's detail; no script is needed.
    expect(page.get_by_label("Email address")).to_be_hidden()
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Email address").fill("typed.then.left@example.org")
    page.get_by_label("Phone", exact=True).check()
    expect(page.get_by_label("Email address")).to_be_hidden()
    page.get_by_label("Phone number").fill("01530 454545")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # no name: optional for a request
    page.get_by_role("button", name="Continue").click()  # the usual language and format

    summary = page.locator(".govuk-summary-list")
    expect(summary).to_contain_text("01530 454545")
    expect(summary).not_to_contain_text("typed.then.left@example.org")
    page.get_by_role("button", name="Accept and send").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Request received")
    (case,) = embedded.store.all_cases()
    assert (case.customer.phone, case.customer.email) == ("01530 454545", None)
    context.close()


def test_the_footer_leads_to_the_accessibility_statement_privacy_notice_and_cookies(
    page: Page, site: str, embedded
):
    results = load_accessibility_results()
    page.goto(f"{site}/")
    footer = page.locator(".govuk-footer")

    footer.get_by_role("link", name="Accessibility statement").click()
    expect(heading(page)).to_have_text("Accessibility statement for Have Your Say")
    expect(page.locator("#how-tested")).to_contain_text(
        f"last tested on {long_date(results.tested_on)}"
    )
    expect(page.locator("#test-results")).to_have_text("The tests found no accessibility problems.")
    accessible(page, "accessibility")

    footer.get_by_role("link", name="Privacy notice").click()
    expect(heading(page)).to_have_text("Privacy notice")
    expect(page.get_by_text("public task: Article 6(1)(e)")).to_be_visible()
    accessible(page, "privacy")

    footer.get_by_role("link", name="Cookies").click()
    expect(heading(page)).to_have_text("Cookies")
    # Every cookie the browser holds after using the form is one the page lists.
    page.goto(f"{site}/form")
    held = {c["name"] for c in page.context.cookies()}
    page.goto(f"{site}/cookies")
    table = page.get_by_role("table")
    for name in held:
        expect(table).to_contain_text(name)
    expect(table).to_contain_text("your_cases_session")
    accessible(page, "cookies")


def test_the_pages_for_problems_are_accessible_too(page: Page, site: str, embedded):
    response = page.goto(f"{site}/no-such-page")
    assert response is not None and response.status == 404
    expect(heading(page)).to_have_text("Page not found")
    accessible(page, "not-found")

    page.goto(f"{site}/form")
    page.context.clear_cookies()  # as if the form had expired
    page.get_by_label("A compliment").check()
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Sorry, this form has expired")
    accessible(page, "form-expired")
    assert list(embedded.store.all_cases()) == []


def statement_agrees(pages: Callable[[str], bool]) -> None:
    """The pages of the statement that `pages` picks are those checked in this run, and what
    axe-core found on them is what the statement reports."""
    results = load_accessibility_results()
    assert {n for n in FOUND if pages(n)} == {p.name for p in results.pages if pages(p.name)}
    assert results.widths == (DESKTOP["width"], NARROW["width"])
    found = {
        (name, rule, impact)
        for name, issues in FOUND.items()
        if pages(name)
        for rule, impact in issues
    }
    recorded = {(i.page, i.rule, i.impact) for i in results.issues if pages(i.page)}
    assert found == recorded


def test_the_accessibility_statement_says_what_the_tests_found():
    """Runs last in this file: the form's pages (the residents' own pages are checked by their
    own tests, test_your_cases_browser.py)."""
    statement_agrees(lambda name: not name.startswith("your-cases-"))
