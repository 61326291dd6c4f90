"""The working-day calendar the functions use counts the closure days stored after go-live, and
a warm container sees a new one within minutes."""

from __future__ import annotations

from datetime import date, datetime

from sla_monitor.calendar import LONDON, ClosureDay
from sla_monitor.directory import Department
from sla_monitor.runtime import STAFF_DATA_MAX_AGE

ADDED_AT = datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
CHRISTMAS_EVE = date(2026, 12, 24)


class Clock:
    """A monotonic clock moved on by hand."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def test_a_stored_closure_day_is_not_a_working_day(embedded):
    embedded.directory_store.add_closure_day(
        ClosureDay(CHRISTMAS_EVE, "Christmas Eve", "administrator", ADDED_AT)
    )
    calendar = embedded.calendar
    assert not calendar.is_working_day(CHRISTMAS_EVE)
    # Received Wednesday 23 December: two working days on skips Thursday (closed), Friday
    # (Christmas Day) and Monday (Boxing Day observed), and lands on Wednesday 30 December.
    received = datetime(2026, 12, 23, 10, 0, tzinfo=LONDON)
    assert calendar.due_date(received, 1) == date(2026, 12, 29)
    assert calendar.due_date(received, 2) == date(2026, 12, 30)


def test_a_warm_container_reads_the_stored_closure_days_again_after_a_while(embedded):
    clock = Clock()
    embedded.clock = clock
    assert embedded.calendar.is_working_day(CHRISTMAS_EVE)

    embedded.directory_store.add_closure_day(
        ClosureDay(CHRISTMAS_EVE, "Christmas Eve", "administrator", ADDED_AT)
    )
    clock.seconds += STAFF_DATA_MAX_AGE - 1
    assert embedded.calendar.is_working_day(CHRISTMAS_EVE)  # its copy is still fresh enough
    clock.seconds += 1
    assert not embedded.calendar.is_working_day(CHRISTMAS_EVE)

    embedded.directory_store.remove_closure_day(CHRISTMAS_EVE)
    embedded.forget_staff_data()  # this process changed it: no need to wait
    assert embedded.calendar.is_working_day(CHRISTMAS_EVE)


def test_the_directory_a_container_keeps_is_read_again_after_a_while(embedded):
    clock = Clock()
    embedded.clock = clock
    assert embedded.directory.department("parks") is None

    embedded.directory_store.save_department(Department("parks", "Parks", "head-planning"))
    assert embedded.directory.department("parks") is None
    clock.seconds += STAFF_DATA_MAX_AGE
    assert embedded.directory.department("parks") is not None
