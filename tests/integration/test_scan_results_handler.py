"""The scan results function on moto: files kept in quarantine, GuardDuty's EventBridge events
about them, the handler run in-process; a clean file is copied out and offered to staff, an
infected one is not."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from functions.scan_results import app
from sla_monitor.attachments import S3AttachmentLinks, case_attachments
from sla_monitor.mail.raw_mail import S3RawMailStore
from sla_monitor.residents import send_more_information
from sla_monitor.store.ports import customer_key
from sla_monitor.web.your_cases.uploads import Upload, keep_uploads

from .lambda_context import lambda_context
from .test_email_intake_handler import SES_MESSAGE_ID, email, ses_event
from .test_email_intake_handler import invoke as take_in_mail

EVENT = Path(__file__).parents[1] / "events" / "guardduty_malware_scan_result.json"
SUBMISSION = "fedcba9876543210fedcba9876543210"
FENCE = f"attachments/quarantine/{SES_MESSAGE_ID}/001-fence-photos.zip"
PROGRAM = f"attachments/quarantine/your-cases-{SUBMISSION}/001-invoice.exe"


@pytest.fixture(autouse=True)
def _fresh_metrics():
    yield
    app.metrics.clear_metrics()


@pytest.fixture
def quarantined(embedded):
    """An emailed zip SES could not finish scanning, and a program the resident then sent
    through their case page: both in quarantine, on one case."""
    s3 = embedded.client("s3")
    bucket = embedded.settings.raw_mail_bucket
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(
        Bucket=bucket, Key=f"inbound/{SES_MESSAGE_ID}", Body=email("virus_scan_unfinished")
    )
    event = ses_event()
    event["Records"][0]["ses"]["receipt"]["virusVerdict"]["status"] = "PROCESSING_FAILED"
    (outcome,) = take_in_mail(event)["outcomes"]
    reference = outcome["reference"]
    case = embedded.store.get_case(reference)
    kept = keep_uploads(
        [Upload("invoice.exe", "application/octet-stream", b"MZ not really a program")],
        submission_id=SUBMISSION,
        raw_mail=S3RawMailStore(s3, bucket),
    )
    send_more_information(
        reference,
        "The invoice for the fence",
        resident=customer_key(case.customer.email) or "",
        submission_id=SUBMISSION,
        attachments=kept,
        store=embedded.store,
        policy=embedded.policy,
        calendar=embedded.calendar,
        now=datetime.now(UTC),
    )
    assert [a.s3_key for a in kept] == [PROGRAM]
    return reference


def scan_result(embedded, key: str, status: str, threats: list[str] | None = None) -> dict:
    """GuardDuty's event for one object, as AWS documents it."""
    event = json.loads(EVENT.read_text())
    bucket = embedded.settings.raw_mail_bucket
    head = embedded.client("s3").head_object(Bucket=bucket, Key=key)
    event["detail"]["s3ObjectDetails"].update(
        bucketName=bucket, objectKey=key, eTag=head["ETag"].strip('"'), versionId=head["VersionId"]
    )
    event["detail"]["scanResultDetails"] = {
        "scanResultStatus": status,
        "threats": [{"name": name} for name in threats] if threats else None,
    }
    return event


def invoke(event: dict) -> dict:
    return app.handler(copy.deepcopy(event), lambda_context("ScanResultsFunction"))


def staff_files(embedded, reference: str) -> dict[str, tuple[bool, str]]:
    timeline = embedded.store.timeline(reference)
    return {
        a.filename: (a.offered, a.key) for a in case_attachments(timeline, prefix="attachments/")
    }


