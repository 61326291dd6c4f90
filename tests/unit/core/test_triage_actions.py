"""What staff do with set-aside mail, against the in-memory store and bucket: make a case of it
(timed from when it was received), add it to a case as the customer's reply, dismiss it; each
once, each recorded on the triage record, which is never deleted."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sla_monitor.calendar import LONDON
from sla_monitor.cases import CaseType, Channel, Customer
from sla_monitor.directory import default_directory
from sla_monitor.intake import NewCase, register_case
from sla_monitor.mail.raw_mail import InMemoryRawMailStore
from sla_monitor.store.memory import InMemoryCaseStore
from sla_monitor.triage import TriageOutcome, TriageRecord
from sla_monitor.triage_actions import (
    TriageActionRefused,
    TriageItemNotFound,
    TriageWork,
    add_to_case,
    dismiss,
    find_set_aside,
    make_case,
    reason_label,
    set_aside,
)

EMAILS = Path(__file__).resolve().parents[2] / "fixtures" / "emails"
RECEIVED = datetime(2026, 3, 13, 11, 12, tzinfo=LONDON)  # a Friday
NOW = datetime(2026, 3, 18, 10, 0, tzinfo=LONDON)  # the Wednesday after
DIRECTORY = default_directory()


@pytest.fixture
def store() -> InMemoryCaseStore:
    return InMemoryCaseStore()


@pytest.fixture
def raw_mail() -> InMemoryRawMailStore:
    return InMemoryRawMailStore(bucket="raw-mail")


@pytest.fixture
def work(store, raw_mail, policy, calendar) -> TriageWork:
    return TriageWork(store=store, raw_mail=raw_mail, policy=policy, calendar=calendar)


def set_aside_message(
    store: InMemoryCaseStore,
    raw_mail: InMemoryRawMailStore,
    fixture: str,
    *,
    reason: str = "auto_reply",
    token: str = "msg-1",
    received_at: datetime = RECEIVED,
    kept: bool = True,
) -> TriageRecord:
    key = f"inbound/{token}"
    if kept:
        raw_mail.put_raw(key, (EMAILS / f"{fixture}.eml").read_bytes())
    record = TriageRecord(
        idempotency_key=f"email:{token}",
        received_at=received_at,
        reason=reason,
        sender="dan.hughes@example.com",
        subject="Fly-tipping behind the shops on High Street",
        raw_location=f"s3://raw-mail/{key}" if kept else None,
        details={"evidence": "Auto-Submitted: auto-replied"},
    )
    assert store.record_triage(record)
    return record


def test_a_case_made_from_a_set_aside_message_is_timed_from_when_it_arrived(store, raw_mail, work):
    record = set_aside_message(store, raw_mail, "attachments")
    case = make_case(
        record.idempotency_key,
        case_type=CaseType.SERVICE_REQUEST,
        department="waste-services",
        by="complaints-officer",
        now=NOW,
        work=work,
        directory=DIRECTORY,
    )
    assert case.received_at == RECEIVED
    assert case.channel is Channel.EMAIL
    assert case.case_type is CaseType.SERVICE_REQUEST
    assert case.department == "waste-services"
    assert case.customer.email == "dan.hughes@example.com"
    assert case.source_message_id == "attachments-0001@example.com"
    events = store.timeline(case.reference)
    assert events[0].actor == "complaints-officer"
    assert "made a case by complaints-officer" in events[0].details["classification"]
    kept = [e.details["s3_key"] for e in events if e.kind == "attachment"]
    assert kept[0] == "inbound/msg-1"  # the original email, as intake keeps it
    assert all(k.startswith("attachments/msg-1/") for k in kept[1:])
    assert len(kept) == 4
    assert ("raw-mail", "attachments/msg-1/001-sofa.jpg") in raw_mail.objects
    # The record is kept, marked with who made what of it.
    (marked,) = store.triage_records()
    assert marked.resolution is not None
    assert marked.resolution.outcome is TriageOutcome.MADE_CASE
    assert marked.resolution.reference == case.reference
    assert (marked.resolution.by, marked.resolution.at) == ("complaints-officer", NOW)


def test_a_message_is_dealt_with_once(store, raw_mail, work):
    record = set_aside_message(store, raw_mail, "attachments")
    make_case(
        record.idempotency_key,
        case_type=CaseType.ENQUIRY,
        department=None,
        by="complaints-officer",
        now=NOW,
        work=work,
        directory=DIRECTORY,
    )
    with pytest.raises(TriageActionRefused, match="dealt with already: made into NWL-2026"):
        make_case(
            record.idempotency_key,
            case_type=CaseType.ENQUIRY,
            department=None,
            by="it-admin",
            now=NOW,
            work=work,
            directory=DIRECTORY,
        )
    with pytest.raises(TriageActionRefused, match="dealt with already"):
        dismiss(record.idempotency_key, reason="duplicate", by="it-admin", now=NOW, store=store)
    assert len(store.cases) == 1


def test_a_complaint_needs_an_address_to_reply_to(store, raw_mail, work):
    record = set_aside_message(store, raw_mail, "no_sender", reason="no_sender")
    with pytest.raises(TriageActionRefused, match="contact details") as refused:
        make_case(
            record.idempotency_key,
            case_type=CaseType.COMPLAINT,
            department=None,
            by="complaints-officer",
            now=NOW,
            work=work,
            directory=DIRECTORY,
        )
    assert refused.value.argument == "case_type"
    assert store.cases == {}
    assert find_set_aside(store, record.idempotency_key).resolution is None


def set_aside_from(store, raw_mail, sender: str) -> TriageRecord:
    """A message set aside as unreadable, from `sender` as its From header says."""
    raw_mail.put_raw(
        "inbound/msg-2",
        f"From: Dan Hughes <{sender}>\r\nTo: customer.services@nwleicestershire.gov.uk\r\n"
        "Subject: Bin day\r\nDate: Fri, 13 Mar 2026 11:11:11 +0000\r\n"
        "Message-ID: <bad-sender-0001@example.com>\r\n\r\n"
        "When is the green bin collected on High Street?\r\n".encode(),
    )
    record = TriageRecord(
        idempotency_key="email:msg-2",
        received_at=RECEIVED,
        reason="unreadable",
        sender=sender,
        subject="Bin day",
        raw_location="s3://raw-mail/inbound/msg-2",
    )
    assert store.record_triage(record)
    return record


def test_an_address_mail_cannot_be_sent_to_is_not_kept_as_the_customer_s(store, raw_mail, work):
    record = set_aside_from(store, raw_mail, "dan@mail-server.local")
    with pytest.raises(TriageActionRefused, match="contact details") as refused:
        make_case(
            record.idempotency_key,
            case_type=CaseType.ENQUIRY,
            department=None,
            by="complaints-officer",
            now=NOW,
            work=work,
            directory=DIRECTORY,
        )
    assert "dan@mail-server.local is not an email address" in str(refused.value)
    assert refused.value.argument == "case_type"
    assert store.cases == {}
    # Reported as a request, it is made without the address, which the original email keeps.
    case = make_case(
        record.idempotency_key,
        case_type=CaseType.SERVICE_REQUEST,
        department=None,
        by="complaints-officer",
        now=NOW,
        work=work,
        directory=DIRECTORY,
    )
    assert (case.customer.name, case.customer.email) == ("Dan Hughes", None)


def test_a_message_with_a_virus_is_only_dismissed(store, raw_mail, work):
    record = set_aside_message(store, raw_mail, "ses_header_virus", reason="virus")
    with pytest.raises(TriageActionRefused, match="virus"):
        make_case(
            record.idempotency_key,
            case_type=CaseType.ENQUIRY,
            department=None,
            by="complaints-officer",
            now=NOW,
            work=work,
            directory=DIRECTORY,
        )
    dismissed = dismiss(
        record.idempotency_key,
        reason="  infected  attachment ",
        by="it-admin",
        now=NOW,
        store=store,
    )
    assert dismissed.resolution is not None
    assert dismissed.resolution.outcome is TriageOutcome.DISMISSED
    assert dismissed.resolution.reason == "infected attachment"


def test_a_message_not_kept_cannot_be_made_a_case(store, raw_mail, work):
    record = set_aside_message(store, raw_mail, "garbage", reason="unparseable", kept=False)
    with pytest.raises(TriageActionRefused, match="not kept"):
        make_case(
            record.idempotency_key,
            case_type=CaseType.ENQUIRY,
            department=None,
            by="complaints-officer",
            now=NOW,
            work=work,
            directory=DIRECTORY,
        )


def test_dismissing_needs_a_reason(store, raw_mail):
    record = set_aside_message(store, raw_mail, "out_of_office")
    with pytest.raises(TriageActionRefused) as refused:
        dismiss(record.idempotency_key, reason="   ", by="it-admin", now=NOW, store=store)
    assert refused.value.argument == "reason"


def test_an_unknown_message_is_not_found(store):
    with pytest.raises(TriageItemNotFound):
        find_set_aside(store, "email:nothing")


def _open_case(store, policy, calendar, *, email: str) -> str:
    registration = register_case(
        NewCase(
            case_type=CaseType.COMPLAINT,
            channel=Channel.WEB,
            received_at=RECEIVED - timedelta(days=3),
            subject="Fly-tipping not cleared",
            description="Still there",
            customer=Customer(name="Dan Hughes", email=email),
            department="waste-services",
        ),
        store=store,
        policy=policy,
        calendar=calendar,
        now=RECEIVED - timedelta(days=3),
    )
    return registration.case.reference


def test_a_message_from_another_address_is_added_once_the_officer_confirms_the_sender(
    store, raw_mail, work, policy, calendar
):
    reference = _open_case(store, policy, calendar, email="dan@work.example.com")
    record = set_aside_message(store, raw_mail, "attachments", reason="reply_from_another_address")
    with pytest.raises(TriageActionRefused) as refused:
        add_to_case(
            record.idempotency_key,
            reference=reference,
            sender_confirmed=False,
            by="complaints-officer",
            now=NOW,
            work=work,
        )
    assert refused.value.argument == "sender_confirmed"
    with pytest.raises(TriageActionRefused) as unknown:
        add_to_case(
            record.idempotency_key,
            reference="NWL-1999-000001",
            sender_confirmed=True,
            by="complaints-officer",
            now=NOW,
            work=work,
        )
    assert unknown.value.argument == "reference"

    case = add_to_case(
        record.idempotency_key,
        reference=reference.lower(),
        sender_confirmed=True,
        by="complaints-officer",
        now=NOW,
        work=work,
    )
    reply = next(e for e in store.timeline(reference) if e.kind == "customer_reply")
    assert reply.at == RECEIVED
    assert "added by complaints-officer" in reply.summary
    assert "Photos and a map are attached" in reply.details["body"]
    assert case.notifications_unsent()  # the owner is told of the reply
    marked = find_set_aside(store, record.idempotency_key).resolution
    assert marked is not None
    assert (marked.outcome, marked.reference) == (TriageOutcome.ADDED_TO_CASE, reference)


def test_set_aside_messages_are_listed_newest_first_with_their_reason(store, raw_mail):
    older = set_aside_message(store, raw_mail, "out_of_office", token="a")
    newer = set_aside_message(
        store, raw_mail, "bounce_dsn", token="b", reason="bounce", received_at=NOW
    )
    later_reason = set_aside_message(
        store, raw_mail, "out_of_office", token="c", reason="unverified_sender"
    )
    listed = set_aside(store)
    assert listed[0] == newer
    assert {r.idempotency_key for r in listed} == {"email:a", "email:b", "email:c"}
    assert reason_label(newer) == "bounce or delivery report"
    assert reason_label(older) == "automatic reply or out-of-office"
    assert reason_label(later_reason).startswith("unverified sender")


def test_files_whose_virus_scan_did_not_finish_stay_in_quarantine_when_made_a_case(
    store, raw_mail, work
):
    record = set_aside_message(store, raw_mail, "virus_scan_unfinished", reason="unverified_sender")
    case = make_case(
        record.idempotency_key,
        case_type=CaseType.ENQUIRY,
        department=None,
        by="complaints-officer",
        now=NOW,
        work=work,
        directory=DIRECTORY,
    )
    files = [e for e in store.timeline(case.reference) if e.kind == "attachment"]
    assert files, "the fixture carries files"
    assert all(e.details.get("quarantined") == "yes" for e in files)
    kept = [e.details["s3_key"] for e in files]
    assert all(k.startswith("attachments/quarantine/msg-1/") for k in kept[1:])
    assert not any(key.startswith("attachments/msg-1/") for _, key in raw_mail.objects), (
        "nothing outside quarantine"
    )
