"""What one deadline sweep reads from DynamoDB as the archive grows (`make bench`).

For N = 1,000, 10,000 and 100,000 open cases, M = 50 of them due, on embedded AWS (in-process
moto): the sweep as it runs, reading the sparse next-due index, beside a naive sweep that finds
the due cases with a Scan of the table (the same work after that). The index sweep reads about
M items whatever N is; the Scan reads every item in the table.

Items read is the number DynamoDB bills and the one to compare. Wall time is moto's, not
DynamoDB's: moto emulates an index query by walking every item of the table, so the index sweep
slows a little with N here and would not on DynamoDB. moto also restarts a paged Scan from the
top of the table on every page, which makes 1 MB pages quadratic; the Scan below gets one page,
which reads the same items as DynamoDB's many pages would. And moto copies the whole table
before every transactional write, to roll it back on failure; here, where no write fails, that
copy is skipped, or each save would cost time in proportion to N, which it does not on DynamoDB.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from unittest import mock

from moto.dynamodb.models import copy as moto_copy
from moto.dynamodb.models.table import Table

from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case
from sla_monitor.checker.seeding import synthetic_cases
from sla_monitor.checker.sweep import sweep
from sla_monitor.checker.wiring import composer_for, ses_mailer, sweep_with
from sla_monitor.embedded import embedded_aws
from sla_monitor.runtime import Services
from sla_monitor.store.dynamodb import DynamoDBCaseStore, index_instant

SIZES = (1_000, 10_000, 100_000)
DUE = 50
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=LONDON)


class ScanningStore:
    """The case store, except that due cases are found by scanning the whole table."""

    def __init__(self, store: DynamoDBCaseStore, client: Any) -> None:
        self.store = store
        self.client = client
        self.scanned = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def cases_due(self, now: datetime, *, limit: int | None = None) -> Iterator[Case]:
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
            yield self.store._case(self.store.models.case.from_raw_data(item))


@dataclass
class Row:
    cases: int
    seed_seconds: float
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


def _cases(services: Services, count: int) -> Iterator[tuple[Case, datetime | None]]:
    return synthetic_cases(
        count,
        due=DUE,
        now=NOW,
        policy=services.policy,
        calendar=services.calendar,
        reference_prefix=services.council.reference_prefix,
    )


def _make_due_again(services: Services, count: int) -> None:
    """Put the M due cases back as they were, so the second sweep has the same work."""
    due = list(itertools.islice(_cases(services, count), DUE))
    services.store.bulk_load(due)
    client = services.client("dynamodb")
    for case, _ in due:
        client.delete_item(
            TableName=services.settings.cases_table,
            Key={"pk": {"S": f"CASE#{case.reference}"}, "sk": {"S": "CLAIM#acknowledge"}},
        )


class _TablesNotCopied:
    """moto's `copy` module as its transactions see it: tables are not copied for rollback."""

    @staticmethod
    def deepcopy(value: Any) -> Any:
        return value if isinstance(value, Table) else moto_copy.deepcopy(value)


def measure(count: int) -> Row:
    with (
        mock.patch("moto.dynamodb.models.copy", _TablesNotCopied),
        embedded_aws() as services,
    ):
        seed_seconds = _seed(services, count)
        store = services.store

        store.items_read = 0
        started = time.perf_counter()
        by_index = sweep_with(services, NOW)
        index_seconds = time.perf_counter() - started
        index_items = store.items_read

        _make_due_again(services, count)
        store.items_read = 0
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
            scan_items=scanning.scanned + store.items_read,
            scan_seconds=scan_seconds,
            scan_actions=len(by_scan.done),
        )


def main() -> int:
    sizes = tuple(int(a) for a in sys.argv[1:]) or SIZES
    print(f"One deadline sweep over N open cases, {DUE} of them due, on embedded AWS (moto).")
    print("Items read: index sweep = due-index items + cases re-read to save them;")
    print("Scan sweep = items the Scan examined + the same re-reads.\n")
    header = (
        f"{'N cases':>9}  {'seed':>7}  {'index: items read':>17}  {'time':>6}  "
        f"{'Scan: items read':>16}  {'time':>7}  {'actions':>7}"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for count in sizes:
        row = measure(count)
        same_work = row.index_actions == row.scan_actions == DUE
        failed |= not same_work
        print(
            f"{row.cases:>9,}  {row.seed_seconds:>6.1f}s  {row.index_items:>17,}  "
            f"{row.index_seconds:>5.2f}s  {row.scan_items:>16,}  {row.scan_seconds:>6.2f}s  "
            f"{row.index_actions:>3} {'=' if same_work else '!='} {row.scan_actions:<3}",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
