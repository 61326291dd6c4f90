"""Appointments and call-backs: promises of a time, each a clock of its own.

Each appointment on the case (`Case.appointments`) is a clock of the policy's `appointment`
promise whose occurrence is the appointment's number. It falls due `late_after_minutes` after
the start: the officer there by then kept it on time (MET). Kept later, missed by us, cancelled
by us without notice, or an officer who said they would be later than that, is a breach, and
a breach stays one whatever is recorded after. Missed or cancelled by the customer, or
cancelled by us with notice, stops the clock, neither kept nor broken. The customer is
reminded the working day before, at the time customer updates go; the owner and the promise's
`escalate_to` are told, in office hours, of a breach.

Each call-back (`Case.call_backs`) is a clock of the policy's `call_back` promise, due at the
time given and met by the call: the owner is warned `warn_minutes_before`, and the owner and
`escalate_to` are told once the time passes uncalled.

Pure: no AWS, no clock reads.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sla_monitor.appointments import Appointment, AppointmentOutcome
from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case
from sla_monitor.engine.breaches import broken_at, clock_state
from sla_monitor.engine.results import Action, Clock, ClockState, OwedAction
from sla_monitor.policy_terms import PromiseKind, Role

if TYPE_CHECKING:
    from sla_monitor.policy import Policy, Promise

# Stopped, neither kept nor broken: the customer missed it or called it off, or we gave notice.
_STOPPED = (AppointmentOutcome.MISSED_BY_CUSTOMER, AppointmentOutcome.CANCELLED_BY_CUSTOMER)


def appointment_due(appointment: Appointment, promise: Promise) -> datetime:
    """The instant the appointment is no longer kept on time."""
    return appointment.starts_at + timedelta(minutes=promise.late_after_minutes)


def _broken(case: Case, promise: Promise, appointment: Appointment) -> datetime | None:
    recorded = case.breach_of(promise.name, 1, appointment.number)
    if recorded is not None:
        return recorded.due
    due = appointment_due(appointment, promise)
    outcome = appointment.outcome
    if outcome is AppointmentOutcome.KEPT:
        late = appointment.late_minutes > promise.late_after_minutes
    elif outcome is AppointmentOutcome.MISSED_BY_US:
        late = True
    elif outcome is AppointmentOutcome.CANCELLED_BY_US:
        late = not appointment.with_notice
    elif outcome is None:
        # Said to be later than the promise allows: broken as soon as it is said.
        late = appointment.expected_late_minutes > promise.late_after_minutes
    else:
        late = False
    return due if late else None


def _appointment_clock(
    case: Case, promise: Promise, appointment: Appointment, calendar: WorkingDayCalendar
) -> Clock:
    broken = _broken(case, promise, appointment)
    outcome = appointment.outcome
    kept_at = (
        appointment.starts_at + timedelta(minutes=appointment.late_minutes)
        if outcome is AppointmentOutcome.KEPT
        else None
    )
    stopped = outcome in _STOPPED or (
        outcome is AppointmentOutcome.CANCELLED_BY_US and appointment.with_notice
    )
    if broken is not None:
        state = ClockState.BREACHED
    elif kept_at is not None:
        state = ClockState.MET
    elif stopped:
        state = ClockState.CLOSED_WITHOUT_A_REPLY
    else:
        state = ClockState.RUNNING
    due = appointment_due(appointment, promise)
    return Clock(
        promise=promise.name,
        kind=promise.kind,
        description=promise.description,
        state=state,
        start_day=calendar.local(appointment.booked_at).date(),
        due_day=calendar.local(appointment.starts_at).date(),
        due=due,
        satisfied_at=kept_at,
        occurrence=appointment.number,
        breached_at=broken,
    )


def _reminder(
    promise: Promise, appointment: Appointment, policy: Policy, calendar: WorkingDayCalendar
) -> OwedAction | None:
    """The customer's reminder, the working day before, unless booked after it would go."""
    day = calendar.local(appointment.starts_at).date()
    remind_on = calendar.subtract_working_days(day, 1)
    remind_from = calendar.at(remind_on, policy.customer_updates_sent_at)
    if appointment.is_settled or remind_from <= appointment.booked_at:
        return None
    if remind_from >= appointment.starts_at:
        return None
    return OwedAction(
        action=Action.REMIND_OF_APPOINTMENT,
        key=f"remind_of_appointment:{appointment.number}:{appointment.starts_at.isoformat()}",
        promise=promise.name,
        owed_from=remind_from,
        due=appointment.starts_at,
        occurrence=appointment.number,
    )


