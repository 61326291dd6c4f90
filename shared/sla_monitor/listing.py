"""Where an open case stands in the staff work list, and the words it can be found by.

The work list is read a page at a time through indexes the store keeps with every write, so a
page costs what it shows, never the archive (docs/scaling.md). What those indexes are keyed by is
decided here, from the case alone and its next deadline, so the keys never depend on anything that
can change without the case being saved (the directory, the clock on the wall):

- `Schedule`: when the deadline checker must next look at a case, and its next deadline.
- `Listing`: the few facts of an open case that the work list's views select and sort by, and
  of a closed case that the Closed view sorts by (when it closed).
- `search_terms`: the normalised words of the customer's name, email address, phone number and
  postcode, and of the case's subject, that `sla-monitor case list --search` and the workspace's
  search find it by. The store keeps only a digest of each, never the word itself.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, CaseType, Channel, Customer
from sla_monitor.engine import Action, Clock, ClockState, evaluate

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


@dataclass(frozen=True)
class Schedule:
    """What a case's save files it under in time: when the deadline checker must next look at
    it, and the next deadline officers work to (the work list's order)."""

    next_due: datetime | None
    deadline: datetime | None = None


def schedule_of(
    case: Case, policy: Policy, calendar: WorkingDayCalendar, now: datetime
) -> Schedule:
    """The case's schedule at `now`, from one evaluation of its clocks."""
    evaluation = evaluate(case, policy, calendar, now)
    return Schedule(next_due=evaluation.next_due, deadline=deadline_of(case, evaluation.clocks))


def outstanding(case: Case, clocks: Iterable[Clock]) -> tuple[Clock, ...]:
    """The current stage's clocks still to be kept: running, or breached and not kept since. Of
    a promise kept at intervals only the latest interval counts: a missed update is not sent
    late once a later one is due."""
    clocks = tuple(clocks)
    latest = {(c.promise, c.stage): c.occurrence for c in clocks}
    return tuple(
        c
        for c in clocks
        if c.stage == case.stage
        and c.due is not None
        and c.satisfied_at is None
        and c.state in (ClockState.RUNNING, ClockState.BREACHED)
        and c.occurrence == latest[(c.promise, c.stage)]
    )


def next_clock(case: Case, clocks: Iterable[Clock]) -> Clock | None:
    """The outstanding clock that falls due first."""
    dated = [(c.due, i, c) for i, c in enumerate(outstanding(case, clocks)) if c.due is not None]
    return min(dated)[2] if dated else None


def deadline_of(case: Case, clocks: Iterable[Clock]) -> datetime | None:
    """What the work list orders a case by: its next outstanding deadline; with none, when the
    customer wrote what may be a stage 2 request waiting for a decision; else nothing."""
    clock = next_clock(case, clocks)
    if clock is not None:
        return clock.due
    return case.possible_stage_2_at


@dataclass(frozen=True)
class Listing:
    """A case as the work list's indexes file it: open, by its next deadline; closed (the Closed
    view), by when it closed."""

    reference: str
    deadline: datetime | None  # the next deadline, or when a possible stage 2 request came
    department: str | None  # as the case names it; None while the default department deals
    assigned_officer: str | None
    case_type: CaseType
    stage: int
    channel: Channel
    breached: bool  # a promise on it was broken (a recorded breach: a fact for ever)
    referred: bool  # a complaint referred to the Chief Executive
    closed_at: datetime | None = None  # set only on a closed case's listing


def listing_of(case: Case, deadline: datetime | None) -> Listing | None:
    """How the work list files the case: None once it is closed (the open views hold none)."""
    if not case.is_open:
        return None
    return _listed(case, deadline)


def closed_listing_of(case: Case) -> Listing | None:
    """How the Closed view files the case: by when it closed; None while it is open."""
    if case.is_open or case.closed_at is None:
        return None
    return replace(_listed(case, None), closed_at=case.closed_at)


def _listed(case: Case, deadline: datetime | None) -> Listing:
    return Listing(
        reference=case.reference,
        deadline=deadline,
        department=case.department,
        assigned_officer=case.assigned_officer,
        case_type=case.case_type,
        stage=case.stage,
        channel=case.channel,
        breached=bool(case.breaches),
        referred=case.case_type is CaseType.COMPLAINT
        and bool(case.sent_of(Action.REFER_TO_CHIEF_EXECUTIVE.value)),
    )


# -- search terms ---------------------------------------------------------------------------------

# A UK postcode anywhere in a line of address: outward code, then inward code.
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b")
# A postcode's outward code alone ("LE67"), as an officer may search by it.
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
# Words too common in subjects to narrow a search.
_COMMON = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "about",
        "for",
        "from",
        "have",
        "has",
        "into",
        "not",
        "of",
        "on",
        "or",
        "our",
        "the",
        "their",
        "this",
        "to",
        "was",
        "were",
        "with",
        "your",
        "you",
        "my",
        "me",
        "we",
        "is",
        "it",
        "in",
        "at",
        "by",
        "be",
        "been",
        "please",
        "re",
        "fw",
        "fwd",
    ]
)
_LONGEST_SUBJECT_TERMS = 12


