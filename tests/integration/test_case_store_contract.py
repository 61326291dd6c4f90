"""The same behaviour from both case stores: DynamoDB (on moto) and in memory."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, datetime, timedelta
from unittest import mock

import pytest

from sla_monitor.calendar import LONDON
from sla_monitor.cases import (
    Breach,
    Case,
    CaseStatus,
    CaseType,
    Channel,
    Closure,
    ComplaintRefusal,
    Customer,
    LettersTo,
    OmbudsmanReferral,
    Pause,
    Representative,
    SentAction,
    SentLetter,
    Stage2,
    TimelineEvent,
)
from sla_monitor.listing import Schedule
from sla_monitor.store.memory import InMemoryCaseStore
from sla_monitor.store.ports import (
    DuplicateDeliveryError,
    SignInLink,
    StaleCaseError,
    customer_key,
)
from sla_monitor.triage import TriageOutcome, TriageRecord, TriageResolution

pytestmark = pytest.mark.slow(seconds=70)

NOW = datetime(2026, 12, 23, 10, 0, tzinfo=LONDON)


@pytest.fixture
def store(case_store):
    return case_store


@pytest.fixture(params=["dynamodb", "memory"])
def four_shard_store(request):
    """A store whose deployment set INDEX_SHARDS to 4."""
    if request.param == "memory":
        yield InMemoryCaseStore(shards=4)
        return
    from sla_monitor_local.embedded import embedded_aws

    with mock.patch.dict(os.environ, {"INDEX_SHARDS": "4"}), embedded_aws() as bundle:
        yield bundle.store


def a_case(store, **changes) -> Case:
    case = Case(
        reference=store.next_reference(NOW),
        case_type=CaseType.COMPLAINT,
        channel=Channel.EMAIL,
        received_at=NOW,
        subject="Missed bin",
        description="Third week running",
        customer=Customer(name="A Resident", email="resident@example.org"),
    )
    return replace(case, **changes)


def received(at=NOW) -> TimelineEvent:
    return TimelineEvent(at=at, kind="received", actor="intake", summary="received by email")


def test_references_are_unique_and_numbered_per_year(store):
    first = store.next_reference(NOW)
    second = store.next_reference(NOW)
    next_year = store.next_reference(NOW + timedelta(days=30))
    assert (first, second) == ("NWL-2026-000001", "NWL-2026-000002")
    assert next_year == "NWL-2027-000001"


def test_a_case_round_trips_with_everything_on_it(store):
    case = a_case(
        store,
        pauses=(Pause(paused_at=NOW, reason="asked for photos", resumed_at=NOW + timedelta(1)),),
        sent=(
            SentAction(key="acknowledge", action="acknowledge", sent_at=NOW, message_id="m1"),
            SentAction(
                key="holding_update:respond_to_enquiry",
                action="send_holding_update",
                sent_at=NOW,
                promised_day=date(2027, 1, 18),
            ),
        ),
        ombudsman_referral=OmbudsmanReferral(
            referred_at=NOW, reference="26 012 345", recorded_by="cco"
        ),
    )
    stored = store.create_case(case, events=[received()], schedule=Schedule(NOW))
    loaded = store.get_case(case.reference)
    assert loaded == stored
    assert loaded.pauses[0].reason == "asked for photos"
    assert loaded.sent[0].message_id == "m1"
    assert (loaded.sent[0].promised_day, loaded.sent[1].promised_day) == (None, date(2027, 1, 18))
    assert loaded.ombudsman_referral.reference == "26 012 345"
    assert [e.kind for e in store.timeline(case.reference)] == ["received"]


def test_breaches_and_stage_1_handlers_round_trip(store):
    case = a_case(
        store,
        breaches=(
            Breach(
                clock="respond_to_complaint",
                stage=1,
                occurrence=1,
                due=NOW,
                recorded_at=NOW + timedelta(hours=10),
            ),
        ),
        stage_2=Stage2(
            requested_at=NOW,
            reason="not satisfied",
            channel=Channel.EMAIL,
            stage_1_officer="housing-officer",
            stage_1_handlers=("head-housing", "housing-officer"),
        ),
    )
    stored = store.create_case(case, events=[received()], schedule=Schedule(NOW))
    loaded = store.get_case(case.reference)
    assert loaded == stored
    assert loaded.breach_of("respond_to_complaint", 1).due == NOW
    assert loaded.stage_2.stage_1_handlers == ("head-housing", "housing-officer")


def test_a_refused_complaint_keeps_its_refusal(store):
    refusal = ComplaintRefusal(
        refused_at=NOW, reason="the matter is before the county court", refused_by="cco"
    )
    case = a_case(store, status=CaseStatus.CLOSED, closed_at=NOW, refusal=refusal)
    store.create_case(case, events=[received()], schedule=Schedule(None))

    loaded = store.get_case(case.reference)

    assert loaded.refusal == refusal
    other = store.create_case(a_case(store), events=[received()], schedule=Schedule(None))
    assert store.get_case(other.reference).refusal is None


def test_a_case_closed_without_a_letter_keeps_its_reason(store):
    closure = Closure(
        closed_at=NOW,
        closed_by="waste-officer",
        reason="duplicate",
        reason_text="A duplicate of another case",
        meets_response=False,
    )
    case = a_case(store, status=CaseStatus.CLOSED, closed_at=NOW, closure=closure)
    store.create_case(case, events=[received()], schedule=Schedule(None))

    assert store.get_case(case.reference).closure == closure
    other = store.create_case(a_case(store), events=[received()], schedule=Schedule(None))
    assert store.get_case(other.reference).closure is None


def test_a_representative_and_linked_and_merged_cases_round_trip(store):
    representative = Representative(
        name="Priya Shah",
        relationship="daughter",
        recorded_at=NOW,
        recorded_by="waste-officer",
        email="priya@example.org",
        address="2 Mill Lane, Coalville LE67 3AB",
        consent_how="in writing",
        consent_given_on=date(2026, 12, 21),
        letters_to=LettersTo.BOTH,
    )
    case = a_case(
        store,
        representative=representative,
        linked_cases=("NWL-2026-00007",),
        merged_from=("NWL-2026-00009",),
    )
    store.create_case(case, events=[received()], schedule=Schedule(None))
    duplicate = a_case(store, merged_into=case.reference, status=CaseStatus.CLOSED, closed_at=NOW)
    store.create_case(duplicate, events=[received()], schedule=Schedule(None))

    found = store.get_case(case.reference)
    assert found.representative == representative
    assert (found.linked_cases, found.merged_from, found.merged_into) == (
        ("NWL-2026-00007",),
        ("NWL-2026-00009",),
        None,
    )
    assert store.get_case(duplicate.reference).merged_into == case.reference
    awaited = replace(representative, consent_how=None, consent_given_on=None, email=None)
    other = store.create_case(
        a_case(store, representative=awaited), events=[received()], schedule=Schedule(None)
    )
    assert store.get_case(other.reference).representative == awaited
    assert not awaited.has_consent


def test_the_same_delivery_twice_makes_one_case(store):
    first = store.create_case(
        a_case(store), events=[received()], schedule=Schedule(NOW), idempotency_key="ses-1"
    )
    again = store.create_case(
        a_case(store), events=[received()], schedule=Schedule(NOW), idempotency_key="ses-1"
    )
    assert again.reference == first.reference
    assert store.find_delivery("ses-1").reference == first.reference
    assert [c.reference for c in store.all_cases()] == [first.reference]


def test_a_stale_copy_cannot_overwrite_a_newer_case(store):
    stored = store.create_case(a_case(store), events=[], schedule=Schedule(NOW))
    store.save_case(replace(stored, department="housing"), schedule=Schedule(NOW))
    with pytest.raises(StaleCaseError):
        store.save_case(replace(stored, department="planning"), schedule=Schedule(NOW))
    assert store.get_case(stored.reference).department == "housing"


def test_a_reply_delivered_twice_is_recorded_once(store):
    stored = store.create_case(a_case(store), events=[], schedule=Schedule(NOW))
    store.save_case(stored, events=[received()], schedule=Schedule(NOW), idempotency_key="ses-2")
    latest = store.get_case(stored.reference)
    with pytest.raises(DuplicateDeliveryError):
        store.save_case(
            latest, events=[received()], schedule=Schedule(NOW), idempotency_key="ses-2"
        )
    assert len(store.timeline(stored.reference)) == 1


def test_only_due_cases_are_read_oldest_first(store):
    later = store.create_case(a_case(store), events=[], schedule=Schedule(NOW + timedelta(hours=2)))
    earliest = store.create_case(
        a_case(store), events=[], schedule=Schedule(NOW - timedelta(hours=1))
    )
    middle = store.create_case(a_case(store), events=[], schedule=Schedule(NOW))
    store.create_case(a_case(store), events=[], schedule=Schedule(None))  # closed: not in the index
    due = [c.reference for c in store.cases_due(NOW)]
    assert due == [earliest.reference, middle.reference]
    assert [c.reference for c in store.cases_due(NOW + timedelta(days=1), limit=2)] == [
        earliest.reference,
        middle.reference,
    ]
    assert later.reference in [c.reference for c in store.cases_due(NOW + timedelta(days=1))]


def test_each_index_shard_holds_its_own_due_cases_and_together_all(four_shard_store):
    store = four_shard_store
    assert store.shards == 4
    made = [
        store.create_case(a_case(store), events=[], schedule=Schedule(NOW - timedelta(minutes=n)))
        for n in range(24)
    ]
    every = [c.reference for c in store.cases_due(NOW)]
    by_shard = [[c.reference for c in store.cases_due(NOW, shards=[n])] for n in range(4)]

    assert sorted(every) == sorted(c.reference for c in made)
    assert sorted(r for shard in by_shard for r in shard) == sorted(every)
    assert all(by_shard), "24 references spread over every one of 4 shards"
    for shard in by_shard:  # each shard oldest first, as the whole index is
        assert shard == [r for r in every if r in shard]
    two = {c.reference for c in store.cases_due(NOW, shards=[1, 3])}
    assert two == set(by_shard[1]) | set(by_shard[3])


def test_a_shard_the_store_does_not_have_is_refused(four_shard_store):
    with pytest.raises(ValueError, match="0 to 3"):
        list(four_shard_store.cases_due(NOW, shards=[4]))


def test_clearing_the_due_instant_takes_a_case_out_of_the_index(store):
    stored = store.create_case(a_case(store), events=[], schedule=Schedule(NOW))
    store.save_case(stored, schedule=Schedule(None))
    assert list(store.cases_due(NOW + timedelta(days=365))) == []


def test_message_ids_thread_to_their_case(store):
    stored = store.create_case(
        a_case(store), events=[], schedule=Schedule(NOW), message_ids=["<a@x>"]
    )
    assert store.find_case_by_message_id("<a@x>") == stored.reference
    assert store.find_case_by_message_id("<unknown@x>") is None


def test_triage_is_kept_once(store):
    record = TriageRecord(
        idempotency_key="ses-3",
        received_at=NOW,
        reason="auto-reply",
        sender="someone@example.org",
        subject="Out of office",
        raw_location="s3://bucket/inbound/ses-3",
    )
    assert store.record_triage(record) is True
    assert store.record_triage(record) is False
    assert [r.reason for r in store.triage_records()] == ["auto-reply"]
    assert store.find_delivery("ses-3").outcome == "triage"


def test_a_triage_record_is_marked_dealt_with_once_and_kept(store):
    record = TriageRecord(
        idempotency_key="email:ses-4",
        received_at=NOW,
        reason="bounce",
        sender="mailer-daemon@example.org",
        subject="Undeliverable",
        raw_location="s3://bucket/inbound/ses-4",
        details={"evidence": "multipart/report"},
    )
    other = replace(record, idempotency_key="email:ses-5", received_at=NOW + timedelta(minutes=1))
    store.record_triage(record)
    store.record_triage(other)
    dismissed = TriageResolution(
        outcome=TriageOutcome.DISMISSED, by="complaints-officer", at=NOW, reason="a bounce"
    )
    assert store.resolve_triage(record, dismissed) is True
    # Once only: a second officer acting at the same time is told it was dealt with.
    made = TriageResolution(
        outcome=TriageOutcome.MADE_CASE, by="it-admin", at=NOW, reference="NWL-2026-000009"
    )
    assert store.resolve_triage(record, made) is False
    kept = {r.idempotency_key: r for r in store.triage_records()}
    assert set(kept) == {"email:ses-4", "email:ses-5"}  # nothing is deleted
    assert kept["email:ses-4"].resolution == dismissed
    assert kept["email:ses-4"].details == {"evidence": "multipart/report"}
    assert kept["email:ses-5"].resolution is None
    assert store.resolve_triage(other, made) is True
    assert {r.idempotency_key: r for r in store.triage_records()}["email:ses-5"].resolution == made
    # A record that was never stored is not made up.
    never = replace(record, idempotency_key="email:never")
    assert store.resolve_triage(never, dismissed) is False
    assert len(store.triage_records()) == 2


def test_an_action_is_claimed_by_one_sweep_until_its_lease_runs_out(store):
    stored = store.create_case(a_case(store), events=[], schedule=Schedule(NOW))
    lease = NOW + timedelta(minutes=5)
    assert store.claim_action(stored.reference, "acknowledge", now=NOW, lease_until=lease)
    assert store.claim_action(stored.reference, "acknowledge", now=NOW, lease_until=lease) is None
    # The first sweep died before sending: after the lease another sweep may take it over.
    later = lease + timedelta(seconds=1)
    assert store.claim_action(
        stored.reference, "acknowledge", now=later, lease_until=later + timedelta(minutes=5)
    )
    store.mark_action_sent(stored.reference, "acknowledge", sent_at=later)
    much_later = later + timedelta(days=1)
    assert (
        store.claim_action(stored.reference, "acknowledge", now=much_later, lease_until=much_later)
        is None
    )


def test_a_letter_is_kept_as_sent_with_its_pdf_apart_from_the_timeline(store):
    case = store.create_case(a_case(store), events=[], schedule=Schedule(NOW))
    pdf = bytes(range(256)) * 80  # a PDF's bytes, every value among them
    letter = SentLetter(subject="We have received it", text="Dear Ann,\n\nThank you.", pdf=pdf)

    store.keep_letter(case.reference, "acknowledge:1", letter)
    store.keep_letter(case.reference, "case_update:2", replace(letter, pdf=None))

    assert store.letter(case.reference, "acknowledge:1") == letter
    assert store.letter(case.reference, "case_update:2").pdf is None
    assert store.letter(case.reference, "acknowledge:9") is None
    assert store.timeline(case.reference) == []  # the timeline reads no letter


def test_a_released_claim_can_be_taken_again_at_once(store):
    stored = store.create_case(a_case(store), events=[], schedule=Schedule(NOW))
    lease = NOW + timedelta(minutes=5)
    store.claim_action(stored.reference, "acknowledge", now=NOW, lease_until=lease)
    store.release_claim(stored.reference, "acknowledge")
    assert store.claim_action(stored.reference, "acknowledge", now=NOW, lease_until=lease)


def test_events_written_together_at_one_instant_keep_their_order(store):
    kinds = ["received", "attachment", "attachment", "preference", "resumed"]
    events = [TimelineEvent(at=NOW, kind=k, actor="intake", summary=k) for k in kinds]
    stored = store.create_case(a_case(store), events=events, schedule=Schedule(NOW))
    assert [e.kind for e in store.timeline(stored.reference)] == kinds


def test_open_cases_are_read_oldest_first_and_closed_ones_left_out(store):
    older = store.create_case(
        a_case(store, received_at=NOW - timedelta(days=3)), events=[], schedule=Schedule(None)
    )
    newer = store.create_case(a_case(store), events=[], schedule=Schedule(None))
    closed = store.create_case(
        a_case(store, received_at=NOW - timedelta(days=5)), events=[], schedule=Schedule(None)
    )
    store.save_case(
        replace(closed, status=CaseStatus.CLOSED, closed_at=NOW), schedule=Schedule(None)
    )
    assert [c.reference for c in store.open_cases()] == [older.reference, newer.reference]


def test_cases_are_read_by_the_month_they_were_received_in_london(store):
    # 00:30 on 1 August in London is still 31 July in UTC: the council's month counts.
    first_of_august = datetime(2026, 8, 1, 0, 30, tzinfo=LONDON)
    july = store.create_case(
        a_case(store, received_at=first_of_august - timedelta(hours=1)),
        events=[],
        schedule=Schedule(None),
    )
    august_late = store.create_case(
        a_case(store, received_at=first_of_august + timedelta(days=20)),
        events=[],
        schedule=Schedule(None),
    )
    august_early = store.create_case(
        a_case(store, received_at=first_of_august), events=[], schedule=Schedule(None)
    )
    # Closed cases are read too: a report counts what became of every case.
    store.save_case(
        replace(august_late, status=CaseStatus.CLOSED, closed_at=NOW), schedule=Schedule(None)
    )
    assert [c.reference for c in store.cases_received("2026-08")] == [
        august_early.reference,
        august_late.reference,
    ]
    assert [c.reference for c in store.cases_received("2026-07")] == [july.reference]
    assert list(store.cases_received("2026-09")) == []


def test_intake_flags_and_addresses_round_trip(store):
    case = store.create_case(
        a_case(
            store,
            possible_complaint=True,
            reply_addresses=("work@example.org",),
            customer=Customer(name="A Resident", email="resident@example.org", email_verified=True),
        ),
        events=[received()],
        schedule=Schedule(None),
    )

    stored = store.get_case(case.reference)
    assert stored.possible_complaint is True
    assert stored.reply_addresses == ("work@example.org",)
    assert stored.customer.email_verified is True


def test_a_declined_stage_2_request_and_a_possible_one_round_trip(store):
    declined = Stage2(
        requested_at=NOW,
        reason="not satisfied with the outcome",
        channel=Channel.EMAIL,
        stage_1_officer="housing-officer",
        acknowledged_at=NOW + timedelta(hours=1),
        declined_at=NOW + timedelta(days=1),
        declined_by="complaints-officer",
        declined_reason="you asked us to update your address",
    )
    first = store.create_case(
        a_case(store, stage_2=declined), events=[received()], schedule=Schedule(None)
    )
    waiting = store.create_case(
        a_case(store, possible_stage_2_at=NOW + timedelta(hours=3)),
        events=[received()],
        schedule=Schedule(None),
    )

    assert store.get_case(first.reference).stage_2 == declined
    assert store.get_case(first.reference).stage_2.declined
    assert store.get_case(waiting.reference).possible_stage_2_at == NOW + timedelta(hours=3)
    assert store.get_case(waiting.reference).stage_2 is None


def test_a_message_id_longer_than_a_key_may_be_still_threads(store):
    long_id = "x" * 3000 + "@example.org"
    case = store.create_case(
        a_case(store), events=[received()], schedule=Schedule(None), message_ids=(long_id,)
    )

    assert store.find_case_by_message_id(long_id) == case.reference


def test_labelled_examples_keep_the_latest_type_a_case_was_given(store):
    from sla_monitor.triage import ClassificationExample

    def example(label, at):
        return ClassificationExample(
            reference="NWL-2026-000007",
            subject="Bins",
            body="Missed again",
            label=label,
            first_type=CaseType.SERVICE_REQUEST,
            labelled_at=at,
        )

    store.keep_classification_example(example(CaseType.ENQUIRY, NOW))
    store.keep_classification_example(example(CaseType.COMPLAINT, NOW + timedelta(hours=1)))

    (kept,) = store.classification_examples()
    assert (kept.reference, kept.label, kept.first_type) == (
        "NWL-2026-000007",
        CaseType.COMPLAINT,
        CaseType.SERVICE_REQUEST,
    )
    assert (kept.subject, kept.body) == ("Bins", "Missed again")


def test_arrivals_are_counted_per_key_and_hour(store):
    expires = NOW + timedelta(hours=25)

    counts = [store.count_arrival("address#a", hour="2026-12-23T10", expires_at=expires)]
    counts.append(store.count_arrival("address#a", hour="2026-12-23T10", expires_at=expires))
    counts.append(store.count_arrival("address#b", hour="2026-12-23T10", expires_at=expires))
    counts.append(store.count_arrival("address#a", hour="2026-12-23T11", expires_at=expires))

    assert counts == [1, 2, 1, 1]


def test_a_residents_cases_are_found_by_the_digest_of_their_address_only(store):
    mine = a_case(store, customer=Customer(email="Resident@Example.org "))
    store.create_case(mine, events=[received()], schedule=Schedule(None))
    theirs = a_case(store, customer=Customer(email="neighbour@example.org"))
    store.create_case(theirs, events=[received()], schedule=Schedule(None))
    no_email = a_case(store, customer=Customer(phone="01530 454545"))
    store.create_case(no_email, events=[received()], schedule=Schedule(None))
    closed = replace(mine, status=CaseStatus.CLOSED, closed_at=NOW, revision=1)
    store.save_case(closed, schedule=Schedule(None))

    key = customer_key("resident@example.org")
    assert key is not None and "resident" not in key
    assert [c.reference for c in store.cases_of_customer(key)] == [mine.reference]
    assert store.cases_of_customer(customer_key("nobody@example.org")) == []


def test_a_sign_in_link_can_be_used_once(store):
    link = SignInLink(
        token_digest="d" * 64,
        customer_key="CUSTOMER#abc",
        issued_at=NOW,
        expires_at=NOW + timedelta(minutes=20),
        return_to="NWL-2026-000001",
    )
    store.keep_sign_in_link(link)
    used = store.use_sign_in_link("d" * 64)
    assert used is not None
    assert (used.customer_key, used.return_to) == ("CUSTOMER#abc", "NWL-2026-000001")
    assert used.expires_at == link.expires_at
    assert store.use_sign_in_link("d" * 64) is None
    assert store.use_sign_in_link("e" * 64) is None
