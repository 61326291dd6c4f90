"""Everything held about one person, found by their email address, phone number or name: the
cases where they are the customer or act for the customer, what they sent and were sent on each,
the files they sent (the raw email among them), the letters kept as sent, the mail set aside
from their address, the residents' pages' sign-in links and sessions, and the classifier examples
made from their words. Each read follows an index or a pointer (`store.personal_records`)."""

from __future__ import annotations

import enum
import itertools
from dataclasses import dataclass
from datetime import datetime

from sla_monitor.attachments import CaseAttachment, case_attachments
from sla_monitor.cases import Case, SentLetter, TimelineEvent
from sla_monitor.listing import phone_digits, words
from sla_monitor.store.personal_records import PrivacyStore
from sla_monitor.store.ports import SessionRecord, SignInLink, customer_key, normalise_email
from sla_monitor.triage import ClassificationExample, TriageRecord


@dataclass(frozen=True)
class Person:
    """Who a request is about, as they identified themselves."""

    email: str | None = None
    name: str | None = None
    phone: str | None = None

    def __post_init__(self) -> None:
        if not (self.email or self.name or self.phone):
            raise ValueError("name the person by their email address, name or phone number")

    @property
    def address(self) -> str | None:
        return normalise_email(self.email)

    @property
    def digits(self) -> str | None:
        return phone_digits(self.phone) if self.phone else None

    @property
    def name_words(self) -> list[str]:
        return [w for w in words(self.name or "") if len(w) > 1]


class Standing(enum.StrEnum):
    """How a case concerns the person."""

    CUSTOMER = "customer"
    REPRESENTATIVE = "representative"
    # Found by their name alone: someone must check it is the same person before it is given.
    NAME_ONLY = "name_only"

    @property
    def words(self) -> str:
        return {
            Standing.CUSTOMER: "the customer",
            Standing.REPRESENTATIVE: "acting for the customer",
            Standing.NAME_ONLY: "the same name only: check it is the same person",
        }[self]


@dataclass(frozen=True)
class HeldCase:
    case: Case
    standing: Standing
    timeline: tuple[TimelineEvent, ...]
    files: tuple[CaseAttachment, ...]
    letters: tuple[tuple[str, SentLetter], ...]
    example: ClassificationExample | None


@dataclass(frozen=True)
class Holdings:
    person: Person
    cases: tuple[HeldCase, ...]
    triage: tuple[TriageRecord, ...]
    sign_in_links: tuple[SignInLink, ...]
    sessions: tuple[SessionRecord, ...]

    def records(self) -> list[HeldRecord]:
        """Every record held, one line each, with why it is held and where."""
        found: list[HeldRecord] = []
        for held in self.cases:
            case = held.case
            found.append(
                HeldRecord(
                    "case",
                    case.reference,
                    case.received_at,
                    f"{case.case_type.label}, {held.standing.words}: {case.subject}",
                    WHY["case"],
                    "cases table",
                )
            )
            messages = [e for e in held.timeline if e.kind in _MESSAGE_KINDS]
            found += [
                HeldRecord(
                    "message", case.reference, e.at, e.summary, WHY["message"], "cases table"
                )
                for e in messages
            ]
            found += [
                HeldRecord(
                    "file", case.reference, f.received_at, f.filename, WHY["file"], "mail bucket"
                )
                for f in held.files
            ]
            sent_at = {s.key: s.sent_at for s in case.sent}
            found += [
                HeldRecord(
                    "letter",
                    case.reference,
                    sent_at.get(key),
                    letter.subject,
                    WHY["letter"],
                    "cases table",
                )
                for key, letter in held.letters
            ]
            if held.example is not None:
                found.append(
                    HeldRecord(
                        "classifier example",
                        case.reference,
                        held.example.labelled_at,
                        held.example.subject,
                        WHY["classifier example"],
                        "cases table",
                    )
                )
        found += [
            HeldRecord(
                "mail set aside",
                None,
                r.received_at,
                f"{r.subject or '(no subject)'} ({r.reason})",
                WHY["mail set aside"],
                "cases table; the raw email in the mail bucket"
                if r.raw_location
                else "cases table",
            )
            for r in self.triage
        ]
        found += [
            HeldRecord(
                "sign-in link",
                None,
                link.issued_at,
                "a link to their cases",
                WHY["sign-in link"],
                "cases table",
            )
            for link in self.sign_in_links
        ]
        found += [
            HeldRecord(
                "session",
                None,
                s.started_at,
                "signed in to their cases",
                WHY["session"],
                "cases table",
            )
            for s in self.sessions
        ]
        return found


