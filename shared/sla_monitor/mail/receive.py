"""The email intake use case: one delivered message in, exactly one recorded outcome out.

The outcome is a new case, a reply added to an existing case, or a triage record with the
reason. Malformed mail is never an error: it is triaged, and its raw copy stays in the bucket.
What raises is what a retry can fix (the store or the bucket failing), so the delivery goes to
the function's failure destination rather than being lost.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import CaseType, Channel, Customer
from sla_monitor.directory import Directory
from sla_monitor.intake import (
    ArrivalLimits,
    Attachment,
    CustomerReply,
    NewCase,
    is_from_customer,
    over_arrival_limits,
    record_triage,
    register_case,
)
from sla_monitor.mail import ACTOR
from sla_monitor.mail.classification import ClassificationRules, classify
from sla_monitor.mail.events import MailDelivery
from sla_monitor.mail.learned import LearnedModel, load_learned_model
from sla_monitor.mail.message import MailAttachment, ParsedEmail, parse_email
from sla_monitor.mail.raw_mail import RawMailStore, S3RawMailStore
from sla_monitor.mail.replies import ThreadMatch, case_of_message, find_thread, new_words
from sla_monitor.mail.triage import (
    TriageFinding,
    TriageReason,
    find_triage,
    sender_verified,
    virus_scan_unfinished,
)
from sla_monitor.replies import record_customer_reply
from sla_monitor.store.ports import (
    CaseStore,
    DuplicateDeliveryError,
    retry_on_conflict,
)
from sla_monitor.triage import TriageRecord

if TYPE_CHECKING:
    from sla_monitor.policy import Policy
    from sla_monitor.runtime import Services
    from sla_monitor.settings.pieces import MailSettings

ORIGINAL_EMAIL = "original-email.eml"
# Under the attachment prefix: where files whose virus scan did not finish are kept.
QUARANTINE = "quarantine/"
# A reply races the deadline checker for the same case now and then; re-reading settles it.
_STALE_RETRIES = 3
_UNSAFE_KEY_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")
# The hop SES itself adds on receipt: "from host (host [192.0.2.10]) by inbound-smtp...".
_SES_HOP = re.compile(r"\[([0-9a-fA-F:.]{3,45})\]\)?\s+by\s+inbound-smtp\.[^\s;]*amazonaws\.com")


class EmailOutcomeKind(enum.StrEnum):
    CASE = "case"
    REPLY = "reply"
    TRIAGE = "triage"


@dataclass(frozen=True)
class EmailOutcome:
    kind: EmailOutcomeKind
    reference: str | None = None
    reason: TriageReason | None = None
    # Why: the classification reason, how the reply was matched, or what the triage saw.
    detail: str = ""
    case_type: CaseType | None = None
    # True when this delivery had been taken in before and nothing new was recorded.
    repeated: bool = False
    attachments: int = 0
    defects: int = 0
    rule: str | None = None

    def log_fields(self) -> dict[str, Any]:
        """What may be logged: references, outcomes and reasons; never who wrote or what."""
        fields: dict[str, Any] = {
            "outcome": self.kind.value,
            "reference": self.reference,
            "reason": self.reason.value if self.reason else None,
            "case_type": self.case_type.value if self.case_type else None,
            "classification_rule": self.rule,
            "repeated": self.repeated,
            "attachments": self.attachments,
            "defects": self.defects,
        }
        return {k: v for k, v in fields.items() if v is not None}


@dataclass(frozen=True)
class MailIntake:
    """Everything email intake works with, passed in so tests can hand in fakes."""

    store: CaseStore
    policy: Policy
    calendar: WorkingDayCalendar
    raw_mail: RawMailStore
    rules: ClassificationRules
    reference_prefix: str
    # The product's own sending addresses: mail from them is a loop, never a case.
    council_addresses: frozenset[str]
    attachment_prefix: str = "attachments/"
    # The learned second pass of the classification; rules alone without it.
    model: LearnedModel | None = None
    limits: ArrivalLimits = field(default_factory=ArrivalLimits)
    # Read when a reply asks for stage 2, to choose its reviewer; without it such replies are
    # left for staff to decide.
    directory: Callable[[], Directory] | None = None


def mail_intake(
    services: Services,
    settings: MailSettings,
    rules: ClassificationRules,
    model: LearnedModel | None = None,
) -> MailIntake:
    """Email intake wired to the deployed (or embedded) resources."""
    return MailIntake(
        store=services.store,
        policy=services.policy,
        calendar=services.calendar,
        raw_mail=S3RawMailStore(services.client("s3"), services.settings.raw_mail_bucket),
        rules=rules,
        reference_prefix=services.council.reference_prefix,
        council_addresses=frozenset(
            {services.settings.sender_address, services.council.customer_services_email}
        ),
        attachment_prefix=settings.attachment_prefix,
        model=model or load_learned_model(),
        limits=ArrivalLimits(
            per_address=settings.new_cases_per_address_per_hour,
            per_source=settings.new_cases_per_source_per_hour,
        ),
        directory=lambda: services.directory,
    )


def take_in_delivery(delivery: MailDelivery, *, intake: MailIntake, now: datetime) -> EmailOutcome:
    """Read a delivered message from the raw-mail bucket and record its outcome."""
    earlier = intake.store.find_delivery(delivery.idempotency_key)
    if earlier is not None:
        return _repeated(earlier.outcome, earlier.reference)
    raw = intake.raw_mail.read(delivery.bucket, delivery.key)
    return receive_email(raw, delivery, intake=intake, now=now)


def receive_email(
    raw: bytes, delivery: MailDelivery, *, intake: MailIntake, now: datetime
) -> EmailOutcome:
    """Record what this message is: a new case, a reply on a case, or triage with the reason."""
    parsed = parse_email(raw)
    finding = find_triage(
        parsed,
        verdicts=delivery.verdicts,
        council_addresses=intake.council_addresses,
        envelope_sender=delivery.envelope_sender,
    )
    if finding is not None:
        return _triage(parsed, delivery, finding, intake=intake)
    if parsed.message_id:
        # The same email delivered again under another SES id (a sender's server retrying).
        known = case_of_message(parsed.message_id, intake.store)
        if known is not None:
            finding = TriageFinding(TriageReason.DUPLICATE_MESSAGE, f"Message-ID is on {known}")
            return _triage(parsed, delivery, finding, intake=intake, reference=known)
    thread = find_thread(parsed, store=intake.store, prefix=intake.reference_prefix)
    if thread is not None:
        case = intake.store.get_case(thread.reference)
        sender = parsed.sender.address if parsed.sender else None
        if case is not None and not is_from_customer(case, sender):
            # Quoting a reference or a Message-ID proves nothing: only the customer's own
            # address speaks for them, resumes their clock or reopens their case.
            finding = TriageFinding(
                TriageReason.REPLY_FROM_ANOTHER_ADDRESS,
                f"names {thread.reference} (by {thread.matched_by}) from an address the "
                "customer has not used",
            )
            return _triage(parsed, delivery, finding, intake=intake, reference=thread.reference)
        outcome = _reply(parsed, raw, delivery, thread, intake=intake, now=now)
        if outcome is not None:
            return outcome
    over = over_arrival_limits(
        address=parsed.customer_address.address if parsed.customer_address else None,
        source=connecting_address(parsed),
        at=delivery.received_at,
        store=intake.store,
        limits=intake.limits,
    )
    if over is not None:
        finding = TriageFinding(TriageReason.TOO_MANY_MESSAGES, over)
        return _triage(parsed, delivery, finding, intake=intake)
    return _new_case(parsed, raw, delivery, intake=intake, now=now)


def connecting_address(parsed: ParsedEmail) -> str | None:
    """The IP address that handed the message to SES, from the Received line SES added."""
    for received in parsed.header("received")[:3]:
        match = _SES_HOP.search(received)
        if match:
            return match.group(1)
    return None


def _repeated(outcome: str, reference: str | None) -> EmailOutcome:
    try:
        kind = EmailOutcomeKind(outcome)
    except ValueError:  # a delivery another channel recorded under a kind email does not use
        kind = EmailOutcomeKind.TRIAGE
    return EmailOutcome(kind=kind, reference=reference, repeated=True)


def _triage(
    parsed: ParsedEmail,
    delivery: MailDelivery,
    finding: TriageFinding,
    *,
    intake: MailIntake,
    reference: str | None = None,
) -> EmailOutcome:
    details = {"evidence": finding.evidence, "label": finding.reason.label}
    if reference:
        details["reference"] = reference
    if parsed.sent_at is not None:
        details["sent_at"] = parsed.sent_at.isoformat()
    if parsed.message_id:
        details["message_id"] = parsed.message_id
    if parsed.defects:
        details["defects"] = "; ".join(parsed.defects)[:1000]
    sender = parsed.customer_address
    recorded = record_triage(
        TriageRecord(
            idempotency_key=delivery.idempotency_key,
            received_at=delivery.received_at,
            reason=finding.reason.value,
            sender=sender.address if sender else None,
            subject=parsed.subject or None,
            raw_location=delivery.raw_location,
            details=details,
        ),
        store=intake.store,
    )
    return EmailOutcome(
        kind=EmailOutcomeKind.TRIAGE,
        reference=reference,
        reason=finding.reason,
        detail=finding.evidence,
        repeated=not recorded,
        defects=len(parsed.defects),
    )


def _reply(
    parsed: ParsedEmail,
    raw: bytes,
    delivery: MailDelivery,
    thread: ThreadMatch,
    *,
    intake: MailIntake,
    now: datetime,
) -> EmailOutcome | None:
    attachments = _keep_attachments(parsed, raw, delivery, intake=intake)
    reply = CustomerReply(
        reference=thread.reference,
        received_at=delivery.received_at,
        channel=Channel.EMAIL,
        summary=f"customer replied by email (matched by {thread.matched_by})",
        body=new_words(parsed.text) or "(the email had no text)",
        idempotency_key=delivery.idempotency_key,
        message_id=parsed.message_id,
        attachments=attachments,
        sender=parsed.sender.address if parsed.sender else None,
    )

    def attempt() -> bool:
        """Whether this delivery had been recorded already."""
        try:
            record_customer_reply(
                reply,
                store=intake.store,
                policy=intake.policy,
                calendar=intake.calendar,
                now=now,
                directory=intake.directory() if intake.directory else None,
            )
        except DuplicateDeliveryError:
            return True
        return False

    try:
        repeated = retry_on_conflict(attempt, reference=thread.reference, attempts=_STALE_RETRIES)
    except LookupError:
        return None  # the case went away after it was found: the message starts a new one
    return EmailOutcome(
        kind=EmailOutcomeKind.REPLY,
        reference=thread.reference,
        detail=f"matched by {thread.matched_by}",
        repeated=repeated,
        attachments=len(attachments) - 1,
        defects=len(parsed.defects),
    )


def _new_case(
    parsed: ParsedEmail, raw: bytes, delivery: MailDelivery, *, intake: MailIntake, now: datetime
) -> EmailOutcome:
    classification = classify(parsed.subject, parsed.text, intake.rules, intake.model)
    address = parsed.customer_address
    sender = parsed.sender
    # Verified only when the reply goes to the From address DMARC vouched for: a Reply-To is
    # whatever the sender typed.
    verified = (
        address is not None
        and sender is not None
        and address.address.lower() == sender.address.lower()
        and sender_verified(parsed, delivery.verdicts)
    )
    attachments = _keep_attachments(parsed, raw, delivery, intake=intake)
    registration = register_case(
        NewCase(
            case_type=classification.case_type,
            channel=Channel.EMAIL,
            received_at=delivery.received_at,
            subject=parsed.subject or "(no subject)",
            description=parsed.text or "(the email had no text)",
            customer=Customer(
                name=address.name if address else None,
                email=address.address if address else None,
                email_verified=verified,
            ),
            classification_reason=classification.reason,
            possible_complaint=classification.possible_complaint,
            reply_addresses=(sender.address,) if sender else (),
            idempotency_key=delivery.idempotency_key,
            source_message_id=parsed.message_id,
            attachments=attachments,
            actor=ACTOR,
        ),
        store=intake.store,
        policy=intake.policy,
        calendar=intake.calendar,
        now=now,
    )
    return EmailOutcome(
        kind=EmailOutcomeKind.CASE,
        reference=registration.case.reference,
        detail=registration.case.classification_reason or classification.reason,
        case_type=registration.case.case_type,
        repeated=not registration.created,
        attachments=len(attachments) - 1,
        defects=len(parsed.defects),
        rule=classification.rule,
    )


def _keep_attachments(
    parsed: ParsedEmail, raw: bytes, delivery: MailDelivery, *, intake: MailIntake
) -> tuple[Attachment, ...]:
    """Store each attachment beside the raw message and describe it; the first entry is the
    original email itself, so staff can always open what the customer sent.

    When SES could not finish its virus scan, the files go to a quarantine folder as plain
    bytes, and every entry (the original too, which holds them) is marked quarantined, so no
    page offers them as safe to open."""
    unscanned = virus_scan_unfinished(parsed, delivery.verdicts)
    kept = [
        Attachment(
            filename=ORIGINAL_EMAIL,
            content_type="message/rfc822",
            size=len(raw),
            s3_key=delivery.key,
            quarantined=unscanned is not None,
        )
    ]
    if unscanned is not None:
        folder = f"{intake.attachment_prefix}{QUARANTINE}{delivery.token}/"
    else:
        folder = f"{intake.attachment_prefix}{delivery.token}/"
    for number, attachment in enumerate(parsed.attachments, start=1):
        key = f"{folder}{number:03d}-{safe_file_name(attachment.filename)}"
        metadata = _metadata(attachment, delivery)
        if unscanned is not None:
            metadata["virus-verdict"] = unscanned
        intake.raw_mail.keep(
            key,
            attachment.content,
            # Never served as what it claims to be while unscanned.
            content_type="application/octet-stream" if unscanned else attachment.content_type,
            metadata=metadata,
        )
        kept.append(
            Attachment(
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=attachment.size,
                s3_key=key,
                quarantined=unscanned is not None,
            )
        )
    return tuple(kept)


def _metadata(attachment: MailAttachment, delivery: MailDelivery) -> dict[str, str]:
    # S3 metadata must be ASCII (the filename is percent-encoded), and all of it at most 2 KB.
    return {
        "filename": quote(attachment.filename, safe=" ")[:1024],
        "message": delivery.idempotency_key,
        "raw-location": quote(delivery.raw_location, safe="/:"),
    }


def safe_file_name(filename: str, *, limit: int = 100) -> str:
    """A file name that is safe in an S3 key and readable: no folders, accents dropped, anything
    else unusual made a hyphen."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem, dot, extension = ascii_name.rpartition(".")
    if not dot or not _EXTENSION.fullmatch(extension):
        stem, extension = ascii_name, ""
    stem = _UNSAFE_KEY_CHARACTERS.sub("-", stem).strip("-.") or "attachment"
    if not extension:
        return stem[:limit]
    return f"{stem[: limit - len(extension) - 1]}.{extension}"
