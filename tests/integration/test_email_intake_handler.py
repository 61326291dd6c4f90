"""The email intake Lambda handler in-process against moto (S3 and DynamoDB), with real event
shapes: SES's Lambda action after its S3 action stored the message, and S3's object-created."""

from __future__ import annotations

import copy
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from functions.email_intake import app
from sla_monitor.calendar import LONDON
from sla_monitor.cases import Outcome
from sla_monitor.mail.events import UnrecognisedEvent
from sla_monitor.staff import record_response

from .lambda_context import lambda_context

pytestmark = pytest.mark.slow(seconds=11)

TESTS = Path(__file__).resolve().parents[1]
SES_MESSAGE_ID = "o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1"


def event(name: str) -> dict:
    return json.loads((TESTS / "events" / f"{name}.json").read_text())


def email(name: str) -> bytes:
    return (TESTS / "fixtures" / "emails" / f"{name}.eml").read_bytes()


def ses_event(message_id: str = SES_MESSAGE_ID, *, spam: str = "PASS") -> dict:
    payload = event("ses_lambda_action")
    record = payload["Records"][0]["ses"]
    record["mail"]["messageId"] = message_id
    record["receipt"]["spamVerdict"]["status"] = spam
    return payload


def s3_event(key: str) -> dict:
    payload = event("s3_object_created")
    payload["Records"][0]["s3"]["object"]["key"] = key
    return payload


@pytest.fixture(autouse=True)
def _fresh_metrics():
    yield
    app.metrics.clear_metrics()


@pytest.fixture
def aws(embedded):
    return embedded


@pytest.fixture
def store_raw(aws):
    """What SES's S3 action does before the Lambda action runs."""
    s3 = aws.client("s3")

    def _store(name: str, key: str | None = None, *, raw: bytes | None = None) -> str:
        key = key or f"inbound/{SES_MESSAGE_ID}"
        s3.put_object(Bucket=aws.settings.raw_mail_bucket, Key=key, Body=raw or email(name))
        return key

    return _store


def invoke(payload: dict) -> dict:
    return app.handler(copy.deepcopy(payload), lambda_context("EmailIntakeFunction"))


def test_an_email_through_ses_becomes_a_case(aws, store_raw):
    store_raw("plain_complaint")

    answer = invoke(ses_event())

    (outcome,) = answer["outcomes"]
    assert outcome["outcome"] == "case"
    assert outcome["case_type"] == "complaint"
    case = aws.store.get_case(outcome["reference"])
    assert case.customer.email == "jane.resident@example.org"
    assert case.received_at.isoformat() == "2026-03-03T09:15:02.028000+00:00"
    assert case.classification_reason.startswith("subject matched 'Formal complaint'")
    # The received event, and the original email kept as the first attachment.
    assert sorted(e.kind for e in aws.store.timeline(case.reference)) == ["attachment", "received"]


def test_ses_delivering_the_same_message_twice_gives_one_case(aws, store_raw):
    store_raw("plain_complaint")

    first = invoke(ses_event())["outcomes"][0]
    second = invoke(ses_event())["outcomes"][0]

    assert second["reference"] == first["reference"]
    assert second["repeated"] is True and first["repeated"] is False
    assert len(list(aws.store.all_cases())) == 1


def test_the_ses_event_and_the_s3_event_of_one_message_give_one_case(aws, store_raw):
    key = store_raw("plain_complaint")

    from_ses = invoke(ses_event())["outcomes"][0]
    from_s3 = invoke(s3_event(key))["outcomes"][0]

    assert (from_s3["outcome"], from_s3["reference"], from_s3["repeated"]) == (
        "case",
        from_ses["reference"],
        True,
    )
    assert len(list(aws.store.all_cases())) == 1


def test_an_s3_object_created_event_alone_is_enough(aws, store_raw):
    key = store_raw("windows_1252", "inbound/s3only0message")

    (outcome,) = invoke(s3_event(key))["outcomes"]

    case = aws.store.get_case(outcome["reference"])
    # "The crew said we'll be back but nobody came": a complaint by the council's definition.
    assert case.case_type.value == "complaint"
    assert "Our bin wasn’t collected" in case.description
    assert case.received_at.isoformat() == "2026-03-03T09:15:02.311000+00:00"


def test_attachments_are_stored_in_the_raw_mail_bucket_with_metadata(aws, store_raw):
    store_raw("attachments")

    (outcome,) = invoke(ses_event())["outcomes"]

    s3 = aws.client("s3")
    bucket = aws.settings.raw_mail_bucket
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"attachments/{SES_MESSAGE_ID}/")
    keys = [o["Key"] for o in listed["Contents"]]
    assert keys == [
        f"attachments/{SES_MESSAGE_ID}/001-sofa.jpg",
        f"attachments/{SES_MESSAGE_ID}/002-plan-de-la-rue-cafe.pdf",
        f"attachments/{SES_MESSAGE_ID}/003-forwarded-message-3.eml",
    ]
    photo = s3.get_object(Bucket=bucket, Key=keys[0])
    assert photo["ContentType"] == "image/jpeg"
    assert photo["Metadata"]["filename"] == "sofa.jpg"
    assert photo["Body"].read().startswith(b"\xff\xd8")
    assert outcome["attachments"] == 3


