"""Synthetic open cases for load tests and benchmarks: `due` of them due at `now`, the rest
acknowledged and not due for days, each with the next-due instant the engine gives it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

from sla_monitor.calendar import WorkingDayCalendar, require_aware
from sla_monitor.cases import Case, CaseType, Channel, Customer, SentAction
from sla_monitor.listing import Schedule, schedule_of
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
) -> Iterator[tuple[Case, Schedule]]:
    """`count` open email enquiries with their schedules; exactly `due` of them are due at
    `now` (unacknowledged, received in the last hour), the rest are not. Residents' names are
    drawn from common first names and surnames, so a search by name meets realistic numbers."""
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
    # Every waiting case has the same clocks, so one evaluation times them all; the due ones
    # share theirs too.
    waiting = schedule_of(acknowledged, policy, calendar, now)
    owing = schedule_of(template, policy, calendar, now)
    waiting_until = waiting.next_due
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
                name=resident_name(number), email=f"resident{number + 1}@example.org"
            ),
        )
        if is_due:
            yield case, Schedule(next_due=received_at, deadline=owing.deadline)
        else:
            yield case, waiting


_FIRST_NAMES = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Freya",
    "Willow",
    "Florence",
    "Emily",
    "Ella",
    "Poppy",
    "Evie",
    "Elsie",
    "Charlotte",
    "Noah",
    "Muhammad",
    "Oliver",
    "George",
    "Leo",
    "Arthur",
    "Oscar",
    "Harry",
    "Theodore",
    "Jack",
    "Henry",
    "Charlie",
    "Freddie",
    "Alfie",
    "Finley",
    "Archie",
    "Thomas",
    "William",
    "Joshua",
    "James",
]
_SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Harris",
    "Edwards",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Hughes",
    "Moore",
    "Clark",
    "King",
    "Harrison",
    "Lewis",
    "Baker",
    "Lee",
    "Allen",
    "Morris",
    "Khan",
    "Scott",
    "Watson",
    "Davis",
    "Parker",
    "James",
    "Bennett",
    "Young",
    "Phillips",
    "Richardson",
    "Mitchell",
    "Bailey",
    "Carter",
    "Cook",
    "Singh",
    "Shaw",
    "Bell",
    "Collins",
    "Morgan",
    "Kelly",
    "Begum",
]


def resident_name(number: int) -> str:
    """A made-up resident's name for the `number`th seeded case: every pairing of a common
    first name and surname in turn."""
    first = _FIRST_NAMES[number % len(_FIRST_NAMES)]
    surname = _SURNAMES[(number // len(_FIRST_NAMES)) % len(_SURNAMES)]
    return f"{first} {surname}"
