"""Sweep time against due cases, for one shard and for N shards swept at once (`make bench`).

A simulation, calibrated by a measurement:

1. Measured: the sweep's own code (claims, letters, the exactly-once ledger, each case's record)
   runs over CALIBRATION due cases on the in-memory store; its CPU time per case is scaled to a
   Lambda function's share of a core at the template's memory size (LAMBDA_CPU_SHARE).
2. Put in by hand, as AWS's documented or usual figures: each of a case's DynamoDB calls (claim,
   mark sent, save) takes DYNAMODB_MS, each SES send SES_MS, and every shard's sends share one
   SES sending quota (SES_RATES: the usual first quota, and a raised one).
3. The due cases' references are spread over the shards as the store spreads them (CRC-32), and
   each shard is one Lambda invocation: a sweep takes as long as its fullest shard, and never
   less than its sends take at the quota.

Past Lambda's 15-minute limit a sweep stops taking cases and the rest wait for the next run; the
table marks where that happens, and the last lines give the most due cases one sweep can take.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import datetime, timedelta

from sla_monitor_local.seeding import synthetic_cases

from sla_monitor.calendar import LONDON
from sla_monitor.checker.mailer import OutboundEmail, SentEmail
from sla_monitor.checker.sweep import sweep
from sla_monitor.council import load_council
from sla_monitor.directory import default_directory
from sla_monitor.listing import Schedule
from sla_monitor.policy import load_policy
from sla_monitor.store.memory import InMemoryCaseStore
from sla_monitor.store.schema import shard_of

CALIBRATION = 200
LAMBDA_CPU_SHARE = 512 / 1769  # Lambda gives a whole vCPU at 1,769 MB; the template gives 512
DYNAMODB_MS = 10.0  # a single-item write, with the network between Lambda and DynamoDB
DYNAMODB_CALLS = 3  # claim, mark sent, save (the read comes with the index query)
SES_MS = 60.0  # SendRawEmail's round trip
SES_RATES = (14.0, 100.0)  # messages a second: SES's usual first quota, and one raised on request
DUE_COUNTS = (100, 1_000, 5_000, 20_000, 100_000)
SHARDS = 8
SWEEP_LIMIT = timedelta(minutes=15) - timedelta(seconds=30)  # Lambda's limit less the reserve
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=LONDON)


class _NoSES:
    def __init__(self) -> None:
        self.sent = 0

    def send(self, outbound: OutboundEmail) -> SentEmail:
        self.sent += 1
        return SentEmail(provider_id=f"measured-{self.sent}", message_ids=())

    def message_ids(self, provider_id: str) -> tuple[str, ...]:
        return ()


def _cpu_seconds_per_case() -> float:
    council, policy = load_council(), load_policy()
    calendar = council.calendar()
    store = InMemoryCaseStore(council.reference_prefix)
    for case, next_due in synthetic_cases(
        CALIBRATION,
        due=CALIBRATION,
        now=NOW,
        policy=policy,
        calendar=calendar,
        reference_prefix=council.reference_prefix,
    ):
        store.create_case(case, events=(), schedule=Schedule(next_due))
    ses = _NoSES()
    started = time.process_time()
    report = sweep(
        NOW,
        store=store,
        policy=policy,
        calendar=calendar,
        directory=default_directory(),
        mailer=ses,
        council=council,
        sender="customer.services@example.gov.uk",
    )
    seconds = time.process_time() - started
    if ses.sent != CALIBRATION or len(report.done) != CALIBRATION:
        raise SystemExit("the calibration sweep did not send one letter a case")
    return seconds / CALIBRATION


def _fullest_shard(due: int, shards: int, prefix: str) -> int:
    load = Counter(shard_of(f"{prefix}-LOAD-{n:07d}", shards) for n in range(1, due + 1))
    return max(load.values())


def _seconds(due: int, shards: int, per_case: float, prefix: str, rate: float) -> float:
    fullest = due if shards == 1 else _fullest_shard(due, shards, prefix)
    return max(fullest * per_case, due / rate)


def _most_in_one_sweep(shards: int, per_case: float, prefix: str, rate: float) -> int:
    """The most due cases one sweep takes before the time limit (found by halving)."""
    low, high = 0, 10_000_000
    while low < high:
        middle = (low + high + 1) // 2
        if _seconds(middle, shards, per_case, prefix, rate) <= SWEEP_LIMIT.total_seconds():
            low = middle
        else:
            high = middle - 1
    return low


def _shown(seconds: float) -> str:
    if seconds > SWEEP_LIMIT.total_seconds():
        return f"{seconds / 60:>6.0f} min*"
    return f"{seconds:>8.1f} s " if seconds < 120 else f"{seconds / 60:>6.1f} min "


def main() -> int:
    cpu = _cpu_seconds_per_case()
    lambda_cpu = cpu / LAMBDA_CPU_SHARE
    per_case = lambda_cpu + (DYNAMODB_CALLS * DYNAMODB_MS + SES_MS) / 1000
    prefix = load_council().reference_prefix
    slow, fast = SES_RATES
    print("Sweep time against due cases, simulated (see the module for how).")
    print(
        f"Measured: {cpu * 1000:.1f} ms of CPU a case here, {lambda_cpu * 1000:.1f} ms on a "
        f"512 MB Lambda; put in: DynamoDB {DYNAMODB_MS:.0f} ms x {DYNAMODB_CALLS}, "
        f"SES {SES_MS:.0f} ms a send.\nSo one shard sweeps a case in {per_case * 1000:.0f} ms.\n"
    )
    columns = [
        (1, slow),
        (SHARDS, slow),
        (1, fast),
        (SHARDS, fast),
    ]
    names = [f"{n} shard{'s' if n > 1 else ''}, {rate:.0f}/s" for n, rate in columns]
    header = f"{'due cases':>9}" + "".join(f"  {name:>16}" for name in names)
    print(header)
    print("-" * len(header))
    for due in DUE_COUNTS:
        cells = [_shown(_seconds(due, n, per_case, prefix, rate)) for n, rate in columns]
        print(f"{due:>9,}" + "".join(f"  {cell:>16}" for cell in cells))
    print(
        "\n* past Lambda's 15-minute limit: the sweep stops taking cases and the rest wait for "
        "the next run.\nMost due cases one sweep can take:"
    )
    for n, rate in columns:
        most = _most_in_one_sweep(n, per_case, prefix, rate)
        print(f"  {n} shard{'s' if n > 1 else ''}, SES quota {rate:.0f}/s: {most:>9,}")
    print(
        "One shard is bound by its cases' round trips; more shards, by the SES quota they "
        "share:\nask AWS to raise the quota before raising IndexShards."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
