"""Hostile mail through the email intake handler on moto: each message ends in exactly one
outcome, quickly, within the function's memory, and its raw copy stays in the bucket."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

from .hostile_mail import huge_html, long_from_name, many_attachments
from .test_email_intake_handler import SES_MESSAGE_ID, email, invoke, ses_event

ROOT = Path(__file__).resolve().parents[2]
# What the Lambda runtime, the layer's imports and boto3 take before a message is read.
RUNTIME_ALLOWANCE_MB = 200


class _CloudFormationLoader(yaml.SafeLoader):
    pass


_CloudFormationLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def intake_memory_mb() -> int:
    template = yaml.load((ROOT / "template.yaml").read_text(), Loader=_CloudFormationLoader)
    function = template["Resources"]["EmailIntakeFunction"]["Properties"]
    return int(function.get("MemorySize") or template["Globals"]["Function"]["MemorySize"])


@pytest.fixture
def aws(embedded):
    return embedded


def take_in(aws, raw: bytes, event: dict | None = None) -> tuple[dict, float]:
    aws.client("s3").put_object(
        Bucket=aws.settings.raw_mail_bucket, Key=f"inbound/{SES_MESSAGE_ID}", Body=raw
    )
    # The processor time this process spent, not the wall clock: a guard against parsing that
    # grows out of hand, which other work on a busy machine must not trip (timings proper are
    # `make bench`'s).
    started = time.process_time()
    answer = invoke(event or ses_event())
    elapsed = time.process_time() - started
    (outcome,) = answer["outcomes"]
    return outcome, elapsed


def raw_kept(aws) -> bytes:
    s3 = aws.client("s3")
    stored = s3.get_object(Bucket=aws.settings.raw_mail_bucket, Key=f"inbound/{SES_MESSAGE_ID}")
    return stored["Body"].read()


def test_two_hundred_attachments_give_one_case_within_the_transaction_limit(aws):
    raw = many_attachments(200)

    outcome, elapsed = take_in(aws, raw)

    assert outcome["outcome"] == "case" and elapsed < 10
    # The first hundred are kept as files; the rest stay in the original, which is kept whole.
    assert outcome["attachments"] == 100
    timeline = aws.store.timeline(outcome["reference"])
    together = [e for e in timeline if e.kind == "attachments"]
    assert len(together) == 1 and together[0].details["count"] == "82"
    assert raw_kept(aws) == raw


def test_a_message_id_of_three_thousand_characters_is_not_used_as_a_key(aws):
    raw = email("long_message_id")

    outcome, elapsed = take_in(aws, raw)

    assert outcome["outcome"] == "case" and elapsed < 10
    case = aws.store.get_case(outcome["reference"])
    assert case.source_message_id is None
    assert raw_kept(aws) == raw


def test_a_from_name_larger_than_an_item_is_cut_to_a_name(aws):
    raw = long_from_name(450_000)

    outcome, elapsed = take_in(aws, raw)

    assert outcome["outcome"] == "case" and elapsed < 10
    case = aws.store.get_case(outcome["reference"])
    assert case.customer.email == "jane.resident@example.org"
    assert len(case.customer.name) <= 200
    assert raw_kept(aws) == raw


def test_forty_megabytes_of_html_fit_the_function_memory_and_time(aws):
    raw = huge_html(40)
    limit_mb = intake_memory_mb() - RUNTIME_ALLOWANCE_MB

    tracemalloc.start()
    try:
        outcome, elapsed = take_in(aws, raw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert outcome["outcome"] == "case" and elapsed < 10
    # Measured beside moto, which holds its own copies of the stored object.
    assert peak / 2**20 < limit_mb
    case = aws.store.get_case(outcome["reference"])
    assert case.description.startswith("The bin on Elm Road was missed again & again")
    assert len(case.description) < 31_000
    assert len(raw_kept(aws)) == len(raw)


def test_attachments_whose_virus_scan_did_not_finish_are_quarantined(aws):
    event = ses_event()
    event["Records"][0]["ses"]["receipt"]["virusVerdict"]["status"] = "PROCESSING_FAILED"

    outcome, elapsed = take_in(aws, email("virus_scan_unfinished"), event)

    assert outcome["outcome"] == "case" and elapsed < 10
    s3 = aws.client("s3")
    bucket = aws.settings.raw_mail_bucket
    (stored,) = s3.list_objects_v2(Bucket=bucket, Prefix="attachments/")["Contents"]
    assert stored["Key"] == f"attachments/quarantine/{SES_MESSAGE_ID}/001-fence-photos.zip"
    head = s3.head_object(Bucket=bucket, Key=stored["Key"])
    assert head["ContentType"] == "application/octet-stream"
    assert head["Metadata"]["virus-verdict"] == "PROCESSING_FAILED"
    files = [e for e in aws.store.timeline(outcome["reference"]) if e.kind == "attachment"]
    # The original holds the file too: neither is offered as safe.
    assert [e.details.get("quarantined") for e in files] == ["yes", "yes"]
    assert all("quarantined" in e.summary for e in files)


def test_a_file_name_with_bidirectional_controls_is_shown_as_it_really_is(aws):
    outcome, _ = take_in(aws, email("bidi_filename"))

    assert outcome["outcome"] == "case"
    files = [e for e in aws.store.timeline(outcome["reference"]) if e.kind == "attachment"]
    assert files[-1].summary == "attachment kept: billfdp.exe"
    assert files[-1].details["s3_key"].endswith("/001-billfdp.exe")
