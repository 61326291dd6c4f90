"""The case store in the cases table: cases and their timelines, the bookkeeping of deliveries,
Message-IDs and references, the sweep's claims, triage records, classification examples,
residents' sign-in links and arrival counters, sessions and the staff accounts' audit trail (the
table's layout: `sla_monitor.store.dynamodb`)."""

from __future__ import annotations

import heapq
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import (
    DeleteError,
    DoesNotExist,
    PutError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.transactions import TransactWrite

from sla_monitor.cases import Case, SentLetter, TimelineEvent
from sla_monitor.listing import Schedule
from sla_monitor.store.dynamodb.exports import ExportRecords
from sla_monitor.store.dynamodb.filing import (
    NOTHING,
    Filing,
    filing_of,
    filing_on,
    mark,
    refiling,
    shelf_item,
    term_item,
    write_refiling,
)
from sla_monitor.store.dynamodb.items import (
    case_from_item,
    case_item,
    event_item,
    index_instant,
    message_key,
    timeline_event,
)
from sla_monitor.store.dynamodb.models import case_table_models
from sla_monitor.store.dynamodb.personal_records import PersonalRecordItems
from sla_monitor.store.dynamodb.saved_views import SavedViewItems
from sla_monitor.store.dynamodb.sessions import SessionItems
from sla_monitor.store.dynamodb.shelf_reads import ShelfReads
from sla_monitor.store.dynamodb.side_records import SideRecords
from sla_monitor.store.ports import (
    Claim,
    Delivery,
    DuplicateDeliveryError,
    StaleCaseError,
    customer_key,
    month_received,
)
from sla_monitor.store.schema import DUE_SHARDS, chosen_shards
from sla_monitor.store.shelves import COUNTERS_KEY

# The timeline's kinds for a legal hold placed and lifted (`staff.legal_hold`).
_HOLD_CHANGES = frozenset({"legal_hold", "legal_hold_lifted"})

# How many cases' filings a store remembers from reading them (a page, a sweep's batch).
_REMEMBERED_FILINGS = 2000


class _ConditionFailed(Exception):
    """A single-item write's condition failed: the case exists, or moved on from its revision."""


class DynamoDBCaseStore(
    ShelfReads, SideRecords, PersonalRecordItems, ExportRecords, SessionItems, SavedViewItems
):
    """The case store in the cases table."""

    def __init__(
        self,
        table_name: str,
        *,
        region: str,
        host: str | None = None,
        reference_prefix: str,
        retention_days: int,
        shards: int = DUE_SHARDS,
    ) -> None:
        if shards < 1:
            raise ValueError("a case store needs at least one index shard")
        self.models = case_table_models(table_name, region, host)
        self.shards = shards
        self.table_name = table_name
        self.reference_prefix = reference_prefix
        self.retention = timedelta(days=retention_days)
        self.items_read = 0
        self._transactions: Connection | None = None
        self._filed: OrderedDict[str, tuple[int, Filing]] = OrderedDict()

    # -- references and deliveries ----------------------------------------------------------

    def next_reference(self, received_at: datetime) -> str:
        year = received_at.year
        counter = self.models.counter(f"COUNTER#{self.reference_prefix}-{year}", "COUNTER")
        counter.update(actions=[self.models.counter.value.add(1)])
        return f"{self.reference_prefix}-{year}-{int(counter.value):06d}"

    def find_delivery(self, key: str) -> Delivery | None:
        try:
            marker = self.models.marker.get(f"DELIVERY#{key}", "DELIVERY", consistent_read=True)
        except DoesNotExist:
            return None
        return Delivery(key=key, outcome=marker.outcome or "", reference=marker.reference)

    def find_case_by_message_id(self, message_id: str) -> str | None:
        try:
            marker = self.models.marker.get(message_key(message_id), "MESSAGE")
        except DoesNotExist:
            return None
        return marker.reference

    # -- cases ------------------------------------------------------------------------------

    def _expires_at(self, case: Case) -> datetime | None:
        # A case under a legal hold never expires, however long ago it closed.
        if case.legal_hold is not None or case.closed_at is None:
            return None
        return case.closed_at + self.retention

    def _case_item(self, case: Case, schedule: Schedule) -> tuple[Any, Filing]:
        expires_at = self._expires_at(case)
        item = case_item(
            self.models.case,
            case,
            schedule.next_due,
            shards=self.shards,
            expires_at=expires_at,
        )
        filing = filing_of(case, schedule, shards=self.shards, expires_at=expires_at)
        mark(item, filing)
        return item, filing

    def _loaded(self, item: Any) -> Case:
        """The case of an item read, remembering what the item says it is filed under, so
        saving the case next needs no read to find out."""
        self._filed[item.reference] = (int(item.revision or 0), filing_on(item))
        self._filed.move_to_end(item.reference)
        while len(self._filed) > _REMEMBERED_FILINGS:
            self._filed.popitem(last=False)
        return case_from_item(item)

    def _filed_before(self, case: Case) -> Filing:
        """What the stored revision of the case is filed under: remembered from reading it, or
        read (a save of a revision other than the stored one fails on its condition anyway)."""
        remembered = self._filed.get(case.reference)
        if remembered is not None and remembered[0] == case.revision:
            return remembered[1]
        m = self.models.case
        try:
            item = m.get(
                f"CASE#{case.reference}",
                "CASE",
                consistent_read=True,
                attributes_to_get=["work_filed", "work_counted", "search_filed"],
            )
        except DoesNotExist:
            return NOTHING
        self.items_read += 1
        return filing_on(item)

    def _write(
        self,
        case: Case,
        *,
        events: Sequence[TimelineEvent],
        schedule: Schedule,
        idempotency_key: str | None,
        outcome: str,
        message_ids: Iterable[str],
        new: bool,
    ) -> None:
        m = self.models
        item, filing = self._case_item(case, schedule)
        changes = refiling(NOTHING if new else self._filed_before(case), filing)
        markers = set(message_ids)
        if not events and not idempotency_key and not markers and changes.empty:
            # One item: a conditional put is enough, and costs half a transaction's writes.
            try:
                item.save(condition=m.case.pk.does_not_exist() if new else None)
            except PutError as error:
                if error.cause_response_code == "ConditionalCheckFailedException":
                    raise _ConditionFailed(case.reference) from error
                raise
            self._filed[case.reference] = (case.revision + 1, filing)
            return
        expires = self._expires_at(case)
        with TransactWrite(connection=self._connection()) as tx:
            write_refiling(tx, m, changes)
            if new:
                tx.save(item, condition=m.case.pk.does_not_exist())
            else:
                tx.save(item)
            for position, event in enumerate(events):
                tx.save(
                    event_item(
                        m.event,
                        case.reference,
                        event,
                        expires_at=expires,
                        revision=case.revision,
                        position=position,
                    )
                )
            if idempotency_key:
                tx.save(
                    m.marker(
                        f"DELIVERY#{idempotency_key}",
                        "DELIVERY",
                        outcome=outcome,
                        reference=case.reference,
                    ),
                    condition=m.marker.pk.does_not_exist(),
                )
            for message_id in markers:
                tx.save(
                    m.marker(
                        message_key(message_id), "MESSAGE", outcome="case", reference=case.reference
                    )
                )
        self._filed[case.reference] = (case.revision + 1, filing)
        if any(event.kind in _HOLD_CHANGES for event in events):
            self._expire_events_with(case.reference, expires)

    def _expire_events_with(self, reference: str, expires_at: datetime | None) -> None:
        """A legal hold placed or lifted: the case's earlier timeline events keep no expiry
        while it stands, and expire with the case again once it is lifted (one query of the
        case's own partition, one write an event)."""
        m = self.models.event
        for item in m.query(f"CASE#{reference}", m.sk.startswith("EVENT#")):
            item.update(
                actions=[m.expires_at.set(expires_at) if expires_at else m.expires_at.remove()]
            )

    def _connection(self) -> Connection:
        # One per store, made on first use: every new Connection builds a botocore client of its
        # own, which costs a tenth of a second or more on each transactional save.
        if self._transactions is None:
            meta = self.models.case.Meta
            self._transactions = Connection(region=meta.region, host=meta.host)
        return self._transactions

    def create_case(
        self,
        case: Case,
        *,
        events: Sequence[TimelineEvent],
        schedule: Schedule,
        idempotency_key: str | None = None,
        message_ids: Iterable[str] = (),
    ) -> Case:
        fresh = replace(case, revision=0)
        try:
            self._write(
                fresh,
                events=events,
                schedule=schedule,
                idempotency_key=idempotency_key,
                outcome="case",
                message_ids=message_ids,
                new=True,
            )
        except (TransactWriteError, _ConditionFailed):
            earlier = self.find_delivery(idempotency_key) if idempotency_key else None
            stored = self.get_case(earlier.reference) if earlier and earlier.reference else None
            if stored is None:
                raise
            return stored
        return replace(fresh, revision=1)

    def save_case(
        self,
        case: Case,
        *,
        events: Sequence[TimelineEvent] = (),
        schedule: Schedule,
        idempotency_key: str | None = None,
        message_ids: Iterable[str] = (),
    ) -> None:
        try:
            self._write(
                case,
                events=events,
                schedule=schedule,
                idempotency_key=idempotency_key,
                outcome="reply",
                message_ids=message_ids,
                new=False,
            )
        except _ConditionFailed as error:
            raise StaleCaseError(case.reference) from error
        except TransactWriteError as error:
            if idempotency_key and self.find_delivery(idempotency_key) is not None:
                raise DuplicateDeliveryError(idempotency_key) from error
            if error.cause_response_code == "TransactionCanceledException":
                raise StaleCaseError(case.reference) from error
            raise

    def get_case(self, reference: str) -> Case | None:
        try:
            item = self.models.case.get(f"CASE#{reference}", "CASE", consistent_read=True)
        except DoesNotExist:
            return None
        self.items_read += 1
        return self._loaded(item)

    def due_at(self, reference: str) -> datetime | None:
        try:
            item = self.models.case.get(f"CASE#{reference}", "CASE", consistent_read=True)
        except DoesNotExist:
            return None
        if not item.next_due_at:
            return None
        return datetime.strptime(item.next_due_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)

    def timeline(self, reference: str) -> list[TimelineEvent]:
        m = self.models.event
        return [timeline_event(e) for e in m.query(f"CASE#{reference}", m.sk.startswith("EVENT#"))]

    def cases_due(
        self, now: datetime, *, limit: int | None = None, shards: Iterable[int] | None = None
    ) -> Iterator[Case]:
        """Query each shard of the sparse next-due index (every shard, or those given) and
        merge them oldest first."""
        index = self.models.case.next_due_index
        bound = index_instant(now)
        queries = [
            index.query(
                f"DUE#{shard}",
                self.models.case.next_due_at <= bound,
                page_size=100,
            )
            for shard in chosen_shards(shards, self.shards)
        ]
        merged = heapq.merge(*queries, key=lambda item: item.next_due_at)
        for count, item in enumerate(merged):
            if limit is not None and count >= limit:
                return
            self.items_read += 1
            yield self._loaded(item)

    def bulk_load(self, cases: Iterable[tuple[Case, Schedule]]) -> int:
        """Write many new cases with batch writes (load tests and benchmarks): the same items,
        index keys, shelf and search entries included, that `create_case` writes, without
        timelines or conditions; the work list's counters are added to once at the end."""
        m = self.models
        count = 0
        counts: dict[str, int] = {}
        with m.case.batch_write() as batch:
            for case, schedule in cases:
                # Revision 1, as `create_case` leaves a new case, so saves that follow agree.
                item, filing = self._case_item(replace(case, revision=1), schedule)
                batch.save(item)
                changes = refiling(NOTHING, filing)
                for partition, entry, expiry in changes.put_entries:
                    batch.save(shelf_item(m.shelf, partition, entry, expiry))
                for partition, sort_key, expiry in changes.put_terms:
                    batch.save(term_item(m.term, partition, sort_key, expiry))
                for key, delta in changes.counts.items():
                    counts[key] = counts.get(key, 0) + delta
                count += 1
        for key, total in counts.items():
            m.counter(COUNTERS_KEY, key).update(actions=[m.counter.value.add(total)])
        return count

    def open_cases(self) -> Iterator[Case]:
        """Every open case, oldest first, through the sparse open-cases index (never a scan)."""
        index = self.models.case.open_cases_index
        shards = [index.query(f"OPEN#{shard}", page_size=100) for shard in range(self.shards)]
        for item in heapq.merge(*shards, key=lambda item: item.received_at):
            self.items_read += 1
            yield self._loaded(item)

    def cases_received(self, month: str) -> Iterator[Case]:
        """One month's partition of the received-month index, oldest first (never a scan)."""
        for item in self.models.case.received_month_index.query(month, page_size=100):
            self.items_read += 1
            yield self._loaded(item)

    def index_received_months(self) -> int:
        """Give every case saved before the received-month index existed its month, so the
        reports find it: a Scan, run once by hand after upgrading (`sla-monitor report
        backfill`). Returns how many cases it changed; a second run changes none."""
        m = self.models.case
        changed = 0
        for item in m.scan((m.sk == "CASE") & m.received_month.does_not_exist()):
            # Only the index key is written, and only where it is still missing: a case saved
            # meanwhile keeps what its save wrote.
            try:
                item.update(
                    actions=[m.received_month.set(month_received(item.received_at))],
                    condition=m.received_month.does_not_exist(),
                )
            except UpdateError as error:
                if error.cause_response_code != "ConditionalCheckFailedException":
                    raise
                continue
            changed += 1
        return changed

    def index_customer_keys(self) -> int:
        """Give every case with an email address saved before the customer-cases index existed
        its key, so its resident finds it when signed in: a Scan, run once by hand after
        upgrading (`sla-monitor report backfill`). Returns how many cases it changed."""
        m = self.models.case
        changed = 0
        for item in m.scan((m.sk == "CASE") & m.customer_key.does_not_exist()):
            key = customer_key(item.customer.email if item.customer else None)
            if key is None:
                continue
            try:
                item.update(
                    actions=[m.customer_key.set(key)], condition=m.customer_key.does_not_exist()
                )
            except UpdateError as error:
                if error.cause_response_code != "ConditionalCheckFailedException":
                    raise
                continue
            changed += 1
        return changed

    def refile_cases(self, schedule: Callable[[Case], Schedule]) -> int:
        """File every case whose item says it is filed otherwise than this release files it: a
        case saved before the work list's shelves and search terms existed (filed under
        nothing), or a closed case saved before the Closed view's shelves existed. A Scan, run
        once by hand after upgrading (`sla-monitor report backfill`). Returns how many cases it
        filed; a second run files none. A case saved meanwhile is left as its save filed it (the
        update is conditional on the revision read)."""
        m = self.models
        filed = 0
        for item in m.case.scan(m.case.sk == "CASE"):
            case = case_from_item(item)
            before = filing_on(item)
            filing = filing_of(
                case, schedule(case), shards=self.shards, expires_at=self._expires_at(case)
            )
            if filing == before:
                continue
            try:
                with TransactWrite(connection=self._connection()) as tx:
                    write_refiling(tx, m, refiling(before, filing))
                    # The item's revision is the update's condition (and goes up by one).
                    tx.update(
                        item,
                        actions=[
                            m.case.work_filed.set(sorted(filing.shelved) or None),
                            m.case.work_counted.set(sorted(filing.counted) or None),
                            m.case.search_filed.set(sorted(filing.terms) or None),
                        ],
                    )
            except TransactWriteError as error:
                if error.cause_response_code != "TransactionCanceledException":
                    raise
                continue
            filed += 1
        return filed

    def cases_of_customer(self, key: str) -> list[Case]:
        found = []
        for item in self.models.case.customer_cases_index.query(key, page_size=100):
            self.items_read += 1
            found.append(self._loaded(item))
        return found

    def all_cases(self) -> Iterator[Case]:
        m = self.models.case
        cases = [case_from_item(item) for item in m.scan(m.sk == "CASE")]
        yield from sorted(cases, key=lambda c: c.received_at)

    # -- claims on owed actions -------------------------------------------------------------

    def claim_action(
        self, reference: str, key: str, *, now: datetime, lease_until: datetime
    ) -> Claim | None:
        m = self.models.claim
        claim = m(
            f"CASE#{reference}", f"CLAIM#{key}", claimed_at=now, lease_until=lease_until, sent=False
        )
        # Take it when nobody has, or when an earlier sweep's lease ran out before it sent.
        condition = m.pk.does_not_exist() | ((m.sent == False) & (m.lease_until < now))  # noqa: E712
        try:
            claim.save(condition=condition)
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return Claim(reference, key, claimed_at=now, lease_until=lease_until, sent=False)

    def get_claim(self, reference: str, key: str) -> Claim | None:
        try:
            item = self.models.claim.get(f"CASE#{reference}", f"CLAIM#{key}", consistent_read=True)
        except DoesNotExist:
            return None
        return Claim(
            reference,
            key,
            claimed_at=item.claimed_at,
            lease_until=item.lease_until,
            sent=bool(item.sent),
            sent_at=item.sent_at,
            message_id=item.message_id,
            outcome=item.outcome,
        )

    def release_claim(
        self, reference: str, key: str, *, claimed_at: datetime | None = None
    ) -> None:
        m = self.models.claim
        condition = m.sent == False  # noqa: E712
        if claimed_at is not None:
            # Never release a claim another sweep took over after our lease ran out.
            condition &= m.claimed_at == claimed_at
        try:
            m(f"CASE#{reference}", f"CLAIM#{key}").delete(condition=condition)
        except DeleteError as error:
            # A claim that was sent meanwhile stays as it is.
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    # -- letters as sent ---------------------------------------------------------------------

    def keep_letter(self, reference: str, key: str, letter: SentLetter) -> None:
        self.models.letter(
            f"CASE#{reference}",
            f"LETTER#{key}",
            subject=letter.subject,
            text=letter.text,
            pdf=letter.pdf,
        ).save()

    def letter(self, reference: str, key: str) -> SentLetter | None:
        try:
            item = self.models.letter.get(f"CASE#{reference}", f"LETTER#{key}")
        except DoesNotExist:
            return None
        return SentLetter(subject=item.subject, text=item.text, pdf=item.pdf)

    # -- claims, continued ------------------------------------------------------------------

    def mark_action_sent(
        self,
        reference: str,
        key: str,
        *,
        sent_at: datetime,
        message_id: str | None = None,
        outcome: str | None = None,
    ) -> None:
        m = self.models.claim
        actions = [m.sent.set(True), m.sent_at.set(sent_at)]
        if message_id is not None:
            actions.append(m.message_id.set(message_id))
        if outcome is not None:
            actions.append(m.outcome.set(outcome))
        m(f"CASE#{reference}", f"CLAIM#{key}").update(actions=actions)
