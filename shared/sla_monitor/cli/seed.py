"""`sla-monitor seed`: bulk-load synthetic open cases for load tests and benchmarks."""

from __future__ import annotations

import argparse
import time

from sla_monitor_local.seeding import SeedingError, synthetic_cases

from sla_monitor.cli.common import (
    UsageError,
    add_target_arguments,
    instant_argument,
    target_services,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "seed",
        help="bulk-load N synthetic open cases, M of them due at a given time",
        description=(
            "Bulk-load synthetic open enquiries with batch writes, the same items and next-due "
            "index keys the case store writes: exactly M are due at --now (unacknowledged), the "
            "rest acknowledged and not due for days. For load tests and benchmarks; the cases "
            "have references like NWL-LOAD-0000001 and example.org addresses."
        ),
    )
    parser.add_argument("--cases", type=int, required=True, metavar="N")
    parser.add_argument("--due", type=int, required=True, metavar="M")
    parser.add_argument(
        "--now",
        type=instant_argument,
        required=True,
        help="when the M cases are due, ISO 8601; without an offset, London time",
    )
    add_target_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    with target_services(args) as bundle:
        try:
            cases = synthetic_cases(
                args.cases,
                due=args.due,
                now=args.now,
                policy=bundle.policy,
                calendar=bundle.calendar,
                reference_prefix=bundle.council.reference_prefix,
            )
            loaded = bundle.store.bulk_load(cases)
        except SeedingError as error:
            raise UsageError(str(error)) from error
    seconds = time.monotonic() - started
    print(f"loaded {loaded} case(s), {args.due} due at {args.now.isoformat()}, in {seconds:.1f}s")
    return 0
