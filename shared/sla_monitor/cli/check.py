"""`sla-monitor check`: run one deadline sweep and print what it did, one line per action."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

from sla_monitor.checker.budget import Countdown
from sla_monitor.checker.wiring import DAILY_DIGEST, SWEEP, run_schedule
from sla_monitor.cli.common import (
    UsageError,
    add_target_arguments,
    instant_argument,
    target_services,
)

# As long as the Lambda function may run at most: a sweep that stops leaves the rest due.
_TIME_LIMIT = timedelta(minutes=14)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="run one deadline sweep now and print what it did",
        description=(
            "Run what the schedule runs: one sweep of the deadline checker (read the due cases "
            "from the next-due index, send what is owed on each, exactly once), or with "
            "--daily-digest what the morning schedule runs: each officer's digest of what is "
            "due, once a working day. Prints one line per action. Against real AWS this sends "
            "real mail."
        ),
    )
    parser.add_argument(
        "--now",
        type=instant_argument,
        help="the time to sweep at, ISO 8601 (default: the clock); without an offset, London time",
    )
    parser.add_argument(
        "--daily-digest",
        action="store_true",
        help="send the officers' daily digests instead of sweeping",
    )
    parser.add_argument(
        "--shard",
        type=int,
        metavar="N",
        help=(
            "sweep only the due cases in shard N of the next-due index (0 to INDEX_SHARDS - 1), "
            "as each invocation of a fanned-out schedule does"
        ),
    )
    add_target_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    now = args.now or datetime.now(UTC)
    if args.shard is not None and args.daily_digest:
        raise UsageError("--shard is for a sweep, not the daily digests")
    deadline = time.monotonic() + _TIME_LIMIT.total_seconds()
    with target_services(args) as bundle:
        shards = bundle.settings.index_shards
        if args.shard is not None and not 0 <= args.shard < shards:
            raise UsageError(f"--shard must be from 0 to {shards - 1} (INDEX_SHARDS is {shards})")
        run = run_schedule(
            bundle,
            now,
            budget=Countdown(lambda: deadline - time.monotonic()),
            job=DAILY_DIGEST if args.daily_digest else SWEEP,
            shard=args.shard,
        )
    report = run.sweep
    for line in report.lines():
        print(line)
    for officer_id in run.digest.sent_to:
        print(f"digest for {officer_id}  emailed")
    for reference, error in report.failures:
        print(f"{reference}  could not be swept ({error}); it stays due")
    summary = f"{report.cases_read} due case(s) read, {len(report.done)} action(s) done"
    if report.held:
        summary += f", {report.held} held by another sweep"
    if report.deferred:
        summary += f", {report.deferred} deferred after failed sends"
    if not report.complete:
        summary += f"; stopped early: {report.stopped_because}, the rest stay due"
    print(summary)
    return 1 if report.failures else 0