def test_a_reply_by_subject_reference_lands_on_the_case(aws, store_raw):
    store_raw("plain_complaint")
    case = invoke(ses_event())["outcomes"][0]
    key = store_raw("reply_reference_subject", "inbound/reply0message0id")

    (reply,) = invoke(s3_event(key))["outcomes"]

    assert (reply["outcome"], reply["reference"]) == ("reply", case["reference"])
    kinds = [e.kind for e in aws.store.timeline(case["reference"])]
    assert "customer_reply" in kinds
    assert len(list(aws.store.all_cases())) == 1


def test_a_reply_by_in_reply_to_lands_on_the_case(aws, store_raw):
    store_raw("plain_complaint")
    case = invoke(ses_event())["outcomes"][0]
    # reply_in_reply_to's References name the complaint's own Message-ID.
    key = store_raw("reply_in_reply_to", "inbound/thread0reply0id")

    (reply,) = invoke(s3_event(key))["outcomes"]

    assert (reply["outcome"], reply["reference"]) == ("reply", case["reference"])


def test_a_reply_asking_for_stage_2_takes_the_answered_complaint_there(aws, store_raw):
    store_raw("plain_complaint")
    case = invoke(ses_event())["outcomes"][0]
    record_response(
        case["reference"],
        summary="The planning team has now called you back.",
        outcome=Outcome.NOT_UPHELD,
        by="head-customer-services",
        store=aws.store,
        policy=aws.policy,
        calendar=aws.calendar,
        now=datetime(2026, 3, 3, 9, 15, 2, 100_000, tzinfo=LONDON),
    )
    reply = (
        "From: Jane Resident <jane.resident@example.org>\n"
        f"Subject: RE: {case['reference']}: our response to your complaint\n"
        "Message-ID: <stage-2-please@example.org>\n\n"
        "Nobody has called me. Please escalate my complaint to stage 2.\n"
    ).encode()
    key = store_raw("", "inbound/stage0two0reply", raw=reply)

    (outcome,) = invoke(s3_event(key))["outcomes"]

    assert (outcome["outcome"], outcome["reference"]) == ("reply", case["reference"])
    taken = aws.store.get_case(case["reference"])
    assert taken.stage == 2 and taken.is_open
    assert taken.stage_2.reason == "Nobody has called me. Please escalate my complaint to stage 2."
    assert taken.assigned_officer == "complaints-officer"


def test_an_ses_spam_verdict_is_triaged_and_the_raw_message_kept(aws, store_raw):
    key = store_raw("spam_offer")

    (outcome,) = invoke(ses_event(spam="FAIL"))["outcomes"]

    assert (outcome["outcome"], outcome["reason"]) == ("triage", "spam")
    (record,) = aws.store.triage_records()
    assert record.reason == "spam"
    assert record.raw_location == f"s3://{aws.settings.raw_mail_bucket}/{key}"
    assert list(aws.store.all_cases()) == []
    kept = aws.client("s3").get_object(Bucket=aws.settings.raw_mail_bucket, Key=key)
    assert kept["Body"].read() == email("spam_offer")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("bounce_dsn", "bounce"),
        ("out_of_office", "auto_reply"),
        ("garbage", "unparseable"),
        ("empty", "unparseable"),
    ],
)
def test_mail_that_must_not_become_a_case_is_triaged_not_failed(aws, store_raw, name, reason):
    store_raw(name)

    (outcome,) = invoke(ses_event())["outcomes"]

    assert (outcome["outcome"], outcome["reason"]) == ("triage", reason)
    assert [r.reason for r in aws.store.triage_records()] == [reason]


def test_the_ses_setup_notification_records_nothing(aws):
    assert invoke(event("s3_ses_setup_notification")) == {"outcomes": []}
    assert aws.store.triage_records() == []


def test_a_missing_raw_message_raises_for_the_failure_destination(aws):
    with pytest.raises(ClientError) as raised:
        invoke(ses_event("neverstored0message"))

    assert raised.value.response["Error"]["Code"] == "NoSuchKey"


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_an_event_that_is_not_mail_raises(aws):
    with pytest.raises(UnrecognisedEvent):
        invoke({"Records": [{"eventSource": "aws:sqs", "body": "{}"}]})


def test_logs_name_references_and_outcomes_but_no_personal_data(aws, store_raw, monkeypatch):
    buffer = io.StringIO()
    monkeypatch.setattr(app.logger.registered_handler, "stream", buffer)
    store_raw("plain_complaint")

    (outcome,) = invoke(ses_event())["outcomes"]

    logs = buffer.getvalue()
    assert outcome["reference"] in logs
    assert '"outcome":"case"' in logs.replace(" ", "")
    for personal in ("Jane", "jane.resident", "planning enquiry", "Coalville", "let me down"):
        assert personal not in logs


def test_raw_mail_prefix_comes_from_the_environment(aws, store_raw, monkeypatch):
    monkeypatch.setenv("RAW_MAIL_PREFIX", "mail/")
    store_raw("html_only", f"mail/{SES_MESSAGE_ID}")

    (outcome,) = invoke(ses_event())["outcomes"]

    assert outcome["outcome"] == "case"
