"""What the staff work list and search read from DynamoDB as the open cases grow (`make bench`).

For N = 1,000 and 50,000 open cases (`sla-monitor seed`'s cases, spread over the departments and
officers of the sample directory), on embedded AWS (in-process moto with the emulator's fixes):
the first page of each view of the work list, and a search by reference, by a resident's name and
by an email address, each beside the way the work list read before the shelves (every open case
through the open-cases index, then filtered in memory); and the first page of the Closed view,
with half as many closed cases again as open ones, beside the closed cases it would otherwise
have to read (there was no Closed view before its shelves).

Items read are counted at the wire (sla_monitor_local/wire_reads.py). The target: each page reads
the same number of items at every N (about one per case shown, plus the counters and the page
of shelf entries), so the count at the largest N may exceed the smallest's only by two items a
case shown beyond (a search by name shows more cases of that name in a larger archive). The old
way is timed up to 5,000 cases; beyond, it reads every open case, and takes minutes a page.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sla_monitor_local.embedded import embedded_aws
from sla_monitor_local.seeding import resident_name, synthetic_cases
from sla_monitor_local.wire_reads import counting_reads

from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case, CaseStatus, CaseType
from sla_monitor.closed_cases import read_closed_cases
from sla_monitor.listing import Schedule
from sla_monitor.runtime import Services
from sla_monitor.work_list import WorkListFilter, work_list
from sla_monitor.work_list_reading import EVERYTHING, Reach, find_cases, read_work_list

SIZES = (1_000, 50_000)
OLD_WAY_TIMED = 5_000  # the old way is timed up to this many cases
SHOWN: dict[int, dict[str, int]] = {}  # how many cases each page showed, by N
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=LONDON)
DEPARTMENTS = ("housing", "waste-services", "planning", "revenues-benefits", None)
OFFICERS = ("housing-officer", "waste-officer", "revenues-officer", None, None)


def _spread(services: Services, count: int) -> Iterator[tuple[Case, Schedule]]:
    for number, (case, schedule) in enumerate(
        synthetic_cases(
            count,
            due=50,
            now=NOW,
            policy=services.policy,
            calendar=services.calendar,
            reference_prefix=services.council.reference_prefix,
        )
    ):
        department = DEPARTMENTS[number % len(DEPARTMENTS)]
        officer = OFFICERS[number % len(OFFICERS)] if department else None
        kind = CaseType.COMPLAINT if number % 7 == 0 else case.case_type
        # References as the council gives them, so a search by reference reads the case by its
        # key (the seed's own, NWL-LOAD-..., would be searched as words).
        reference = f"{services.council.reference_prefix}-{NOW.year}-{number + 1:06d}"
        yield (
            replace(
                case,
                reference=reference,
                department=department,
                assigned_officer=officer,
                case_type=kind,
            ),
            schedule,
        )


def _closed(services: Services, count: int, first: int) -> Iterator[tuple[Case, Schedule]]:
    """`count` closed cases numbered from `first`, spread as the open ones, the latest closed
    the highest numbered."""
    for number, (case, _) in enumerate(_spread(services, first + count)):
        if number >= first:
            closed_at = NOW - timedelta(seconds=first + count - number)
            yield replace(case, status=CaseStatus.CLOSED, closed_at=closed_at), Schedule(None)


CLOSED_VIEWS = (
    ("closed: a housing officer's", Reach(departments=("housing",))),
    ("closed: complaints", Reach(complaints=True)),
)


@dataclass(frozen=True)
class View:
    name: str
    reach: Reach
    wanted: WorkListFilter


VIEWS = (
    View("all open cases", EVERYTHING, WorkListFilter()),
    View("a housing officer's work", Reach(departments=("housing",)), WorkListFilter()),
    View(
        "assigned to me", Reach(departments=("housing",)), WorkListFilter(owner="housing-officer")
    ),
    View(
        "housing's unassigned",
        Reach(departments=("housing",)),
        WorkListFilter(unassigned=True),
    ),
    View("complaints", Reach(complaints=True), WorkListFilter(case_type=CaseType.COMPLAINT)),
    View("breached", EVERYTHING, WorkListFilter(breached=True)),
    View("due within 2 working days", EVERYTHING, WorkListFilter(due_within=2)),
)


def _measure(reads: Any, action: Callable[[], object]) -> tuple[int, float, object]:
    reads.clear()
    started = time.perf_counter()
    result = action()
    return reads.total, time.perf_counter() - started, result


def measure(count: int) -> dict[str, tuple[int, float, int, float]]:
    """Each page's (items read, seconds) now and before the shelves."""
    rows: dict[str, tuple[int, float, int, float]] = {}
    shown = SHOWN.setdefault(count, {})
    with embedded_aws() as services, counting_reads() as reads:
        store = services.store
        store.bulk_load(_spread(services, count))
        directory = services.directory_store.load_directory()
        common = {
            "policy": services.policy,
            "calendar": services.calendar,
            "directory": directory,
            "now": NOW,
        }

        def before(view: View) -> Callable[[], object]:
            return lambda: work_list(store.open_cases(), wanted=view.wanted, **common)[:25]

        def the_old_way(action: Callable[[], object]) -> tuple[int, float]:
            """What the page read before the shelves: every open case. Timed up to
            OLD_WAY_TIMED cases; beyond, its reads are the open cases' count, untimed (it takes
            minutes a page)."""
            if count > OLD_WAY_TIMED:
                return count, float("nan")
            items, seconds, _ = _measure(reads, action)
            return items, seconds

        for view in VIEWS:
            items, seconds, page = _measure(
                reads,
                lambda view=view: read_work_list(
                    store, reach=view.reach, wanted=view.wanted, **common
                ),
            )
            shown[view.name] = len(page.views)  # type: ignore[attr-defined]
            rows[view.name] = (items, seconds, *the_old_way(before(view)))

        prefix = services.council.reference_prefix
        searches = {
            "search by reference": f"{prefix}-{NOW.year}-{count // 2:06d}",
            "search by name": resident_name(count // 3),
            "search by email": f"resident{count // 4}@example.org",
        }
        for name, text in searches.items():
            items, seconds, found = _measure(
                reads,
                lambda text=text: find_cases(store, store, text, reference_prefix=prefix, now=NOW),
            )
            shown[name] = len(found.cases)  # type: ignore[attr-defined]
            wanted = WorkListFilter(search=text)
            old = the_old_way(
                lambda wanted=wanted: work_list(store.open_cases(), wanted=wanted, **common)
            )
            rows[name] = (items, seconds, *old)

        closed = count // 2
        store.bulk_load(_closed(services, closed, first=count))
        for name, reach in CLOSED_VIEWS:
            items, seconds, page = _measure(
                reads,
                lambda reach=reach: read_closed_cases(store, reach=reach, directory=directory),
            )
            shown[name] = len(page.cases)  # type: ignore[attr-defined]
            rows[name] = (items, seconds, closed, float("nan"))
    return rows


def main() -> int:
    sizes = tuple(int(a) for a in sys.argv[1:]) or SIZES
    print("The staff work list's first page and search over N open cases, on embedded AWS.")
    print("Items read at the wire; before: every open case read, then filtered in memory.\n")
    measured = {count: measure(count) for count in sizes}
    header = f"{'page':<28}" + "".join(
        f"  {f'N={n:,}: items':>16}  {'time':>6}  {'before':>8}  {'time':>7}" for n in sizes
    )
    print(header)
    print("-" * len(header))
    failed = False
    smallest, largest = measured[sizes[0]], measured[sizes[-1]]
    for name in smallest:
        line = f"{name:<28}"
        for count in sizes:
            items, seconds, old_items, old_seconds = measured[count][name]
            old_time = "untimed" if old_seconds != old_seconds else f"{old_seconds:.2f}s"
            line += f"  {items:>16,}  {seconds:>5.2f}s  {old_items:>8,}  {old_time:>7}"
        # Flat: no more reads at the largest N than at the smallest, but for two a case shown
        # beyond (a search by name shows more cases of that name in a larger archive).
        more_shown = max(SHOWN[sizes[-1]][name] - SHOWN[sizes[0]][name], 0)
        flat = largest[name][0] <= smallest[name][0] + 2 * more_shown
        failed |= not flat
        print(line + ("" if flat else "  GREW WITH N"), flush=True)
    print("\ntarget: each page reads the same at every N, but for what it shows (a case and its")
    print("search entry for each case shown beyond the smallest N's)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
