"""An officer uses the staff workspace in a real browser (headless Chromium) on the local stack:
a moto server standing in for AWS (Cognito too) and the real Lambda handler behind the local API
Gateway adapter. Every page is checked with axe-core, on a desktop screen and at 320 px wide.

Needs Debian's `chromium` (`make browser` installs it); set CHROMIUM to use another binary, and
STAFF_WORKSPACE_SCREENSHOTS to a folder to keep a screenshot of each page at both widths.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from sla_monitor.local_stack import LocalStack, local_stack

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
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 720}  # WCAG 1.4.10: content reflows at 320 CSS pixels


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with local_stack(aws_port=0, web_port=0, now=datetime.now(UTC)) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser` (or set CHROMIUM)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
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
    """No serious or critical accessibility problem on this page (axe-core), on a desktop
    screen and at 320 px; nothing wider than the screen at 320 px but the tables' own scrolling
    panes; keep a picture of each."""
    folder = os.environ.get("STAFF_WORKSPACE_SCREENSHOTS")
    for label, viewport in (("desktop", DESKTOP), ("320px", NARROW)):
        page.set_viewport_size(viewport)
        results = AXE.run(page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{name} at {label}: {serious}"
        if label == "320px":
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= viewport["width"], f"{name} is {overflow} px wide at 320 px"
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_an_officer_signs_in_finds_a_case_notes_and_assigns_it_then_signs_out(
    page: Page, stack: LocalStack
):
    sample = stack.sample_users[0]
    assert sample.role.value == "officer"
    reference = (stack.sample_cases or {})["bins"]

    # Not signed in: the workspace sends the browser to sign in.
    page.goto(stack.workspace)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the staff workspace")
    accessible(page, "1-sign-in")

    page.get_by_label("Email address").fill(sample.email)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    accessible(page, "2-sign-in-refused")

    page.get_by_label("Password", exact=True).fill("Local-only-Passw0rd!")
    page.get_by_role("button", name="Sign in").click()

    # The work list: the officer's department's open cases, soonest deadline first.
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    expect(page.locator(".moj-badge", has_text="breached").first).to_be_visible()
    accessible(page, "3-work-list")

    # Find the case by the customer's name.
    page.get_by_label("Reference, name or email").fill("Margaret")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator(".moj-filter__tag")).to_have_text(re.compile("Margaret"))
    accessible(page, "4-work-list-filtered")

    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bins not collected three weeks running"
    )
    expect(page.locator(".moj-identity-bar")).to_contain_text(reference)
    expect(page.locator(".moj-timeline")).to_contain_text("complaint received by email")
    accessible(page, "5-case")

    # Add a note: first with nothing in it, then properly.
    page.get_by_role("link", name="Add a note").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a note")
    page.get_by_role("button", name="Add the note").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Enter the note"])
    accessible(page, "6-note-with-error")
    page.get_by_label("Note for colleagues").fill("Spoke to the crew supervisor: round re-planned.")
    page.get_by_role("button", name="Add the note").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your note has been added"
    )
    first_event = page.locator(".moj-timeline__item").first
    expect(first_event).to_contain_text("Spoke to the crew supervisor: round re-planned.")
    expect(first_event).to_contain_text("Jo Patel")

    # Assign it to the department's head, and see the timeline say so.
    page.get_by_role("link", name="Assign the case").click()
    accessible(page, "7-assign")
    page.get_by_label("Officer").select_option(label="Head of Waste Services (Waste Services)")
    page.get_by_role("button", name="Assign").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("assigned")
    expect(page.locator(".moj-timeline__item").first).to_contain_text(
        "assigned to head-waste-services"
    )
    accessible(page, "8-case-after-steps")

    case = stack.services.store.get_case(reference)
    assert case is not None and case.assigned_officer == "head-waste-services"

    # Sign out: the session is gone.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    accessible(page, "9-signed-out")
    page.goto(f"{stack.workspace}cases")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the staff workspace")


def test_the_pages_for_refusals_and_the_other_forms_are_accessible(page: Page, stack: LocalStack):
    officer = stack.sample_users[0]
    cases = stack.sample_cases or {}
    page.goto(f"{stack.workspace}sign-in")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password", exact=True).fill("Local-only-Passw0rd!")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")

    for step, heading in (
        ("pause", "Wait on the customer"),
        ("extend", "Extend the response deadline"),
        ("respond", "Record the formal response"),
    ):
        page.goto(f"{stack.workspace}cases/{cases['garden']}/{step}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        accessible(page, f"10-{step}")

    page.goto(f"{stack.workspace}account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    accessible(page, "11-account")

    # A case of another department: the 403 page.
    response = page.goto(f"{stack.workspace}cases/{cases['damp']}")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You do not have permission to do this"
    )
    accessible(page, "12-not-permitted")

    response = page.goto(f"{stack.workspace}cases/NWL-1999-999999")
    assert response is not None and response.status == 404
    accessible(page, "13-not-found")
