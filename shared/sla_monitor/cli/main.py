"""`sla-monitor`: one entry point, one module a command.

Each command module in `COMMANDS` exposes `register(subparsers)`, which adds its sub-parser and
sets `handler` to a function taking the parsed arguments and returning an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sla_monitor.cli.common import UsageError
from sla_monitor.directory_changes import DirectoryChangeRefused
from sla_monitor.staff import ActionNotAllowed, CaseNotFound

COMMANDS: tuple[str, ...] = (
    "sla_monitor.cli.deadline",
    "sla_monitor.cli.ingest_email",
    "sla_monitor.cli.init",
    "sla_monitor.cli.demo",
    "sla_monitor.cli.local",
    "sla_monitor.cli.check",
    "sla_monitor.cli.seed",
    "sla_monitor.cli.retime",
    "sla_monitor.cli.directory",
    "sla_monitor.cli.calendar",
    "sla_monitor.cli.case",
    "sla_monitor.cli.appointment",
    "sla_monitor.cli.report",
    "sla_monitor.cli.classifier",
    "sla_monitor.cli.privacy",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sla-monitor",
        description="Keeps a council's customer contact promises and shows where they slip.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMANDS:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    # A refused change is reported like a mistake in what was typed: one line, exit 2.
    except (UsageError, DirectoryChangeRefused, ActionNotAllowed) as error:
        print(f"sla-monitor: {error}", file=sys.stderr)
        return 2
    except CaseNotFound as error:
        print(f"sla-monitor: there is no case with the reference {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
