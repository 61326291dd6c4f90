"""Every customer email is acknowledged, replies included: a reply that lands on an open case, or
reopens a closed one, gets a short acknowledgement (at most one a day per case) saying who is
dealing with it and the date the customer can still expect a reply. A reply put to the officer
as a possible stage 2 request is acknowledged by the stage 2 path, not here."""

from __future__ import annotations

from datetime import datetime, timedelta

from sla_monitor.cases import (
    Case,
    CaseType,
    Channel,
    ContactMethod,
    Customer,
    NotificationKind,
    Outcome,
    Preferences,
)
from sla_monitor.intake import CustomerReply
from sla_monitor.replies import record_customer_reply
from sla_monitor.staff import record_response

from .conftest import RESIDENT, html_of, london, text_of

MONDAY = london(2026, 3, 2, 10, 0)
TUESDAY = london(2026, 3, 3, 11, 0)
HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"
THEIR_WORDS = "Here is the photo of the damp patch you asked for."


def reply(town, case: Case, at: datetime, *, channel: Channel = Channel.EMAIL, body=THEIR_WORDS):
    return record_customer_reply(
        CustomerReply(
            reference=case.reference,
            received_at=at,
            channel=channel,
            summary="customer replied",
            body=body,
        ),
        store=town.store,
        policy=town.policy,
        calendar=town.calendar,
        now=at,
    )


def acknowledgements(case: Case) -> list[str]:
    return [n.key for n in case.notifications if n.kind is NotificationKind.REPLY_ACKNOWLEDGEMENT]


def replies_acknowledged(town) -> list:
    return [m for m in town.mail_to(RESIDENT) if "we have received your message" in m["Subject"]]


def respond(town, case: Case, at: datetime) -> None:
    record_response(
        case.reference,
        summary="Answered.",
        outcome=Outcome.ANSWERED if case.case_type is not CaseType.COMPLAINT else Outcome.UPHELD,
        by="head-housing",
        now=at,
        store=town.store,
        policy=town.policy,
        calendar=town.calendar,
    )


# -- the use case: what the reply owes the customer ---------------------------------------------


def test_replies_on_an_open_case_are_acknowledged_at_most_once_a_day(town):
    case = town.receive(MONDAY)

    reply(town, case, TUESDAY)
    reply(town, case, TUESDAY + timedelta(hours=4))
    assert len(acknowledgements(town.case(case.reference))) == 1

    reply(town, case, london(2026, 3, 4, 9, 0))  # the next day: acknowledged again
    assert len(acknowledgements(town.case(case.reference))) == 2


def test_the_calendar_day_is_londons(town):
    case = town.receive(MONDAY)
    # 23:30 and 00:30 London time on either side of midnight are two days.
    reply(town, case, london(2026, 3, 3, 23, 30))
    reply(town, case, london(2026, 3, 4, 0, 30))
    assert len(acknowledgements(town.case(case.reference))) == 2


def test_a_reply_that_reopens_a_closed_case_is_acknowledged(town):
    case = town.receive(MONDAY)
    respond(town, case, MONDAY + timedelta(hours=1))

    reply(town, case, TUESDAY)

    reopened = town.case(case.reference)
    assert reopened.is_open
    [notification] = [
        n for n in reopened.notifications if n.kind is NotificationKind.REPLY_ACKNOWLEDGEMENT
    ]
    assert notification.details == {"reopened": "yes"}


def test_a_reply_put_to_the_officer_as_a_possible_stage_2_is_not_acknowledged_here(town):
    complaint = town.receive(MONDAY, case_type=CaseType.COMPLAINT)
    respond(town, complaint, london(2026, 3, 4, 15, 0))

    reply(town, complaint, london(2026, 3, 6, 8, 0))  # within the stage 2 window

    # Reopened for staff to decide; the stage 2 path tells the customer their message arrived.
    awaiting = town.case(complaint.reference)
    assert awaiting.possible_stage_2_at is not None
    kinds = {n.kind for n in awaiting.notifications}
    assert NotificationKind.POSSIBLE_STAGE_2 in kinds
    assert NotificationKind.POSSIBLE_STAGE_2_ACKNOWLEDGEMENT in kinds
    assert acknowledgements(awaiting) == []


def test_a_reply_after_the_stage_2_window_reopens_the_complaint_and_is_acknowledged(town):
    complaint = town.receive(MONDAY, case_type=CaseType.COMPLAINT)
    respond(town, complaint, london(2026, 3, 4, 15, 0))

    reply(town, complaint, london(2026, 5, 5, 10, 0))  # long after the 20 working days

    assert len(acknowledgements(town.case(complaint.reference))) == 1