def test_a_clean_file_is_released_to_staff_and_an_infected_one_withheld(
    embedded, quarantined, caplog
):
    reference = quarantined
    s3 = embedded.client("s3")
    bucket = embedded.settings.raw_mail_bucket
    assert staff_files(embedded, reference) == {
        "fence-photos.zip": (False, FENCE),
        "invoice.exe": (False, PROGRAM),
    }
    clean = scan_result(embedded, FENCE, "NO_THREATS_FOUND")
    infected = scan_result(embedded, PROGRAM, "THREATS_FOUND", ["EICAR-Test-File (not a virus)"])

    assert invoke(clean)["outcome"] == "released"
    assert invoke(infected)["outcome"] == "withheld"
    # EventBridge delivers at least once: the same results again record nothing more.
    events = len(embedded.store.timeline(reference))
    assert invoke(clean)["outcome"] == invoke(infected)["outcome"] == "repeated"
    assert len(embedded.store.timeline(reference)) == events

    released = f"attachments/scanned/{SES_MESSAGE_ID}/001-fence-photos.zip"
    assert staff_files(embedded, reference) == {
        "fence-photos.zip": (True, released),
        "invoice.exe": (False, PROGRAM),
    }
    original = s3.get_object(Bucket=bucket, Key=FENCE)["Body"].read()
    copied = s3.get_object(Bucket=bucket, Key=released)
    assert copied["Body"].read() == original
    assert copied["Metadata"] == {"case": reference, "scan-result": "NO_THREATS_FOUND"}
    # The infected file stays in quarantine, and nothing of it is copied out.
    assert s3.head_object(Bucket=bucket, Key=PROGRAM)
    scanned = s3.list_objects_v2(Bucket=bucket, Prefix="attachments/scanned/")["Contents"]
    assert [o["Key"] for o in scanned] == [released]

    # Staff download the released copy through the usual short-lived link.
    (fence,) = [
        a
        for a in case_attachments(embedded.store.timeline(reference), prefix="attachments/")
        if a.offered
    ]
    link = S3AttachmentLinks(s3, bucket).link(fence)
    assert urlsplit(link).path.endswith(released)

    # Nothing personal in the logs: no file names, no keys.
    recorded = [r for r in caplog.records if r.name == "scan-results"]
    logged = " ".join(str(r.__dict__) for r in recorded)
    assert "fence-photos" not in logged and "invoice" not in logged
    assert [getattr(r, "outcome", None) for r in recorded] == [
        "released",
        "withheld",
        "repeated",
        "repeated",
    ]


def test_a_file_that_could_not_be_scanned_stays_in_quarantine(embedded, quarantined):
    answer = invoke(scan_result(embedded, FENCE, "UNSUPPORTED"))

    assert answer["outcome"] == "not_scanned"
    assert staff_files(embedded, quarantined)["fence-photos.zip"] == (False, FENCE)
    bucket = embedded.settings.raw_mail_bucket
    assert "Contents" not in embedded.client("s3").list_objects_v2(
        Bucket=bucket, Prefix="attachments/scanned/"
    )


def test_results_about_another_bucket_or_not_about_a_scan_are_ignored(embedded, quarantined):
    elsewhere = scan_result(embedded, FENCE, "NO_THREATS_FOUND")
    elsewhere["detail"]["s3ObjectDetails"]["bucketName"] = "someone-elses-bucket"
    status_change = {**elsewhere, "detail-type": "GuardDuty Malware Protection Resource Status"}
    before = len(embedded.store.timeline(quarantined))

    assert invoke(elsewhere)["outcome"] == "ignored"
    assert invoke(status_change)["outcome"] == "unreadable"
    assert len(embedded.store.timeline(quarantined)) == before
    assert staff_files(embedded, quarantined)["fence-photos.zip"] == (False, FENCE)


def test_a_scan_that_finishes_before_its_case_is_recorded_is_retried(embedded):
    bucket = embedded.settings.raw_mail_bucket
    s3 = embedded.client("s3")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    key = "attachments/quarantine/not-recorded-yet/001-photo.jpg"
    s3.put_object(Bucket=bucket, Key=key, Body=b"jpeg")
    with pytest.raises(Exception, match="email:not-recorded-yet"):
        invoke(scan_result(embedded, key, "NO_THREATS_FOUND"))
