"""A breach is a fact for ever: no extension, pause, closure day or new policy makes a promise
that was broken look kept, in the case's clocks or in any report."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import CaseType, Outcome
from sla_monitor.engine import ClockState, evaluate
from sla_monitor.reports.compliance import KEPT_LATE, clock_outcome, tally_promises
from sla_monitor.retiming import retime_open_cases
from sla_monitor.staff import (
    ActionNotAllowed,
    assign_case,
    extend_deadline,
    record_response,
    wait_for_customer,
)
from sla_monitor.store.memory import InMemoryDirectoryStore

from .conftest import london

RECEIVED = london(2026, 11, 16, 10, 0)  # Monday: the response is due by Monday 30 November
BREACH_ALERT = london(2026, 12, 1, 10, 30)  # the sweep that finds it breached
HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"


def world(town):
    return {"store": town.store, "policy": town.policy, "calendar": town.calendar}


@pytest.fixture
def breached(town):
    """A complaint whose response was due on 30 November, breached on 1 December: the breach
    alert went to the Head of Service."""
    case = town.receive(RECEIVED, case_type=CaseType.COMPLAINT)
    town.sweep_every(RECEIVED, BREACH_ALERT, timedelta(hours=4))
    clock = evaluate(town.case(case.reference), town.policy, town.calendar, BREACH_ALERT).clock(
        "respond_to_complaint"
    )
    assert clock.due_day == date(2026, 11, 30)
    assert clock.state is ClockState.BREACHED
    assert any("promise missed" in s for s in town.subjects_to(HEAD_OF_HOUSING))
    return case


def response_clock(town, reference, at):
    return evaluate(town.case(reference), town.policy, town.calendar, at).clock(
        "respond_to_complaint"
    )


def test_an_extension_after_the_deadline_is_refused_and_nothing_changes(town, breached):
    before = town.case(breached.reference)
    with pytest.raises(ActionNotAllowed, match="Monday 30 November 2026") as refused:
        extend_deadline(
            breached.reference,
            working_days=5,
            reason="we are waiting for the surveyor",
            by="head-housing",
            now=london(2026, 12, 7, 10, 0),
            **world(town),
        )
    assert "only be agreed before the deadline" in str(refused.value)
    assert town.case(breached.reference).extensions == before.extensions == ()


def test_a_late_extension_where_policy_allows_it_keeps_the_breach_and_reports_kept_late(
    town, breached
):
    town.policy = town.policy.model_copy(update={"late_extensions": True})
    extend_deadline(
        breached.reference,
        working_days=5,
        reason="we are waiting for the surveyor",
        by="head-housing",
        now=london(2026, 12, 7, 10, 0),
        **world(town),
    )
    record_response(
        breached.reference,
        summary="The repair was booked late.",
        outcome=Outcome.UPHELD,
        by="head-housing",
        now=london(2026, 12, 8, 11, 0),
        **world(town),
    )
    at = london(2026, 12, 31, 12, 0)
    clock = response_clock(town, breached.reference, at)
    # The council now works to 7 December plus 5 working days, but the promise was broken on
    # 30 November and stays broken: answered on 8 December, it was kept late, never "met".
    assert clock.state is ClockState.BREACHED
    assert clock.breached_at == town.calendar.end_of_day(date(2026, 11, 30))
    assert clock_outcome(clock) == KEPT_LATE
    [tally] = [
        t
        for t in tally_promises([town.case(breached.reference)], town.policy, town.calendar, at)
        if t.promise == "respond_to_complaint"
    ]
    assert (tally.tally.kept_on_time, tally.tally.kept_late) == (0, 1)
    [event] = [e for e in town.store.timeline(breached.reference) if e.kind == "extended"]
    assert "the breach stands" in event.summary


def test_an_extension_granted_late_is_read_as_late_even_without_a_recorded_breach(town):
    """Cases written before breaches were recorded: the extension's own date tells."""
    town.policy = town.policy.model_copy(update={"late_extensions": True})
    case = town.receive(RECEIVED, case_type=CaseType.COMPLAINT)
    late = london(2026, 12, 7, 10, 0)
    extend_deadline(
        case.reference,
        working_days=5,
        reason="surveyor",
        by="head-housing",
        now=late,
        **world(town),
    )
    forgotten = town.case(case.reference)
    town.store.cases[case.reference] = replace(forgotten, breaches=())
    clock = response_clock(town, case.reference, late)
    assert clock.state is ClockState.BREACHED
    assert clock.breached_at == town.calendar.end_of_day(date(2026, 11, 30))


def test_an_extension_in_time_moves_the_deadline_and_the_reply_is_on_time(town):
    case = town.receive(RECEIVED, case_type=CaseType.COMPLAINT)
    extend_deadline(
        case.reference,
        working_days=5,
        reason="surveyor",
        by="head-housing",
        now=london(2026, 11, 27, 10, 0),
        **world(town),
    )
    record_response(
        case.reference,
        summary="Done.",
        outcome=Outcome.UPHELD,
        by="head-housing",
        now=london(2026, 12, 3, 10, 0),
        **world(town),
    )
    clock = response_clock(town, case.reference, london(2026, 12, 31))
    assert clock.state is ClockState.MET
    assert clock.due_day == date(2026, 12, 7)


