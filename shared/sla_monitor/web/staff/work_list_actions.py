"""What an officer does to cases from the work list without opening them: "Assign to me" on an
unassigned row (and on a case's page), and the cases chosen with the rows' checkboxes assigned to
one officer together.

Each case goes through the steps table's own assign step (`steps.ACTIONS["assign"]`): its
permission is asked of the viewer on that very case, on the server, and the step must be open on
it, whatever the form said. A case that fails is named with why, and the rest are assigned. The
list shows what happened after the redirect, from its address (`assigned`, `to`, `refused`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

from sla_monitor import staff
from sla_monitor.cases import Case
from sla_monitor.directory import Directory
from sla_monitor.web.forms import FieldError
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import Viewer, may
from sla_monitor.web.staff.steps import ACTIONS
from sla_monitor.web.staff.work_list_query import WorkListQuery

ASSIGN = ACTIONS["assign"]
# The most cases one form may choose: four pages of the list.
MOST_CHOSEN = 100
_REFERENCE = re.compile(r"^[A-Z]+-\d{4}-\d{1,6}$")

# Why a chosen case was not assigned, as the list says it after the case's reference.
REFUSALS: Mapping[str, str] = {
    "unknown": "no case has this reference",
    "not_permitted": "you may not assign this case",
    "not_open": "it cannot be assigned as it stands (it may be closed)",
    "already": "it is assigned to them already",
    "refused": "it cannot be assigned to them: open the case to see why",
}


def why_not_assigned(viewer: Viewer, case: Case | None, officer_id: str) -> str | None:
    """Why the viewer may not assign this case to the officer from the list (a key of
    `REFUSALS`), or None when they may: the steps table's permission on the case, and the step
    open on it."""
    if case is None:
        return "unknown"
    if not may(viewer, ASSIGN.permission, case):
        return "not_permitted"
    if ASSIGN.why_not(case) is not None:
        return "not_open"
    if case.assigned_officer == officer_id:
        return "already"
    return None


def offers_assign_to_me(pages: StaffPages, visit: Visit, case: Case) -> bool:
    """Whether "Assign to me" is offered on the case: nobody is assigned, and the viewer is an
    officer the directory knows who may take the assign step on it."""
    viewer = visit.viewer
    return (
        case.assigned_officer is None
        and pages.directory.active_officer(viewer.officer_id) is not None
        and why_not_assigned(viewer, case, viewer.officer_id) is None
    )


def bulk_assign_officers(directory: Directory, viewer: Viewer) -> list[dict[str, str]]:
    """The officers the chosen cases can be given to: those of the viewer's own departments
    first, each with their department's name."""
    names = {d.code: d.name for d in directory.departments}
    officers = sorted(
        directory.active_officers(),
        key=lambda o: (o.department not in viewer.departments, o.name),
    )
    return [{"value": "", "text": "Choose an officer"}] + [
        {
            "value": o.officer_id,
            "text": f"{o.name} ({names.get(o.department, o.department)})"
            if o.department
            else o.name,
        }
        for o in officers
    ]


@dataclass(frozen=True)
class Assigned:
    """What one assignment from the list did: the cases assigned, and those refused with why."""

    officer_id: str
    assigned: tuple[str, ...]
    refused: tuple[tuple[str, str], ...]  # (reference, a key of REFUSALS)

    def pairs(self) -> list[tuple[str, str]]:
        """The result as the list's address carries it after the redirect."""
        return (
            [("to", self.officer_id)]
            + [("assigned", r) for r in self.assigned]
            + [("refused", f"{r}:{why}") for r, why in self.refused]
        )


def assign_results(
    directory: Directory, viewer: Viewer, query: Mapping[str, str]
) -> dict[str, Any] | None:
    """What the list says about an assignment it was sent back from, read from its address."""
    text = query.get("assignment", "")
    if not text:
        return None
    pairs = parse_qs(text)
    officer_id = (pairs.get("to") or [""])[0]
    officer = directory.officer(officer_id)
    if officer is None:
        return None
    assigned = [r for r in pairs.get("assigned", []) if _REFERENCE.match(r)]
    refused = []
    for item in pairs.get("refused", []):
        reference, _, why = item.partition(":")
        if _REFERENCE.match(reference) and why in REFUSALS:
            refused.append({"reference": reference, "why": REFUSALS[why]})
    return {
        "to": "you" if officer_id == viewer.officer_id else officer.name,
        "assigned": assigned,
        "refused": refused,
    }


