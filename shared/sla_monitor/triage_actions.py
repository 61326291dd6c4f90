"""What staff do with a message email intake set aside (an automatic reply, a bounce, spam, an
unreadable message, a sender it could not trust, a reply from another address): make a case of
it, add it to a case as the customer's reply, or dismiss it with a reason.

A case made here is registered through intake's own use case, from the stored raw message, as
if it had arrived as a case when it was received: its clocks run from then. A message added to
a case is recorded as the customer's reply, once the officer confirms it is from the customer.
Either way its attachments are kept as intake keeps them. The triage record is never deleted:
it is marked with who dealt with it, when, what they made of it and why, once; a second officer
acting on it at the same time is told it was dealt with.

The CLI could call these as the staff pages do; no rule of the procedure lives in the pages.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, CaseType, Channel, Customer, Preferences
from sla_monitor.contact_details import contact_problems, is_email_address
from sla_monitor.directory import Directory
from sla_monitor.intake import Attachment, CustomerReply, NewCase, register_case
from sla_monitor.lookups import TriageItemNotFound, as_reference
from sla_monitor.mail.raw_mail import RawMailStore
from sla_monitor.mail.replies import new_words
from sla_monitor.mail.triage import TriageReason
from sla_monitor.replies import record_customer_reply
from sla_monitor.store.ports import (
    CaseRecords,
    CaseStore,
    DuplicateDeliveryError,
    TriageRecords,
    retry_on_conflict,
)
from sla_monitor.triage import TriageOutcome, TriageRecord, TriageResolution

if TYPE_CHECKING:
    from sla_monitor.mail.message import ParsedEmail
    from sla_monitor.policy import Policy

_STALE_RETRIES = 3
_SAFE_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
# A message SES found a virus in is never made into a case or added to one: only dismissed.
_NEVER_TAKEN_IN = frozenset({TriageReason.VIRUS.value})
_NEEDS_CONTACT = {CaseType.COMPLAINT: "a formal complaint", CaseType.ENQUIRY: "an enquiry"}


class TriageActionRefused(ValueError):
    """The message cannot be dealt with that way; the message says why, and `argument`, where
    one argument is at fault, names it."""

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument


@dataclass(frozen=True)
class TriageWork:
    """What making a case of a set-aside message, or adding it to one, works with."""

    store: CaseStore
    raw_mail: RawMailStore
    policy: Policy
    calendar: WorkingDayCalendar
    attachment_prefix: str = "attachments/"
    # Chooses the reviewer when the message added to a case asks for stage 2.
    directory: Directory | None = None


def reason_label(record: TriageRecord) -> str:
    """Why the message was set aside, as staff read it."""
    if record.details.get("label"):
        return record.details["label"]
    try:
        return TriageReason(record.reason).label
    except ValueError:  # a reason recorded by a later intake this code does not name
        return record.reason.replace("_", " ")


def set_aside(store: TriageRecords) -> list[TriageRecord]:
    """Every triage record, newest first (those dealt with too: they are kept)."""
    return sorted(store.triage_records(), key=lambda r: r.received_at, reverse=True)


def find_set_aside(store: TriageRecords, key: str) -> TriageRecord:
    found = next((r for r in store.triage_records() if r.idempotency_key == key), None)
    if found is None:
        raise TriageItemNotFound(key)
    return found


def _still_set_aside(store: CaseStore, key: str) -> TriageRecord:
    record = find_set_aside(store, key)
    if record.resolution is not None:
        raise TriageActionRefused(_dealt_with(record.resolution))
    return record


def _dealt_with(resolution: TriageResolution) -> str:
    what = {
        TriageOutcome.MADE_CASE: f"made into {resolution.reference}",
        TriageOutcome.ADDED_TO_CASE: f"added to {resolution.reference}",
        TriageOutcome.DISMISSED: "dismissed",
    }[resolution.outcome]
    return f"this message was dealt with already: {what} by {resolution.by}"


def _may_take_in(record: TriageRecord) -> None:
    if record.reason in _NEVER_TAKEN_IN:
        raise TriageActionRefused(
            "SES found a virus in this message: dismiss it, and ask the customer to send it "
            "again without the infected file"
        )
    if not record.raw_location:
        raise TriageActionRefused("the message itself was not kept: dismiss it")


def _read(record: TriageRecord, raw_mail: RawMailStore) -> tuple[ParsedEmail, bytes, str]:
    """The stored message, parsed, its bytes and its key."""
    location = record.raw_location or ""
    bucket, _, key = location.removeprefix("s3://").partition("/")
    if not location.startswith("s3://") or not bucket or not key:
        raise TriageActionRefused("the message's stored copy cannot be found: dismiss it")
    raw = raw_mail.read(bucket, key)
    # The mail parser loads with the first set-aside message read, not with the staff pages.
    from sla_monitor.mail.message import parse_email

    return parse_email(raw), raw, key


def _keep_attachments(
    record: TriageRecord, parsed: ParsedEmail, raw: bytes, raw_key: str, work: TriageWork
) -> tuple[Attachment, ...]:
    """As intake keeps them: the original email first, then each file beside it under the
    attachments prefix; in quarantine, as plain bytes and marked so, when SES could not finish
    its virus scan (a message with a virus is never made a case at all)."""
    # Intake's own rules for the kept files; its module (classification and all) loads only here.
    from sla_monitor.mail.receive import ORIGINAL_EMAIL, QUARANTINE, safe_file_name
    from sla_monitor.mail.triage import Verdicts, virus_scan_unfinished

    # The verdict SES wrote on the stored message (the event's own verdicts are not kept).
    unscanned = virus_scan_unfinished(parsed, Verdicts())
    quarantined = unscanned is not None
    kept = [Attachment(ORIGINAL_EMAIL, "message/rfc822", len(raw), raw_key, quarantined)]
    token = record.idempotency_key.partition(":")[2] or record.idempotency_key
    if not _SAFE_TOKEN.match(token):
        token = "triage-" + hashlib.sha256(record.idempotency_key.encode()).hexdigest()[:32]
    folder = f"{work.attachment_prefix}{QUARANTINE if quarantined else ''}{token}/"
    for number, attachment in enumerate(parsed.attachments, start=1):
        key = f"{folder}{number:03d}-{safe_file_name(attachment.filename)}"
        metadata = {"message": record.idempotency_key}
        if unscanned is not None:
            metadata["virus-verdict"] = unscanned
        work.raw_mail.keep(
            key,
            attachment.content,
            # Never served as what it claims to be while unscanned.
            content_type="application/octet-stream" if quarantined else attachment.content_type,
            metadata=metadata,
        )
        kept.append(
            Attachment(
                attachment.filename, attachment.content_type, attachment.size, key, quarantined
            )
        )
    return tuple(kept)


def _new_message_id(parsed: ParsedEmail, store: CaseRecords) -> str | None:
    """The message's own Message-ID, to thread later replies on, unless a case has it."""
    if parsed.message_id and store.find_case_by_message_id(parsed.message_id) is None:
        return parsed.message_id
    return None


