"""Reply and answer, and closing a case without a letter: what each does to the promise to
respond, and what the reports count."""

from datetime import timedelta

import pytest

from sla_monitor.cases import CaseStatus, CaseType, NotificationKind, Outcome
from sla_monitor.council import ClosingReason, ClosingWithoutALetter
from sla_monitor.engine import ClockState, evaluate
from sla_monitor.promised_dates import paused_working_days
from sla_monitor.reports.compliance import Tally, tally_promises
from sla_monitor.staff import (
    ActionNotAllowed,
    answer_customer,
    close_without_letter,
    record_response,
    resume_clocks,
    wait_for_customer,
)

from .builders import london
from .test_staff import new_case as new_case_of_type

RECEIVED = london(2026, 11, 23, 10, 0)  # Monday: an enquiry is due Monday 30 November
AFTER_DUE = london(2026, 12, 2, 10, 0)
CLOSING = ClosingWithoutALetter(
    case_types=(CaseType.ENQUIRY, CaseType.SERVICE_REQUEST),
    reasons=(
        ClosingReason(name="resolved_by_phone", text="Resolved by phone", meets_response=True),
        ClosingReason(name="duplicate", text="A duplicate of another case"),
    ),
)


def new_case(world, case_type=CaseType.ENQUIRY):
    return new_case_of_type(world, case_type)


def response_clock(case, policy, calendar, at):
    clocks = evaluate(case, policy, calendar, at).clocks
    return next(c for c in clocks if c.promise == "respond_to_enquiry")


def test_reply_and_answer_sends_the_reply_and_keeps_the_promise_to_respond(
    world, store, policy, calendar
):
    case = new_case(world)
    at = RECEIVED + timedelta(days=1)
    answered = answer_customer(
        case.reference, text=" Book online. ", by="waste-officer", **world | {"now": at}
    )

    assert answered.status is CaseStatus.CLOSED
    assert (answered.responded_at, answered.outcome) == (at, Outcome.ANSWERED)
    reply = answered.notifications[-1]
    assert reply.kind is NotificationKind.OFFICER_MESSAGE
    assert reply.details == {"text": "Book online.", "sent_by": "waste-officer", "answers": "yes"}
    # Long after its due day the promise stays kept: the reply met it.
    clock = response_clock(answered, policy, calendar, AFTER_DUE + timedelta(days=30))
    assert (clock.state, clock.satisfied_at) == (ClockState.MET, at)
    event = store.timeline(case.reference)[-1]
    assert (event.kind, event.details["text"]) == ("officer_message", "Book online.")
    assert event.summary.endswith("the promise to respond is kept; the case is closed")


def test_a_reply_that_keeps_the_case_open_still_answers_it(world, store, policy, calendar):
    case = new_case(world, CaseType.SERVICE_REQUEST)
    answered = answer_customer(
        case.reference,
        text="We will mend it.",
        by="waste-officer",
        close=False,
        **world | {"now": RECEIVED},
    )
    assert answered.is_open and answered.responded_at == RECEIVED
    with pytest.raises(ActionNotAllowed, match="answered already"):
        answer_customer(
            case.reference, text="Again", by="waste-officer", **world | {"now": RECEIVED}
        )


def test_a_late_reply_keeps_the_promise_late_and_the_breach_stays(world, store, policy, calendar):
    case = new_case(world)
    answered = answer_customer(
        case.reference, text="Sorry.", by="waste-officer", **world | {"now": AFTER_DUE}
    )
    clock = response_clock(answered, policy, calendar, AFTER_DUE)
    assert clock.state is ClockState.BREACHED and clock.satisfied_at == AFTER_DUE
    assert "kept late (its breach stays on record)" in store.timeline(case.reference)[-1].summary


def test_a_complaint_is_answered_by_its_formal_response_not_by_a_reply(world):
    case = new_case(world, CaseType.COMPLAINT)
    with pytest.raises(ActionNotAllowed, match="a complaint is answered with the formal response"):
        answer_customer(
            case.reference, text="Sorry.", by="waste-officer", **world | {"now": RECEIVED}
        )


def test_closed_by_phone_the_promise_is_kept(world, store, policy, calendar):
    case = new_case(world)
    paused = wait_for_customer(
        case.reference, reason="their address", by="waste-officer", **world | {"now": RECEIVED}
    )
    closed = close_without_letter(
        case.reference,
        reason="resolved_by_phone",
        closing=CLOSING,
        by="waste-officer",
        **world | {"now": RECEIVED + timedelta(days=1)},
    )
    assert closed.status is CaseStatus.CLOSED and closed.open_pause is None
    assert closed.closure.meets_response and closed.closure.reason_text == "Resolved by phone"
    # Nothing is written to the customer.
    assert closed.notifications == paused.notifications
    clock = response_clock(closed, policy, calendar, AFTER_DUE)
    assert clock.state is ClockState.MET
    event = store.timeline(case.reference)[-1]
    assert (event.kind, event.details) == ("closed_without_letter", {"reason": "Resolved by phone"})
    assert "the promise to respond is kept" in event.summary


