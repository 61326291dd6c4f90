"""What a case's write files it under besides its own item: its entries on the work list's
shelves (the closed shelves once it is closed), the work list's counters it adds one to, and its
search term entries.

Each write works out the case's filing anew and compares it with what the last write filed (kept
on the case item, so it is read with the case): entries no longer wanted are deleted, new ones
put, and counters moved, all in the transaction that saves the case, so a shelf, a counter and
the case never disagree. A write that files the case as before (a note, a letter sent) touches
nothing more than it did before shelves existed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sla_monitor.cases import Case, CaseType, Channel
from sla_monitor.listing import Schedule, closed_listing_of, listing_of, search_terms
from sla_monitor.store.ports import ShelfEntry
from sla_monitor.store.shelves import (
    COUNTERS_KEY,
    counter_keys,
    entry_of,
    instant_text,
    shelf_keys,
    shelf_partition,
    term_key,
)

_SEPARATOR = "\t"


@dataclass(frozen=True)
class Filing:
    """Everything a case is filed under, each entry as one string (partition, sort key and what
    the entry holds), so two filings compare as sets."""

    shelved: frozenset[str] = frozenset()
    counted: frozenset[str] = frozenset()
    terms: frozenset[str] = frozenset()
    entries: dict[str, ShelfEntry] = field(default_factory=dict, compare=False)


NOTHING = Filing()


def _shelf_line(partition: str, entry: ShelfEntry) -> str:
    held = (
        entry.case_type.value,
        entry.channel.value,
        str(entry.stage),
        entry.department or "",
        entry.assigned_officer or "",
        "B" if entry.breached else "",
        "R" if entry.referred else "",
    )
    return _SEPARATOR.join((partition, entry.position, *held))


def filing_of(
    case: Case, schedule: Schedule, *, shards: int, expires_at: datetime | None
) -> Filing:
    """What the case is filed under once this write is saved."""
    listing = listing_of(case, schedule.deadline) or closed_listing_of(case)
    expiry = str(int(expires_at.timestamp())) if expires_at else ""
    entries: dict[str, ShelfEntry] = {}
    if listing is not None:
        entry = entry_of(listing)
        for shelf, key in shelf_keys(listing, shards).items():
            line = _shelf_line(shelf_partition(shelf, key), entry)
            # A closed case's entries expire with it (an open case's item has no expiry).
            if listing.closed_at is not None and expiry:
                line = _SEPARATOR.join((line, expiry))
            entries[line] = entry
    received = instant_text(case.received_at)
    terms = frozenset(
        _SEPARATOR.join((term_key(term), f"{received}#{case.reference}", expiry))
        for term in search_terms(case)
    )
    return Filing(
        shelved=frozenset(entries),
        counted=counter_keys(listing),
        terms=terms,
        entries=entries,
    )


def filing_on(item: Any) -> Filing:
    """What the stored case item says its last write filed it under."""
    return Filing(
        shelved=frozenset(item.work_filed or ()),
        counted=frozenset(item.work_counted or ()),
        terms=frozenset(item.search_filed or ()),
    )


def mark(item: Any, filing: Filing) -> None:
    """Keep the filing on the case item, for the next write to compare with."""
    item.work_filed = sorted(filing.shelved) or None
    item.work_counted = sorted(filing.counted) or None
    item.search_filed = sorted(filing.terms) or None


@dataclass(frozen=True)
class Refiling:
    """The writes that take a case from one filing to the next."""

    put_entries: tuple[tuple[str, ShelfEntry, str], ...]  # partition, entry, expiry or ""
    delete_entries: tuple[tuple[str, str], ...]
    put_terms: tuple[tuple[str, str, str], ...]
    delete_terms: tuple[tuple[str, str], ...]
    counts: dict[str, int]

    @property
    def empty(self) -> bool:
        return not (
            self.put_entries
            or self.delete_entries
            or self.put_terms
            or self.delete_terms
            or self.counts
        )

    @property
    def writes(self) -> int:
        return (
            len(self.put_entries)
            + len(self.delete_entries)
            + len(self.put_terms)
            + len(self.delete_terms)
            + len(self.counts)
        )


def refiling(old: Filing, new: Filing) -> Refiling:
    def keys(line: str) -> tuple[str, str]:
        partition, sort_key, *_ = line.split(_SEPARATOR)
        return partition, sort_key

    new_entry_keys = {keys(line) for line in new.shelved}
    new_term_keys = {keys(line) for line in new.terms}
    counts = dict.fromkeys(new.counted - old.counted, 1)
    counts.update(dict.fromkeys(old.counted - new.counted, -1))
    return Refiling(
        put_entries=tuple(
            (keys(line)[0], new.entries[line], _entry_expiry(line))
            for line in sorted(new.shelved - old.shelved)
        ),
        delete_entries=tuple(sorted({keys(line) for line in old.shelved} - new_entry_keys)),
        put_terms=tuple(_term_parts(line) for line in sorted(new.terms - old.terms)),
        delete_terms=tuple(sorted({keys(line) for line in old.terms} - new_term_keys)),
        counts=counts,
    )


def _entry_expiry(line: str) -> str:
    """The expiry a shelf line carries after what its entry holds (a closed case's), or ""."""
    parts = line.split(_SEPARATOR)
    return parts[9] if len(parts) > 9 else ""


def _term_parts(line: str) -> tuple[str, str, str]:
    partition, sort_key, expiry = line.split(_SEPARATOR)
    return partition, sort_key, expiry


def write_refiling(tx: Any, models: Any, changes: Refiling) -> None:
    """Add the refiling's writes to a transaction."""
    for partition, entry, expiry in changes.put_entries:
        tx.save(shelf_item(models.shelf, partition, entry, expiry))
    for partition, sort_key in changes.delete_entries:
        tx.delete(models.shelf(partition, sort_key))
    for partition, sort_key, expiry in changes.put_terms:
        tx.save(term_item(models.term, partition, sort_key, expiry))
    for partition, sort_key in changes.delete_terms:
        tx.delete(models.term(partition, sort_key))
    for key, delta in changes.counts.items():
        tx.update(models.counter(COUNTERS_KEY, key), actions=[models.counter.value.add(delta)])


def shelf_item(model: Any, partition: str, entry: ShelfEntry, expiry: str = "") -> Any:
    item = model(
        partition,
        entry.position,
        reference=entry.reference,
        case_type=entry.case_type.value,
        channel=entry.channel.value,
        stage=entry.stage,
        department=entry.department,
        assigned_officer=entry.assigned_officer,
        breached=entry.breached,
        referred=entry.referred,
    )
    if expiry:
        item.expires_at = datetime.fromtimestamp(int(expiry), tz=UTC)
    return item


def term_item(model: Any, partition: str, sort_key: str, expiry: str) -> Any:
    reference = sort_key.rpartition("#")[2]
    item = model(partition, sort_key, reference=reference)
    if expiry:
        item.expires_at = datetime.fromtimestamp(int(expiry), tz=UTC)
    return item


def entry_from_item(item: Any) -> ShelfEntry:
    return ShelfEntry(
        reference=item.reference,
        position=item.sk,
        department=item.department,
        assigned_officer=item.assigned_officer,
        case_type=CaseType(item.case_type),
        stage=int(item.stage),
        channel=Channel(item.channel),
        breached=bool(item.breached),
        referred=bool(item.referred),
    )
