"""How much time a sweep has: passed in, so the sweep never reads a clock itself.

A Lambda invocation knows its remaining time (`context.get_remaining_time_in_millis`); the CLI
gives itself a limit. The sweep asks the budget how long it has run (to stamp what it does at
`now + elapsed`) and how long it has left (to stop taking new cases in time, leaving the rest,
oldest first, to the next run).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Protocol


class Budget(Protocol):
    def elapsed(self) -> timedelta: ...

    def remaining(self) -> timedelta | None:
        """None: no limit."""
        ...


class Unlimited:
    """No limit and no time passing: unit tests, and anything that reads its own clock."""

    def elapsed(self) -> timedelta:
        return timedelta(0)

    def remaining(self) -> timedelta | None:
        return None


class Countdown:
    """A budget over a function that says how many seconds are left (a Lambda context's
    remaining time, or a monotonic clock against a limit)."""

    def __init__(self, seconds_left: Callable[[], float]) -> None:
        self._seconds_left = seconds_left
        self._started_with = seconds_left()

    def elapsed(self) -> timedelta:
        return timedelta(seconds=max(0.0, self._started_with - self._seconds_left()))

    def remaining(self) -> timedelta | None:
        return timedelta(seconds=max(0.0, self._seconds_left()))
