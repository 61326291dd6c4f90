"""The conversation on a case's page, as staff read it: every message in and out in order, each
with its full text, the files that came with the customer's, each letter as it went (its PDF to
download where one was made), and notes for colleagues marked as never sent; the formal
responses in full; and a letter's PDF, read from where it was kept when it was sent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sla_monitor.cases import Case, CaseType, FormalResponse, TimelineEvent
from sla_monitor.correspondence import (
    CUSTOMER,
    Delivery,
    Direction,
    Message,
    conversation,
    letter_kept,
)
from sla_monitor.council import Council
from sla_monitor.directory import Directory
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.letters import letter_filename, pdf_response
from sla_monitor.web.pages import long_date
from sla_monitor.web.staff.formatting import CHANNEL_NAMES

_TAGS = {
    Direction.FROM_CUSTOMER: ("From the customer", "govuk-tag--blue"),
    Direction.NOTE: ("Internal note", "govuk-tag--grey"),
}
_DELIVERY_TAGS = {
    Delivery.EMAILED: ("Emailed", "govuk-tag--green"),
    Delivery.BY_HAND: ("Sent by post or phone", "govuk-tag--green"),
    Delivery.NOT_SENT: ("Not sent", "govuk-tag--red"),
    Delivery.WRITTEN: ("Waiting to be sent", "govuk-tag--yellow"),
}
_DELIVERY_WORDS = {
    Delivery.EMAILED: "emailed to the customer",
    Delivery.BY_HAND: "given to the officer dealing with the case to send as the customer asked",
    Delivery.NOT_SENT: "could not be emailed; the officer dealing with the case was told",
    Delivery.WRITTEN: "written to the customer; it goes out by email or post",
}
_OFFICER_MESSAGE_TITLE = "message from the officer"
# The letters read first: shown open, the rest behind "Show the letter as sent".
_OPEN_LETTERS = (_OFFICER_MESSAGE_TITLE, "formal response")


class LetterNotKept(LookupError):
    """No letter of this case was kept with a PDF under that key."""


def conversation_items(
    case: Case,
    timeline: Sequence[TimelineEvent],
    *,
    directory: Directory,
    attachments: Sequence[dict[str, Any]],
    letter_href: Any,
    merged: Sequence[tuple[Case, Sequence[TimelineEvent]]] = (),
) -> list[dict[str, Any]]:
    """The case's messages, newest last, as the case page shows them. `attachments` are the
    page's own (with their links), placed with the message they came with; `letter_href` gives
    the address of a kept letter's PDF from its key. The messages of duplicates `merged` into
    the case are among them, each marked with the duplicate's reference (its files and PDFs are
    on its own page)."""
    items = []
    threads = [(case, timeline, None), *((c, t, c.reference) for c, t in merged)]
    found = [(m, on, ref) for on, events, ref in threads for m in conversation(on, events)]
    for message, on, from_case in sorted(found, key=lambda found: found[0].at):
        author = _author(message, on, directory)
        if message.direction is Direction.TO_CUSTOMER:
            assert message.delivery is not None
            tag, tag_class = _DELIVERY_TAGS[message.delivery]
            title = message.title.capitalize()
            if message.title == _OFFICER_MESSAGE_TITLE:
                title = f"Message from {author}"
            heading = f"{title} {_delivery_words(message)}"
        else:
            tag, tag_class = _TAGS[message.direction]
            if message.direction is Direction.NOTE:
                heading = f"Note by {author}"
            else:
                heading = _inbound_heading(message, author)
        items.append(
            {
                "heading": heading,
                "by": author,
                "at": message.at,
                "tag": tag,
                "tag_class": tag_class,
                "note": message.direction is Direction.NOTE,
                "letter": message.direction is Direction.TO_CUSTOMER
                and message.delivery is not Delivery.WRITTEN,
                "open": message.title in _OPEN_LETTERS,
                "subject": message.subject,
                "text": message.text,
                "pdf": letter_href(message.letter_key)
                if message.has_pdf and message.letter_key and from_case is None
                else None,
                "files": [a for a in attachments if a["received"] == message.at]
                if message.direction is Direction.FROM_CUSTOMER and from_case is None
                else [],
                "from_case": from_case,
            }
        )
    return items


def _delivery_words(message: Message) -> str:
    """How a letter went, and to whom where it was not the customer alone."""
    assert message.delivery is not None
    words = _DELIVERY_WORDS[message.delivery]
    if not message.sent_to or message.sent_to == "the customer":
        return words
    if message.delivery is Delivery.EMAILED:
        return f"emailed to {message.sent_to}"
    return f"{words}, for {message.sent_to}"


def _author(message: Message, case: Case, directory: Directory) -> str:
    if message.author == CUSTOMER:
        return case.customer.name or "the customer"
    if message.direction is Direction.TO_CUSTOMER and message.delivery is not Delivery.WRITTEN:
        officer = directory.officer(message.author)
        # Letters the product sends by itself are the council's.
        return officer.name if officer else "the council, automatically"
    officer = directory.officer(message.author)
    return officer.name if officer else "a member of staff"


def _inbound_heading(message: Message, author: str) -> str:
    channel = CHANNEL_NAMES[message.channel].lower() if message.channel else None
    if message.author != CUSTOMER:
        return f"{message.title.capitalize()} by {channel}, taken down by {author}"
    how = {"web": "through the website"}.get(message.channel or "", f"by {channel}")
    if message.title == "reply from the customer":
        return f"Reply from {author}" + (f" {how}" if channel else "")
    return f"{message.title.capitalize()} from {author} {how}"


def response_rows(
    response: FormalResponse, case: Case, *, directory: Directory, council: Council
) -> list[dict[str, Any]]:
    """A formal response in full, as the summary list on the case page shows it."""
    officer = directory.officer(response.recorded_by)
    promised = [r for r in case.remedies if r.stage == response.stage]
    rows = [
        ("Outcome", response.outcome.label.capitalize()),
        ("Recorded by", officer.name if officer else "a member of staff"),
        ("What was looked at and found", response.findings),
        ("Apology", response.apology or "None given"),
        ("To put things right", response.remedy or "None given"),
    ]
    if promised:
        rows.append(
            (
                "Actions promised",
                "; ".join(f"{r.action}, by {long_date(r.due_on)}" for r in promised),
            )
        )
    rows.append(("Lessons learned", response.lessons_learned or "None recorded"))
    rows.append(("How to take it further", _further(response, case, council)))
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]


def _further(response: FormalResponse, case: Case, council: Council) -> str:
    ombudsman = council.ombudsman
    to_ombudsman = f"the {ombudsman.name} ({ombudsman.website}, {ombudsman.phone})"
    if case.case_type is not CaseType.COMPLAINT:
        return "A complaint, by replying or by phone"
    if response.stage == 1:
        return f"A stage 2 review, their local councillor, then {to_ombudsman}"
    return f"Their local councillor, or {to_ombudsman}"


def letter_pdf(
    case: Case, key: str, *, timeline: Sequence[TimelineEvent], store: Any, secure: bool
) -> WebResponse:
    """The PDF of a letter the case's timeline records as kept, as it was made when it went."""
    from sla_monitor.web.staff.rendering import security_headers

    kept = store.letter(case.reference, key) if letter_kept(timeline, key) else None
    if kept is None or kept.pdf is None:
        raise LetterNotKept(key)
    return pdf_response(
        kept.pdf, letter_filename(case.reference, key), security_headers("-", secure=secure)
    )
