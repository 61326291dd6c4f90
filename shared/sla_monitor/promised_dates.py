"""The one date a case's reply is promised by, as every page shows it: the date the clock holds
now (a holding update's date, where one was given, else the response clock's due day), and,
where it moved since the customer was given a date, the date before and why, in a sentence.

Staff and residents' pages read the same answer, so a closure day that moved a reply from 8 to
9 December shows 9 December on both, with the reason. Pure: the case, its clocks, its timeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, TimelineEvent
from sla_monitor.checker.reply_dates import customer_reply_day
from sla_monitor.engine import Clock
from sla_monitor.policy import PromiseKind
from sla_monitor.wording import long_date


@dataclass(frozen=True)
class PromisedReply:
    """The reply date of a case's current stage, and where it moved, from when and why."""

    day: date
    moved_from: date | None = None
    because: str | None = None  # "the council's offices are closed on Tuesday 8 December 2026"

    @property
    def moved_sentence(self) -> str | None:
        """ "Moved from Tuesday 8 December 2026 because ...", or None where it did not move."""
        if self.moved_from is None:
            return None
        why = f" because {self.because}" if self.because else ""
        return f"Moved from {long_date(self.moved_from)}{why}."


def _days(listed: str) -> list[date]:
    return [date.fromisoformat(d) for d in listed.split(",") if d]


def _listed(days: Sequence[date]) -> str:
    names = [long_date(d) for d in days]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _because(event: TimelineEvent) -> str:
    closed, opened = (
        _days(event.details.get("days_closed", "")),
        _days(event.details.get("days_opened", "")),
    )
    if closed:
        return f"the council's offices are closed on {_listed(closed)}"
    if opened:
        return f"the council's offices are open again on {_listed(opened)}"
    return "the council changed the times it promises to reply within"


def promised_reply(
    case: Case,
    clocks: Sequence[Clock],
    timeline: Iterable[TimelineEvent],
    calendar: WorkingDayCalendar,
) -> PromisedReply | None:
    """The reply date the clock holds now, and where a re-timing moved it, from which date and
    why; else, where the customer was given another date, that date. None without a date."""
    day = customer_reply_day(clocks, case.stage)
    if day is None:
        return None
    moves = [
        e
        for e in timeline
        if e.kind == "retimed" and e.details.get("reply_day_after") == day.isoformat()
    ]
    if moves:
        move = moves[-1]
        before = move.details.get("reply_day_before")
        if before:
            return PromisedReply(day, date.fromisoformat(before), _because(move))
    told = calendar.local(case.expected_reply_by).date() if case.expected_reply_by else None
    if told is not None and told != day:
        extended = [e for e in case.extensions if e.clock == promise_of(clocks, case.stage)]
        because = f"the deadline was extended: {extended[-1].reason}" if extended else None
        return PromisedReply(day, told, because)
    return PromisedReply(day)


def promise_of(clocks: Iterable[Clock], stage: int) -> str | None:
    """The name of the response promise of `stage` among the clocks."""
    return next(
        (c.promise for c in clocks if c.kind is PromiseKind.RESPONSE and c.stage == stage), None
    )


def paused_working_days(case: Case, clocks: Iterable[Clock]) -> int:
    """The working days the response promise of the case's stage stood paused while the case
    waited on the customer, in all (its dates moved on by them)."""
    return max(
        (
            c.paused_working_days
            for c in clocks
            if c.kind is PromiseKind.RESPONSE and c.stage == case.stage
        ),
        default=0,
    )
