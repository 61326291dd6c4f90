"""What one month's compliance report reads from DynamoDB as the archive grows (`make bench`).

The month reported on (December 2026) holds M = 200 cases; the archive holds N = 1,000 or 50,000
other cases from earlier years. The report reads the received-month index: the month's
partition, and the eleven months before it for the trend (empty here, as the archive is older),
so it reads M items whatever N is. Beside it, the same report made from a Scan of the table
examines every item.

Items read is the number DynamoDB bills and the one to compare; wall time is moto's (which walks
the whole table to emulate an index query, so it slows with N here and would not on DynamoDB).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

from sla_monitor_local.embedded import embedded_aws

from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case, CaseStatus, CaseType, Channel, Customer
from sla_monitor.listing import Schedule
from sla_monitor.reports.periods import Month
from sla_monitor.reports.reading import monthly_report
from sla_monitor.runtime import Services
from sla_monitor.store.dynamodb import DynamoDBCaseStore

SIZES = (1_000, 50_000)
IN_MONTH = 200
MONTH = Month(2026, 12)
NOW = datetime(2027, 1, 15, 10, 0, tzinfo=LONDON)
ARCHIVE_START = datetime(2018, 1, 1, 9, 0, tzinfo=LONDON)
ARCHIVE_END = datetime(2025, 11, 30, 17, 0, tzinfo=LONDON)  # before the report's twelve months


def _case(number: int, received_at: datetime, *, closed: bool) -> Case:
    case = Case(
        reference=f"NWL-BENCH-{number:07d}",
        case_type=(CaseType.ENQUIRY, CaseType.COMPLAINT, CaseType.SERVICE_REQUEST)[number % 3],
        channel=(Channel.EMAIL, Channel.WEB, Channel.TELEPHONE)[number % 3],
        received_at=received_at,
        subject="Synthetic benchmark case",
        description="Made by benchmarks/report_reads.py; not from a resident.",
        customer=Customer(name=f"Resident {number}", email=f"resident{number}@example.org"),
        department=("housing", "waste-services", "planning")[number % 3],
        acknowledged_at=received_at + timedelta(hours=2),
    )
    if closed:
        done = received_at + timedelta(days=3 + number % 9)
        case = replace(case, status=CaseStatus.CLOSED, closed_at=done, responded_at=done)
    return case


def _archive(count: int) -> Iterator[tuple[Case, Schedule]]:
    span = (ARCHIVE_END - ARCHIVE_START) / max(count, 1)
    for number in range(count):
        yield _case(number, ARCHIVE_START + span * number, closed=True), Schedule(None)


def _month(count: int) -> Iterator[tuple[Case, Schedule]]:
    start = datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)
    for number in range(count):
        received = start + timedelta(minutes=150 * number)  # over the whole month
        yield _case(10_000_000 - number - 1, received, closed=number % 4 != 0), Schedule(None)


def _scanned(services: Services) -> int:
    client: Any = services.client("dynamodb")
    scanned = 0
    with mock.patch("moto.dynamodb.models.table.RESULT_SIZE_LIMIT", 10**12):
        for page in client.get_paginator("scan").paginate(
            TableName=services.settings.cases_table,
            FilterExpression="sk = :case AND received_month = :month",
            ExpressionAttributeValues={":case": {"S": "CASE"}, ":month": {"S": MONTH.key}},
        ):
            scanned += page["ScannedCount"]
    return scanned


@dataclass
class Row:
    archive: int
    seed_seconds: float
    items_read: int
    seconds: float
    cases: int
    fell_due: int
    scan_items: int


def measure(archive: int) -> Row:
    with embedded_aws() as services:
        store = services.store
        assert isinstance(store, DynamoDBCaseStore)
        started = time.perf_counter()
        store.bulk_load(_archive(archive))
        store.bulk_load(_month(IN_MONTH))
        seed_seconds = time.perf_counter() - started
        store.items_read = 0
        started = time.perf_counter()
        report = monthly_report(
            MONTH,
            store=store,
            council=services.council.name,
            policy=services.policy,
            calendar=services.calendar,
            directory=services.directory,
            now=NOW,
        )
        seconds = time.perf_counter() - started
        return Row(
            archive=archive,
            seed_seconds=seed_seconds,
            items_read=store.items_read,
            seconds=seconds,
            cases=report.cases,
            fell_due=report.totals.fell_due,
            scan_items=_scanned(services),
        )


def main() -> int:
    sizes = tuple(int(a) for a in sys.argv[1:]) or SIZES
    print(
        f"One month's compliance report ({MONTH.label}, {IN_MONTH} cases received in it) beside "
        "N other cases from earlier years, on embedded AWS (moto).\n"
        "Items read: the report's reads of the received-month index (the month and the eleven "
        "before it, for the trend); Scan: the items a Scan for the month's cases examines.\n"
    )
    header = (
        f"{'N other cases':>13}  {'seed':>7}  {'report: items read':>18}  {'time':>6}  "
        f"{'cases':>5}  {'promises due':>12}  {'Scan: items read':>16}"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for archive in sizes:
        row = measure(archive)
        failed |= row.cases != IN_MONTH or row.items_read != IN_MONTH
        print(
            f"{row.archive:>13,}  {row.seed_seconds:>6.1f}s  {row.items_read:>18,}  "
            f"{row.seconds:>5.2f}s  {row.cases:>5}  {row.fell_due:>12,}  {row.scan_items:>16,}",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
