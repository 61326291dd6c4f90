"""The staff work list a page at a time, read from the shelves the store files open cases on, so
a page costs about one item per case it shows plus a constant, never the archive; and the search
that finds a case, open or closed, by its reference or the words filed for it.

A view (all my work, mine, my department, complaints, breached, due within N working days) is
answered from the shelves that hold exactly the cases it may show: each shelf is already in
deadline order, so the page is their merge, cut after `page_size` cases. Where several shelves
could answer (a breached complaint is on the department's shelf, the complaints' and the
breached'), the counters kept with the writes say which is smallest. Filters no shelf is keyed by
(channel, stage, and type other than complaints) are applied to the entries as they are read,
within a budget: when the budget runs out first the page says so, and asks for a narrower view
rather than reading on. The cases shown are then read in one batch, and each is checked again
against the full filter and the viewer's permissions.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sla_monitor.calendar import LONDON, WorkingDayCalendar
from sla_monitor.cases import Case, CaseType
from sla_monitor.directory import Directory
from sla_monitor.listing import name_pairs, query_terms
from sla_monitor.store.ports import CaseRecords, Shelf, ShelfEntry, WorkShelves
from sla_monitor.store.shelves import (
    BREACHED_SUFFIX,
    NOBODY,
    REFERRED_KEY,
    Cell,
    breached_key,
    department_key,
    instant_text,
    owner_key,
    type_key,
    unassigned_counter,
)
from sla_monitor.work_list import CaseView, Reach, WorkListFilter, case_view, matches

if TYPE_CHECKING:
    from sla_monitor.policy import Policy

PAGE_SIZE = 25
# How many shelf entries one page may pass over looking for cases a filter wants.
READ_BUDGET = 500
# How many cases one search term may name before it is too common to narrow a search.
COMMON_TERM = 2000


EVERYTHING = Reach(everything=True)


@dataclass(frozen=True)
class WorkPage:
    """One page of the work list."""

    views: list[CaseView]
    after: str | None  # where the next page starts; None on the last page
    total: int | None  # how many open cases the view holds, when the counters can tell
    narrowed: str | None = None  # why the page may be short: the read budget ran out
    read: int = 0  # shelf entries passed over, for the benchmarks


@dataclass
class _Shelves:
    """Where a view's cases are: shelf keys to merge, and what an entry must be to be shown."""

    keys: list[tuple[Shelf, str, str | None]]  # each with a bound of its own, or None
    wants: Callable[[ShelfEntry], bool]
    size: int  # how many entries the keys hold, by the counters
    exact: bool = field(default=False)  # every entry on the keys is wanted


class _Directory:
    """The directory as the shelves need it: which department deals with a case that names
    one, or none, or one since retired or never known; whose cases an officer owns. The
    counters name every department and officer with open cases, so the shelves of those the
    directory no longer (or never) knew are found without reading any case."""

    def __init__(self, directory: Directory, counts: Mapping[str, int]) -> None:
        self.directory = directory
        self.default = directory.default_department
        named = [cell.department for cell, _, _ in _cells(counts)]
        self._strays = [NOBODY] + [
            code
            for code in dict.fromkeys([d.code for d in directory.departments if d.retired] + named)
            if code != NOBODY and self.dealing(code) != code
        ]
        officers = [
            k.removeprefix("OWNER#OFFICER#").removesuffix(BREACHED_SUFFIX)
            for k in counts
            if k.startswith("OWNER#OFFICER#")
        ]
        self._gone = [
            officer
            for officer in dict.fromkeys([o.officer_id for o in directory.officers] + officers)
            if directory.active_officer(officer) is None
        ]

    def dealing(self, department: str | None) -> str | None:
        own = self.directory.department(department) if department else None
        if own is not None and not own.retired:
            return own.code
        return self.default

    def _named(self, code: str) -> list[str]:
        """The department codes cases name that the department deals with: its own, and for the
        default department none, a retired one's or one the directory does not know."""
        return [code, *self._strays] if code == self.default else [code]

    def department_keys(self, code: str) -> list[str]:
        """The department shelf keys of the cases a department deals with."""
        return [department_key(None if k == NOBODY else k) for k in self._named(code)]

    def heads(self, officer: str) -> list[str]:
        return [
            d.code
            for d in self.directory.departments
            if not d.retired and d.head_of_service == officer
        ]

    def owner(self, entry: ShelfEntry) -> str | None:
        assigned = entry.assigned_officer
        if assigned and self.directory.active_officer(assigned):
            return assigned
        code = self.dealing(entry.department)
        department = self.directory.department(code) if code else None
        return department.head_of_service if department else None

    def owner_keys(self, officer: str) -> list[str]:
        """The owner shelf keys of the cases an officer owns: assigned to them, and, where they
        are Head of Service, unassigned or assigned to someone who has left or is unknown."""
        keys = [owner_key(officer, None)]
        heads = self.heads(officer)
        for code in heads:
            keys += [owner_key(None, None if k == NOBODY else k) for k in self._named(code)]
        if heads:
            keys += [owner_key(gone, None) for gone in self._gone]
        return list(dict.fromkeys(keys))

    def unassigned_keys(self, codes: Iterable[str]) -> list[str]:
        """The owner shelf keys of the cases no officer is assigned, of the departments
        `codes` deal with."""
        named = [k for code in codes for k in self._named(code)]
        return list(dict.fromkeys(owner_key(None, None if k == NOBODY else k) for k in named))


