"""The email intake use case: every message ends in exactly one recorded outcome."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from sla_monitor.cases import CaseStatus, CaseType, Channel
from sla_monitor.intake import pause_for_customer
from sla_monitor.listing import Schedule
from sla_monitor.mail.receive import ORIGINAL_EMAIL, EmailOutcomeKind, safe_file_name
from sla_monitor.mail.triage import TriageReason, Verdicts
from sla_monitor.store.ports import StaleCaseError

from .conftest import RECEIVED, email_bytes

CASE, REPLY, TRIAGE = EmailOutcomeKind.CASE, EmailOutcomeKind.REPLY, EmailOutcomeKind.TRIAGE


@pytest.mark.parametrize(
    ("name", "kind", "case_type", "reason"),
    [
        ("plain_complaint", CASE, CaseType.COMPLAINT, None),
        ("html_only", CASE, CaseType.ENQUIRY, None),
        ("quoted_printable", CASE, CaseType.ENQUIRY, None),
        ("base64_alternative", CASE, CaseType.SERVICE_REQUEST, None),
        ("iso_8859_1", CASE, CaseType.ENQUIRY, None),
        # "The crew said we'll be back but nobody came": not done what was said, a complaint.
        ("windows_1252", CASE, CaseType.COMPLAINT, None),
        ("unknown_charset", CASE, CaseType.COMMENT, None),
        ("encoded_word_headers", CASE, CaseType.COMPLIMENT, None),
        ("attachments", CASE, CaseType.SERVICE_REQUEST, None),
        ("uuencode", CASE, CaseType.SERVICE_REQUEST, None),
        ("missing_boundary", CASE, CaseType.SERVICE_REQUEST, None),
        ("bad_date", CASE, CaseType.SERVICE_REQUEST, None),
        ("several_from", CASE, CaseType.SERVICE_REQUEST, None),
        # Unlike anything the model learned from: timed as a possible complaint for staff.
        ("spam_offer", CASE, CaseType.COMPLAINT, None),
        # No case exists yet for these to reply to, so each starts one, typed by whatever the
        # classification makes of a reply read without its case.
        ("reply_reference_subject", CASE, None, None),
        ("reply_in_reply_to", CASE, None, None),
        ("bounce_dsn", TRIAGE, None, TriageReason.BOUNCE),
        ("out_of_office", TRIAGE, None, TriageReason.AUTO_REPLY),
        ("out_of_office_subject_only", TRIAGE, None, TriageReason.AUTO_REPLY),
        ("autoreply_precedence", TRIAGE, None, TriageReason.AUTO_REPLY),
        ("ses_header_virus", TRIAGE, None, TriageReason.VIRUS),
        ("mail_loop", TRIAGE, None, TriageReason.MAIL_LOOP),
        ("no_sender", TRIAGE, None, TriageReason.NO_SENDER),
        ("garbage", TRIAGE, None, TriageReason.UNPARSEABLE),
        ("empty", TRIAGE, None, TriageReason.UNPARSEABLE),
    ],
)
def test_each_corpus_message_has_one_outcome(deliver, store, name, kind, case_type, reason):
    outcome, delivery = deliver(name)

    assert (outcome.kind, outcome.reason) == (kind, reason)
    if case_type is not None:
        assert outcome.case_type is case_type
    assert not outcome.repeated
    recorded = store.find_delivery(delivery.idempotency_key)
    assert (recorded.outcome, recorded.reference) == (kind.value, outcome.reference)
    assert len(store.deliveries) == 1
    assert len(store.cases) == (1 if kind is CASE else 0)
    assert len(store.triage) == (1 if kind is TRIAGE else 0)


def test_a_new_case_carries_the_customer_the_words_and_the_reason(deliver, store):
    outcome, _ = deliver("plain_complaint")

    case = store.get_case(outcome.reference)
    assert outcome.reference == "NWL-2026-000001"
    assert case.case_type is CaseType.COMPLAINT
    assert case.channel is Channel.EMAIL
    assert case.received_at == RECEIVED
    assert case.customer.name == "Jane Resident"
    assert case.customer.email == "jane.resident@example.org"
    assert case.subject == "Formal complaint about how my planning enquiry was handled"
    assert case.description.startswith("Dear Customer Services,")
    assert case.classification_reason == (
        "subject matched 'Formal complaint' (rule: dissatisfied with the council's own service)"
    )
    assert case.source_message_id == "20260303091455.plain-complaint@example.org"
    assert outcome.detail == case.classification_reason
    assert store.find_case_by_message_id(case.source_message_id) == case.reference
    assert store.due_at(case.reference) is not None


def test_the_staff_timeline_says_in_words_who_took_the_email_in(deliver, store):
    from sla_monitor.web.staff.case_page import SYSTEM_ACTORS

    outcome, _ = deliver("plain_complaint")

    actors = {event.actor for event in store.timeline(outcome.reference)}
    assert {SYSTEM_ACTORS.get(actor) for actor in actors} == {"the automatic email intake"}


def test_the_reply_to_address_is_the_customer_to_answer(deliver, store):
    outcome, _ = deliver("several_from")

    assert store.get_case(outcome.reference).customer.email == "family@example.org"


def test_attachments_are_kept_beside_the_raw_message_and_on_the_timeline(deliver, store, raw_mail):
    outcome, delivery = deliver("attachments")

    prefix = f"attachments/{delivery.token}/"
    kept = {key: obj for (_, key), obj in raw_mail.objects.items() if key.startswith(prefix)}
    assert sorted(kept) == [
        f"{prefix}001-sofa.jpg",
        f"{prefix}002-plan-de-la-rue-cafe.pdf",
        f"{prefix}003-forwarded-message-3.eml",
    ]
    plan = kept[f"{prefix}002-plan-de-la-rue-cafe.pdf"]
    assert plan.content.startswith(b"%PDF")
    assert plan.content_type == "application/pdf"
    assert plan.metadata["filename"] == "plan de la rue %E2%80%93 caf%C3%A9.pdf"
    assert plan.metadata["message"] == delivery.idempotency_key
    assert outcome.attachments == 3

    events = [e for e in store.timeline(outcome.reference) if e.kind == "attachment"]
    assert [e.summary for e in events] == [
        f"attachment kept: {ORIGINAL_EMAIL}",
        "attachment kept: sofa.jpg",
        "attachment kept: plan de la rue – café.pdf",
        "attachment kept: forwarded-message-3.eml",
    ]
    assert events[0].details["s3_key"] == delivery.key
    assert events[0].details["size"] == str(len(email_bytes("attachments")))


def test_the_same_delivery_twice_gives_one_case(deliver, store):
    first, _ = deliver("plain_complaint")
    again, _ = deliver("plain_complaint")

    assert again.repeated and not first.repeated
    assert (again.kind, again.reference) == (CASE, first.reference)
    assert len(store.cases) == 1
    assert len([e for e in store.timeline(first.reference) if e.kind == "received"]) == 1


def test_a_delivery_racing_another_to_the_store_still_gives_one_case(intake, store, deliver):
    # Both pass the early look-up; the store's conditional write settles it.
    first, delivery = deliver("plain_complaint")
    from sla_monitor.mail.receive import receive_email

    again = receive_email(email_bytes("plain_complaint"), delivery, intake=intake, now=RECEIVED)

    assert again.repeated and again.reference == first.reference
    assert len(store.cases) == 1


def test_the_same_email_under_another_ses_id_is_triaged_as_a_duplicate(deliver, store):
    first, _ = deliver("plain_complaint", token="ses0first")
    second, _ = deliver("plain_complaint", token="ses0second")

    assert (second.kind, second.reason, second.reference) == (
        TRIAGE,
        TriageReason.DUPLICATE_MESSAGE,
        first.reference,
    )
    assert len(store.cases) == 1
    (record,) = store.triage_records()
    assert record.details["reference"] == first.reference


def test_a_reply_with_the_reference_in_the_subject_lands_on_the_case(deliver, store):
    case, _ = deliver("plain_complaint")
    reply, _ = deliver("reply_reference_subject", received_at=RECEIVED + timedelta(days=1))

    assert (reply.kind, reply.reference) == (REPLY, case.reference)
    assert reply.detail == "matched by subject reference"
    (event,) = [e for e in store.timeline(case.reference) if e.kind == "customer_reply"]
    # Only the new words: the quoted acknowledgement is left out.
    assert event.details["body"] == (
        "Here is the extra information you asked for: the planning reference is 26/00123/FUL."
    )
    assert store.find_case_by_message_id("reply-subject-0001@example.org") == case.reference
    assert len(store.cases) == 1


def test_a_reply_to_our_acknowledgement_threads_by_in_reply_to(deliver, store):
    case, _ = deliver("plain_complaint")
    acknowledged = store.get_case(case.reference)
    # The product sent the acknowledgement through SES, which returned the short message id.
    store.save_case(acknowledged, schedule=Schedule(None), message_ids=("ack-0001",))

    reply, _ = deliver("reply_in_reply_to")

    assert (reply.kind, reply.reference, reply.detail) == (
        REPLY,
        case.reference,
        "matched by in-reply-to",
    )


def test_a_reply_resumes_a_clock_paused_on_the_customer(deliver, store):
    case, _ = deliver("plain_complaint")
    paused = pause_for_customer(
        store.get_case(case.reference), at=RECEIVED + timedelta(hours=2), reason="asked for detail"
    )
    store.save_case(paused, schedule=Schedule(None))
    replied_at = RECEIVED + timedelta(days=2)

    deliver("reply_reference_subject", received_at=replied_at)

    after = store.get_case(case.reference)
    assert after.status is CaseStatus.OPEN
    assert after.pauses[0].resumed_at == replied_at
    kinds = [e.kind for e in store.timeline(case.reference)]
    # The reply, then the files it brought (the message itself among them), then the resumption.
    assert kinds[-1] == "resumed"
    assert "attachment" in kinds[kinds.index("customer_reply") :]


def test_the_same_reply_twice_is_recorded_once(deliver, store):
    case, _ = deliver("plain_complaint")
    deliver("reply_reference_subject")
    again, _ = deliver("reply_reference_subject")

    assert (again.kind, again.reference, again.repeated) == (REPLY, case.reference, True)
    replies = [e for e in store.timeline(case.reference) if e.kind == "customer_reply"]
    assert len(replies) == 1


def test_a_reply_racing_the_deadline_checker_is_retried(deliver, store, monkeypatch):
    case, _ = deliver("plain_complaint")
    original = store.save_case
    calls = []

    def save_once_stale(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise StaleCaseError(case.reference)
        return original(*args, **kwargs)

    monkeypatch.setattr(store, "save_case", save_once_stale)

    reply, _ = deliver("reply_reference_subject")

    assert reply.kind is REPLY and not reply.repeated
    assert len(calls) == 2


def test_a_reply_that_stays_stale_fails_so_the_delivery_is_retried(deliver, store, monkeypatch):
    case, _ = deliver("plain_complaint")

    def always_stale(*args, **kwargs):
        raise StaleCaseError(case.reference)

    monkeypatch.setattr(store, "save_case", always_stale)

    with pytest.raises(StaleCaseError):
        deliver("reply_reference_subject")


def test_a_case_gone_between_matching_and_recording_gives_a_new_case(deliver, store, monkeypatch):
    deliver("plain_complaint")
    original = store.get_case
    reads = []

    def gone_on_second_read(reference):
        reads.append(reference)
        return original(reference) if len(reads) == 1 else None

    monkeypatch.setattr(store, "get_case", gone_on_second_read)

    outcome, _ = deliver("reply_reference_subject")

    assert outcome.kind is CASE
    assert outcome.reference == "NWL-2026-000002"


def test_an_automatic_reply_quoting_a_reference_never_touches_the_case(deliver, store):
    case, _ = deliver("plain_complaint")
    before = store.timeline(case.reference)

    outcome, _ = deliver("out_of_office")

    assert (outcome.kind, outcome.reason) == (TRIAGE, TriageReason.AUTO_REPLY)
    assert store.timeline(case.reference) == before


def test_a_reference_to_no_case_starts_a_new_case(deliver, store):
    outcome, _ = deliver(
        b"From: a@example.org\nSubject: Re: NWL-2025-000999 bins\n\nStill waiting.\n"
    )

    assert outcome.kind is CASE
    assert outcome.reference == "NWL-2026-000001"


def test_a_spam_verdict_from_ses_is_triaged_with_the_raw_copy_kept(deliver, store, raw_mail):
    outcome, delivery = deliver("spam_offer", verdicts=Verdicts(spam="FAIL", virus="PASS"))

    assert (outcome.kind, outcome.reason, outcome.detail) == (
        TRIAGE,
        TriageReason.SPAM,
        "SES spam verdict FAIL",
    )
    (record,) = store.triage_records()
    assert record.reason == "spam"
    assert record.raw_location == f"s3://raw-mail/{delivery.key}"
    assert record.sender == "winner@spam.example"
    assert record.subject == "You have won a prize"
    assert record.received_at == RECEIVED
    assert record.details["evidence"] == "SES spam verdict FAIL"
    assert list(raw_mail.objects) == [("raw-mail", delivery.key)]


def test_a_virus_is_triaged_and_its_attachment_is_not_copied(deliver, raw_mail):
    outcome, delivery = deliver("ses_header_virus")

    assert outcome.reason is TriageReason.VIRUS
    assert list(raw_mail.objects) == [("raw-mail", delivery.key)]


def test_triage_twice_is_recorded_once(deliver, store):
    deliver("bounce_dsn")
    again, _ = deliver("bounce_dsn")

    assert again.kind is TRIAGE and again.repeated
    assert len(store.triage_records()) == 1


def test_unparseable_mail_records_what_was_wrong(deliver, store):
    deliver("garbage")

    (record,) = store.triage_records()
    assert record.reason == "unparseable"
    assert record.sender is None and record.subject is None
    assert "MissingHeaderBodySeparatorDefect" in record.details["defects"]


def test_a_missing_raw_message_is_a_failure_to_retry(intake):
    from sla_monitor.mail.events import delivery_for_object
    from sla_monitor.mail.receive import take_in_delivery

    delivery = delivery_for_object(
        "raw-mail", "inbound/gone", prefix="inbound/", received_at=RECEIVED
    )

    with pytest.raises(KeyError):
        take_in_delivery(delivery, intake=intake, now=RECEIVED)


def test_a_store_failure_propagates_so_the_delivery_is_retried(deliver, store, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("table unavailable")

    monkeypatch.setattr(store, "create_case", broken)

    with pytest.raises(ConnectionError):
        deliver("plain_complaint")
    assert store.deliveries == {}


def test_log_fields_hold_no_personal_data(deliver):
    outcome, _ = deliver("plain_complaint")

    logged = " ".join(str(v) for v in outcome.log_fields().values()).lower()
    assert outcome.log_fields()["reference"] == outcome.reference
    for personal in ("jane", "resident", "example.org", "planning", "formal complaint"):
        assert personal not in logged


def test_a_case_with_no_text_and_no_subject_says_so(deliver, store):
    outcome, _ = deliver(b"From: a@example.org\nContent-Type: image/png\n\n\x89PNG\n")

    case = store.get_case(outcome.reference)
    assert (case.subject, case.description) == ("(no subject)", "(the email had no text)")
    assert outcome.attachments == 1


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("sofa.jpg", "sofa.jpg"),
        ("plan de la rue – café.pdf", "plan-de-la-rue-cafe.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("report.tar.gz", "report.tar.gz"),
        ("odd.ext ension", "odd.ext-ension"),
        ("写真.jpeg", "attachment.jpeg"),
        (".hidden", "attachment.hidden"),
        ("noextension", "noextension"),
        ("a" * 300 + ".pdf", "a" * 96 + ".pdf"),
    ],
)
def test_safe_file_name(name, safe):
    assert safe_file_name(name) == safe


def test_outcomes_are_frozen_records():
    from sla_monitor.mail.receive import EmailOutcome

    outcome = EmailOutcome(kind=CASE, reference="NWL-2026-000001")
    with pytest.raises(AttributeError):
        outcome.reference = "other"  # type: ignore[misc]
    assert replace(outcome, repeated=True).repeated
