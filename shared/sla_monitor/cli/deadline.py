"""`sla-monitor deadline`: when a promise of N working days falls due."""

from __future__ import annotations

import argparse

from sla_monitor.cli.common import instant_argument
from sla_monitor.council import load_council


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "deadline",
        help="print the date a promise of N working days falls due",
        description=(
            "Print the due date of a promise 'within N working days' of a receipt time, using the "
            "council's working-day calendar (bank holidays of England and closure days)."
        ),
    )
    parser.add_argument(
        "--received",
        required=True,
        type=instant_argument,
        help="when the case was received, ISO 8601; without an offset it is London time",
    )
    parser.add_argument("--working-days", required=True, type=int, metavar="N")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.working_days < 0:
        print("sla-monitor: --working-days must be 0 or more")
        return 2
    calendar = load_council().calendar()
    print(calendar.due_date(args.received, args.working_days).isoformat())
    return 0
