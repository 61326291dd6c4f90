"""What a formal response promises to put things right is a promise with a clock: the owner is
reminded before its date, the Head of Service and the Corporate Complaints Officer are told once
it passes, the case stays open until each action is done, and the customer hears as each is."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sla_monitor.cases import CaseStatus, CaseType, Outcome
from sla_monitor.engine import ClockState, evaluate
from sla_monitor.reports.compliance import KEPT_LATE, KEPT_ON_TIME, clock_outcome
from sla_monitor.staff import ActionNotAllowed, assign_case, record_remedy_done, record_response

from .conftest import RESIDENT, london, text_of

RECEIVED = london(2027, 1, 11, 10, 0)  # Monday
ANSWERED = london(2027, 1, 18, 11, 0)
GUTTER_BY = date(2027, 2, 5)  # Friday
HOUSING_OFFICER = "ravi.evans@nwleicestershire.gov.uk"
HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"
CCO = "complaints@nwleicestershire.gov.uk"


def world(town):
    return {"store": town.store, "policy": town.policy, "calendar": town.calendar}


@pytest.fixture
def answered(town):
    """An upheld complaint whose response promised to repair the gutter by 5 February."""
    case = town.receive(RECEIVED, case_type=CaseType.COMPLAINT)
    assign_case(
        case.reference,
        officer_id="housing-officer",
        department=None,
        by="head-housing",
        now=RECEIVED + timedelta(minutes=5),
        directory=town.directory,
        **world(town),
    )
    record_response(
        case.reference,
        summary="The gutter was left broken after the roof repair.",
        outcome=Outcome.UPHELD,
        remedies=[("repair the gutter at the back of the house", GUTTER_BY)],
        by="housing-officer",
        now=ANSWERED,
        **world(town),
    )
    town.sweep(ANSWERED)
    return case


def remedy_clock(town, reference, at):
    evaluation = evaluate(town.case(reference), town.policy, town.calendar, at)
    return evaluation.clock("put_things_right", 1)


def test_the_response_letter_lists_the_action_and_the_case_stays_open(town, answered):
    case = town.case(answered.reference)
    assert case.status is CaseStatus.OPEN and case.closed_at is None
    assert case.responded_at == ANSWERED
    [letter] = [m for m in town.mail_to(RESIDENT) if "response" in str(m["Subject"])]
    text = text_of(letter)
    assert "repair the gutter at the back of the house, by Friday 5 February 2027" in text
    assert "We will write to you when each of these is done." in text
    clock = remedy_clock(town, answered.reference, ANSWERED)
    assert (clock.state, clock.due_day) == (ClockState.RUNNING, GUTTER_BY)
    # The response itself met its promise: only the action is still owed.
    response = evaluate(case, town.policy, town.calendar, ANSWERED).clock("respond_to_complaint")
    assert response.state is ClockState.MET


def test_the_owner_is_reminded_the_working_day_before_and_chased_once_it_passes(town, answered):
    town.sweep_every(ANSWERED, london(2027, 2, 8, 11, 0), timedelta(hours=2))
    reminders = [s for s in town.subjects_to(HOUSING_OFFICER) if "is due by" in s]
    assert reminders == [
        f"{answered.reference}: an action promised to the customer is due by Friday 5 February 2027"
    ]
    chased = f"{answered.reference}: promise missed, an action promised by Friday 5 February 2027"
    for address in (HOUSING_OFFICER, HEAD_OF_HOUSING, CCO):
        assert [s for s in town.subjects_to(address) if s.startswith(chased)] != [], address
        assert len([s for s in town.subjects_to(address) if s.startswith(chased)]) == 1
    clock = remedy_clock(town, answered.reference, london(2027, 2, 8, 11, 0))
    assert clock.state is ClockState.BREACHED


def test_done_in_time_tells_the_customer_and_closes_the_case(town, answered):
    done_at = london(2027, 2, 3, 15, 0)
    record_remedy_done(
        answered.reference,
        number=1,
        note="New gutter fitted by Acme Roofing",
        by="housing-officer",
        now=done_at,
        **world(town),
    )
    town.sweep(done_at)
    case = town.case(answered.reference)
    assert case.status is CaseStatus.CLOSED and case.closed_at == done_at
    [update] = [m for m in town.mail_to(RESIDENT) if "an update" in str(m["Subject"])]
    text = text_of(update)
    assert "repair the gutter at the back of the house" in text
    assert "we have closed your complaint" in text
    clock = remedy_clock(town, answered.reference, done_at)
    assert clock_outcome(clock) == KEPT_ON_TIME
    with pytest.raises(ActionNotAllowed, match="done already"):
        record_remedy_done(
            answered.reference, number=1, note=None, by="x", now=done_at, **world(town)
        )


def test_done_late_is_kept_late_for_ever(town, answered):
    town.sweep_every(ANSWERED, london(2027, 2, 9, 10, 0), timedelta(hours=4))
    record_remedy_done(
        answered.reference,
        number=1,
        note=None,
        by="housing-officer",
        now=london(2027, 2, 10, 10, 0),
        **world(town),
    )
    clock = remedy_clock(town, answered.reference, london(2027, 3, 1))
    assert clock.state is ClockState.BREACHED
    assert clock_outcome(clock) == KEPT_LATE
    [event] = [e for e in town.store.timeline(answered.reference) if e.kind == "remedy_done"]
    assert "late: promised by Friday 5 February 2027" in event.summary


def test_a_remedy_date_already_past_or_an_unknown_action_is_refused(town):
    case = town.receive(RECEIVED, case_type=CaseType.COMPLAINT)
    with pytest.raises(ActionNotAllowed, match="never promises a date already past"):
        record_response(
            case.reference,
            summary="Looked into it.",
            outcome=Outcome.UPHELD,
            remedies=[("repair the gutter", date(2027, 1, 18))],
            by="head-housing",
            now=ANSWERED,
            **world(town),
        )
    assert town.case(case.reference).responses == ()
    with pytest.raises(ActionNotAllowed, match="no action number 3"):
        record_remedy_done(case.reference, number=3, note=None, by="x", now=ANSWERED, **world(town))
