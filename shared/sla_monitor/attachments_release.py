"""Files in quarantine, released once GuardDuty's malware scan finds them clean.

Files a resident sends through their case page, and email attachments SES could not finish
scanning, are kept under the quarantine folder of the attachments prefix and never offered to
staff. GuardDuty Malware Protection for S3 scans each one as it lands there and reports the
result on EventBridge. For each result this records, once, on the case the file came with:

- no threats found: the scanned version is copied beside the other attachments (under
  `scanned/`), and the copy is recorded as the case's file, clean, so staff may download it;
- threats found: the file is withheld for good, and stays in quarantine;
- not scanned (unsupported, access denied, failed, skipped): it stays in quarantine, not offered.

The officer dealing with an open case is told, through the case's outbox, what became of the
file: they heard of the customer's reply while the file could not yet be opened.

Nothing in the event is trusted: the bucket and the key's place must be ours, the case is found
from the delivery that kept the file (the key's folder), and the case's own timeline must name
that very key.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, NotificationKind, TimelineEvent
from sla_monitor.listing import schedule_of
from sla_monitor.policy import Policy
from sla_monitor.policy_terms import Role
from sla_monitor.store.ports import (
    CaseStore,
    DuplicateDeliveryError,
    retry_on_conflict,
)

if TYPE_CHECKING:
    from sla_monitor.runtime import Services

SCAN_RESULT = "GuardDuty Malware Protection Object Scan Result"
# Under the attachments prefix: where a clean copy of a quarantined file is kept.
SCANNED = "scanned/"
ACTOR = "virus_scan"
NO_THREATS_FOUND = "NO_THREATS_FOUND"
THREATS_FOUND = "THREATS_FOUND"
# Files are kept as <folder>/<NNN>-<safe name>, the folder naming the delivery: an SES message
# id for email, "your-cases-<submission>" for the residents' pages.
_QUARANTINED_FILE = re.compile(
    r"(?P<folder>[A-Za-z0-9._-]{1,200})/(?P<file>[0-9]{3}-[A-Za-z0-9._-]{1,100})"
)
_RESIDENTS_FOLDER = "your-cases-"
_SAVE_ATTEMPTS = 3
_WHY_NOT_SCANNED = {
    "UNSUPPORTED": "GuardDuty does not scan files of its kind or size",
    "ACCESS_DENIED": "GuardDuty could not read it",
    "FAILED": "the scan failed",
    "SKIPPED": "the scan was skipped",
}


class UnreadableScanResult(ValueError):
    """The event is not a GuardDuty malware scan result for an S3 object."""


class CaseNotRecordedYet(Exception):
    """The delivery that kept the file is not recorded yet (intake keeps files first, then the
    case): raised so the invocation is retried."""


class ScanOutcome(enum.StrEnum):
    RELEASED = "released"
    WITHHELD = "withheld"
    NOT_SCANNED = "not_scanned"
    REPEATED = "repeated"
    IGNORED = "ignored"


@dataclass(frozen=True)
class ScanResult:
    """One object's scan, as GuardDuty reported it."""

    bucket: str
    key: str
    version_id: str | None
    status: str  # NO_THREATS_FOUND, THREATS_FOUND, UNSUPPORTED, ACCESS_DENIED, FAILED, SKIPPED
    threats: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScanRecord:
    """What came of one result: the outcome, the case and why (nothing personal)."""

    outcome: ScanOutcome
    reference: str | None = None
    reason: str = ""

    def log_fields(self) -> dict[str, Any]:
        fields = {"outcome": self.outcome.value, "reference": self.reference, "reason": self.reason}
        return {k: v for k, v in fields.items() if v}


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class _Threat(_Lenient):
    name: str = ""


class _ResultDetails(_Lenient):
    scanResultStatus: str | None = None
    threats: list[_Threat] | None = None


class _ObjectDetails(_Lenient):
    bucketName: str = Field(min_length=3, max_length=63)
    objectKey: str = Field(min_length=1, max_length=1024)
    versionId: str | None = None


class _Detail(_Lenient):
    scanStatus: str | None = None
    resourceType: str | None = None
    s3ObjectDetails: _ObjectDetails
    scanResultDetails: _ResultDetails | None = None


class _Event(_Lenient):
    source: str
    detail_type: str = Field(alias="detail-type")
    detail: _Detail


