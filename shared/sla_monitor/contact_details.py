"""The customer's contact details a case is made with: an email address that is one, a phone
number that looks like one, and the detail the customer's chosen way of contact needs.

One place for the rules, used wherever a case is made from what a person typed: an officer
logging one (`staff.log_case`, from the command line or the workspace), the Have Your Say form,
and triage making a case of a set-aside message. A detail the council cannot use is refused,
never stored: a letter to nowhere breaks the promise as surely as no letter.

Messages follow the GOV.UK Design System's wording and start in lower case, as refusals do
(`ActionNotAllowed`); a page gives them their capital.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sla_monitor.cases import CaseType, ContactMethod, Customer, Preferences

EMAIL_FORMAT = "enter an email address in the correct format, like name@example.com"
PHONE_FORMAT = "enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
NO_CONTACT_DETAILS = (
    "a formal complaint needs the customer's contact details (an email address, a phone number "
    "or a postal address)"
)

# Digits, spaces, brackets and hyphens, with a leading + at most; 10 to 13 digits (a UK number
# has 10 or 11, or 12 written with +44 for its 0). A plain check until a phone number library
# does better.
_PHONE = re.compile(r"^\+?[0-9 ()\-]+$")
PHONE_DIGITS = range(10, 14)

# Which of the customer's details each way of contact needs, as the field that holds it.
DETAIL_FOR: dict[ContactMethod, str] = {
    ContactMethod.EMAIL: "email",
    ContactMethod.PHONE: "phone",
    ContactMethod.LETTER: "address",
}
_DETAIL_NAMES = {"email": "email address", "phone": "phone number", "address": "postal address"}

# Case types that need an answer, so a way to reach the customer. Service requests, comments
# and compliments may come from someone who gives none (the Have Your Say form's "You do not
# need to contact me").
_NEED_AN_ANSWER = frozenset({CaseType.COMPLAINT, CaseType.ENQUIRY})


@dataclass(frozen=True)
class ContactProblem:
    """One thing wrong with the contact details: the field it is about and what to do."""

    field: str  # email, phone, address or customer (no detail at all)
    message: str


def is_email_address(text: str) -> bool:
    """An address mail can be sent to, by its form (RFC 5322 and RFC 6531 as the
    `email-validator` library reads them; no DNS look-up). Domains that can never receive mail
    from the internet (`.local`, `localhost`, `.invalid`...) are refused; so are addresses with
    characters beyond ASCII before the @, which Amazon SES cannot send to."""
    # The library, and the IDNA tables it needs, load with the first address checked.
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return False
    return True


def is_phone_number(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    return _PHONE.match(text) is not None and digits in PHONE_DIGITS


def contact_method_for(customer: Customer) -> ContactMethod:
    """The way of contact a customer who chose none is reached by: email if they gave an
    address, else a letter if they gave a postal address, else the phone. (The council's
    promises are written ones, so writing comes first.)"""
    if customer.email:
        return ContactMethod.EMAIL
    if customer.address:
        return ContactMethod.LETTER
    if customer.phone:
        return ContactMethod.PHONE
    return Preferences().contact_method


def contact_problems(
    case_type: CaseType, customer: Customer, preferences: Preferences
) -> tuple[ContactProblem, ...]:
    """Every problem with the customer's contact details for a case of this type, in the order a
    form asks for them; none when they will do."""
    problems: list[ContactProblem] = []
    if customer.email and not is_email_address(customer.email):
        problems.append(ContactProblem("email", EMAIL_FORMAT))
    if customer.phone and not is_phone_number(customer.phone):
        problems.append(ContactProblem("phone", PHONE_FORMAT))
    if not customer.has_contact_details:
        if case_type is CaseType.COMPLAINT:
            # The complaints procedure: "For the complaint to go through our formal procedure,
            # we will require the customer's contact details."
            return (ContactProblem("customer", NO_CONTACT_DETAILS),)
        if case_type not in _NEED_AN_ANSWER:
            return tuple(problems)
    needed = DETAIL_FOR[preferences.contact_method]
    if not getattr(customer, needed) and needed not in {p.field for p in problems}:
        problems.append(
            ContactProblem(
                needed,
                f"enter the customer's {_DETAIL_NAMES[needed]}, or choose another way to "
                "contact them",
            )
        )
    return tuple(problems)
