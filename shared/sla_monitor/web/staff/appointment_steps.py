"""The steps about times given to the customer: book an appointment (or rebook one), say the
officer is running late or cannot come (a page made for a phone, used on the doorstep), record
how an appointment went, promise a call-back and record the call. Lines of the steps table
(`web.staff.steps.ACTIONS` adds them), each calling its use case in `staff.appointments` or
`staff.call_backs`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from sla_monitor.appointments import AppointmentKind, AppointmentOutcome
from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case
from sla_monitor.staff.appointments import (
    book_appointment,
    cancel_appointment,
    next_appointment,
    record_appointment_outcome,
    say_running_late,
)
from sla_monitor.staff.call_backs import call_back_owed, promise_call_back, record_call_back
from sla_monitor.web.forms import FieldError
from sla_monitor.web.staff.answers import day_from
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import Permission
from sla_monitor.web.staff.step_checks import required
from sla_monitor.web.staff.step_kinds import OPEN, CaseAction, Condition

CANNOT_COME = "cannot"
LATE_CHOICES = ("10", "20", "30", "45", "60")
OUTCOMES = {
    "kept": AppointmentOutcome.KEPT,
    "kept_late": AppointmentOutcome.KEPT,
    "missed_by_us": AppointmentOutcome.MISSED_BY_US,
    "missed_by_customer": AppointmentOutcome.MISSED_BY_CUSTOMER,
}
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")

APPOINTMENT_TO_COME = Condition(
    lambda case: next_appointment(case) is not None, "the case has no appointment still to happen"
)
CALL_BACK_OWED = Condition(
    lambda case: call_back_owed(case) is not None, "no call-back is owed on the case"
)


def time_from(
    values: Mapping[str, str], name: str, what: str
) -> tuple[datetime | None, FieldError | None]:
    """The date in `<name>-day/-month/-year` at the time in `<name>-time` ("10:30", "2pm"),
    London time; the error is on the field at fault."""
    day, error = day_from(values, name, f"the date of the {what}")
    if error is not None or day is None:
        return None, error
    text = values.get(f"{name}-time", "").strip().lower().replace(" ", "")
    found = _TIME.match(text)
    if not text:
        return None, FieldError(f"{name}-time", f"Enter the time of the {what}")
    hour = int(found.group(1)) if found else 99
    minute = int(found.group(2) or 0) if found else 0
    if found and found.group(3):
        hour = -1 if hour > 12 or hour == 0 else hour % 12 + (12 if found.group(3) == "pm" else 0)
    if not found or not (0 <= hour < 24 and minute < 60):
        return None, FieldError(
            f"{name}-time", f"Enter the time of the {what} like 10:30am or 14:30"
        )
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON), None


def check_book(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    errors = []
    if values.get("kind", "") not in {k.value for k in AppointmentKind}:
        errors.append(FieldError("kind", "Select what kind of appointment it is"))
    _, error = time_from(values, "starts", "appointment")
    if error is not None:
        errors.append(error)
    if not values.get("minutes", "").strip().isdigit():
        errors.append(FieldError("minutes", "Enter how long it lasts in minutes, like 45"))
    errors += required("place", "Enter the address, or the number or link to call", 300)(
        values, pages, case
    )
    return errors


def _book(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    starts_at, _ = time_from(values, "starts", "appointment")
    assert starts_at is not None
    return book_appointment(
        case.reference,
        kind=AppointmentKind(values["kind"]),
        starts_at=starts_at,
        minutes=int(values["minutes"]),
        place=values.get("place", ""),
        officer=values.get("officer") or None,
        private_room=values.get("private_room") == "yes",
        identification=values.get("identification"),
        rebooks=int(values["rebooks"]) if values.get("rebooks", "").isdigit() else None,
        by=visit.viewer.officer_id,
        directory=pages.directory,
        **pages.casework(visit.now),
    )


def check_late(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    if values.get("late", "") not in (*LATE_CHOICES, CANNOT_COME):
        return [FieldError("late", "Select how late you will be, or that you cannot come")]
    if values["late"] == CANNOT_COME:
        return required("reason", "Enter why you cannot come: the customer is told", 300)(
            values, pages, case
        )
    return []


def _late(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    if values["late"] == CANNOT_COME:
        return cancel_appointment(
            case.reference,
            reason=values.get("reason", ""),
            by=visit.viewer.officer_id,
            **pages.casework(visit.now),
        )
    return say_running_late(
        case.reference,
        minutes=int(values["late"]),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def check_outcome(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    chosen = values.get("outcome", "")
    if chosen not in OUTCOMES:
        return [FieldError("outcome", "Select how the appointment went")]
    if chosen == "kept_late" and not values.get("late_minutes", "").strip().isdigit():
        return [FieldError("late_minutes", "Enter how many minutes late, like 25")]
    return []


def _outcome(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    chosen = values["outcome"]
    return record_appointment_outcome(
        case.reference,
        outcome=OUTCOMES[chosen],
        late_minutes=int(values["late_minutes"]) if chosen == "kept_late" else 0,
        note=values.get("note"),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def check_call_back(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    _, error = time_from(values, "call_by", "call-back")
    return [error] if error is not None else []


def _call_back(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    call_by, _ = time_from(values, "call_by", "call-back")
    assert call_by is not None
    return promise_call_back(
        case.reference,
        call_by=call_by,
        about=values.get("about", ""),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _called_back(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return record_call_back(
        case.reference,
        note=values.get("note"),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


APPOINTMENT_STEPS = (
    CaseAction(
        name="appointment",
        permission=Permission.KEEP_APPOINTMENTS,
        title="Book an appointment",
        button="Book the appointment",
        done="The appointment is booked. The customer is sent the time, the place and who is "
        "coming, and a reminder the working day before.",
        fields=("kind", "starts", "minutes", "place", "officer", "private_room", "identification"),
        check=check_book,
        run=_book,
        needs=(OPEN,),
        arguments={"starts_at": "starts", "minutes": "minutes", "place": "place"},
    ),
    CaseAction(
        name="running-late",
        permission=Permission.KEEP_APPOINTMENTS,
        title="Running late or cannot come",
        button="Tell the customer",
        done="The customer has been told.",
        fields=("late", "reason"),
        check=check_late,
        run=_late,
        needs=(APPOINTMENT_TO_COME,),
    ),
    CaseAction(
        name="appointment-outcome",
        permission=Permission.KEEP_APPOINTMENTS,
        title="Record how the appointment went",
        button="Record it",
        done="How the appointment went is recorded.",
        fields=("outcome", "late_minutes", "note"),
        check=check_outcome,
        run=_outcome,
        needs=(APPOINTMENT_TO_COME,),
    ),
    CaseAction(
        name="call-back",
        permission=Permission.KEEP_APPOINTMENTS,
        title="Promise a call-back",
        button="Record the promise",
        done="The call-back is recorded as a promise. You will be reminded before the time.",
        fields=("call_by", "about"),
        check=check_call_back,
        run=_call_back,
        needs=(OPEN,),
        arguments={"by": "call_by-time"},
    ),
    CaseAction(
        name="called-back",
        permission=Permission.KEEP_APPOINTMENTS,
        title="Record a call-back made",
        button="Record the call",
        done="The call is recorded: the call-back promise is met.",
        fields=("note",),
        check=lambda values, pages, case: [],
        run=_called_back,
        needs=(CALL_BACK_OWED,),
    ),
)
