"""The reply date each customer letter gives, and the date it says sorry for missing.

A letter never gives a day already past: once the response's due day is today or gone, it gives
the date a letter gave since, while that is still to come, or else a new one counted from the
day it goes (`engine.reply_day_after_delay`). The date a letter gave is recorded with it, as
the promise the customer now holds. Nothing here sends anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, NotificationKind
from sla_monitor.checker.duties import Duty
from sla_monitor.engine import (
    Action,
    Clock,
    ClockState,
    evaluate,
    reply_day_after_delay,
)
from sla_monitor.policy_terms import PromiseKind

if TYPE_CHECKING:
    from sla_monitor.policy import Policy

# Case updates whose date is worked out afresh when the letter goes, and never given once past.
_DATED_UPDATES = ("downgraded", "retimed")


@dataclass(frozen=True)
class ReplyDate:
    """The reply date a letter gives (never before the working day after it goes), and the
    date we aimed for or gave and have missed, which the letter says sorry for."""

    day: date | None
    missed: date | None = None


# Three readings of "the day the customer expects a reply" have grown apart; they are kept
# together here to be read side by side, each as it was:
# - `customer_reply_day`: the date a holding update gave, else the response clock's due day
#   (a re-timed case's update; re-timing compares it before and after);
# - `ReplyDates.reply_due`: the response clock's due day, counting from an acknowledgement at
#   the letter's time (most customer letters through `reply_date`, a downgraded case's update,
#   staff letters);
# - `ReplyDates.reply_still_due`: the running response clock's due day while it is still to
#   come (the acknowledgement of a customer's reply).


def customer_reply_day(clocks: Iterable[Clock], stage: int) -> date | None:
    """The day the customer is given to expect a reply at `stage` (from the case's clocks): the
    date a holding update gave them, where one did, else the response clock's due day."""
    clocks = [c for c in clocks if c.stage == stage and c.due_day is not None]
    promised = [c.due_day for c in clocks if c.kind is PromiseKind.PROMISED_DATE]
    if promised:
        return max(d for d in promised if d is not None)
    due = [c.due_day for c in clocks if c.kind is PromiseKind.RESPONSE]
    return min((d for d in due if d is not None), default=None)


class ReplyDates:
    """The reply dates of a case's letters under one policy and calendar."""

    def __init__(self, policy: Policy, calendar: WorkingDayCalendar) -> None:
        self.policy = policy
        self.calendar = calendar

    def reply_due(self, case: Case, at: datetime) -> date | None:
        """The day the customer is promised a reply, counting from an acknowledgement at `at`
        where the policy counts from the acknowledgement."""
        if case.stage_2 is not None:
            acknowledged = (
                case
                if case.stage_2.acknowledged_at
                else replace(case, stage_2=replace(case.stage_2, acknowledged_at=at))
            )
        else:
            acknowledged = case if case.acknowledged_at else replace(case, acknowledged_at=at)
        evaluation = evaluate(acknowledged, self.policy, self.calendar, at)
        days = [
            c.due_day
            for c in evaluation.clocks
            if c.kind is PromiseKind.RESPONSE and c.due_day is not None and c.stage == case.stage
        ]
        return min(days) if days else None

    def reply_still_due(self, case: Case, at: datetime) -> date | None:
        """The day the case's running response clock falls due, if that day has not passed:
        what a letter may say the customer can still expect a reply by. None once the clock is
        met, breached or not started (a letter never promises a day already gone)."""
        today = self.calendar.local(at).date()
        days = [
            c.due_day
            for c in evaluate(case, self.policy, self.calendar, at).clocks
            if c.kind is PromiseKind.RESPONSE
            and c.stage == case.stage
            and c.state is ClockState.RUNNING
            and c.due_day is not None
            and c.due_day >= today
        ]
        return min(days) if days else None

    def update_reply_day(self, case: Case, why: str, at: datetime) -> date | None:
        """The day a re-timed or downgraded case's update gives the customer: its clock's now
        (a holding update's date, where one was given), and never a day past."""
        if why == "retimed":
            day = customer_reply_day(
                evaluate(case, self.policy, self.calendar, at).clocks, case.stage
            )
        else:
            day = self.reply_due(case, at)
        if day is None or day < self.calendar.local(at).date():
            return None
        return day

    def reply_date(self, case: Case, at: datetime, *, may_wait: bool = False) -> ReplyDate:
        """The reply date a letter going at `at` gives: the response's due day while it is
        still to come; once it is today or past, the date a letter gave since, if that is still
        to come, or else a new date counted from today (`reply_day_after_delay`). With
        `may_wait`, a reply still due today leaves the letter without a date (a progress
        update on the due day: the reply may yet go today, and the apology follows if not)."""
        due_day = self.reply_due(case, at)
        if due_day is None:
            return ReplyDate(None)
        today = self.calendar.local(at).date()
        earliest = self.calendar.next_working_day(today)
        if due_day >= earliest:
            return ReplyDate(due_day)
        if may_wait and due_day == today:
            return ReplyDate(None)
        told = (
            self.calendar.local(case.expected_reply_by).date()
            if case.expected_reply_by is not None
            else None
        )
        if told is not None and told >= earliest:
            return ReplyDate(told, missed=due_day)
        response = self.policy.response_promise(case)
        assert response is not None  # a due day comes from a response promise
        missed = max(due_day, told) if told is not None else due_day
        return ReplyDate(reply_day_after_delay(response, self.calendar, today), missed=missed)

    def promised_reply(self, case: Case, duty: Duty, at: datetime) -> ReplyDate:
        """The reply date the customer letter for `duty` gives: the letter says it, and the
        case records it with the letter as the promise the customer now holds."""
        if duty.kind in (Action.SEND_HOLDING_UPDATE, Action.APOLOGISE_FOR_DELAY):
            # The engine's date for a letter going at `at` (a sweep recording a letter an
            # earlier one sent asks as of when it went).
            evaluation = evaluate(case, self.policy, self.calendar, at)
            owed = next(
                (a for a in (*evaluation.owed, *evaluation.upcoming) if a.key == duty.key),
                duty.owed,
            )
            return ReplyDate(owed.expected_reply_by if owed else None)
        if duty.kind in (
            NotificationKind.FORMAL_RESPONSE,
            NotificationKind.OFFICER_MESSAGE,
            NotificationKind.COMPLAINT_REFUSED,
        ):
            return ReplyDate(None)
        if duty.kind is NotificationKind.REPLY_ACKNOWLEDGEMENT:
            return ReplyDate(self.reply_still_due(case, at))
        why = duty.notification.details.get("why") if duty.notification else None
        if duty.kind is NotificationKind.CASE_UPDATE and why in _DATED_UPDATES:
            return ReplyDate(self.update_reply_day(case, why, at))
        return self.reply_date(case, at, may_wait=duty.kind is Action.SEND_PROGRESS_UPDATE)

    def expected_reply_by(self, day: date) -> datetime:
        # The end of office hours that day: read back as a date, it is still that day.
        return self.calendar.at(day, self.calendar.office_closes)
