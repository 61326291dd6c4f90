"""Correcting a person's details and erasing them (UK GDPR articles 16 and 17).

Rectification is a new fact on each case's timeline: the customer's (or their representative's)
details as they should be, who asked, why, and who recorded it; what was recorded before stays
recorded. Erasure is the one change that rewrites what was recorded, because the law requires
it: each case where the person is the customer keeps only its anonymous facts (dates, type,
channel, department, officer, clocks, breaches, outcome, what the council refused or learned),
its words and the customer's details become a tombstone, the files and raw mail they sent are
deleted, and so are the letters kept as sent, the classifier examples made from their words,
the mail set aside from their address and their residents' sign-in links and sessions. Every
report reads those anonymous facts, so its figures are the same after an erasure as before.

Refused while any of their cases is on legal hold, or still open (it is still being dealt
with: close it first). A case found by the person's name alone is never erased: someone must
first check it is theirs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, Customer, Preferences, Representative, TimelineEvent
from sla_monitor.privacy.files import PersonsFiles
from sla_monitor.privacy.holdings import HeldCase, Holdings, Person, Standing, find_person
from sla_monitor.staff.legal_hold import refuse_while_held
from sla_monitor.staff.steps import ActionNotAllowed, change_case
from sla_monitor.store.personal_records import PrivacyStore
from sla_monitor.store.ports import customer_key

if TYPE_CHECKING:
    from sla_monitor.policy import Policy

# What stands where personal data stood.
TOMBSTONE = "(erased)"
ERASED = "personal_data_erased"
CORRECTED = "contact_details_corrected"
# Timeline details that are facts about the case, never about the person: kept by an erasure.
_ANONYMOUS_DETAILS = frozenset(
    {
        "action",
        "clock",
        "stage",
        "occurrence",
        "due",
        "key",
        "channel",
        "case_type",
        "department",
        "outcome",
        "decision",
        "count",
        "size",
        "content_type",
        "quarantined",
        "reason_name",
    }
)


@dataclass(frozen=True)
class Request:
    """Who asked, why, and who on the council's side acts on it."""

    reason: str
    requested_by: str  # the request's own reference, or who made it (not the person's name)
    by: str  # the officer acting

    def check(self) -> None:
        if not self.reason.strip():
            raise ActionNotAllowed("say why, such as the person's request under UK GDPR")
        if not self.requested_by.strip():
            raise ActionNotAllowed("say who asked, such as the request's reference")


@dataclass(frozen=True)
class ErasurePlan:
    """What an erasure deletes or makes anonymous (all of it, or with --dry-run what it would)."""

    cases: tuple[str, ...]
    representative_of: tuple[str, ...]  # cases where only their details as representative go
    not_theirs: tuple[str, ...]  # found by name alone: not touched
    files: tuple[str, ...]
    letters: int
    classifier_examples: int
    triage: int
    sign_in_links: int
    sessions: int
    done: bool = False
    refused: tuple[str, ...] = field(default=())


def erase_person(
    person: Person,
    request: Request,
    *,
    store: PrivacyStore,
    files: PersonsFiles,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
    dry_run: bool = False,
) -> ErasurePlan:
    """Erase `person` from every case they are the customer of or act for, and every record
    held about them beside the cases; with `dry_run`, only say what would go."""
    request.check()
    holdings = find_person(person, store=store)
    customer = [h for h in holdings.cases if h.standing is Standing.CUSTOMER]
    representative = [h for h in holdings.cases if h.standing is Standing.REPRESENTATIVE]
    for held in (*customer, *representative):
        refuse_while_held(held.case, "erased")
        if held.case.is_open:
            raise ActionNotAllowed(
                f"{held.case.reference} is still open: close it before erasing the person's data"
            )
    plan = _plan(holdings, customer, representative)
    if dry_run:
        return plan
    casework: dict[str, Any] = {"store": store, "policy": policy, "calendar": calendar, "now": now}
    summary = f"personal data erased: {request.reason.strip()} (asked by {request.requested_by})"
    details = {"reason": request.reason.strip(), "requested_by": request.requested_by.strip()}
    for held in customer:
        for location in _files_of(held):
            files.delete(location)
        store.erase_timeline(held.case.reference, _erased_event)
        store.forget_letters(held.case.reference)
        store.forget_classification_example(held.case.reference)
        _change(held, _erased_case, request.by, summary, details, casework)
    for held in representative:
        assert held.case.representative is not None
        store.erase_timeline(
            held.case.reference, partial(_without_words, words=_words_of(held.case.representative))
        )
        _change(held, _without_representative, request.by, summary, details, casework)
    for record in holdings.triage:
        if record.raw_location:
            files.delete(record.raw_location)
        store.forget_triage_record(record)
    key = customer_key(person.address)
    if key:
        store.forget_sign_in_links(key)
        store.end_sessions_of(key, at=now)
    return replace(plan, done=True)


def _change(
    held: HeldCase,
    erase: Callable[[Case], Case],
    by: str,
    summary: str,
    details: dict[str, str],
    casework: dict[str, Any],
) -> None:
    def change(case: Case) -> tuple[Case, TimelineEvent]:
        refuse_while_held(case, "erased")
        return erase(case), TimelineEvent(
            at=casework["now"], kind=ERASED, actor=by, summary=summary, details=details
        )

    change_case(held.case.reference, change, **casework)