def scan_result_from_event(event: Mapping[str, Any]) -> ScanResult:
    """The scan result an EventBridge event carries, or UnreadableScanResult."""
    try:
        parsed = _Event.model_validate(event)
    except ValidationError as error:
        raise UnreadableScanResult("not a scan result event") from error
    if parsed.source != "aws.guardduty" or parsed.detail_type != SCAN_RESULT:
        raise UnreadableScanResult("not a scan result event")
    detail = parsed.detail
    if detail.resourceType not in (None, "S3_OBJECT"):
        raise UnreadableScanResult("not an S3 object")
    result = detail.scanResultDetails
    status = (result.scanResultStatus if result else None) or detail.scanStatus or "FAILED"
    threats = tuple(t.name[:100] for t in (result.threats or []) if t.name) if result else ()
    return ScanResult(
        bucket=detail.s3ObjectDetails.bucketName,
        key=detail.s3ObjectDetails.objectKey,
        version_id=detail.s3ObjectDetails.versionId,
        status=status.upper(),
        threats=threats[:10],
    )


class QuarantineBucket(Protocol):
    def release(
        self, key: str, *, version_id: str | None, to: str, metadata: Mapping[str, str]
    ) -> None:
        """Copy that version of the quarantined file to `to` in the same bucket (overwriting:
        a retry copies the same bytes again)."""
        ...


class S3QuarantineBucket:
    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def release(
        self, key: str, *, version_id: str | None, to: str, metadata: Mapping[str, str]
    ) -> None:
        source = {"Bucket": self.bucket, "Key": key}
        if version_id:
            # Exactly the version that was scanned, never one written since.
            source["VersionId"] = version_id
        self.client.copy_object(
            Bucket=self.bucket,
            Key=to,
            CopySource=source,
            MetadataDirective="REPLACE",
            Metadata=dict(metadata),
            ContentType="application/octet-stream",
            # The scan's tags stay on the quarantined file; the copy needs none.
            TaggingDirective="REPLACE",
        )


@dataclass(frozen=True)
class QuarantineRelease:
    """What recording a scan result works with, passed in so tests can hand in fakes."""

    store: CaseStore
    policy: Policy
    calendar: WorkingDayCalendar
    bucket: QuarantineBucket
    bucket_name: str
    attachment_prefix: str = "attachments/"

    @property
    def quarantine_prefix(self) -> str:
        from sla_monitor.mail.receive import QUARANTINE  # the mail intake's module is large

        return f"{self.attachment_prefix}{QUARANTINE}"


def quarantine_release(services: Services, attachment_prefix: str) -> QuarantineRelease:
    """The release wired to the deployed (or embedded) raw-mail bucket and case store."""
    bucket = services.settings.raw_mail_bucket
    return QuarantineRelease(
        store=services.store,
        policy=services.policy,
        calendar=services.calendar,
        bucket=S3QuarantineBucket(services.client("s3"), bucket),
        bucket_name=bucket,
        attachment_prefix=attachment_prefix,
    )


def delivery_of_file(key: str, *, quarantine_prefix: str) -> tuple[str, str] | None:
    """The idempotency key of the delivery that kept a quarantined file, and the file's place
    under the quarantine folder; None for a key that is not one of ours."""
    if not key.startswith(quarantine_prefix) or ".." in key:
        return None
    place = key.removeprefix(quarantine_prefix)
    match = _QUARANTINED_FILE.fullmatch(place)
    if match is None:
        return None
    folder = match["folder"]
    if folder.startswith(_RESIDENTS_FOLDER):
        return f"your-cases:{folder.removeprefix(_RESIDENTS_FOLDER)}", place
    return f"email:{folder}", place


def _idempotency_key(result: ScanResult) -> str:
    # One result of one version of one object: GuardDuty may deliver it twice, or scan the
    # version again by hand with another result.
    digest = hashlib.sha256(
        f"{result.bucket}/{result.key}#{result.version_id or ''}:{result.status}".encode()
    ).hexdigest()
    return f"malware-scan:{digest[:40]}"


def _kept_event(timeline: list[TimelineEvent], key: str) -> TimelineEvent | None:
    return next(
        (e for e in timeline if e.kind == "attachment" and e.details.get("s3_key") == key), None
    )


def _found_not_clean(timeline: list[TimelineEvent], key: str) -> bool:
    return any(
        e.kind == "attachment"
        and e.details.get("s3_key") == key
        and e.details.get("scan_verdict") == THREATS_FOUND
        for e in timeline
    )