def fold(text: str) -> str:
    """Text as search compares it: lower case, accents taken off ("Siân" finds "sian")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The words of a search or a name, folded; hyphens and apostrophes join ("O'Neil" is one
    word, "oneil")."""
    joined = re.sub(r"['’\-]", "", fold(text))
    return [w for w in re.split(r"[^0-9a-z]+", joined) if w]


def phone_digits(text: str) -> str | None:
    """A UK phone number as its national digits ("+44 1530 454545" and "01530 454545" alike), or
    None when the text holds too few digits to be one."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("44") and len(digits) >= 12:
        digits = "0" + digits[2:]
    return digits if len(digits) >= 10 else None


def postcodes(text: str) -> list[str]:
    """Each postcode in the text, written without its space ("LE671FJ"), then its outward code
    ("LE67"), so a search for either finds it."""
    found = []
    for outward, inward in _POSTCODE.findall(text.upper()):
        found += [f"{outward}{inward}", outward]
    return found


def search_terms(case: Case) -> frozenset[str]:
    """Every term the case can be found by, each with its kind so a postcode never matches a
    word of a name: name and subject words, each pair of the name's words in turn, the email
    address (and the words before the @), the phone number's digits, each postcode and its
    outward code. Someone acting for the customer is found the same way."""
    terms = _person_terms(case.customer)
    if case.representative is not None:
        terms |= _person_terms(case.representative.as_addressee)
    subject = [w for w in words(case.subject) if len(w) > 2 and w not in _COMMON]
    terms |= {f"word:{w}" for w in dict.fromkeys(subject[:_LONGEST_SUBJECT_TERMS])}
    return frozenset(terms)


def _person_terms(customer: Customer) -> set[str]:
    name = [w for w in words(customer.name or "") if len(w) > 1]
    terms = {f"word:{w}" for w in name}
    # Each pair of a name's words in turn, so a full name reads only its own cases.
    terms |= {f"name:{first} {second}" for first, second in itertools.pairwise(name)}
    terms |= set(contact_terms(customer))
    if customer.email:
        local_part = customer.email.strip().lower().partition("@")[0]
        terms |= {f"word:{w}" for w in words(local_part) if len(w) > 1}
    terms |= {f"postcode:{p}" for p in postcodes(customer.address or "")}
    return terms


def contact_terms(customer: Customer) -> list[str]:
    """The terms of the customer's email address and phone number, which only the same customer
    shares: what finds their other cases."""
    terms = []
    if customer.email:
        terms.append(f"email:{customer.email.strip().lower()}")
    if customer.phone and (digits := phone_digits(customer.phone)):
        terms.append(f"phone:{digits}")
    return terms


def query_terms(text: str) -> list[frozenset[str]]:
    """What an officer typed, as alternatives per part: a case must match one term of every part.
    An email address, a phone number and a postcode are one part each; other words one each."""
    text = text.strip()
    parts: list[frozenset[str]] = []
    if "@" in text and " " not in text:
        return [frozenset({f"email:{text.lower()}"})]
    if (digits := phone_digits(text)) and not re.search(r"[A-Za-z]", text):
        return [frozenset({f"phone:{digits}"})]
    found = postcodes(text)
    for postcode in found:
        parts.append(frozenset({f"postcode:{postcode}"}))
    rest = _POSTCODE.sub(" ", text.upper()) if found else text
    for word in words(rest):
        if _OUTWARD.match(word.upper()):
            parts.append(frozenset({f"postcode:{word.upper()}", f"word:{word}"}))
        elif word not in _COMMON:
            parts.append(frozenset({f"word:{word}"}))
    return _unique(parts)


def name_pairs(parts: list[frozenset[str]]) -> list[frozenset[str]]:
    """A query of two or more plain words as pairs of a name's words in turn ("jane", "smith"
    as "jane smith"), or nothing when it is not only words."""
    typed = [next(iter(p)).partition(":")[2] for p in parts if len(p) == 1]
    if (
        len(parts) < 2
        or len(typed) != len(parts)
        or not all(next(iter(p)).startswith("word:") for p in parts)
    ):
        return []
    return [frozenset({f"name:{a} {b}"}) for a, b in itertools.pairwise(typed)]


def _unique(parts: Iterable[frozenset[str]]) -> list[frozenset[str]]:
    return list(dict.fromkeys(parts))
