"""The SES adapter: what it asks SES for, and how it reads SES's errors (botocore's Stubber
stands in for SES, so nothing leaves the machine)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from sla_monitor.checker.mailer import (
    OutboundEmail,
    PermanentSendError,
    SendingUnavailableError,
    SESMailer,
    TransientSendError,
)

OUTBOUND = OutboundEmail(
    sender="customer.services@nwleicestershire.gov.uk",
    recipients=("resident@example.org",),
    message_id="NWL-2026-000001.abc.def@nwleicestershire.gov.uk",
    raw=b"Subject: x\r\n\r\nbody\r\n",
)


@pytest.fixture
def ses():
    client = boto3.client(
        "ses", region_name="eu-west-2", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        yield client, stubber


def test_a_message_goes_as_raw_mime_through_the_configuration_set(ses):
    client, stubber = ses
    stubber.add_response(
        "send_raw_email",
        {"MessageId": "0102-abc"},
        {
            "Source": OUTBOUND.sender,
            "Destinations": ["resident@example.org"],
            "RawMessage": {"Data": OUTBOUND.raw},
            "ConfigurationSetName": "outbound",
        },
    )
    mailer = SESMailer(client, region="eu-west-2", configuration_set="outbound")

    sent = mailer.send(OUTBOUND)

    assert sent.provider_id == "0102-abc"
    # Ours, the bare SES id (bounces quote it), and the Message-ID SES stamps on the mail.
    assert sent.message_ids == (
        OUTBOUND.message_id,
        "0102-abc",
        "0102-abc@eu-west-2.amazonses.com",
    )


def test_us_east_1_stamps_the_plain_amazonses_domain():
    mailer = SESMailer(object(), region="us-east-1")
    assert mailer.message_ids("id")[1] == "id@email.amazonses.com"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("Throttling", TransientSendError),
        ("ServiceUnavailable", TransientSendError),
        ("MessageRejected", PermanentSendError),
        ("InvalidParameterValue", PermanentSendError),
        ("AccountSendingPausedException", SendingUnavailableError),
        ("ConfigurationSetDoesNotExist", SendingUnavailableError),
    ],
)
def test_ses_errors_are_read_as_transient_permanent_or_stopping(ses, code, error):
    client, stubber = ses
    stubber.add_client_error("send_raw_email", service_error_code=code)

    with pytest.raises(error) as raised:
        SESMailer(client, region="eu-west-2").send(OUTBOUND)
    assert raised.value.reason == code