def _plan(
    holdings: Holdings, customer: list[HeldCase], representative: list[HeldCase]
) -> ErasurePlan:
    return ErasurePlan(
        cases=tuple(h.case.reference for h in customer),
        representative_of=tuple(h.case.reference for h in representative),
        not_theirs=tuple(
            h.case.reference for h in holdings.cases if h.standing is Standing.NAME_ONLY
        ),
        files=tuple(f for h in customer for f in _files_of(h))
        + tuple(r.raw_location for r in holdings.triage if r.raw_location),
        letters=sum(len(h.letters) for h in customer),
        classifier_examples=sum(1 for h in customer if h.example is not None),
        triage=len(holdings.triage),
        sign_in_links=len(holdings.sign_in_links),
        sessions=len(holdings.sessions),
    )


def _files_of(held: HeldCase) -> list[str]:
    return [f.key for f in held.files]


def _erased_event(event: TimelineEvent) -> TimelineEvent:
    """The event's instant, kind and who acted stay; its words go, and every detail that is not
    an anonymous fact about the case."""
    kept = {k: v for k, v in event.details.items() if k in _ANONYMOUS_DETAILS}
    return replace(event, summary=TOMBSTONE, details=kept)


def _words_of(representative: Representative) -> tuple[str, ...]:
    """What names a representative on a timeline: their name, email, phone and address."""
    given = (representative.name, representative.email, representative.phone)
    return tuple(w for w in (*given, representative.address) if w and w.strip())


def _without_words(event: TimelineEvent, words: tuple[str, ...]) -> TimelineEvent:
    """The event with each of `words` (someone's details on another person's case) made a
    tombstone, in its summary and its details; the rest of it stays."""

    def cleaned(text: str) -> str:
        for word in words:
            text = re.sub(re.escape(word), TOMBSTONE, text, flags=re.IGNORECASE)
        return text

    return replace(
        event,
        summary=cleaned(event.summary),
        details={k: cleaned(v) for k, v in event.details.items()},
    )


def _erased_case(case: Case) -> Case:
    """The case's anonymous facts, with a tombstone where the person's data stood."""
    return replace(
        case,
        subject=TOMBSTONE,
        description=TOMBSTONE,
        customer=Customer(name=TOMBSTONE),
        preferences=Preferences(contact_method=case.preferences.contact_method),
        outcome_summary=TOMBSTONE if case.outcome_summary else None,
        pauses=tuple(replace(p, reason=TOMBSTONE) for p in case.pauses),
        extensions=tuple(replace(e, reason=TOMBSTONE) for e in case.extensions),
        responses=tuple(
            replace(
                r,
                findings=TOMBSTONE,
                apology=TOMBSTONE if r.apology else None,
                remedy=TOMBSTONE if r.remedy else None,
            )
            for r in case.responses
        ),
        remedies=tuple(
            replace(r, action=TOMBSTONE, done_note=TOMBSTONE if r.done_note else None)
            for r in case.remedies
        ),
        stage_2=replace(case.stage_2, reason=TOMBSTONE) if case.stage_2 else None,
        notifications=tuple(replace(n, details={}) for n in case.notifications),
        reply_addresses=(),
        representative=None,
        source_message_id=None,
    )


def _without_representative(case: Case) -> Case:
    return replace(case, representative=None)


# -- rectification -------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """The details as they should be; None leaves one as it is."""

    email: str | None = None
    name: str | None = None
    phone: str | None = None
    address: str | None = None

    def fields(self) -> dict[str, str]:
        given = {
            "email": self.email,
            "name": self.name,
            "phone": self.phone,
            "address": self.address,
        }
        return {k: v.strip() for k, v in given.items() if v and v.strip()}


def rectify_person(
    person: Person,
    correction: Correction,
    request: Request,
    *,
    store: PrivacyStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> list[str]:
    """Correct the person's details on every case they are the customer of or act for, as a
    new fact on each timeline; returns the references corrected. A case on legal hold is
    corrected too: a correction loses nothing."""
    request.check()
    fields: dict[str, Any] = correction.fields()
    if not fields:
        raise ActionNotAllowed("give at least one detail as it should be")
    holdings = find_person(person, store=store)
    casework: dict[str, Any] = {"store": store, "policy": policy, "calendar": calendar, "now": now}
    corrected = []
    named = ", ".join(fields)
    summary = f"{named} corrected: {request.reason.strip()} (asked by {request.requested_by})"
    details = {**fields, "reason": request.reason.strip(), "requested_by": request.requested_by}
    for held in holdings.cases:
        if held.standing is Standing.NAME_ONLY:
            continue

        def change(case: Case, standing: Standing = held.standing) -> tuple[Case, TimelineEvent]:
            if standing is Standing.CUSTOMER:
                changed = replace(case, customer=replace(case.customer, **fields))
            else:
                assert case.representative is not None
                changed = replace(case, representative=replace(case.representative, **fields))
            return changed, TimelineEvent(
                at=now, kind=CORRECTED, actor=request.by, summary=summary, details=details
            )

        change_case(held.case.reference, change, **casework)
        corrected.append(held.case.reference)
    return corrected
