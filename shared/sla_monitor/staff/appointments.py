"""Appointments on a case: book one (or rebook in one step), say the officer is running late or
cannot come, cancel one, and record how it went.

Each step is a change to the case like every other staff step (`change_case`): checked
against the case as it stands, recorded on the timeline with the officer's name, and the
customer's message written on the case (its outbox) for the checker to send at once. The
appointment's clock lives in the engine (`engine.appointments`); what is recorded here is a
fact: an appointment said to be late or missed stays so, whatever is recorded after.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sla_monitor.appointments import (
    Appointment,
    AppointmentKind,
    AppointmentOutcome,
    LateNotice,
    outcome_words,
)
from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, NotificationKind, TimelineEvent
from sla_monitor.directory import Directory
from sla_monitor.staff.steps import (
    ActionNotAllowed,
    change_case,
    require_active_officer,
    require_open,
)
from sla_monitor.store.ports import CaseStore
from sla_monitor.wording import day_and_time

if TYPE_CHECKING:
    from sla_monitor.policy import Policy

# What an officer shows at the door unless the booking says otherwise (the contact standards:
# "wear name badges and show official identification on appropriate visits").
DEFAULT_IDENTIFICATION = "a council identity card with their photograph, and a name badge"
LONGEST_APPOINTMENT = 8 * 60
LONGEST_DELAY = 4 * 60


def next_appointment(case: Case) -> Appointment | None:
    """The case's earliest appointment still to happen (no outcome recorded)."""
    waiting = [a for a in case.appointments if not a.is_settled]
    return min(waiting, key=lambda a: a.starts_at) if waiting else None


def _chosen(case: Case, number: int | None) -> Appointment:
    appointment = case.appointment(number) if number is not None else next_appointment(case)
    if appointment is None:
        raise ActionNotAllowed(
            f"{case.reference} has no appointment number {number}"
            if number is not None
            else f"{case.reference} has no appointment still to happen",
            argument="number",
        )
    return appointment


def _unsettled(appointment: Appointment, reference: str) -> None:
    if appointment.is_settled:
        raise ActionNotAllowed(
            f"appointment {appointment.number} on {reference} was recorded as "
            f"{outcome_words(appointment)} already",
            argument="number",
        )


def _with(case: Case, changed: Appointment) -> Case:
    return replace(
        case,
        appointments=tuple(changed if a.number == changed.number else a for a in case.appointments),
    )


