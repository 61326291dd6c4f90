"""Who may do what in the staff workspace, over HTTP, role by role: the cases each role sees
in its work list and may open, each step offered and taken only where the role may (allowed:
the form, and the error summary for an empty answer; refused: 403, and the case unchanged), the
navigation each role is offered, and the Chief Executive reading a referred complaint."""

from __future__ import annotations

import re

import pytest

from ..staff_support import ROLES
from .support import SAMPLES, STEPS, sample_cases, timeline_length

pytestmark = pytest.mark.slow(seconds=58)


# -- the permission matrix, over HTTP ------------------------------------------------------------

# Which sample cases each role sees in its work list and may open.
SEES = {
    "officer": {"bins", "garden", "bulky"},
    "head_of_service": {"damp", "repairs"},
    "corporate_complaints_officer": {"bins", "damp", "repairs", "council-tax"},
    "chief_executive": {"council-tax"},
    "administrator": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_the_work_list_shows_each_role_exactly_the_cases_it_may_see(stack, browsers, role):
    answer = browsers[role].get("/cases")
    if role == "administrator":
        assert answer.status == 403
        return
    assert answer.status == 200
    listed = set(re.findall(r"NWL-\d{4}-\d{6}", answer.body))
    cases = sample_cases(stack)
    samples_listed = {key for key in SAMPLES if cases[key] in listed}
    assert samples_listed == SEES[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("sample", SAMPLES)
def test_a_case_page_opens_only_for_the_roles_that_may_see_it(stack, browsers, role, sample):
    answer = browsers[role].get(f"/cases/{sample_cases(stack)[sample]}")
    expected = 200 if sample in SEES[role] else 403
    assert answer.status == expected
    if expected == 403:
        assert "You do not have permission" in answer.body
        case = stack.services.store.get_case(sample_cases(stack)[sample])
        assert case.subject not in answer.body
        assert case.customer.name not in answer.body


# For each role: a case it may work on (None: none) and one it may not touch.
OWN_AND_OTHER = {
    "officer": ("bins", "damp"),
    "head_of_service": ("repairs", "bins"),
    "corporate_complaints_officer": ("repairs", "garden"),
    "chief_executive": (None, "bins"),
    "administrator": (None, "bins"),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("step", STEPS)
def test_each_step_is_offered_and_taken_only_where_the_role_may(stack, browsers, role, step):
    """An allowed role gets the form (200) and, posting it unanswered, the error summary (400),
    where the step is open on the case; where it is not, both are refused with the reason (409);
    a refused role gets 403 for both, and the case does not change."""
    from sla_monitor.web.staff.steps import ACTIONS

    browser = browsers[role]
    own, other = OWN_AND_OTHER[role]
    token = browser.csrf("/account")  # a token of this session, good for any form
    if own is not None:
        reference = sample_cases(stack)[own]
        case = stack.services.store.get_case(reference)
        is_open = ACTIONS[step].shown(case)
        form = browser.get(f"/cases/{reference}/{step}")
        assert form.status == (200 if is_open else 409)
        before = timeline_length(stack, reference)
        answer = browser.post(f"/cases/{reference}/{step}", {"csrf_token": token})
        if is_open:
            assert answer.status == 400, answer.body[:400]
            assert "govuk-error-summary" in answer.body
        else:
            assert answer.status == 409, answer.body[:400]
            assert "This step cannot be taken on this case" in answer.body
        assert timeline_length(stack, reference) == before
    reference = sample_cases(stack)[other]
    assert browser.get(f"/cases/{reference}/{step}").status == 403
    before = timeline_length(stack, reference)
    answer = browser.post(
        f"/cases/{reference}/{step}",
        {"csrf_token": token, "text": "x", "reason": "x", "working_days": "1"},
    )
    assert answer.status == 403
    assert timeline_length(stack, reference) == before


def test_the_navigation_offers_each_role_only_its_own_sections(browsers):
    sections = {
        "officer": {"Cases"},
        "head_of_service": {"Cases"},
        "corporate_complaints_officer": {"Cases", "Set-aside mail"},
        "chief_executive": {"Cases"},
        "administrator": {"Set-aside mail", "Directory", "Closure days", "Staff accounts"},
    }
    every = {"Cases", "Set-aside mail", "Directory", "Closure days", "Staff accounts"}
    for role, expected in sections.items():
        page = browsers[role].get("/account").body
        navigation = page.split('class="govuk-service-navigation__list"', 1)[1].split("</ul>")[0]
        shown = {name for name in every if re.search(rf">\s*{name}\s*<", navigation)}
        assert shown == expected, role


def test_the_chief_executive_reads_a_referred_complaint_but_may_not_change_it(stack, browsers):
    reference = sample_cases(stack)["council-tax"]
    page = browsers["chief_executive"].get(f"/cases/{reference}")
    assert page.status == 200
    assert "You can read this case but not change it" in page.body
    token = browsers["chief_executive"].csrf("/account")
    assert (
        browsers["chief_executive"]
        .post(f"/cases/{reference}/note", {"csrf_token": token, "text": "Please explain."})
        .status
        == 403
    )
