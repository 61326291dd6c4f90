"""Reading a posted form (every site's), and the Have Your Say form's questions, answer fields
and limits that the staff and residents' pages share; a field's problem as `FieldError`.

Checks run on the server whatever the browser did. Each problem becomes a message in the GOV.UK
style, tied to the field it is about, so the page can show the error summary and the message
beside the field; the answers come back with the page so nothing typed is lost. The Have Your
Say answers themselves are checked in `web.have_your_say.answers` (a pydantic model, loaded
with the first answers checked).
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from sla_monitor.cases import AccessibleFormat, CaseType
from sla_monitor.web.errors import EmptyForm, FormTooLarge, UnreadableForm, WrongContentType

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# Far above what the longest honest answers make, even with every character percent-encoded.
MAX_BODY_BYTES = 64 * 1024
MAX_FIELDS = 40

MAX_DETAILS = 5000
MAX_NAME = 200
MAX_EMAIL = 254
MAX_PHONE = 30
MAX_ADDRESS = 500

NOT_KNOWN = "not_known"
NO_FORMAT = "none"

# The answers, in the order the form asks for them (the error summary follows this order).
ANSWER_FIELDS: tuple[str, ...] = (
    "about",
    "department",
    "details",
    "contact_method",
    "email",
    "phone",
    "address",
    "name",
    "language",
    "accessible_format",
    "interpreter",
)
MULTI_LINE_FIELDS = frozenset({"details", "address"})


@dataclass(frozen=True)
class Question:
    """One page of the form: its address in the signed answers, and the answers it asks for."""

    slug: str
    fields: tuple[str, ...]


# One thing per page, as the GOV.UK Design System asks; a page asks for more than one answer
# only where the answers are one thing to the person (how to contact them and the address to
# use; the language and format of our reply).
QUESTIONS: tuple[Question, ...] = (
    Question("about", ("about",)),
    Question("service", ("department",)),
    Question("details", ("details",)),
    Question("contact", ("contact_method", "email", "phone", "address")),
    Question("name", ("name",)),
    Question("needs", ("language", "accessible_format", "interpreter")),
)
QUESTION_SLUGS = tuple(q.slug for q in QUESTIONS)
# How to contact the person decides which one contact detail is kept (the GOV.UK "contact
# preferences" pattern): a detail typed under another choice, then abandoned, is not kept.
CONTACT_DETAIL: dict[str, str] = {"email": "email", "phone": "phone", "letter": "address"}


def question(slug: str) -> Question:
    return QUESTIONS[QUESTION_SLUGS.index(slug)]


def question_asking(field: str) -> Question:
    """The page that asks for `field`."""
    return next(q for q in QUESTIONS if field in q.fields)


class ReplyBy(enum.StrEnum):
    """How the customer wants to hear from us; "none" is not allowed for every case type."""

    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    NONE = "none"


# Languages most asked for locally, then British Sign Language (an interpreter) and any other.
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("cy", "Welsh (Cymraeg)"),
    ("pl", "Polish"),
    ("ro", "Romanian"),
    ("pa", "Punjabi"),
    ("gu", "Gujarati"),
    ("ur", "Urdu"),
    ("bn", "Bengali"),
    ("lt", "Lithuanian"),
    ("pt", "Portuguese"),
    ("ar", "Arabic"),
    ("bfi", "British Sign Language"),
    ("other", "Another language (tell us which in your message)"),
)
LANGUAGE_NAMES = dict(LANGUAGES)

CASE_TYPE_CHOICES: tuple[tuple[CaseType, str, str], ...] = (
    (
        CaseType.COMPLAINT,
        "A complaint",
        "We let you down, did not do something we said we would, did something wrong, "
        "or were unfair.",
    ),
    (
        CaseType.SERVICE_REQUEST,
        "A request for a service",
        "Ask us to provide or fix something, for example a missed bin or a noisy neighbour.",
    ),
    (CaseType.ENQUIRY, "A question", "Ask us about a service or about something we have done."),
    (CaseType.COMMENT, "A comment", "Tell us what you think about a service."),
    (CaseType.COMPLIMENT, "A compliment", "Tell us when we have done something well."),
)

FORMAT_NAMES: dict[AccessibleFormat, str] = {
    AccessibleFormat.LARGE_PRINT: "Large print",
    AccessibleFormat.EASY_READ: "Easy read",
    AccessibleFormat.BRAILLE: "Braille",
    AccessibleFormat.AUDIO: "Audio",
}

REPLY_BY_NAMES: dict[ReplyBy, str] = {
    ReplyBy.EMAIL: "Email",
    ReplyBy.PHONE: "Phone",
    ReplyBy.LETTER: "Letter",
    ReplyBy.NONE: "You do not need to contact me",
}


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


# -- reading a body ------------------------------------------------------------------------------


def read_form(body: bytes | None, content_type: str | None) -> dict[str, str]:
    """The fields of a posted form. Repeated fields keep their first value."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != FORM_CONTENT_TYPE:
        raise WrongContentType(media_type or "none")
    if not body:
        raise EmptyForm()
    if len(body) > MAX_BODY_BYTES:
        raise FormTooLarge(len(body))
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError) as error:
        raise UnreadableForm(type(error).__name__) from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def clean_values(form: Mapping[str, str]) -> dict[str, str]:
    """Every answer field as a tidy string: trimmed, one kind of line break, composed Unicode."""
    values: dict[str, str] = {}
    for name in ANSWER_FIELDS:
        raw = unicodedata.normalize("NFC", form.get(name, ""))
        if name in MULTI_LINE_FIELDS:
            raw = raw.replace("\r\n", "\n").replace("\r", "\n")
        values[name] = raw.strip()
    return values
