"""`sla-monitor demo`: the product at work on embedded AWS, with nothing to configure."""

from __future__ import annotations

import argparse

from rich.console import Console

from sla_monitor.demo.first_look import show_first_look
from sla_monitor.embedded import embedded_aws


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the product on embedded AWS and show what it does",
        description="Run the product on in-process AWS (moto) and show what it does.",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    console = Console()
    with embedded_aws() as bundle:
        show_first_look(bundle, console)
    return 0
