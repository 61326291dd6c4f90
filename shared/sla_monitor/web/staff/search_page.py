"""Finding cases: the search every page's header offers, over every case open or closed that the
viewer may see (a reference typed whole goes straight to its case), and the work list's Closed
view, the most recently closed first. Both list a page of cases with their state and owner."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case
from sla_monitor.closed_cases import read_closed_cases
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff.formatting import TYPE_NAMES
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import Permission, may, work_list_reach
from sla_monitor.web.staff.work_list_page import QUICK_VIEWS
from sla_monitor.work_list_reading import find_cases

# A whole reference, as the council gives them: typed so, the case itself is what is wanted.
_WHOLE_REFERENCE = re.compile(r"^[A-Z]+-\d{4}-\d{1,6}$")
# Where a page of the Closed view starts: just after this position on the closed shelves.
_CLOSED_AFTER = re.compile(r"^C\d{17}#[A-Z0-9-]{1,40}$")
_LONGEST_SEARCH = 200


class SearchPages:
    """The search's results and the Closed view."""

    def __init__(self, pages: StaffPages) -> None:
        self.pages = pages

    def search(self, visit: Visit) -> WebResponse:
        query = visit.request.query
        text = query.get("q", "").strip()[:_LONGEST_SEARCH]
        start = int(query["start"]) if query.get("start", "").isdigit() else 0
        viewer = visit.viewer
        context: dict[str, Any] = {"text": text, "rows": [], "searched": bool(text)}
        if text:
            found = find_cases(
                self.pages.store,
                self.pages.store,
                text,
                reference_prefix=self.pages.council.reference_prefix,
                now=visit.now,
                visible=lambda case: may(viewer, Permission.VIEW_CASE, case),
                start=start,
            )
            if _WHOLE_REFERENCE.match(text.upper()) and len(found.cases) == 1:
                return self.pages.see_other(
                    visit,
                    visit.urls.case(found.cases[0].reference),
                    "search went to the case",
                )
            context.update(
                rows=[self._row(case) for case in found.cases],
                too_common=_too_common(found.too_common),
                start=start,
                next_url=(
                    visit.urls.page("search", urlencode({"q": text, "start": found.next_start}))
                    if found.next_start is not None
                    else None
                ),
                first_url=visit.urls.page("search", urlencode({"q": text})) if start else None,
            )
        return self.pages.page(
            visit,
            "search.html",
            title=f"Cases found for “{text}”" if text else "Search all cases",
            **context,
        )

    def closed(self, visit: Visit) -> WebResponse:
        after = visit.request.query.get("after", "")
        viewer = visit.viewer
        page = read_closed_cases(
            self.pages.store,
            reach=work_list_reach(viewer),
            directory=self.pages.directory,
            visible=lambda case: may(viewer, Permission.VIEW_CASE, case),
            after=after if _CLOSED_AFTER.match(after) else None,
        )
        urls = visit.urls
        return self.pages.page(
            visit,
            "closed.html",
            title="Closed cases",
            rows=[self._row(case) for case in page.cases],
            next_url=urls.closed_cases(urlencode({"after": page.after})) if page.after else None,
            first_url=urls.closed_cases() if after else None,
            sub_navigation=[
                {"text": text, "href": urls.cases(q.query_string()), "active": False}
                for text, q in QUICK_VIEWS
            ]
            + [{"text": "Closed", "href": urls.closed_cases(), "active": True}],
        )

    def _row(self, case: Case) -> dict[str, Any]:
        owner = self.pages.directory.owner(case)
        return {
            "reference": case.reference,
            "subject": case.subject,
            "customer": case.customer.name or case.customer.email or "Not given",
            "type": TYPE_NAMES[case.case_type] + (", stage 2" if case.stage == 2 else ""),
            "closed": case.closed_at.astimezone(LONDON).date() if case.closed_at else None,
            "received": case.received_at.astimezone(LONDON).date(),
            "owner": owner.name if owner else "Nobody",
            "unassigned": case.assigned_officer is None,
        }


def _too_common(words: tuple[str, ...]) -> str | None:
    """What to say of the words that name too many cases to narrow a search."""
    if not words:
        return None
    quoted = ", ".join(f"“{word}”" for word in words)
    return (
        f"{quoted} {'names' if len(words) == 1 else 'name'} too many cases to narrow the "
        "search: add a first name, an email address, a phone number or a postcode."
    )
