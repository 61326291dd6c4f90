"""The case store as the use cases see it, in parts by who uses them: a case at a time (the
steps), cases many at a time (digests, work list, reports), the sweep's due cases and its claims
on owed actions, triage records, classification examples, residents' access, arrival counters,
the work list's exports, the sessions of staff and residents and the staff accounts' audit trail.
`CaseStore` is all of them at once. One DynamoDB adapter implements it, one in-memory adapter
stands in for it in unit tests; both pass the same contract tests."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case, CaseType, Channel, SentLetter, TimelineEvent
from sla_monitor.reply_templates import ReplyTemplateStore
from sla_monitor.store.session_ports import AccountChange as AccountChange
from sla_monitor.store.session_ports import AccountChanges, SessionRecords
from sla_monitor.store.session_ports import SessionRecord as SessionRecord
from sla_monitor.store.session_ports import SessionsEnded as SessionsEnded
from sla_monitor.work_list import Reach, WorkListFilter

if TYPE_CHECKING:
    from sla_monitor.calendar import ClosureDay
    from sla_monitor.directory import Department, Directory, Officer
    from sla_monitor.listing import Schedule
    from sla_monitor.triage import ClassificationExample, TriageRecord, TriageResolution


def month_received(received_at: datetime) -> str:
    """The month a case was received in, in London time, as the reports and the received-month
    index name it: "2026-12"."""
    return received_at.astimezone(LONDON).strftime("%Y-%m")


def normalise_email(address: str | None) -> str | None:
    """An email address as residents' pages compare it: trimmed, lower case; None when it is
    not an address at all."""
    text = (address or "").strip().lower()
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in text):
        return None
    return text


def customer_key(address: str | None) -> str | None:
    """The key of a resident's cases in the customer-cases index: a digest of their normalised
    email address, so the index key is no address itself. None without a usable address."""
    normalised = normalise_email(address)
    if normalised is None:
        return None
    digest = hashlib.sha256(f"sla-monitor customer\x00{normalised}".encode()).hexdigest()
    return f"CUSTOMER#{digest}"


def staff_key(username: str) -> str:
    """The key of a member of staff's sessions: a digest of their Cognito username (which may be
    their email address), so no key is an address itself."""
    digest = hashlib.sha256(f"sla-monitor staff\x00{username}".encode()).hexdigest()
    return f"STAFF#{digest}"


@dataclass(frozen=True)
class SignInLink:
    """A one-time sign-in link as stored: only the digest of its token, whose cases it opens,
    the page to go back to, and when it stops working."""

    token_digest: str
    customer_key: str
    issued_at: datetime
    expires_at: datetime
    return_to: str | None = None


class DuplicateDeliveryError(Exception):
    """This delivery was recorded before; `outcome` and `reference` say what it became, where
    known (a store that lost a race to record it knows only the key)."""

    def __init__(self, key: str, outcome: str | None = None, reference: str | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.outcome = outcome
        self.reference = reference


class StaleCaseError(Exception):
    """The case changed since it was read; read it again and reapply the change."""


# Enough for two people and a sweep changing one case at once; more means something is wrong.
CONFLICT_ATTEMPTS = 5


_T = TypeVar("_T")


def retry_on_conflict(
    attempt: Callable[[], _T], *, reference: str, attempts: int = CONFLICT_ATTEMPTS
) -> _T:
    """Run `attempt` (read the case, change it, save it) again while its save meets a newer
    copy (StaleCaseError), at most `attempts` times: every optimistic write of a case retries
    this one way, its checks running again on the fresh copy."""
    for _ in range(attempts):
        try:
            return attempt()
        except StaleCaseError:
            continue
    raise StaleCaseError(reference)


@dataclass(frozen=True)
class Delivery:
    """What one delivery (an email, a form submission) became: a case, a reply, or triage."""

    key: str
    outcome: str  # "case" | "reply" | "triage"
    reference: str | None


@dataclass(frozen=True)
class Claim:
    """A sweep's hold on one owed action while it sends it."""

    reference: str
    key: str
    claimed_at: datetime
    lease_until: datetime
    sent: bool
    # Set when it was marked sent, so a sweep that finds it sent but not yet recorded on the case
    # can record it without sending again.
    sent_at: datetime | None = None
    message_id: str | None = None
    outcome: str | None = None


