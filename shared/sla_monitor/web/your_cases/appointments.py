"""A resident's appointments and call-backs on their case, as they read them: when, where and
with whom, and, once it has happened, how we kept it (late or missed by us, said plainly, with
an apology)."""

from __future__ import annotations

from typing import Any

from sla_monitor.appointments import Appointment, AppointmentOutcome
from sla_monitor.cases import Case
from sla_monitor.directory import Directory
from sla_monitor.wording import day_and_time


def _how_it_went(appointment: Appointment, grace_minutes: int) -> str:
    outcome = appointment.outcome
    if outcome is None:
        if appointment.late_notices:
            return (
                f"We are running late, by about {appointment.expected_late_minutes} minutes. "
                "We are sorry."
            )
        return "Booked."
    if outcome is AppointmentOutcome.KEPT:
        if appointment.late_minutes > grace_minutes:
            return f"We were {appointment.late_minutes} minutes late. We are sorry."
        return "Kept."
    if outcome is AppointmentOutcome.MISSED_BY_US:
        return "We missed it. We are sorry."
    if outcome is AppointmentOutcome.CANCELLED_BY_US:
        return "We cancelled it." + ("" if appointment.with_notice else " We are sorry.")
    if outcome is AppointmentOutcome.CANCELLED_BY_CUSTOMER:
        return "You cancelled it."
    return "You were not able to make it."


def resident_appointments(
    case: Case, directory: Directory, grace_minutes: int
) -> list[dict[str, Any]]:
    """Summary list rows, one per appointment, then one per call-back promised."""
    rows: list[dict[str, Any]] = []
    for a in case.appointments:
        officer = directory.officer(a.officer)
        who = officer.name if officer else "an officer"
        rows.append(
            {
                "key": {"text": a.kind.label.capitalize()},
                "value": {
                    "text": f"{day_and_time(a.starts_at)}, {a.place}, with {who}. "
                    f"{_how_it_went(a, grace_minutes)}"
                },
            }
        )
    for c in case.call_backs:
        done = "We called you." if c.is_made else "We will call you."
        rows.append(
            {"key": {"text": "Call back"}, "value": {"text": f"By {day_and_time(c.by)}. {done}"}}
        )
    return rows
