"""What the CLI commands share: reading times the way people type them, and errors."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case
from sla_monitor.directory import Directory
from sla_monitor.runtime import Services, reset_services, services
from sla_monitor.web.staff.permissions import Permission, Viewer, council_roles_of, may


class UsageError(Exception):
    """Something the person typed cannot be used; the message says what and how to fix it."""


def parse_instant(text: str) -> datetime:
    """An ISO 8601 date-time; without an offset it is London time (as the council reads it)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise UsageError(
            f"{text!r} is not an ISO 8601 date-time; write it like 2026-12-23T10:00"
        ) from error
    if value.tzinfo is None:
        value = value.replace(tzinfo=LONDON)
    return value


def instant_argument(text: str) -> datetime:
    """`argparse` type for an ISO instant, reporting bad input as a usage error."""
    try:
        return parse_instant(text)
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _actor(text: str) -> str:
    actor = text.strip()
    if not actor:
        raise argparse.ArgumentTypeError("name who is acting, such as an officer id")
    return actor


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as lines of left-aligned columns, two spaces apart, each line indented by two."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))] if rows else []
    lines = []
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append(("  " + "  ".join(cells)).rstrip())
    return lines


def add_staff_arguments(parser: argparse.ArgumentParser) -> None:
    """What every command a member of staff runs takes: `--json` (machine output), `--now`
    (the time the command acts at; `args.now` is None for the clock) and `--as` (who acts,
    recorded with the change; `args.actor`)."""
    parser.add_argument(
        "--json", action="store_true", help="print JSON instead of text, for other programs"
    )
    parser.add_argument(
        "--now",
        type=instant_argument,
        metavar="ISO",
        help="the time to act at, ISO 8601 (default: the clock); without an offset, London time",
    )
    parser.add_argument(
        "--as",
        dest="actor",
        type=_actor,
        default="administrator",
        metavar="OFFICER",
        help="who is acting, recorded with what they change (default: administrator)",
    )


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--embedded",
        action="store_true",
        help="use in-process AWS (moto) set up on start, instead of AWS_ENDPOINT_URL or real AWS",
    )


def staff_action(
    actions: argparse._SubParsersAction, name: str, summary: str, handler: Callable[..., int]
) -> argparse.ArgumentParser:
    """A command's action a member of staff runs: its summary, the staff and target arguments,
    and the function it calls."""
    parser: argparse.ArgumentParser = actions.add_parser(name, help=summary, description=summary)
    add_staff_arguments(parser)
    add_target_arguments(parser)
    parser.set_defaults(handler=handler)
    return parser


@contextmanager
def target_services(args: argparse.Namespace) -> Iterator[Services]:
    """The services a command works on: embedded moto, the endpoint in AWS_ENDPOINT_URL, or
    real AWS by the default credentials."""
    if getattr(args, "embedded", False):
        # Local tooling, loaded only when a command asks for in-process AWS.
        from sla_monitor_local.embedded import embedded_aws

        with embedded_aws() as bundle:
            yield bundle
        return
    reset_services()
    yield services()


def require_permission(
    directory: Directory, actor: str, permission: Permission, case: Case | None = None
) -> None:
    """Refuse a command whose `--as` names nobody the permission table lets do it."""
    viewer = Viewer(
        username=actor,
        officer_id=actor,
        roles=council_roles_of(directory, actor),
        directory=directory,
    )
    if not may(viewer, permission, case):
        raise UsageError(
            f"{actor!r} may not {permission.description}: give --as the officer id of someone "
            "whose role may (the Corporate Complaints Officer, as the directory names them)"
        )
