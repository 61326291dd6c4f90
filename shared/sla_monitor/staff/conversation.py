"""Writing to the customer in an officer's own words, and notes for colleagues."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    Case,
    NotificationKind,
    TimelineEvent,
)
from sla_monitor.staff.steps import ActionNotAllowed, change_case
from sla_monitor.store.ports import CaseStore

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


def message_words(text: str) -> str:
    """An officer's words to the customer, checked: some text, and not more than a letter."""
    words = text.strip()
    if not words:
        raise ActionNotAllowed("a message to the customer needs some text")
    if len(words) > 20_000:
        raise ActionNotAllowed("a message to the customer is at most 20,000 characters")
    return words


def reply_to_customer(
    reference: str,
    *,
    text: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """An officer writes to the customer in their own words (a question, news, an answer that
    is not the formal response). It goes through the checker like every customer letter,
    threaded on the customer's own message, and the timeline keeps the words."""
    words = message_words(text)

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        changed = case.notify(NotificationKind.OFFICER_MESSAGE, at=now, text=words, sent_by=by)
        return changed, TimelineEvent(
            at=now,
            kind="officer_message",
            actor=by,
            summary="message to the customer written; it goes out by email or post",
            details={"text": words},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def add_note(
    reference: str,
    *,
    text: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """A note on the timeline for colleagues; the customer is not told."""
    if not text.strip():
        raise ActionNotAllowed("a note needs some text")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        return case, TimelineEvent(at=now, kind="note", actor=by, summary=text.strip())

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)
