"""The staff workspace's pages about no case in particular (set-aside mail, the directory,
closure days, staff accounts, logging a case, the reports), over HTTP: only for the roles that
may, each new form needing its CSRF token, a refused request changing nothing; and the reports:
the month shown and its CSV, a field error for a month that cannot be, the annual report."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from sla_monitor_local.local_stack import LocalStack

from ..staff_support import EMAILS, ROLES
from .support import SAMPLES, sample_cases

pytestmark = pytest.mark.slow(seconds=242)


# The pages about no case in particular: who may use each, and what posting its form with
# nothing filled in gives a role that may: 400 and the error summary; CONFIRM for a
# confirmation page, whose empty form is the whole answer (not posted here); None for a page
# without a form.
CONFIRM = "confirm"
LOGS_CASES = {"officer", "head_of_service", "corporate_complaints_officer"}
TRIAGES = {"corporate_complaints_officer", "administrator"}
ADMINISTERS = {"administrator"}
SEES_REPORTS = {
    "head_of_service",
    "corporate_complaints_officer",
    "chief_executive",
    "administrator",
}
SERVICE_PAGES: dict[str, tuple[str, set[str], int | str | None]] = {
    "log a case": ("/cases/new", LOGS_CASES, 400),
    "set-aside mail": ("/triage", TRIAGES, None),
    "a set-aside message": ("/triage/{item}", TRIAGES, None),
    "make a case of it": ("/triage/{item}/case", TRIAGES, 400),
    "add it to a case": ("/triage/{item}/attach", TRIAGES, 400),
    "dismiss it": ("/triage/{item}/dismiss", TRIAGES, 400),
    "directory": ("/directory", ADMINISTERS, None),
    "council-wide roles": ("/directory/roles", ADMINISTERS, 400),
    "add a department": ("/directory/departments/new", ADMINISTERS, 400),
    "change a department": ("/directory/departments/planning/change", ADMINISTERS, 400),
    "retire a department": ("/directory/departments/planning/retire", ADMINISTERS, CONFIRM),
    "add an officer": ("/directory/officers/new", ADMINISTERS, 400),
    "change an officer": ("/directory/officers/waste-officer/change", ADMINISTERS, 400),
    "retire an officer": ("/directory/officers/waste-officer/retire", ADMINISTERS, CONFIRM),
    "closure days": ("/calendar", ADMINISTERS, None),
    "close a day": ("/calendar/close", ADMINISTERS, 400),
    "open a day": ("/calendar/{closure}/open", ADMINISTERS, CONFIRM),
    "staff accounts": ("/users", ADMINISTERS, None),
    "invite someone": ("/users/invite", ADMINISTERS, 400),
    "change roles": ("/users/{user}/groups", ADMINISTERS, 400),
    "disable an account": ("/users/{user}/disable", ADMINISTERS, CONFIRM),
    "sign someone out everywhere": ("/users/{user}/sign-out", ADMINISTERS, CONFIRM),
    "changes to staff accounts": ("/users/changes", ADMINISTERS, None),
    "reports": ("/reports", SEES_REPORTS, None),
    "a month's report as CSV": ("/reports?month={month}&format=csv", SEES_REPORTS, None),
    "the annual report": ("/reports?report=annual&year={year}", SEES_REPORTS, None),
}


@pytest.fixture(scope="module")
def service_page_values(stack: LocalStack) -> dict[str, str]:
    """The set-aside message, the closure day and the account the pages above are about."""
    from sla_monitor.calendar import ClosureDay
    from sla_monitor.web.staff.triage import item_id

    bundle = stack.services
    calendar = bundle.calendar
    day = calendar.next_working_day(calendar.local(datetime.now(UTC)).date() + timedelta(days=60))
    bundle.directory_store.add_closure_day(
        ClosureDay(
            day=day, reason="Staff training", added_by="it-admin", added_at=datetime.now(UTC)
        )
    )
    cognito = bundle.client("cognito-idp")
    officer = cognito.admin_get_user(
        UserPoolId=stack.staff_pool.user_pool_id, Username=EMAILS["officer"]
    )
    record = bundle.store.triage_records()[0]
    return {
        "item": item_id(record.idempotency_key),
        "closure": day.isoformat(),
        "user": officer["Username"],
        "month": calendar.local(datetime.now(UTC)).strftime("%Y-%m"),
        "year": str(calendar.local(datetime.now(UTC)).year),
    }


def _service_state(stack: LocalStack) -> tuple:
    """What a refused page must not change."""
    bundle = stack.services
    users = bundle.client("cognito-idp").list_users(UserPoolId=stack.staff_pool.user_pool_id)
    return (
        sorted((r.idempotency_key, r.resolution) for r in bundle.store.triage_records()),
        bundle.directory_store.load_directory(),
        sorted(c.day for c in bundle.directory_store.closure_days()),
        sorted((u["Username"], u["Enabled"]) for u in users["Users"]),
        len(list(bundle.store.open_cases())),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(SERVICE_PAGES))
def test_each_page_about_no_case_is_only_for_the_roles_that_may(
    stack, browsers, service_page_values, role, page
):
    path_template, allowed, empty_post = SERVICE_PAGES[page]
    path = path_template.format(**service_page_values)
    browser = browsers[role]
    token = browser.csrf("/account")
    before = _service_state(stack)
    if role in allowed:
        assert browser.get(path).status == 200
        if isinstance(empty_post, int):
            answer = browser.post(path, {"csrf_token": token})
            assert answer.status == empty_post, answer.body[:400]
            assert "govuk-error-summary" in answer.body
    else:
        refused = browser.get(path)
        assert refused.status == 403
        assert "You do not have permission" in refused.body
    if role not in allowed and empty_post is not None:
        answer = browser.post(
            path,
            {
                "csrf_token": token,
                "reason": "x",
                "case_type": "enquiry",
                "code": "x",
                "name": "x",
                "groups": "administrator",
            },
        )
        assert answer.status == 403
    assert _service_state(stack) == before


@pytest.mark.parametrize(
    "page", [name for name, (_, _, empty) in SERVICE_PAGES.items() if empty is not None]
)
def test_every_new_form_needs_its_csrf_token(stack, browsers, service_page_values, page):
    path_template, allowed, _ = SERVICE_PAGES[page]
    path = path_template.format(**service_page_values)
    browser = browsers[sorted(allowed)[0]]
    before = _service_state(stack)
    for token in ({}, {"csrf_token": "forged"}):
        answer = browser.post(path, {"reason": "x", "case_type": "enquiry", **token})
        assert answer.status == 403
        assert "this form has expired" in answer.body
    assert _service_state(stack) == before


# -- the reports ---------------------------------------------------------------------------------


def test_the_reports_page_shows_last_month_by_default_with_its_csv_link(stack, browsers):
    from sla_monitor.web.staff.reports import last_month

    month = last_month(datetime.now(UTC))
    answer = browsers["corporate_complaints_officer"].get("/reports")
    assert answer.status == 200
    assert f"Promises kept: cases received in {month.label}" in answer.body
    assert f'value="{month.key}"' in answer.body
    assert f"/staff/reports?report=monthly&amp;month={month.key}&amp;format=csv" in answer.body
    # The charts' stylesheets carry the page's nonce, which its content security policy allows.
    nonce = re.search(
        r"style-src 'self' 'nonce-([^']+)'", answer.headers["Content-Security-Policy"]
    )
    assert nonce is not None


def test_this_months_report_counts_the_sample_cases_and_downloads_as_csv(stack, browsers):
    browser = browsers["head_of_service"]
    month = datetime.now(UTC).strftime("%Y-%m")
    page = browser.get(f"/reports?month={month}")
    assert page.status == 200
    assert "<svg" in page.body
    assert "govuk-table" in page.body
    # Reports name no one.
    for key in SAMPLES:
        case = stack.services.store.get_case(sample_cases(stack)[key])
        assert case.customer.name not in page.body
    download = browser.get(f"/reports?month={month}&format=csv")
    assert download.status == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert f"promises-kept-{month}.csv" in download.headers["Content-Disposition"]
    assert download.body.startswith(f"month,{month}")


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("May 2026", "Enter the month as a year and month, like 2026-05"),
        ("2026-13", "Enter the month as a year and month, like 2026-05"),
        ("2999-01", "January 2999 has not begun yet"),
    ],
)
def test_a_malformed_or_future_month_is_shown_back_as_a_field_error(browsers, month, message):
    answer = browsers["chief_executive"].get(f"/reports?month={urllib.parse.quote(month)}")
    assert answer.status == 400
    assert "govuk-error-summary" in answer.body
    assert 'href="#month"' in answer.body
    assert message in answer.body
    assert "govuk-select--error" in answer.body
    assert "<svg" not in answer.body


def test_the_annual_report_for_a_chosen_year_and_a_future_year_refused(browsers):
    browser = browsers["administrator"]
    year = datetime.now(UTC).year
    answer = browser.get(f"/reports?report=annual&year={year - 1}")
    assert answer.status == 200
    assert f"{year - 1}" in answer.body
    assert "Annual complaints report" in answer.body
    financial = browser.get(f"/reports?report=annual&year={year - 1}&financial=yes")
    assert financial.status == 200
    assert f"{year - 1}/{year % 100:02d}" in financial.body
    download = browser.get(f"/reports?report=annual&year={year - 1}&format=csv")
    assert download.status == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    refused = browser.get("/reports?report=annual&year=2999")
    assert refused.status == 400
    assert 'href="#year"' in refused.body


def test_the_navigation_offers_reports_only_to_the_roles_that_may(browsers):
    for role in ROLES:
        shown = 'href="/staff/reports"' in browsers[role].get("/account").body
        assert shown is (role in SEES_REPORTS), role
