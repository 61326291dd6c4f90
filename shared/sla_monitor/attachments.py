"""The files that came with a case, as staff download them.

Intake keeps each attachment in the raw-mail bucket under the attachments prefix and records it
on the case's timeline (an `attachment` event naming its key). Staff download one through a
short-lived link (an S3 presigned GET) made only when they ask for it, only for a key that the
case's own timeline names under that prefix, and never for a file whose virus scan, where the
timeline records one, was not clean, nor for a file kept in quarantine.

A quarantined file whose scan later finds no threat is copied out of quarantine and recorded
again (`released_from` naming the quarantined key): from then on the copy stands in its place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote

from sla_monitor.cases import TimelineEvent

# How long a download link works: long enough to start the download, short enough that a link
# copied out of the browser is soon of no use.
LINK_LIFETIME_SECONDS = 300

# Where a scan verdict would be recorded on an attachment's timeline event, and the verdicts
# that mean clean (SES writes PASS; GuardDuty NO_THREATS_FOUND; other scanners say CLEAN).
_VERDICT_DETAILS = ("virus_verdict", "scan_verdict", "scan", "verdict")
_CLEAN = frozenset({"PASS", "CLEAN", "NO_THREATS_FOUND"})
# The verdict of a file kept in quarantine (`quarantined: yes`) until a scan says otherwise.
QUARANTINED = "QUARANTINED"
# Verdicts that say only that no scan has cleared the file yet: a later clean scan may.
_NOT_SCANNED = frozenset({QUARANTINED, "UNSUPPORTED", "ACCESS_DENIED", "FAILED", "SKIPPED"})
# Why a file is not offered, as staff read it beside the file's name.
_NOT_OFFERED_BECAUSE = {
    QUARANTINED: "In quarantine until it is scanned: not offered for download",
    "THREATS_FOUND": "The virus scan found a threat: withheld",
    "UNSUPPORTED": "Could not be scanned: kept in quarantine, not offered for download",
    "ACCESS_DENIED": "Could not be scanned: kept in quarantine, not offered for download",
    "FAILED": "Could not be scanned: kept in quarantine, not offered for download",
    "SKIPPED": "Could not be scanned: kept in quarantine, not offered for download",
}


@dataclass(frozen=True)
class CaseAttachment:
    attachment_id: str  # stable, and says nothing about the file
    filename: str
    content_type: str
    size: int | None
    key: str
    received_at: datetime
    scan: str | None = None  # the verdict recorded, if any

    @property
    def scanned_clean(self) -> bool | None:
        """True or False where a verdict is recorded; None where none is."""
        return None if self.scan is None else self.scan.upper() in _CLEAN

    @property
    def offered(self) -> bool:
        """May be downloaded: no verdict recorded, or a clean one."""
        return self.scanned_clean is not False

    @property
    def not_offered_because(self) -> str | None:
        """Why staff may not download it, in a few words; None when they may."""
        if self.offered:
            return None
        return _NOT_OFFERED_BECAUSE.get(
            (self.scan or "").upper(), "Not scanned clean: not offered for download"
        )


def attachment_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _filename(event: TimelineEvent, key: str) -> str:
    named = event.details.get("filename")
    if named:
        return named
    # Intake's keys end NNN-<safe file name>.
    last = key.rsplit("/", 1)[-1]
    number, dash, rest = last.partition("-")
    return rest if dash and number.isdigit() and rest else last


def _clean(verdict: str) -> bool:
    return verdict.upper() in _CLEAN


def case_attachments(timeline: Iterable[TimelineEvent], *, prefix: str) -> list[CaseAttachment]:
    """The attachments the case's timeline records under `prefix`, in the order they came. A
    key named by more than one event is one attachment; once a verdict that was not clean is
    recorded on any of them, no later clean one makes it safe (a later verdict that is not
    clean either says more, and replaces it). A clean copy released from quarantine takes the
    quarantined file's place, and is not offered either if that file was found not clean."""
    found: dict[str, CaseAttachment] = {}
    for event in timeline:
        key = event.details.get("s3_key", "")
        if event.kind != "attachment" or not key.startswith(prefix) or ".." in key:
            continue
        size = event.details.get("size", "")
        verdict = next((event.details[d] for d in _VERDICT_DETAILS if event.details.get(d)), None)
        if verdict is None and event.details.get("quarantined") == "yes":
            verdict = QUARANTINED
        earlier = found.get(key)
        if earlier is not None:
            if verdict is not None and (earlier.scanned_clean is not False or not _clean(verdict)):
                found[key] = replace(earlier, scan=verdict)
            continue
        released_from = found.get(event.details.get("released_from", ""))
        if released_from is not None:
            # The copy stands where the quarantined file stood; a file a scan found not clean
            # stays not clean whatever its copy says.
            if (released_from.scan or "").upper() not in _NOT_SCANNED and not released_from.offered:
                verdict = released_from.scan
            copy = replace(released_from, attachment_id=attachment_id(key), key=key, scan=verdict)
            found = {
                (key if k == released_from.key else k): (copy if k == released_from.key else a)
                for k, a in found.items()
            }
            continue
        found[key] = CaseAttachment(
            attachment_id=attachment_id(key),
            filename=_filename(event, key),
            content_type=event.details.get("content_type") or "application/octet-stream",
            size=int(size) if size.isdigit() else None,
            key=key,
            received_at=event.at,
            scan=verdict,
        )
    return list(found.values())


def find_attachment(
    timeline: Iterable[TimelineEvent], wanted: str, *, prefix: str
) -> CaseAttachment | None:
    return next(
        (a for a in case_attachments(timeline, prefix=prefix) if a.attachment_id == wanted), None
    )


class AttachmentLinks(Protocol):
    def link(self, attachment: CaseAttachment) -> str:
        """An address the browser can download the file from, for a few minutes."""
        ...


class S3AttachmentLinks:
    """Presigned GETs on the raw-mail bucket, signed with the function's own credentials."""

    def __init__(self, client: Any, bucket: str, *, lifetime: int = LINK_LIFETIME_SECONDS) -> None:
        self.client = client
        self.bucket = bucket
        self.lifetime = lifetime

    def link(self, attachment: CaseAttachment) -> str:
        # Always a download, never shown by the browser: the file is the customer's, not ours.
        name = attachment.filename
        plain = name.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "")
        encoded = quote(name, safe="")
        disposition = (
            f"attachment; filename=\"{plain or 'attachment'}\"; filename*=UTF-8''{encoded}"
        )
        address: str = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": attachment.key,
                "ResponseContentDisposition": disposition,
                "ResponseContentType": attachment.content_type,
            },
            ExpiresIn=self.lifetime,
        )
        return address
