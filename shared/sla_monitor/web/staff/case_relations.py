"""What a case's page shows of who the case concerns and the cases it is joined to: someone
acting for the customer (with the consent and who letters go to), the cases linked to it, the
case a duplicate was merged into, and the duplicates merged into it, whose messages join its
conversation. Reads the cases named (one batch) and each merged duplicate's timeline: what the
page shows, no more."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case, TimelineEvent
from sla_monitor.staff.representatives import consent_words, letters_words
from sla_monitor.web.pages import long_date
from sla_monitor.web.staff.formatting import TYPE_NAMES, sentence
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import Permission, may


@dataclass(frozen=True)
class Relations:
    """The page's words for them, and the merged duplicates with their timelines."""

    shown: dict[str, Any]
    merged: Sequence[tuple[Case, Sequence[TimelineEvent]]]


def relations(pages: StaffPages, visit: Visit, case: Case) -> Relations:
    named = [*case.linked_cases, *case.merged_from, *filter(None, (case.merged_into,))]
    others = {c.reference: c for c in pages.store.get_cases(named)} if named else {}
    merged = [
        (others[ref], pages.store.timeline(ref))
        for ref in case.merged_from
        if ref in others and may(visit.viewer, Permission.VIEW_CASE, others[ref])
    ]
    rep = case.representative
    shown = {
        "representative": None
        if rep is None
        else [
            {"key": {"text": key}, "value": {"text": value}}
            for key, value in (
                ("Name", rep.name),
                ("Who they are", rep.relationship),
                ("Email address", rep.email or "Not given"),
                ("Phone number", rep.phone or "Not given"),
                ("Postal address", rep.address or "Not given"),
                ("Consent", sentence(consent_words(rep))),
                ("Letters go to", sentence(letters_words(rep))),
            )
        ],
        "linked": [_other(visit, ref, others.get(ref)) for ref in case.linked_cases],
        "merged_from": [_other(visit, ref, others.get(ref)) for ref in case.merged_from],
        "merged_into": _other(visit, case.merged_into, others.get(case.merged_into))
        if case.merged_into
        else None,
    }
    return Relations(shown=shown, merged=merged)


def _other(visit: Visit, reference: str, other: Case | None) -> dict[str, Any]:
    """Another case as a line of the page: its reference (a link where the viewer may see it),
    type and state."""
    if other is None or not may(visit.viewer, Permission.VIEW_CASE, other):
        return {"reference": reference, "href": None, "about": "a case you cannot see"}
    if other.merged_into:
        state = f"merged into {other.merged_into}"
    elif other.closed_at is not None:
        state = f"closed on {long_date(other.closed_at.astimezone(LONDON).date())}"
    else:
        state = "waiting on the customer" if other.open_pause else "open"
    return {
        "reference": reference,
        "href": visit.urls.case(reference),
        "subject": other.subject,
        "about": f"{TYPE_NAMES[other.case_type]}, {state}",
    }