def _covers(reach: Reach, place: _Directory, entry: ShelfEntry) -> bool:
    return reach.reaches(place.dealing(entry.department), entry.case_type, entry.referred)


def _entry_wanted(
    wanted: WorkListFilter, place: _Directory, entry: ShelfEntry, now_text: str
) -> bool:
    if wanted.owner is not None and place.owner(entry) != wanted.owner:
        return False
    if wanted.unassigned and entry.assigned_officer:
        return False
    if wanted.departments is not None and place.dealing(entry.department) not in (
        wanted.departments
    ):
        return False
    if wanted.case_type is not None and entry.case_type is not wanted.case_type:
        return False
    if wanted.channel is not None and entry.channel is not wanted.channel:
        return False
    if wanted.stage is not None and entry.stage != wanted.stage:
        return False
    # Breached: a breach recorded, or a deadline passed since the case was last saved.
    return not wanted.breached or entry.breached or entry.position < now_text


def _sum(counts: Mapping[str, int], keys: list[str]) -> int:
    return sum(max(counts.get(k, 0), 0) for k in keys)


def _cells(counts: Mapping[str, int]) -> Iterator[tuple[Cell, int, int]]:
    """Every cell counted, with its open and its breached count."""
    for key, value in counts.items():
        if key.startswith("CELL#") and not key.endswith(BREACHED_SUFFIX):
            yield Cell.parse(key), value, counts.get(key + BREACHED_SUFFIX, 0)