class CaseRecords(Protocol):
    """One case at a time, as the steps read and change it: intake registering a case or a reply,
    staff changing one, the sweep recording what it sent; and the bookkeeping that keeps a
    delivery or an email thread to its case."""

    def next_reference(self, received_at: datetime) -> str:
        """A new unique human reference such as NWL-2026-000123 (atomic counter per year)."""
        ...

    def find_delivery(self, key: str) -> Delivery | None: ...

    def create_case(
        self,
        case: Case,
        *,
        events: Sequence[TimelineEvent],
        schedule: Schedule,
        idempotency_key: str | None = None,
        message_ids: Iterable[str] = (),
    ) -> Case:
        """Store a new case, filed by its schedule (`listing.schedule_of`) for the deadline
        checker and the work list, and by its search terms. When `idempotency_key` was used
        before, store nothing and return the case that delivery created."""
        ...

    def save_case(
        self,
        case: Case,
        *,
        events: Sequence[TimelineEvent] = (),
        schedule: Schedule,
        idempotency_key: str | None = None,
        message_ids: Iterable[str] = (),
    ) -> None:
        """Write a changed case, append events, and file it anew by its schedule (when the
        checker must next look at it, where it stands in the work list) and search terms.
        Raises StaleCaseError when the stored case has moved on from `case.revision`, and
        DuplicateDeliveryError when `idempotency_key` was recorded before."""
        ...

    def get_case(self, reference: str) -> Case | None: ...

    def timeline(self, reference: str) -> list[TimelineEvent]: ...

    def find_case_by_message_id(self, message_id: str) -> str | None:
        """The reference of the case an email Message-ID belongs to (sent or received)."""
        ...


class CaseListings(Protocol):
    """Cases many at a time, each through an index of its own: the officers' digests, the staff
    work list, re-timing and the reports read these."""

    def open_cases(self) -> Iterator[Case]:
        """Every open case, oldest first, through the sparse open-cases index (never a scan):
        the officers' digests and the staff work list read this."""
        ...

    def cases_received(self, month: str) -> Iterator[Case]:
        """Every case received in `month` ("2026-12", London time), closed ones too, oldest
        first, through the received-month index (never a scan): what the reports read."""
        ...

    def all_cases(self) -> Iterator[Case]:
        """Every case, closed ones too: a Scan, for reports run by hand and the demo; the
        deployed functions are not allowed to scan."""
        ...


class Shelf(enum.StrEnum):
    """The work list's indexes. Each files open cases under one kind of key, soonest deadline
    first, or closed cases, the most recently closed first (the keys:
    `sla_monitor.store.shelves`)."""

    OWNER = "owner"  # the assigned officer, or "unassigned" in a department
    DEPARTMENT = "department"
    TYPE = "type"  # spread over the index shards
    BREACHED = "breached"  # only cases with a promise broken, over the shards
    REFERRED = "referred"  # only complaints referred to the Chief Executive
    # Only cases no officer is assigned, by type over the shards (the Unassigned view of a
    # reach that takes in a type across departments: the complaints, or every case).
    UNASSIGNED = "unassigned"
    # The Closed view's: closed cases by department, by type (over the shards), and the
    # complaints that had been referred to the Chief Executive.
    CLOSED_DEPARTMENT = "closed-department"
    CLOSED_TYPE = "closed-type"
    CLOSED_REFERRED = "closed-referred"


@dataclass(frozen=True)
class ShelfEntry:
    """One case on a shelf: its place in the order, and enough of the case to choose among
    entries before reading the cases themselves."""

    reference: str
    # "<deadline instant>#<reference>"; "~#<reference>" with no deadline ahead; on the closed
    # shelves "C<microseconds from its closing to a far-off instant>#<reference>", so the case
    # closed last sorts first.
    position: str
    department: str | None
    assigned_officer: str | None
    case_type: CaseType
    stage: int
    channel: Channel
    breached: bool
    referred: bool