def chosen_references(body: bytes | None) -> list[str]:
    """The references of the rows ticked, in the order shown (a field given once per row, which
    the form reader keeps only the first of)."""
    fields = parse_qs((body or b"").decode("utf-8", "replace"))
    return list(dict.fromkeys(r.strip().upper() for r in fields.get("case", [])))[:MOST_CHOSEN]


class WorkListActions:
    """The list's row actions and its actions on the cases chosen."""

    def __init__(self, pages: StaffPages) -> None:
        self.pages = pages

    def assign(self, visit: Visit) -> WebResponse:
        """Assign the cases chosen to the officer chosen, or one row's case to the viewer ("Assign
        to me"), each as the steps table allows; back to the list the form came from."""
        values = self.pages.trusted_form(visit)
        view = values.get("view", "")
        mine = values.get("assign_to_me", "").strip().upper()
        if mine:
            references, officer_id = [mine], visit.viewer.officer_id
        else:
            references = chosen_references(visit.request.body)
            officer_id = values.get("officer", "")
        problems = self._check(references, officer_id)
        if problems:
            return back_to_list(self.pages, visit, view, [("problem", ",".join(problems))])
        result = self._assign_each(visit, references, officer_id)
        return back_to_list(self.pages, visit, view, [("assignment", urlencode(result.pairs()))])

    def _check(self, references: Sequence[str], officer_id: str) -> list[str]:
        problems = []
        if not references:
            problems.append("choose")
        if self.pages.directory.active_officer(officer_id) is None:
            problems.append("officer")
        return problems

    def _assign_each(self, visit: Visit, references: Sequence[str], officer_id: str) -> Assigned:
        pages = self.pages
        cases = {c.reference: c for c in pages.store.get_cases(list(references))}
        assigned, refused = [], []
        for reference in references:
            case = cases.get(reference)
            why = why_not_assigned(visit.viewer, case, officer_id)
            if case is None or why is not None:
                refused.append((reference, why or "unknown"))
                continue
            try:
                ASSIGN.run(pages, visit, case, {"officer": officer_id})
            except staff.ActionNotAllowed:
                refused.append((reference, "refused"))
                continue
            pages.deliver(reference, visit.now)
            assigned.append(reference)
        return Assigned(officer_id, tuple(assigned), tuple(refused))


def back_to_list(
    pages: StaffPages, visit: Visit, view: str, pairs: list[tuple[str, str]]
) -> WebResponse:
    """Back to the list a form came from (its `view`: the filters, as they were; nothing else of
    the form is trusted), with what the form did or why it did nothing."""
    query = WorkListQuery.from_query_string(view)
    address = "&".join(q for q in (query.query_string(), urlencode(pairs)) if q)
    return pages.see_other(
        visit,
        visit.urls.cases(address),
        "back to the work list",
        outcome=pairs[0][0] if pairs else "nothing",
    )


# The problems a form of the list's can be sent back with (its address's `problem`): each as
# GOV.UK words it, beside the field it is about.
PROBLEMS: Mapping[str, FieldError] = {
    "choose": FieldError("choose", "Select the cases to assign"),
    "choose_download": FieldError("choose", "Select the cases to download"),
    "officer": FieldError("officer", "Choose the officer to assign the cases to"),
    "view_name": FieldError("view_name", "Enter a name for the view"),
    "view_name_long": FieldError("view_name", "Name the view in 60 characters or fewer"),
    "views_full": FieldError("view_name", "You have 20 saved views: remove one to save another"),
}


def problems_of(query: Mapping[str, str]) -> list[FieldError]:
    """The problems the list was sent back with."""
    named = query.get("problem", "").split(",")
    return [PROBLEMS[name] for name in dict.fromkeys(named) if name in PROBLEMS]