def appointment_clocks(
    case: Case, policy: Policy, calendar: WorkingDayCalendar, now: datetime
) -> tuple[list[Clock], list[OwedAction]]:
    """The clock of each appointment on the case, the customer's reminders still to go and the
    alerts owed on those broken (none already sent)."""
    promise = policy.promise_of_kind(PromiseKind.APPOINTMENT)
    if promise is None or not case.appointments:
        return [], []
    clocks: list[Clock] = []
    owed: list[OwedAction] = []
    for appointment in case.appointments:
        clock = _appointment_clock(case, promise, appointment, calendar)
        clocks.append(clock)
        reminder = _reminder(promise, appointment, policy, calendar)
        if reminder is not None and now < appointment.starts_at:
            owed.append(reminder)
        if clock.breached_at is not None:
            known = min(clock.breached_at, appointment.outcome_at or clock.breached_at)
            if appointment.late_notices:
                known = min(known, appointment.late_notices[-1].said_at)
            owed.append(
                OwedAction(
                    action=Action.TELL_OF_APPOINTMENT_MISSED,
                    key=f"appointment_missed:{appointment.number}",
                    promise=promise.name,
                    owed_from=calendar.next_office_hours(known),
                    due=clock.breached_at,
                    recipients=(Role.OWNER, *promise.escalate_to),
                    occurrence=appointment.number,
                )
            )
    return clocks, [a for a in owed if not case.was_sent(a.key)]


def call_back_clocks(
    case: Case, policy: Policy, calendar: WorkingDayCalendar, now: datetime
) -> tuple[list[Clock], list[OwedAction]]:
    """The clock of each call-back promised on the case, the owner's warnings before its time
    and the alert once it passes uncalled (none already sent)."""
    promise = policy.promise_of_kind(PromiseKind.CALL_BACK)
    if promise is None or not case.call_backs:
        return [], []
    clocks: list[Clock] = []
    owed: list[OwedAction] = []
    for call_back in case.call_backs:
        broken = broken_at(
            case, promise.name, 1, call_back.number, call_back.by, call_back.called_at, now
        )
        clocks.append(
            Clock(
                promise=promise.name,
                kind=promise.kind,
                description=promise.description,
                state=clock_state(broken, call_back.called_at),
                start_day=calendar.local(call_back.promised_at).date(),
                due_day=calendar.local(call_back.by).date(),
                due=call_back.by,
                satisfied_at=call_back.called_at,
                occurrence=call_back.number,
                breached_at=broken,
            )
        )
        if call_back.is_made:
            continue
        for minutes in promise.warn_minutes_before:
            warn_from = call_back.by - timedelta(minutes=minutes)
            if warn_from > call_back.promised_at and now < call_back.by:
                owed.append(
                    OwedAction(
                        action=Action.WARN_OF_CALL_BACK,
                        key=f"warn_of_call_back:{call_back.number}:{minutes}",
                        promise=promise.name,
                        owed_from=warn_from,
                        due=call_back.by,
                        recipients=(Role.OWNER,),
                        occurrence=call_back.number,
                    )
                )
        owed.append(
            OwedAction(
                action=Action.ESCALATE_CALL_BACK,
                key=f"escalate_call_back:{call_back.number}",
                promise=promise.name,
                owed_from=calendar.next_office_hours(call_back.by),
                due=call_back.by,
                recipients=(Role.OWNER, *promise.escalate_to),
                occurrence=call_back.number,
            )
        )
    return clocks, [a for a in owed if not case.was_sent(a.key)]
