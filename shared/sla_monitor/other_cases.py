"""The customer's other cases: those filed under the same email address or phone number, open
and closed, the newest first, read through the search terms every save files (a few entries and
a few cases, never the archive)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sla_monitor.cases import Case
from sla_monitor.listing import contact_terms
from sla_monitor.store.ports import WorkShelves

SHOWN = 5


@dataclass(frozen=True)
class OtherCases:
    cases: list[Case]  # the newest first, at most `SHOWN`
    more: bool  # the customer has more cases than are shown (or that the viewer may see)


def other_cases(
    case: Case,
    shelves: WorkShelves,
    *,
    visible: Callable[[Case], bool] = lambda case: True,
    limit: int = SHOWN,
) -> OtherCases:
    """The newest cases, other than `case`, of the customer's email address or phone number."""
    named: dict[str, None] = {}
    theirs = set(contact_terms(case.customer))
    for term in theirs:
        named |= dict.fromkeys(shelves.cases_with_term(term, limit=limit * 2 + 2))
    named.pop(case.reference, None)
    references = sorted(named, reverse=True)  # the newest first, by reference
    # The same terms file a case where this customer acts for someone else: not theirs.
    seen = [
        c
        for c in shelves.get_cases(references[: limit * 2])
        if visible(c) and theirs & set(contact_terms(c.customer))
    ]
    return OtherCases(cases=seen[:limit], more=len(seen) > limit or len(references) > limit * 2)
