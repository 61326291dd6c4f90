"""The demo's appointments and call-backs: a visit booked and kept, a meeting the officer is
late for (the customer told at once), and a call-back promised on a phone complaint and never
made, escalated to the Head of Service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sla_monitor.appointments import AppointmentKind, AppointmentOutcome
from sla_monitor.runtime import Services
from sla_monitor.staff import (
    book_appointment,
    promise_call_back,
    record_appointment_outcome,
    say_running_late,
)
from sla_monitor.wording import day_and_time

APPOINTMENT_ACTIONS = ("book", "late", "appointment_outcome")


def appointment_step(
    services: Services, reference: str, action: str, by: str, at: datetime, details: dict[str, str]
) -> str:
    """Take one appointment step of the script; what happened, in words."""
    world: dict[str, Any] = {
        "store": services.store,
        "policy": services.policy,
        "calendar": services.calendar,
        "now": at,
    }
    if action == "book":
        starts_at = datetime.fromisoformat(details["at"]).replace(tzinfo=at.tzinfo)
        kind = AppointmentKind(details["kind"])
        book_appointment(
            reference,
            kind=kind,
            starts_at=starts_at,
            minutes=int(details["minutes"]),
            place=details["place"],
            officer=details.get("officer"),
            private_room=details.get("private_room") == "yes",
            by=by,
            directory=services.directory,
            **world,
        )
        return f"{reference} {kind.label} booked for {day_and_time(starts_at)}"
    if action == "late":
        say_running_late(reference, minutes=int(details["minutes"]), by=by, **world)
        return f"{reference} officer running late, about {details['minutes']} minutes"
    outcome = AppointmentOutcome(details["outcome"])
    late = int(details.get("late_minutes", "0"))
    record_appointment_outcome(reference, outcome=outcome, late_minutes=late, by=by, **world)
    return f"{reference} appointment {outcome.label}" + (f", {late} minutes late" if late else "")


def promise_demo_call_back(
    services: Services, reference: str, by: str, at: datetime, call_by: str
) -> None:
    promise_call_back(
        reference,
        call_by=datetime.fromisoformat(call_by).replace(tzinfo=at.tzinfo),
        about="the refund",
        by=by,
        store=services.store,
        policy=services.policy,
        calendar=services.calendar,
        now=at,
    )
