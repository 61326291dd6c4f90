from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla_monitor.calendar import LONDON, NaiveDatetimeError, WorkingDayCalendar

UTC = ZoneInfo("UTC")


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


class TestWorkingDays:
    def test_weekends_and_bank_holidays_are_not_working_days(self, calendar):
        assert calendar.is_working_day(date(2026, 12, 23))  # Wednesday
        assert not calendar.is_working_day(date(2026, 12, 26))  # Saturday
        assert not calendar.is_working_day(date(2026, 12, 25))  # Christmas Day
        assert not calendar.is_working_day(date(2026, 12, 28))  # Boxing Day (substitute)
        assert not calendar.is_working_day(date(2027, 1, 1))  # New Year's Day
        assert not calendar.is_working_day(date(2027, 3, 26))  # Good Friday 2027
        assert not calendar.is_working_day(date(2027, 3, 29))  # Easter Monday 2027

    def test_a_closure_day_from_configuration_is_not_a_working_day(self):
        closed = WorkingDayCalendar(closure_days=[date(2026, 12, 24)])
        assert not closed.is_working_day(date(2026, 12, 24))
        assert WorkingDayCalendar().is_working_day(date(2026, 12, 24))

    def test_bank_holidays_are_those_of_england_not_scotland(self, calendar):
        # 2 January is a bank holiday in Scotland only.
        assert calendar.is_working_day(date(2026, 1, 2))


class TestStartDay:
    def test_before_the_cut_off_on_a_working_day_starts_that_day(self, calendar):
        assert calendar.start_day(london(2026, 12, 23, 16, 59)) == date(2026, 12, 23)

    def test_at_or_after_the_cut_off_starts_the_next_working_day(self, calendar):
        assert calendar.start_day(london(2026, 12, 23, 17, 0)) == date(2026, 12, 24)
        assert calendar.start_day(london(2026, 12, 24, 17, 30)) == date(2026, 12, 29)

    def test_a_weekend_arrival_starts_on_monday(self, calendar):
        assert calendar.start_day(london(2026, 11, 21, 10, 0)) == date(2026, 11, 23)

    def test_the_cut_off_is_configurable(self):
        early = WorkingDayCalendar(cut_off=time(16, 0))
        assert early.start_day(london(2026, 11, 24, 16, 30)) == date(2026, 11, 25)

    def test_cut_off_is_read_in_london_time_whatever_the_offset(self, calendar):
        # 16:30 UTC in summer is 17:30 in London: after the cut-off.
        summer = datetime(2026, 7, 1, 16, 30, tzinfo=UTC)
        assert calendar.start_day(summer) == date(2026, 7, 2)
        # 16:30 UTC in winter is 16:30 in London: before it.
        winter = datetime(2026, 11, 24, 16, 30, tzinfo=UTC)
        assert calendar.start_day(winter) == date(2026, 11, 24)

    def test_naive_datetimes_are_refused(self, calendar):
        with pytest.raises(NaiveDatetimeError):
            calendar.start_day(datetime(2026, 11, 24, 10, 0))


class TestDueDate:
    def test_the_example_across_christmas(self, calendar):
        assert calendar.due_date(london(2026, 12, 23, 10, 0), 2) == date(2026, 12, 29)

    def test_one_working_day_from_friday_afternoon_is_monday(self, calendar):
        assert calendar.due_date(london(2026, 11, 27, 15, 0), 1) == date(2026, 11, 30)

    def test_ten_working_days_across_christmas_and_new_year(self, calendar):
        assert calendar.due_date(london(2026, 12, 23, 10, 0), 10) == date(2027, 1, 11)

    def test_across_easter(self, calendar):
        # Thursday 25 March 2027, then Good Friday and Easter Monday.
        assert calendar.due_date(london(2027, 3, 25, 10, 0), 1) == date(2027, 3, 30)

    def test_breach_is_the_end_of_the_due_day_in_london(self, calendar):
        end = calendar.end_of_day(date(2027, 3, 30))
        assert end == london(2027, 3, 31, 0, 0)
        assert end.utcoffset() == timedelta(hours=1)  # British Summer Time by then

    def test_subtract_is_the_inverse_of_add(self, calendar):
        due = calendar.add_working_days(date(2026, 12, 23), 5)
        assert calendar.subtract_working_days(due, 5) == date(2026, 12, 23)


class TestOfficeHours:
    def test_a_staff_alert_at_night_waits_for_the_next_working_morning(self, calendar):
        assert calendar.next_office_hours(london(2026, 12, 24, 18, 0)) == london(2026, 12, 29, 9)

    def test_in_office_hours_now_is_now(self, calendar):
        at = london(2026, 11, 24, 11, 15)
        assert calendar.next_office_hours(at) == at

    def test_early_morning_waits_for_opening(self, calendar):
        assert calendar.next_office_hours(london(2026, 11, 24, 7, 0)) == london(2026, 11, 24, 9)


instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
spans = st.integers(min_value=0, max_value=60)


@settings(max_examples=300, deadline=None)
@given(received=instants, n=spans)
def test_due_date_never_lands_on_a_non_working_day(received, n):
    calendar = WorkingDayCalendar()
    assert calendar.is_working_day(calendar.due_date(received, n))


@settings(max_examples=300, deadline=None)
@given(a=instants, b=instants, n=spans)
def test_due_date_is_monotonic_in_the_receipt_time(a, b, n):
    calendar = WorkingDayCalendar()
    first, second = sorted((a, b))
    assert calendar.due_date(first, n) <= calendar.due_date(second, n)


@settings(max_examples=300, deadline=None)
@given(received=instants, n=spans)
def test_due_date_is_monotonic_in_the_number_of_days(received, n):
    calendar = WorkingDayCalendar()
    assert calendar.due_date(received, n) < calendar.due_date(received, n + 1)


@settings(max_examples=300, deadline=None)
@given(received=instants, n=spans)
def test_exactly_n_working_days_lie_after_the_start_up_to_the_due_date(received, n):
    calendar = WorkingDayCalendar()
    start = calendar.start_day(received)
    due = calendar.due_date(received, n)
    assert calendar.working_days_between(start + timedelta(days=1), due + timedelta(days=1)) == n


@settings(max_examples=300, deadline=None)
@given(received=instants, n=spans)
def test_the_same_instant_in_any_offset_gives_the_same_due_date(received, n):
    calendar = WorkingDayCalendar()
    in_london = received.astimezone(LONDON)
    in_new_york = received.astimezone(ZoneInfo("America/New_York"))
    assert calendar.due_date(received, n) == calendar.due_date(in_london, n)
    assert calendar.due_date(received, n) == calendar.due_date(in_new_york, n)


@settings(max_examples=200, deadline=None)
@given(
    day=st.sampled_from(
        [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)]
    ),
    minutes=st.integers(min_value=0, max_value=48 * 60),
)
def test_consistent_across_daylight_saving_changes(day, minutes):
    """Around a clock change the London wall-clock time decides, never the UTC offset."""
    calendar = WorkingDayCalendar()
    instant = datetime.combine(day - timedelta(days=1), time(0), tzinfo=LONDON).astimezone(UTC)
    instant += timedelta(minutes=minutes)
    local = instant.astimezone(LONDON)
    expected_start = (
        local.date()
        if calendar.is_working_day(local.date()) and local.time() < time(17, 0)
        else calendar.next_working_day(local.date())
    )
    assert calendar.start_day(instant) == expected_start
    end = calendar.end_of_day(calendar.due_date(instant, 1))
    assert end.astimezone(LONDON).time() == time(0)
