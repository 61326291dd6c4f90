"""The case store's records beside the cases: residents' sign-in links, triage records,
classification examples and arrival counters (a part of `DynamoDBCaseStore`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from sla_monitor.cases import CaseType
from sla_monitor.store.dynamodb.items import index_instant
from sla_monitor.store.dynamodb.personal_records import sign_in_pointer, triage_pointer
from sla_monitor.store.ports import Delivery, SignInLink, customer_key
from sla_monitor.triage import (
    ClassificationExample,
    TriageOutcome,
    TriageRecord,
    TriageResolution,
)


class SideRecords:
    """Sign-in links, triage, classification examples and arrival counters in the cases table."""

    models: Any
    retention: timedelta

    def _connection(self) -> Connection:
        raise NotImplementedError

    def find_delivery(self, key: str) -> Delivery | None:
        raise NotImplementedError

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
        # Found again by the address it was sent to, for a subject access request.
        sign_in_pointer(self.models.term, link).save()

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

    # -- triage -----------------------------------------------------------------------------

    def record_triage(self, record: TriageRecord) -> bool:
        m = self.models
        expires = record.received_at + self.retention
        sort_key = f"{index_instant(record.received_at)}#{record.idempotency_key}"
        try:
            with TransactWrite(connection=self._connection()) as tx:
                tx.save(
                    m.marker(f"DELIVERY#{record.idempotency_key}", "DELIVERY", outcome="triage"),
                    condition=m.marker.pk.does_not_exist(),
                )
                tx.save(
                    m.triage(
                        "TRIAGE",
                        sort_key,
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
                sender_key = customer_key(record.sender)
                if sender_key:
                    # Found again by the sender's address, for a subject access request.
                    tx.save(triage_pointer(m.term, sender_key, sort_key, expires))
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
            self._triage_record(t) for t in self.models.triage.query("TRIAGE", consistent_read=True)
        ]

    def _triage_record(self, t: Any) -> TriageRecord:
        return TriageRecord(
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
