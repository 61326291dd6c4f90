"""The work list: the open cases a viewer may see, with their clocks, filtered as the address
says, a page at a time (its spreadsheet is prepared apart: `export_page`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from sla_monitor.calendar import LONDON
from sla_monitor.cases import CaseType, Channel
from sla_monitor.engine import Clock, ClockState
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff.formatting import BADGE_CLASSES, CHANNEL_NAMES, TYPE_NAMES
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import Permission, may, work_list_reach
from sla_monitor.web.staff.saved_views import view_links
from sla_monitor.web.staff.work_list_actions import (
    assign_results,
    bulk_assign_officers,
    offers_assign_to_me,
    problems_of,
)
from sla_monitor.web.staff.work_list_query import WorkListQuery
from sla_monitor.wording import day_month_year
from sla_monitor.work_list import CaseView, Standing, countdown, promise_label, standing
from sla_monitor.work_list_reading import WorkPage, read_work_list, search_work_list

# The work list's views, as its sub navigation offers them (the Closed view follows them).
QUICK_VIEWS = (
    ("All my work", WorkListQuery()),
    ("Assigned to me", WorkListQuery(whose="mine")),
    ("Unassigned", WorkListQuery(whose="unassigned")),
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
                "rows": [self._row(visit, v) for v in shown],
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
            "rows": [self._row(visit, v) for v in page.views],
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
        viewer = visit.viewer
        saved = self.pages.store.saved_views(viewer.officer_id)
        can_assign = may(viewer, Permission.ASSIGN_CASES)
        can_export = may(viewer, Permission.EXPORT_WORK_LIST)
        # The filters' own, and those a form of the list's was sent back with.
        errors = [*query.errors, *problems_of(visit.request.query)]
        return self.pages.page(
            visit,
            "work_list.html",
            can_log=may(viewer, Permission.LOG_CASE),
            status=400 if errors else 200,
            title="Cases",
            query=query,
            errors=[{"text": e.message, "href": f"#{e.field}"} for e in errors],
            field_errors={e.field: {"text": e.message} for e in errors},
            **listing,
            sub_navigation=[
                {
                    "text": text,
                    "href": urls.cases(q.query_string()),
                    "active": q.query_string() == shown_query,
                }
                for text, q in quick
            ]
            + [{"text": "Closed", "href": urls.closed_cases(), "active": False}]
            # A saved view is the page shown only where none of the list's own views is.
            + view_links(
                saved,
                urls,
                None if any(q.query_string() == shown_query for _, q in quick) else shown_query,
            ),
            saved_views=[v.name for v in saved],
            view_name=visit.request.query.get("view_name", ""),
            view_saved=visit.request.query.get("view_saved"),
            view_removed=visit.request.query.get("view_removed"),
            selected=query.selected(urls),
            can_export=can_export,
            # The rows' checkboxes, for assigning or downloading the cases chosen.
            can_choose=bool(listing["rows"]) and (can_assign or can_export),
            can_assign=can_assign,
            officers=bulk_assign_officers(self.pages.directory, viewer) if can_assign else [],
            shown_query=shown_query,
            results=assign_results(self.pages.directory, viewer, visit.request.query),
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

    def _row(self, visit: Visit, view: CaseView) -> dict[str, Any]:
        case, clock = view.case, view.next_clock
        owner = self.pages.directory.officer(view.owner)
        others = [c for c in (*view.outstanding, *view.paused_clocks) if c is not clock]
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
            "assign_to_me": offers_assign_to_me(self.pages, visit, case),
            "next": self._clock(clock, visit.now) if clock else None,
            "paused": self._clock(view.paused_clocks[0], visit.now)
            if not clock and view.paused_clocks
            else None,
            "broken": [
                promise_label(c)
                for c in view.clocks
                if c.state is ClockState.BREACHED and c not in view.outstanding
            ],
            "closed": day_month_year(case.closed_at.astimezone(LONDON).date())
            if case.closed_at
            else None,
            "others": [
                self._clock(c, visit.now)
                for c in sorted(others, key=lambda c: (c.due_day or date.max, c.promise))
            ],
        }

    def _clock(self, clock: Clock, now: datetime) -> dict[str, Any]:
        """A clock as the list shows it: its state as a badge with the working days left or
        overdue beside it, what was promised and the day it falls due (the engine's dates)."""
        pages = self.pages
        state = standing(clock, policy=pages.policy, calendar=pages.calendar, now=now)
        words: str | None = None
        if clock.due_day is not None:
            # "Due today" says no more than its badge does.
            if state is not Standing.DUE_TODAY:
                words = countdown(clock.due_day, calendar=pages.calendar, now=now)
        elif clock.remaining_working_days is not None:  # paused: no due day while it waits
            left = clock.remaining_working_days
            words = f"{left} working {'day' if left == 1 else 'days'} left once resumed"
        return {
            "state": state.label,
            "classes": BADGE_CLASSES[state],
            "countdown": words,
            "promise": promise_label(clock),
            "due": day_month_year(clock.due_day) if clock.due_day else None,
        }
