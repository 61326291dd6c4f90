"""The council's acknowledgements never carry a stranger's words to an address nobody has shown
to be theirs: no subject echoed, no "name" that is really a message."""

from __future__ import annotations

import pytest

from sla_monitor.cases import CaseType, Channel, Customer

from .conftest import RESIDENT, html_of, london, text_of

ARRIVED = london(2026, 3, 3, 10, 0)  # Tuesday
SPAM_SUBJECT = "Your parcel is held: pay the fee at http://pay.example.test"
SPAM_NAME = "Claim your refund at http://refund.example.test"


def acknowledgement(town, **customer):
    case = town.receive(
        ARRIVED,
        case_type=CaseType.ENQUIRY,
        subject=SPAM_SUBJECT,
        customer=Customer(email=RESIDENT, **customer),
    )
    town.sweep(ARRIVED)
    (sent,) = town.mail_to(RESIDENT)
    return case, sent


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.WEB])
def test_an_unverified_address_gets_no_echo_of_the_subject_or_a_long_name(town, channel):
    case = town.receive(
        ARRIVED,
        channel=channel,
        subject=SPAM_SUBJECT,
        customer=Customer(email=RESIDENT, name=SPAM_NAME),
    )
    town.sweep(ARRIVED)
    (sent,) = town.mail_to(RESIDENT)

    for body in (text_of(sent), html_of(sent)):
        assert "pay.example.test" not in body
        assert "refund.example.test" not in body
        assert "Dear customer," in body
    assert case.reference in str(sent["Subject"])
    assert "pay.example.test" not in str(sent["Subject"])


def test_a_plain_name_is_still_used_for_an_unverified_address(town):
    _, sent = acknowledgement(town, name="Siân O'Neill-Jones")

    assert "Dear Siân O'Neill-Jones," in text_of(sent)
    assert "You wrote to us about" not in text_of(sent)


def test_a_verified_address_is_told_what_it_wrote_about(town):
    _, sent = acknowledgement(town, name="Ann Example", email_verified=True)

    assert f"You wrote to us about: {SPAM_SUBJECT}" in text_of(sent)