def _candidates(
    reach: Reach,
    wanted: WorkListFilter,
    place: _Directory,
    counts: Mapping[str, int],
    shards: int,
    now: datetime,
) -> list[_Shelves]:
    """Each way of reading the view from shelves, with its size by the counters."""
    now_text = instant_text(now)

    def wants(entry: ShelfEntry) -> bool:
        return _covers(reach, place, entry) and _entry_wanted(wanted, place, entry, now_text)

    def cell_total(test: Callable[[Cell], bool], *, breached: bool = False) -> int:
        return sum((b if breached else n) for cell, n, b in _cells(counts) if test(cell))

    def dealing_in(codes: tuple[str, ...]) -> Callable[[Cell], bool]:
        return lambda cell: (
            place.dealing(None if cell.department == NOBODY else cell.department) in codes
        )

    def reach_keys() -> tuple[list[tuple[Shelf, str]], int]:
        """The shelves of the viewer's whole reach: their departments, the complaints, the
        complaints referred to the Chief Executive; or every type's."""
        if reach.everything:
            every = [(Shelf.TYPE, type_key(t, n)) for t in CaseType for n in range(shards)]
            return every, cell_total(lambda cell: True)
        keys: list[tuple[Shelf, str]] = []
        size = 0
        if reach.departments:
            keys += [
                (Shelf.DEPARTMENT, k)
                for code in reach.departments
                for k in place.department_keys(code)
            ]
            size += cell_total(dealing_in(reach.departments))
        if reach.complaints:
            keys += [(Shelf.TYPE, type_key(CaseType.COMPLAINT, n)) for n in range(shards)]
            size += cell_total(lambda cell: cell.case_type is CaseType.COMPLAINT)
        elif reach.referred:
            keys.append((Shelf.REFERRED, REFERRED_KEY))
            size += cell_total(lambda cell: cell.referred)
        return list(dict.fromkeys(keys)), size

    def unassigned_keys() -> tuple[list[tuple[Shelf, str]], int]:
        """The shelves of the reach's unassigned cases, which hold nothing else: its
        departments' unassigned, and the unassigned of the types it takes in across
        departments (the complaints; every type), so a page passes over no assigned case."""
        if reach.everything:
            types = [wanted.case_type] if wanted.case_type else list(CaseType)
            keys = [(Shelf.UNASSIGNED, type_key(t, n)) for t in types for n in range(shards)]
            return keys, _sum(counts, [unassigned_counter(t) for t in types])
        owners = place.unassigned_keys(reach.departments) if reach.departments else []
        keys = [(Shelf.OWNER, k) for k in owners]
        size = _sum(counts, [f"OWNER#{k}" for k in owners])
        if reach.complaints:
            complaint = CaseType.COMPLAINT
            keys += [(Shelf.UNASSIGNED, type_key(complaint, n)) for n in range(shards)]
            size += _sum(counts, [unassigned_counter(complaint)])
        elif reach.referred:
            keys.append((Shelf.REFERRED, REFERRED_KEY))
            size += cell_total(lambda cell: cell.referred)
        return keys, size

    def shelves(keys: Iterable[tuple[Shelf, str]], size: int) -> _Shelves:
        return _Shelves([(shelf, key, None) for shelf, key in dict.fromkeys(keys)], wants, size)

    found: list[_Shelves] = []
    if wanted.unassigned:
        found.append(shelves(*unassigned_keys()))
    if wanted.owner is not None:
        keys = place.owner_keys(wanted.owner)
        size = _sum(counts, [f"OWNER#{k}" for k in keys])
        found.append(shelves([(Shelf.OWNER, k) for k in keys], size))
    if wanted.departments is not None:
        keys = [k for code in wanted.departments for k in place.department_keys(code)]
        found.append(
            shelves(
                [(Shelf.DEPARTMENT, k) for k in keys], cell_total(dealing_in(wanted.departments))
            )
        )
    types = [wanted.case_type] if wanted.case_type else list(CaseType)
    if (reach.everything and wanted.case_type) or (
        reach.complaints and types == [CaseType.COMPLAINT]
    ):
        keys = [type_key(t, n) for t in types for n in range(shards)]
        size = cell_total(lambda cell: cell.case_type in types)
        found.append(shelves([(Shelf.TYPE, k) for k in keys], size))
    if wanted.breached:
        # The breached shelves hold the breaches recorded; a promise broken since the last
        # save (the sweep records it within minutes) is on the reach's shelves, overdue.
        recorded: list[tuple[Shelf, str, str | None]] = [
            (Shelf.BREACHED, breached_key(n), None) for n in range(shards)
        ]
        overdue_keys, overdue_size = reach_keys()
        overdue: list[tuple[Shelf, str, str | None]] = [
            (shelf, key, now_text) for shelf, key in overdue_keys
        ]
        size = cell_total(lambda cell: True, breached=True) + overdue_size // 4
        found.append(_Shelves(recorded + overdue, wants, size))
    if not found:
        found.append(shelves(*reach_keys()))
    return found


def _total(
    reach: Reach, wanted: WorkListFilter, place: _Directory, counts: Mapping[str, int]
) -> int | None:
    """How many open cases the view holds, from the counters; None where they cannot tell (a
    channel, a due date or a search narrows it, or "mine" with another filter)."""
    if wanted.channel is not None or wanted.due_within is not None or wanted.search:
        return None
    if wanted.owner is not None or wanted.unassigned:
        # The owner shelves of a Head of Service take in cases of officers who have left, of
        # every department: their counters cannot tell which are the Head's. The unassigned
        # are counted by department, not by type or stage.
        return None
    total = 0
    for cell, open_count, breached_count in _cells(counts):
        dealing = place.dealing(None if cell.department == NOBODY else cell.department)
        covered = (
            reach.everything
            or dealing in reach.departments
            or (
                cell.case_type is CaseType.COMPLAINT
                and (reach.complaints or (reach.referred and cell.referred))
            )
        )
        if not covered:
            continue
        if wanted.departments is not None and dealing not in wanted.departments:
            continue
        if wanted.case_type is not None and cell.case_type is not wanted.case_type:
            continue
        if wanted.stage is not None and cell.stage != wanted.stage:
            continue
        total += breached_count if wanted.breached else open_count
    return total


