"""What `sla-monitor case show` and `sla-monitor appointment` say of a case's appointments and
call-backs (as text facts and as JSON)."""

from __future__ import annotations

from typing import Any

from sla_monitor.appointments import Appointment, outcome_words
from sla_monitor.cases import Case
from sla_monitor.directory import Directory
from sla_monitor.wording import day_and_time


def appointment_line(appointment: Appointment, directory: Directory) -> str:
    """`1. home visit, Thursday 14 January 2027 at 10:30am (45 minutes), 12 High Street, with
    Ravi Evans: kept 25 minutes late`."""
    officer = directory.officer_name(appointment.officer, appointment.officer)
    late = (
        f"; running late, about {appointment.expected_late_minutes} minutes"
        if appointment.late_notices and not appointment.is_settled
        else ""
    )
    room = ", private room" if appointment.private_room else ""
    return (
        f"{appointment.number}. {appointment.kind.label}, {day_and_time(appointment.starts_at)} "
        f"({appointment.minutes} minutes), {appointment.place}{room}, with {officer}: "
        f"{outcome_words(appointment)}{late}"
    )


def appointment_facts(case: Case, directory: Directory) -> list[tuple[str, str]]:
    facts = [("Appointment:", appointment_line(a, directory)) for a in case.appointments]
    for call_back in case.call_backs:
        made = (
            f"called {day_and_time(call_back.called_at)}"
            if call_back.called_at is not None
            else "not called yet"
        )
        about = f" ({call_back.about})" if call_back.about else ""
        facts.append(
            ("Call-back:", f"{call_back.number}. by {day_and_time(call_back.by)}{about}: {made}")
        )
    return facts


def appointment_json(appointment: Appointment) -> dict[str, Any]:
    return {
        "number": appointment.number,
        "kind": appointment.kind.value,
        "starts_at": appointment.starts_at.isoformat(),
        "minutes": appointment.minutes,
        "place": appointment.place,
        "officer": appointment.officer,
        "private_room": appointment.private_room,
        "identification": appointment.identification,
        "running_late_minutes": appointment.expected_late_minutes or None,
        "outcome": appointment.outcome.value if appointment.outcome else None,
        "late_minutes": appointment.late_minutes,
        "with_notice": appointment.with_notice if appointment.outcome else None,
        "reason": appointment.reason,
        "in_words": outcome_words(appointment),
        "rebooked_as": appointment.rebooked_as,
        "rebooks": appointment.rebooks,
    }


def appointments_json(case: Case) -> dict[str, Any]:
    return {
        "appointments": [appointment_json(a) for a in case.appointments],
        "call_backs": [
            {
                "number": c.number,
                "by": c.by.isoformat(),
                "about": c.about,
                "called_at": c.called_at.isoformat() if c.called_at else None,
                "called_by": c.called_by,
            }
            for c in case.call_backs
        ],
    }