def make_case(
    key: str,
    *,
    case_type: CaseType,
    department: str | None,
    by: str,
    now: datetime,
    work: TriageWork,
    directory: Directory,
) -> Case:
    """Make a case of the message, as if it had arrived as one when it was received."""
    record = _still_set_aside(work.store, key)
    _may_take_in(record)
    if department is not None and directory.department(department) is None:
        raise TriageActionRefused(
            f"there is no department {department!r} in the directory", argument="department"
        )
    parsed, raw, raw_key = _read(record, work.raw_mail)
    address = parsed.customer_address
    # An address mail cannot be sent to is no contact detail (the original email keeps it).
    usable = address is not None and is_email_address(address.address)
    customer = Customer(
        name=address.name if address else None,
        email=address.address if address and usable else None,
    )
    if contact_problems(case_type, customer, Preferences()):
        unusable = f" ({address.address} is not an email address)" if address and not usable else ""
        needs = _NEEDS_CONTACT.get(case_type, f"a {case_type.label}")
        raise TriageActionRefused(
            f"{needs} needs the customer's contact details, and this message has no address to "
            f"reply to{unusable}: log it from the work list once you have them",
            argument="case_type",
        )
    registration = register_case(
        NewCase(
            case_type=case_type,
            channel=Channel.EMAIL,
            received_at=record.received_at,
            subject=(parsed.subject or record.subject or "(no subject)")[:200],
            description=parsed.text or "(the email had no text)",
            customer=customer,
            department=department,
            classification_reason=f"set aside ({reason_label(record)}); made a case by {by}",
            # Once per message, however often the button is pressed.
            idempotency_key=f"triage:{record.idempotency_key}",
            source_message_id=_new_message_id(parsed, work.store),
            attachments=_keep_attachments(record, parsed, raw, raw_key, work),
            actor=by,
        ),
        store=work.store,
        policy=work.policy,
        calendar=work.calendar,
        now=now,
    )
    work.store.resolve_triage(
        record,
        TriageResolution(
            outcome=TriageOutcome.MADE_CASE,
            by=by,
            at=now,
            reference=registration.case.reference,
        ),
    )
    return registration.case


