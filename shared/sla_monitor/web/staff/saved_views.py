"""An officer's saved views of the work list: the filters shown, saved under a name of their own,
listed beside the list's views for that officer alone, and removed by name. They are kept under
the officer in the cases table (`SavedViews`), a few small items read with the list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sla_monitor.store.ports import SavedView, saved_view_key
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.urls import StaffUrls
from sla_monitor.web.staff.work_list_actions import back_to_list
from sla_monitor.web.staff.work_list_query import WorkListQuery

MOST_VIEWS = 20
LONGEST_NAME = 60


def name_problem(name: str, saved: Sequence[SavedView]) -> str | None:
    """Why a view cannot be saved under this name (a problem the list names), or None."""
    if not name:
        return "view_name"
    if len(name) > LONGEST_NAME:
        return "view_name_long"
    replaces = any(saved_view_key(v.name) == saved_view_key(name) for v in saved)
    if len(saved) >= MOST_VIEWS and not replaces:
        return "views_full"
    return None


def view_links(
    saved: Sequence[SavedView], urls: StaffUrls, shown_query: str | None
) -> list[dict[str, Any]]:
    """The officer's views as the list's sub navigation shows them, the one shown (its filters
    `shown_query`) marked."""
    return [
        {"text": v.name, "href": urls.cases(v.query), "active": v.query == shown_query}
        for v in saved
    ]


class SavedViewPages:
    """Saving the view shown, and removing a saved one."""

    def __init__(self, pages: StaffPages) -> None:
        self.pages = pages

    def save(self, visit: Visit) -> WebResponse:
        values = self.pages.trusted_form(visit)
        view = values.get("view", "")
        name = " ".join(values.get("view_name", "").split())
        officer_id = visit.viewer.officer_id
        problem = name_problem(name, self.pages.store.saved_views(officer_id))
        if problem is not None:
            return back_to_list(
                self.pages, visit, view, [("problem", problem), ("view_name", name[:200])]
            )
        # Only the filters: where a page starts, or what a form did, is no part of a view.
        query = WorkListQuery.from_query_string(view).query_string()
        self.pages.store.save_view(
            SavedView(officer_id=officer_id, name=name, query=query, saved_at=visit.now)
        )
        return back_to_list(self.pages, visit, view, [("view_saved", name)])

    def remove(self, visit: Visit) -> WebResponse:
        values = self.pages.trusted_form(visit)
        name = values.get("view_name", "")
        removed = self.pages.store.remove_view(visit.viewer.officer_id, name)
        return back_to_list(self.pages, visit, "", [("view_removed", name)] if removed else [])
