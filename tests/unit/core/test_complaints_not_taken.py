"""Refusing a complaint, or downgrading one to another type: the reason is required, kept, and
owed to the customer with the way to the Ombudsman; the Corporate Complaints Officer is told."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sla_monitor.cases import CaseStatus, CaseType, Channel, Customer, NotificationKind, Outcome
from sla_monitor.engine import ClockState, evaluate
from sla_monitor.intake import NewCase, register_case
from sla_monitor.staff import (
    ActionNotAllowed,
    confirm_case_type,
    reclassify_case,
    record_response,
    refuse_complaint,
    wait_for_customer,
)
from sla_monitor.store.memory import InMemoryCaseStore

from .builders import london

RECEIVED = london(2026, 11, 23, 10, 0)  # Monday
LATER = RECEIVED + timedelta(days=1)
COURT = "the matter is before the county court"


@pytest.fixture
def store():
    return InMemoryCaseStore()


@pytest.fixture
def world(store, policy, calendar):
    return {"store": store, "policy": policy, "calendar": calendar}


def new_case(world, case_type=CaseType.COMPLAINT, possible_complaint=False):
    return register_case(
        NewCase(
            case_type=case_type,
            channel=Channel.EMAIL,
            received_at=RECEIVED,
            subject="Planning decision",
            description="You approved my neighbour's extension wrongly.",
            customer=Customer(email="resident@example.org"),
            possible_complaint=possible_complaint,
        ),
        now=RECEIVED,
        **world,
    ).case


def owed(case):
    return [(n.kind, n.roles, dict(n.details)) for n in case.notifications_unsent()]


def test_refusing_a_complaint_keeps_the_reason_closes_it_and_stops_its_clocks(
    world, store, policy, calendar
):
    case = new_case(world)
    wait_for_customer(case.reference, reason="the decision notice", by="jo", now=RECEIVED, **world)

    refused = refuse_complaint(case.reference, reason=f"  {COURT} ", by="cco", now=LATER, **world)

    assert refused.status is CaseStatus.CLOSED and refused.closed_at == LATER
    assert (refused.refusal.reason, refused.refusal.refused_by) == (COURT, "cco")
    assert refused.refusal.refused_at == LATER
    assert refused.open_pause is None
    assert store.get_case(case.reference).refusal == refused.refusal
    later = evaluate(refused, policy, calendar, LATER + timedelta(days=60))
    assert later.owed == () and later.upcoming == ()
    respond = later.clock("respond_to_complaint")
    assert respond.state is ClockState.MET and respond.satisfied_at == LATER
    assert owed(refused)[-2:] == [
        (NotificationKind.COMPLAINT_REFUSED, (), {"reason": COURT}),
        (
            NotificationKind.COMPLAINT_NOT_TAKEN,
            ("corporate_complaints_officer",),
            {"how": "refused", "reason": COURT, "decided_by": "cco"},
        ),
    ]
    event = store.timeline(case.reference)[-1]
    assert (event.kind, event.actor, event.details) == (
        "complaint_refused",
        "cco",
        {"reason": COURT},
    )


@pytest.mark.parametrize(
    ("setup", "reason", "message"),
    [
        (lambda world, ref: None, "  ", "say why the complaint is not taken"),
        (
            lambda world, ref: refuse_complaint(ref, reason=COURT, by="cco", now=LATER, **world),
            COURT,
            "is closed: it cannot be refused",
        ),
        (
            lambda world, ref: record_response(
                ref,
                summary="We looked.",
                outcome=Outcome.NOT_UPHELD,
                by="jo",
                now=LATER,
                close=False,
                **world,
            ),
            COURT,
            "has its stage 1 response already",
        ),
    ],
)
def test_refusing_is_refused_where_it_does_not_fit(world, setup, reason, message):
    case = new_case(world)
    setup(world, case.reference)

    with pytest.raises(ActionNotAllowed, match=message):
        refuse_complaint(case.reference, reason=reason, by="cco", now=LATER, **world)


def test_only_a_complaint_is_refused(world, store):
    case = new_case(world, CaseType.ENQUIRY)

    with pytest.raises(ActionNotAllowed, match="is an enquiry: only a complaint is refused"):
        refuse_complaint(case.reference, reason=COURT, by="cco", now=LATER, **world)
    assert store.get_case(case.reference).is_open


def test_downgrading_a_complaint_owes_the_customer_the_reason_and_tells_the_cco(world):
    case = new_case(world)

    changed = reclassify_case(
        case.reference,
        case_type=CaseType.SERVICE_REQUEST,
        reason="it asks us to act on a neighbour",
        by="jo",
        now=LATER,
        **world,
    )

    # Owed even before the complaint was acknowledged: the downgrade is a decision to explain.
    assert case.acknowledged_at is None
    assert owed(changed)[-2:] == [
        (
            NotificationKind.CASE_UPDATE,
            (),
            {"why": "downgraded", "reason": "it asks us to act on a neighbour", "was": "complaint"},
        ),
        (
            NotificationKind.COMPLAINT_NOT_TAKEN,
            ("corporate_complaints_officer",),
            {
                "how": "downgraded",
                "reason": "it asks us to act on a neighbour",
                "new_type": "service_request",
                "decided_by": "jo",
            },
        ),
    ]


def test_a_request_made_an_enquiry_is_no_downgrade(world):
    case = new_case(world, CaseType.SERVICE_REQUEST)

    changed = reclassify_case(
        case.reference, case_type=CaseType.ENQUIRY, reason="a question", by="jo", now=LATER, **world
    )

    assert NotificationKind.COMPLAINT_NOT_TAKEN not in {n.kind for n in changed.notifications}
    assert "downgraded" not in {n.details.get("why") for n in changed.notifications}


def test_confirming_a_possible_complaint_as_something_else_needs_the_reason(world, store):
    case = new_case(world, possible_complaint=True)

    with pytest.raises(ActionNotAllowed, match=r"say why .* is not a complaint") as refusal:
        confirm_case_type(case.reference, case_type=CaseType.ENQUIRY, by="jo", now=LATER, **world)
    assert refusal.value.argument == "reason"
    assert store.get_case(case.reference).case_type is CaseType.COMPLAINT

    changed = confirm_case_type(
        case.reference,
        case_type=CaseType.ENQUIRY,
        reason="a question about planning fees",
        by="jo",
        now=LATER,
        **world,
    )

    [update] = [n for n in changed.notifications if n.details.get("why") == "downgraded"]
    assert update.details["reason"] == "a question about planning fees"
    (event,) = [e for e in store.timeline(case.reference) if e.kind == "reclassified"]
    assert event.details["reason"] == "a question about planning fees"
