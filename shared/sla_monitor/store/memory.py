"""An in-memory case store with the same behaviour as the DynamoDB one, for unit tests and for
exploring the engine without AWS. The contract tests run against both.

Conditional writes are atomic in DynamoDB, so they are here too: a lock makes each check and
write one step, which is what concurrent sweeps in the tests rely on."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sla_monitor.calendar import ClosureDay
from sla_monitor.cases import Case, SentLetter, TimelineEvent
from sla_monitor.directory import COUNCIL_ROLES, Department, Directory, Officer
from sla_monitor.listing import Listing, Schedule, closed_listing_of, listing_of, search_terms
from sla_monitor.reply_templates import ReplyTemplate, TemplateChange
from sla_monitor.store.ports import (
    AccountChange,
    Claim,
    Delivery,
    DuplicateDeliveryError,
    ExportStatus,
    SavedView,
    SessionRecord,
    SessionsEnded,
    Shelf,
    ShelfEntry,
    SignInLink,
    StaleCaseError,
    WorkListExport,
    customer_key,
    month_received,
    saved_view_key,
)
from sla_monitor.store.schema import DUE_SHARDS, chosen_shards, shard_of
from sla_monitor.store.shelves import counter_keys, entry_of, shelf_keys
from sla_monitor.triage import ClassificationExample, TriageRecord, TriageResolution


class InMemoryCaseStore:
    def __init__(self, reference_prefix: str = "NWL", *, shards: int = DUE_SHARDS) -> None:
        self.reference_prefix = reference_prefix
        self.shards = shards
        self.cases: dict[str, Case] = {}
        self.events: dict[str, list[TimelineEvent]] = {}
        self.next_due: dict[str, datetime] = {}
        self.deliveries: dict[str, Delivery] = {}
        self.message_ids: dict[str, str] = {}
        self.triage: dict[str, TriageRecord] = {}
        self.claims: dict[tuple[str, str], Claim] = {}
        self.letters: dict[tuple[str, str], SentLetter] = {}
        self.counters: dict[int, int] = {}
        self.arrivals: dict[tuple[str, str], int] = {}
        self.examples: dict[str, ClassificationExample] = {}
        self.sign_in_links: dict[str, SignInLink] = {}
        self.listings: dict[str, Listing] = {}
        self.closed_listings: dict[str, Listing] = {}  # the Closed view's shelves
        self.terms: dict[str, set[str]] = {}
        self.terms_of: dict[str, frozenset[str]] = {}
        self.exports: dict[str, WorkListExport] = {}
        self.sessions: dict[tuple[str, str], SessionRecord] = {}
        self.ended: dict[str, SessionsEnded] = {}
        self.account_trail: list[AccountChange] = []
        self.views: dict[tuple[str, str], SavedView] = {}
        self.reads = 0
        self._lock = threading.RLock()

    def next_reference(self, received_at: datetime) -> str:
        year = received_at.year
        self.counters[year] = self.counters.get(year, 0) + 1
        return f"{self.reference_prefix}-{year}-{self.counters[year]:06d}"

    def find_delivery(self, key: str) -> Delivery | None:
        return self.deliveries.get(key)

    def _record(
        self,
        case: Case,
        events: Sequence[TimelineEvent],
        schedule: Schedule,
        message_ids: Iterable[str],
    ) -> None:
        self.cases[case.reference] = case
        self.events.setdefault(case.reference, []).extend(events)
        if schedule.next_due is None:
            self.next_due.pop(case.reference, None)
        else:
            self.next_due[case.reference] = schedule.next_due
        listing = listing_of(case, schedule.deadline)
        if listing is None:
            self.listings.pop(case.reference, None)
        else:
            self.listings[case.reference] = listing
        closed = closed_listing_of(case)
        if closed is None:
            self.closed_listings.pop(case.reference, None)
        else:
            self.closed_listings[case.reference] = closed
        for term in self.terms_of.pop(case.reference, frozenset()):
            self.terms[term].discard(case.reference)
        self.terms_of[case.reference] = search_terms(case)
        for term in self.terms_of[case.reference]:
            self.terms.setdefault(term, set()).add(case.reference)
        for message_id in message_ids:
            self.message_ids[message_id] = case.reference

    def create_case(
        self,
        case: Case,
        *,
        events: Sequence[TimelineEvent],
        schedule: Schedule,
        idempotency_key: str | None = None,
        message_ids: Iterable[str] = (),
    ) -> Case:
        if idempotency_key and idempotency_key in self.deliveries:
            earlier = self.deliveries[idempotency_key]
            return self.cases[earlier.reference or ""]
        if case.reference in self.cases:
            raise ValueError(f"case {case.reference} exists")
        stored = replace(case, revision=1)
        self._record(stored, events, schedule, message_ids)
        if idempotency_key:
            self.deliveries[idempotency_key] = Delivery(idempotency_key, "case", case.reference)
        return stored

    def save_case(
        self,
        case: Case,
        *,
        events: Sequence[TimelineEvent] = (),
        schedule: Schedule,
        idempotency_key: str | None = None,
        message_ids: Iterable[str] = (),
    ) -> None:
        with self._lock:
            current = self.cases.get(case.reference)
            if current is None or current.revision != case.revision:
                raise StaleCaseError(case.reference)
            if idempotency_key and idempotency_key in self.deliveries:
                raise DuplicateDeliveryError(idempotency_key)
            self._record(replace(case, revision=case.revision + 1), events, schedule, message_ids)
            if idempotency_key:
                self.deliveries[idempotency_key] = Delivery(
                    idempotency_key, "reply", case.reference
                )

    def get_case(self, reference: str) -> Case | None:
        self.reads += 1
        return self.cases.get(reference)

    def timeline(self, reference: str) -> list[TimelineEvent]:
        return sorted(self.events.get(reference, []), key=lambda e: e.at)

    def find_case_by_message_id(self, message_id: str) -> str | None:
        return self.message_ids.get(message_id)

    def record_triage(self, record: TriageRecord) -> bool:
        if record.idempotency_key in self.deliveries:
            return False
        self.deliveries[record.idempotency_key] = Delivery(record.idempotency_key, "triage", None)
        self.triage[record.idempotency_key] = record
        return True

    def triage_records(self) -> list[TriageRecord]:
        return sorted(self.triage.values(), key=lambda r: r.received_at)

    def keep_classification_example(self, example: ClassificationExample) -> None:
        self.examples[example.reference] = example

    def classification_examples(self) -> list[ClassificationExample]:
        return sorted(self.examples.values(), key=lambda e: e.labelled_at)

    def count_arrival(self, key: str, *, hour: str, expires_at: datetime) -> int:
        with self._lock:
            count = self.arrivals.get((key, hour), 0) + 1
            self.arrivals[(key, hour)] = count
            return count

    def resolve_triage(self, record: TriageRecord, resolution: TriageResolution) -> bool:
        with self._lock:
            stored = self.triage.get(record.idempotency_key)
            if stored is None or stored.resolution is not None:
                return False
            self.triage[record.idempotency_key] = replace(stored, resolution=resolution)
            return True

    def cases_due(
        self, now: datetime, *, limit: int | None = None, shards: Iterable[int] | None = None
    ) -> Iterator[Case]:
        chosen = set(chosen_shards(shards, self.shards))
        due = sorted(
            (at, ref)
            for ref, at in self.next_due.items()
            if at <= now and shard_of(ref, self.shards) in chosen
        )
        for count, (_, reference) in enumerate(due):
            if limit is not None and count >= limit:
                return
            self.reads += 1
            yield self.cases[reference]

    def open_cases(self) -> Iterator[Case]:
        yield from (c for c in self.all_cases() if c.is_open)

    # -- the work list's shelves -----------------------------------------------------------------

    def shelved(
        self,
        shelf: Shelf,
        key: str,
        *,
        after: str | None = None,
        before: str | None = None,
        page_size: int = 50,
    ) -> Iterator[ShelfEntry]:
        entries = sorted(
            (
                entry_of(listing)
                for listing in (*self.listings.values(), *self.closed_listings.values())
                if shelf_keys(listing, self.shards).get(shelf) == key
            ),
            key=lambda e: e.position,
        )
        for entry in entries:
            if after is not None and entry.position <= after:
                continue
            if before is not None and entry.position >= before:
                return
            self.reads += 1
            yield entry

    def get_cases(self, references: Sequence[str]) -> list[Case]:
        found = [self.cases[r] for r in references if r in self.cases]
        self.reads += len(found)
        return found

    def work_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for listing in self.listings.values():
            for key in counter_keys(listing):
                counts[key] = counts.get(key, 0) + 1
        return counts

    def cases_with_term(self, term: str, *, limit: int | None = None) -> list[str]:
        # As DynamoDB orders them: by when received, then by reference.
        found = sorted(self.terms.get(term, ()), key=lambda r: (self.cases[r].received_at, r))
        return found[::-1][:limit]

    def cases_of_customer(self, key: str) -> list[Case]:
        found = [c for c in self.cases.values() if customer_key(c.customer.email) == key]
        return sorted(found, key=lambda c: c.received_at)

    def keep_sign_in_link(self, link: SignInLink) -> None:
        with self._lock:
            if link.token_digest in self.sign_in_links:
                raise ValueError("a sign-in link with this token is kept already")
            self.sign_in_links[link.token_digest] = link

    def use_sign_in_link(self, token_digest: str) -> SignInLink | None:
        with self._lock:
            return self.sign_in_links.pop(token_digest, None)

    def keep_export(self, export: WorkListExport, *, expires_at: datetime) -> None:
        with self._lock:
            if export.export_id in self.exports:
                raise ValueError("an export with this id is kept already")
            self.exports[export.export_id] = export

    def get_export(self, export_id: str) -> WorkListExport | None:
        return self.exports.get(export_id)

    def finish_export(self, export: WorkListExport) -> bool:
        with self._lock:
            stored = self.exports.get(export.export_id)
            if stored is None or stored.status is not ExportStatus.PREPARING:
                return False
            self.exports[export.export_id] = export
            return True

    # -- officers' saved views of the work list ----------------------------------------------

    def saved_views(self, officer_id: str) -> list[SavedView]:
        mine = sorted(
            (key, view) for (officer, key), view in self.views.items() if officer == officer_id
        )
        self.reads += len(mine)
        return [view for _, view in mine]

    def save_view(self, view: SavedView) -> None:
        with self._lock:
            self.views[(view.officer_id, saved_view_key(view.name))] = view

    def remove_view(self, officer_id: str, name: str) -> bool:
        with self._lock:
            return self.views.pop((officer_id, saved_view_key(name)), None) is not None

    # -- sessions and the staff accounts' audit trail --------------------------------------

    def sessions_ended(self, holder: str) -> SessionsEnded:
        return self.ended.get(holder, SessionsEnded())

    def keep_session(self, session: SessionRecord, *, ended: SessionsEnded) -> bool:
        with self._lock:
            if self.sessions_ended(session.holder) != ended:
                return False
            key = (session.holder, session.session_digest)
            if key in self.sessions:
                raise ValueError("a session with this id is kept already")
            self.sessions[key] = session
            return True

    def get_session(self, holder: str, session_digest: str) -> SessionRecord | None:
        return self.sessions.get((holder, session_digest))

    def end_session(self, holder: str, session_digest: str) -> None:
        with self._lock:
            self.sessions.pop((holder, session_digest), None)

    def end_sessions_of(self, holder: str, *, at: datetime) -> int:
        with self._lock:
            self.ended[holder] = SessionsEnded(self.sessions_ended(holder).count + 1, at)
            kept = [key for key in self.sessions if key[0] == holder]
            live = sum(1 for key in kept if self.sessions[key].valid_until > at)
            for key in kept:
                del self.sessions[key]
            return live

    def record_account_change(self, change: AccountChange) -> None:
        with self._lock:
            self.account_trail.append(change)

    def account_changes(self, *, limit: int = 200) -> list[AccountChange]:
        return sorted(self.account_trail, key=lambda c: c.at, reverse=True)[:limit]

    def all_cases(self) -> Iterator[Case]:
        yield from sorted(self.cases.values(), key=lambda c: c.received_at)

    def cases_received(self, month: str) -> Iterator[Case]:
        for case in self.all_cases():
            if month_received(case.received_at) == month:
                self.reads += 1
                yield case

    def due_at(self, reference: str) -> datetime | None:
        return self.next_due.get(reference)

    def claim_action(
        self, reference: str, key: str, *, now: datetime, lease_until: datetime
    ) -> Claim | None:
        with self._lock:
            existing = self.claims.get((reference, key))
            # Same rule as DynamoDB: free, or unsent with a lease that ran out before `now`.
            if existing is not None and (existing.sent or existing.lease_until >= now):
                return None
            claim = Claim(reference, key, claimed_at=now, lease_until=lease_until, sent=False)
            self.claims[(reference, key)] = claim
            return claim

    def get_claim(self, reference: str, key: str) -> Claim | None:
        return self.claims.get((reference, key))

    def release_claim(
        self, reference: str, key: str, *, claimed_at: datetime | None = None
    ) -> None:
        with self._lock:
            claim = self.claims.get((reference, key))
            if claim is None or claim.sent:
                return
            if claimed_at is not None and claim.claimed_at != claimed_at:
                return  # another sweep took it over since: it is theirs now
            del self.claims[(reference, key)]

    def mark_action_sent(
        self,
        reference: str,
        key: str,
        *,
        sent_at: datetime,
        message_id: str | None = None,
        outcome: str | None = None,
    ) -> None:
        with self._lock:
            claim = self.claims[(reference, key)]
            self.claims[(reference, key)] = replace(
                claim, sent=True, sent_at=sent_at, message_id=message_id, outcome=outcome
            )

    # -- one person's records (`store.personal_records`) --------------------------------------

    def triage_records_from(self, sender_key: str) -> list[TriageRecord]:
        found = [r for r in self.triage.values() if customer_key(r.sender) == sender_key]
        return sorted(found, key=lambda r: r.received_at)

    def sign_in_links_of(self, key: str) -> list[SignInLink]:
        return [link for link in self.sign_in_links.values() if link.customer_key == key]

    def sessions_of(self, holder: str) -> list[SessionRecord]:
        return [s for (h, _), s in self.sessions.items() if h == holder]

    def classification_example(self, reference: str) -> ClassificationExample | None:
        return self.examples.get(reference)

    def letters_of(self, reference: str) -> list[tuple[str, SentLetter]]:
        return [(key, letter) for (ref, key), letter in self.letters.items() if ref == reference]

    def erase_timeline(
        self, reference: str, erase: Callable[[TimelineEvent], TimelineEvent]
    ) -> int:
        with self._lock:
            events = self.events.get(reference, [])
            self.events[reference] = [erase(e) for e in events]
            return len(events)

    def forget_letters(self, reference: str) -> int:
        with self._lock:
            keys = [k for k in self.letters if k[0] == reference]
            for k in keys:
                del self.letters[k]
            return len(keys)

    def forget_classification_example(self, reference: str) -> bool:
        return self.examples.pop(reference, None) is not None

    def forget_triage_record(self, record: TriageRecord) -> None:
        self.triage.pop(record.idempotency_key, None)

    def forget_sign_in_links(self, key: str) -> int:
        with self._lock:
            digests = [d for d, link in self.sign_in_links.items() if link.customer_key == key]
            for d in digests:
                del self.sign_in_links[d]
            return len(digests)

    def keep_letter(self, reference: str, key: str, letter: SentLetter) -> None:
        with self._lock:
            self.letters[(reference, key)] = letter

    def letter(self, reference: str, key: str) -> SentLetter | None:
        self.reads += 1
        return self.letters.get((reference, key))


class InMemoryDirectoryStore:
    def __init__(
        self, directory: Directory | None = None, closures: Iterable[ClosureDay] = ()
    ) -> None:
        self.directory = directory or Directory()
        self.closures: dict[date, ClosureDay] = {c.day: c for c in closures}
        # Who last set each role and when, as the directory table keeps it.
        self.role_changes: dict[str, tuple[str, datetime]] = {}
        self.policies: dict[str, str] = {}
        self.templates: dict[str, ReplyTemplate] = {}
        self.template_changes: list[TemplateChange] = []

    def load_directory(self) -> Directory:
        return self.directory

    def save_directory(self, directory: Directory) -> None:
        self.directory = directory

    def save_department(self, department: Department) -> None:
        others = [d for d in self.directory.departments if d.code != department.code]
        self.directory = replace(self.directory, departments=(*others, department))

    def save_officer(self, officer: Officer) -> None:
        others = [o for o in self.directory.officers if o.officer_id != officer.officer_id]
        self.directory = replace(self.directory, officers=(*others, officer))

    def save_role(self, role: str, value: str, *, changed_by: str, changed_at: datetime) -> None:
        if role not in COUNCIL_ROLES:
            raise ValueError(f"unknown role {role!r}")
        changes: dict[str, Any] = {role: value}
        self.directory = replace(self.directory, **changes)
        self.role_changes[role] = (changed_by, changed_at)

    def closure_days(self) -> list[ClosureDay]:
        return sorted(self.closures.values(), key=lambda c: c.day)

    def add_closure_day(self, closure: ClosureDay) -> bool:
        if closure.day in self.closures:
            return False
        self.closures[closure.day] = closure
        return True

    def remove_closure_day(self, day: date) -> bool:
        return self.closures.pop(day, None) is not None

    def keep_policy(self, version: str, text: str) -> None:
        self.policies.setdefault(version, text)

    def policy_text(self, version: str) -> str | None:
        return self.policies.get(version)

    def reply_templates(self) -> list[ReplyTemplate]:
        return sorted(self.templates.values(), key=lambda t: t.title.casefold())

    def reply_template_changes(self, key: str) -> list[TemplateChange]:
        return [c for c in self.template_changes if c.key == key]

    def keep_reply_template(self, template: ReplyTemplate, change: TemplateChange) -> None:
        self.template_changes.append(change)
        self.templates[template.key] = template
