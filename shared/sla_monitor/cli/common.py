"""What the CLI commands share: reading times the way people type them, and errors."""

from __future__ import annotations

import argparse
from datetime import datetime

from sla_monitor.calendar import LONDON


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