def _earlier(one: str | None, other: str | None) -> str | None:
    bounds = [b for b in (one, other) if b is not None]
    return min(bounds) if bounds else None


def _before(wanted: WorkListFilter, calendar: WorkingDayCalendar, now: datetime) -> str | None:
    """The position a view of cases due within N working days stops before: the start of the
    day after the Nth working day from today."""
    if wanted.due_within is None:
        return None
    today = calendar.local(now).date()
    last = calendar.add_working_days(today, wanted.due_within)
    # A due is the midnight after its last day (`engine.day_ended_by`): that midnight is in.
    after_last = datetime.combine(last + timedelta(days=1), time(0), tzinfo=LONDON)
    return instant_text(after_last + timedelta(microseconds=1))


def read_work_list(
    store: WorkShelves,
    *,
    reach: Reach,
    wanted: WorkListFilter,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
    visible: Callable[[Case], bool] = lambda case: True,
    after: str | None = None,
    page_size: int = PAGE_SIZE,
    budget: int = READ_BUDGET,
) -> WorkPage:
    """One page of the open cases `reach` covers that match `wanted`, soonest deadline first,
    starting after the position `after`."""
    counts = store.work_counts()
    place = _Directory(directory, counts)
    plan = min(_candidates(reach, wanted, place, counts, store.shards, now), key=lambda s: s.size)
    before = _before(wanted, calendar, now)
    streams = [
        store.shelved(
            shelf, key, after=after, before=_earlier(before, own), page_size=page_size + 1
        )
        for shelf, key, own in plan.keys
    ]
    chosen: list[ShelfEntry] = []
    seen: set[str] = set()
    resume: str | None = None
    narrowed = None
    for entry in heapq.merge(*streams, key=lambda e: e.position):
        if entry.reference in seen:
            continue  # on two of the shelves merged
        seen.add(entry.reference)
        if plan.wants(entry):
            if len(chosen) == page_size:
                resume = chosen[-1].position  # there is more: the next page starts here
                break
            chosen.append(entry)
        elif len(seen) >= budget:
            resume = entry.position
            narrowed = (
                f"Only the next {budget} open cases by deadline were looked through for this "
                "view. Choose a department, an officer or a type to narrow it."
            )
            break
    views = [
        case_view(case, policy=policy, calendar=calendar, directory=directory, now=now)
        for case in store.get_cases([e.reference for e in chosen])
        if visible(case)
    ]
    unsearched = replace(wanted, search=None)
    return WorkPage(
        views=[v for v in views if matches(v, unsearched, calendar=calendar, now=now)],
        after=resume,
        total=_total(reach, wanted, place, counts),
        narrowed=narrowed,
        read=len(seen),
    )


# -- search ---------------------------------------------------------------------------------------

_REFERENCE = re.compile(r"^[A-Z]+-\d{4}-\d{1,6}$")
# Anything else shaped like a reference (letters, digits and hyphens, with a digit in it).
_REFERENCE_LIKE = re.compile(r"^[A-Z]+(-[A-Z0-9]+)+$")


@dataclass(frozen=True)
class Found:
    """What a search found: the cases (newest first), and why it found no more when it stopped."""

    cases: list[Case]
    too_common: tuple[str, ...] = ()  # words that name too many cases to narrow the search
    more: bool = False
    named: int = 0  # the cases found before those the viewer may not see were left out
    # Where the next page of what was found starts (`start` of `find_cases`), if there is one.
    next_start: int | None = None


