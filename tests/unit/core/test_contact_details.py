"""The contact details a case is made with: an email address that is one, a phone number that
looks like one, and the detail the customer's chosen way of contact needs."""

from __future__ import annotations

import pytest

from sla_monitor.cases import CaseType, ContactMethod, Customer, Preferences
from sla_monitor.contact_details import (
    contact_method_for,
    contact_problems,
    is_email_address,
    is_phone_number,
)


@pytest.mark.parametrize(
    "address",
    ["ann@example.org", "ann.o'neil+council@example.co.uk", "rhys@bangor.cymru", "a@bücher.de"],
)
def test_addresses_people_have(address):
    assert is_email_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "not-an-email",
        "ann@",
        "@example.org",
        "ann@example",  # no dot: no domain on the internet
        "ann example@example.org",
        "ann@@example.org",
        "ann@localhost",
        "ann@printer.local",
        "Ann <ann@example.org>",
        "ännä@example.org",  # SES cannot send to a local part beyond ASCII
        "a" * 250 + "@example.org",
    ],
)
def test_addresses_mail_cannot_go_to(address):
    assert not is_email_address(address)


@pytest.mark.parametrize(
    "number",
    ["01530 454545", "07700 900982", "+44 808 157 0192", "(01530) 454 545", "01530-454545"],
)
def test_phone_numbers_people_give(number):
    assert is_phone_number(number)


@pytest.mark.parametrize(
    "number", ["call me", "12345", "0153045454545454", "01530 454545 ext 12", "44+1530454545"]
)
def test_phone_numbers_that_are_not(number):
    assert not is_phone_number(number)


def problems(case_type, method=ContactMethod.EMAIL, **details):
    found = contact_problems(case_type, Customer(**details), Preferences(contact_method=method))
    return {p.field: p.message for p in found}


def test_each_way_of_contact_needs_its_detail():
    assert problems(CaseType.ENQUIRY, ContactMethod.LETTER, email="ann@example.org") == {
        "address": "enter the customer's postal address, or choose another way to contact them"
    }
    assert set(problems(CaseType.SERVICE_REQUEST, ContactMethod.PHONE, address="1 High St")) == {
        "phone"
    }
    assert set(problems(CaseType.COMPLAINT, ContactMethod.EMAIL, phone="01530 454545")) == {"email"}
    assert problems(CaseType.COMPLAINT, ContactMethod.LETTER, address="1 High Street") == {}


def test_every_detail_given_must_be_usable_whichever_way_is_chosen():
    assert problems(
        CaseType.ENQUIRY, ContactMethod.LETTER, email="not-an-email", address="1 High Street"
    ) == {"email": "enter an email address in the correct format, like name@example.com"}
    assert set(problems(CaseType.COMMENT, ContactMethod.PHONE, phone="call me")) == {"phone"}


def test_a_complaint_without_any_contact_detail_says_so_once():
    assert problems(CaseType.COMPLAINT, name="Ann") == {
        "customer": "a formal complaint needs the customer's contact details (an email address, "
        "a phone number or a postal address)"
    }


def test_an_enquiry_needs_a_way_to_answer_and_feedback_or_a_request_may_come_from_anyone():
    assert set(problems(CaseType.ENQUIRY, name="Ann")) == {"email"}
    for case_type in (CaseType.SERVICE_REQUEST, CaseType.COMMENT, CaseType.COMPLIMENT):
        assert problems(case_type) == {}


def test_a_customer_who_chose_no_way_is_reached_by_what_they_gave_writing_first():
    both = Customer(phone="01530 454545", address="1 High Street")
    assert contact_method_for(both) is ContactMethod.LETTER
    assert contact_method_for(Customer(phone="01530 454545")) is ContactMethod.PHONE
    assert contact_method_for(Customer(email="a@example.org", address="x")) is ContactMethod.EMAIL
