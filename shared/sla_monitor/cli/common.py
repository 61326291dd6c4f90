"""What the CLI commands share: reading times the way people type them, and errors."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sla_monitor.calendar import LONDON
from sla_monitor.embedded import embedded_aws
from sla_monitor.runtime import Services, reset_services, services


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


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--embedded",
        action="store_true",
        help="use in-process AWS (moto) set up on start, instead of AWS_ENDPOINT_URL or real AWS",
    )


@contextmanager
def target_services(args: argparse.Namespace) -> Iterator[Services]:
    """The services a command works on: embedded moto, the endpoint in AWS_ENDPOINT_URL, or
    real AWS by the default credentials."""
    if getattr(args, "embedded", False):
        with embedded_aws() as bundle:
            yield bundle
        return
    reset_services()
    yield services()
