"""`sla-monitor report`: the monthly compliance report and the annual complaints report, written
to a folder.

    sla-monitor report monthly --month 2026-12 --format html --output reports/
    sla-monitor report annual --year 2026 [--financial] --format pdf --output reports/
    sla-monitor report backfill      (once, after upgrading a deployment with cases in it)

A report reads only its period's cases (the received-month index). A month or year that is
malformed or has not begun is refused with one line and exit code 2; a period with no cases
gives a report that says so.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from sla_monitor.cli.common import (
    UsageError,
    add_target_arguments,
    instant_argument,
    target_services,
)
from sla_monitor.listing import schedule_of
from sla_monitor.reports.exports import (
    ANNUAL_FORMATS,
    MONTHLY_FORMATS,
    write_annual_report,
    write_monthly_report,
)
from sla_monitor.reports.periods import ReportRefused, parse_month, parse_year
from sla_monitor.reports.reading import annual_report, monthly_report


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write the monthly compliance report or the annual complaints report",
        description=(
            "Write a report of how well the council keeps its promises: the monthly compliance "
            "report (every promise of the month's cases, by department, type, channel and "
            "stage, the twelve-month trend and the oldest open cases) or the annual complaints "
            "report along the Complaint Handling Code's headings."
        ),
    )
    kinds = parser.add_subparsers(dest="report_kind", required=True, metavar="REPORT")

    monthly = kinds.add_parser(
        "monthly",
        help="the monthly compliance report",
        description="Every promise of the cases received in the month, and what became of it.",
    )
    monthly.add_argument("--month", required=True, metavar="YYYY-MM")
    monthly.add_argument("--format", choices=MONTHLY_FORMATS, default="html")
    _common(monthly)
    monthly.set_defaults(handler=_monthly)

    annual = kinds.add_parser(
        "annual",
        help="the annual complaints performance and service improvement report",
        description=(
            "Complaints at stage 1 and 2, responses within the Code's timescales and the "
            "council's own, extensions, outcomes, Ombudsman referrals, themes by department, "
            "lessons learned, and compliments and comments by service."
        ),
    )
    annual.add_argument("--year", required=True, metavar="YYYY")
    annual.add_argument(
        "--financial", action="store_true", help="the financial year from April of YYYY"
    )
    annual.add_argument("--format", choices=ANNUAL_FORMATS, default="html")
    _common(annual)
    annual.set_defaults(handler=_annual)

    backfill = kinds.add_parser(
        "backfill",
        help="index the cases saved before the reports existed, once, after upgrading",
        description=(
            "Give every case saved before the received-month index existed its month, so the "
            "reports find it, and file every case saved before the work list's shelves and "
            "search (or, closed, before the Closed view) existed. Scans the cases table once; "
            "safe to run again."
        ),
    )
    add_target_arguments(backfill)
    backfill.set_defaults(handler=_backfill)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="folder to write the report in (default: the current folder)",
    )
    parser.add_argument(
        "--now",
        type=instant_argument,
        metavar="ISO",
        help="the time the report is as at, ISO 8601 (default: the clock)",
    )
    add_target_arguments(parser)


def _backfill(args: argparse.Namespace) -> int:
    with target_services(args) as bundle:
        changed = bundle.store.index_received_months()
        keyed = bundle.store.index_customer_keys()
        now = datetime.now(UTC)
        filed = bundle.store.refile_cases(
            lambda case: schedule_of(case, bundle.policy, bundle.calendar, now)
        )
    print(f"{changed} case(s) given their received month")
    print(f"{keyed} case(s) given their resident's key (for the residents' pages)")
    print(f"{filed} case(s) filed for the staff work list and search")
    return 0


def _now(args: argparse.Namespace) -> datetime:
    now: datetime = args.now or datetime.now(UTC)
    return now


def _monthly(args: argparse.Namespace) -> int:
    now = _now(args)
    try:
        month = parse_month(args.month, now=now)
    except ReportRefused as refused:
        raise UsageError(str(refused)) from refused
    with target_services(args) as bundle:
        report = monthly_report(
            month,
            store=bundle.store,
            council=bundle.council.name,
            policy=bundle.policy,
            calendar=bundle.calendar,
            directory=bundle.directory,
            now=now,
        )
    path = write_monthly_report(report, args.output, args.format)
    what = (
        f"no cases were received in {month.label}"
        if report.empty
        else f"{report.cases} case(s), {report.totals.fell_due} promise(s) fell due"
    )
    print(f"{path}: {month.label}, {what}")
    return 0


def _annual(args: argparse.Namespace) -> int:
    now = _now(args)
    try:
        period = parse_year(args.year, financial=args.financial, now=now)
    except ReportRefused as refused:
        raise UsageError(str(refused)) from refused
    with target_services(args) as bundle:
        report = annual_report(
            period,
            store=bundle.store,
            council=bundle.council.name,
            policy=bundle.policy,
            calendar=bundle.calendar,
            directory=bundle.directory,
            now=now,
        )
    path = write_annual_report(report, args.output, args.format)
    one, two = report.stage(1), report.stage(2)
    what = (
        "nothing to report"
        if report.empty
        else f"{one.received} stage 1 and {two.received} stage 2 complaint(s) received"
    )
    print(f"{path}: {period.long_label}, {what}")
    return 0