def find_cases(
    store: CaseRecords,
    shelves: WorkShelves,
    text: str,
    *,
    reference_prefix: str,
    now: datetime,
    visible: Callable[[Case], bool] = lambda case: True,
    limit: int = PAGE_SIZE,
    start: int = 0,
) -> Found:
    """Cases, open or closed, by their reference (one read), by the number of a reference
    this year or last, or by every part of what was typed (a name, an email address, a phone
    number, a postcode, words of the subject), newest first: a page of `limit` from `start`
    (the `next_start` of the page before) among the cases found."""
    text = text.strip()
    reference = text.upper()
    if _REFERENCE.match(reference) or (
        _REFERENCE_LIKE.match(reference) and any(c.isdigit() for c in reference)
    ):
        exact = _padded(reference) if _REFERENCE.match(reference) else reference
        case = store.get_case(exact)
        return Found([case] if case is not None and visible(case) else [])
    if text.isdigit() and len(text) <= 6:
        year = calendar_year(now)
        numbered = (
            store.get_case(f"{reference_prefix}-{y}-{int(text):06d}") for y in (year, year - 1)
        )
        return Found([c for c in numbered if c is not None and visible(c)])
    parts = query_terms(text)
    if not parts:
        return Found([])
    # A full name: the cases filed under each pair of its words in turn, read as far as the
    # page needs; the words one by one only when no case has the name whole.
    pairs = name_pairs(parts)
    page = _Page(start=max(start, 0), limit=limit, visible=visible)
    if pairs:
        whole = _matching(shelves, pairs, page)
        if whole.named:  # some case has the name whole, whether this viewer may see it or not
            return whole
    return _matching(shelves, parts, page)


@dataclass(frozen=True)
class _Page:
    """Which page of what a search found is wanted, and which cases the viewer may see."""

    start: int
    limit: int
    visible: Callable[[Case], bool]

    def of(self, shelves: WorkShelves, references: list[str]) -> Found:
        """The page's cases among `references` (newest first): up to `limit` the viewer may
        see, read from `start`, with where the next page starts."""
        window = references[self.start : self.start + self.limit * 2]
        index = {reference: n for n, reference in enumerate(window)}
        shown: list[Case] = []
        next_start = None
        for case in shelves.get_cases(window):
            if not self.visible(case):
                continue
            if len(shown) == self.limit:
                next_start = self.start + index[shown[-1].reference] + 1
                break
            shown.append(case)
        else:
            if len(references) > self.start + len(window):
                next_start = self.start + len(window)
        return Found(
            shown, more=next_start is not None, named=len(references), next_start=next_start
        )


def _matching(shelves: WorkShelves, parts: list[frozenset[str]], page: _Page) -> Found:
    """The newest cases filed under one term of every part."""
    if len(parts) == 1:
        # One thing typed (a word, an address, a number): its newest cases, read no further
        # than the page needs however many cases it names.
        named: dict[str, None] = {}
        for term in sorted(parts[0]):
            wanted = page.start + page.limit * 2 + 1
            named |= dict.fromkeys(shelves.cases_with_term(term, limit=wanted))
        references = list(named)
        if len(parts[0]) > 1:
            references.sort(reverse=True)  # the newest of either, by reference
        return page.of(shelves, references)
    # Several: every case of each (up to a word too common to narrow anything), then those
    # of all.
    common: list[str] = []
    matched: list[set[str]] = []
    for alternatives in parts:
        found: set[str] = set()
        for term in alternatives:
            found |= set(shelves.cases_with_term(term, limit=COMMON_TERM + 1))
        if len(found) > COMMON_TERM:
            common.append(min(alternatives).partition(":")[2])
            continue
        matched.append(found)
    if not matched:
        return Found([], too_common=tuple(common))
    newest = sorted(set.intersection(*matched), reverse=True)
    return replace(page.of(shelves, newest), too_common=tuple(common))


def search_work_list(
    store: WorkShelves,
    records: CaseRecords,
    wanted: WorkListFilter,
    *,
    reference_prefix: str,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
    visible: Callable[[Case], bool] = lambda case: True,
) -> tuple[list[CaseView], Found]:
    """What the work list shows for a search (`wanted.search`): the cases found, open and
    closed, each with its clocks, narrowed by the view's other filters."""
    found = find_cases(
        records,
        store,
        wanted.search or "",
        reference_prefix=reference_prefix,
        now=now,
        visible=visible,
    )
    others = replace(wanted, search=None)
    views = (
        case_view(case, policy=policy, calendar=calendar, directory=directory, now=now)
        for case in found.cases
    )
    return [v for v in views if matches(v, others, calendar=calendar, now=now)], found


def calendar_year(now: datetime) -> int:
    return now.astimezone(LONDON).year


def _padded(reference: str) -> str:
    prefix, year, number = reference.rsplit("-", 2)
    return f"{prefix}-{year}-{int(number):06d}"
