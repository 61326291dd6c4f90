"""What the customer is told when a promise is missed: never a date already past, a late letter
says it is late, a breach brings one apology with a new date, and a complaint referred to the
Chief Executive brings a letter saying so."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest

from sla_monitor.cases import CaseType, Channel, ContactMethod, Customer, Preferences
from sla_monitor.checker.outcomes import Delivery
from sla_monitor.engine import Action
from sla_monitor.staff import assign_case, log_case

from .conftest import RESIDENT, london, text_of

HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"
MONDAY = london(2026, 3, 2, 10, 0)


def logged_by_letter(town, case_type, received_at, now, customer=None, preferences=None):
    return log_case(
        case_type=case_type,
        channel=Channel.LETTER,
        summary="Question about the garden waste service",
        description=None,
        customer=customer or Customer(name="Ann Example", email=RESIDENT),
        preferences=preferences,
        department="housing",
        received_at=received_at,
        by="housing-officer",
        store=town.store,
        policy=town.policy,
        calendar=town.calendar,
        directory=town.directory,
        now=now,
    )


def letters_to_customer(town, words):
    return [m for m in town.mail_to(RESIDENT) if words in str(m["Subject"])]


def test_an_enquiry_logged_weeks_late_is_never_promised_a_past_date(town):
    # Given an enquiry received by letter on Monday 21 December 2026, logged on 11 January 2027
    logged = london(2027, 1, 11, 10, 0)
    case = logged_by_letter(town, CaseType.ENQUIRY, london(2026, 12, 21, 10, 0), logged)

    # When the checker runs that day
    town.sweep_every(logged, london(2027, 1, 11, 17, 0), timedelta(hours=1))

    # Then the holding update says it is late, says sorry, and gives a date still to come
    [holding] = letters_to_customer(town, "when to expect our reply")
    text = text_of(holding)
    assert "Thursday 7 January 2027" not in text
    assert "We now expect to reply by Monday 18 January 2027." in text
    assert "sorry that this letter is late" in text
    assert "we should have written to you by Wednesday 30 December 2026" in text
    # And the date it gave is the one the case keeps, with the letter
    stored = town.case(case.reference)
    [record] = [s for s in stored.sent if s.key == "holding_update:respond_to_enquiry"]
    assert record.promised_day == date(2027, 1, 18)
    assert stored.expected_reply_by == london(2027, 1, 18, 17, 0)
    # And nobody is told that date has already been missed
    assert not [m for m in town.mail_to(HEAD_OF_HOUSING) if "holding update" in text_of(m)]

    # When Monday 18 January passes without a reply
    town.sweep_every(london(2027, 1, 12, 9, 0), london(2027, 1, 22, 17, 0), timedelta(hours=1))

    # Then the customer gets one apology, the working day after, with a new date
    [apology] = letters_to_customer(town, "we are sorry")
    assert (
        apology["Subject"] == f"{case.reference}: we are sorry, our reply to your enquiry is late"
    )
    text = text_of(apology)
    assert "We told you that we would send you a full reply to your enquiry" in text
    assert "by Monday 18 January 2027, and we have not done so." in text
    assert "We now expect to reply by Tuesday 26 January 2027." in text
    assert "Head of Housing, Housing is dealing with your enquiry." in text
    sent = apology["Date"].datetime.astimezone(town.calendar.timezone)
    assert sent == london(2027, 1, 19, 14, 0)
    # And the owner and the Head of Service hear the promised date was missed
    assert [m for m in town.mail_to(HEAD_OF_HOUSING) if "holding update telling" in text_of(m)]
    assert town.case(case.reference).expected_reply_by == london(2027, 1, 26, 17, 0)


def test_a_complaint_not_answered_in_time_brings_the_customer_one_apology(town):
    # Given a complaint received on Monday 2 March: its response is due Monday 16 March
    case = town.receive(MONDAY, case_type=CaseType.COMPLAINT)

    # When the checker runs every hour until well after the breach
    reports = town.sweep_every(MONDAY, london(2026, 3, 27, 17, 0), timedelta(hours=1))

    # Then the customer is told once, on Tuesday 17 March, sorry, and when to expect the response
    [apology] = letters_to_customer(town, "we are sorry")
    text = text_of(apology)
    assert "We are sorry. We told you that we would send you our response to your complaint" in (
        text
    )
    assert "by Monday 16 March 2026, and we have not done so." in text
    assert "We now expect to reply by Tuesday 31 March 2026." in text
    assert "Local Government and Social Care Ombudsman" in text
    sent = apology["Date"].datetime.astimezone(town.calendar.timezone)
    assert sent == london(2026, 3, 17, 14, 0)
    assert sum(r.count(Action.APOLOGISE_FOR_DELAY) for r in reports) == 1
    [record] = [s for s in town.case(case.reference).sent if s.key.startswith("apology:")]
    assert (record.key, record.promised_day) == ("apology:respond_to_complaint", date(2026, 3, 31))


def test_an_apology_to_a_customer_who_chose_post_goes_to_the_owner_to_print(town):
    # Given a complaint from a customer who asked for letters by post
    case = town.receive(
        MONDAY,
        case_type=CaseType.COMPLAINT,
        channel=Channel.TELEPHONE,
        customer=Customer(
            name="Mr R Singh", email=RESIDENT, address="5 Forest Road, Coalville, LE67 2BB"
        ),
        preferences=Preferences(contact_method=ContactMethod.LETTER),
    )

    # When the response is breached
    reports = town.sweep_every(MONDAY, london(2026, 3, 17, 15, 0), timedelta(hours=1))

    # Then the owner gets the apology to post, as a printable letter, and the customer no email
    [done] = [d for r in reports for d in r.done if d.kind is Action.APOLOGISE_FOR_DELAY]
    assert done.delivery is Delivery.TASK
    assert not town.mail_to(RESIDENT)
    [task] = [m for m in town.mail_to(HEAD_OF_HOUSING) if "apology for the delay" in text_of(m)]
    [pdf] = [p for p in task.iter_attachments() if p.get_content_type() == "application/pdf"]
    from pypdf import PdfReader

    words = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.get_content())).pages)
    assert "5 Forest Road" in words
    assert "we have not done so" in words
    assert "Tuesday 31 March 2026" in words
    assert town.case(case.reference).expected_reply_by == london(2026, 3, 31, 17, 0)


def test_a_complaint_logged_weeks_late_is_acknowledged_with_an_apology_and_a_new_date(town):
    # Given a complaint received by letter on Monday 21 December 2026, logged on 11 January
    logged = london(2027, 1, 11, 10, 0)
    case = logged_by_letter(town, CaseType.COMPLAINT, london(2026, 12, 21, 10, 0), logged)

    # When the checker runs that week
    town.sweep_every(logged, london(2027, 1, 15, 17, 0), timedelta(hours=1))

    # Then the acknowledgement says it is late, that the reply date was missed, and a new one
    [acknowledgement] = letters_to_customer(town, "we have received your complaint")
    text = text_of(acknowledgement)
    assert "We are sorry that this acknowledgement is late" in text
    assert "we should have sent it by Wednesday 23 December 2026" in text
    assert "We aimed to send you a full reply by Thursday 7 January 2027" in text
    assert "We now expect to send it by Monday 25 January 2027." in text
    # And no second apology repeats it
    assert not letters_to_customer(town, "we are sorry")
    [record] = [s for s in town.case(case.reference).sent if s.key == "acknowledge"]
    assert record.promised_day == date(2027, 1, 25)


def test_a_progress_update_after_a_missed_date_says_sorry_and_gives_the_date_still_to_come(
    town,
):
    # Given a complaint whose response (due Monday 16 March) was missed and apologised for
    town.receive(MONDAY, case_type=CaseType.COMPLAINT)

    # When the second progress update goes, on Monday 30 March
    town.sweep_every(MONDAY, london(2026, 3, 30, 15, 0), timedelta(hours=1))

    # Then it says sorry for the missed date and repeats the date the apology gave
    progress = letters_to_customer(town, "progress on your complaint")
    text = text_of(progress[-1])
    assert "We aimed to send you our full response by Monday 16 March 2026" in text
    assert "We expect to send you our full response by Tuesday 31 March 2026." in text


def test_a_case_update_after_a_missed_date_gives_the_date_still_to_come(town):
    # Given a complaint whose response (due Monday 16 March) was missed and apologised for,
    # the apology giving Tuesday 31 March
    case = town.receive(MONDAY, case_type=CaseType.COMPLAINT)

    def assign(officer_id, at):
        assign_case(
            case.reference,
            officer_id=officer_id,
            department=None,
            by="head-housing",
            store=town.store,
            policy=town.policy,
            calendar=town.calendar,
            now=at,
            directory=town.directory,
        )

    assign("head-housing", MONDAY)
    town.sweep_every(MONDAY, london(2026, 3, 18, 9, 0), timedelta(hours=1))

    # When another officer takes it on, on Wednesday 18 March
    assign("housing-officer", london(2026, 3, 18, 10, 0))
    town.sweep(london(2026, 3, 18, 10, 0))

    # Then the customer's update gives the date still to come and says sorry for the one missed
    [update] = letters_to_customer(town, "an update on your complaint")
    text = text_of(update)
    assert "We now aim to send you a full reply by Tuesday 31 March 2026." in text
    assert "Monday 16 March 2026, and we are sorry that we have not done so." in text
    assert "Ravi Evans" in text


def test_the_customer_is_told_once_that_the_complaint_was_referred_to_the_chief_executive(town):
    # Given a complaint received on Monday 2 March, still open after 20 working days
    case = town.receive(MONDAY, case_type=CaseType.COMPLAINT)

    # When the checker runs until after the referral (Tuesday 31 March, at opening)
    reports = town.sweep_every(MONDAY, london(2026, 4, 3, 17, 0), timedelta(hours=1))

    # Then the customer hears of it once, with what it means and when to expect the response
    [letter] = letters_to_customer(town, "referred to our Chief Executive")
    text = text_of(letter)
    assert "We have not been able to resolve it within 20 working days, and we are sorry." in text
    assert "referred to the Council's Chief Executive, and we have now referred yours" in text
    assert "the Chief Executive knows about your complaint" in text
    assert "Head of Housing, Housing is still dealing with your complaint." in text
    # The apology on 17 March gave Tuesday 31 March, the day this letter goes: never a date
    # a letter gives, so the letter says it will be missed and gives the next one.
    assert (
        "We aimed to send you our full response by Tuesday 31 March 2026, and we are sorry that "
        "we will not manage it. We now expect to send it by Thursday 16 April 2026." in text
    )
    assert "progress update at least every 10 working days" in text
    sent = letter["Date"].datetime.astimezone(town.calendar.timezone)
    assert sent == london(2026, 3, 31, 9, 0)
    assert sum(r.count(Action.TELL_CUSTOMER_OF_REFERRAL) for r in reports) == 1
    assert town.case(case.reference).was_sent("referral_letter:refer_to_chief_executive")


class Crash(BaseException):
    """The process dies here: nothing catches it, nothing after it runs."""


class StoreThatDiesOnSave:
    def __init__(self, store) -> None:
        self._store = store

    def __getattr__(self, name):
        if name == "save_case":
            raise Crash(name)
        return getattr(self._store, name)


def test_a_late_holding_update_recorded_days_later_keeps_the_date_it_gave(town):
    # Given a late holding update sent on 11 January by a sweep that died before recording it
    logged = london(2027, 1, 11, 10, 0)
    case = logged_by_letter(town, CaseType.ENQUIRY, london(2026, 12, 21, 10, 0), logged)
    with pytest.raises(Crash):
        town.sweep(logged, store=StoreThatDiesOnSave(town.store))
    [holding] = letters_to_customer(town, "when to expect our reply")
    assert "We now expect to reply by Monday 18 January 2027." in text_of(holding)

    # When a sweep two days later records it from the ledger
    town.sweep(london(2027, 1, 13, 10, 0))

    # Then the case keeps the date the letter gave, not one counted from the 13th
    [record] = [
        s for s in town.case(case.reference).sent if s.key == "holding_update:respond_to_enquiry"
    ]
    assert (record.sent_at, record.promised_day) == (logged, date(2027, 1, 18))
    assert len(letters_to_customer(town, "when to expect our reply")) == 1
