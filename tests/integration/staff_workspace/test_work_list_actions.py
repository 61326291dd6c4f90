"""The work list's row actions over HTTP: "Assign to me" on an unassigned row and on a case's page,
the cases ticked assigned together (each asked about again on the server, a case the viewer may
not assign refused by name and left as it was, the rest assigned), and the cases ticked
downloaded as a spreadsheet of exactly those cases."""

from __future__ import annotations

import html
import re
import secrets
import urllib.parse
from datetime import UTC, datetime

import pytest
from sla_monitor_local.local_stack import LocalStack

from sla_monitor.cases import CaseType, Channel, Customer
from sla_monitor.intake import NewCase, register_case

from ..staff_support import Browser
from .support import sample_cases, timeline_length
from .test_exports_and_possible_complaints import _download, _when_ready

pytestmark = pytest.mark.slow(seconds=10)


def _unassigned(stack: LocalStack, department: str, case_type: CaseType) -> str:
    """A new case of the department's that nobody is assigned yet."""
    services = stack.services
    now = datetime.now(UTC)
    return register_case(
        NewCase(
            case_type=case_type,
            channel=Channel.EMAIL,
            received_at=now,
            subject="Bin left on the pavement",
            description="The bin was left on the pavement after collection.",
            customer=Customer(name="Lena Ward", email="lena.ward@example.org"),
            department=department,
            idempotency_key=f"work-list-actions:{secrets.token_hex(8)}",
        ),
        store=services.store,
        policy=services.policy,
        calendar=services.calendar,
        now=now,
    ).case.reference


def _list_form(browser: Browser, view: str = "/cases") -> dict[str, str]:
    """The hidden fields of the list's form of rows (its CSRF token, the view shown)."""
    page = browser.get(view)
    assert page.status == 200, page.body[:300]
    form = page.body[page.body.index('id="chosen-cases"') :]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)[:2])


def _assign(browser: Browser, pairs: list[tuple[str, str]], view: str = "/cases"):
    hidden = _list_form(browser, view)
    return browser.post_pairs("/cases/assign", [*hidden.items(), *pairs])


def test_the_cases_ticked_are_assigned_and_one_the_viewer_may_not_assign_is_refused_by_name(
    stack, browsers
):
    samples = sample_cases(stack)
    damp, bins = samples["damp"], samples["bins"]  # housing's, and waste services'
    store = stack.services.store
    bins_before = store.get_case(bins)
    bins_timeline = timeline_length(stack, bins)
    browser = browsers["head_of_service"]  # Head of Housing

    answer = _assign(
        browser,
        [("case", damp), ("case", bins), ("officer", "head-housing"), ("assign", "chosen")],
        view="/cases?type=complaint",
    )

    assert answer.status == 303
    location = urllib.parse.urlsplit(answer.location)
    assert location.path == "/staff/cases"
    assert ("type", "complaint") in urllib.parse.parse_qsl(location.query)  # the view kept
    assert store.get_case(damp).assigned_officer == "head-housing"
    assert store.get_case(bins) == bins_before  # another department's: not theirs to assign
    assert timeline_length(stack, bins) == bins_timeline
    page = browser.follow(answer.location)
    text = html.unescape(page.body)
    assert f"1 case assigned to you: {damp}." in text
    assert "1 case was not assigned:" in text
    assert f">{bins}</a>: you may not assign this case" in text


def test_assign_to_me_on_an_unassigned_row_gives_the_viewer_that_case_alone(stack, browsers):
    store = stack.services.store
    new = _unassigned(stack, "waste-services", CaseType.SERVICE_REQUEST)
    browser = browsers["officer"]  # Jo Patel, waste services
    page = browser.get("/cases?whose=unassigned")
    offered = re.findall(r'name="assign_to_me" value="([^"]+)"', page.body)
    assert new in offered
    reference = offered[0]
    ticked = next(r for r in re.findall(r'name="case" type="checkbox" value="([^"]+)"', page.body))

    answer = _assign(
        browser,
        [("assign_to_me", reference), ("case", ticked), ("officer", "head-waste-services")],
        view="/cases?whose=unassigned",
    )

    assert answer.status == 303
    assert store.get_case(reference).assigned_officer == "waste-officer"
    if ticked != reference:
        assert store.get_case(ticked).assigned_officer != "head-waste-services"
    after = browser.follow(answer.location)
    assert f"1 case assigned to you: {reference}." in html.unescape(after.body)
    assert f'name="assign_to_me" value="{reference}"' not in after.body  # no longer unassigned


def test_nothing_ticked_or_no_officer_chosen_is_said_as_gov_uk_says_it(stack, browsers):
    browser = browsers["officer"]

    answer = _assign(browser, [("assign", "chosen"), ("officer", "")])

    assert answer.status == 303
    page = browser.follow(answer.location)
    assert page.status == 400
    assert "There is a problem" in page.body
    assert '<a href="#choose">Select the cases to assign</a>' in page.body
    assert '<a href="#officer">Choose the officer to assign the cases to</a>' in page.body


def test_a_chief_executive_who_reads_the_list_assigns_nothing(stack, browsers):
    browser = browsers["chief_executive"]
    token = browser.csrf("/cases")
    reference = sample_cases(stack)["council-tax"]

    answer = browser.post_pairs(
        "/cases/assign", [("csrf_token", token), ("case", reference), ("officer", "head-housing")]
    )

    assert answer.status == 403


def test_assign_to_me_on_a_case_s_page(stack, browsers):
    store = stack.services.store
    reference = _unassigned(stack, "planning", CaseType.COMPLAINT)
    browser = browsers["corporate_complaints_officer"]

    case_page = browser.get(f"/cases/{reference}")
    assert 'id="assign-to-me"' in case_page.body
    answer = browser.submit(
        f"/cases/{reference}/assign",
        {"officer": "complaints-officer"},
        form=f"/cases/{reference}",
    )

    assert answer.status == 303, answer.body[:500]
    assert store.get_case(reference).assigned_officer == "complaints-officer"
    assert 'id="assign-to-me"' not in browser.follow(answer.location).body


def test_the_cases_ticked_are_downloaded_alone(stack, browsers):
    samples = sample_cases(stack)
    chosen = [samples["garden"], samples["bulky"]]
    browser = browsers["officer"]
    hidden = _list_form(browser)

    started = browser.post_pairs(
        "/cases/exports",
        [*hidden.items(), *(("case", r) for r in chosen), ("download", "chosen")],
    )

    assert started.status == 303
    assert re.fullmatch(r"/staff/cases/exports/[0-9a-f]{32}", started.location)
    _, rows = _download(_when_ready(browser, started.location))
    assert [row[0] for row in rows[1:]] == chosen


def test_a_download_of_the_cases_ticked_with_none_ticked_asks_for_some(stack, browsers):
    browser = browsers["officer"]
    hidden = _list_form(browser)

    answer = browser.post_pairs("/cases/exports", [*hidden.items(), ("download", "chosen")])

    assert answer.status == 303
    assert "problem=choose_download" in answer.location
    page = browser.follow(answer.location)
    assert '<a href="#choose">Select the cases to download</a>' in page.body
