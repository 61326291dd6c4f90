"""The work list a caseworker lives in, in a real browser (headless Chromium) on the local stack:
the next deadline with its countdown on screen at 1024 px, a breached case saying so in the
Breached view, the first case a few Tab presses away, "Assign to me", two cases assigned
together, and a saved view. Every page on the way is checked with axe-core, on a desktop screen
and at 320 px wide (see staff_browser.py)."""

from __future__ import annotations

import re

import pytest
from integration.staff_workspace.support import unassigned_case
from playwright.sync_api import Page, expect
from sla_monitor_local.local_stack import LocalStack

from sla_monitor.cases import CaseType

from .staff_browser import accessible, show_filter, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=40)]

REQUEST = CaseType.SERVICE_REQUEST
LAPTOP = {"width": 1024, "height": 768}
COUNTDOWN = re.compile(r"\d+ working days? (left|overdue)|overdue since \w+day")


def _right_edges(page: Page) -> dict[str, float]:
    return page.evaluate(
        """Object.fromEntries(Array.from(document.querySelectorAll('#cases thead th'))
             .map(th => [th.innerText.trim(), th.getBoundingClientRect().right]))"""
    )


def test_the_next_deadline_and_its_countdown_are_on_a_laptop_screen_and_breaches_say_so(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    page.set_viewport_size(LAPTOP)
    sign_in(page, stack, "corporate_complaints_officer")

    page.get_by_role("link", name="Breached", exact=True).click()
    rows = page.locator("#cases tbody tr")
    expect(rows.first).to_be_visible()
    # Every case of the Breached view says so, whatever its next deadline is now.
    for row in rows.all():
        expect(row.locator(".moj-badge", has_text="breached").first).to_be_visible()
    edges = _right_edges(page)
    for column in ("Reference", "Customer", "Type", "Owner", "Next deadline"):
        assert edges[column] <= LAPTOP["width"], (column, edges)
    deadline = rows.first.locator("td").nth(5)
    expect(deadline).to_contain_text(COUNTDOWN)
    due_within = page.get_by_label("Next deadline within (working days)")
    expect(due_within).to_be_hidden()  # the filter starts folded
    page.get_by_role("button", name="Show filter").click()
    expect(due_within).to_be_visible()
    page.get_by_role("button", name="Hide filter").click()
    accessible(page, "work-list-1-breached")

    # The first case, past the header, the views and the filter: a skip link away.
    page.goto(f"{stack.workspace}cases")
    first = page.locator("#cases tbody a.govuk-link").first
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the list of cases")).to_be_focused()
    page.keyboard.press("Enter")
    presses = 0
    while presses < 5 and not first.evaluate("link => link === document.activeElement"):
        page.keyboard.press("Tab")
        presses += 1
    expect(first).to_be_focused()


def test_an_officer_takes_a_case_and_gives_two_to_their_head_of_service(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    mine = unassigned_case(stack, "waste-services", REQUEST, "Recycling box not returned")
    given = [
        unassigned_case(stack, "waste-services", REQUEST, f"Bin {n} left in the road")
        for n in (1, 2)
    ]
    sign_in(page, stack, "officer")

    page.get_by_role("link", name="Unassigned", exact=True).click()
    expect(page.get_by_role("link", name=mine)).to_be_visible()
    accessible(page, "work-list-2-unassigned")
    page.get_by_role("button", name=f"Assign to me {mine}").click()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(f"1 case assigned to you: {mine}.")
    expect(page.get_by_role("link", name=mine)).to_have_count(0)  # no longer unassigned
    assert stack.services.store.get_case(mine).assigned_officer == "waste-officer"

    for reference in given:
        page.get_by_label(f"Choose {reference}").check()
    page.get_by_label("Assign them to").select_option(
        label="Head of Waste Services (Waste Services)"
    )
    page.get_by_role("button", name="Assign the chosen cases").click()
    expect(banner).to_contain_text("2 cases assigned to Head of Waste Services: ")
    for reference in given:
        expect(banner).to_contain_text(reference)
    accessible(page, "work-list-3-assigned")
    for reference in given:
        assert stack.services.store.get_case(reference).assigned_officer == "head-waste-services"


def test_an_officer_saves_a_view_finds_it_among_the_views_and_removes_it(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    sign_in(page, stack, "officer")

    page.get_by_role("link", name="Breached", exact=True).click()
    show_filter(page)
    page.get_by_label("Save these filters as a view").fill("My late ones")
    page.get_by_role("button", name="Save this view").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your view ‘My late ones’ has been saved."
    )

    page.get_by_role("link", name="All my work").click()
    page.get_by_role("link", name="My late ones").click()
    expect(page).to_have_url(re.compile(r"/staff/cases\?breached=yes$"))
    expect(page.locator("#count")).to_contain_text("Filtered by Breached")
    accessible(page, "work-list-4-saved-view")

    show_filter(page)
    page.get_by_role("button", name="Remove the view My late ones").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your view ‘My late ones’ has been removed."
    )
    expect(page.get_by_role("link", name="My late ones")).to_have_count(0)
