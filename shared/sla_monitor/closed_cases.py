"""The Closed view of the work list: the closed cases a viewer may see, the most recently closed
first, a page at a time, read from the closed shelves the store files a case on when it closes
(`sla_monitor.store.shelves`), so a page costs about one entry and one case for each case it
shows, whatever the archive holds.

The shelves read are those of the viewer's reach: their departments' (with, for the default
department, the cases that name none or a department since retired), every closed complaint's,
or the closed complaints the Chief Executive had. Each entry is checked against the reach as it
is read, and each case read against the viewer's permissions.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass

from sla_monitor.cases import Case, CaseType
from sla_monitor.directory import Directory
from sla_monitor.store.ports import Shelf, ShelfEntry, WorkShelves
from sla_monitor.store.shelves import REFERRED_KEY, type_key
from sla_monitor.work_list import Reach
from sla_monitor.work_list_reading import PAGE_SIZE, READ_BUDGET
from sla_monitor.work_list_reading import _Directory as ShelfDirectory


@dataclass(frozen=True)
class ClosedPage:
    """One page of the Closed view."""

    cases: list[Case]  # the most recently closed first
    after: str | None  # where the next page starts; None on the last page
    read: int = 0  # shelf entries passed over, for the benchmarks


def closed_shelves(reach: Reach, place: ShelfDirectory, shards: int) -> list[tuple[Shelf, str]]:
    """The closed shelves that hold every closed case the reach covers."""
    if reach.everything:
        return [(Shelf.CLOSED_TYPE, type_key(t, n)) for t in CaseType for n in range(shards)]
    keys = [
        (Shelf.CLOSED_DEPARTMENT, key)
        for code in reach.departments
        for key in place.department_keys(code)
    ]
    if reach.complaints:
        keys += [(Shelf.CLOSED_TYPE, type_key(CaseType.COMPLAINT, n)) for n in range(shards)]
    elif reach.referred:
        keys.append((Shelf.CLOSED_REFERRED, REFERRED_KEY))
    return list(dict.fromkeys(keys))


def read_closed_cases(
    store: WorkShelves,
    *,
    reach: Reach,
    directory: Directory,
    visible: Callable[[Case], bool] = lambda case: True,
    after: str | None = None,
    page_size: int = PAGE_SIZE,
    budget: int = READ_BUDGET,
) -> ClosedPage:
    """One page of the closed cases `reach` covers, the most recently closed first, starting
    after the position `after` (the last case of the page before)."""
    place = ShelfDirectory(directory, store.work_counts())
    streams = [
        store.shelved(shelf, key, after=after, page_size=page_size + 1)
        for shelf, key in closed_shelves(reach, place, store.shards)
    ]
    chosen: list[ShelfEntry] = []
    seen: set[str] = set()
    resume: str | None = None
    for entry in heapq.merge(*streams, key=lambda e: e.position):
        if entry.reference in seen:
            continue  # on two of the shelves merged
        seen.add(entry.reference)
        if not reach.reaches(place.dealing(entry.department), entry.case_type, entry.referred):
            if len(seen) >= budget:
                resume = entry.position
                break
            continue
        if len(chosen) == page_size:
            resume = chosen[-1].position
            break
        chosen.append(entry)
    cases = [c for c in store.get_cases([e.reference for e in chosen]) if visible(c)]
    return ClosedPage(cases=cases, after=resume, read=len(seen))
