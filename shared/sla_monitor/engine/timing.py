"""When a clock falls due: the working days a promise gives, counted from its stage's start (or
its acknowledgement), moved on by the working days the customer was waited on (pausable clocks
only) and by the extensions granted. An open pause leaves the clock without a due day, its
remaining working days kept. Pure: no AWS, no clock reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, Pause
from sla_monitor.policy_terms import StartsFrom

if TYPE_CHECKING:
    from sla_monitor.policy import Promise


@dataclass(frozen=True)
class StageTimes:
    """When a stage of the case started, was acknowledged and was answered; and when it was
    closed without a reply (its clocks stopped, neither kept nor broken after)."""

    started_at: datetime
    acknowledged_at: datetime | None
    answered_at: datetime | None
    stopped_at: datetime | None = None


def _closed(case: Case) -> tuple[datetime | None, datetime | None]:
    """When closing the case answered it, and when it stopped its clocks without a reply: a
    case closed without a letter answers the customer only where the council counts its reason
    as the reply (`Closure.meets_response`); any other closing ends the stage with its letter."""
    closure = case.closure
    if closure is not None and closure.closed_at == case.closed_at and not closure.meets_response:
        return None, case.closed_at
    return case.closed_at, None


def stage_times(case: Case, stage: int) -> StageTimes:
    closed, stopped = _closed(case)
    if stage == 2 and case.stage_2 is not None:
        review = case.stage_2
        answered = [t for t in (review.responded_at, closed) if t is not None]
        return StageTimes(
            review.requested_at, review.acknowledged_at, min(answered, default=None), stopped
        )
    if case.stage_2 is not None:
        # Stage 2 is only ever started once stage 1 was answered.
        return StageTimes(case.received_at, case.acknowledged_at, case.responded_at)
    answered = [t for t in (case.responded_at, closed) if t is not None]
    return StageTimes(case.received_at, case.acknowledged_at, min(answered, default=None), stopped)


@dataclass(frozen=True)
class Timing:
    due_day: date | None  # None while paused
    paused_working_days: int
    remaining_working_days: int | None


@dataclass(frozen=True)
class StageTiming:
    """The due days of one stage's clocks for one case."""

    case: Case
    calendar: WorkingDayCalendar
    times: StageTimes
    pauses: tuple[Pause, ...]  # oldest first

    def start_day(self, promise: Promise) -> date | None:
        if promise.starts_from is StartsFrom.ACKNOWLEDGED:
            if self.times.acknowledged_at is None:
                return None
            return self.calendar.start_day(self.times.acknowledged_at)
        return self.calendar.start_day(self.times.started_at)

    def extension_days(self, promise: Promise) -> int:
        return sum(e.working_days for e in self.case.extensions if e.clock == promise.name)

    def missed_before_extension(self, promise: Promise, start: date) -> datetime | None:
        """The due an extension came too late for: granted once that deadline had passed, it
        moves the date the council works to, never the breach."""
        assert promise.within is not None
        days = promise.within
        extensions = sorted(
            (e for e in self.case.extensions if e.clock == promise.name),
            key=lambda e: e.granted_at,
        )
        for extension in extensions:
            before = self.due_after(promise, start, days)
            if before.due_day is not None:
                due = self.calendar.end_of_day(before.due_day)
                if extension.granted_at >= due:
                    return due
            days += extension.working_days
        return None

    def due_after(self, promise: Promise, start_day: date, working_days: int) -> Timing:
        """The due day `working_days` after `start_day`, moved on by the pauses that began
        before it and before the answer; none while a pause is open."""
        cal = self.calendar
        answered_at = self.times.answered_at
        due_day = cal.add_working_days(start_day, working_days)
        if not promise.pausable:
            return Timing(due_day, 0, None)
        lost = 0
        for pause in self.pauses:
            if pause.paused_at >= cal.end_of_day(due_day):
                break  # paused after this clock had fallen due: it does not move it
            if answered_at is not None and pause.paused_at >= answered_at:
                break
            paused_from = max(cal.start_day(pause.paused_at), start_day)
            if pause.resumed_at is None:
                remaining = sum(1 for _ in cal.working_days(paused_from, due_day))
                return Timing(None, lost, remaining)
            days = cal.working_days_between(paused_from, cal.start_day(pause.resumed_at))
            lost += days
            due_day = cal.add_working_days(due_day, days)
        return Timing(due_day, lost, None)
