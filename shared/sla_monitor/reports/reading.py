"""Reading a report's cases from the store, one received month at a time (the received-month
index): what a report costs grows with its period, never with the archive."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case
from sla_monitor.directory import Directory
from sla_monitor.reports.annual import AnnualComplaintsReport, compile_annual_report
from sla_monitor.reports.compliance import TREND_MONTHS, MonthlyReport, compile_monthly_report
from sla_monitor.reports.periods import Month, ReportYear
from sla_monitor.store.ports import CaseListings

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


def cases_by_month(store: CaseListings, months: Iterable[Month]) -> dict[Month, list[Case]]:
    return {month: list(store.cases_received(month.key)) for month in months}


def monthly_report(
    month: Month,
    *,
    store: CaseListings,
    council: str,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
) -> MonthlyReport:
    """The month's compliance report: reads the month and the eleven before it (the trend)."""
    return compile_monthly_report(
        cases_by_month(store, month.back(TREND_MONTHS)),
        month=month,
        council=council,
        policy=policy,
        calendar=calendar,
        directory=directory,
        now=now,
    )


def annual_report(
    period: ReportYear,
    *,
    store: CaseListings,
    council: str,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
) -> AnnualComplaintsReport:
    """The annual complaints report: the year's received months and the twelve before them
    (complaints received then can be answered, reviewed at stage 2 or taken to the Ombudsman in
    the year), and any older complaint still open (the open-cases index)."""
    months = period.start.preceding().back(12) + period.months
    found: dict[str, Case] = {}
    for month_cases in cases_by_month(store, months).values():
        found.update((c.reference, c) for c in month_cases)
    first = months[0].first_day
    for case in store.open_cases():
        if calendar.local(case.received_at).date() >= first:
            break  # oldest first: the rest were read by month already
        found[case.reference] = case
    return compile_annual_report(
        list(found.values()),
        period=period,
        council=council,
        policy=policy,
        calendar=calendar,
        directory=directory,
        now=now,
    )