def test_a_pause_after_the_breach_does_not_take_it_back(town, breached):
    wait_for_customer(
        breached.reference,
        reason="photos of the damp",
        by="head-housing",
        now=london(2026, 12, 2, 10, 0),
        **world(town),
    )
    clock = response_clock(town, breached.reference, london(2026, 12, 3, 10, 0))
    assert clock.state is ClockState.BREACHED


def test_a_closure_day_added_afterwards_leaves_a_recorded_breach_breached(town, breached):
    """The council closes 27 November after the event: the deadline moves to 1 December for the
    work still to do, but the breach the sweep recorded on 1 December stands."""
    directory_store = InMemoryDirectoryStore()
    directory_store.keep_policy(town.policy.version, town.policy.source)
    closed = WorkingDayCalendar(closure_days=[date(2026, 11, 27)])
    retime_open_cases(
        store=town.store,
        directory_store=directory_store,
        policy=town.policy,
        calendar=closed,
        old_calendar=town.calendar,
        now=london(2026, 12, 1, 11, 0),
        by="administrator",
        dry_run=False,
        why="27 November closed",
    )
    case = town.case(breached.reference)
    [breach] = [b for b in case.breaches if b.clock == "respond_to_complaint"]
    assert breach.due == town.calendar.end_of_day(date(2026, 11, 30))
    clock = evaluate(case, town.policy, closed, london(2026, 12, 1, 12, 0)).clock(
        "respond_to_complaint"
    )
    assert clock.due_day == date(2026, 12, 1)
    assert clock.state is ClockState.BREACHED


def test_the_breach_is_recorded_by_the_sweep_and_kept_by_the_store(town, breached):
    case = town.case(breached.reference)
    recorded = {(b.clock, b.stage, b.occurrence) for b in case.breaches}
    assert ("respond_to_complaint", 1, 1) in recorded
    [breach] = [b for b in case.breaches if b.clock == "respond_to_complaint"]
    assert breach.recorded_at <= BREACH_ALERT


# -- moving a case and stage 2's independence --------------------------------------------------


def test_moving_a_case_from_the_default_department_hands_it_to_the_new_head_of_service(town):
    logged = town.receive(RECEIVED, case_type=CaseType.COMPLAINT, department=None)
    town.sweep(RECEIVED)
    assign_case(
        logged.reference,
        officer_id="housing-officer",
        department="housing",
        by="complaints-officer",
        now=RECEIVED + timedelta(hours=1),
        directory=town.directory,
        **world(town),
    )
    town.sweep(RECEIVED + timedelta(hours=1))
    assert f"{logged.reference}: moved to Housing" in town.subjects_to(HEAD_OF_HOUSING)
    updates = [m for m in town.mail_to("resident@example.org") if "an update" in str(m["Subject"])]
    assert len(updates) == 1


def _answered_at_stage_1(town):
    case = town.receive(RECEIVED, case_type=CaseType.COMPLAINT)
    assign_case(
        case.reference,
        officer_id="housing-officer",
        department=None,
        by="head-housing",
        now=RECEIVED + timedelta(hours=1),
        directory=town.directory,
        **world(town),
    )
    record_response(
        case.reference,
        summary="Looked at it.",
        outcome=Outcome.NOT_UPHELD,
        by="housing-officer",
        now=london(2026, 11, 20, 10, 0),
        **world(town),
    )
    return case


@pytest.mark.parametrize("stage_1_person", ["housing-officer", "head-housing"])
def test_stage_2_cannot_be_assigned_to_anyone_who_dealt_with_stage_1(town, stage_1_person):
    from sla_monitor.cases import Channel
    from sla_monitor.staff import request_stage_2

    case = _answered_at_stage_1(town)
    reviewed = request_stage_2(
        case.reference,
        reason="the damp is still there",
        channel=Channel.TELEPHONE,
        by="complaints-officer",
        directory=town.directory,
        now=london(2026, 11, 23, 10, 0),
        **world(town),
    )
    # Not the Head of Housing, who was handed it at stage 1: the Corporate Complaints Officer.
    assert reviewed.assigned_officer == "complaints-officer"
    with pytest.raises(ActionNotAllowed, match="dealt with stage 1"):
        assign_case(
            case.reference,
            officer_id=stage_1_person,
            department=None,
            by="complaints-officer",
            now=london(2026, 11, 23, 11, 0),
            directory=town.directory,
            **world(town),
        )
    assert town.case(case.reference).assigned_officer == "complaints-officer"


def test_a_breach_recorded_before_a_pause_keeps_the_day_it_missed(town):
    """A breach recorded under an earlier calendar, then a pause that now covers the deadline:
    the clock stays breached at the day it missed, not the day after."""
    from sla_monitor.cases import Breach, Pause

    case = town.receive(RECEIVED, case_type=CaseType.COMPLAINT)
    missed = town.calendar.end_of_day(date(2026, 11, 30))
    paused = replace(
        town.case(case.reference),
        breaches=(Breach("respond_to_complaint", 1, 1, missed, missed),),
        pauses=(Pause(paused_at=london(2026, 11, 20, 10, 0), reason="photos"),),
    )
    clock = evaluate(paused, town.policy, town.calendar, london(2026, 12, 2, 10, 0)).clock(
        "respond_to_complaint"
    )
    assert clock.state is ClockState.BREACHED
    assert clock.due_day == clock.missed_day == date(2026, 11, 30)