class WorkShelves(Protocol):
    """What the staff work list and search read: a page of a shelf at a time, the cases it
    names, the counters kept with the writes, and the cases filed under a search term."""

    shards: int  # how many index shards the shelves by type and breached are spread over

    def shelved(
        self,
        shelf: Shelf,
        key: str,
        *,
        after: str | None = None,
        before: str | None = None,
        page_size: int = 50,
    ) -> Iterator[ShelfEntry]:
        """The entries filed under `key` on `shelf`, in position order, from just after `after`
        and up to (not including) `before`; read lazily `page_size` entries at a time, so a
        caller that stops early reads no more."""
        ...

    def get_cases(self, references: Sequence[str]) -> list[Case]:
        """The cases named, in the order named (a batch read); those not stored are left out."""
        ...

    def work_counts(self) -> dict[str, int]:
        """Every work list counter (`sla_monitor.store.shelves.counter_keys`), by key."""
        ...

    def cases_with_term(self, term: str, *, limit: int | None = None) -> list[str]:
        """The references of the cases, open or closed, a search term was written for, newest
        first (`sla_monitor.listing.search_terms`); at most `limit` of them."""
        ...


class DueCases(Protocol):
    """What the sweep reads: the cases whose next due instant has come."""

    def cases_due(
        self, now: datetime, *, limit: int | None = None, shards: Iterable[int] | None = None
    ) -> Iterator[Case]:
        """Open cases whose next due instant is at or before `now`, oldest first, read through
        the sparse next-due index (never a scan): from every index shard, or only those in
        `shards` (one invocation of a fanned-out sweep each). ValueError for a shard the store
        does not have."""
        ...


class ActionClaims(Protocol):
    """A sweep's hold on an owed action while it sends it, so two sweeps never send one twice:
    the sweep, the officers' digests and the delivery events take and release these."""

    def claim_action(
        self, reference: str, key: str, *, now: datetime, lease_until: datetime
    ) -> Claim | None:
        """Claim an owed action before sending. None when it was sent already, or another sweep
        holds an unexpired lease on it. An expired, unsent claim is taken over."""
        ...

    def get_claim(self, reference: str, key: str) -> Claim | None:
        """The claim on an owed action as it stands (consistent read), or None."""
        ...

    def release_claim(
        self, reference: str, key: str, *, claimed_at: datetime | None = None
    ) -> None:
        """Give up a claim whose send failed, so the next sweep retries it at once. With
        `claimed_at`, only that claim is released, never one another sweep took over since."""
        ...

    def mark_action_sent(
        self,
        reference: str,
        key: str,
        *,
        sent_at: datetime,
        message_id: str | None = None,
        outcome: str | None = None,
    ) -> None: ...


class LetterCopies(Protocol):
    """Each customer letter as it went, kept when the sweep sends it: under its case and the key
    of the action that sent it, apart from the timeline, so only a download reads its PDF."""

    def keep_letter(self, reference: str, key: str, letter: SentLetter) -> None: ...

    def letter(self, reference: str, key: str) -> SentLetter | None:
        """The letter sent under `key` on the case, or None (sent before letters were kept)."""
        ...


class TriageRecords(Protocol):
    """Messages set aside for staff: intake keeps them, staff deal with them."""

    def record_triage(self, record: TriageRecord) -> bool: ...

    def triage_records(self) -> list[TriageRecord]: ...

    def resolve_triage(self, record: TriageRecord, resolution: TriageResolution) -> bool:
        """Mark a triage record dealt with (it is never deleted). False, changing nothing, when
        it was marked before or is not stored."""
        ...


class ClassificationExamples(Protocol):
    """The types staff gave cases' messages, kept to retrain the classification."""

    def keep_classification_example(self, example: ClassificationExample) -> None:
        """Keep the type staff gave a case's message (one a case: a later one replaces it),
        for as long as cases are kept."""
        ...

    def classification_examples(self) -> list[ClassificationExample]:
        """Every kept example, oldest first (a query of their own partition, never a scan)."""
        ...


class ResidentAccess(Protocol):
    """What the residents' pages read and keep: a resident's own cases and their one-time
    sign-in links."""

    def cases_of_customer(self, key: str) -> list[Case]:
        """Every case whose email address has the digest `key` (see `customer_key`), oldest
        first, closed ones too, through the sparse customer-cases index (never a scan)."""
        ...

    def keep_sign_in_link(self, link: SignInLink) -> None:
        """Keep a sign-in link (it expires by itself at `expires_at`)."""
        ...

    def use_sign_in_link(self, token_digest: str) -> SignInLink | None:
        """Take a sign-in link, once: the link as it was kept, removed in the same step, or None
        when it was never kept or has been used. Two uses at once: one gets it."""
        ...