def test_a_reply_taken_by_phone_was_answered_there_and_is_not_acknowledged_in_writing(town):
    case = town.receive(MONDAY)

    reply(town, case, TUESDAY, channel=Channel.TELEPHONE)

    assert acknowledgements(town.case(case.reference)) == []


def test_a_reply_through_the_residents_pages_is_acknowledged_like_an_email(town):
    case = town.receive(MONDAY)

    reply(town, case, TUESDAY, channel=Channel.WEB)

    assert len(acknowledgements(town.case(case.reference))) == 1


# -- the checker: the letter, sent once -------------------------------------------------------


def test_the_acknowledgement_is_sent_once_and_says_who_deals_with_it_and_the_date(town):
    case = town.receive(MONDAY)
    town.sweep(MONDAY)
    reply(town, case, TUESDAY)

    town.sweep_every(TUESDAY, TUESDAY + timedelta(hours=3))

    [sent] = replies_acknowledged(town)
    assert sent["Subject"] == f"{case.reference}: we have received your message"
    assert sent["Auto-Submitted"] == "auto-replied"  # an automatic reply: no reply loops
    text = " ".join(text_of(sent).split())
    assert "Dear Ann Example," in text
    assert (
        f"Thank you for your message of Tuesday 3 March 2026 about your enquiry "
        f"(reference {case.reference}). We have added it to your case." in text
    )
    assert "Head of Housing, Housing is dealing with your enquiry." in text
    # The enquiry's five working days from Monday 2 March.
    assert "We still expect to send you a full reply by Monday 9 March 2026." in text
    assert THEIR_WORDS not in text  # the reply is acknowledged, not repeated
    assert town.case(case.reference).expected_reply_by is not None


def test_several_replies_in_a_day_get_one_letter(town):
    case = town.receive(MONDAY)
    town.sweep(MONDAY)
    for minutes in (0, 20, 200):
        at = TUESDAY + timedelta(minutes=minutes)
        reply(town, case, at)
        town.sweep(at)

    town.sweep_every(TUESDAY, london(2026, 3, 3, 23, 30))

    assert len(replies_acknowledged(town)) == 1


def test_no_past_date_is_promised_when_the_reply_comes_after_the_due_day(town):
    complaint = town.receive(MONDAY, case_type=CaseType.COMPLAINT)
    town.sweep(MONDAY)
    late = london(2026, 3, 18, 10, 0)  # the response was due on Monday 16 March
    reply(town, complaint, late)

    town.sweep(late)

    [sent] = replies_acknowledged(town)
    text = " ".join(text_of(sent).split())
    assert "still expect" not in text
    assert "16 March" not in text
    assert "We will reply as soon as we can." in text


def test_a_reopened_case_is_said_to_be_open_again_with_no_date_from_the_answered_clock(town):
    case = town.receive(MONDAY)
    town.sweep(MONDAY)
    respond(town, case, MONDAY + timedelta(hours=1))
    reply(town, case, TUESDAY)

    town.sweep(TUESDAY)

    [sent] = replies_acknowledged(town)
    text = " ".join(text_of(sent).split())
    assert "We have added it to your case, and we have opened your enquiry again." in text
    assert "still expect" not in text


def test_an_unverified_address_is_not_sent_the_customers_words(town):
    subject = "Your parcel is held: pay the fee at http://pay.example.test"
    case = town.receive(MONDAY, channel=Channel.WEB, subject=subject)
    assert not case.customer.email_verified
    town.sweep(MONDAY)
    reply(town, case, TUESDAY, channel=Channel.WEB, body="Pay now at http://pay.example.test")

    town.sweep(TUESDAY)

    [sent] = replies_acknowledged(town)
    for body in (text_of(sent), html_of(sent), str(sent["Subject"])):
        assert "pay.example.test" not in body


def test_a_customer_who_chose_post_gets_a_printable_letter_through_the_owner(town):
    case = town.receive(
        MONDAY,
        customer=Customer(name="Bob Example", email=RESIDENT, address="1 High Street, Coalville"),
        preferences=Preferences(contact_method=ContactMethod.LETTER),
    )
    town.sweep(MONDAY)
    reply(town, case, TUESDAY)

    town.sweep_every(TUESDAY, TUESDAY + timedelta(hours=2))

    assert replies_acknowledged(town) == []
    tasks = [
        m
        for m in town.mail_to(HEAD_OF_HOUSING)
        if m["Subject"] == f"{case.reference}: please send the reply acknowledgement by post"
    ]
    [task] = tasks
    assert "Dear Bob Example," in text_of(task)
    [pdf] = [p for p in task.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == f"{case.reference}-letter.pdf"
