"""The work list: the open cases a viewer may see, with their clocks, filtered as the address
says, a page at a time (its spreadsheet is prepared apart: `export_page`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from sla_monitor.calendar import LONDON
from sla_monitor.cases import CaseType, Channel
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff.formatting import (
    BADGE_CLASSES,
    CHANNEL_NAMES,
    TYPE_NAMES,
    short_date,
)
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import Permission, may, work_list_reach
from sla_monitor.web.staff.work_list_query import WorkListQuery
from sla_monitor.work_list import CaseView, promise_label, standing
from sla_monitor.work_list_reading import WorkPage, read_work_list, search_work_list

# The work list's views, as its sub navigation offers them (the Closed view follows them).
QUICK_VIEWS = (
    ("All my work", WorkListQuery()),
    ("Assigned to me", WorkListQuery(whose="mine")),
    ("My department", WorkListQuery(whose="department")),
    ("Complaints", WorkListQuery(case_type=CaseType.COMPLAINT.value)),
    ("Breached", WorkListQuery(breached=True)),
)


class WorkListPages:
    """The work list as a page."""

    def __init__(self, pages: StaffPages) -> None:
        self.pages = pages

    def _page(self, visit: Visit, query: WorkListQuery) -> WorkPage:
        """One page of the view the address asks for, read from the shelves."""
        viewer = visit.viewer
        pages = self.pages
        return read_work_list(
            pages.store,
            reach=work_list_reach(viewer),
            wanted=replace(query.wanted(viewer), search=None),
            policy=pages.policy,
            calendar=pages.calendar,
            directory=pages.directory,
            now=visit.now,
            visible=lambda case: may(viewer, Permission.VIEW_CASE, case),
            after=query.after or None,
        )

    def _listing(self, visit: Visit, query: WorkListQuery) -> dict[str, Any]:
        """What the list shows: a page of the view, or what a search found, and what to say."""
        if query.search:
            viewer = visit.viewer
            pages = self.pages
            shown, found = search_work_list(
                pages.store,
                pages.store,
                query.wanted(viewer),
                reference_prefix=pages.council.reference_prefix,
                policy=pages.policy,
                calendar=pages.calendar,
                directory=pages.directory,
                now=visit.now,
                visible=lambda case: may(viewer, Permission.VIEW_CASE, case),
            )
            return {
                "rows": [self._row(v, visit.now) for v in shown],
                "searching": True,
                "too_common": found.too_common,
                "more": found.more,
            }
        page = self._page(visit, query)
        next_url = (
            visit.urls.cases(urlencode([*query.pairs(), ("after", page.after)]))
            if page.after
            else None
        )
        return {
            "rows": [self._row(v, visit.now) for v in page.views],
            "searching": False,
            "total": page.total,
            "narrowed": page.narrowed,
            "next_url": next_url,
            "first_url": visit.urls.cases(query.query_string()) if query.after else None,
        }

    def show(self, visit: Visit) -> WebResponse:
        query = WorkListQuery.from_query(visit.request.query)
        listing = self._listing(visit, query)
        urls = visit.urls
        quick = QUICK_VIEWS
        shown_query = query.query_string()
        return self.pages.page(
            visit,
            "work_list.html",
            can_log=may(visit.viewer, Permission.LOG_CASE),
            status=400 if query.errors else 200,
            title="Cases",
            query=query,
            errors=[{"text": e.message, "href": f"#{e.field}"} for e in query.errors],
            field_errors={e.field: {"text": e.message} for e in query.errors},
            **listing,
            sub_navigation=[
                {
                    "text": text,
                    "href": urls.cases(q.query_string()),
                    "active": q.query_string() == shown_query,
                }
                for text, q in quick
            ]
            + [{"text": "Closed", "href": urls.closed_cases(), "active": False}],
            selected=query.selected(urls),
            can_export=may(visit.viewer, Permission.EXPORT_WORK_LIST),
            # The export is of the view shown: every page of it, the search too where it has one.
            export_fields=query.pairs(),
            csrf_token=self.pages.sessions.csrf_token(visit.session, now=visit.now),
            type_items=[{"value": "", "text": "Any type"}]
            + [{"value": t.value, "text": TYPE_NAMES[t]} for t in CaseType],
            channel_items=[{"value": "", "text": "Any channel"}]
            + [{"value": c.value, "text": CHANNEL_NAMES[c]} for c in Channel],
            stage_items=[
                {"value": "", "text": "Any stage"},
                {"value": "1", "text": "Stage 1"},
                {"value": "2", "text": "Stage 2"},
            ],
        )

    def _row(self, view: CaseView, now: datetime) -> dict[str, Any]:
        case, clock = view.case, view.next_clock
        owner = self.pages.directory.officer(view.owner)
        return {
            "reference": case.reference,
            "customer": case.customer.name or case.customer.email or "Not given",
            "type": TYPE_NAMES[case.case_type],
            "possible_complaint": case.possible_complaint,
            "possible_stage_2": case.possible_stage_2_at is not None,
            "stage": case.stage,
            "channel": CHANNEL_NAMES[case.channel],
            "owner": (owner.name if owner else view.owner) or "Nobody",
            "unassigned": case.assigned_officer is None,
            "next": promise_label(clock) if clock else None,
            "due": clock.due_day if clock else None,
            "closed": (
                short_date(case.closed_at.astimezone(LONDON).date()) if case.closed_at else None
            ),
            "badges": self._badges(view, now),
        }

    def _badges(self, view: CaseView, now: datetime) -> list[dict[str, str]]:
        """The case's outstanding clocks (and paused ones), each as a badge."""
        clocks = sorted(
            (*view.outstanding, *view.paused_clocks),
            key=lambda c: (c.due_day or date.max, c.promise),
        )
        badges = []
        for clock in clocks:
            state = standing(clock, policy=self.pages.policy, calendar=self.pages.calendar, now=now)
            badges.append(
                {
                    "text": state.label,
                    "classes": BADGE_CLASSES[state],
                    "promise": promise_label(clock),
                    "due": short_date(clock.due_day),
                }
            )
        return badges