def record_scan_result(result: ScanResult, *, work: QuarantineRelease, now: datetime) -> ScanRecord:
    """Record one scan result on the case its file came with, once; release a clean file."""
    if result.bucket != work.bucket_name:
        return ScanRecord(ScanOutcome.IGNORED, reason="another bucket")
    found = delivery_of_file(result.key, quarantine_prefix=work.quarantine_prefix)
    if found is None:
        return ScanRecord(ScanOutcome.IGNORED, reason="not a quarantined attachment")
    delivery_key, place = found
    delivery = work.store.find_delivery(delivery_key)
    if delivery is None:
        raise CaseNotRecordedYet(delivery_key)
    if delivery.reference is None:
        return ScanRecord(ScanOutcome.IGNORED, reason="its message was set aside, not on a case")
    reference = delivery.reference
    idempotency_key = _idempotency_key(result)
    if work.store.find_delivery(idempotency_key) is not None:
        return ScanRecord(ScanOutcome.REPEATED, reference)
    timeline = work.store.timeline(reference)
    kept = _kept_event(timeline, result.key)
    if kept is None or kept.details.get("quarantined") != "yes":
        return ScanRecord(ScanOutcome.IGNORED, reference, "not a quarantined file of the case")
    if result.status == NO_THREATS_FOUND and _found_not_clean(timeline, result.key):
        # Another scan of the file found a threat: nothing undoes that.
        return ScanRecord(ScanOutcome.IGNORED, reference, "withheld already")

    outcome, event = _scan_event(result, kept, place=place, work=work, now=now)
    if outcome is ScanOutcome.RELEASED:
        work.bucket.release(
            result.key,
            version_id=result.version_id,
            to=event.details["s3_key"],
            metadata={"case": reference, "scan-result": NO_THREATS_FOUND},
        )
    if not _save(reference, event, outcome, idempotency_key, work=work, now=now):
        return ScanRecord(ScanOutcome.REPEATED, reference)
    return ScanRecord(outcome, reference, result.status.lower())


def _scan_event(
    result: ScanResult,
    kept: TimelineEvent,
    *,
    place: str,
    work: QuarantineRelease,
    now: datetime,
) -> tuple[ScanOutcome, TimelineEvent]:
    name = kept.details.get("filename") or place.rsplit("/", 1)[-1]
    described = {
        k: kept.details[k] for k in ("filename", "content_type", "size") if kept.details.get(k)
    }
    if result.status == NO_THREATS_FOUND:
        return ScanOutcome.RELEASED, TimelineEvent(
            at=now,
            kind="attachment",
            actor=ACTOR,
            summary=f"attachment scanned, no threats found, and offered to staff: {name}",
            details={
                **described,
                "s3_key": f"{work.attachment_prefix}{SCANNED}{place}",
                "released_from": result.key,
                "scan_verdict": NO_THREATS_FOUND,
            },
        )
    if result.status == THREATS_FOUND:
        return ScanOutcome.WITHHELD, TimelineEvent(
            at=now,
            kind="attachment",
            actor=ACTOR,
            summary=f"attachment withheld: the virus scan found a threat in it: {name}",
            details={
                "s3_key": result.key,
                "scan_verdict": THREATS_FOUND,
                **({"threats": ", ".join(result.threats)[:500]} if result.threats else {}),
            },
        )
    why = _WHY_NOT_SCANNED.get(result.status, "the scan did not finish")
    return ScanOutcome.NOT_SCANNED, TimelineEvent(
        at=now,
        kind="attachment",
        actor=ACTOR,
        summary=f"attachment could not be scanned ({why}); it stays in quarantine: {name}",
        details={"s3_key": result.key, "scan_verdict": result.status[:40]},
    )


def _save(
    reference: str,
    event: TimelineEvent,
    outcome: ScanOutcome,
    idempotency_key: str,
    *,
    work: QuarantineRelease,
    now: datetime,
) -> bool:
    """Append the event once, and on an open case owe its officer a message saying what
    became of the file (the outbox the deadline checker sends from); False when this result
    was recorded before."""

    def attempt() -> bool:
        case: Case | None = work.store.get_case(reference)
        if case is None:
            raise CaseNotRecordedYet(reference)
        if case.is_open:
            case = case.notify(
                NotificationKind.FILE_SCANNED,
                at=now,
                roles=(Role.OWNER.value,),
                outcome=outcome.value,
            )
        try:
            work.store.save_case(
                case,
                events=[event],
                schedule=schedule_of(case, work.policy, work.calendar, now),
                idempotency_key=idempotency_key,
            )
        except DuplicateDeliveryError:
            return False
        return True

    return retry_on_conflict(attempt, reference=reference, attempts=_SAVE_ATTEMPTS)
