"""An officer's saved views: what a name must be, and how the list's views show them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sla_monitor.store.ports import SavedView
from sla_monitor.web.staff.saved_views import MOST_VIEWS, name_problem, view_links
from sla_monitor.web.staff.urls import StaffUrls

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def _views(*names: str) -> list[SavedView]:
    return [SavedView("waste-officer", name, f"q={n}", NOW) for n, name in enumerate(names)]


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "view_name"), ("x" * 61, "view_name_long"), ("x" * 60, None), ("Mine", None)],
)
def test_a_name_is_needed_and_short(name, problem):
    assert name_problem(name, _views("Breached")) == problem


def test_twenty_views_at_most_but_one_may_be_saved_again_under_its_name():
    full = _views(*(f"View {n}" for n in range(MOST_VIEWS)))
    assert name_problem("One more", full) == "views_full"
    assert name_problem("view 3", full) is None  # replaces "View 3"


def test_the_view_shown_is_marked_and_only_that_one():
    urls = StaffUrls("/staff")
    links = view_links(_views("Breached", "Mine"), urls, "q=1")
    assert links == [
        {"text": "Breached", "href": "/staff/cases?q=0", "active": False},
        {"text": "Mine", "href": "/staff/cases?q=1", "active": True},
    ]
    assert not any(link["active"] for link in view_links(_views("Mine"), urls, None))