def test_closed_as_a_duplicate_the_promise_is_neither_kept_nor_broken(
    world, store, policy, calendar
):
    case = new_case(world)
    closed = close_without_letter(
        case.reference,
        reason="duplicate",
        closing=CLOSING,
        by="waste-officer",
        **world | {"now": RECEIVED},
    )
    # Weeks after the day it would have fallen due, it is still not breached.
    later = AFTER_DUE + timedelta(days=30)
    clocks = evaluate(closed, policy, calendar, later).clocks
    assert {c.state for c in clocks} == {ClockState.CLOSED_WITHOUT_A_REPLY}
    assert "closed without a reply" in store.timeline(case.reference)[-1].summary
    tallies = {t.promise: t.tally for t in tally_promises([closed], policy, calendar, later)}
    assert tallies["respond_to_enquiry"] == Tally(closed_without_a_reply=1)
    assert tallies["respond_to_enquiry"].percent_on_time is None


def test_closing_after_the_promise_was_broken_leaves_it_broken(world, store, policy, calendar):
    case = new_case(world)
    closed = close_without_letter(
        case.reference,
        reason="other",
        other_reason="Moved away",
        closing=CLOSING,
        by="waste-officer",
        **world | {"now": AFTER_DUE},
    )
    clock = response_clock(closed, policy, calendar, AFTER_DUE)
    assert clock.state is ClockState.BREACHED and clock.satisfied_at is None
    assert closed.closure.reason_text == "Moved away" and not closed.closure.meets_response
    assert "(its breach stays on record)" in store.timeline(case.reference)[-1].summary


def test_a_closing_without_a_letter_is_refused_where_the_council_does_not_allow_it(world, store):
    complaint = new_case(world, CaseType.COMPLAINT)
    with pytest.raises(ActionNotAllowed, match="does not close a complaint without a letter"):
        close_without_letter(
            complaint.reference,
            reason="duplicate",
            closing=CLOSING,
            by="x",
            **world | {"now": RECEIVED},
        )
    enquiry = new_case(world)
    with pytest.raises(ActionNotAllowed, match="not one of the council's reasons"):
        close_without_letter(
            enquiry.reference, reason="bored", closing=CLOSING, by="x", **world | {"now": RECEIVED}
        )
    with pytest.raises(ActionNotAllowed, match="say why"):
        close_without_letter(
            enquiry.reference,
            reason="other",
            other_reason=" ",
            closing=CLOSING,
            by="x",
            **world | {"now": RECEIVED},
        )
    assert store.get_case(enquiry.reference).is_open


def test_a_case_reopened_and_then_answered_formally_is_answered_not_stopped(
    world, store, policy, calendar
):
    """An earlier closing without a reply does not stand for a later closing by a response."""
    from dataclasses import replace

    case = new_case(world)
    closed = close_without_letter(
        case.reference, reason="duplicate", closing=CLOSING, by="x", **world | {"now": RECEIVED}
    )
    store.cases[case.reference] = replace(
        closed, status=CaseStatus.OPEN, closed_at=None, reopened_at=RECEIVED + timedelta(hours=1)
    )
    answered = record_response(
        case.reference,
        summary="Here is the answer.",
        outcome=Outcome.ANSWERED,
        by="waste-officer",
        **world | {"now": RECEIVED + timedelta(days=1)},
    )
    assert response_clock(answered, policy, calendar, AFTER_DUE).state is ClockState.MET


def test_the_working_days_waited_on_the_customer_are_counted_once_the_pause_ends(
    world, policy, calendar
):
    case = new_case(world)
    wait_for_customer(case.reference, reason="a photo", by="x", **world | {"now": RECEIVED})
    paused = world["store"].get_case(case.reference)
    assert paused_working_days(paused, evaluate(paused, policy, calendar, RECEIVED).clocks) == 0
    thursday = RECEIVED + timedelta(days=3)
    resumed = resume_clocks(case.reference, by="x", **world | {"now": thursday})
    # Waited Monday to Thursday: three working days, and the reply date moved on by them.
    clocks = evaluate(resumed, policy, calendar, thursday).clocks
    assert paused_working_days(resumed, clocks) == 3
    assert response_clock(resumed, policy, calendar, thursday).due_day.isoformat() == "2026-12-03"
