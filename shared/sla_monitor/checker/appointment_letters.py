"""The facts a letter about an appointment or a call-back needs, in words: when, where, with
whom, what they will show at the door, and how to rearrange. Used by the customer's
confirmation, reminder and running-late messages and by the staff alerts
(`checker.letters`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sla_monitor.appointments import Appointment, AppointmentKind, outcome_words
from sla_monitor.cases import Case
from sla_monitor.directory import Directory
from sla_monitor.wording import DEFAULT_LANGUAGE, day_and_time, time_of_day


def appointment_facts(
    case: Case,
    number: int | None,
    directory: Directory,
    details: dict[str, str],
    language: str = DEFAULT_LANGUAGE,
) -> dict[str, Any]:
    """`appointment`: the appointment's facts in words, in the letter's language (None when
    the case has no such appointment)."""
    appointment = case.appointment(number) if number is not None else None
    if appointment is None:
        return {"appointment": None}
    officer = directory.officer(appointment.officer)
    minutes = int(details.get("minutes", "0") or 0)
    return {
        "appointment": {
            "number": appointment.number,
            "kind": appointment.kind.label_in(language),
            "is_visit": appointment.kind is AppointmentKind.VISIT,
            "is_call": appointment.kind in (AppointmentKind.CALL, AppointmentKind.VIDEO),
            "when": day_and_time(appointment.starts_at, language),
            "until": time_of_day(appointment.ends_at, language),
            "minutes": appointment.minutes,
            "place": appointment.place,
            "officer": officer.name if officer else "an officer",
            "job_title": officer.job_title if officer else "",
            "identification": appointment.identification,
            "private_room": appointment.private_room,
            "outcome": outcome_words(appointment),
            "late_by": minutes,
            "there_about": time_of_day(
                appointment.starts_at + timedelta(minutes=minutes), language
            ),
            "replaces": _replaced(case, appointment, language),
        }
    }


def _replaced(case: Case, appointment: Appointment, language: str) -> str | None:
    earlier = case.appointment(appointment.rebooks) if appointment.rebooks else None
    return day_and_time(earlier.starts_at, language) if earlier else None


def call_back_facts(case: Case, number: int | None) -> dict[str, Any]:
    call_back = case.call_back(number) if number is not None else None
    if call_back is None:
        return {"call_back": None}
    return {
        "call_back": {
            "number": call_back.number,
            "by": day_and_time(call_back.by),
            "about": call_back.about,
        }
    }
