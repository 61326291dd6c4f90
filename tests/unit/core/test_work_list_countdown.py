"""How far a deadline is, in the council's working days, as the work list words it: the edges are
today, tomorrow, a weekend, a bank holiday, a closure day and a deadline gone by."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sla_monitor.calendar import LONDON, WorkingDayCalendar
from sla_monitor.work_list import countdown


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


MONDAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("now", "due", "words"),
    [
        # Due today, at any hour of it.
        (at(MONDAY, 0), MONDAY, "due today"),
        (at(MONDAY, 23), MONDAY, "due today"),
        # Tomorrow is one working day left, two days on are two.
        (at(MONDAY), date(2026, 12, 8), "1 working day left"),
        (at(MONDAY), date(2026, 12, 9), "2 working days left"),
        # Over a weekend: Friday to Monday is one working day, and so is Saturday to Monday.
        (at(date(2026, 12, 11)), date(2026, 12, 14), "1 working day left"),
        (at(date(2026, 12, 12)), date(2026, 12, 14), "1 working day left"),
        (at(date(2026, 12, 11)), date(2026, 12, 15), "2 working days left"),
        # Over Christmas: the 25th and the substitute Boxing Day (the 28th) do not count.
        (at(date(2026, 12, 24)), date(2026, 12, 29), "1 working day left"),
        (at(date(2026, 12, 23)), date(2026, 12, 30), "3 working days left"),
        # Gone by: the working days since the due day, up to today.
        (at(date(2026, 12, 8)), MONDAY, "1 working day overdue"),
        (at(date(2026, 12, 10)), MONDAY, "3 working days overdue"),
        # Missed on Friday: over the weekend no working day has gone by yet.
        (at(date(2026, 12, 12)), date(2026, 12, 11), "overdue since Friday"),
        (at(date(2026, 12, 13)), date(2026, 12, 11), "overdue since Friday"),
        (at(date(2026, 12, 14)), date(2026, 12, 11), "1 working day overdue"),
        # Missed on Christmas Eve: the bank holidays are not counted against it.
        (at(date(2026, 12, 29)), date(2026, 12, 24), "1 working day overdue"),
    ],
)
def test_the_working_days_left_and_overdue(now: datetime, due: date, words: str, calendar):
    assert countdown(due, calendar=calendar, now=now) == words


def test_a_closure_day_is_not_counted():
    closed = WorkingDayCalendar(closure_days=[date(2026, 12, 8)])
    assert countdown(date(2026, 12, 9), calendar=closed, now=at(MONDAY)) == "1 working day left"
    assert countdown(date(2026, 12, 10), calendar=closed, now=at(date(2026, 12, 9))) == (
        "1 working day left"
    )
    assert countdown(MONDAY, calendar=closed, now=at(date(2026, 12, 9))) == (
        "1 working day overdue"
    )


def test_a_due_day_the_council_closed_after_it_was_given_is_named():
    closed = WorkingDayCalendar(closure_days=[date(2026, 12, 8)])
    assert countdown(date(2026, 12, 8), calendar=closed, now=at(MONDAY)) == "due Tuesday"


def test_today_is_london_s_day_whatever_the_zone_of_now(calendar):
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (summer time).
    summer_night = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    assert countdown(date(2026, 7, 2), calendar=calendar, now=summer_night) == "due today"
    assert countdown(date(2026, 7, 1), calendar=calendar, now=summer_night) == (
        "1 working day overdue"
    )
