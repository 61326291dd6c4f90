"""A journey per role through the staff workspace in a real browser (headless Chromium) on the
local stack: sign in, find a case in the work list, open it, act on it as the role may, see the
timeline and the clocks change, sign out. Every page on the way is checked with axe-core, on a
desktop screen and at 320 px wide (see staff_browser.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sla_monitor_local.local_stack import LocalStack

from sla_monitor.cases import CaseType, Channel
from sla_monitor.intake import Attachment, CustomerReply
from sla_monitor.replies import record_customer_reply

from .staff_browser import accessible, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=92)]


def _open_found_case(page: Page, search: str, reference: str) -> None:
    """Find the case with the search in the page's header, and open it."""
    header = page.get_by_role("search", name="Cases")
    header.get_by_label("Search cases", exact=True).fill(search)
    header.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_role("link", name=reference).click()
    expect(page.locator(".moj-identity-bar")).to_contain_text(reference)


def _clock_row(page: Page, promise: str):
    return page.locator("#clocks ~ div table tbody tr", has_text=promise).first


def test_an_officer_writes_to_the_customer_and_logs_a_phone_call(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    reference = stack.sample_cases["garden"]
    sign_in(page, stack, "officer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")

    _open_found_case(page, "Daniel", reference)
    accessible(page, "officer-1-case")

    page.get_by_role("link", name="Write to the customer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write to the customer")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    accessible(page, "officer-2-reply-with-error")
    page.get_by_label("Your message").fill(
        "The crew will empty your garden waste bin on Thursday.\nSorry it was missed."
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send the message").click()  # on "Check"

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your message has been sent"
    )
    timeline = page.locator(".moj-timeline")
    expect(timeline).to_contain_text("The crew will empty your garden waste bin on Thursday.")
    # Sent at once through SES, as the checker sends every letter.
    expect(timeline.locator(".moj-timeline__item").first).to_contain_text("Message sent")
    accessible(page, "officer-3-case-after-reply")

    # A phone call: logged from the work list, refused without contact details for a complaint.
    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_role("button", name="Log a case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a case")
    accessible(page, "officer-4-log-case")
    page.get_by_label("Telephone").check()
    page.get_by_label("Complaint", exact=True).check()
    page.get_by_label("Name", exact=True).fill("Raj Mistry")
    page.get_by_label("Summary").fill("Bin lorry damaged my fence")
    page.get_by_label("Department").select_option(label="Waste Services")
    page.get_by_role("button", name="Log the case").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("needs the customer's contact details")
    expect(page.get_by_label("Summary")).to_have_value("Bin lorry damaged my fence")
    accessible(page, "officer-5-log-case-refused")
    page.get_by_label("Phone number").fill("01530 000000")
    page.get_by_label("Email address").fill("raj.mistry@example.org")
    page.get_by_role("button", name="Log the case").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bin lorry damaged my fence")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("logged")
    expect(page.locator(".moj-timeline")).to_contain_text("complaint received by telephone")
    expect(_clock_row(page, "Acknowledge")).to_contain_text("met")
    accessible(page, "officer-6-logged-case")
    sign_out(page, stack)


def test_a_head_of_service_extends_a_deadline_and_downloads_an_attachment(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    bundle = stack.services
    reference = stack.sample_cases["damp"]
    # The customer sent a photo with their reply (as email intake keeps one).
    key = "attachments/local-photo/001-damp-bedroom.jpg"
    bundle.client("s3").put_object(
        Bucket=bundle.settings.raw_mail_bucket, Key=key, Body=b"\xff\xd8\xff photo"
    )
    now = datetime.now(UTC)
    record_customer_reply(
        CustomerReply(
            reference=reference,
            received_at=now - timedelta(minutes=30),
            channel=Channel.EMAIL,
            summary="customer replied by email (matched by subject reference)",
            body="Here is the photo of the bedroom wall.",
            attachments=(Attachment("damp-bedroom.jpg", "image/jpeg", 12, key),),
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=now,
    )

    sign_in(page, stack, "head_of_service")
    _open_found_case(page, "Tom Williams", reference)
    expect(page.locator("#attachments")).to_be_visible()
    accessible(page, "head-1-case-with-attachment")
    with page.expect_download() as download:
        page.get_by_role("link", name="damp-bedroom.jpg").click()
    assert download.value.suggested_filename == "damp-bedroom.jpg"

    response = _clock_row(page, "Respond to complaint")
    before = response.inner_text()
    page.get_by_role("link", name="Extend the response deadline").click()
    page.get_by_label("How many working days to add?").fill("5")
    page.get_by_label("Why is more time needed?").fill(
        "The surveyor needs to visit before we can answer."
    )
    page.get_by_role("button", name="Extend the deadline").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("extended")
    expect(page.locator(".moj-timeline")).to_contain_text("extended by 5 working days")
    assert _clock_row(page, "Respond to complaint").inner_text() != before
    accessible(page, "head-2-case-after-extension")
    sign_out(page, stack)


def test_the_complaints_officer_makes_a_case_from_set_aside_mail_and_starts_stage_2(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    sign_in(page, stack, "corporate_complaints_officer")

    page.get_by_role("link", name="Set-aside mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set-aside mail")
    accessible(page, "cco-1-set-aside-mail")
    page.get_by_role("link", name="Street lights out on Ashby Road for two weeks").click()
    expect(page.locator(".app-written")).to_contain_text("It is dark and unsafe")
    accessible(page, "cco-2-set-aside-message")
    page.get_by_role("link", name="Make a case of it").click()
    accessible(page, "cco-3-make-a-case")
    page.get_by_label("Complaint", exact=True).check()
    page.get_by_label("Department").select_option(label="Environmental Health")
    page.get_by_role("button", name="Make the case").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Street lights out on Ashby Road for two weeks"
    )
    reference = page.locator(".moj-identity-bar").inner_text().split(" ")[0]
    expect(page.locator(".moj-timeline")).to_contain_text("complaint received by email")
    expect(_clock_row(page, "Acknowledge")).to_contain_text("met")

    # Find it in the work list, answer it, then the customer asks for a review.
    page.get_by_role("link", name="Cases", exact=True).click()
    _open_found_case(page, "Helen", reference)
    page.get_by_role("link", name="Record the formal response").click()
    page.get_by_label("Upheld", exact=True).check()
    page.get_by_label("What was looked at and found").fill(
        "The repair was booked but the contractor did not attend."
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Record the response").click()  # on "Check"
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The response has been recorded"
    )
    expect(page.locator(".govuk-caption-l")).to_contain_text("closed")

    page.get_by_role("link", name="Start a stage 2 review").click()
    page.get_by_label("Why does the customer ask for a review?").fill(
        "The lights went out again the next week."
    )
    page.get_by_label("Telephone").check()
    page.get_by_role("button", name="Start stage 2").click()
    error = page.locator(".govuk-error-summary")
    expect(error).to_be_focused()
    expect(error).to_contain_text("Name a stage 2 officer who did not handle stage 1")
    expect(page.get_by_label("Why does the customer ask for a review?")).to_have_value(
        "The lights went out again the next week."
    )
    accessible(page, "cco-4-stage-2-refused")
    page.get_by_label("Reviewing officer (optional)").select_option(
        label="Head of Customer Services (Customer Services)"
    )
    page.get_by_role("button", name="Start stage 2").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("stage 2")
    expect(page.locator(".govuk-caption-l")).to_contain_text("stage 2")
    expect(page.locator(".moj-timeline")).to_contain_text("stage 2 review requested")
    expect(page.locator("#clocks ~ div table")).to_contain_text("(stage 2)")
    accessible(page, "cco-5-stage-2")
    sign_out(page, stack)


def test_the_chief_executive_reads_a_referred_complaint_and_may_not_act_on_it(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    reference = stack.sample_cases["council-tax"]
    sign_in(page, stack, "chief_executive")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    accessible(page, "ce-1-work-list")
    _open_found_case(page, "Gary", reference)
    expect(page.get_by_text("You can read this case but not change it")).to_be_visible()
    expect(page.locator(".moj-timeline")).to_contain_text("referral to the Chief Executive")
    accessible(page, "ce-2-referred-complaint")

    response = page.goto(f"{stack.workspace}cases/{reference}/note")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You do not have permission to do this"
    )
    response = page.goto(f"{stack.workspace}triage")
    assert response is not None and response.status == 403
    accessible(page, "ce-3-refused")
    page.goto(f"{stack.workspace}cases/{reference}")
    sign_out(page, stack)


def test_an_administrator_closes_a_day_and_adds_an_officer(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    bundle = stack.services
    calendar = bundle.calendar
    day = calendar.next_working_day(calendar.local(datetime.now(UTC)).date())
    sign_in(page, stack, "administrator")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set-aside mail")

    page.get_by_role("link", name="Closure days").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Closure days")
    accessible(page, "admin-1-closure-days")
    page.get_by_role("button", name="Close the council on a day").click()
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the council closes")
    accessible(page, "admin-2-close-a-day-with-error")
    page.get_by_label("Why does the council close?").fill("Staff training day")
    page.get_by_role("button", name="Continue").click()
    # The check first: the cases the day moves, with their dates now and after.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check before you close")
    expect(page.locator("#moved")).to_contain_text("open case")
    accessible(page, "admin-3-close-a-day-check")
    page.get_by_role("button", name="Close the council on this day").click()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("re-timed")
    expect(page.locator("#closures ~ div table")).to_contain_text("Staff training day")
    accessible(page, "admin-4-day-closed")
    moved = re.findall(r"NWL-\d{4}-\d{6}", banner.inner_text())
    assert moved
    # The re-timed cases say so on their timelines.
    assert any(e.kind == "retimed" for e in bundle.store.timeline(moved[0]))

    page.get_by_role("link", name="Directory").click()
    accessible(page, "admin-5-directory")
    page.get_by_role("button", name="Add an officer").click()
    page.get_by_label("Officer id").fill("Sam Lamp")
    page.get_by_label("Name", exact=True).fill("Sam Lamp")
    page.get_by_label("Email address").fill("sam.lamp@nwleicestershire.gov.uk")
    page.get_by_label("Job title").fill("Street Lighting Engineer")
    page.get_by_label("Department").select_option(label="Environmental Health")
    page.get_by_role("button", name="Add the officer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("lower-case letters")
    accessible(page, "admin-6-add-officer-refused")
    page.get_by_label("Officer id").fill("sam-lamp")
    page.get_by_role("button", name="Add the officer").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("added")
    expect(page.locator("#officers ~ div table")).to_contain_text("Sam Lamp")

    page.get_by_role("link", name="Staff accounts").click()
    accessible(page, "admin-7-staff-accounts")
    page.get_by_role("button", name="Invite someone").click()
    page.get_by_label("Their email address").fill("sam.lamp@nwleicestershire.gov.uk")
    page.get_by_label("Which officer of the directory are they?").select_option("sam-lamp")
    page.get_by_label("Officer", exact=True).check()
    accessible(page, "admin-8-invite")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "invitation has been sent"
    )
    row = page.locator("tbody tr", has_text="sam.lamp@nwleicestershire.gov.uk")
    expect(row).to_contain_text("Invited: not signed in yet")
    sign_out(page, stack)


def test_every_other_new_page_is_accessible(staff_page: Page, staff_stack: LocalStack):
    """The forms and pages the journeys above do not pass through, each checked as a role that
    may use it."""
    page, stack = staff_page, staff_stack
    bundle = stack.services
    workspace = stack.workspace
    garden = stack.sample_cases["garden"]

    # A case of the same department whose acknowledgement is still owed (the form is offered
    # only then).
    from sla_monitor.cases import Customer
    from sla_monitor.intake import NewCase, register_case

    owed = register_case(
        NewCase(
            case_type=CaseType.ENQUIRY,
            channel=Channel.EMAIL,
            received_at=datetime.now(UTC) - timedelta(minutes=5),
            subject="Missed recycling collection",
            description="Missed recycling collection",
            customer=Customer(name="Sample resident 9", email="resident9@example.org"),
            department=bundle.store.get_case(garden).department,
            idempotency_key="browser-acknowledgement-owed",
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=datetime.now(UTC) - timedelta(minutes=5),
    ).case

    sign_in(page, stack, "officer")
    for step, heading, reference in (
        ("reclassify", "Reclassify the case", garden),
        ("acknowledged", "Record an acknowledgement sent by hand", owed.reference),
    ):
        page.goto(f"{workspace}cases/{reference}/{step}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        accessible(page, f"other-{step}")
    page.get_by_role("button", name="Sign out").click()

    from sla_monitor.web.staff.triage import item_id

    bounce = next(r for r in bundle.store.triage_records() if r.reason == "bounce")
    sign_in(page, stack, "corporate_complaints_officer")
    for action, heading in (
        ("attach", "Add the message to a case"),
        ("dismiss", "Dismiss the message"),
    ):
        page.goto(f"{workspace}triage/{item_id(bounce.idempotency_key)}/{action}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        accessible(page, f"other-triage-{action}")
    page.get_by_role("button", name="Dismiss it").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    page.get_by_label("Why does it need no action?").fill("A bounce of our own letter")
    page.get_by_role("button", name="Dismiss it").click()
    page.get_by_role("link", name="Dealt with").click()
    expect(page.locator("tbody")).to_contain_text("A bounce of our own letter")
    accessible(page, "other-triage-dealt-with")
    page.get_by_role("button", name="Sign out").click()

    from sla_monitor.calendar import ClosureDay

    calendar = bundle.calendar
    day = calendar.next_working_day(calendar.local(datetime.now(UTC)).date() + timedelta(days=40))
    bundle.directory_store.add_closure_day(
        ClosureDay(
            day=day, reason="Election count", added_by="it-admin", added_at=datetime.now(UTC)
        )
    )
    cognito = bundle.client("cognito-idp")
    officer = cognito.admin_get_user(
        UserPoolId=stack.staff_pool.user_pool_id, Username=stack.sample_users[0].email
    )["Username"]
    sign_in(page, stack, "administrator")
    for path, name in (
        ("directory/roles", "roles"),
        ("directory/departments/new", "add-department"),
        ("directory/departments/planning/change", "change-department"),
        ("directory/departments/planning/retire", "retire-department"),
        ("directory/officers/waste-officer/change", "change-officer"),
        ("directory/officers/waste-officer/retire", "retire-officer"),
        (f"calendar/{day.isoformat()}/open", "open-a-day"),
        (f"users/{officer}/groups", "change-roles"),
        (f"users/{officer}/disable", "disable"),
        (f"users/{officer}/sign-out", "sign-out-everywhere"),
        ("users/changes", "account-changes"),
        ("account", "administrator-account"),
    ):
        response = page.goto(f"{workspace}{path}")
        assert response is not None and response.status == 200, path
        accessible(page, f"other-{name}")
    page.goto(f"{workspace}users/{officer}/groups")
    page.get_by_label("Officer", exact=True).uncheck()
    page.get_by_role("button", name="Save the roles").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    accessible(page, "other-change-roles-with-error")
    response = page.goto(f"{workspace}directory/officers/nobody-here/change")
    assert response is not None and response.status == 404
    accessible(page, "other-not-found")
    page.goto(f"{workspace}directory")
    sign_out(page, stack)


def test_an_officer_downloads_the_breached_cases_as_a_spreadsheet(
    staff_page: Page, staff_stack: LocalStack
):
    page, stack = staff_page, staff_stack
    sign_in(page, stack, "officer")
    page.goto(f"{stack.workspace}cases?breached=yes")

    page.get_by_role("button", name="Download the list as a spreadsheet (CSV)").click()

    # The export's page looks again by itself until the spreadsheet is ready.
    expect(page).to_have_url(re.compile(r"/staff/cases/exports/[0-9a-f]{32}$"))
    expect(page.locator(".govuk-panel__title")).to_have_text(
        "Your spreadsheet is ready", timeout=15_000
    )
    download = page.get_by_role("button", name=re.compile(r"Download cases-.*\.csv"))
    expect(download).to_have_attribute("href", re.compile(r"/exports/[0-9a-f]{32}/cases-"))
    accessible(page, "export-ready")
    page.get_by_role("link", name="Back to the list").click()
    expect(page.locator(".moj-filter__tag")).to_have_text(re.compile("Breached"))
    sign_out(page, stack)
