"""What the store keeps about one person, read and forgotten by the pointers written when the
records were made, never by scanning: the port `sla_monitor.privacy` serves a person's rights
through (find, export, correct, erase).

Besides the cases (found by the customer-cases index and the search's terms), a person may be
named by mail set aside from their address (triage), the sign-in links and sessions of the
residents' pages (by `customer_key`), a case's classifier example, and the letters kept as
sent under each case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sla_monitor.cases import SentLetter, TimelineEvent
from sla_monitor.store.ports import CaseStore, SessionRecord, SignInLink
from sla_monitor.triage import ClassificationExample, TriageRecord


class PersonalRecords(Protocol):
    def triage_records_from(self, sender_key: str) -> list[TriageRecord]:
        """The mail set aside from the address whose `customer_key` this is, oldest first."""
        ...

    def sign_in_links_of(self, customer_key: str) -> list[SignInLink]:
        """The residents' pages' sign-in links sent to this address and not yet expired."""
        ...

    def sessions_of(self, holder: str) -> list[SessionRecord]:
        """The residents' pages' sessions of this holder (a `customer_key`) still kept."""
        ...

    def classification_example(self, reference: str) -> ClassificationExample | None:
        """The classifier example made from a case's message, if one was kept."""
        ...

    def letters_of(self, reference: str) -> list[tuple[str, SentLetter]]:
        """Every letter kept as sent on the case, by the key of the action that sent it."""
        ...

    # -- erasure (the only writes that change what was recorded: the law requires them) --------

    def erase_timeline(
        self, reference: str, erase: Callable[[TimelineEvent], TimelineEvent]
    ) -> int:
        """Rewrite each of the case's timeline events as `erase` gives it back (same instant,
        kind and place); returns how many were rewritten."""
        ...

    def forget_letters(self, reference: str) -> int:
        """Delete the letters kept as sent on the case; returns how many."""
        ...

    def forget_classification_example(self, reference: str) -> bool: ...

    def forget_triage_record(self, record: TriageRecord) -> None:
        """Delete a set-aside message's record and its pointer from the sender's address."""
        ...

    def forget_sign_in_links(self, customer_key: str) -> int: ...


class PrivacyStore(CaseStore, PersonalRecords, Protocol):
    """The case store with a person's records besides: what serving their rights needs."""
