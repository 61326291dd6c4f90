"""Synthetic open cases for load tests and benchmarks: `due` of them due at `now`, the rest
acknowledged and not due for days, each with the next-due instant the engine gives it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

from sla_monitor.calendar import WorkingDayCalendar, require_aware
from sla_monitor.cases import Case, CaseType, Channel, Customer, SentAction
from sla_monitor.engine import next_due_instant
from sla_monitor.policy import Policy


class SeedingError(ValueError):
    """The cases asked for cannot be made as asked."""


def synthetic_cases(
    count: int,
    *,
    due: int,
    now: datetime,
    policy: Policy,
    calendar: WorkingDayCalendar,
    reference_prefix: str,
    department: str | None = None,
) -> Iterator[tuple[Case, datetime | None]]:
    """`count` open email enquiries with their next-due instants; exactly `due` of them are
    due at `now` (unacknowledged, received in the last hour), the rest are not."""
    now = require_aware(now)
    if count < 0 or not 0 <= due <= count:
        raise SeedingError("--due must be between 0 and --cases")
    received = now - timedelta(hours=1)
    template = Case(
        reference=f"{reference_prefix}-LOAD-0000000",
        case_type=CaseType.ENQUIRY,
        channel=Channel.EMAIL,
        received_at=received,
        subject="Synthetic load-test enquiry",
        description="Made by `sla-monitor seed`; not from a resident.",
        department=department,
        policy_version=policy.version,
    )
    acknowledged = replace(
        template,
        acknowledged_at=received,
        sent=(SentAction(key="acknowledge", action="acknowledge", sent_at=received),),
    )
    # Every waiting case has the same clocks, so one evaluation times them all.
    waiting_until = next_due_instant(acknowledged, policy, calendar, now)
    if waiting_until is not None and waiting_until <= now:
        raise SeedingError("the policy makes an acknowledged enquiry due at once; cannot seed")
    for number in range(count):
        is_due = number < due
        base = template if is_due else acknowledged
        # Due cases a second apart, oldest first, so a sweep's order can be checked.
        received_at = received - timedelta(seconds=due - number) if is_due else received
        case = replace(
            base,
            reference=f"{reference_prefix}-LOAD-{number + 1:07d}",
            received_at=received_at,
            customer=Customer(
                name=f"Resident {number + 1}", email=f"resident{number + 1}@example.org"
            ),
        )
        yield case, (received_at if is_due else waiting_until)
