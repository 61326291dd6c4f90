"""Which of a case's files are offered for download, and the link made for one."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import boto3

from sla_monitor.attachments import (
    S3AttachmentLinks,
    attachment_id,
    case_attachments,
    find_attachment,
)
from sla_monitor.cases import TimelineEvent

AT = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def kept(key: str, **details: str) -> TimelineEvent:
    return TimelineEvent(
        at=AT,
        kind="attachment",
        actor="customer",
        summary="attachment kept",
        details={"s3_key": key, "content_type": "image/jpeg", "size": "2048", **details},
    )


def test_only_files_under_the_attachments_prefix_are_listed_once_each():
    timeline = [
        kept("inbound/abc"),  # the original email, kept with the raw mail
        kept("attachments/abc/001-photo.jpg"),
        kept("attachments/abc/001-photo.jpg"),
        kept("attachments/../inbound/abc"),
        TimelineEvent(at=AT, kind="note", actor="x", summary="y", details={"s3_key": "a"}),
    ]
    (photo,) = case_attachments(timeline, prefix="attachments/")
    assert photo.filename == "photo.jpg"
    assert photo.size == 2048
    assert photo.offered and photo.scanned_clean is None
    assert find_attachment(timeline, photo.attachment_id, prefix="attachments/") == photo
    assert find_attachment(timeline, attachment_id("inbound/abc"), prefix="attachments/") is None


def test_a_file_whose_scan_was_not_clean_is_not_offered_whatever_came_first():
    timeline = [
        kept("attachments/x/001-a.pdf"),
        kept("attachments/x/001-a.pdf", virus_verdict="FAIL"),
        kept("attachments/x/002-b.pdf", scan="PASS"),
        kept("attachments/x/003-c.pdf", verdict="GRAY"),
    ]
    offered = {a.filename: a.offered for a in case_attachments(timeline, prefix="attachments/")}
    assert offered == {"a.pdf": False, "b.pdf": True, "c.pdf": False}


def test_a_quarantined_file_is_offered_only_once_a_clean_copy_is_released():
    quarantined = "attachments/quarantine/abc/001-damp.jpg"
    released = "attachments/scanned/abc/001-damp.jpg"
    timeline = [kept(quarantined, quarantined="yes"), kept("attachments/abc/002-b.jpg")]
    (damp, other) = case_attachments(timeline, prefix="attachments/")
    assert not damp.offered and damp.scan == "QUARANTINED"
    assert damp.not_offered_because == "In quarantine until it is scanned: not offered for download"

    timeline.append(
        kept(released, released_from=quarantined, scan_verdict="NO_THREATS_FOUND", size="")
    )
    (damp, again) = case_attachments(timeline, prefix="attachments/")
    assert again == other
    assert damp.offered and damp.not_offered_because is None
    assert (damp.key, damp.attachment_id) == (released, attachment_id(released))
    assert (damp.filename, damp.size) == ("damp.jpg", 2048)
    assert find_attachment(timeline, attachment_id(quarantined), prefix="attachments/") is None


def test_a_copy_of_a_file_found_infected_is_never_offered():
    quarantined = "attachments/quarantine/abc/001-a.exe"
    timeline = [
        kept(quarantined, quarantined="yes"),
        kept(quarantined, scan_verdict="THREATS_FOUND"),
        kept("attachments/scanned/abc/001-a.exe", released_from=quarantined, scan_verdict="CLEAN"),
    ]
    (program,) = case_attachments(timeline, prefix="attachments/")
    assert not program.offered
    assert program.not_offered_because == "The virus scan found a threat: withheld"


def test_the_link_is_a_short_lived_download_of_that_key(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    s3 = boto3.client("s3", region_name="eu-west-2")
    (photo,) = case_attachments(
        [kept("attachments/abc/001-caf-plan.jpg", filename="café plan.jpg")],
        prefix="attachments/",
    )
    link = urlsplit(S3AttachmentLinks(s3, "raw-mail", lifetime=120).link(photo))
    query = parse_qs(link.query)
    assert link.path.endswith("/attachments/abc/001-caf-plan.jpg")
    assert query["X-Amz-Expires"] == ["120"]
    disposition = query["response-content-disposition"][0]
    assert disposition.startswith('attachment; filename="caf plan.jpg"')
    assert "filename*=UTF-8''caf%C3%A9%20plan.jpg" in disposition