class ArrivalCounters(Protocol):
    """Counters of new cases an hour from one address or source, to hold back a flood."""

    def count_arrival(self, key: str, *, hour: str, expires_at: datetime) -> int:
        """Add one to the counter of `key` in `hour` (atomically) and return the new count.
        The counter expires at `expires_at`."""
        ...


class ExportStatus(enum.StrEnum):
    PREPARING = "preparing"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class WorkListExport:
    """A spreadsheet of one view of the work list, asked for by an officer and prepared apart
    from the page that asked (`sla_monitor.work_list_export`): who asked, the view (the reach
    they had and the filter they chose), and how its file stands."""

    export_id: str
    officer_id: str
    reach: Reach
    wanted: WorkListFilter
    created_at: datetime
    status: ExportStatus = ExportStatus.PREPARING
    rows: int | None = None  # ready: how many cases the file lists
    key: str | None = None  # ready: where the file is kept in the bucket
    reason: str | None = None  # failed: why, as staff read it
    finished_at: datetime | None = None


class WorkListExports(Protocol):
    """The work list's exports, kept for a day: the page that starts one and shows it, and the
    job that prepares it."""

    def keep_export(self, export: WorkListExport, *, expires_at: datetime) -> None:
        """Keep a new export (it expires by itself at `expires_at`)."""
        ...

    def get_export(self, export_id: str) -> WorkListExport | None:
        """The export as it stands (consistent read), or None."""
        ...

    def finish_export(self, export: WorkListExport) -> bool:
        """Record an export ready or failed, as `export` now says, once: False, changing
        nothing, when the stored one is no longer preparing (or is not stored)."""
        ...


@dataclass(frozen=True)
class SavedView:
    """A view of the work list an officer saved under a name of their own: its filters, as the
    list's address carries them."""

    officer_id: str
    name: str
    query: str  # the list's address after its "?", filters only
    saved_at: datetime


def saved_view_key(name: str) -> str:
    """What two names of one officer's views must differ by: "Breached" and "breached " are
    one view."""
    return " ".join(name.split()).casefold()


class SavedViews(Protocol):
    """Each officer's saved views of the work list, kept under the officer: a few small items,
    read in one query with the list."""

    def saved_views(self, officer_id: str) -> list[SavedView]:
        """The officer's views, in order of their names (one query of the officer's views)."""
        ...

    def save_view(self, view: SavedView) -> None:
        """Keep the view, in place of the officer's view of the same name (`saved_view_key`)."""
        ...

    def remove_view(self, officer_id: str, name: str) -> bool:
        """Remove the officer's view of that name; False when they had none."""
        ...


class CaseStore(
    CaseRecords,
    CaseListings,
    WorkShelves,
    DueCases,
    ActionClaims,
    LetterCopies,
    TriageRecords,
    ClassificationExamples,
    ResidentAccess,
    ArrivalCounters,
    WorkListExports,
    SessionRecords,
    AccountChanges,
    SavedViews,
    Protocol,
):
    """The whole case store, as one adapter implements it: every part above, for the code that
    wires a store up and hands it on."""


class DirectoryStore(ReplyTemplateStore, Protocol):
    """Departments, officers, council-wide roles, the closure days stored after go-live and the
    council's reply templates."""

    def load_directory(self) -> Directory: ...

    def save_directory(self, directory: Directory) -> None:
        """Write a whole directory (seeding a new council)."""
        ...

    def save_department(self, department: Department) -> None:
        """Write one department as it now stands, retired or not, leaving the rest alone."""
        ...

    def save_officer(self, officer: Officer) -> None:
        """Write one officer as they now stand, retired or not, leaving the rest alone."""
        ...

    def save_role(self, role: str, value: str, *, changed_by: str, changed_at: datetime) -> None:
        """Name who (an officer id) or what (a department code) a council-wide role stands for."""
        ...

    def closure_days(self) -> list[ClosureDay]:
        """The stored closure days, earliest first."""
        ...

    def add_closure_day(self, closure: ClosureDay) -> bool:
        """Store a closure day; False, storing nothing, when that day is stored already."""
        ...

    def remove_closure_day(self, day: date) -> bool:
        """Remove a stored closure day; False when none was stored for that day."""
        ...

    def keep_policy(self, version: str, text: str) -> None:
        """Keep the text of a policy version the product has timed cases by (once)."""
        ...

    def policy_text(self, version: str) -> str | None:
        """The text of a policy version kept before, or None."""
        ...
