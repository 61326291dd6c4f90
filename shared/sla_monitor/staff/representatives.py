"""Someone acting for the customer: a relative, a councillor, an MP, an advocate, a solicitor.

The representative is recorded on the case with how to reach them and the customer's consent
(how and when it was given, or that it is awaited), and the officer chooses who the case's
letters and emails go to: the customer, the representative, or both. Until consent is recorded
nothing personal goes to the representative: every letter still goes to the customer
(`representation.addressees`). A change or a removal is a new entry on the timeline; the earlier
ones stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, LettersTo, Representative, TimelineEvent
from sla_monitor.contact_details import (
    EMAIL_FORMAT,
    PHONE_FORMAT,
    is_email_address,
    is_phone_number,
)
from sla_monitor.staff.steps import ActionNotAllowed, change_case
from sla_monitor.store.ports import CaseStore
from sla_monitor.wording import long_date

if TYPE_CHECKING:
    from sla_monitor.policy import Policy

# How a customer gives consent for someone to act for them, as the form offers it.
CONSENT_WAYS = ("in writing", "by email", "by phone", "in person")
LETTERS_TO_WORDS = {
    LettersTo.CUSTOMER: "the customer",
    LettersTo.REPRESENTATIVE: "the representative",
    LettersTo.BOTH: "the customer and the representative",
}


@dataclass(frozen=True)
class RepresentativeDetails:
    """What an officer records of a representative, as typed."""

    name: str
    relationship: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    consent_how: str | None = None  # one of CONSENT_WAYS, or None while consent is awaited
    consent_given_on: date | None = None
    letters_to: LettersTo = LettersTo.CUSTOMER


def checked(details: RepresentativeDetails, *, today: date) -> RepresentativeDetails:
    """The details with spaces trimmed, or ActionNotAllowed naming the first thing to put
    right (in the order the form asks)."""
    name = details.name.strip()
    relationship = details.relationship.strip()
    email = (details.email or "").strip() or None
    phone = (details.phone or "").strip() or None
    address = (details.address or "").strip() or None
    if not name:
        raise ActionNotAllowed("enter the representative's name", argument="name")
    if len(name) > 200:
        raise ActionNotAllowed("a name is at most 200 characters", argument="name")
    if not relationship:
        raise ActionNotAllowed(
            "enter who they are to the customer, like daughter, ward councillor or advocate",
            argument="relationship",
        )
    if len(relationship) > 100:
        raise ActionNotAllowed("who they are is at most 100 characters", argument="relationship")
    if email and not is_email_address(email):
        raise ActionNotAllowed(EMAIL_FORMAT, argument="email")
    if phone and not is_phone_number(phone):
        raise ActionNotAllowed(PHONE_FORMAT, argument="phone")
    if address and len(address) > 500:
        raise ActionNotAllowed("an address is at most 500 characters", argument="address")
    if not (email or phone or address):
        raise ActionNotAllowed(
            "enter at least one way to contact the representative: an email address, a phone "
            "number or a postal address",
            argument="email",
        )
    consent_how, given_on = details.consent_how, details.consent_given_on
    if consent_how is not None:
        if consent_how not in CONSENT_WAYS:
            raise ActionNotAllowed(
                "select how the customer gave their consent", argument="consent_how"
            )
        if given_on is None:
            raise ActionNotAllowed(
                "enter the date the customer gave their consent", argument="consent_given_on"
            )
        if given_on > today:
            raise ActionNotAllowed(
                "the date the customer gave their consent must be today or in the past",
                argument="consent_given_on",
            )
    else:
        given_on = None
    if details.letters_to is not LettersTo.CUSTOMER and not (email or address):
        raise ActionNotAllowed(
            "letters can only go to the representative with their email address or postal address",
            argument="letters_to",
        )
    return replace(
        details,
        name=name,
        relationship=relationship,
        email=email,
        phone=phone,
        address=address,
        consent_given_on=given_on,
    )


def consent_words(representative: Representative) -> str:
    """The consent as the case page and the timeline say it."""
    if representative.consent_how is None or representative.consent_given_on is None:
        return "consent awaited"
    given_on = long_date(representative.consent_given_on)
    return f"consent given {representative.consent_how} on {given_on}"


def letters_words(representative: Representative | None) -> str:
    """Who letters go to now, in words, with why where the choice is held back."""
    if representative is None:
        return LETTERS_TO_WORDS[LettersTo.CUSTOMER]
    chosen = LETTERS_TO_WORDS[representative.letters_to]
    if representative.letters_to is not LettersTo.CUSTOMER and not representative.has_consent:
        return f"the customer, until their consent is recorded ({chosen} chosen)"
    return chosen


def record_representative(
    reference: str,
    details: RepresentativeDetails,
    *,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Record someone acting for the customer, or change what is recorded of them (their
    details, the consent, who letters go to). A case closed may still have one recorded: a
    stage 2 request or the Ombudsman may follow."""
    details = checked(details, today=calendar.local(now).date())

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        earlier = case.representative
        representative = Representative(
            name=details.name,
            relationship=details.relationship,
            recorded_at=now,
            recorded_by=by,
            email=details.email,
            phone=details.phone,
            address=details.address,
            consent_how=details.consent_how,
            consent_given_on=details.consent_given_on,
            letters_to=details.letters_to,
        )
        if (
            earlier is not None
            and replace(earlier, recorded_at=now, recorded_by=by) == representative
        ):
            raise ActionNotAllowed("nothing has changed: the representative is recorded already")
        what = (
            f"{representative.name} ({representative.relationship}) recorded as acting for the "
            "customer"
            if earlier is None
            else f"representative {representative.name} ({representative.relationship}) changed"
        )
        summary = (
            f"{what}; {consent_words(representative)}; "
            f"letters go to {letters_words(representative)}"
        )
        return replace(case, representative=representative), TimelineEvent(
            at=now,
            kind="representative_recorded" if earlier is None else "representative_changed",
            actor=by,
            summary=summary,
            details=_event_details(representative),
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def remove_representative(
    reference: str,
    *,
    reason: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Nobody acts for the customer any more (they withdrew consent, or the representative
    stepped back): letters go to the customer alone. The timeline keeps who acted and why
    they no longer do."""
    why = reason.strip()
    if not why:
        raise ActionNotAllowed("enter why the representative no longer acts", argument="reason")
    if len(why) > 1000:
        raise ActionNotAllowed("a reason is at most 1,000 characters", argument="reason")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        earlier = case.representative
        if earlier is None:
            raise ActionNotAllowed(f"nobody is recorded as acting for the customer on {reference}")
        return replace(case, representative=None), TimelineEvent(
            at=now,
            kind="representative_removed",
            actor=by,
            summary=(
                f"{earlier.name} ({earlier.relationship}) no longer acts for the customer: "
                f"{why}; letters go to the customer"
            ),
            details={"name": earlier.name, "reason": why},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def _event_details(representative: Representative) -> dict[str, str]:
    details = {
        "name": representative.name,
        "relationship": representative.relationship,
        "letters_to": representative.letters_to.value,
        "consent": consent_words(representative),
    }
    for label, value in (
        ("email", representative.email),
        ("phone", representative.phone),
        ("address", representative.address),
    ):
        if value:
            details[label] = value
    return details
