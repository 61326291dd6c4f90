"""Whether a case chosen in the work list may be assigned by the viewer, case by case, as the
steps table's assign step allows; and what the list says afterwards, read back from its address."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import pytest

from sla_monitor.cases import Case, CaseStatus
from sla_monitor.web.staff.work_list_actions import (
    Assigned,
    assign_results,
    chosen_references,
    problems_of,
    why_not_assigned,
)

from .test_permissions import CASES
from .viewers import DIRECTORY, VIEWERS


def _case(kind: str, **changes: object) -> Case:
    return replace(CASES[kind], **changes)


@pytest.mark.parametrize(
    ("who", "case", "why"),
    [
        ("officer", _case("waste enquiry"), None),
        ("officer", _case("housing request"), "not_permitted"),
        ("head of service", _case("housing request"), None),
        ("corporate complaints officer", _case("waste complaint"), None),
        ("corporate complaints officer", _case("waste enquiry"), "not_permitted"),
        ("chief executive", _case("referred housing complaint"), "not_permitted"),
        ("administrator", _case("waste enquiry"), "not_permitted"),
        ("officer", _case("waste enquiry", status=CaseStatus.CLOSED), "not_open"),
        ("officer", _case("waste enquiry", assigned_officer="head-waste-services"), "already"),
        ("officer", None, "unknown"),
    ],
)
def test_each_case_is_asked_about_as_the_assign_step_would_be(who, case, why):
    assert why_not_assigned(VIEWERS[who], case, "head-waste-services") == why


def test_the_list_says_who_was_given_what_and_what_was_refused_and_why():
    done = Assigned(
        "waste-officer",
        assigned=("NWL-2026-000001", "NWL-2026-000002"),
        refused=(("NWL-2026-000003", "not_permitted"),),
    )
    query = {"assignment": urlencode(done.pairs())}

    as_themselves = assign_results(DIRECTORY, VIEWERS["officer"], query)
    by_someone_else = assign_results(DIRECTORY, VIEWERS["head of service"], query)

    assert as_themselves == {
        "to": "you",
        "assigned": ["NWL-2026-000001", "NWL-2026-000002"],
        "refused": [{"reference": "NWL-2026-000003", "why": "you may not assign this case"}],
    }
    assert by_someone_else is not None and by_someone_else["to"] == "Jo Patel"


def test_an_address_made_up_says_nothing_it_does_not_know():
    officer = VIEWERS["officer"]
    assert assign_results(DIRECTORY, officer, {}) is None
    assert assign_results(DIRECTORY, officer, {"assignment": "to=nobody-we-know"}) is None
    made_up = urlencode(
        [("to", "waste-officer"), ("assigned", "<script>"), ("refused", "NWL-2026-000001:evil")]
    )
    assert assign_results(DIRECTORY, officer, {"assignment": made_up}) == {
        "to": "you",
        "assigned": [],
        "refused": [],
    }
    assert problems_of({"problem": "choose,officer,anything"}) == [
        problems_of({"problem": "choose"})[0],
        problems_of({"problem": "officer"})[0],
    ]


def test_every_row_ticked_is_read_once_in_the_order_shown():
    body = urlencode(
        [
            ("csrf_token", "x"),
            ("case", "NWL-2026-000002"),
            ("case", "nwl-2026-000001"),
            ("case", "NWL-2026-000002"),
        ]
    ).encode()
    assert chosen_references(body) == ["NWL-2026-000002", "NWL-2026-000001"]
    assert chosen_references(None) == []
