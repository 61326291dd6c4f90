"""Whom email intake trusts: only the customer's own address speaks on a case; a sender whose
domain disowns the message waits in triage; and no address or server can use the council's
acknowledgements to send mail again and again."""

from __future__ import annotations

from datetime import timedelta

from sla_monitor.cases import CaseType
from sla_monitor.intake import pause_for_customer
from sla_monitor.listing import Schedule
from sla_monitor.mail.receive import EmailOutcomeKind
from sla_monitor.mail.triage import TriageReason, Verdicts

from .conftest import RECEIVED

CASE, REPLY, TRIAGE = EmailOutcomeKind.CASE, EmailOutcomeKind.REPLY, EmailOutcomeKind.TRIAGE
VERIFIED = Verdicts(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS")


def message(
    *,
    sender: str = "Jane Resident <jane.resident@example.org>",
    subject: str = "Our bin was missed again",
    body: str = "The crew missed our bin for the third week running.",
    message_id: str = "first@example.org",
    extra: str = "",
) -> bytes:
    return (
        f"From: {sender}\r\nTo: customer.services@nwleicestershire.gov.uk\r\n"
        f"Subject: {subject}\r\nDate: Tue, 3 Mar 2026 09:00:00 +0000\r\n"
        f"Message-ID: <{message_id}>\r\n{extra}Content-Type: text/plain\r\n\r\n{body}\r\n"
    ).encode()


def open_case(deliver, store, **kwargs):
    outcome, _ = deliver(message(**kwargs), token="first", verdicts=VERIFIED)
    assert outcome.kind is CASE
    return store.get_case(outcome.reference)


def paused(store, case):
    waiting = pause_for_customer(case, at=RECEIVED + timedelta(hours=1), reason="photo please")
    store.save_case(waiting, schedule=Schedule(None))
    return store.get_case(case.reference)


# -- replies ------------------------------------------------------------------------------------


def test_a_reply_from_the_customer_is_added_and_records_its_sender(deliver, store):
    case = open_case(deliver, store)

    outcome, _ = deliver(
        message(subject=f"Re: {case.reference}", body="Photo attached.", message_id="r1@x"),
        token="reply",
        verdicts=VERIFIED,
    )

    assert (outcome.kind, outcome.reference) == (REPLY, case.reference)
    (event,) = [e for e in store.timeline(case.reference) if e.kind == "customer_reply"]
    assert event.details["sender"] == "jane.resident@example.org"


def test_quoting_the_reference_from_another_address_does_not_speak_for_the_customer(deliver, store):
    case = paused(store, open_case(deliver, store))

    outcome, _ = deliver(
        message(
            sender="Someone Else <someone@elsewhere.example>",
            subject=f"Re: {case.reference}",
            body="Please close this case, it is sorted.",
            message_id="stranger@elsewhere.example",
        ),
        token="stranger",
        verdicts=VERIFIED,
    )

    assert (outcome.kind, outcome.reason) == (TRIAGE, TriageReason.REPLY_FROM_ANOTHER_ADDRESS)
    assert outcome.reference == case.reference
    (record,) = store.triage_records()
    assert record.details["reference"] == case.reference
    assert record.sender == "someone@elsewhere.example"
    after = store.get_case(case.reference)
    # The clock stays paused and nothing was added to the case.
    assert after.open_pause is not None
    assert after.revision == case.revision
    assert not [e for e in store.timeline(case.reference) if e.kind == "customer_reply"]


def test_quoting_our_message_id_from_another_address_is_triaged_too(deliver, store):
    case = open_case(deliver, store)
    store.save_case(
        store.get_case(case.reference), schedule=Schedule(None), message_ids=("ack-0001",)
    )

    outcome, _ = deliver(
        message(
            sender="mallory@elsewhere.example",
            subject="Re: Your email",
            message_id="m1@elsewhere.example",
            extra="In-Reply-To: <ack-0001@eu-west-2.amazonses.com>\r\n",
        ),
        token="forged",
        verdicts=VERIFIED,
    )

    assert (outcome.kind, outcome.reason) == (TRIAGE, TriageReason.REPLY_FROM_ANOTHER_ADDRESS)
    assert "by in-reply-to" in outcome.detail


def test_the_from_address_of_a_message_sent_with_a_reply_to_may_reply(deliver, store):
    case = open_case(deliver, store, extra="Reply-To: Jane at home <jane.home@example.net>\r\n")
    assert case.customer.email == "jane.home@example.net"

    from_work, _ = deliver(
        message(subject=f"Re: {case.reference}", message_id="w@x"), token="w", verdicts=VERIFIED
    )
    from_home, _ = deliver(
        message(sender="jane.home@example.net", subject=f"Re: {case.reference}", message_id="h@x"),
        token="h",
        verdicts=VERIFIED,
    )

    assert (from_work.kind, from_home.kind) == (REPLY, REPLY)


def test_the_address_comparison_ignores_case(deliver, store):
    case = open_case(deliver, store)

    outcome, _ = deliver(
        message(
            sender="JANE.Resident@Example.ORG", subject=f"Re: {case.reference}", message_id="c@x"
        ),
        token="caps",
        verdicts=VERIFIED,
    )

    assert outcome.kind is REPLY


# -- SPF, DKIM and DMARC ------------------------------------------------------------------------


def test_a_message_failing_dmarc_waits_in_triage_as_unverified(deliver, store):
    outcome, _ = deliver(
        message(),
        verdicts=Verdicts(spam="PASS", virus="PASS", spf="PASS", dkim="FAIL", dmarc="FAIL"),
    )

    assert (outcome.kind, outcome.reason) == (TRIAGE, TriageReason.UNVERIFIED_SENDER)
    assert outcome.detail == "DMARC verdict FAIL"
    assert not store.cases


def test_a_reply_from_the_customers_address_failing_dmarc_is_not_added(deliver, store):
    case = paused(store, open_case(deliver, store))

    outcome, _ = deliver(
        message(subject=f"Re: {case.reference}", message_id="spoof@x"),
        token="spoof",
        verdicts=Verdicts(spf="FAIL", dkim="FAIL", dmarc="FAIL"),
    )

    assert (outcome.kind, outcome.reason) == (TRIAGE, TriageReason.UNVERIFIED_SENDER)
    assert store.get_case(case.reference).open_pause is not None


def test_nothing_vouching_for_the_sender_is_unverified_too(deliver):
    outcome, _ = deliver(message(), verdicts=Verdicts(spf="FAIL", dkim="GRAY", dmarc="GRAY"))

    assert (outcome.kind, outcome.reason) == (TRIAGE, TriageReason.UNVERIFIED_SENDER)


def test_dkim_passing_without_a_dmarc_policy_is_enough(deliver, store):
    outcome, _ = deliver(message(), verdicts=Verdicts(spf="FAIL", dkim="PASS", dmarc="GRAY"))

    assert outcome.kind is CASE
    # A case, but its address is not shown to be the writer's: letters do not repeat its words.
    assert store.get_case(outcome.reference).customer.email_verified is False


def test_the_verdicts_ses_wrote_on_the_stored_message_are_read(deliver):
    header = (
        "Authentication-Results: amazonses.com; spf=fail smtp.mailfrom=example.org; "
        "dkim=fail header.i=@example.org; dmarc=fail header.from=example.org;\r\n"
    )

    outcome, _ = deliver(message(extra=header))

    assert (outcome.kind, outcome.reason) == (TRIAGE, TriageReason.UNVERIFIED_SENDER)


def test_authentication_results_another_server_wrote_are_not_believed(deliver):
    forged = "Authentication-Results: mx.elsewhere.example; dmarc=fail header.from=example.org\r\n"

    outcome, _ = deliver(message(extra=forged))

    assert outcome.kind is CASE


def test_an_address_is_verified_when_dmarc_passes_for_the_from_address(deliver, store):
    verified = open_case(deliver, store)
    other, _ = deliver(
        message(message_id="two@x", extra="Reply-To: someone.else@elsewhere.example\r\n"),
        token="two",
        verdicts=VERIFIED,
    )

    assert verified.customer.email_verified is True
    assert store.get_case(other.reference).customer.email_verified is False


# -- how many new cases ---------------------------------------------------------------------------


def test_past_five_new_cases_an_hour_one_address_waits_in_triage(deliver, store):
    outcomes = [
        deliver(message(message_id=f"m{n}@x"), token=f"m{n}", verdicts=VERIFIED)[0]
        for n in range(7)
    ]

    assert [o.kind for o in outcomes] == [CASE] * 5 + [TRIAGE] * 2
    assert outcomes[-1].reason is TriageReason.TOO_MANY_MESSAGES
    assert len(store.cases) == 5
    # The next hour counts afresh.
    later, _ = deliver(
        message(message_id="later@x"),
        token="later",
        verdicts=VERIFIED,
        received_at=RECEIVED + timedelta(hours=1),
    )
    assert later.kind is CASE


def test_one_mailbox_under_many_spellings_has_one_limit(deliver, store):
    senders = [f"<Jane.Resident+{n}@example.org>" for n in range(6)]
    senders.append("<jane.resident@example.org>")
    outcomes = [
        deliver(message(sender=s, message_id=f"t{n}@x"), token=f"t{n}", verdicts=VERIFIED)[0]
        for n, s in enumerate(senders)
    ]

    assert [o.kind for o in outcomes] == [CASE] * 5 + [TRIAGE] * 2
    # The case keeps, and is answered at, the address as it was written.
    assert store.get_case(outcomes[1].reference).customer.email.endswith("+1@example.org")


def test_replies_from_the_customer_are_not_counted(deliver, store):
    case = open_case(deliver, store)

    outcomes = [
        deliver(
            message(subject=f"Re: {case.reference}", message_id=f"r{n}@x"),
            token=f"r{n}",
            verdicts=VERIFIED,
        )[0]
        for n in range(8)
    ]

    assert {o.kind for o in outcomes} == {REPLY}


def test_past_twenty_new_cases_an_hour_one_server_waits_in_triage(deliver, store):
    hop = (
        "Received: from mail.spammer.example (mail.spammer.example [198.51.100.7]) by "
        "inbound-smtp.eu-west-2.amazonaws.com with SMTP id x; Tue, 03 Mar 2026 09:00:00 +0000\r\n"
    )
    outcomes = [
        deliver(
            message(sender=f"r{n}@spammer.example", message_id=f"s{n}@x", extra=hop),
            token=f"s{n}",
            verdicts=VERIFIED,
        )[0]
        for n in range(21)
    ]

    assert outcomes[19].kind is CASE
    assert (outcomes[20].kind, outcomes[20].reason) == (TRIAGE, TriageReason.TOO_MANY_MESSAGES)
    assert outcomes[20].detail == "more than 20 new cases from one source this hour"


def test_a_possible_complaint_is_flagged_on_the_case_and_its_timeline(deliver, store, intake):
    from dataclasses import replace

    from sla_monitor.mail.learned import load_learned_model

    model = replace(load_learned_model(), possible_complaint_at=0.0, complaint_at=1.0)
    object.__setattr__(intake, "model", model)

    outcome, _ = deliver(message(subject="Bins", body="When is the bin collected?"))

    case = store.get_case(outcome.reference)
    assert case.case_type is CaseType.COMPLAINT and case.possible_complaint
    (event,) = [e for e in store.timeline(case.reference) if e.kind == "possible_complaint"]
    assert "until staff confirm" in event.summary
