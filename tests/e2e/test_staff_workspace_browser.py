"""An officer uses the staff workspace in a real browser (headless Chromium) on the local stack:
a moto server standing in for AWS (Cognito too) and the real Lambda handler behind the local API
Gateway adapter. Every page is checked with axe-core, on a desktop screen and at 320 px wide.

Needs Debian's `chromium` (`make browser` installs it); set CHROMIUM to use another binary, and
STAFF_WORKSPACE_SCREENSHOTS to a folder to keep a screenshot of each page at both widths.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sla_monitor_local.local_stack import LocalStack
from sla_monitor_local.local_staff import local_password

from .staff_browser import accessible

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=23)]


def test_an_officer_signs_in_finds_a_case_notes_and_assigns_it_then_signs_out(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
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

    page.get_by_label("Password", exact=True).fill(local_password())
    page.get_by_role("button", name="Sign in").click()

    # The work list: the officer's department's open cases, soonest deadline first.
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    expect(page.locator(".moj-badge", has_text="breached").first).to_be_visible()
    accessible(page, "3-work-list")

    # Find the case by the customer's name, with the search in the header.
    header = page.get_by_role("search", name="Cases")
    header.get_by_label("Search cases", exact=True).fill("Margaret")
    header.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("#count")).to_contain_text("found for “Margaret”")
    accessible(page, "4-cases-found")

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
    expect(page.locator(".moj-timeline")).to_contain_text("assigned to Head of Waste Services")
    # The customer knew who was dealing with it: they are told the new name at once.
    expect(page.locator(".moj-timeline__item").first).to_contain_text(
        "update on the case emailed to the customer"
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


def test_the_pages_for_refusals_and_the_other_forms_are_accessible(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    officer = stack.sample_users[0]
    cases = stack.sample_cases or {}
    page.goto(f"{stack.workspace}sign-in")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password", exact=True).fill(local_password())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")

    for sample, step, heading in (
        ("garden", "pause", "Wait on the customer"),
        ("garden", "extend", "Extend the response deadline"),
        ("bins", "respond", "Record the formal response"),  # a complaint's step alone
    ):
        page.goto(f"{stack.workspace}cases/{cases[sample]}/{step}")
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
