"""What arrives at the email intake function: SES's Lambda action or S3's object-created event,
read into deliveries (one message each, with where SES stored it and what it thought of it).

The models are our own and lenient on purpose: the stock SES model insists on a Subject, a Date
and more in `commonHeaders`, so a malformed email would fail validation and never be recorded.
Only what intake needs is required here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import unquote_plus

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from sla_monitor.mail.triage import Verdicts

# SES writes this object when an S3 action is first set up; it is not mail.
SES_SETUP_NOTIFICATION = "AMAZON_SES_SETUP_NOTIFICATION"
# SES message ids are short lower-case tokens; anything else is not used to build an S3 key.
_MESSAGE_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


class UnrecognisedEvent(ValueError):
    """The function was invoked with something that is neither an SES nor an S3 event."""


@dataclass(frozen=True)
class MailDelivery:
    """One message to take in: where its raw copy is, and what SES said about it."""

    bucket: str
    key: str
    token: str  # the SES message id, or another name unique to the stored object
    received_at: datetime
    verdicts: Verdicts = field(default_factory=Verdicts)
    envelope_sender: str | None = None

    @property
    def idempotency_key(self) -> str:
        # The same for the SES event and the S3 event of one message, so both give one outcome.
        return f"email:{self.token}"

    @property
    def raw_location(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def delivery_for_object(
    bucket: str,
    key: str,
    *,
    prefix: str,
    received_at: datetime,
    verdicts: Verdicts | None = None,
    envelope_sender: str | None = None,
) -> MailDelivery:
    name = key.removeprefix(prefix) if key.startswith(prefix) else key
    token = name if _MESSAGE_TOKEN.fullmatch(name) else _digest(f"{bucket}/{key}")
    return MailDelivery(
        bucket=bucket,
        key=key,
        token=token,
        received_at=_aware(received_at),
        verdicts=verdicts or Verdicts(),
        envelope_sender=envelope_sender,
    )


def _digest(text: str) -> str:
    return "obj-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class _Verdict(_Lenient):
    status: str | None = None


class _SesReceipt(_Lenient):
    timestamp: datetime | None = None
    # SES's own field names.
    spamVerdict: _Verdict | None = None
    virusVerdict: _Verdict | None = None
    spfVerdict: _Verdict | None = None
    dkimVerdict: _Verdict | None = None
    dmarcVerdict: _Verdict | None = None


class _SesMail(_Lenient):
    messageId: str = Field(pattern=_MESSAGE_TOKEN.pattern)
    timestamp: datetime
    source: str | None = None


class _SesMessage(_Lenient):
    mail: _SesMail
    receipt: _SesReceipt = _SesReceipt()


class _SesRecord(_Lenient):
    eventSource: Literal["aws:ses"]
    ses: _SesMessage


class _S3Bucket(_Lenient):
    name: str


class _S3Object(_Lenient):
    key: str


class _S3Entity(_Lenient):
    bucket: _S3Bucket
    object: _S3Object


class _S3Record(_Lenient):
    eventSource: Literal["aws:s3"]
    eventName: str
    eventTime: datetime
    s3: _S3Entity


_Record = Annotated[_SesRecord | _S3Record, Field(discriminator="eventSource")]
_RECORDS = TypeAdapter(list[_Record])


def deliveries_from_event(
    event: Mapping[str, Any], *, bucket: str, prefix: str
) -> list[MailDelivery]:
    """The messages an SES Lambda-action event or an S3 object-created event announces.

    `bucket` is where SES's S3 action writes (the SES event does not say); S3 objects outside
    `prefix`, such as the attachments intake itself writes, are not mail and are skipped.
    """
    records = event.get("Records") if isinstance(event, Mapping) else None
    if not isinstance(records, list):
        raise UnrecognisedEvent("the event has no Records")
    try:
        parsed = _RECORDS.validate_python(records)
    except ValueError as error:
        raise UnrecognisedEvent(f"not an SES or S3 event: {error.__class__.__name__}") from error
    deliveries = []
    for record in parsed:
        if isinstance(record, _SesRecord):
            deliveries.append(_from_ses(record, bucket=bucket, prefix=prefix))
        else:
            delivery = _from_s3(record, prefix=prefix)
            if delivery is not None:
                deliveries.append(delivery)
    return deliveries


def _from_ses(record: _SesRecord, *, bucket: str, prefix: str) -> MailDelivery:
    mail, receipt = record.ses.mail, record.ses.receipt
    return MailDelivery(
        bucket=bucket,
        key=f"{prefix}{mail.messageId}",
        token=mail.messageId,
        received_at=_aware(receipt.timestamp or mail.timestamp),
        verdicts=Verdicts(
            spam=receipt.spamVerdict.status if receipt.spamVerdict else None,
            virus=receipt.virusVerdict.status if receipt.virusVerdict else None,
            spf=receipt.spfVerdict.status if receipt.spfVerdict else None,
            dkim=receipt.dkimVerdict.status if receipt.dkimVerdict else None,
            dmarc=receipt.dmarcVerdict.status if receipt.dmarcVerdict else None,
        ),
        envelope_sender=mail.source,
    )


def _from_s3(record: _S3Record, *, prefix: str) -> MailDelivery | None:
    key = unquote_plus(record.s3.object.key)
    if not record.eventName.startswith("ObjectCreated"):
        return None
    if not key.startswith(prefix) or key.rsplit("/", 1)[-1] == SES_SETUP_NOTIFICATION:
        return None
    return delivery_for_object(
        record.s3.bucket.name, key, prefix=prefix, received_at=record.eventTime
    )
