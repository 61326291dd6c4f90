"""The periods reports cover: a calendar month, a calendar year, a financial year.

A period is refused, with a one-line reason, when it is malformed or has not begun yet; a period
that is under way is reported up to the report's time, and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sla_monitor.calendar import LONDON, require_aware


class ReportRefused(ValueError):
    """The report cannot be made for what was asked; the message says why, in one line."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def key(self) -> str:
        """As the received-month index names it: "2026-12"."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return self.first_day.strftime("%B %Y")

    @property
    def short_label(self) -> str:
        return self.first_day.strftime("%b %Y")

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.following().first_day - timedelta(days=1)

    def following(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def preceding(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def back(self, count: int) -> list[Month]:
        """This month and the `count - 1` before it, oldest first."""
        months = [self]
        for _ in range(count - 1):
            months.append(months[-1].preceding())
        return months[::-1]

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)


def _today(now: datetime) -> date:
    return require_aware(now).astimezone(LONDON).date()


def parse_month(text: str, *, now: datetime) -> Month:
    """A month typed as YYYY-MM; refused when malformed or in the future (London time)."""
    found = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not found or not 1 <= int(found[2]) <= 12:
        raise ReportRefused(f"{text!r} is not a month; write it like 2026-12")
    month = Month(int(found[1]), int(found[2]))
    if month > Month.of(_today(now)):
        raise ReportRefused(f"{month.label} has not begun yet: there is nothing to report")
    return month


@dataclass(frozen=True)
class ReportYear:
    """A calendar year (January to December) or a financial year (April to March)."""

    start: Month
    financial: bool

    @property
    def months(self) -> list[Month]:
        months = [self.start]
        for _ in range(11):
            months.append(months[-1].following())
        return months

    @property
    def first_day(self) -> date:
        return self.start.first_day

    @property
    def last_day(self) -> date:
        return self.months[-1].last_day

    @property
    def label(self) -> str:
        if self.financial:
            return f"{self.start.year}/{(self.start.year + 1) % 100:02d}"
        return str(self.start.year)

    @property
    def long_label(self) -> str:
        kind = "financial year" if self.financial else "year"
        return f"the {kind} {self.label} ({self.first_day:%-d %B %Y} to {self.last_day:%-d %B %Y})"

    @property
    def file_label(self) -> str:
        if self.financial:
            return f"{self.start.year}-{(self.start.year + 1) % 100:02d}"
        return self.label

    def holds(self, instant: datetime | None) -> bool:
        if instant is None:
            return False
        day = require_aware(instant).astimezone(LONDON).date()
        return self.first_day <= day <= self.last_day


def parse_year(text: str, *, financial: bool, now: datetime) -> ReportYear:
    """A year typed as YYYY: the calendar year, or with `financial` the year from April of it;
    refused when malformed or not begun yet."""
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise ReportRefused(f"{text!r} is not a year; write it like 2026")
    period = ReportYear(Month(int(text), 4 if financial else 1), financial)
    if period.first_day > _today(now):
        raise ReportRefused(f"{period.long_label} has not begun yet: there is nothing to report")
    return period
