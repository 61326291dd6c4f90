"""The case store in the cases table: cases and their timelines, the bookkeeping of deliveries,
Message-IDs and references, the sweep's claims, triage records, classification examples,
residents' sign-in links and arrival counters (the table's layout: `sla_monitor.store.dynamodb`)."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
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

from sla_monitor.cases import Case, CaseType, TimelineEvent
from sla_monitor.store.dynamodb.items import (
    case_from_item,
    case_item,
    event_item,
    index_instant,
    message_key,
    timeline_event,
)
from sla_monitor.store.dynamodb.models import case_table_models
from sla_monitor.store.ports import (
    Claim,
    Delivery,
    DuplicateDeliveryError,
    SignInLink,
    StaleCaseError,
    customer_key,
    month_received,
)
from sla_monitor.store.schema import DUE_SHARDS, chosen_shards
from sla_monitor.triage import (
    ClassificationExample,
    TriageOutcome,
    TriageRecord,
    TriageResolution,
)


class _ConditionFailed(Exception):
    """A single-item write's condition failed: the case exists, or moved on from its revision."""


class DynamoDBCaseStore:
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
        return case.closed_at + self.retention if case.closed_at else None

    def _case_item(self, case: Case, next_due: datetime | None) -> Any:
        return case_item(
            self.models.case,
            case,
            next_due,
            shards=self.shards,
            expires_at=self._expires_at(case),
        )

    def _write(
        self,
        case: Case,
        *,
        events: Sequence[TimelineEvent],
        next_due: datetime | None,
        idempotency_key: str | None,
        outcome: str,
        message_ids: Iterable[str],
        new: bool,
    ) -> None:
        m = self.models
        item = self._case_item(case, next_due)
        markers = set(message_ids)
        if not events and not idempotency_key and not markers:
            # One item: a conditional put is enough, and costs half a transaction's writes.
            try:
                item.save(condition=m.case.pk.does_not_exist() if new else None)
            except PutError as error:
                if error.cause_response_code == "ConditionalCheckFailedException":
                    raise _ConditionFailed(case.reference) from error
                raise
            return
        expires = self._expires_at(case)
        with TransactWrite(connection=self._connection()) as tx:
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
        next_due: datetime | None,
        idempotency_key: str | None = None,
        message_ids: Iterable[str] = (),
    ) -> Case:
        fresh = replace(case, revision=0)
        try:
            self._write(
                fresh,
                events=events,
                next_due=next_due,
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
        next_due: datetime | None,
        idempotency_key: str | None = None,
        message_ids: Iterable[str] = (),
    ) -> None:
        try:
            self._write(
                case,
                events=events,
                next_due=next_due,
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
        return case_from_item(item)

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
            yield case_from_item(item)

    def bulk_load(self, cases: Iterable[tuple[Case, datetime | None]]) -> int:
        """Write many new cases with batch writes (load tests and benchmarks): the same items,
        index keys included, that `create_case` writes, without timelines or conditions."""
        count = 0
        with self.models.case.batch_write() as batch:
            for case, next_due in cases:
                # Revision 1, as `create_case` leaves a new case, so saves that follow agree.
                batch.save(self._case_item(replace(case, revision=1), next_due))
                count += 1
        return count

    def open_cases(self) -> Iterator[Case]:
        """Every open case, oldest first, through the sparse open-cases index (never a scan)."""
        index = self.models.case.open_cases_index
        shards = [index.query(f"OPEN#{shard}", page_size=100) for shard in range(self.shards)]
        for item in heapq.merge(*shards, key=lambda item: item.received_at):
            self.items_read += 1
            yield case_from_item(item)

    def cases_received(self, month: str) -> Iterator[Case]:
        """One month's partition of the received-month index, oldest first (never a scan)."""
        for item in self.models.case.received_month_index.query(month, page_size=100):
            self.items_read += 1
            yield case_from_item(item)

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

    def cases_of_customer(self, key: str) -> list[Case]:
        found = []
        for item in self.models.case.customer_cases_index.query(key, page_size=100):
            self.items_read += 1
            found.append(case_from_item(item))
        return found

    # -- residents' sign-in links ----------------------------------------------------------

    def keep_sign_in_link(self, link: SignInLink) -> None:
        m = self.models.sign_in
        m(
            f"SIGN_IN#{link.token_digest}",
            "SIGN_IN",
            customer_key=link.customer_key,
            issued_at=link.issued_at,
            valid_until=link.expires_at,
            return_to=link.return_to,
            expires_at=link.expires_at,
        ).save(condition=m.pk.does_not_exist())

    def use_sign_in_link(self, token_digest: str) -> SignInLink | None:
        m = self.models.sign_in
        try:
            item = m.get(f"SIGN_IN#{token_digest}", "SIGN_IN", consistent_read=True)
        except DoesNotExist:
            return None
        try:
            # Only the request whose delete removes the item may use it.
            item.delete(condition=m.pk.exists())
        except DeleteError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return SignInLink(
            token_digest=token_digest,
            customer_key=item.customer_key,
            issued_at=item.issued_at,
            expires_at=item.valid_until,
            return_to=item.return_to,
        )

    def all_cases(self) -> Iterator[Case]:
        m = self.models.case
        cases = [case_from_item(item) for item in m.scan(m.sk == "CASE")]
        yield from sorted(cases, key=lambda c: c.received_at)

    # -- triage -----------------------------------------------------------------------------

    def record_triage(self, record: TriageRecord) -> bool:
        m = self.models
        expires = record.received_at + self.retention
        try:
            with TransactWrite(connection=self._connection()) as tx:
                tx.save(
                    m.marker(f"DELIVERY#{record.idempotency_key}", "DELIVERY", outcome="triage"),
                    condition=m.marker.pk.does_not_exist(),
                )
                tx.save(
                    m.triage(
                        "TRIAGE",
                        f"{index_instant(record.received_at)}#{record.idempotency_key}",
                        idempotency_key=record.idempotency_key,
                        received_at=record.received_at,
                        reason=record.reason,
                        sender=record.sender,
                        subject=record.subject,
                        raw_location=record.raw_location,
                        details=dict(record.details),
                        expires_at=expires,
                    )
                )
        except TransactWriteError:
            if self.find_delivery(record.idempotency_key) is not None:
                return False
            raise
        return True

    def keep_classification_example(self, example: ClassificationExample) -> None:
        # Kept as long as a case closed at the moment of labelling would be: never longer than
        # the case itself.
        self.models.example(
            "CLASSIFIER_EXAMPLE",
            example.reference,
            subject=example.subject or "",
            body=example.body or "",
            label=example.label.value,
            first_type=example.first_type.value,
            labelled_at=example.labelled_at,
            expires_at=example.labelled_at + self.retention,
        ).save()

    def classification_examples(self) -> list[ClassificationExample]:
        found = [
            ClassificationExample(
                reference=item.sk,
                subject=item.subject,
                body=item.body,
                label=CaseType(item.label),
                first_type=CaseType(item.first_type),
                labelled_at=item.labelled_at,
            )
            for item in self.models.example.query("CLASSIFIER_EXAMPLE")
        ]
        return sorted(found, key=lambda e: e.labelled_at)

    def count_arrival(self, key: str, *, hour: str, expires_at: datetime) -> int:
        counter = self.models.counter(f"RATE#{key}", f"HOUR#{hour}")
        counter.update(
            actions=[
                self.models.counter.value.add(1),
                self.models.counter.expires_at.set(expires_at),
            ]
        )
        return int(counter.value)

    def triage_records(self) -> list[TriageRecord]:
        return [
            TriageRecord(
                idempotency_key=t.idempotency_key,
                received_at=t.received_at,
                reason=t.reason,
                sender=t.sender,
                subject=t.subject,
                raw_location=t.raw_location,
                details={k: str(v) for k, v in (t.details.as_dict() if t.details else {}).items()},
                resolution=(
                    TriageResolution(
                        outcome=TriageOutcome(t.resolved_outcome),
                        by=t.resolved_by or "",
                        at=t.resolved_at,
                        reason=t.resolved_reason,
                        reference=t.resolved_reference,
                    )
                    if t.resolved_outcome and t.resolved_at
                    else None
                ),
            )
            for t in self.models.triage.query("TRIAGE", consistent_read=True)
        ]

    def resolve_triage(self, record: TriageRecord, resolution: TriageResolution) -> bool:
        m = self.models.triage
        item = m("TRIAGE", f"{index_instant(record.received_at)}#{record.idempotency_key}")
        actions = [
            m.resolved_outcome.set(resolution.outcome.value),
            m.resolved_by.set(resolution.by),
            m.resolved_at.set(resolution.at),
        ]
        if resolution.reason:
            actions.append(m.resolved_reason.set(resolution.reason))
        if resolution.reference:
            actions.append(m.resolved_reference.set(resolution.reference))
        try:
            item.update(actions=actions, condition=m.pk.exists() & m.resolved_at.does_not_exist())
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

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