def add_to_case(
    key: str,
    *,
    reference: str,
    sender_confirmed: bool,
    by: str,
    now: datetime,
    work: TriageWork,
) -> Case:
    """Add the message to a case as the customer's reply, once the officer has confirmed it
    is from the customer (or someone acting for them). A case waiting on the customer resumes;
    the owner is told, as for any reply."""
    record = _still_set_aside(work.store, key)
    _may_take_in(record)
    reference = as_reference(reference)
    if work.store.get_case(reference) is None:
        raise TriageActionRefused(f"no case has the reference {reference!r}", argument="reference")
    if not sender_confirmed:
        raise TriageActionRefused(
            "confirm the message is from the customer, or from someone acting for them",
            argument="sender_confirmed",
        )
    parsed, raw, raw_key = _read(record, work.raw_mail)
    reply = CustomerReply(
        reference=reference,
        received_at=record.received_at,
        channel=Channel.EMAIL,
        summary=f"customer's email, set aside ({reason_label(record)}), added by {by}",
        body=new_words(parsed.text) or parsed.text or "(the email had no text)",
        idempotency_key=f"triage:{record.idempotency_key}",
        message_id=_new_message_id(parsed, work.store),
        attachments=_keep_attachments(record, parsed, raw, raw_key, work),
    )

    def attempt() -> None:
        # Added by an earlier press of the button: mark it dealt with below all the same.
        with contextlib.suppress(DuplicateDeliveryError):
            record_customer_reply(
                reply,
                store=work.store,
                policy=work.policy,
                calendar=work.calendar,
                now=now,
                directory=work.directory,
            )

    retry_on_conflict(attempt, reference=reference, attempts=_STALE_RETRIES)
    work.store.resolve_triage(
        record,
        TriageResolution(outcome=TriageOutcome.ADDED_TO_CASE, by=by, at=now, reference=reference),
    )
    case = work.store.get_case(reference)
    assert case is not None
    return case


def dismiss(key: str, *, reason: str, by: str, now: datetime, store: CaseStore) -> TriageRecord:
    """Nothing to act on: the message stays on record, marked dismissed with the reason."""
    why = " ".join(reason.split())
    if not why:
        raise TriageActionRefused("say why the message needs no action", argument="reason")
    record = _still_set_aside(store, key)
    resolution = TriageResolution(outcome=TriageOutcome.DISMISSED, by=by, at=now, reason=why)
    if not store.resolve_triage(record, resolution):
        raise TriageActionRefused(_dealt_with(find_set_aside(store, key).resolution or resolution))
    return find_set_aside(store, key)
