"""A stage 2 request whatever the channel: a reply that asks starts stage 2 and everyone the
procedure names is told, once; one that may ask waits for staff, visibly; staff may decline a
request, and the customer is told why and how to go to the Ombudsman. Read back from the
mailer, through the use cases and the sweep."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from sla_monitor.cases import CaseStatus, CaseType, Channel, Outcome
from sla_monitor.engine import ClockState, evaluate
from sla_monitor.intake import CustomerReply
from sla_monitor.replies import record_customer_reply
from sla_monitor.staff import (
    ActionNotAllowed,
    assign_case,
    decline_stage_2,
    record_response,
    request_stage_2,
)
from sla_monitor.work_list import work_list

from .conftest import RESIDENT, london, text_of

CCO = "complaints@nwleicestershire.gov.uk"
HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"
HOUSING_OFFICER = "ravi.evans@nwleicestershire.gov.uk"
MONDAY = london(2026, 3, 2, 10, 0)
RESPONDED = london(2026, 3, 4, 15, 0)
WROTE = london(2026, 3, 9, 10, 0)  # Monday, in office hours


def world(town):
    return {"store": town.store, "policy": town.policy, "calendar": town.calendar}


def words(message) -> str:
    return " ".join(text_of(message).split())


@pytest.fixture
def answered(town):
    """A complaint acknowledged (naming the Head of Housing), assigned to the housing officer,
    answered at stage 1 by them and closed."""
    case = town.receive(MONDAY, case_type=CaseType.COMPLAINT)
    town.sweep(MONDAY)
    assign_case(
        case.reference,
        officer_id="housing-officer",
        department=None,
        by="head-housing",
        now=MONDAY + timedelta(minutes=30),
        directory=town.directory,
        **world(town),
    )
    record_response(
        case.reference,
        summary="The repair was booked but the contractor never came.",
        outcome=Outcome.UPHELD,
        by="housing-officer",
        now=RESPONDED,
        **world(town),
    )
    town.sweep(RESPONDED)
    return case


def reply(town, reference, body, at=WROTE, channel=Channel.EMAIL, key=None):
    return record_customer_reply(
        CustomerReply(
            reference=reference,
            received_at=at,
            channel=channel,
            summary="customer replied",
            body=body,
            idempotency_key=key,
        ),
        **world(town),
        now=at,
        directory=town.directory,
    )


def open_references(town, at):
    views = work_list(
        town.store.open_cases(),
        policy=town.policy,
        calendar=town.calendar,
        directory=town.directory,
        now=at,
    )
    return [v.case.reference for v in views]


def test_a_reply_asking_for_stage_2_is_answered_and_everyone_told_once(town, answered):
    reference = answered.reference
    case = reply(town, reference, "Please escalate my complaint to stage 2, nobody came again.")

    assert (case.stage, case.status, case.assigned_officer) == (
        2,
        CaseStatus.OPEN,
        "complaints-officer",
    )
    assert reference in open_references(town, WROTE)
    town.sweep(WROTE)

    # The customer: acknowledged at once, naming the officer actually reviewing it.
    [ack] = [m for m in town.mail_to(RESIDENT) if "request for a stage 2" in str(m["Subject"])]
    assert "We received your request on Monday 9 March 2026" in words(ack)
    assert "reviewed by Corporate Complaints Officer" in words(ack)
    assert "Head of Housing" not in words(ack)
    # The reviewer, never stage 1's officer; the Head of Service and the Corporate Complaints
    # Officer through the stage 2 handover.
    assert f"{reference}: stage 2 review of a complaint assigned to you" in town.subjects_to(CCO)
    handover = f"{reference}: stage 2 review of a complaint for Housing"
    assert handover in town.subjects_to(CCO)
    assert handover in town.subjects_to(HEAD_OF_HOUSING)
    assert not any("stage 2" in s for s in town.subjects_to(HOUSING_OFFICER))
    # Nothing twice.
    before = len(town.mailer.sent)
    town.sweep(WROTE + timedelta(hours=1))
    assert len(town.mailer.sent) == before


def test_a_stage_2_request_nobody_answers_escalates(town, answered):
    reference = answered.reference
    reply(town, reference, "I am not satisfied with the outcome.")
    town.sweep(WROTE)
    clocks = evaluate(town.case(reference), town.policy, town.calendar, WROTE)
    assert clocks.clock("acknowledge_stage_2").state is ClockState.MET
    # 20 working days from the acknowledgement on 9 March, less Good Friday and Easter Monday.
    assert clocks.clock("respond_to_stage_2").due_day == date(2026, 4, 8)

    after = london(2026, 4, 9, 9, 30)
    town.sweep(after)
    town.sweep(after + timedelta(hours=1))

    missed = f"{reference}: promise missed, complaint not answered by Wednesday 8 April 2026"
    assert town.subjects_to(HEAD_OF_HOUSING).count(missed) == 1
    assert town.subjects_to(CCO).count(missed) == 1


def test_staff_decline_a_stage_2_request_and_the_customer_is_told_why(town, answered):
    reference = answered.reference
    reply(town, reference, "Please review my case, my address has changed.")
    town.sweep(WROTE)
    decided = london(2026, 3, 10, 11, 0)

    case = decline_stage_2(
        reference,
        reason="You asked us to update your address, which we have done.",
        by="complaints-officer",
        now=decided,
        **world(town),
    )

    # The request is kept, with who declined it, when and why.
    assert case.stage_2 is not None and case.stage_2.requested_at == WROTE
    assert (case.stage_2.declined_at, case.stage_2.declined_by) == (decided, "complaints-officer")
    assert (
        case.stage_2.declined_reason == "You asked us to update your address, which we have done."
    )
    assert (case.status, case.closed_at) == (CaseStatus.CLOSED, decided)
    assert reference not in open_references(town, decided)
    clocks = evaluate(town.case(reference), town.policy, town.calendar, decided)
    respond = clocks.clock("respond_to_stage_2")
    assert (respond.state, respond.satisfied_at) == (ClockState.MET, decided)
    [event] = [e for e in town.store.timeline(reference) if e.kind == "stage_2_declined"]
    assert (event.actor, event.details["reason"]) == (
        "complaints-officer",
        "You asked us to update your address, which we have done.",
    )

    town.sweep(decided)
    town.sweep(decided + timedelta(hours=1))
    letters = [
        m for m in town.mail_to(RESIDENT) if "not be reviewed at stage 2" in str(m["Subject"])
    ]
    assert len(letters) == 1
    text = words(letters[0])
    assert "You wrote to us on Monday 9 March 2026" in text
    assert "You asked us to update your address, which we have done." in text
    assert "Local Government and Social Care Ombudsman" in text
    assert "www.lgo.org.uk" in text and "0300 061 0614" in text
    told = f"{reference}: not taken to stage 2, complaint closed"
    assert town.subjects_to(CCO).count(told) == 1
    [notice] = [m for m in town.mail_to(CCO) if str(m["Subject"]) == told]
    assert "Corporate Complaints Officer decided" in words(notice)


def test_a_possible_request_is_settled_by_staff_either_way(town, answered):
    reference = answered.reference
    reply(town, reference, "I am not happy with this.")
    assert reference in open_references(town, WROTE)
    town.sweep(WROTE)
    assert f"{reference}: the customer may be asking for a stage 2 review" in (
        town.subjects_to(CCO)
    )

    # Started by staff two days later: the clocks count from when the customer wrote.
    started = request_stage_2(
        reference,
        reason="Not happy with the response",
        channel=Channel.EMAIL,
        by="complaints-officer",
        directory=town.directory,
        now=london(2026, 3, 11, 10, 0),
        **world(town),
    )
    assert started.stage_2.requested_at == WROTE
    assert started.possible_stage_2_at is None


def test_a_possible_request_declined_closes_the_complaint_again(town, answered):
    reference = answered.reference
    reply(town, reference, "I am not happy with this.")
    decided = london(2026, 3, 10, 11, 0)

    case = decline_stage_2(
        reference,
        reason="Your message was about your new bin, which is on its way.",
        by="head-housing",
        now=decided,
        **world(town),
    )

    assert (case.status, case.stage, case.possible_stage_2_at) == (CaseStatus.CLOSED, 1, None)
    town.sweep(decided)
    [letter] = [m for m in town.mail_to(RESIDENT) if "not be reviewed" in str(m["Subject"])]
    assert "You wrote to us on Monday 9 March 2026" in words(letter)
    assert "www.lgo.org.uk" in words(letter)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("nothing asked", "has no stage 2 request to decide on"),
        ("declined", "was declined already"),
        ("answered", "has its response already"),
    ],
)
def test_a_decline_that_does_not_fit_is_refused(town, answered, setup, message):
    reference = answered.reference
    if setup != "nothing asked":
        reply(town, reference, "Please escalate this to stage 2.")
    if setup == "declined":
        decline_stage_2(reference, reason="r", by="x", now=WROTE, **world(town))
    if setup == "answered":
        record_response(
            reference,
            summary="Reviewed.",
            outcome=Outcome.NOT_UPHELD,
            by="complaints-officer",
            now=WROTE + timedelta(hours=1),
            **world(town),
        )
    before = town.case(reference)
    with pytest.raises(ActionNotAllowed, match=message):
        decline_stage_2(
            reference, reason="not a request", by="x", now=WROTE + timedelta(hours=2), **world(town)
        )
    assert town.case(reference) == before
    with pytest.raises(ActionNotAllowed, match="say why"):
        decline_stage_2(reference, reason="  ", by="x", now=WROTE, **world(town))


def test_the_acknowledgement_names_the_corporate_complaints_officer_if_the_reviewer_left(
    town, answered
):
    reference = answered.reference
    request_stage_2(
        reference,
        reason="Not happy",
        channel=Channel.TELEPHONE,
        officer_id="head-planning",
        by="complaints-officer",
        directory=town.directory,
        now=WROTE,
        **world(town),
    )
    retired = tuple(
        replace(o, retired=True) if o.officer_id == "head-planning" else o
        for o in town.directory.officers
    )
    town.directory = replace(town.directory, officers=retired)

    town.sweep(WROTE)

    [ack] = [m for m in town.mail_to(RESIDENT) if "request for a stage 2" in str(m["Subject"])]
    assert "reviewed by Corporate Complaints Officer" in words(ack)
    assert "Head of Housing" not in words(ack)


def test_a_request_no_reviewer_can_take_is_put_to_staff_not_lost(town):
    # The Corporate Complaints Officer answered stage 1 and the Head of Service had it: nobody
    # is left to choose automatically.
    case = town.receive(MONDAY, case_type=CaseType.COMPLAINT)
    record_response(
        case.reference,
        summary="Looked into.",
        outcome=Outcome.NOT_UPHELD,
        by="complaints-officer",
        now=RESPONDED,
        **world(town),
    )

    reply(town, case.reference, "Please escalate this to stage 2.")

    stored = town.case(case.reference)
    assert (stored.status, stored.stage, stored.possible_stage_2_at) == (CaseStatus.OPEN, 1, WROTE)
    [event] = [
        e for e in town.store.timeline(case.reference) if "could not be started" in e.summary
    ]
    assert "name a stage 2 officer who did not handle stage 1" in event.summary
    town.sweep(WROTE)
    subject = f"{case.reference}: the customer may be asking for a stage 2 review"
    assert subject in town.subjects_to(CCO) and subject in town.subjects_to(HEAD_OF_HOUSING)
    assert any("your message about" in s for s in town.subjects_to(RESIDENT))
