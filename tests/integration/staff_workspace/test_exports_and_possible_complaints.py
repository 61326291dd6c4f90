"""The work list's download over HTTP (an export prepared as a job, its page while it is
prepared, ready or failed, and only for the officer who asked), and possible complaints: badged
in the work list and on the page, and their type confirmed only by whoever may reclassify."""

from __future__ import annotations

import csv
import html
import io
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sla_monitor_local.local_stack import LocalStack

from sla_monitor.calendar import LONDON
from sla_monitor.store.ports import ExportStatus, WorkListExport
from sla_monitor.work_list import Reach, WorkListFilter
from sla_monitor.work_list_export import FAILED_REASON

from ..staff_support import ROLES, Answer, Browser, references_in
from .support import sample_cases, timeline_length

pytestmark = pytest.mark.slow(seconds=14)


def _export(browser: Browser, view: str) -> str:
    """Press the list's download button on the view at `view`: the export's address."""
    started = browser.submit("/cases/exports", {}, form=view)
    assert started.status == 303, (started.status, started.body[:300])
    assert re.fullmatch(r"/staff/cases/exports/[0-9a-f]{32}", started.location)
    return started.location


def _when_ready(browser: Browser, address: str) -> Answer:
    """The export's page once it no longer says it is being prepared, as its refresh would."""
    for _ in range(100):
        page = browser.follow(address)
        if 'data-stage="preparing"' not in page.body:
            return page
        assert '<meta http-equiv="refresh" content="3">' in page.body
        time.sleep(0.1)
    raise AssertionError("the export was still being prepared")


def _download(page: Answer) -> tuple[dict[str, str], list[list[str]]]:
    link = html.unescape(re.search(r'href="(http[^"]+/exports/[^"]+)"', page.body).group(1))
    with urllib.request.urlopen(link, timeout=30) as answer:
        headers = dict(answer.headers)
        rows = list(csv.reader(io.StringIO(answer.read().decode("utf-8"))))
    return headers, rows


def test_the_download_prepares_every_case_of_the_view_shown_and_offers_its_file(stack, browsers):
    browser = browsers["corporate_complaints_officer"]
    listed = references_in(browser.get("/cases?breached=yes").body)

    page = _when_ready(browser, _export(browser, "/cases?breached=yes"))

    assert page.status == 200
    assert 'data-stage="ready"' in page.body
    assert "http-equiv" not in page.body  # ready: the page stops looking again
    headers, rows = _download(page)
    day = datetime.now(UTC).astimezone(LONDON).date().isoformat()
    assert headers["Content-Disposition"].startswith(f'attachment; filename="cases-{day}.csv"')
    assert rows[0][:4] == ["reference", "type", "stage", "channel"]
    assert {row[0] for row in rows[1:]} == listed
    assert all(row[-1] == "yes" for row in rows[1:])  # the breached column
    assert f"{len(rows) - 1} case" in page.body
    # The link is presigned, for five minutes.
    link = re.search(r'href="(http[^"]+/exports/[^"]+)"', page.body).group(1)
    assert "X-Amz-Expires=300" in html.unescape(link)


def test_a_search_s_download_holds_what_the_search_found(stack, browsers):
    browser = browsers["officer"]
    reference = sample_cases(stack)["garden"]

    page = _when_ready(browser, _export(browser, f"/cases?q={reference}"))

    _, rows = _download(page)
    assert [row[0] for row in rows[1:]] == [reference]


def test_only_the_officer_who_asked_sees_an_export(stack, browsers):
    address = _export(browsers["officer"], "/cases")
    _when_ready(browsers["officer"], address)

    assert browsers["head_of_service"].follow(address).status == 404
    assert browsers["officer"].follow(address + "0").status == 404


def test_staff_without_the_work_list_start_no_export(stack, browsers):
    browser = browsers["administrator"]
    token = browser.csrf("/account")
    assert browser.post("/cases/exports", {"csrf_token": token}).status == 403


def test_a_download_needs_the_form_s_csrf_token(stack, browsers):
    answer = browsers["officer"].post("/cases/exports", {"breached": "yes"})
    assert answer.status == 403


def _kept(stack: LocalStack, **changes: Any) -> str:
    """An export of the officer's kept as the job would have left it."""
    export = WorkListExport(
        export_id=secrets.token_hex(16),
        officer_id="waste-officer",
        reach=Reach(departments=("waste-services",)),
        wanted=WorkListFilter(breached=True),
        created_at=datetime.now(UTC),
        **changes,
    )
    stack.services.store.keep_export(export, expires_at=export.created_at + timedelta(days=1))
    return f"/staff/cases/exports/{export.export_id}"


