"""A quarantined file's malware scan result, recorded on its case once; a clean one released."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sla_monitor.attachments import case_attachments
from sla_monitor.attachments_release import (
    CaseNotRecordedYet,
    QuarantineRelease,
    ScanOutcome,
    ScanResult,
    UnreadableScanResult,
    record_scan_result,
    scan_result_from_event,
)
from sla_monitor.calendar import LONDON
from sla_monitor.cases import CaseType, Channel, Customer
from sla_monitor.intake import NewCase, register_case
from sla_monitor.mail.raw_mail import InMemoryRawMailStore
from sla_monitor.residents import send_more_information
from sla_monitor.store.memory import InMemoryCaseStore
from sla_monitor.store.ports import customer_key
from sla_monitor.web.your_cases.uploads import Upload, keep_uploads

EVENT = Path(__file__).parents[2] / "events" / "guardduty_malware_scan_result.json"
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
SAM = "sam@example.org"
SUBMISSION = "0123456789abcdef0123456789abcdef"


@dataclass
class FakeBucket:
    """The raw-mail bucket as the release sees it: copies made, by key."""

    copies: dict[str, tuple[str, str | None, dict[str, str]]] = field(default_factory=dict)

    def release(
        self, key: str, *, version_id: str | None, to: str, metadata: Mapping[str, str]
    ) -> None:
        self.copies[to] = (key, version_id, dict(metadata))


@pytest.fixture
def store() -> InMemoryCaseStore:
    return InMemoryCaseStore()


@pytest.fixture
def work(store, policy, calendar) -> QuarantineRelease:
    return QuarantineRelease(
        store=store, policy=policy, calendar=calendar, bucket=FakeBucket(), bucket_name="raw-mail"
    )


@pytest.fixture
def photos(store, policy, calendar) -> tuple[str, list[str]]:
    """A case to which the resident sent two photos through their case page."""
    case = register_case(
        NewCase(
            case_type=CaseType.SERVICE_REQUEST,
            channel=Channel.WEB,
            received_at=MONDAY,
            subject="Damp in the bedroom",
            description="Please come and look",
            customer=Customer(name="Sam", email=SAM),
            department="housing",
            idempotency_key="form:one",
        ),
        store=store,
        policy=policy,
        calendar=calendar,
        now=MONDAY,
    ).case
    kept = keep_uploads(
        [
            Upload("bedroom wall.png", "image/png", b"png bytes"),
            Upload("invoice.exe", "application/octet-stream", b"MZ"),
        ],
        submission_id=SUBMISSION,
        raw_mail=InMemoryRawMailStore(),
    )
    send_more_information(
        case.reference,
        "Photos of the mould",
        resident=customer_key(SAM) or "",
        submission_id=SUBMISSION,
        attachments=kept,
        store=store,
        policy=policy,
        calendar=calendar,
        now=MONDAY + timedelta(minutes=5),
    )
    return case.reference, [a.s3_key for a in kept]


def result(key: str, status: str = "NO_THREATS_FOUND", **changes) -> ScanResult:
    fields = {"bucket": "raw-mail", "key": key, "version_id": "v1", "status": status, **changes}
    return ScanResult(**fields)


def offered(store, reference: str) -> dict[str, tuple[bool, str]]:
    return {
        a.filename: (a.offered, a.key)
        for a in case_attachments(store.timeline(reference), prefix="attachments/")
    }


LATER = MONDAY + timedelta(minutes=8)


def test_quarantined_files_are_not_offered_before_their_scan(store, photos):
    reference, (photo, program) = photos
    assert offered(store, reference) == {
        "bedroom-wall.png": (False, photo),
        "invoice.exe": (False, program),
    }


def test_a_clean_file_is_copied_out_of_quarantine_and_offered(store, work, photos):
    reference, (photo, _) = photos

    record = record_scan_result(result(photo), work=work, now=LATER)

    assert (record.outcome, record.reference) == (ScanOutcome.RELEASED, reference)
    released = photo.replace("attachments/quarantine/", "attachments/scanned/")
    assert work.bucket.copies == {
        released: (photo, "v1", {"case": reference, "scan-result": "NO_THREATS_FOUND"})
    }
    assert offered(store, reference)["bedroom-wall.png"] == (True, released)
    [event] = [e for e in store.timeline(reference) if e.details.get("released_from") == photo]
    assert event.kind == "attachment" and event.at == LATER
    assert event.details["scan_verdict"] == "NO_THREATS_FOUND"
    assert event.details["content_type"] == "image/png"
    assert "no threats found" in event.summary
    # The officer, told of the reply while the file could not be opened, is told it now can.
    [told] = [
        n for n in store.get_case(reference).notifications_unsent() if n.kind == "file_scanned"
    ]
    assert (told.roles, told.details) == (("owner",), {"outcome": "released"})


def test_a_file_with_a_threat_is_withheld_and_stays_in_quarantine(store, work, photos):
    reference, (_, program) = photos
    infected = result(program, "THREATS_FOUND", threats=("EICAR-Test-File",))

    record = record_scan_result(infected, work=work, now=LATER)

    assert record.outcome is ScanOutcome.WITHHELD
    assert work.bucket.copies == {}
    attachment = {
        a.filename: a for a in case_attachments(store.timeline(reference), prefix="attachments/")
    }["invoice.exe"]
    assert not attachment.offered and attachment.key == program
    assert attachment.not_offered_because == "The virus scan found a threat: withheld"
    [event] = [e for e in store.timeline(reference) if e.actor == "virus_scan"]
    assert event.details == {
        "s3_key": program,
        "scan_verdict": "THREATS_FOUND",
        "threats": "EICAR-Test-File",
    }


@pytest.mark.parametrize("status", ["UNSUPPORTED", "ACCESS_DENIED", "FAILED"])
def test_a_file_that_could_not_be_scanned_stays_in_quarantine(store, work, photos, status):
    reference, (photo, _) = photos

    record = record_scan_result(result(photo, status), work=work, now=LATER)

    assert record.outcome is ScanOutcome.NOT_SCANNED
    assert work.bucket.copies == {}
    attachment = case_attachments(store.timeline(reference), prefix="attachments/")[0]
    assert not attachment.offered and attachment.key == photo
    assert attachment.not_offered_because.startswith("Could not be scanned")


def test_a_result_delivered_twice_is_recorded_once(store, work, photos):
    reference, (photo, program) = photos
    record_scan_result(result(photo), work=work, now=LATER)
    record_scan_result(result(program, "THREATS_FOUND"), work=work, now=LATER)
    before = len(store.timeline(reference))

    again = record_scan_result(result(photo), work=work, now=LATER + timedelta(minutes=1))
    threat_again = record_scan_result(result(program, "THREATS_FOUND"), work=work, now=LATER)

    assert again.outcome is threat_again.outcome is ScanOutcome.REPEATED
    assert len(store.timeline(reference)) == before


def test_a_clean_result_after_a_threat_never_makes_the_file_safe(store, work, photos):
    reference, (_, program) = photos
    record_scan_result(result(program, "THREATS_FOUND"), work=work, now=LATER)
    # A second scan of another version cannot undo the first: the file stays withheld.
    record_scan_result(result(program, version_id="v2"), work=work, now=LATER)
    attachment = {
        a.filename: a for a in case_attachments(store.timeline(reference), prefix="attachments/")
    }["invoice.exe"]
    assert not attachment.offered


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"bucket": "someone-elses-bucket"}, "another bucket"),
        ({"key": "attachments/abc/001-photo.png"}, "not a quarantined attachment"),
        ({"key": "inbound/abc"}, "not a quarantined attachment"),
        ({"key": "attachments/quarantine/../inbound/001-x.png"}, "not a quarantined attachment"),
        (
            {"key": "attachments/quarantine/your-cases-x/y/001-a.png"},
            "not a quarantined attachment",
        ),
    ],
)
def test_results_for_anything_else_are_ignored(store, work, photos, changes, reason):
    reference, (photo, _) = photos
    before = len(store.timeline(reference))

    record = record_scan_result(result(**{"key": photo, **changes}), work=work, now=LATER)

    assert (record.outcome, record.reason) == (ScanOutcome.IGNORED, reason)
    assert work.bucket.copies == {} and len(store.timeline(reference)) == before


def test_a_key_the_case_does_not_name_is_not_released(store, work, photos):
    reference, (photo, _) = photos
    forged = photo.replace("001-", "009-")

    record = record_scan_result(result(forged), work=work, now=LATER)

    assert (record.outcome, record.reference) == (ScanOutcome.IGNORED, reference)
    assert work.bucket.copies == {}


def test_a_file_whose_delivery_is_not_recorded_yet_is_tried_again(work):
    key = "attachments/quarantine/0000000000000000-abcdefgh-ijkl/001-photo.png"
    with pytest.raises(CaseNotRecordedYet):
        record_scan_result(result(key), work=work, now=LATER)


def test_the_documented_event_is_read():
    event = json.loads(EVENT.read_text())
    read = scan_result_from_event(event)
    assert read == ScanResult(
        bucket="raw-mail",
        key=event["detail"]["s3ObjectDetails"]["objectKey"],
        version_id="d41d8cd98f00b204e9800998eEXAMPLE",
        status="NO_THREATS_FOUND",
    )
    threat = copy.deepcopy(event)
    threat["detail"]["scanResultDetails"] = {
        "scanResultStatus": "THREATS_FOUND",
        "threats": [{"name": "EICAR-Test-File (not a virus)"}],
    }
    assert scan_result_from_event(threat).threats == ("EICAR-Test-File (not a virus)",)
    skipped = copy.deepcopy(event)
    skipped["detail"]["scanStatus"] = "SKIPPED"
    skipped["detail"]["scanResultDetails"] = {"scanResultStatus": None, "threats": None}
    assert scan_result_from_event(skipped).status == "SKIPPED"


@pytest.mark.parametrize(
    "change",
    [
        {"source": "aws.s3"},
        {"detail-type": "GuardDuty Malware Protection Resource Status"},
        {"detail": {"resourceType": "S3_OBJECT"}},
    ],
)
def test_other_events_are_refused(change):
    event = {**json.loads(EVENT.read_text()), **change}
    with pytest.raises(UnreadableScanResult):
        scan_result_from_event(event)


def test_a_file_that_failed_its_scan_is_released_by_a_clean_scan_later(store, work, photos):
    reference, (photo, _) = photos
    record_scan_result(result(photo, "FAILED"), work=work, now=LATER)
    # Scanned again by hand (GuardDuty's SendObjectMalwareScan): clean this time.
    record = record_scan_result(result(photo), work=work, now=LATER)
    assert record.outcome is ScanOutcome.RELEASED
    assert offered(store, reference)["bedroom-wall.png"][0] is True
