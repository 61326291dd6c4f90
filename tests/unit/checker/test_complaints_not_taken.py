"""A complaint refused or downgraded: the letter the customer gets (the reason, the way back to
the complaints procedure, the Ombudsman), once, and the Corporate Complaints Officer told."""

from __future__ import annotations

from datetime import timedelta

from sla_monitor.cases import CaseStatus, CaseType, Channel, Customer
from sla_monitor.intake import NewCase, register_case
from sla_monitor.staff import confirm_case_type, reclassify_case, refuse_complaint

from .conftest import RESIDENT, london, text_of

CCO = "complaints@nwleicestershire.gov.uk"
MONDAY = london(2026, 3, 2, 10, 0)


def world(town):
    return {"store": town.store, "policy": town.policy, "calendar": town.calendar}


def letters_about(town, words):
    return [m for m in town.mail_to(RESIDENT) if words in str(m["Subject"])]


def test_a_refused_complaint_gets_the_reason_and_the_ombudsman_once(town):
    # Given a complaint, acknowledged
    case = town.receive(MONDAY, case_type=CaseType.COMPLAINT)
    town.sweep(MONDAY)
    tuesday = london(2026, 3, 3, 11, 0)

    # When it is refused, and the checker sweeps twice
    refuse_complaint(
        case.reference,
        reason="the matter is before the county court, which will decide it.",
        by="cco",
        now=tuesday,
        **world(town),
    )
    town.sweep(tuesday)
    town.sweep(tuesday + timedelta(hours=1))

    # Then the customer has one letter with the reason and how to go to the Ombudsman
    [letter] = letters_about(town, "our decision about your complaint")
    assert str(letter["Subject"]) == f"{case.reference}: our decision about your complaint"
    text = text_of(letter)
    assert "not able to take it through our complaints procedure" in text
    assert "the matter is before the county court, which will decide it." in text
    assert "If you disagree with our decision" in text
    assert "Local Government and Social Care Ombudsman" in text
    assert "www.lgo.org.uk" in text and "0300 061 0614" in text
    # and the Corporate Complaints Officer hears of it with the reason
    [notice] = [m for m in town.mail_to(CCO) if "complaint refused" in str(m["Subject"])]
    assert "the matter is before the county court" in text_of(notice)
    # and the case is closed, owing nothing more
    assert town.case(case.reference).status is CaseStatus.CLOSED
    assert not town.case(case.reference).notifications_unsent()


def test_a_downgraded_complaint_gets_its_new_date_the_reason_and_the_way_back(town):
    # Given a complaint, acknowledged on Monday 2 March (a reply promised by 16 March)
    case = town.receive(MONDAY, case_type=CaseType.COMPLAINT)
    town.sweep(MONDAY)

    # When staff reclassify it a service request the next morning
    tuesday = london(2026, 3, 3, 9, 0)
    reclassify_case(
        case.reference,
        case_type=CaseType.SERVICE_REQUEST,
        reason="it asks us to collect a missed bin for the first time.",
        by="head-housing",
        now=tuesday,
        **world(town),
    )
    town.sweep(tuesday)
    town.sweep(tuesday + timedelta(hours=2))

    # Then the customer has one letter: what we do instead, by when, why, and the way back
    [letter] = letters_about(town, "how we are dealing with your complaint")
    text = text_of(letter)
    assert "dealing with it as a service request instead" in text
    # A service request's reply: five working days from Monday 2 March.
    assert "by Monday 9 March 2026" in text
    assert "it asks us to collect a missed bin for the first time." in text
    assert "If you think this should be dealt with as a complaint" in text
    assert "Local Government and Social Care Ombudsman" in text
    assert "www.lgo.org.uk" in text and "0300 061 0614" in text
    [notice] = [m for m in town.mail_to(CCO) if "downgraded" in str(m["Subject"])]
    assert str(notice["Subject"]) == f"{case.reference}: complaint downgraded to a service request"


def test_a_downgrade_never_gives_a_date_already_past(town):
    # Given a complaint received on Monday 2 March, still open the next Wednesday
    case = town.receive(MONDAY, case_type=CaseType.COMPLAINT)
    town.sweep(MONDAY)

    # When it is made an enquiry, whose five working days ended on Monday 9 March
    wednesday = london(2026, 3, 11, 10, 0)
    reclassify_case(
        case.reference,
        case_type=CaseType.ENQUIRY,
        reason="it is a question about our opening hours.",
        by="head-housing",
        now=wednesday,
        **world(town),
    )
    town.sweep(wednesday)

    # Then the letter gives no date, only that the reply comes as soon as we can
    [letter] = letters_about(town, "how we are dealing with your complaint")
    text = text_of(letter)
    assert "9 March" not in text
    assert "as soon as we can" in text


def test_a_possible_complaint_confirmed_as_an_enquiry_is_told_the_reason(town):
    # Given a possible complaint, acknowledged as a complaint
    case = register_case(
        NewCase(
            case_type=CaseType.COMPLAINT,
            channel=Channel.EMAIL,
            received_at=MONDAY,
            subject="Bins",
            description="When are the bins collected? They were late.",
            customer=Customer(email=RESIDENT),
            possible_complaint=True,
        ),
        now=MONDAY,
        **world(town),
    ).case
    town.sweep(MONDAY)

    # When staff confirm it is an enquiry
    confirm_case_type(
        case.reference,
        case_type=CaseType.ENQUIRY,
        reason="it asks when the bins are collected.",
        by="head-housing",
        now=MONDAY + timedelta(hours=1),
        **world(town),
    )
    town.sweep(MONDAY + timedelta(hours=1))

    # Then the customer is sent the reason and the Ombudsman's details
    [letter] = letters_about(town, "how we are dealing with your complaint")
    text = text_of(letter)
    assert "it asks when the bins are collected." in text
    assert "Local Government and Social Care Ombudsman" in text
