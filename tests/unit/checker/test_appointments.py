"""Appointments and call-backs are promises with clocks: the customer is sent a confirmation at
once and a reminder the working day before, is told at once when the officer is running late or
cannot come, and an appointment kept late or missed by us stays so in every view and report;
a call-back warns the owner before its time and is escalated once the time passes uncalled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sla_monitor.appointments import AppointmentKind, AppointmentOutcome
from sla_monitor.cases import CaseType, Channel
from sla_monitor.engine import ClockState, evaluate
from sla_monitor.reports.compliance import (
    BREACHED,
    CLOSED_WITHOUT_A_REPLY,
    KEPT_LATE,
    KEPT_ON_TIME,
    clock_outcome,
    tally_promises,
)
from sla_monitor.staff import (
    ActionNotAllowed,
    assign_case,
    book_appointment,
    cancel_appointment,
    promise_call_back,
    record_appointment_outcome,
    record_call_back,
    say_running_late,
)

from .conftest import RESIDENT, london, text_of

RECEIVED = london(2027, 1, 11, 10, 0)  # Monday
BOOKED = london(2027, 1, 11, 11, 0)
VISIT_AT = london(2027, 1, 14, 10, 30)  # Thursday
OFFICER = "ravi.evans@nwleicestershire.gov.uk"
HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"


def world(town):
    return {"store": town.store, "policy": town.policy, "calendar": town.calendar}


@pytest.fixture
def booked(town):
    """A service request with a home visit booked for Thursday at 10:30am."""
    case = town.receive(RECEIVED, case_type=CaseType.SERVICE_REQUEST)
    assign_case(
        case.reference,
        officer_id="housing-officer",
        department=None,
        by="head-housing",
        now=RECEIVED + timedelta(minutes=5),
        directory=town.directory,
        **world(town),
    )
    book_appointment(
        case.reference,
        kind=AppointmentKind.VISIT,
        starts_at=VISIT_AT,
        minutes=45,
        place="12 High Street, Coalville LE67 3FJ",
        officer=None,
        private_room=False,
        by="housing-officer",
        directory=town.directory,
        now=BOOKED,
        **world(town),
    )
    town.sweep(BOOKED)
    return case


def clock_of(town, reference, at, promise="appointment_on_time", number=1):
    return evaluate(town.case(reference), town.policy, town.calendar, at).clock(promise, number)


def letters_about_appointments(town):
    return [m for m in town.mail_to(RESIDENT) if "appointment" in str(m["Subject"])]


def test_the_customer_is_sent_a_confirmation_in_words_at_once(town, booked):
    [confirmation] = letters_about_appointments(town)
    assert str(confirmation["Subject"]) == f"{booked.reference}: your appointment with us"
    text = text_of(confirmation)
    assert "When: Thursday 14 January 2027 at 10:30am, for about 45 minutes" in text
    assert "Where: 12 High Street, Coalville LE67 3FJ" in text
    assert "Who: Ravi Evans, Housing Officer" in text
    assert "Ravi Evans will show you a council identity card with their photograph" in text
    assert "If you need to change the time" in text
    clock = clock_of(town, booked.reference, BOOKED)
    assert (clock.state, clock.due) == (ClockState.RUNNING, VISIT_AT + timedelta(minutes=10))


def test_the_reminder_goes_once_the_working_day_before(town, booked):
    town.sweep_every(BOOKED, london(2027, 1, 14, 9, 0), timedelta(hours=1))
    subjects = [str(m["Subject"]) for m in letters_about_appointments(town)]
    assert subjects == [
        f"{booked.reference}: your appointment with us",
        f"{booked.reference}: a reminder of your appointment tomorrow",
    ]
    [reminder] = [m for m in letters_about_appointments(town) if "reminder" in str(m["Subject"])]
    assert "This is a reminder of your home visit" in text_of(reminder)
    sent = town.case(booked.reference).sent_of("remind_of_appointment")
    assert [town.calendar.local(s.sent_at).date().isoformat() for s in sent] == ["2027-01-13"]


def test_kept_within_the_grace_is_kept_on_time(town, booked):
    record_appointment_outcome(
        booked.reference,
        outcome=AppointmentOutcome.KEPT,
        late_minutes=5,
        by="housing-officer",
        now=VISIT_AT + timedelta(hours=1),
        **world(town),
    )
    clock = clock_of(town, booked.reference, VISIT_AT + timedelta(hours=1))
    assert clock_outcome(clock) == KEPT_ON_TIME


def test_running_late_tells_the_customer_at_once_and_stays_late(town, booked):
    said = VISIT_AT - timedelta(minutes=10)
    say_running_late(booked.reference, minutes=25, by="housing-officer", now=said, **world(town))
    town.sweep(said)
    [late] = [m for m in letters_about_appointments(town) if "running late" in str(m["Subject"])]
    text = text_of(late).replace("\r\n", "\n")
    assert "Ravi Evans is running late for your home visit on Thursday 14 January 2027" in text
    assert "with you at about 10:55am, about 25 minutes late.\n\nIf this time" in text
    # Later than the policy allows: a broken promise at once, which a later "kept on time"
    # cannot take back.
    assert clock_of(town, booked.reference, said).state is ClockState.BREACHED
    record_appointment_outcome(
        booked.reference,
        outcome=AppointmentOutcome.KEPT,
        by="housing-officer",
        now=VISIT_AT + timedelta(hours=1),
        **world(town),
    )
    clock = clock_of(town, booked.reference, VISIT_AT + timedelta(hours=1))
    assert clock_outcome(clock) == KEPT_LATE
    # The Head of Service hears once, in office hours.
    town.sweep_every(said, VISIT_AT + timedelta(hours=3), timedelta(minutes=30))
    told = [m for m in town.mail_to(HEAD_OF_HOUSING) if "not kept on time" in str(m["Subject"])]
    assert [str(m["Subject"]) for m in told] == [
        f"{booked.reference}: an appointment was not kept on time"
    ]
    alert = text_of(told[0])
    assert "was said to be running late by about 25 minutes" in alert
    assert "rebook" not in alert  # it was kept, late: nothing to rebook


def test_cannot_come_on_the_day_is_a_promise_broken_and_rebooking_is_one_step(town, booked):
    morning = london(2027, 1, 14, 8, 30)
    cancel_appointment(
        booked.reference,
        reason="the officer is unwell",
        by="housing-officer",
        now=morning,
        **world(town),
    )
    town.sweep(morning)
    [cancelled] = [m for m in letters_about_appointments(town) if "cancel" in str(m["Subject"])]
    assert "The reason: the officer is unwell" in text_of(cancelled)
    assert clock_outcome(clock_of(town, booked.reference, morning)) == BREACHED
    case = book_appointment(
        booked.reference,
        kind=AppointmentKind.VISIT,
        starts_at=london(2027, 1, 18, 14, 0),
        minutes=45,
        place="12 High Street, Coalville LE67 3FJ",
        officer=None,
        rebooks=1,
        by="housing-officer",
        directory=town.directory,
        now=morning + timedelta(minutes=5),
        **world(town),
    )
    first, second = case.appointments
    assert (first.rebooked_as, second.rebooks) == (2, 1)
    town.sweep(morning + timedelta(minutes=5))
    [new] = [m for m in letters_about_appointments(town) if "new appointment" in str(m["Subject"])]
    assert "in place of the one on Thursday 14 January 2027 at 10:30am" in text_of(new)


def test_cancelled_with_notice_is_neither_kept_nor_broken(town, booked):
    day_before = london(2027, 1, 13, 9, 0)
    cancel_appointment(
        booked.reference,
        reason="asked to move it",
        by_customer=True,
        by="housing-officer",
        now=day_before,
        **world(town),
    )
    assert clock_outcome(clock_of(town, booked.reference, day_before)) == CLOSED_WITHOUT_A_REPLY
    with pytest.raises(ActionNotAllowed, match="cancelled by the customer with notice already"):
        say_running_late(
            booked.reference, minutes=5, number=1, by="x", now=day_before, **world(town)
        )


def test_an_outcome_waits_for_the_start(town, booked):
    with pytest.raises(ActionNotAllowed, match="has not started yet"):
        record_appointment_outcome(
            booked.reference,
            outcome=AppointmentOutcome.MISSED_BY_CUSTOMER,
            by="housing-officer",
            now=VISIT_AT - timedelta(minutes=1),
            **world(town),
        )


def test_a_call_back_warns_the_owner_and_is_escalated_once_missed(town):
    case = town.receive(RECEIVED, channel=Channel.EMAIL)
    assign_case(
        case.reference,
        officer_id="housing-officer",
        department=None,
        by="head-housing",
        now=RECEIVED,
        directory=town.directory,
        **world(town),
    )
    call_by = london(2027, 1, 11, 15, 0)
    promise_call_back(
        case.reference,
        call_by=call_by,
        about="the repair date",
        by="housing-officer",
        now=RECEIVED + timedelta(minutes=10),
        **world(town),
    )
    town.sweep_every(RECEIVED, london(2027, 1, 11, 17, 0), timedelta(minutes=15))
    warned = [s for s in town.subjects_to(OFFICER) if "call the customer back" in s]
    assert warned == [f"{case.reference}: call the customer back by Monday 11 January 2027 at 3pm"]
    missed = f"{case.reference}: a call-back promised by Monday 11 January 2027 at 3pm was not made"
    assert town.subjects_to(HEAD_OF_HOUSING).count(missed) == 1
    record_call_back(
        case.reference, by="housing-officer", now=call_by + timedelta(hours=2), **world(town)
    )
    clock = clock_of(town, case.reference, call_by + timedelta(hours=3), "call_back")
    assert clock_outcome(clock) == KEPT_LATE
    [row] = [
        t
        for t in tally_promises(
            [town.case(case.reference)], town.policy, town.calendar, call_by + timedelta(hours=3)
        )
        if t.promise == "call_back"
    ]
    assert row.tally.kept_late == 1


def test_a_call_back_made_in_time_is_met_and_nobody_is_chased(town):
    case = town.receive(RECEIVED)
    call_by = london(2027, 1, 12, 12, 0)
    promise_call_back(
        case.reference, call_by=call_by, by="housing-officer", now=RECEIVED, **world(town)
    )
    record_call_back(
        case.reference,
        note="gave the date",
        by="housing-officer",
        now=call_by - timedelta(hours=1),
        **world(town),
    )
    town.sweep_every(RECEIVED, call_by + timedelta(hours=2), timedelta(hours=1))
    assert not [s for s in town.subjects_to(HEAD_OF_HOUSING) if "call-back" in s]
    assert clock_outcome(clock_of(town, case.reference, call_by, "call_back")) == KEPT_ON_TIME