@dataclass(frozen=True)
class HeldRecord:
    kind: str
    reference: str | None
    at: datetime | None
    description: str
    why: str
    where: str


# Why each kind of record is held, in the words a Data Protection Officer gives a requester.
WHY = {
    "case": "to deal with what you asked of the council and keep its customer contact promises",
    "message": "what you sent or were sent, and what was done, kept with the case",
    "file": "a file you sent with your message, kept with the case",
    "letter": "a letter or email the council sent about the case, kept as it was sent",
    "classifier example": "your message with the type staff gave it, to improve how new mail "
    "is sorted",
    "mail set aside": "an email that did not become a case (an automatic reply, a suspected "
    "fake sender, a limit on how many arrive), kept so staff can look at it",
    "sign-in link": "a link sent so you could see your cases online; it works once",
    "session": "you signed in to see your cases online",
}

# Timeline events that carry what someone wrote or was sent.
_MESSAGE_KINDS = frozenset(
    {"received", "customer_reply", "officer_message", "message_sent", "task_for_owner", "note"}
)


def find_person(person: Person, *, store: PrivacyStore) -> Holdings:
    """Everything held about `person`, reading only what the indexes and pointers name."""
    standing: dict[str, Standing] = {}
    key = customer_key(person.address)
    loaded: dict[str, Case] = {}
    if key:
        loaded |= {c.reference: c for c in store.cases_of_customer(key)}
    references: set[str] = set(loaded)
    if person.address:
        references |= set(store.cases_with_term(f"email:{person.address}"))
    if person.digits:
        references |= set(store.cases_with_term(f"phone:{person.digits}"))
    by_name = _found_by_name(person, store)
    references |= by_name
    missing = sorted(references - set(loaded))
    loaded |= {c.reference: c for c in store.get_cases(missing)}
    for reference, case in loaded.items():
        standing[reference] = _standing_of(person, case)
    held = tuple(
        HeldCase(
            case=case,
            standing=standing[case.reference],
            timeline=tuple(timeline := store.timeline(case.reference)),
            files=tuple(case_attachments(timeline, prefix="")),
            letters=tuple(store.letters_of(case.reference)),
            example=store.classification_example(case.reference),
        )
        for case in sorted(loaded.values(), key=lambda c: (c.received_at, c.reference))
    )
    return Holdings(
        person=person,
        cases=held,
        triage=tuple(store.triage_records_from(key)) if key else (),
        sign_in_links=tuple(store.sign_in_links_of(key)) if key else (),
        sessions=tuple(store.sessions_of(key)) if key else (),
    )


def _found_by_name(person: Person, store: PrivacyStore) -> set[str]:
    """The cases every pair of the name's words in turn is filed under (a full name reads only
    its own cases, as the search does)."""
    pairs = list(itertools.pairwise(person.name_words))
    if not pairs:
        return set()
    found = [set(store.cases_with_term(f"name:{a} {b}")) for a, b in pairs]
    return set.intersection(*found)


def _standing_of(person: Person, case: Case) -> Standing:
    def same(email: str | None, phone: str | None) -> bool:
        return bool(
            (person.address and normalise_email(email) == person.address)
            or (person.digits and phone and phone_digits(phone) == person.digits)
        )

    if same(case.customer.email, case.customer.phone) or (
        person.address and person.address in case.reply_addresses
    ):
        return Standing.CUSTOMER
    representative = case.representative
    if representative is not None and same(representative.email, representative.phone):
        return Standing.REPRESENTATIVE
    return Standing.NAME_ONLY
