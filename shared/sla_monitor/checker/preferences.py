"""What the customer asked for, as every letter to them must follow it: how a letter reaches
them when it cannot be emailed (`route_by_hand`), what staff must make of a letter before it goes
(`letter_needs`: translated, produced in braille, ...), large print, and whether a letter may
repeat their words. Which letters apply to a case, and so which requests staff must arrange, is
the letter writer's (`LetterWriter.customer_requests`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sla_monitor.cases import AccessibleFormat, Case, Channel, ContactMethod
from sla_monitor.checker.messages import Letter, primary_language, valid_address

FORMAT_NAMES: dict[AccessibleFormat, str] = {
    AccessibleFormat.LARGE_PRINT: "large print",
    AccessibleFormat.EASY_READ: "easy read",
    AccessibleFormat.BRAILLE: "braille",
    AccessibleFormat.AUDIO: "audio",
}
# What staff must make of a letter in a format the checker cannot produce itself. Large print it
# can: every letter to that customer carries a large-print PDF.
PRODUCED_AS: dict[AccessibleFormat, str] = {
    AccessibleFormat.EASY_READ: "produced in easy read",
    AccessibleFormat.BRAILLE: "produced in braille",
    AccessibleFormat.AUDIO: "recorded as audio",
}
# Languages residents of English councils most often ask for; any other is named by its code.
_LANGUAGE_NAMES = {
    "cy": "Welsh", "pl": "Polish", "ro": "Romanian", "pa": "Punjabi", "ur": "Urdu",
    "bn": "Bengali", "gu": "Gujarati", "ar": "Arabic", "so": "Somali", "pt": "Portuguese",
    "lt": "Lithuanian", "es": "Spanish", "fr": "French", "it": "Italian", "zh": "Chinese",
    "uk": "Ukrainian", "ru": "Russian", "tr": "Turkish", "fa": "Persian", "ta": "Tamil",
    "bg": "Bulgarian", "lv": "Latvian", "hu": "Hungarian", "sk": "Slovak", "cs": "Czech",
}  # fmt: skip


# A name as people write names: letters, spaces, hyphens, apostrophes and full stops, short.
_PLAIN_NAME = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '.\-]){0,39}")


def language_name(code: str) -> str:
    """A language as staff read it: `Polish` for `pl`; a code not listed names itself."""
    return _LANGUAGE_NAMES.get(code, code)


def may_repeat_their_words(case: Case) -> bool:
    """Whether letters may repeat what the customer wrote (the subject, their name as given).
    Not to an address nobody has shown to be theirs: anyone can type someone else's address
    into the form or a Reply-To, and the council's mail must not carry a stranger's words to
    it. Cases staff logged by hand, and email whose sender's domain passed DMARC, may."""
    if case.channel not in (Channel.EMAIL, Channel.WEB):
        return True
    return case.customer.email_verified


def wants_large_print(case: Case) -> bool:
    """Every letter to this customer is set in large print, the email and its PDF alike."""
    return case.preferences.accessible_format is AccessibleFormat.LARGE_PRINT


def greeting_name(case: Case) -> str | None:
    """The name a customer letter opens with; "customer" stands in (None) for a name that may
    not be repeated and does not look like a name."""
    name = (case.customer.name or "").strip()
    if not name:
        return None
    if may_repeat_their_words(case) or _PLAIN_NAME.fullmatch(name):
        return name
    return None


@dataclass(frozen=True)
class Route:
    """How a customer letter reaches the customer when it cannot be emailed."""

    reason: str  # why not by email, in staff words
    how: str  # "by post", "by phone", "another way"
    detail: str | None  # the address or phone number staff need


def route_by_hand(case: Case) -> Route | None:
    """None when the customer can be emailed; else how to reach them by hand."""
    customer = case.customer
    method = case.preferences.contact_method
    if method is ContactMethod.EMAIL and valid_address(customer.email):
        return None
    if method is ContactMethod.LETTER:
        reason = "they asked to be contacted by letter"
    elif method is ContactMethod.PHONE:
        reason = "they asked to be contacted by phone"
    elif customer.email:
        reason = "the email address on the case is not one we can send to"
    else:
        reason = "there is no email address on the case"
    if method is ContactMethod.PHONE and customer.phone:
        return Route(reason, "by phone", f"Phone: {customer.phone}")
    if customer.address:
        return Route(reason, "by post", f"Address: {customer.address}")
    if customer.phone:
        return Route(reason, "by phone", f"Phone: {customer.phone}")
    return Route(reason, "another way", None)


def route_without_email(case: Case) -> Route:
    """How to reach the customer when their email address does not work."""
    found = route_by_hand(replace(case, customer=replace(case.customer, email=None)))
    assert found is not None  # without an address there is always another way
    return found


def letter_needs(case: Case, letter: Letter) -> list[str]:
    """What staff must do to this letter before it reaches the customer, in staff words
    (`translated into Polish`, `produced in braille`): nothing for a letter in the language
    they asked for and in print they can read. Such a letter goes to the owner, never to
    the customer as it is."""
    preferences = case.preferences
    needs: list[str] = []
    language = primary_language(preferences.language)
    if language != letter.language:
        needs.append(f"translated into {language_name(language)}")
    if preferences.accessible_format in PRODUCED_AS:
        needs.append(PRODUCED_AS[preferences.accessible_format])
    # An interpreter is for speaking with the customer: a letter in the language they read
    # goes as written (the owner is told once to arrange one for calls and visits), so an
    # acknowledgement is never held back for it.
    return needs
