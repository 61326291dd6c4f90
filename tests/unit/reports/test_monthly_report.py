"""The monthly compliance report's every figure, from cases built to known outcomes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from sla_monitor.directory import default_directory
from sla_monitor.listing import Schedule
from sla_monitor.reports.compliance import Tally, compile_monthly_report
from sla_monitor.reports.periods import Month, ReportRefused, parse_month
from sla_monitor.reports.reading import monthly_report
from sla_monitor.store.memory import InMemoryCaseStore

from .cases import NOVEMBER, REPORTED_AT, TEST_POLICY, A, B, C, D, E, F, G, london

NOV = Month(2026, 11)


@pytest.fixture
def report(calendar):
    return compile_monthly_report(
        {NOV: list(NOVEMBER), Month(2026, 10): [F]},
        month=NOV,
        council="Test Council",
        policy=TEST_POLICY,
        calendar=calendar,
        directory=default_directory(),
        now=REPORTED_AT,
    )


def rows(breakdowns):
    return {b.label: (b.cases, b.tally) for b in breakdowns}


def test_each_promise_fell_due_kept_on_time_late_breached_or_open(report):
    by_promise = {p.promise: p.tally for p in report.promises}
    # kept on time, kept late, breached and not kept, open
    assert by_promise == {
        "acknowledge": Tally(3, 1, 1, 0),  # A D E on time, B late, C breached
        "respond": Tally(2, 1, 1, 1),  # A E on time, B late, C breached, D paused
        "respond_to_stage_2": Tally(1, 0, 0, 0),  # E
    }
    assert [(t.fell_due, t.percent_on_time) for t in by_promise.values()] == [
        (5, 60.0),
        (4, 50.0),
        (1, 100.0),
    ]
    assert report.cases == 5
    assert report.totals == Tally(6, 2, 2, 1)
    assert report.totals.fell_due == 10 and report.totals.percent_on_time == 60.0


def test_by_department_case_type_channel_and_stage(report):
    assert rows(report.by_department) == {
        "Housing": (3, Tally(5, 2, 0, 0)),  # A 2 on time, B 2 late, E 3 on time
        "Waste Services": (2, Tally(1, 0, 2, 1)),  # C 2 breached, D 1 on time 1 open
    }
    assert rows(report.by_case_type) == {
        "Complaint": (2, Tally(3, 0, 2, 0)),
        "Enquiry": (2, Tally(2, 2, 0, 0)),
        "Service request": (1, Tally(1, 0, 0, 1)),
    }
    assert rows(report.by_channel) == {
        "Email": (3, Tally(6, 0, 0, 1)),
        "Have Your Say (web)": (1, Tally(0, 2, 0, 0)),
        "Telephone": (1, Tally(0, 0, 2, 0)),
    }
    assert rows(report.by_stage) == {
        "Stage 1": (5, Tally(5, 2, 2, 1)),
        "Stage 2": (1, Tally(1, 0, 0, 0)),
    }


def test_the_trend_shows_twelve_months_ending_with_the_month(report):
    assert [p.month for p in report.trend] == Month(2026, 11).back(12)
    assert report.trend[0].month == Month(2025, 12)
    trend = {p.month.key: (p.cases, p.tally) for p in report.trend}
    assert trend["2026-10"] == (1, Tally(1, 0, 0, 0))
    assert trend["2026-11"] == (5, Tally(6, 2, 2, 1))
    assert all(t == (0, Tally()) for k, t in trend.items() if k not in ("2026-10", "2026-11"))
    assert report.trend_cases == 6


def test_the_oldest_open_cases_come_first_without_anyone_s_details(report):
    assert [
        (o.reference, o.received_on, o.working_days_open, o.waiting_on_customer, o.breached)
        for o in report.oldest_open
    ] == [
        (C.reference, date(2026, 11, 3), 30, False, ("acknowledge", "respond")),
        (D.reference, date(2026, 11, 30), 11, True, ()),
    ]
    assert report.oldest_open[0].department == "Waste Services"


def test_a_month_with_no_cases_is_an_empty_report(calendar):
    report = compile_monthly_report(
        {},
        month=NOV,
        council="Test Council",
        policy=TEST_POLICY,
        calendar=calendar,
        directory=default_directory(),
        now=REPORTED_AT,
    )
    assert report.empty and report.promises == [] and report.totals == Tally()
    assert report.totals.percent_on_time is None


def test_the_store_is_read_one_month_at_a_time(calendar):
    store = InMemoryCaseStore()
    for built in (*NOVEMBER, F, G):
        store.create_case(built, events=[], schedule=Schedule(None))
    report = monthly_report(
        NOV,
        store=store,
        council="Test Council",
        policy=TEST_POLICY,
        calendar=calendar,
        directory=default_directory(),
        now=REPORTED_AT,
    )
    assert report.cases == 5  # December's G is not November's
    assert report.totals == Tally(6, 2, 2, 1)
    assert {A.reference, B.reference, E.reference}.isdisjoint(
        o.reference for o in report.oldest_open
    )


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("2026-13", "'2026-13' is not a month; write it like 2026-12"),
        ("December", "'December' is not a month; write it like 2026-12"),
        ("2026-1", "'2026-1' is not a month; write it like 2026-12"),
        ("2027-01", "January 2027 has not begun yet: there is nothing to report"),
    ],
)
def test_a_month_malformed_or_in_the_future_is_refused(typed, reason):
    with pytest.raises(ReportRefused) as refused:
        parse_month(typed, now=london(2026, 12, 31, 23, 59))
    assert str(refused.value) == reason


def test_the_month_under_way_may_be_reported():
    assert parse_month("2026-12", now=london(2026, 12, 1, 0, 1)) == Month(2026, 12)


def test_a_case_naming_no_department_counts_under_the_default_department(calendar):
    report = compile_monthly_report(
        {NOV: [replace(A, department=None)]},
        month=NOV,
        council="Test Council",
        policy=TEST_POLICY,
        calendar=calendar,
        directory=default_directory(),
        now=REPORTED_AT,
    )
    assert [(b.key, b.label) for b in report.by_department] == [
        ("customer-services", "Customer Services")
    ]
