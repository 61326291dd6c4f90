"""What one deadline sweep reads from DynamoDB as the archive grows (`make bench`).

For N = 1,000, 10,000 and 100,000 open cases, M = 50 of them due, on embedded AWS (in-process
moto with the emulator's fixes): the sweep as it runs, reading the sparse next-due index, beside
a naive sweep that finds the due cases with a Scan of the table (the same work after that).

Items read are counted at the wire (sla_monitor_local/wire_reads.py): every item any GetItem,
BatchGetItem, Query or Scan returned or examined, the directory's included. The target: at most
1.2 items per due case plus a constant (the directory, read once by a sweep with work), flat in
N. The index sweep reads each due case once, from the index, and acts on that copy: its claims
and its save are conditional writes, which read nothing billed as a read.

Wall time is moto's, not DynamoDB's. moto walks the whole table to find an index's items, so the
index sweep slows a little with N here and would not on DynamoDB. moto also restarts a paged Scan
from the top of the table on every page, which makes 1 MB pages quadratic; the Scan below gets
one page, which reads the same items as DynamoDB's many pages would.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from unittest import mock

from seeded_cases import make_due_again
from sla_monitor_local.embedded import embedded_aws
from sla_monitor_local.seeding import synthetic_cases
from sla_monitor_local.wire_reads import counting_reads

from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case
from sla_monitor.checker.sweep import sweep
from sla_monitor.checker.wiring import composer_for, ses_mailer, sweep_with
from sla_monitor.listing import Schedule
from sla_monitor.runtime import Services
from sla_monitor.store.dynamodb import DynamoDBCaseStore, index_instant

SIZES = (1_000, 10_000, 100_000)
DUE = 50
PER_DUE_CASE = 1.2  # the target: items read per due case, plus the constant
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=LONDON)


class ScanningStore:
    """The case store, except that due cases are found by scanning the whole table."""

    def __init__(self, store: DynamoDBCaseStore, client: Any) -> None:
        self.store = store
        self.client = client
        self.scanned = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def cases_due(
        self, now: datetime, *, limit: int | None = None, shards: object = None
    ) -> Iterator[Case]:
        found = []
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.store.table_name,
            FilterExpression="sk = :case AND next_due_at <= :now",
            ExpressionAttributeValues={":case": {"S": "CASE"}, ":now": {"S": index_instant(now)}},
        )
        for page in pages:
            self.scanned += page["ScannedCount"]
            found.extend(page["Items"])
        found.sort(key=lambda item: item["next_due_at"]["S"])
        for item in found[:limit]:
            yield self.store._loaded(self.store.models.case.from_raw_data(item))


@dataclass
class Row:
    cases: int
    seed_seconds: float
    constant: int
    index_items: int
    index_seconds: float
    index_actions: int
    scan_items: int
    scan_seconds: float
    scan_actions: int


def _seed(services: Services, count: int) -> float:
    started = time.perf_counter()
    services.store.bulk_load(_cases(services, count))
    return time.perf_counter() - started


def _cases(services: Services, count: int) -> Iterator[tuple[Case, Schedule]]:
    return synthetic_cases(
        count,
        due=DUE,
        now=NOW,
        policy=services.policy,
        calendar=services.calendar,
        reference_prefix=services.council.reference_prefix,
    )


def measure(count: int) -> Row:
    with embedded_aws() as services, counting_reads() as reads:
        seed_seconds = _seed(services, count)
        store = services.store

        reads.clear()
        services.directory_store.load_directory()
        constant = reads.total  # what a sweep with work reads whatever M is

        reads.clear()
        started = time.perf_counter()
        by_index = sweep_with(services, NOW)
        index_seconds = time.perf_counter() - started
        index_items = reads.total

        make_due_again(services, cases=count, due=DUE, now=NOW)
        reads.clear()
        scanning = ScanningStore(store, services.client("dynamodb"))
        started = time.perf_counter()
        with mock.patch("moto.dynamodb.models.table.RESULT_SIZE_LIMIT", 10**12):
            by_scan = sweep(
                NOW,
                store=scanning,  # type: ignore[arg-type]
                policy=services.policy,
                calendar=services.calendar,
                directory=services.directory_store.load_directory,
                mailer=ses_mailer(services),
                council=services.council,
                sender=services.settings.sender_address,
                composer=composer_for(services.council),
            )
        scan_seconds = time.perf_counter() - started
        return Row(
            cases=count,
            seed_seconds=seed_seconds,
            index_items=index_items,
            index_seconds=index_seconds,
            index_actions=len(by_index.done),
            constant=constant,
            scan_items=scanning.scanned + reads.total,
            scan_seconds=scan_seconds,
            scan_actions=len(by_scan.done),
        )


def main() -> int:
    sizes = tuple(int(a) for a in sys.argv[1:]) or SIZES
    print(f"One deadline sweep over N open cases, {DUE} of them due, on embedded AWS (moto).")
    print("Items read at the wire (GetItem, BatchGetItem, Query, Scan), the directory's included;")
    print(f"target: at most {PER_DUE_CASE} per due case plus the directory's items, flat in N.\n")
    header = (
        f"{'N cases':>9}  {'seed':>7}  {'index: items read':>17}  {'per due':>7}  {'target':>6}  "
        f"{'time':>6}  {'Scan: items read':>16}  {'time':>7}  {'actions':>7}"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for count in sizes:
        row = measure(count)
        same_work = row.index_actions == row.scan_actions == DUE
        per_due = (row.index_items - row.constant) / DUE
        met = per_due <= PER_DUE_CASE
        failed |= not (same_work and met)
        print(
            f"{row.cases:>9,}  {row.seed_seconds:>6.1f}s  {row.index_items:>17,}  "
            f"{per_due:>7.2f}  {'met' if met else 'MISSED':>6}  "
            f"{row.index_seconds:>5.2f}s  {row.scan_items:>16,}  {row.scan_seconds:>6.2f}s  "
            f"{row.index_actions:>3} {'=' if same_work else '!='} {row.scan_actions:<3}",
            flush=True,
        )
    print(f"\n(the constant: the directory, {row.constant} items, read once by a sweep with work)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
