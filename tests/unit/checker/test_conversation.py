"""The conversation on a case, read from the case and its timeline: what the customer sent, every
letter as it went, the officers' messages, and notes for colleagues that the customer never sees."""

from __future__ import annotations

from datetime import timedelta

from sla_monitor.cases import Channel, ContactMethod, Customer, Preferences, TimelineEvent
from sla_monitor.checker.mailer import PermanentSendError
from sla_monitor.correspondence import (
    Delivery,
    Direction,
    conversation,
    letter_kept,
    letter_reached_customer,
)
from sla_monitor.staff import add_note, reply_to_customer

from .conftest import RESIDENT, london, text_of
from .test_reply_acknowledgement import reply

MONDAY = london(2026, 3, 2, 10, 0)
TUESDAY = london(2026, 3, 3, 11, 0)
OFFICER = "housing-officer"


def step(town, function, case, at, **kwargs):
    return function(
        case.reference,
        store=town.store,
        policy=town.policy,
        calendar=town.calendar,
        now=at,
        **kwargs,
    )


def thread(town, case, **kwargs):
    return conversation(town.case(case.reference), town.store.timeline(case.reference), **kwargs)


def test_the_thread_holds_every_message_in_and_out_in_order(town):
    case = town.receive(MONDAY)
    town.sweep(MONDAY)
    reply(town, case, TUESDAY, body="The damp is spreading to the hall.")
    town.sweep(TUESDAY)
    step(town, add_note, case, TUESDAY + timedelta(hours=1), text="Surveyor booked.", by=OFFICER)
    step(
        town,
        reply_to_customer,
        case,
        TUESDAY + timedelta(hours=2),
        text="A surveyor will call on Thursday.",
        by=OFFICER,
    )
    town.sweep(TUESDAY + timedelta(hours=2))

    messages = thread(town, case)

    assert [(m.direction, m.title) for m in messages] == [
        (Direction.FROM_CUSTOMER, "enquiry received"),
        (Direction.TO_CUSTOMER, "acknowledgement"),
        (Direction.FROM_CUSTOMER, "reply from the customer"),
        (Direction.TO_CUSTOMER, "reply acknowledgement"),
        (Direction.NOTE, "internal note"),
        (Direction.TO_CUSTOMER, "message from the officer"),
    ]
    first, acknowledgement, their_reply, _, note, answer = messages
    assert first.text == "Please come and look." and first.channel is Channel.EMAIL
    sent = {str(m["Subject"]): text_of(m).replace("\r\n", "\n") for m in town.mail_to(RESIDENT)}
    assert acknowledgement.text == sent[acknowledgement.subject]
    assert their_reply.text == "The damp is spreading to the hall."
    assert note.text == "Surveyor booked." and note.author == OFFICER
    # The officer's message is the letter as it went, in their name, their words within it.
    assert answer.author == OFFICER and answer.delivery is Delivery.EMAILED
    assert "A surveyor will call on Thursday." in (answer.text or "")
    assert answer.text == sent[answer.subject]


def test_the_customer_never_sees_notes_nor_letters_that_did_not_reach_them(town):
    case = town.receive(MONDAY)
    town.mailer.fail_for(RESIDENT, PermanentSendError("MessageRejected"))
    town.sweep(MONDAY)
    step(town, add_note, case, TUESDAY, text="Customer sounds upset.", by=OFFICER)

    staff_sees = thread(town, case)
    customer_sees = thread(town, case, for_customer=True)

    assert [m.direction for m in staff_sees] == [
        Direction.FROM_CUSTOMER,
        Direction.TO_CUSTOMER,
        Direction.NOTE,
    ]
    assert staff_sees[1].delivery is Delivery.NOT_SENT
    assert [m.direction for m in customer_sees] == [Direction.FROM_CUSTOMER]
    assert all("upset" not in (m.text or "") for m in customer_sees)


def test_an_officers_message_not_yet_sent_shows_their_words(town):
    case = town.receive(MONDAY)
    step(town, reply_to_customer, case, MONDAY, text="We are looking into it.", by=OFFICER)

    [_, written] = thread(town, case)

    assert written.delivery is Delivery.WRITTEN
    assert written.text == "We are looking into it." and written.author == OFFICER


def test_letters_sent_before_their_words_were_kept_show_without_them(town):
    case = town.receive(MONDAY)
    older = [
        TimelineEvent(MONDAY, "officer_message", OFFICER, "written", {"text": "First words."}),
        TimelineEvent(
            MONDAY + timedelta(minutes=1),
            "message_sent",
            "deadline-checker",
            "message from the officer emailed to the customer",
            {"action": "officer_message", "key": "officer_message:1"},
        ),
        TimelineEvent(
            MONDAY + timedelta(minutes=2),
            "message_sent",
            "deadline-checker",
            "acknowledgement emailed to the customer",
            {"action": "acknowledge", "key": "acknowledge:1"},
        ),
    ]

    _, words, acknowledgement = conversation(town.case(case.reference), older)

    # The officer's words stand for their letter; the acknowledgement is listed, not rewritten.
    assert words.text == "First words." and words.delivery is Delivery.WRITTEN
    assert acknowledgement.title == "acknowledgement" and acknowledgement.text is None


def test_a_letter_to_post_offers_its_pdf_to_staff_and_to_the_customer(town):
    case = town.receive(
        MONDAY,
        customer=Customer(name="Bob Example", address="1 High Street, Coalville"),
        preferences=Preferences(contact_method=ContactMethod.LETTER),
    )
    town.sweep(MONDAY)
    timeline = town.store.timeline(case.reference)

    [_, letter] = conversation(town.case(case.reference), timeline, for_customer=True)

    assert letter.delivery is Delivery.BY_HAND and letter.has_pdf
    assert letter.letter_key is not None
    assert letter_kept(timeline, letter.letter_key)
    assert letter_reached_customer(timeline, letter.letter_key)
    assert not letter_kept(timeline, "acknowledge:9")


def test_the_customer_sees_letters_to_them_only_never_alerts_to_staff(town):
    case = town.receive(MONDAY)

    def sent(action, kind="message_sent", hours=0):
        return TimelineEvent(
            at=MONDAY + timedelta(hours=hours),
            kind=kind,
            actor="deadline-checker",
            summary="sent",
            details={"action": action, "key": f"{action}:1"},
        )

    timeline = [
        sent("acknowledge"),
        sent("warn_owner", hours=1),
        sent("formal_response", kind="task_for_owner", hours=2),
        TimelineEvent(at=MONDAY, kind="note", actor=OFFICER, summary="a note"),
    ]

    messages = conversation(town.case(case.reference), timeline, for_customer=True)

    assert [(m.title, m.delivery) for m in messages[1:]] == [
        ("acknowledgement", Delivery.EMAILED),
        ("formal response", Delivery.BY_HAND),
    ]
