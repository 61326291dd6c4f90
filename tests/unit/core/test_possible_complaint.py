"""A possible complaint: timed as a complaint until staff confirm its type; every type staff
give a message is kept as a labelled example for retraining."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sla_monitor.cases import CaseType, Channel, Customer, NotificationKind
from sla_monitor.engine import evaluate
from sla_monitor.intake import NewCase, register_case
from sla_monitor.staff import ActionNotAllowed, confirm_case_type, reclassify_case
from sla_monitor.store.memory import InMemoryCaseStore

from .builders import london

RECEIVED = london(2026, 11, 23, 10, 0)  # Monday
LATER = RECEIVED + timedelta(hours=3)


@pytest.fixture
def store():
    return InMemoryCaseStore()


@pytest.fixture
def world(store, policy, calendar):
    return {"store": store, "policy": policy, "calendar": calendar}


def registered(world, *, case_type=CaseType.COMPLAINT, possible_complaint=True):
    return register_case(
        NewCase(
            case_type=case_type,
            channel=Channel.EMAIL,
            received_at=RECEIVED,
            subject="Bins",
            description="The bin was missed again, can it be collected?",
            customer=Customer(email="resident@example.org"),
            classification_reason="model: possible complaint, score 0.52 (else service request)",
            possible_complaint=possible_complaint,
        ),
        now=RECEIVED,
        **world,
    ).case


def possible_complaint(world):
    return registered(world)


def test_a_possible_complaint_runs_the_complaint_clocks(world, policy, calendar):
    case = possible_complaint(world)

    clocks = {c.promise for c in evaluate(case, policy, calendar, RECEIVED).clocks}

    assert case.possible_complaint
    assert {"acknowledge_complaint", "respond_to_complaint", "refer_to_chief_executive"} <= clocks
    assert "respond_to_enquiry" not in clocks


def test_confirming_it_a_complaint_keeps_the_clocks_and_clears_the_flag(world, store):
    case = possible_complaint(world)

    confirmed = confirm_case_type(
        case.reference, case_type=CaseType.COMPLAINT, by="jo.patel", now=LATER, **world
    )

    assert confirmed.case_type is CaseType.COMPLAINT and not confirmed.possible_complaint
    assert store.get_case(case.reference).possible_complaint is False
    (event,) = [e for e in store.timeline(case.reference) if e.kind == "type_confirmed"]
    assert (event.actor, event.summary) == ("jo.patel", "confirmed as a complaint")
    # Nothing new owed to the customer: their acknowledgement already treats it as a complaint.
    assert confirmed.notifications == case.notifications


def test_confirming_another_type_reclassifies_and_re_times_it(world, store, policy, calendar):
    case = possible_complaint(world)

    confirmed = confirm_case_type(
        case.reference,
        case_type=CaseType.SERVICE_REQUEST,
        reason="a first report of a missed bin",
        by="jo.patel",
        now=LATER,
        **world,
    )

    assert confirmed.case_type is CaseType.SERVICE_REQUEST and not confirmed.possible_complaint
    clocks = {c.promise for c in evaluate(confirmed, policy, calendar, LATER).clocks}
    assert "respond_to_enquiry" in clocks and "respond_to_complaint" not in clocks
    (event,) = [e for e in store.timeline(case.reference) if e.kind == "reclassified"]
    assert event.summary == (
        "reclassified from complaint to service request (was a possible complaint)"
    )


def test_reclassifying_clears_the_flag_too(world, store):
    case = possible_complaint(world)

    changed = reclassify_case(
        case.reference,
        case_type=CaseType.ENQUIRY,
        reason="a question about collection days",
        by="jo.patel",
        now=LATER,
        **world,
    )

    assert changed.case_type is CaseType.ENQUIRY and not changed.possible_complaint


def test_reclassifying_a_possible_complaint_to_complaint_confirms_it(world):
    case = possible_complaint(world)

    changed = reclassify_case(
        case.reference, case_type=CaseType.COMPLAINT, reason="it is", by="jo", now=LATER, **world
    )

    assert not changed.possible_complaint
    assert NotificationKind.COMPLAINT_ACKNOWLEDGEMENT not in {n.kind for n in changed.notifications}


def test_confirming_a_type_already_settled_is_refused(world):
    case = possible_complaint(world)
    confirm_case_type(case.reference, case_type=CaseType.COMPLAINT, by="jo", now=LATER, **world)

    with pytest.raises(ActionNotAllowed, match="already and was not flagged"):
        confirm_case_type(case.reference, case_type=CaseType.COMPLAINT, by="jo", now=LATER, **world)


def test_a_case_never_flagged_is_not_retyped_by_confirming_it(world, store):
    enquiry = registered(world, case_type=CaseType.ENQUIRY, possible_complaint=False)

    with pytest.raises(ActionNotAllowed, match="not flagged to confirm: reclassify it instead"):
        confirm_case_type(
            enquiry.reference, case_type=CaseType.COMPLAINT, by="jo", now=LATER, **world
        )

    assert store.get_case(enquiry.reference).case_type is CaseType.ENQUIRY
    assert store.classification_examples() == []


def test_each_decision_keeps_the_message_and_its_type_as_an_example(world, store):
    case = possible_complaint(world)
    confirm_case_type(
        case.reference,
        case_type=CaseType.SERVICE_REQUEST,
        reason="a first report of a missed bin",
        by="jo",
        now=LATER,
        **world,
    )
    reclassify_case(
        case.reference,
        case_type=CaseType.COMPLAINT,
        reason="third time: a complaint after all",
        by="sam",
        now=LATER + timedelta(hours=1),
        **world,
    )

    (example,) = store.classification_examples()
    # One a case: the latest decision.
    assert (example.reference, example.label, example.first_type) == (
        case.reference,
        CaseType.COMPLAINT,
        CaseType.SERVICE_REQUEST,
    )
    assert (example.subject, example.body) == (case.subject, case.description)
    assert not hasattr(example, "customer")
