"""A person's records in the cases table, read and forgotten by pointers written when the
records were made (a part of `DynamoDBCaseStore`; the port is `store.personal_records`):

    pk                         sk                    what
    TRIAGE#<customer key>      <utc>#<key>           points at a set-aside message from the address
    SIGN_IN#<customer key>     LINK#<token digest>   points at a sign-in link sent to the address

Each pointer expires with the record it points at. Finding what is held about one person reads
their partitions and the items they point at: nothing here scans.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import DoesNotExist

from sla_monitor.cases import CaseType, SentLetter, TimelineEvent
from sla_monitor.store.dynamodb.items import index_instant, timeline_event
from sla_monitor.store.ports import SessionRecord, SignInLink, customer_key
from sla_monitor.triage import ClassificationExample, TriageRecord

TRIAGE_FROM = "TRIAGE#"
LINKS_TO = "SIGN_IN#"
LINK = "LINK#"


def triage_pointer(model: Any, sender_key: str, sort_key: str, expires_at: Any) -> Any:
    return model(f"{TRIAGE_FROM}{sender_key}", sort_key, reference="TRIAGE", expires_at=expires_at)


def sign_in_pointer(model: Any, link: SignInLink) -> Any:
    return model(
        f"{LINKS_TO}{link.customer_key}",
        f"{LINK}{link.token_digest}",
        reference=link.token_digest,
        expires_at=link.expires_at,
    )


class PersonalRecordItems:
    """Reads and forgets one person's records by their pointers and their cases' partitions."""

    models: Any

    def _triage_record(self, item: Any) -> TriageRecord:
        raise NotImplementedError

    def triage_records_from(self, sender_key: str) -> list[TriageRecord]:
        found = []
        for pointer in self.models.term.query(f"{TRIAGE_FROM}{sender_key}"):
            try:
                item = self.models.triage.get("TRIAGE", pointer.sk)
            except DoesNotExist:
                continue  # expired before its pointer did, or forgotten
            found.append(self._triage_record(item))
        return found

    def sign_in_links_of(self, customer_key: str) -> list[SignInLink]:
        found = []
        for pointer in self.models.term.query(f"{LINKS_TO}{customer_key}"):
            try:
                item = self.models.sign_in.get(f"SIGN_IN#{pointer.reference}", "SIGN_IN")
            except DoesNotExist:
                continue  # used (a link works once), or expired
            found.append(
                SignInLink(
                    token_digest=pointer.reference,
                    customer_key=item.customer_key,
                    issued_at=item.issued_at,
                    expires_at=item.valid_until,
                    return_to=item.return_to,
                )
            )
        return found

    def sessions_of(self, holder: str) -> list[SessionRecord]:
        m = self.models.session
        return [
            SessionRecord(
                holder=holder,
                session_digest=item.sk.removeprefix("SESSION#"),
                started_at=item.started_at,
                valid_until=item.valid_until,
            )
            for item in m.query(f"SESSIONS#{holder}", m.sk.startswith("SESSION#"))
        ]

    def classification_example(self, reference: str) -> ClassificationExample | None:
        try:
            item = self.models.example.get("CLASSIFIER_EXAMPLE", reference)
        except DoesNotExist:
            return None
        return ClassificationExample(
            reference=reference,
            subject=item.subject,
            body=item.body,
            label=CaseType(item.label),
            first_type=CaseType(item.first_type),
            labelled_at=item.labelled_at,
        )

    def letters_of(self, reference: str) -> list[tuple[str, SentLetter]]:
        m = self.models.letter
        return [
            (
                item.sk.removeprefix("LETTER#"),
                SentLetter(subject=item.subject, text=item.text, pdf=item.pdf),
            )
            for item in m.query(f"CASE#{reference}", m.sk.startswith("LETTER#"))
        ]

    # -- erasure ----------------------------------------------------------------------------

    def erase_timeline(
        self, reference: str, erase: Callable[[TimelineEvent], TimelineEvent]
    ) -> int:
        m = self.models.event
        rewritten = 0
        for item in m.query(f"CASE#{reference}", m.sk.startswith("EVENT#")):
            erased = erase(timeline_event(item))
            item.update(
                actions=[m.summary.set(erased.summary), m.details.set(dict(erased.details))]
            )
            rewritten += 1
        return rewritten

    def forget_letters(self, reference: str) -> int:
        m = self.models.letter
        items = list(m.query(f"CASE#{reference}", m.sk.startswith("LETTER#")))
        for item in items:
            item.delete()
        return len(items)

    def forget_classification_example(self, reference: str) -> bool:
        try:
            item = self.models.example.get("CLASSIFIER_EXAMPLE", reference)
        except DoesNotExist:
            return False
        item.delete()
        return True

    def forget_triage_record(self, record: TriageRecord) -> None:
        sort_key = f"{index_instant(record.received_at)}#{record.idempotency_key}"
        self.models.triage("TRIAGE", sort_key).delete()
        sender_key = customer_key(record.sender)
        if sender_key:
            self.models.term(f"{TRIAGE_FROM}{sender_key}", sort_key).delete()

    def forget_sign_in_links(self, customer_key: str) -> int:
        pointers = list(self.models.term.query(f"{LINKS_TO}{customer_key}"))
        for pointer in pointers:
            self.models.sign_in(f"SIGN_IN#{pointer.reference}", "SIGN_IN").delete()
            pointer.delete()
        return len(pointers)
