"""The SES Lambda-action and S3 object-created events, from real event shapes."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sla_monitor.mail.events import (
    UnrecognisedEvent,
    deliveries_from_event,
    delivery_for_object,
)
from sla_monitor.mail.triage import Verdicts
from sla_monitor.settings import SettingsError, read_settings
from sla_monitor.settings.pieces import MailSettings

EVENTS = Path(__file__).resolve().parents[2] / "events"


def event(name: str) -> dict:
    return json.loads((EVENTS / f"{name}.json").read_text())


def read(payload: dict) -> list:
    return deliveries_from_event(payload, bucket="sla-monitor-raw-mail", prefix="inbound/")


def test_ses_lambda_action_event():
    (delivery,) = read(event("ses_lambda_action"))

    assert delivery.bucket == "sla-monitor-raw-mail"
    assert delivery.key == "inbound/o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1"
    assert delivery.idempotency_key == "email:o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1"
    assert delivery.received_at == datetime(2026, 3, 3, 9, 15, 2, 28000, tzinfo=UTC)
    assert delivery.verdicts == Verdicts(
        spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"
    )
    assert delivery.envelope_sender == "prvs=144d0cba7=jane.resident@example.org"
    assert delivery.raw_location == (
        "s3://sla-monitor-raw-mail/inbound/o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1"
    )


def test_ses_verdicts_are_carried():
    (delivery,) = read(event("ses_lambda_action_spam"))

    assert delivery.verdicts == Verdicts(
        spam="FAIL", virus="PASS", spf="FAIL", dkim="GRAY", dmarc="FAIL"
    )


def test_s3_event_for_the_same_message_gives_the_same_idempotency_key():
    (from_ses,) = read(event("ses_lambda_action"))
    (from_s3,) = read(event("s3_object_created"))

    assert from_s3.idempotency_key == from_ses.idempotency_key
    assert (from_s3.bucket, from_s3.key) == (from_ses.bucket, from_ses.key)
    assert from_s3.verdicts == Verdicts()


def test_ses_event_for_a_message_without_subject_or_date_is_still_read():
    payload = event("ses_lambda_action")
    common = payload["Records"][0]["ses"]["mail"]["commonHeaders"]
    for name in ("subject", "date", "from", "returnPath"):
        common.pop(name)

    assert len(read(payload)) == 1


def test_the_ses_setup_notification_is_not_mail():
    assert read(event("s3_ses_setup_notification")) == []


def test_objects_outside_the_inbound_prefix_are_not_mail():
    payload = event("s3_object_created")
    payload["Records"][0]["s3"]["object"]["key"] = "attachments/o3vrnil/001-sofa.jpg"

    assert read(payload) == []


def test_object_keys_are_url_decoded_and_odd_names_get_a_digest_token():
    payload = event("s3_object_created")
    payload["Records"][0]["s3"]["object"]["key"] = "inbound/from+scanner/letter%282%29.eml"

    (delivery,) = read(payload)

    assert delivery.key == "inbound/from scanner/letter(2).eml"
    assert delivery.token.startswith("obj-")
    assert len(delivery.token) == 44


def test_object_removed_events_are_ignored():
    payload = event("s3_object_created")
    payload["Records"][0]["eventName"] = "ObjectRemoved:Delete"

    assert read(payload) == []


def test_several_records_give_several_deliveries():
    payload = event("s3_object_created")
    second = copy.deepcopy(payload["Records"][0])
    second["s3"]["object"]["key"] = "inbound/second0message0id"
    payload["Records"].append(second)

    assert [d.token for d in read(payload)] == [
        "o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1",
        "second0message0id",
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"Records": "nope"},
        {"Records": [{"eventSource": "aws:sqs", "body": "{}"}]},
        {"Records": [{"eventSource": "aws:ses", "ses": {"mail": {"messageId": "../x"}}}]},
    ],
)
def test_events_that_are_not_ses_or_s3_raise(payload):
    with pytest.raises(UnrecognisedEvent):
        read(payload)


def test_a_naive_time_is_taken_as_utc():
    delivery = delivery_for_object(
        "b", "inbound/abc", prefix="inbound/", received_at=datetime(2026, 3, 3, 9, 0)
    )

    assert delivery.received_at.tzinfo is UTC


def test_mail_settings_from_the_environment(monkeypatch):
    for name in ("RAW_MAIL_PREFIX", "ATTACHMENT_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    assert MailSettings() == MailSettings(
        raw_mail_prefix="inbound/", attachment_prefix="attachments/"
    )
    monkeypatch.setenv("RAW_MAIL_PREFIX", "mail")
    monkeypatch.setenv("ATTACHMENT_PREFIX", "files/")
    settings = MailSettings()
    assert (settings.raw_mail_prefix, settings.attachment_prefix) == ("mail/", "files/")


def test_a_malformed_mail_setting_names_its_variable(monkeypatch):
    monkeypatch.setenv("NEW_CASES_PER_ADDRESS_PER_HOUR", "five")
    with pytest.raises(SettingsError, match="NEW_CASES_PER_ADDRESS_PER_HOUR"):
        read_settings(MailSettings)
