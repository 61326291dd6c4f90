"""Finding cases over HTTP on the local stack: the search in every casework page's header, over
open and closed cases within what the viewer may see (a whole reference goes to its case), the
work list's Closed view, and a case's "The customer's other cases"."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from ..staff_support import Browser, references_in
from .support import sample_cases

pytestmark = pytest.mark.slow(seconds=25)


def _references_in_main(body: str) -> set[str]:
    main = body[body.index('<main class="govuk-main-wrapper"') : body.index("</main>")]
    return references_in(main)


def test_every_casework_page_s_header_offers_the_search_and_administration_does_not(
    stack, browsers: dict[str, Browser]
):
    bins = sample_cases(stack)["bins"]
    for path in ("/cases", f"/cases/{bins}", "/cases/closed", "/account"):
        page = browsers["officer"].get(path)
        assert page.status == 200, path
        header = page.body[: page.body.index("<main")]
        assert '<form method="get" action="/staff/search"' in header, path
        assert '<label class="govuk-label govuk-label--s" for="header-search">' in header
    for path in ("/directory", "/account"):
        page = browsers["administrator"].get(path)
        assert "header-search" not in page.body, path


def test_the_work_list_s_filter_filters_and_leaves_searching_to_the_header(
    stack, browsers: dict[str, Browser]
):
    page = browsers["officer"].get("/cases")
    assert page.status == 200
    main = page.body[page.body.index("<main") :]
    filter_form = main[main.index('class="moj-filter__options"') : main.index("</form>")]
    assert 'name="type"' in filter_form  # the filters are there
    assert 'name="q"' not in filter_form  # and no second search box
    assert "Search all cases" not in main
    assert main.count('type="search"') == 0
    assert page.body.count('id="header-search"') == 1


def test_a_whole_reference_goes_straight_to_its_case_open_or_closed(
    stack, browsers: dict[str, Browser]
):
    samples = sample_cases(stack)
    for key in ("fence", "bins"):
        answer = browsers["officer"].get(f"/search?q={samples[key].lower()}")
        assert answer.status == 303
        assert answer.headers["Location"] == f"/staff/cases/{samples[key]}"


def test_a_search_by_name_finds_the_customer_s_cases_open_and_closed(
    stack, browsers: dict[str, Browser]
):
    samples = sample_cases(stack)
    page = browsers["officer"].get("/search?q=Priya+Shah")
    assert page.status == 200
    assert _references_in_main(page.body) == {samples["bulky"], samples["fence"]}
    assert re.search(r"Closed on \w+day \d+ \w+ \d{4}", page.body)
    assert "2 cases found for “Priya Shah”, open and closed" in page.body
    # By the email address, and by a word of the closed case's summary.
    assert _references_in_main(
        browsers["officer"].get("/search?q=priya.shah%40example.org").body
    ) == {samples["bulky"], samples["fence"]}
    assert samples["fence"] in _references_in_main(browsers["officer"].get("/search?q=fence").body)


def test_a_search_finds_only_what_the_viewer_may_see(stack, browsers: dict[str, Browser]):
    fence = sample_cases(stack)["fence"]  # a complaint not referred to the Chief Executive
    seen = browsers["corporate_complaints_officer"].get("/search?q=fence")
    assert fence in _references_in_main(seen.body)
    unseen = browsers["chief_executive"].get(f"/search?q={fence}")
    assert unseen.status == 200  # no case to go to: said as not found, nothing shown
    assert f"No cases found for “{fence}”" in unseen.body
    assert f'href="/staff/cases/{fence}"' not in unseen.body
    assert browsers["head_of_service"].get("/search?q=Priya").body.count("govuk-table__row") == 0


def test_the_closed_view_lists_closed_cases_the_latest_first(stack, browsers: dict[str, Browser]):
    samples = sample_cases(stack)
    page = browsers["officer"].get("/cases/closed")
    assert page.status == 200
    assert _references_in_main(page.body) == {samples["fence"]}
    assert 'aria-current="page" href="/staff/cases/closed">Closed</a>' in page.body
    # The work list's views lead to it.
    assert 'href="/staff/cases/closed">Closed</a>' in browsers["officer"].get("/cases").body
    # Not a complaint the Chief Executive had, nor one of the Head of Housing's department.
    for role in ("chief_executive", "head_of_service"):
        assert _references_in_main(browsers[role].get("/cases/closed").body) == set()
    # A position that is not one is ignored: the first page.
    odd = browsers["officer"].get("/cases/closed?after=" + quote("</script>"))
    assert _references_in_main(odd.body) == {samples["fence"]}


def test_a_case_page_lists_the_customer_s_other_cases(stack, browsers: dict[str, Browser]):
    samples = sample_cases(stack)
    page = browsers["officer"].get(f"/cases/{samples['bulky']}")
    other = page.body[page.body.index('id="other-cases"') :]
    other = other[: other.index("</ul>")]
    assert references_in(other) == {samples["fence"]}
    assert "closed on" in other
    assert 'href="/staff/search?q=priya.shah%40example.org"' in page.body
    # The closed stage 1 complaint offers its stage 2 review.
    closed = browsers["officer"].get(f"/cases/{samples['fence']}")
    assert f'href="/staff/cases/{samples["fence"]}/stage-2"' in closed.body
