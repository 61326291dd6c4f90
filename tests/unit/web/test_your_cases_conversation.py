"""The resident's thread as their case page shows it: their own words and files, our letters,
never a note; a formal response sent before letters were kept, shown from what the case
records of it; and who acts for them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sla_monitor.cases import (
    Case,
    CaseType,
    Channel,
    Customer,
    FormalResponse,
    LettersTo,
    Outcome,
    Representative,
    TimelineEvent,
)
from sla_monitor.council import load_council
from sla_monitor.directory import default_directory
from sla_monitor.web.your_cases.cases import acting_for_you
from sla_monitor.web.your_cases.conversation import (
    resident_messages,
    responses_without_their_letter,
)

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
COUNCIL = load_council()
CASE = Case(
    reference="NWL-2026-000001",
    case_type=CaseType.COMPLAINT,
    channel=Channel.WEB,
    received_at=AT,
    subject="Bins missed",
    description="Third week running.",
    customer=Customer(name="Sam Tenant", email="sam@example.org"),
    responses=(
        FormalResponse(
            stage=1,
            outcome=Outcome.UPHELD,
            findings="The crew missed the road.",
            recorded_at=AT + timedelta(days=3),
            recorded_by="waste-officer",
            apology="We are sorry.",
            lessons_learned="Crews now check every road on the round.",
        ),
    ),
)


def event(kind: str, hours: int, actor: str = "deadline-checker", **details: str):
    return TimelineEvent(AT + timedelta(hours=hours), kind, actor, kind, details)


def messages(timeline: list[TimelineEvent], case: Case = CASE):
    return resident_messages(
        case,
        timeline,
        directory=default_directory(),
        council_name=COUNCIL.name,
        letter_href=lambda key: f"/letters/{key}",
        attachment_prefix="attachments/",
    )


def test_the_resident_sees_their_words_their_files_and_our_letters_but_no_note():
    timeline = [
        event(
            "attachment",
            0,
            "customer",
            s3_key="attachments/quarantine/your-cases-x/001-bins.jpg",
            size="10",
            content_type="image/jpeg",
        ),
        event("note", 1, "waste-officer"),
        event(
            "message_sent",
            2,
            action="acknowledge",
            key="acknowledge",
            letter_subject="We have received it",
            letter_text="Dear Sam Tenant,",
        ),
    ]

    first, letter = messages(timeline)

    assert (first["heading"], first["text"]) == ("What you sent us online", "Third week running.")
    assert first["files"] == ["bins.jpg"]
    assert letter["heading"] == "Our acknowledgement" and letter["text"] == "Dear Sam Tenant,"
    assert letter["by"] == COUNCIL.name and letter["pdf"] is None


def test_a_response_whose_letter_was_not_kept_is_shown_from_the_case():
    older = [event("message_sent", 80, action="formal_response", key="formal_response:1")]

    [response] = responses_without_their_letter(CASE, messages(older), ombudsman=COUNCIL.ombudsman)

    shown = {row["key"]["text"]: row["value"]["text"] for row in response["rows"]}
    assert shown["What we looked at and found"] == "The crew missed the road."
    assert shown["We are sorry"] == "We are sorry."
    assert shown["What we will change"] == "Crews now check every road on the round."
    assert "stage 2 review" in shown["If you are not satisfied"]
    assert COUNCIL.ombudsman.name in shown["If you are not satisfied"]


def test_a_response_whose_letter_was_kept_is_read_in_the_letter_alone():
    kept = [
        event(
            "message_sent",
            80,
            action="formal_response",
            key="formal_response:1",
            letter_text="Dear Sam Tenant, ...",
        )
    ]

    assert responses_without_their_letter(CASE, messages(kept), ombudsman=COUNCIL.ombudsman) == []
    assert (
        responses_without_their_letter(
            replace(CASE, responses=()), messages([]), ombudsman=COUNCIL.ombudsman
        )
        == []
    )


def test_the_resident_sees_who_acts_for_them_their_consent_and_who_is_written_to():
    awaited = Representative(
        name="Amara Okafor",
        relationship="daughter",
        recorded_at=AT,
        recorded_by="waste-officer",
        email="amara@example.org",
        letters_to=LettersTo.REPRESENTATIVE,
    )
    given = replace(awaited, consent_how="in writing", consent_given_on=date(2026, 3, 1))

    assert acting_for_you(CASE) is None
    assert [row["value"] for row in acting_for_you(replace(CASE, representative=awaited))] == [
        "Amara Okafor (daughter)",
        "We are waiting for your consent",
        "You, until we have your consent",
    ]
    assert [row["value"] for row in acting_for_you(replace(CASE, representative=given))][1:] == [
        "You gave your consent in writing on Sunday 1 March 2026",
        "Your representative, Amara Okafor",
    ]
    both = replace(given, letters_to=LettersTo.BOTH)
    assert acting_for_you(replace(CASE, representative=both))[2]["value"] == (
        "You, with a copy to your representative, Amara Okafor"
    )


def test_a_letter_that_went_to_their_representative_says_so():
    sent = {"action": "officer_message", "letter_subject": "A message", "letter_text": "Done."}
    timeline = [
        event(
            "message_sent", 1, sent_to="the customer's representative, Amara Okafor (daughter)",
            **sent,
        ),
        event(
            "message_sent", 2,
            sent_to="the customer and their representative, Amara Okafor (daughter)", **sent,
        ),
        event("message_sent", 3, sent_to="the customer", **sent),
    ]  # fmt: skip

    assert [m["how"] for m in messages(timeline) if not m["from_you"]] == [
        "Emailed to your representative Amara Okafor (daughter)",
        "Emailed to you and your representative Amara Okafor (daughter)",
        "Emailed to you",
    ]
