"""The keys the work list's indexes file an open case under, its counters and its search terms,
as both case stores write them (DynamoDB and in memory), so the two agree by construction.

A *shelf* is one of the work list's ways of choosing open cases. Each files an open case under one
key (its officer, its department, its type, whether a promise was broken, whether the Chief
Executive has it) and orders the cases on that key by `position`: the next deadline, then the
reference, so a page resumes exactly after the last case it showed. A case with no deadline ahead
sorts last. In DynamoDB a shelf key is a partition of the cases table holding one small item a
case (not a secondary index: the entries are read with strong consistency, and the table can gain
shelves without the one-index-per-update limit CloudFormation puts on a table's indexes).

Counters (`counter_keys`) count the open cases of each *cell*: department, type, stage and
referral, and apart from that each owner and the unassigned of each type, the cells and owners
also counted among the breached. Every write
that moves a case from one cell to another moves its counts in the same transaction, so the work
list's "312 open cases" is read from a few counters, never by counting cases.

A closed case leaves those shelves and the counters for the *closed shelves* (its department, its
type, whether the Chief Executive had it), ordered the most recently closed first, which the
Closed view reads a page at a time. Its entries expire with the case.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sla_monitor.cases import CaseType
from sla_monitor.listing import Listing
from sla_monitor.store.ports import Shelf, ShelfEntry
from sla_monitor.store.schema import shard_of

# What a position sorts after every deadline by: a case with nothing due ahead.
NO_DEADLINE = "~"
# The partition of the work list's counters.
COUNTERS_KEY = "WORKCOUNTS"
NOBODY = "-"  # the department key of a case that names none (the default department deals)


def instant_text(instant: datetime) -> str:
    """A UTC instant as a string that sorts in time order (every index's instants)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# What a closed case's position counts back from: an instant thousands of years away.
_FAR_OFF = 10**17
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def position(listing: Listing) -> str:
    """The range key on every shelf: the deadline's instant (sorted in time order), then the
    reference; on a closed shelf, the time from its closing to a far-off instant, so that the
    case closed last comes first."""
    if listing.closed_at is not None:
        since_epoch = (listing.closed_at - _EPOCH) // timedelta(microseconds=1)
        return f"C{_FAR_OFF - since_epoch:017d}#{listing.reference}"
    deadline = instant_text(listing.deadline) if listing.deadline else NO_DEADLINE
    return f"{deadline}#{listing.reference}"


def owner_key(assigned_officer: str | None, department: str | None) -> str:
    if assigned_officer:
        return f"OFFICER#{assigned_officer}"
    return f"UNASSIGNED#{department or NOBODY}"


def department_key(department: str | None) -> str:
    return f"DEPARTMENT#{department or NOBODY}"


def type_key(case_type: CaseType | str, shard: int) -> str:
    return f"TYPE#{CaseType(case_type).value}#{shard}"


def breached_key(shard: int) -> str:
    return f"BREACHED#{shard}"


REFERRED_KEY = "REFERRED"


def shelf_keys(listing: Listing, shards: int) -> dict[Shelf, str]:
    """The key of each shelf the case is filed on (the breached and referred shelves hold only
    the cases they name; a closed case is only on the closed shelves)."""
    shard = shard_of(listing.reference, shards)
    if listing.closed_at is not None:
        closed = {
            Shelf.CLOSED_DEPARTMENT: department_key(listing.department),
            Shelf.CLOSED_TYPE: type_key(listing.case_type, shard),
        }
        if listing.referred:
            closed[Shelf.CLOSED_REFERRED] = REFERRED_KEY
        return closed
    keys = {
        Shelf.OWNER: owner_key(listing.assigned_officer, listing.department),
        Shelf.DEPARTMENT: department_key(listing.department),
        Shelf.TYPE: type_key(listing.case_type, shard),
    }
    if listing.breached:
        keys[Shelf.BREACHED] = breached_key(shard)
    if listing.referred:
        keys[Shelf.REFERRED] = REFERRED_KEY
    if not listing.assigned_officer:
        keys[Shelf.UNASSIGNED] = type_key(listing.case_type, shard)
    return keys


@dataclass(frozen=True)
class Cell:
    """The counters' unit: open cases alike in what the work list's views count by."""

    department: str  # the key the case names, or NOBODY
    case_type: CaseType
    stage: int
    referred: bool

    @property
    def key(self) -> str:
        referred = "R" if self.referred else NOBODY
        return f"CELL#{self.department}#{self.case_type.value}#{self.stage}#{referred}"

    @classmethod
    def parse(cls, key: str) -> Cell:
        _, department, case_type, stage, referred = key.split("#")
        return cls(department, CaseType(case_type), int(stage), referred == "R")


BREACHED_SUFFIX = "#BREACHED"


def unassigned_counter(case_type: CaseType) -> str:
    """The counter of the open cases of a type that no officer is assigned."""
    return f"UNASSIGNED#{case_type.value}"


def counter_keys(listing: Listing | None) -> frozenset[str]:
    """The counters an open case adds one to (none once closed)."""
    if listing is None or listing.closed_at is not None:
        return frozenset()
    cell = Cell(listing.department or NOBODY, listing.case_type, listing.stage, listing.referred)
    owner = f"OWNER#{owner_key(listing.assigned_officer, listing.department)}"
    keys = {cell.key, owner}
    if not listing.assigned_officer:
        keys.add(unassigned_counter(listing.case_type))
    if listing.breached:
        keys |= {cell.key + BREACHED_SUFFIX, owner + BREACHED_SUFFIX}
    return frozenset(keys)


def shelf_partition(shelf: Shelf, key: str) -> str:
    """The partition of the cases table one shelf key's entries are stored in."""
    return f"SHELF#{shelf.value}#{key}"


def term_key(term: str) -> str:
    """The partition a search term's cases are filed under: a digest of the term, so the table
    holds no name, address or phone number as a key."""
    digest = hashlib.sha256(f"sla-monitor search\x00{term}".encode()).hexdigest()
    return f"TERM#{digest}"


def entry_of(listing: Listing) -> ShelfEntry:
    """The shelf entry of a listing."""
    return ShelfEntry(
        reference=listing.reference,
        position=position(listing),
        department=listing.department,
        assigned_officer=listing.assigned_officer,
        case_type=listing.case_type,
        stage=listing.stage,
        channel=listing.channel,
        breached=listing.breached,
        referred=listing.referred,
    )
