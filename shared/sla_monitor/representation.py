"""Who a case's letters go to: the customer, someone acting for them, or both.

The customer's choice is recorded with their representative (`Case.representative`). Nothing
goes to a representative before the customer's consent is recorded: until then every letter
goes to the customer, and says so where it is recorded. Pure functions over the case.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sla_monitor.cases import Case, ContactMethod, LettersTo, Representative


@dataclass(frozen=True)
class Addressees:
    """Who one letter goes to, and why the representative is left out where they are."""

    customer: bool
    representative: Representative | None  # the representative it goes to, if any
    held_back: bool = False  # chosen, but the customer's consent is not recorded

    @property
    def audience(self) -> str:
        """Who, in words that name nobody (for the sweep's report)."""
        if self.representative is None:
            return "customer"
        return "customer and representative" if self.customer else "representative"

    @property
    def in_words(self) -> str:
        """Who, as the timeline and the conversation say it."""
        rep = self.representative
        if rep is None:
            held = " (not to their representative: the customer's consent is not recorded)"
            return "the customer" + (held if self.held_back else "")
        named = f"their representative, {rep.name} ({rep.relationship})"
        return (
            f"the customer and {named}"
            if self.customer
            else f"the customer's representative, {rep.name} ({rep.relationship})"
        )


def addressees(case: Case) -> Addressees:
    rep = case.representative
    if rep is None or rep.letters_to is LettersTo.CUSTOMER:
        return Addressees(customer=True, representative=None)
    if not rep.has_consent:
        return Addressees(customer=True, representative=None, held_back=True)
    return Addressees(customer=rep.letters_to is LettersTo.BOTH, representative=rep)


def addressed_to_representative(case: Case) -> bool:
    """Whether the case's letters go to someone acting for the customer, and not the customer."""
    to = addressees(case)
    return not to.customer and to.representative is not None


def addressed_case(case: Case) -> Case:
    """The case as a letter's route reads it: where letters go to the representative alone,
    their name and ways of contact stand for the customer's (by email where they gave one, else
    by post), in the language and format the customer asked for, as the customer's own letters
    would be; otherwise the case as it is."""
    to = addressees(case)
    if to.customer or to.representative is None:
        return case
    rep = to.representative
    method = ContactMethod.EMAIL if rep.email else ContactMethod.LETTER
    return replace(
        case,
        customer=rep.as_addressee,
        preferences=replace(case.preferences, contact_method=method),
    )


def copies_to(case: Case) -> tuple[str, ...]:
    """Email addresses that get a copy of a letter emailed to the customer: the representative
    where letters go to both and they have an email address."""
    to = addressees(case)
    if to.customer and to.representative is not None and to.representative.email:
        return (to.representative.email,)
    return ()


def copy_by_hand(case: Case) -> str | None:
    """For a letter the owner sends by hand where letters go to both: the representative's
    details, so a copy goes to them too."""
    to = addressees(case)
    rep = to.representative
    if not to.customer or rep is None:
        return None
    ways = [
        f"Email: {rep.email}" if rep.email else "",
        f"Address: {rep.address}" if rep.address else "",
    ]
    return f"A copy to their representative, {rep.name} ({rep.relationship}): " + "; ".join(
        w for w in ways if w
    )
