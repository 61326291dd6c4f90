"""What the staff workspace's browser journeys share: the local stack, headless Chromium, a page
that fails the test on any script error or content security policy refusal, and the
accessibility check every page gets (axe-core, on a desktop screen and at 320 px wide).

Needs Debian's `chromium` (`make browser` installs it); set CHROMIUM to use another binary, and
STAFF_WORKSPACE_SCREENSHOTS to a folder to keep a screenshot of each page at both widths.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright
from sla_monitor_local.local_stack import LocalStack, local_stack
from sla_monitor_local.local_staff import local_password
from sla_monitor_local.seeded_stacks import SeededStacks

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
def staff_stack(seeded_stacks: SeededStacks) -> Iterator[LocalStack]:
    with local_stack(
        aws_port=0, web_port=0, now=datetime.now(UTC), seeded_stacks=seeded_stacks
    ) as running:
        yield running


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser` (or set CHROMIUM)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def watched_page(chromium: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    """A page in a context of its own, which must end with no script error and nothing refused
    by the content security policy on any page it showed."""
    context = chromium.new_context(viewport=viewport, locale="en-GB")
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
    assert problems == []


@pytest.fixture
def staff_page(chromium: Browser) -> Iterator[Page]:
    with watched_page(chromium, DESKTOP) as page:
        yield page


def accessible(page: Page, name: str) -> None:
    """No accessibility problem of any impact on this page (axe-core, best practices too), on a
    desktop screen and at 320 px; nothing wider than the screen at 320 px but the tables' own
    scrolling panes; keep a picture of each."""
    folder = os.environ.get("STAFF_WORKSPACE_SCREENSHOTS")
    for label, viewport in (("desktop", DESKTOP), ("320px", NARROW)):
        page.set_viewport_size(viewport)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}-{label}.png"), full_page=True)
        results = AXE.run(page)
        found = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]
        ]
        assert found == [], f"{name} at {label}: {found}"
        if label == "320px":
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= viewport["width"], f"{name} is {overflow} px wide at 320 px"
    page.set_viewport_size(DESKTOP)


def sign_in(page: Page, stack: LocalStack, role: str) -> None:
    """Sign in as the local stack's sample user of `role`, from the workspace's front door."""
    user = next(u for u in stack.sample_users if u.role.value == role)
    page.goto(stack.workspace)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the staff workspace")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(local_password())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page: Page, stack: LocalStack) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    page.goto(f"{stack.workspace}cases")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the staff workspace")


def show_filter(page: Page) -> None:
    """Open the work list's filter (MOJ's toggle starts it folded; it stays as it was left
    whatever the screen's width, as `accessible` changes it)."""
    toggle = page.locator(".moj-action-bar__filter button")
    toggle.wait_for()
    if toggle.inner_text() == "Show filter":
        toggle.click()
    expect(page.get_by_role("button", name="Hide filter")).to_be_visible()
