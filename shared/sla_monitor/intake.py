"""Intake: how anything a resident sends becomes a case, a reply on a case, or a triage record.

Email intake and the "Have Your Say" form both call these use cases, so the deadline checker sees
cases from every channel alike. Every function takes its collaborators and `now`; none reads the
clock or the environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    Case,
    CaseStatus,
    CaseType,
    Channel,
    Customer,
    NotificationKind,
    Pause,
    Preferences,
    TimelineEvent,
)
from sla_monitor.hourly_limits import count_this_hour, mailbox
from sla_monitor.listing import schedule_of
from sla_monitor.policy_terms import Role
from sla_monitor.store.ports import (
    ArrivalCounters,
    CaseRecords,
    TriageRecords,
)
from sla_monitor.triage import TriageRecord

if TYPE_CHECKING:
    from sla_monitor.policy import Policy

# Who the timeline says took a step no officer took: the automatic intake, and the customer
# (their reply, by any channel).
ACTOR = "intake"
CUSTOMER = "customer"


@dataclass(frozen=True)
class Attachment:
    """A file that came with a case, kept in the raw-mail bucket."""

    filename: str
    content_type: str
    size: int
    s3_key: str
    # The virus scan did not finish: kept apart, and never offered to staff as safe to open.
    quarantined: bool = False


# A case's first write is one DynamoDB transaction (at most 100 items): the case, its markers
# and its events. Attachments past this many share one event, so 200 of them still fit.
ATTACHMENT_EVENTS = 20


@dataclass(frozen=True)
class NewCase:
    """What intake knows about a new case before it has a reference."""

    case_type: CaseType
    channel: Channel
    received_at: datetime
    subject: str
    description: str
    customer: Customer = field(default_factory=Customer)
    preferences: Preferences = field(default_factory=Preferences)
    department: str | None = None
    classification_reason: str | None = None
    # The same delivery twice must give one case: the SES message id, the S3 object key, or the
    # form's submission token. Required for every electronic channel.
    idempotency_key: str | None = None
    # The email's own Message-ID, so later replies that quote it thread onto this case.
    source_message_id: str | None = None
    attachments: tuple[Attachment, ...] = ()
    actor: str = ACTOR
    # Unsure whether it is a complaint: `case_type` is complaint until staff confirm.
    possible_complaint: bool = False
    # Other addresses the customer wrote from (an email's From beside its Reply-To).
    reply_addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Registration:
    case: Case
    created: bool  # False when this delivery had been seen before: the earlier case is returned


@dataclass(frozen=True)
class CustomerReply:
    """A customer writing again about an existing case."""

    reference: str
    received_at: datetime
    channel: Channel
    summary: str
    body: str
    idempotency_key: str | None = None
    message_id: str | None = None
    attachments: tuple[Attachment, ...] = ()
    # The address it came from, recorded on the reply's event and, being the customer's,
    # remembered on the case.
    sender: str | None = None


def _attachment_event(attachment: Attachment, *, at: datetime, actor: str) -> TimelineEvent:
    details = {
        "s3_key": attachment.s3_key,
        "content_type": attachment.content_type,
        "size": str(attachment.size),
    }
    summary = f"attachment kept: {attachment.filename}"
    if attachment.quarantined:
        details["quarantined"] = "yes"
        summary = f"attachment quarantined (the virus scan did not finish): {attachment.filename}"
    return TimelineEvent(at=at, kind="attachment", actor=actor, summary=summary, details=details)


def attachment_events(
    attachments: tuple[Attachment, ...], *, at: datetime, actor: str
) -> list[TimelineEvent]:
    if len(attachments) <= ATTACHMENT_EVENTS:
        return [_attachment_event(a, at=at, actor=actor) for a in attachments]
    shown = attachments[: ATTACHMENT_EVENTS - 1]
    rest = attachments[ATTACHMENT_EVENTS - 1 :]
    quarantined = any(a.quarantined for a in rest)
    together = TimelineEvent(
        at=at,
        kind="attachments",
        actor=actor,
        summary=f"{len(rest)} more attachments kept"
        + (" in quarantine (the virus scan did not finish)" if quarantined else ""),
        details={
            "count": str(len(rest)),
            **({"quarantined": "yes"} if quarantined else {}),
            **{f"{n:03d}": a.s3_key for n, a in enumerate(rest, start=len(shown) + 1)},
        },
    )
    return [*(_attachment_event(a, at=at, actor=actor) for a in shown), together]


def register_case(
    new: NewCase,
    *,
    store: CaseRecords,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Registration:
    """Record a new case, timed by the current policy, exactly once per delivery."""
    if new.idempotency_key:
        earlier = store.find_delivery(new.idempotency_key)
        if earlier is not None:
            existing = store.get_case(earlier.reference) if earlier.reference else None
            if existing is not None:
                return Registration(case=existing, created=False)
    reference = store.next_reference(new.received_at)
    case = Case(
        reference=reference,
        case_type=new.case_type,
        channel=new.channel,
        received_at=new.received_at,
        subject=new.subject,
        description=new.description,
        customer=new.customer,
        preferences=new.preferences,
        department=new.department,
        policy_version=policy.version,
        classification_reason=new.classification_reason,
        source_message_id=new.source_message_id,
        possible_complaint=new.possible_complaint and new.case_type is CaseType.COMPLAINT,
        reply_addresses=tuple(dict.fromkeys(a.lower() for a in new.reply_addresses if a)),
    )
    if new.case_type in (CaseType.COMPLIMENT, CaseType.COMMENT):
        case = pass_feedback_to_service(case, at=new.received_at)
    events = [
        TimelineEvent(
            at=new.received_at,
            kind="received",
            actor=new.actor,
            summary=f"{new.case_type.label} received by {new.channel.value}",
            details={"classification": new.classification_reason or ""},
        )
    ]
    if case.possible_complaint:
        events.append(
            TimelineEvent(
                at=new.received_at,
                kind="possible_complaint",
                actor=new.actor,
                summary="possible complaint: timed as a complaint until staff confirm the type",
                details={"classification": new.classification_reason or ""},
            )
        )
    events.extend(attachment_events(new.attachments, at=new.received_at, actor=new.actor))
    if new.preferences.needs_staff_attention:
        events.append(
            TimelineEvent(
                at=new.received_at,
                kind="preference",
                actor=new.actor,
                summary="customer asked for an accessible format or an interpreter",
            )
        )
    created = store.create_case(
        case,
        events=events,
        schedule=schedule_of(case, policy, calendar, now),
        idempotency_key=new.idempotency_key,
        message_ids=(new.source_message_id,) if new.source_message_id else (),
    )
    return Registration(case=created, created=created.reference == reference)


def customer_addresses(case: Case) -> frozenset[str]:
    """The addresses the case's customer has used: the case's email and those of earlier
    accepted replies (lower case)."""
    known = {a.lower() for a in case.reply_addresses}
    if case.customer.email:
        known.add(case.customer.email.lower())
    return frozenset(known)


def is_from_customer(case: Case, sender: str | None) -> bool:
    """Whether a message from `sender` speaks for the case's customer: from an address of
    theirs, or of someone acting for them with their consent."""
    return sender is not None and (
        sender.lower() in customer_addresses(case) or is_from_representative(case, sender)
    )


def is_from_representative(case: Case, sender: str) -> bool:
    rep = case.representative
    return (
        rep is not None
        and rep.has_consent
        and rep.email is not None
        and rep.email.lower() == sender.lower()
    )


def remember_reply_address(case: Case, address: str) -> Case:
    # A representative's address is theirs, not the customer's: it speaks for the customer only
    # while they act with consent.
    if address.lower() in customer_addresses(case) or is_from_representative(case, address):
        return case
    return replace(case, reply_addresses=(*case.reply_addresses, address.lower()))


def pass_feedback_to_service(case: Case, *, at: datetime) -> Case:
    """A compliment or comment goes to the Head of Service of the service concerned."""
    return case.notify(
        NotificationKind.FEEDBACK_RECEIVED, at=at, roles=(Role.HEAD_OF_SERVICE.value,)
    )


def record_triage(record: TriageRecord, *, store: TriageRecords) -> bool:
    """Keep a message that did not become a case. False when it had been triaged before."""
    return store.record_triage(record)


def resume_from_pause(case: Case, *, at: datetime) -> Case:
    """The case no longer waits on the customer: its open pause ends at `at`."""
    pause = case.open_pause
    if pause is None:
        return case
    pauses = tuple(replace(p, resumed_at=at) if p is pause else p for p in case.pauses)
    status = CaseStatus.OPEN if case.status is CaseStatus.WAITING_ON_CUSTOMER else case.status
    return replace(case, pauses=pauses, status=status)


def pause_for_customer(case: Case, *, at: datetime, reason: str) -> Case:
    """The case now waits on the customer: clocks that may pause stop until they reply."""
    if case.open_pause is not None:
        return case
    return replace(
        case,
        status=CaseStatus.WAITING_ON_CUSTOMER,
        pauses=(*case.pauses, Pause(paused_at=at, reason=reason)),
    )


@dataclass(frozen=True)
class ArrivalLimits:
    """How many new cases one address, and one source (an IP address), may open in an hour
    before further messages wait in triage without an automatic reply. They stop the council's
    own mail being used to send a stranger's acknowledgements to someone else, again and
    again; a resident writing several times in an hour still has every message kept."""

    per_address: int = 5
    per_source: int = 20


def over_arrival_limits(
    *,
    address: str | None,
    source: str | None,
    at: datetime,
    store: ArrivalCounters,
    limits: ArrivalLimits,
) -> str | None:
    """Count one more new case from `address`'s mailbox and from `source` in this hour; what
    went over the limit, or None while both are within it. Counters live an hour and a day,
    then expire."""
    over = None
    for kind, value, limit in (
        ("address", mailbox(address) if address else None, limits.per_address),
        ("source", source, limits.per_source),
    ):
        if not value:
            continue
        count = count_this_hour(kind, value, at=at, store=store)
        if count > limit and over is None:
            over = f"more than {limit} new cases from one {kind} this hour"
    return over
