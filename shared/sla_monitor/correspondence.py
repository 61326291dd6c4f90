"""The conversation on a case: every message in and out, in order, read from the case and its
timeline. What the customer sent (their first message, every reply), what the council sent them
(each letter or email as it went, the officers' own messages among them), and, for staff only,
the notes colleagues left, which never go to the customer.

Pure: nothing here reads a store or the clock. A letter sent before letters were kept as they went
shows without its words (`text` is None) rather than being written again from today's templates.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sla_monitor.cases import Case, Channel, TimelineEvent
from sla_monitor.checker.message_kinds import CUSTOMER_TEMPLATES, NOTIFICATION_TEMPLATES, TITLES

CUSTOMER = "customer"


class Direction(enum.StrEnum):
    FROM_CUSTOMER = "from_customer"
    TO_CUSTOMER = "to_customer"
    NOTE = "note"  # for colleagues: never sent to the customer


class Delivery(enum.StrEnum):
    """How a message to the customer went."""

    EMAILED = "emailed"
    BY_HAND = "by_hand"  # passed to the officer to post, phone or have made as asked
    NOT_SENT = "not_sent"  # the mail service refused it for good
    WRITTEN = "written"  # an officer's words, not yet recorded as sent


@dataclass(frozen=True)
class Message:
    at: datetime
    direction: Direction
    title: str  # "acknowledgement", "message from the officer", ...
    author: str  # "customer", an officer's id, or the system that sent it
    text: str | None  # the words; None for a letter sent before its words were kept
    subject: str | None = None
    channel: Channel | None = None
    delivery: Delivery | None = None
    # The key of the action that sent a letter, under which it is kept (its PDF with it).
    letter_key: str | None = None
    has_pdf: bool = False
    # Who a letter went to, where the timeline says ("the customer's representative, ...").
    sent_to: str | None = None


_LETTER_KINDS = frozenset(
    {a.value for a in CUSTOMER_TEMPLATES} | {n.value for n in NOTIFICATION_TEMPLATES}
)
_DELIVERIES = {
    "message_sent": Delivery.EMAILED,
    "task_for_owner": Delivery.BY_HAND,
    "send_failed": Delivery.NOT_SENT,
}
_TITLES = {kind.value: title for kind, title in TITLES.items()}
_OFFICER_MESSAGE = "officer_message"


def conversation(
    case: Case, timeline: Iterable[TimelineEvent], *, for_customer: bool = False
) -> list[Message]:
    """The case's messages, oldest first. `for_customer` leaves out notes for colleagues and
    letters that never reached the customer."""
    events = sorted(timeline, key=lambda e: e.at)
    letters = [e for e in events if _is_letter(e)]
    # An officer's message goes out as a letter built around their words, the n-th written as
    # the n-th sent: where that letter was kept it stands for both; otherwise their words do.
    written = [e for e in events if e.kind == _OFFICER_MESSAGE]
    sent_words = [e for e in letters if e.details.get("action") == _OFFICER_MESSAGE]
    shown_written = [
        words
        for n, words in enumerate(written)
        if n >= len(sent_words) or "letter_text" not in sent_words[n].details
    ]
    messages = [_first_message(case, events)]
    for event in events:
        if event.kind == "customer_reply":
            messages.append(
                Message(
                    at=event.at,
                    direction=Direction.FROM_CUSTOMER,
                    title="reply from the customer",
                    author=CUSTOMER,
                    text=event.details.get("body") or None,
                    channel=_channel(event.details.get("channel")),
                )
            )
        elif event.kind == "note" and not for_customer:
            messages.append(
                Message(
                    at=event.at,
                    direction=Direction.NOTE,
                    title="internal note",
                    author=event.actor,
                    text=event.summary,
                )
            )
        elif event in shown_written:
            messages.append(
                Message(
                    at=event.at,
                    direction=Direction.TO_CUSTOMER,
                    title=_TITLES[_OFFICER_MESSAGE],
                    author=event.actor,
                    text=event.details.get("text") or event.summary,
                    delivery=Delivery.WRITTEN,
                )
            )
        elif event in letters:
            if (
                event.details.get("action") == _OFFICER_MESSAGE
                and "letter_text" not in event.details
            ):
                continue  # the officer's words above stand for it
            message = _letter(event, written, sent_words)
            if not (for_customer and message.delivery is Delivery.NOT_SENT):
                messages.append(message)
    return messages


def _is_letter(event: TimelineEvent) -> bool:
    return event.kind in _DELIVERIES and event.details.get("action") in _LETTER_KINDS


def _letter(
    event: TimelineEvent, written: list[TimelineEvent], sent_words: list[TimelineEvent]
) -> Message:
    action = event.details.get("action", "")
    author = event.actor
    if action == _OFFICER_MESSAGE:
        n = sent_words.index(event)
        author = written[n].actor if n < len(written) else author  # the officer who wrote it
    return Message(
        at=event.at,
        direction=Direction.TO_CUSTOMER,
        title=_TITLES.get(action, "letter"),
        author=author,
        text=event.details.get("letter_text"),
        subject=event.details.get("letter_subject"),
        delivery=_DELIVERIES[event.kind],
        letter_key=event.details.get("key"),
        has_pdf=event.details.get("letter_pdf") == "yes",
        sent_to=event.details.get("sent_to"),
    )


def _first_message(case: Case, events: list[TimelineEvent]) -> Message:
    """What the customer first sent: their email, the form's answers, or what an officer took
    down from a call, a letter or a visit."""
    received = next((e for e in events if e.kind == "received"), None)
    by_customer = case.channel in (Channel.EMAIL, Channel.WEB)
    return Message(
        at=case.received_at,
        direction=Direction.FROM_CUSTOMER,
        title=f"{case.case_type.label} received",
        author=CUSTOMER if by_customer or received is None else received.actor,
        text=case.description or case.subject,
        subject=case.subject,
        channel=case.channel,
    )


def _channel(value: str | None) -> Channel | None:
    try:
        return Channel(value) if value else None
    except ValueError:
        return None


def letter_kept(case_timeline: Iterable[TimelineEvent], key: str) -> bool:
    """Whether the case's timeline records a customer letter sent under `key` with a PDF kept:
    only such a letter may be downloaded (the key comes from a link anyone could change)."""
    return any(
        _is_letter(e) and e.details.get("key") == key and e.details.get("letter_pdf") == "yes"
        for e in case_timeline
    )


def letter_reached_customer(case_timeline: Iterable[TimelineEvent], key: str) -> bool:
    """Whether the letter sent under `key`, with its PDF kept, went to the customer (emailed,
    or passed to the officer to post): what a resident may download of their case."""
    return any(
        _is_letter(e)
        and e.details.get("key") == key
        and e.details.get("letter_pdf") == "yes"
        and _DELIVERIES[e.kind] is not Delivery.NOT_SENT
        for e in case_timeline
    )
