"""A resident's case page's conversation: what they sent us (their first message, every later one,
the names of the files they sent) and every letter or email we sent them, oldest first, in full,
with the PDF where one was made. Never a note for colleagues, never a letter that did not reach
them (`correspondence.conversation(for_customer=True)`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sla_monitor.attachments import case_attachments
from sla_monitor.cases import Case, CaseType, Channel, TimelineEvent
from sla_monitor.correspondence import CUSTOMER, Delivery, Direction, Message, conversation
from sla_monitor.council import Ombudsman
from sla_monitor.directory import Directory
from sla_monitor.wording import long_date

_HOW_YOU_SENT = {
    Channel.EMAIL: "by email",
    Channel.WEB: "online",
    Channel.TELEPHONE: "by phone",
    Channel.LETTER: "by letter",
    Channel.VISIT: "when you visited us",
    Channel.VERBAL: "in person",
}
_HOW_WE_SENT = {
    Delivery.EMAILED: "Emailed to you",
    Delivery.BY_HAND: "Sent to you by post or as you asked",
    Delivery.WRITTEN: "Being sent to you",
}
# Who a letter went to, as recorded, and as the resident is told it.
_SENT_TO = (
    ("the customer's representative, ", "to your representative {}"),
    ("the customer and their representative, ", "to you and your representative {}"),
)
# Read first: shown open, the rest behind "Read the letter".
_OPEN_LETTERS = ("message from the officer", "formal response")


def resident_messages(
    case: Case,
    timeline: Sequence[TimelineEvent],
    *,
    directory: Directory,
    council_name: str,
    letter_href: Callable[[str], str],
    attachment_prefix: str,
) -> list[dict[str, Any]]:
    files = case_attachments(timeline, prefix=attachment_prefix)
    items = []
    for message in conversation(case, timeline, for_customer=True):
        if message.direction is Direction.FROM_CUSTOMER:
            items.append(
                {
                    "from_you": True,
                    "heading": _yours(message),
                    "at": message.at,
                    "text": message.text,
                    "files": [f.filename for f in files if f.received_at == message.at],
                }
            )
            continue
        assert message.delivery is not None
        officer = directory.officer(message.author)
        items.append(
            {
                "from_you": False,
                "heading": _ours(message, officer.name if officer else None),
                "by": officer.name if officer else council_name,
                "how": _how_we_sent(message),
                "at": message.at,
                "subject": message.subject,
                "text": message.text,
                "open": message.title in _OPEN_LETTERS,
                "letter": message.delivery is not Delivery.WRITTEN,
                "formal_response": message.title == "formal response",
                "pdf": letter_href(message.letter_key)
                if message.has_pdf and message.letter_key
                else None,
            }
        )
    return items


def _how_we_sent(message: Message) -> str:
    """How a letter went, naming someone acting for them it went to (as the timeline recorded
    who it went to: `representation.Addressees.in_words`)."""
    how = _HOW_WE_SENT[message.delivery or Delivery.EMAILED]
    sent_to = message.sent_to or ""
    for recorded, said in _SENT_TO:
        if sent_to.startswith(recorded):
            return how.replace("to you", said.format(sent_to.removeprefix(recorded)))
    return how


def _ours(message: Message, officer: str | None) -> str:
    if message.title == _OPEN_LETTERS[0] and officer:
        return f"Message from {officer}"
    return f"Our {message.title}" if message.title != "letter" else "Our letter"


def _yours(message: Message) -> str:
    how = _HOW_YOU_SENT.get(message.channel, "") if message.channel else ""
    if message.title == "reply from the customer":
        return f"Your message {how}".strip()
    if message.author != CUSTOMER:
        return f"What you told us {how}".strip()
    return f"What you sent us {how}".strip()


def responses_without_their_letter(
    case: Case, messages: Sequence[dict[str, Any]], *, ombudsman: Ombudsman
) -> list[dict[str, Any]]:
    """Our formal responses whose letter shows without its words (sent before letters were
    kept as they went), from what the case records of them: the whole response, as the letter
    gave it. The earliest responses are the ones sent before."""
    kept = sum(1 for m in messages if m.get("formal_response") and m.get("text"))
    shown = []
    for response in case.responses[: max(len(case.responses) - kept, 0)]:
        promised = [r for r in case.remedies if r.stage == response.stage]
        rows = [
            ("Our decision", response.outcome.label.capitalize()),
            ("What we looked at and found", response.findings),
            ("We are sorry", response.apology),
            ("What we will do to put things right", response.remedy),
            (
                "What we promised to do",
                "; ".join(f"{r.action}, by {long_date(r.due_on)}" for r in promised) or None,
            ),
            ("What we will change", response.lessons_learned),
            ("If you are not satisfied", _further(case, response.stage, ombudsman)),
        ]
        shown.append(
            {
                "stage": response.stage,
                "rows": [
                    {"key": {"text": key}, "value": {"text": value}} for key, value in rows if value
                ],
            }
        )
    return shown


def _further(case: Case, stage: int, ombudsman: Ombudsman) -> str:
    if case.case_type is not CaseType.COMPLAINT:
        return "You can make a complaint: reply to us, or phone us."
    to_ombudsman = f"the {ombudsman.name} ({ombudsman.website}, {ombudsman.phone})"
    if stage == 1:
        return (
            "You can ask for a stage 2 review by an officer who has not dealt with your complaint,"
            f" ask your local councillor to help you, and then ask {to_ombudsman} to look at it."
        )
    return f"You can ask your local councillor to help you, or ask {to_ombudsman} to look at it."
