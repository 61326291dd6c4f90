"""A first look: a few cases arriving around Christmas, timed by the council's calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.console import Console
from rich.table import Table

from sla_monitor.calendar import LONDON, WorkingDayCalendar
from sla_monitor.cases import CaseType, Channel, Customer
from sla_monitor.engine import evaluate
from sla_monitor.intake import NewCase, register_case
from sla_monitor.runtime import Services


@dataclass(frozen=True)
class Arrival:
    at: datetime
    case_type: CaseType
    channel: Channel
    subject: str


ARRIVALS = (
    Arrival(
        datetime(2026, 12, 22, 11, 30, tzinfo=LONDON),
        CaseType.ENQUIRY,
        Channel.WEB,
        "When is the garden waste collection restarting?",
    ),
    Arrival(
        datetime(2026, 12, 23, 10, 0, tzinfo=LONDON),
        CaseType.COMPLAINT,
        Channel.EMAIL,
        "Missed bin collection three weeks running",
    ),
    Arrival(
        datetime(2026, 12, 24, 17, 45, tzinfo=LONDON),
        CaseType.SERVICE_REQUEST,
        Channel.EMAIL,
        "Fly-tipping on Meadow Lane",
    ),
    Arrival(
        datetime(2026, 12, 31, 9, 15, tzinfo=LONDON),
        CaseType.COMPLIMENT,
        Channel.EMAIL,
        "Thank you to the housing team",
    ),
)


def _skipped_days(calendar: WorkingDayCalendar, start: datetime, end: datetime) -> list[str]:
    days = []
    day = start.date()
    while day <= end.date():
        name = calendar.bank_holiday_name(day)
        if name:
            days.append(f"{day:%a %d %b} {name}")
        day += timedelta(days=1)
    return days


def show_first_look(bundle: Services, console: Console) -> list[str]:
    """Register the arrivals through the intake use case and print every clock's due date."""
    references = []
    calendar = bundle.calendar
    for number, arrival in enumerate(ARRIVALS, start=1):
        registration = register_case(
            NewCase(
                case_type=arrival.case_type,
                channel=arrival.channel,
                received_at=arrival.at,
                subject=arrival.subject,
                description=arrival.subject,
                customer=Customer(name=f"Resident {number}", email=f"resident{number}@example.org"),
                idempotency_key=f"first-look-{number}",
            ),
            store=bundle.store,
            policy=bundle.policy,
            calendar=calendar,
            now=arrival.at,
        )
        references.append(registration.case.reference)

    table = Table(title="Cases received over Christmas, and when each promise falls due")
    for column in ("case", "type", "received", "clocks start", "promise", "due"):
        table.add_column(column)
    for reference in references:
        case = bundle.store.get_case(reference)
        assert case is not None
        evaluation = evaluate(case, bundle.policy, calendar, case.received_at)
        first = True
        for clock in evaluation.clocks:
            table.add_row(
                case.reference if first else "",
                case.case_type.label if first else "",
                f"{calendar.local(case.received_at):%a %d %b %H:%M}" if first else "",
                f"{clock.start_day:%a %d %b}" if first and clock.start_day else "",
                clock.promise.replace("_", " "),
                f"{clock.due_day:%a %d %b %Y}" if clock.due_day else clock.state.value,
            )
            first = False
        table.add_section()
    console.print(table)
    first_arrival, last = ARRIVALS[0].at, ARRIVALS[-1].at + timedelta(days=40)
    console.print(
        "Bank holidays the clocks skipped: "
        + "; ".join(_skipped_days(calendar, first_arrival, last))
    )
    return references
