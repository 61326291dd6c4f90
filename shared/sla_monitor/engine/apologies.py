"""Saying sorry for a missed reply date, and the new date the customer is given.

A breached response promise (or the date a holding update gave) owes the customer an apology
with a new date, once, the working day after. No letter gives a date already past: the new date
counts from the day the letter goes. Pure: no AWS, no clock reads.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case
from sla_monitor.engine.results import Action, OwedAction

if TYPE_CHECKING:
    from sla_monitor.policy import Policy, Promise


def apology_for_delay(
    case: Case,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
    *,
    clock: str,
    promise: Promise,
    due_day: date,
    acknowledgement_owed: bool,
) -> OwedAction | None:
    """Sorry, we said we would reply by `due_day` and did not: the customer is told once,
    at the customer update time on the working day after, with the date they can now
    expect. Not while the case waits on them, not before the acknowledgement (a late
    acknowledgement says it), and not when a letter sent since the breach gave a later
    date already."""
    breached_at = calendar.end_of_day(due_day)
    if case.open_pause is not None:
        return None
    if acknowledgement_owed:
        return None
    if any(
        s.promised_day is not None and s.promised_day > due_day and s.sent_at >= breached_at
        for s in case.sent
    ):
        return None
    send_from = calendar.at(calendar.next_working_day(due_day), policy.customer_updates_sent_at)
    sent_on = calendar.local(max(send_from, now)).date()
    return OwedAction(
        action=Action.APOLOGISE_FOR_DELAY,
        key=f"apology:{clock}",
        promise=clock,
        owed_from=send_from,
        due=breached_at,
        expected_reply_by=reply_day_after_delay(promise, calendar, sent_on),
    )


def reply_day_after_delay(promise: Promise, calendar: WorkingDayCalendar, sent_on: date) -> date:
    """The reply date a letter sent on `sent_on` gives once a response promise is (or is about
    to be) missed: the holding update's `expect_reply_within` working days later, or, for a
    promise without holding updates, the promise's own working days again."""
    days = promise.holding_update.expect_reply_within if promise.holding_update else promise.within
    return calendar.add_working_days(sent_on, days or 1)