def test_while_an_export_is_prepared_its_page_says_so_and_looks_again(stack, browsers):
    page = browsers["officer"].follow(_kept(stack))

    assert page.status == 200
    assert "Your spreadsheet is being prepared" in page.body
    assert '<meta http-equiv="refresh" content="3">' in page.body
    assert "Check again" in page.body
    assert "/exports/" not in page.body.split("Check again")[1]  # no link to a file
    assert "X-Amz" not in page.body
    assert 'href="/staff/cases?breached=yes"' in page.body  # back to the view exported


def test_a_failed_export_says_what_to_do_and_offers_nothing(stack, browsers):
    address = _kept(stack, status=ExportStatus.FAILED, reason=FAILED_REASON)

    page = browsers["officer"].follow(address)

    assert "Your spreadsheet could not be prepared" in page.body
    assert "Download the list again from the work list" in page.body
    assert "http-equiv" not in page.body and "X-Amz" not in page.body


# -- possible complaints -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def possible_complaint(stack: LocalStack) -> str:
    """A waste complaint email intake was not sure of: timed as a complaint, flagged."""
    from sla_monitor.cases import CaseType, Channel, Customer, Preferences
    from sla_monitor.intake import NewCase, register_case

    bundle = stack.services
    bins = bundle.store.get_case(sample_cases(stack)["bins"])
    registration = register_case(
        NewCase(
            case_type=CaseType.COMPLAINT,
            channel=Channel.EMAIL,
            received_at=datetime.now(UTC) - timedelta(hours=1),
            subject="Bin not emptied again",
            description="Third week running the bin was not emptied.",
            customer=Customer(name="Sam Possible", email="sam.possible@example.com"),
            preferences=Preferences(),
            department=bins.department,
            idempotency_key="http-test-possible-complaint",
            possible_complaint=True,
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=datetime.now(UTC),
    )
    assert registration.case.possible_complaint
    return registration.case.reference


def test_a_possible_complaint_is_badged_in_the_work_list_and_on_its_page(
    browsers, possible_complaint
):
    browser = browsers["officer"]
    listed = browser.get("/cases")
    row = listed.body.split(f">{possible_complaint}</a>")[1].split("</tr>")[0]
    assert "Possible complaint" in row
    page = browser.get(f"/cases/{possible_complaint}")
    assert page.status == 200
    assert "Possible complaint" in page.body
    assert f"/staff/cases/{possible_complaint}/confirm-type" in page.body


@pytest.mark.parametrize("role", ROLES)
def test_confirming_the_type_is_for_whoever_may_reclassify(
    stack, browsers, possible_complaint, role
):
    browser = browsers[role]
    # The officer (its department) and the Corporate Complaints Officer (a complaint) may.
    allowed = role in {"officer", "corporate_complaints_officer"}
    path = f"/cases/{possible_complaint}/confirm-type"
    before = timeline_length(stack, possible_complaint)
    token = browser.csrf("/account")
    if allowed:
        form = browser.get(path)
        assert form.status == 200
        assert 'name="case_type"' in form.body
        unanswered = browser.post(path, {"csrf_token": token})
        assert unanswered.status == 400
        assert "Choose what the case is" in unanswered.body
    else:
        assert browser.get(path).status == 403
        assert browser.post(path, {"csrf_token": token, "case_type": "enquiry"}).status == 403
    assert timeline_length(stack, possible_complaint) == before
    assert stack.services.store.get_case(possible_complaint).possible_complaint


def test_confirming_a_possible_complaint_clears_the_flag(stack, browsers):
    from sla_monitor.cases import CaseType, Channel, Customer, Preferences
    from sla_monitor.intake import NewCase, register_case

    bundle = stack.services
    reference = register_case(
        NewCase(
            case_type=CaseType.COMPLAINT,
            channel=Channel.EMAIL,
            received_at=datetime.now(UTC) - timedelta(hours=1),
            subject="Council tax bill wrong",
            description="My bill is wrong and nobody answers.",
            customer=Customer(name="Alex Unsure", email="alex.unsure@example.com"),
            preferences=Preferences(),
            department=None,
            idempotency_key="http-test-possible-complaint-confirmed",
            possible_complaint=True,
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=datetime.now(UTC),
    ).case.reference
    browser = browsers["corporate_complaints_officer"]
    token = browser.csrf(f"/cases/{reference}/confirm-type")
    answer = browser.post(
        f"/cases/{reference}/confirm-type", {"csrf_token": token, "case_type": "complaint"}
    )
    assert answer.status == 303, answer.body[:400]
    assert answer.location.startswith(f"/staff/cases/{reference}?done=confirm-type")
    case = bundle.store.get_case(reference)
    assert not case.possible_complaint
    assert case.case_type is CaseType.COMPLAINT
    page = browser.get(f"/cases/{reference}")
    assert "confirmed" in page.body
    assert 'id="possible-complaint"' not in page.body  # the badge is gone (the timeline keeps it)
    assert "Confirm the type" not in page.body
