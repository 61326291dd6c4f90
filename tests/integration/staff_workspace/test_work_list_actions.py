"""The work list's row actions over HTTP: "Assign to me" on an unassigned row and on a case's page,
the cases ticked assigned together (each asked about again on the server, a case the viewer may
not assign refused by name and left as it was, the rest assigned), and the cases ticked
downloaded as a spreadsheet of exactly those cases."""

from __future__ import annotations

import html
import re
import urllib.parse

import pytest

from sla_monitor.cases import Case, CaseType, Notification, NotificationKind

from ..staff_support import Browser
from .support import sample_cases, timeline_length, unassigned_case
from .test_exports_and_possible_complaints import _download, _when_ready

pytestmark = pytest.mark.slow(seconds=10)


def _list_form(browser: Browser, view: str = "/cases") -> dict[str, str]:
    """The hidden fields of the list's form of rows (its CSRF token, the view shown)."""
    page = browser.get(view)
    assert page.status == 200, page.body[:300]
    return _hidden(page.body[page.body.index('id="chosen-cases"') :])


def _hidden(form: str) -> dict[str, str]:
    """A form's first two hidden fields, as the browser sends them (its CSRF token, the view)."""
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)[:2]
    return {name: html.unescape(value) for name, value in fields}


def _assign(browser: Browser, pairs: list[tuple[str, str]], view: str = "/cases"):
    hidden = _list_form(browser, view)
    return browser.post_pairs("/cases/assign", [*hidden.items(), *pairs])


def _assignment_emails_owed(case: Case, officer_id: str) -> list[Notification]:
    """The "assigned to you" emails the case owes (or sent) the officer."""
    return [
        n
        for n in case.notifications
        if n.kind is NotificationKind.ASSIGNED and officer_id in n.officers
    ]


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
    # They took the case themselves: no email is owed to tell them of it.
    assert not _assignment_emails_owed(store.get_case(damp), "head-housing")


def test_assign_to_me_on_an_unassigned_row_gives_the_viewer_that_case_alone(stack, browsers):
    store = stack.services.store
    new = unassigned_case(stack, "waste-services", CaseType.SERVICE_REQUEST)
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
    assert not _assignment_emails_owed(store.get_case(reference), "waste-officer")


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
    reference = unassigned_case(stack, "planning", CaseType.COMPLAINT)
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


def _save_view(browser: Browser, view: str, name: str):
    page = browser.get(view)
    form = page.body[page.body.index('id="save-view"') :]
    hidden = _hidden(form)
    return browser.post(
        "/cases/views",
        {"csrf_token": hidden["csrf_token"], "view": hidden["view"], "view_name": name},
    )


def test_a_view_saved_is_listed_for_its_officer_alone_and_removed(stack, browsers):
    officer, head = browsers["officer"], browsers["head_of_service"]

    view = "/cases?type=complaint&breached=yes&after=~%23NWL-2026-000001"  # a second page

    saved = _save_view(officer, view, "Late ones")

    assert saved.status == 303
    page = officer.follow(saved.location)
    assert "Your view ‘Late ones’ has been saved." in html.unescape(page.body)
    # In the views, with the filters alone (not where a page of the list started).
    link = re.search(r'(href="[^"]+")>Late ones</a>', page.body)
    assert link is not None
    assert html.unescape(link.group(1)) == 'href="/staff/cases?type=complaint&breached=yes"'
    assert "Late ones" not in head.get("/cases").body
    assert [v.name for v in stack.services.store.saved_views("waste-officer")] == ["Late ones"]

    token = re.search(r'name="csrf_token" value="([^"]+)"', page.body).group(1)
    removed = officer.post("/cases/views/remove", {"csrf_token": token, "view_name": "Late ones"})

    assert removed.status == 303
    after = html.unescape(officer.follow(removed.location).body)
    assert "Your view ‘Late ones’ has been removed." in after
    assert stack.services.store.saved_views("waste-officer") == []


def test_a_view_without_a_name_is_not_saved(stack, browsers):
    answer = _save_view(browsers["officer"], "/cases?whose=mine", "   ")

    assert answer.status == 303
    page = browsers["officer"].follow(answer.location)
    assert page.status == 400
    assert '<a href="#view_name">Enter a name for the view</a>' in page.body
    assert stack.services.store.saved_views("waste-officer") == []
