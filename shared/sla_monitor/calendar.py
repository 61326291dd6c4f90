"""Working days, the unit every promise is counted in.

The rule (the council's contact standards, made exact):
- Times are Europe/London. A working day is Monday to Friday, not an England and Wales bank
  holiday, and not a day the council has said it is closed.
- A case received on a working day before the office cut-off (17:00 by default) starts its clocks
  that day; otherwise on the next working day.
- "Within N working days" is due on the Nth working day after the start day, and is breached
  once that day is over (midnight, London time).

Nothing here reads the clock: every instant is passed in, and every instant must be aware.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import holidays

LONDON = ZoneInfo("Europe/London")


class NaiveDatetimeError(ValueError):
    """A datetime without a timezone reached the calendar; we never guess which one it meant."""


def require_aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise NaiveDatetimeError(f"datetime {instant.isoformat()} has no timezone")
    return instant


@dataclass(frozen=True)
class ClosureDay:
    """A day the council closes that is not a bank holiday, added by an administrator after
    go-live (the directory table keeps them; `council.yaml` lists the ones known at deployment)."""

    day: date
    reason: str
    added_by: str
    added_at: datetime


class WorkingDayCalendar:
    """Counts working days for one council: bank holidays of England plus its closure days."""

    def __init__(
        self,
        closure_days: Iterable[date] = (),
        cut_off: time = time(17, 0),
        office_opens: time = time(9, 0),
        office_closes: time = time(17, 0),
        timezone: ZoneInfo = LONDON,
    ) -> None:
        if office_opens >= office_closes:
            raise ValueError("the office must open before it closes")
        self.closure_days = frozenset(closure_days)
        self.cut_off = cut_off
        self.office_opens = office_opens
        self.office_closes = office_closes
        self.timezone = timezone

    def with_closure_days(self, days: Iterable[date]) -> WorkingDayCalendar:
        """The same calendar with `days` closed too: what a closure would make of it."""
        return WorkingDayCalendar(
            self.closure_days | frozenset(days),
            cut_off=self.cut_off,
            office_opens=self.office_opens,
            office_closes=self.office_closes,
            timezone=self.timezone,
        )

    @cached_property
    def _bank_holidays(self) -> holidays.HolidayBase:
        # Imported with the first day counted, not with the module (a cold start need not).
        import holidays

        # `expand=True` (the default) fills in further years as dates from them are asked about.
        return holidays.country_holidays("GB", subdiv="ENG")

    def bank_holiday_name(self, day: date) -> str | None:
        name = self._bank_holidays.get(day)
        return str(name) if name else None

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._bank_holidays and day not in self.closure_days

    def local(self, instant: datetime) -> datetime:
        return require_aware(instant).astimezone(self.timezone)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_day_on_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def start_day(self, received: datetime) -> date:
        """The working day a case's clocks start on, given when it was received."""
        local = self.local(received)
        if self.is_working_day(local.date()) and local.time() < self.cut_off:
            return local.date()
        return self.next_working_day(local.date())

    def add_working_days(self, day: date, working_days: int) -> date:
        """The Nth working day after `day` (N >= 0; N = 0 gives `day` itself)."""
        if working_days < 0:
            raise ValueError("working_days must not be negative")
        for _ in range(working_days):
            day = self.next_working_day(day)
        return day

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def subtract_working_days(self, day: date, working_days: int) -> date:
        """The working day N working days before `day` (for warnings ahead of a due day)."""
        if working_days < 0:
            raise ValueError("working_days must not be negative")
        for _ in range(working_days):
            day = self.previous_working_day(day)
        return day

    def due_date(self, received: datetime, working_days: int) -> date:
        """The day a promise "within N working days" of `received` falls due."""
        return self.add_working_days(self.start_day(received), working_days)

    def end_of_day(self, day: date) -> datetime:
        """The instant a day is over: midnight at its end, London time, as an aware datetime."""
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.timezone)

    def start_of_day(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.timezone)

    def at(self, day: date, clock_time: time) -> datetime:
        """A wall-clock time on a given day in London, correct across daylight-saving changes."""
        return datetime.combine(day, clock_time, tzinfo=self.timezone)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie in [start, end): 0 when end <= start."""
        count = 0
        day = start
        while day < end:
            if self.is_working_day(day):
                count += 1
            day += timedelta(days=1)
        return count

    def working_days(self, start: date, end: date) -> Iterator[date]:
        """The working days in [start, end]."""
        day = start
        while day <= end:
            if self.is_working_day(day):
                yield day
            day += timedelta(days=1)

    def in_office_hours(self, instant: datetime) -> bool:
        local = self.local(instant)
        return (
            self.is_working_day(local.date())
            and self.office_opens <= local.time() < self.office_closes
        )

    def next_office_hours(self, instant: datetime) -> datetime:
        """`instant` itself when the office is open then, or the next time it opens."""
        local = self.local(instant)
        if self.in_office_hours(local):
            return instant
        day = local.date()
        if self.is_working_day(day) and local.time() < self.office_opens:
            return self.at(day, self.office_opens)
        return self.at(self.next_working_day(day), self.office_opens)
