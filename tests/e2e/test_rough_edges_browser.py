"""The workspace's rough edges, smoothed, in Chromium on the local stack: the work list's filter
stays as the caseworker left it whatever the window's width does, and the header's search box
takes the width of a phone's screen and reads well on a laptop's."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sla_monitor_local.local_stack import LocalStack

from .staff_browser import accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=30)]

LAPTOP = {"width": 1024, "height": 800}
PHONE = {"width": 320, "height": 720}


def _filter_shown(page: Page) -> bool:
    return page.locator("#filter").is_visible()


def test_the_filter_stays_open_or_closed_as_the_caseworker_left_it(
    staff_page: Page, staff_stack: LocalStack
):
    page = staff_page
    page.set_viewport_size(LAPTOP)
    sign_in(page, staff_stack, "officer")
    page.goto(f"{staff_stack.workspace}cases")
    toggle = page.locator(".moj-action-bar__filter button")
    expect(toggle).to_have_text("Show filter")  # the list starts with the screen's width
    assert not _filter_shown(page)

    # Closed, it stays closed as the window narrows and widens again (MOJ's toggle reopened
    # it whenever the window passed a desktop's width).
    for viewport in (PHONE, {"width": 1280, "height": 900}, LAPTOP):
        page.set_viewport_size(viewport)
        expect(toggle).to_have_text("Show filter")
        assert not _filter_shown(page), viewport

    # Opened on a phone, it stays open on the laptop, and its Close button closes it there.
    page.set_viewport_size(PHONE)
    toggle.click()
    expect(page.get_by_label("Next deadline within (working days)")).to_be_visible()
    page.set_viewport_size(LAPTOP)
    expect(toggle).to_have_text("Hide filter")
    assert _filter_shown(page)
    accessible(page, "rough-edges-1-filter-open")
    expect(toggle).to_have_text("Hide filter")  # checked at 1280 px and 320 px, still open
    page.locator("#filter").get_by_role("button", name="Close").click()
    expect(toggle).to_have_text("Show filter")
    expect(toggle).to_be_focused()
    assert not _filter_shown(page)


def test_the_header_s_search_box_fills_a_phone_s_width_and_reads_well_on_a_laptop(
    staff_page: Page, staff_stack: LocalStack
):
    page = staff_page
    sign_in(page, staff_stack, "officer")
    search = page.get_by_role("search", name="Cases")
    box = search.get_by_label("Search cases", exact=True)
    button = search.get_by_role("button", name="Search", exact=True)

    page.set_viewport_size(PHONE)
    field, go = box.bounding_box(), button.bounding_box()
    assert field is not None and go is not None
    # The box starts at the page's margin and the button ends at the other: between them, the
    # box takes all the width the button leaves.
    assert field["x"] <= 16
    assert go["x"] + go["width"] >= PHONE["width"] - 16
    assert field["width"] >= PHONE["width"] - 16 * 2 - go["width"] - 12
    # The button is as wide as its word (GOV.UK's buttons take a phone's whole width, which
    # left the box half of it), so the box has most of the screen.
    assert go["width"] <= 100
    assert field["width"] >= 0.6 * PHONE["width"]
    assert go["y"] < field["y"] + field["height"]  # beside the box, not under it

    page.set_viewport_size(LAPTOP)
    field, go = box.bounding_box(), button.bounding_box()
    assert field is not None and go is not None
    # Wide enough for an email address seen whole, not the whole width of the page.
    assert 400 <= field["width"] <= LAPTOP["width"] * 2 / 3
    assert go["y"] < field["y"] + field["height"]

    box.fill("Daniel Okafor")
    button.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search all cases")
    expect(page.locator("tbody tr")).to_have_count(1)
    page.goto(f"{staff_stack.workspace}cases")
    accessible(page, "rough-edges-2-header-search")
