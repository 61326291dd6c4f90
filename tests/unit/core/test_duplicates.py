"""Linking related cases, and merging a duplicate into its original: what each case then says,
what the reports count, and where later mail goes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sla_monitor.cases import CaseType, Channel, Customer, NotificationKind
from sla_monitor.engine import ClockState, evaluate
from sla_monitor.intake import CustomerReply, NewCase, register_case
from sla_monitor.replies import record_customer_reply
from sla_monitor.reports.compliance import Tally, tally_promises
from sla_monitor.staff import ActionNotAllowed, answer_customer, reply_to_customer
from sla_monitor.staff.duplicates import link_cases, merge_case, unlink_cases

from .builders import london

RECEIVED = london(2026, 11, 23, 10, 0)  # Monday
LATER = RECEIVED + timedelta(hours=2)


def a_case(world, email="resident@example.org", case_type=CaseType.ENQUIRY, phone=None):
    return register_case(
        NewCase(
            case_type=case_type,
            channel=Channel.EMAIL,
            received_at=RECEIVED,
            subject="Missed bin",
            description="The bin was not emptied.",
            customer=Customer(name="Ann Example", email=email, phone=phone),
        ),
        now=RECEIVED,
        **world,
    ).case


def test_linked_cases_name_each_other_on_both_timelines(world, store):
    one, other = a_case(world), a_case(world, email="neighbour@example.org")

    link_cases(one.reference, other.reference.lower(), by="waste-officer", now=LATER, **world)

    assert store.get_case(one.reference).linked_cases == (other.reference,)
    assert store.get_case(other.reference).linked_cases == (one.reference,)
    assert (
        store.timeline(one.reference)[-1].summary == f"linked to {other.reference}, a related case"
    )
    assert store.timeline(other.reference)[-1].details == {"case": one.reference}
    with pytest.raises(ActionNotAllowed, match="linked already"):
        link_cases(other.reference, one.reference, by="waste-officer", now=LATER, **world)
    with pytest.raises(ActionNotAllowed, match="itself"):
        link_cases(one.reference, one.reference, by="waste-officer", now=LATER, **world)


def test_unlinked_cases_no_longer_name_each_other_and_both_timelines_keep_the_link(world, store):
    one, other, third = (a_case(world, email=f"r{n}@example.org") for n in range(3))
    link_cases(one.reference, other.reference, by="waste-officer", now=LATER, **world)
    link_cases(one.reference, third.reference, by="waste-officer", now=LATER, **world)

    unlink_cases(other.reference, one.reference.lower(), by="waste-officer", now=LATER, **world)

    assert store.get_case(one.reference).linked_cases == (third.reference,)
    assert store.get_case(other.reference).linked_cases == ()
    kinds = [e.kind for e in store.timeline(one.reference)]
    assert kinds[-3:] == ["linked", "linked", "unlinked"]
    assert store.timeline(one.reference)[-1].summary == f"no longer linked to {other.reference}"
    assert store.timeline(other.reference)[-1].details == {"case": one.reference}
    with pytest.raises(ActionNotAllowed, match="is not linked to"):
        unlink_cases(other.reference, one.reference, by="waste-officer", now=LATER, **world)


def test_a_merged_duplicate_is_closed_without_a_reply_and_named_on_its_original(
    world, store, policy, calendar
):
    original, duplicate = a_case(world), a_case(world)

    closed = merge_case(
        duplicate.reference, original.reference, by="waste-officer", now=LATER, **world
    )

    assert not closed.is_open and closed.merged_into == original.reference
    assert closed.closure.reason_text == f"merged into {original.reference}"
    assert store.get_case(original.reference).merged_from == (duplicate.reference,)
    assert store.get_case(original.reference).is_open
    # Long after its due day the duplicate's promise to respond is neither kept nor broken.
    at = LATER + timedelta(days=30)
    clocks = evaluate(closed, policy, calendar, at).clocks
    assert {c.state for c in clocks} == {ClockState.CLOSED_WITHOUT_A_REPLY}
    tallies = {t.promise: t.tally for t in tally_promises([closed], policy, calendar, at)}
    assert tallies["respond_to_enquiry"] == Tally(closed_without_a_reply=1)
    kinds = (
        store.timeline(duplicate.reference)[-1].kind,
        store.timeline(original.reference)[-1].kind,
    )
    assert kinds == ("merged_as_a_duplicate", "duplicate_merged_in")


def merge_letters(case):
    return [
        n.details
        for n in case.notifications
        if n.kind is NotificationKind.CASE_UPDATE and n.details.get("why") == "merged"
    ]


def test_the_duplicates_customer_is_told_where_their_message_went(world, store):
    original, duplicate = a_case(world), a_case(world, email="neighbour@example.org")

    closed = merge_case(
        duplicate.reference, original.reference, by="waste-officer", now=LATER,
        different_customer_confirmed=True, **world,
    )  # fmt: skip

    assert merge_letters(closed) == [{"why": "merged", "original": original.reference}]
    assert merge_letters(store.get_case(duplicate.reference)) == merge_letters(closed)
    assert merge_letters(store.get_case(original.reference)) == []


def test_the_same_customer_written_to_that_day_on_the_original_is_not_written_to_again(
    world, store
):
    original, duplicate, later = a_case(world), a_case(world), a_case(world)
    reply_to_customer(
        original.reference, text="We will empty it on Friday.", by="waste-officer", now=LATER,
        **world,
    )  # fmt: skip

    closed = merge_case(
        duplicate.reference, original.reference, by="waste-officer", now=LATER, **world
    )
    # The next working day they were not written to: the merge letter goes.
    next_day = merge_case(
        later.reference, original.reference, by="waste-officer", now=LATER + timedelta(days=1),
        **world,
    )  # fmt: skip

    assert merge_letters(closed) == []
    assert merge_letters(next_day) == [{"why": "merged", "original": original.reference}]


def test_later_mail_to_a_merged_duplicate_goes_to_its_original(world, store):
    original, duplicate = a_case(world), a_case(world)
    merge_case(duplicate.reference, original.reference, by="waste-officer", now=LATER, **world)

    record_customer_reply(
        CustomerReply(
            reference=duplicate.reference,
            received_at=LATER + timedelta(hours=1),
            channel=Channel.EMAIL,
            summary="reply by email",
            body="Still not emptied.",
            sender="resident@example.org",
        ),
        now=LATER + timedelta(hours=1),
        **world,
    )

    reply = store.timeline(original.reference)[-1]
    assert (reply.kind, reply.details["body"]) == ("customer_reply", "Still not emptied.")
    assert reply.details["written_to"] == duplicate.reference
    assert store.timeline(duplicate.reference)[-1].kind == "merged_as_a_duplicate"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("itself", "cannot be joined to itself"),
        ("closed original", "can only be merged into an open one"),
        ("merged original", "merge into NWL-2026-000003 instead"),
        ("chain", "merges do not chain"),
        ("another customer", "has another customer's contact details"),
        ("no such case", "there is no case"),
    ],
)
def test_a_merge_that_would_lose_or_tangle_cases_is_refused(world, store, setup, message):
    original, duplicate = a_case(world), a_case(world)
    into = original.reference
    if setup == "itself":
        into = duplicate.reference
    elif setup == "closed original":
        answer_customer(original.reference, text="Emptied.", by="waste-officer", now=LATER, **world)
    elif setup == "merged original":
        merge_case(
            original.reference, a_case(world).reference, by="waste-officer", now=LATER, **world
        )
    elif setup == "chain":
        merge_case(
            a_case(world).reference, duplicate.reference, by="waste-officer", now=LATER, **world
        )
    elif setup == "another customer":
        into = a_case(world, email="someone.else@example.org").reference
    else:
        into = "NWL-2026-999999"
    before = store.get_case(duplicate.reference)

    with pytest.raises(ActionNotAllowed, match=message):
        merge_case(duplicate.reference, into, by="waste-officer", now=LATER, **world)

    assert store.get_case(duplicate.reference) == before


def test_cases_of_different_customers_merge_once_the_officer_confirms(world, store):
    original = a_case(world, email="someone.else@example.org", phone="01530 454545")
    duplicate = a_case(world, email=None, phone="01530454545")  # the same phone: the same person
    merge_case(duplicate.reference, original.reference, by="waste-officer", now=LATER, **world)
    other = a_case(world, email="third@example.org")

    merge_case(
        other.reference, original.reference, by="waste-officer", now=LATER,
        different_customer_confirmed=True, **world,
    )  # fmt: skip

    assert store.get_case(original.reference).merged_from == (duplicate.reference, other.reference)
    # The duplicate's customer may write to the original from now on.
    assert "third@example.org" in store.get_case(original.reference).reply_addresses