def book_appointment(
    reference: str,
    *,
    kind: AppointmentKind,
    starts_at: datetime,
    minutes: int,
    place: str,
    officer: str | None,
    private_room: bool = False,
    identification: str | None = None,
    rebooks: int | None = None,
    by: str,
    directory: Directory,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """A time and place given to the customer; they are sent a confirmation at once and a
    reminder the working day before. With `rebooks`, the new time replaces that appointment
    (cancelled by us, with notice or not by when it is done, if it was still to happen)."""
    if starts_at <= now:
        raise ActionNotAllowed("an appointment must be in the future", argument="starts_at")
    if not 5 <= minutes <= LONGEST_APPOINTMENT:
        raise ActionNotAllowed(
            f"an appointment lasts between 5 and {LONGEST_APPOINTMENT} minutes", argument="minutes"
        )
    if not place.strip():
        raise ActionNotAllowed(f"say where: {kind.place_label.lower()}", argument="place")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        require_open(case, "given an appointment")
        who = officer or case.assigned_officer
        if who is None:
            raise ActionNotAllowed(
                f"{reference} has no officer: say who will keep the appointment",
                argument="officer",
            )
        require_active_officer(directory, who)
        number = max((a.number for a in case.appointments), default=0) + 1
        changed = case
        replaced = None
        if rebooks is not None:
            replaced = case.appointment(rebooks)
            if replaced is None:
                raise ActionNotAllowed(f"{reference} has no appointment number {rebooks}")
            if replaced.rebooked_as is not None:
                raise ActionNotAllowed(
                    f"appointment {rebooks} on {reference} was rebooked already, as "
                    f"appointment {replaced.rebooked_as}"
                )
            settled = replaced
            if not replaced.is_settled:
                settled = _cancelled(
                    replaced, by_us=True, reason="rebooked", by=by, calendar=calendar, now=now
                )
            changed = _with(changed, replace(settled, rebooked_as=number))
        appointment = Appointment(
            number=number,
            kind=kind,
            starts_at=starts_at,
            minutes=minutes,
            place=place.strip(),
            officer=who,
            identification=(identification or "").strip() or DEFAULT_IDENTIFICATION,
            booked_at=now,
            booked_by=by,
            private_room=private_room,
            rebooks=rebooks,
        )
        changed = replace(changed, appointments=(*changed.appointments, appointment))
        changed = changed.notify(
            NotificationKind.APPOINTMENT,
            at=now,
            why="rebooked" if replaced is not None else "booked",
            appointment=str(number),
        )
        name = directory.officer_name(who, who)
        summary = f"{kind.label} booked for {day_and_time(starts_at)} with {name}"
        if replaced is not None:
            summary += f", in place of appointment {replaced.number}"
        return changed, TimelineEvent(
            at=now,
            kind="appointment_booked",
            actor=by,
            summary=summary,
            details={"number": str(number), "kind": kind.value, "minutes": str(minutes)},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def say_running_late(
    reference: str,
    *,
    minutes: int,
    number: int | None = None,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """The officer is running late, by about `minutes`: the customer is told at once. Later
    than the policy allows, the appointment is not kept on time, whatever happens next."""
    if not 1 <= minutes <= LONGEST_DELAY:
        raise ActionNotAllowed(
            f"say how late, between 1 and {LONGEST_DELAY} minutes", argument="minutes"
        )

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        appointment = _chosen(case, number)
        _unsettled(appointment, reference)
        if now >= appointment.ends_at:
            raise ActionNotAllowed(
                f"appointment {appointment.number} on {reference} should have ended by now: "
                "record how it went instead"
            )
        notice = LateNotice(said_at=now, minutes=minutes, said_by=by)
        late = replace(appointment, late_notices=(*appointment.late_notices, notice))
        changed = _with(case, late).notify(
            NotificationKind.APPOINTMENT,
            at=now,
            why="late",
            appointment=str(appointment.number),
            minutes=str(minutes),
        )
        arrive = appointment.starts_at + timedelta(minutes=minutes)
        return changed, TimelineEvent(
            at=now,
            kind="appointment_running_late",
            actor=by,
            summary=f"running late for the {appointment.kind.label} on "
            f"{day_and_time(appointment.starts_at)}, by about {minutes} minutes "
            f"(there about {day_and_time(arrive)}); the customer was told",
            details={"number": str(appointment.number), "minutes": str(minutes)},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def _cancelled(
    appointment: Appointment,
    *,
    by_us: bool,
    reason: str,
    by: str,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Appointment:
    # With notice: called off before the day of the appointment.
    notice = calendar.local(now).date() < calendar.local(appointment.starts_at).date()
    return replace(
        appointment,
        outcome=AppointmentOutcome.CANCELLED_BY_US
        if by_us
        else AppointmentOutcome.CANCELLED_BY_CUSTOMER,
        outcome_at=now,
        outcome_by=by,
        reason=reason,
        with_notice=notice,
    )


def cancel_appointment(
    reference: str,
    *,
    reason: str,
    by_customer: bool = False,
    number: int | None = None,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Call off an appointment (the case's next one unless `number` says): by us (the officer
    "cannot come"), told to the customer at once, or at the customer's request. Called off by
    us on the day, it is a promise broken; before the day, with notice, it is not."""
    if not reason.strip():
        raise ActionNotAllowed("say why the appointment is cancelled", argument="reason")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        appointment = _chosen(case, number)
        _unsettled(appointment, reference)
        cancelled = _cancelled(
            appointment,
            by_us=not by_customer,
            reason=reason.strip(),
            by=by,
            calendar=calendar,
            now=now,
        )
        changed = _with(case, cancelled)
        if not by_customer:
            changed = changed.notify(
                NotificationKind.APPOINTMENT,
                at=now,
                why="cancelled",
                appointment=str(appointment.number),
                reason=reason.strip(),
            )
        return changed, TimelineEvent(
            at=now,
            kind="appointment_cancelled",
            actor=by,
            summary=f"the {appointment.kind.label} on {day_and_time(appointment.starts_at)} "
            f"{outcome_words(cancelled)}: {reason.strip()}",
            details={"number": str(appointment.number)},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def record_appointment_outcome(
    reference: str,
    *,
    outcome: AppointmentOutcome,
    late_minutes: int = 0,
    note: str | None = None,
    number: int | None = None,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """How an appointment went: kept (on time, or `late_minutes` late), missed by us, or missed
    by the customer. Recorded once, after its start."""
    if outcome not in (
        AppointmentOutcome.KEPT,
        AppointmentOutcome.MISSED_BY_US,
        AppointmentOutcome.MISSED_BY_CUSTOMER,
    ):
        raise ActionNotAllowed("cancel an appointment to call it off", argument="outcome")
    if late_minutes < 0 or (late_minutes and outcome is not AppointmentOutcome.KEPT):
        raise ActionNotAllowed(
            "minutes late go only with an appointment kept", argument="late_minutes"
        )

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        appointment = _chosen(case, number)
        _unsettled(appointment, reference)
        if now < appointment.starts_at:
            raise ActionNotAllowed(
                f"appointment {appointment.number} on {reference} has not started yet: "
                "cancel it, or say the officer is running late"
            )
        recorded = replace(
            appointment,
            outcome=outcome,
            late_minutes=late_minutes,
            outcome_at=now,
            outcome_by=by,
            reason=(note or "").strip() or None,
        )
        return _with(case, recorded), TimelineEvent(
            at=now,
            kind="appointment_outcome",
            actor=by,
            summary=f"the {appointment.kind.label} on {day_and_time(appointment.starts_at)} "
            f"was {outcome_words(recorded)}",
            details={"number": str(appointment.number), "note": recorded.reason or ""},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)
