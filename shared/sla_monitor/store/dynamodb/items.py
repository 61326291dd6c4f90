"""Cases and their timelines as items of the cases table, and back: the keys an item is stored
under, and the mapping between the domain's records and the pynamodb models."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime
from typing import Any

from sla_monitor.cases import (
    AccessibleFormat,
    Breach,
    Case,
    CaseStatus,
    CaseType,
    Channel,
    Closure,
    ComplaintRefusal,
    ContactMethod,
    Customer,
    Extension,
    FormalResponse,
    LegalHold,
    LettersTo,
    Notification,
    NotificationKind,
    OmbudsmanDecision,
    OmbudsmanReferral,
    Outcome,
    Pause,
    Preferences,
    Remedy,
    Representative,
    SentAction,
    Stage2,
    TimelineEvent,
)
from sla_monitor.store.dynamodb.appointment_items import (
    appointment_maps,
    appointments_of,
    call_back_maps,
    call_backs_of,
)
from sla_monitor.store.ports import customer_key, month_received
from sla_monitor.store.schema import shard_of
from sla_monitor.store.shelves import instant_text

_LONGEST_KEPT_MESSAGE_ID = 1024


def due_shard(reference: str, shards: int) -> str:
    """The index partition a case's due instant is written to: stable for a reference."""
    return f"DUE#{shard_of(reference, shards)}"


def open_shard(reference: str, shards: int) -> str:
    """The open-cases index partition of a case while it is open."""
    return f"OPEN#{shard_of(reference, shards)}"


def message_key(message_id: str) -> str:
    """The partition key of an email Message-ID's marker. A key may be at most 2 KB: an id long
    enough to come near it is keyed by its digest instead."""
    if len(message_id.encode("utf-8", "surrogatepass")) <= _LONGEST_KEPT_MESSAGE_ID:
        return f"MESSAGE#{message_id}"
    digest = hashlib.sha256(message_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"MESSAGE#sha256:{digest}"


index_instant = instant_text  # the next-due index's range key, as every index writes instants


def case_item(
    model: Any, case: Case, next_due: datetime | None, *, shards: int, expires_at: datetime | None
) -> Any:
    """The case item of `case`, with the index keys of its next due instant, its open shard,
    its received month and its customer."""
    item = model(
        f"CASE#{case.reference}",
        "CASE",
        reference=case.reference,
        case_type=case.case_type.value,
        channel=case.channel.value,
        status=case.status.value,
        received_at=case.received_at,
        subject=case.subject,
        description=case.description,
        customer={
            "name": case.customer.name,
            "email": case.customer.email,
            "phone": case.customer.phone,
            "address": case.customer.address,
            "email_verified": case.customer.email_verified,
        },
        preferences={
            "language": case.preferences.language,
            "accessible_format": (
                case.preferences.accessible_format.value
                if case.preferences.accessible_format
                else None
            ),
            "interpreter": case.preferences.interpreter,
            "contact_method": case.preferences.contact_method.value,
        },
        department=case.department,
        assigned_officer=case.assigned_officer,
        policy_version=case.policy_version,
        classification_reason=case.classification_reason,
        acknowledged_at=case.acknowledged_at,
        responded_at=case.responded_at,
        closed_at=case.closed_at,
        expected_reply_by=case.expected_reply_by,
        outcome=case.outcome.value if case.outcome else None,
        outcome_summary=case.outcome_summary,
        pauses=[
            {"paused_at": p.paused_at, "reason": p.reason, "resumed_at": p.resumed_at}
            for p in case.pauses
        ],
        extensions=[
            {
                "clock": e.clock,
                "working_days": e.working_days,
                "reason": e.reason,
                "granted_at": e.granted_at,
                "granted_by": e.granted_by,
            }
            for e in case.extensions
        ],
        breaches=[
            {
                "clock": b.clock,
                "stage": b.stage,
                "occurrence": b.occurrence,
                "due": b.due,
                "recorded_at": b.recorded_at,
            }
            for b in case.breaches
        ]
        or None,
        sent=[
            {
                "key": s.key,
                "action": s.action,
                "sent_at": s.sent_at,
                "due": s.due,
                "message_id": s.message_id,
                "promised_day": s.promised_day.isoformat() if s.promised_day else None,
            }
            for s in case.sent
        ],
        source_message_id=case.source_message_id,
        responses=[
            {
                "stage": r.stage,
                "outcome": r.outcome.value,
                "findings": r.findings,
                "recorded_at": r.recorded_at,
                "recorded_by": r.recorded_by,
                "apology": r.apology,
                "remedy": r.remedy,
                "lessons_learned": r.lessons_learned,
            }
            for r in case.responses
        ],
        remedies=[
            {
                "number": r.number,
                "action": r.action,
                "due_on": r.due_on.isoformat(),
                "stage": r.stage,
                "promised_at": r.promised_at,
                "promised_by": r.promised_by,
                "done_at": r.done_at,
                "done_by": r.done_by,
                "done_note": r.done_note,
            }
            for r in case.remedies
        ]
        or None,
        stage_2=(
            {
                "requested_at": case.stage_2.requested_at,
                "reason": case.stage_2.reason,
                "channel": case.stage_2.channel.value,
                "stage_1_officer": case.stage_2.stage_1_officer,
                "acknowledged_at": case.stage_2.acknowledged_at,
                "responded_at": case.stage_2.responded_at,
                "stage_1_handlers": list(case.stage_2.stage_1_handlers) or None,
                "declined_at": case.stage_2.declined_at,
                "declined_by": case.stage_2.declined_by,
                "declined_reason": case.stage_2.declined_reason,
            }
            if case.stage_2
            else None
        ),
        notifications=[
            {
                "key": n.key,
                "kind": n.kind.value,
                "raised_at": n.raised_at,
                "roles": list(n.roles),
                "officers": list(n.officers),
                "details": dict(n.details),
            }
            for n in case.notifications
        ],
        reopened_at=case.reopened_at,
        ombudsman_referral=(
            {
                "referred_at": case.ombudsman_referral.referred_at,
                "reference": case.ombudsman_referral.reference,
                "recorded_by": case.ombudsman_referral.recorded_by,
                "decision": (
                    case.ombudsman_referral.decision.value
                    if case.ombudsman_referral.decision
                    else None
                ),
                "decided_at": case.ombudsman_referral.decided_at,
                "decision_summary": case.ombudsman_referral.decision_summary,
                "decision_recorded_by": case.ombudsman_referral.decision_recorded_by,
            }
            if case.ombudsman_referral
            else None
        ),
        refusal=(
            {
                "refused_at": case.refusal.refused_at,
                "reason": case.refusal.reason,
                "refused_by": case.refusal.refused_by,
            }
            if case.refusal
            else None
        ),
        closure=(
            {
                "closed_at": case.closure.closed_at,
                "closed_by": case.closure.closed_by,
                "reason": case.closure.reason,
                "reason_text": case.closure.reason_text,
                "meets_response": case.closure.meets_response,
            }
            if case.closure
            else None
        ),
        possible_complaint=case.possible_complaint or None,
        possible_stage_2_at=case.possible_stage_2_at,
        reply_addresses=list(case.reply_addresses) or None,
        representative=_representative_map(case.representative),
        linked_cases=list(case.linked_cases) or None,
        merged_into=case.merged_into,
        merged_from=list(case.merged_from) or None,
        legal_hold=(
            {
                "held_at": case.legal_hold.held_at,
                "held_by": case.legal_hold.held_by,
                "reason": case.legal_hold.reason,
            }
            if case.legal_hold
            else None
        ),
        appointments=appointment_maps(case.appointments),
        call_backs=call_back_maps(case.call_backs),
        due_shard=due_shard(case.reference, shards) if next_due else None,
        next_due_at=index_instant(next_due) if next_due else None,
        open_shard=open_shard(case.reference, shards) if case.is_open else None,
        received_month=month_received(case.received_at),
        customer_key=customer_key(case.customer.email),
        expires_at=expires_at,
    )
    # pynamodb's VersionAttribute makes the save conditional on this revision.
    if case.revision:
        item.revision = case.revision
    return item


def case_from_item(item: Any) -> Case:
    """The case a case item holds."""
    customer = item.customer
    prefs = item.preferences
    return Case(
        reference=item.reference,
        case_type=CaseType(item.case_type),
        channel=Channel(item.channel),
        received_at=item.received_at,
        subject=item.subject,
        description=item.description,
        customer=Customer(
            name=customer.name,
            email=customer.email,
            phone=customer.phone,
            address=customer.address,
            email_verified=bool(customer.email_verified),
        ),
        preferences=Preferences(
            language=prefs.language or "en",
            accessible_format=(
                AccessibleFormat(prefs.accessible_format) if prefs.accessible_format else None
            ),
            interpreter=bool(prefs.interpreter),
            contact_method=ContactMethod(prefs.contact_method or "email"),
        ),
        status=CaseStatus(item.status),
        department=item.department,
        assigned_officer=item.assigned_officer,
        policy_version=item.policy_version,
        classification_reason=item.classification_reason,
        acknowledged_at=item.acknowledged_at,
        responded_at=item.responded_at,
        closed_at=item.closed_at,
        expected_reply_by=item.expected_reply_by,
        outcome=Outcome(item.outcome) if item.outcome else None,
        outcome_summary=item.outcome_summary,
        pauses=tuple(
            Pause(paused_at=p.paused_at, reason=p.reason, resumed_at=p.resumed_at)
            for p in item.pauses or ()
        ),
        extensions=tuple(
            Extension(
                clock=e.clock,
                working_days=int(e.working_days),
                reason=e.reason,
                granted_at=e.granted_at,
                granted_by=e.granted_by,
            )
            for e in item.extensions or ()
        ),
        breaches=tuple(
            Breach(
                clock=b.clock,
                stage=int(b.stage),
                occurrence=int(b.occurrence),
                due=b.due,
                recorded_at=b.recorded_at,
            )
            for b in item.breaches or ()
        ),
        sent=tuple(
            SentAction(
                key=s.key,
                action=s.action,
                sent_at=s.sent_at,
                due=s.due,
                message_id=s.message_id,
                promised_day=date.fromisoformat(s.promised_day) if s.promised_day else None,
            )
            for s in item.sent or ()
        ),
        source_message_id=item.source_message_id,
        responses=tuple(
            FormalResponse(
                stage=int(r.stage),
                outcome=Outcome(r.outcome),
                findings=r.findings,
                recorded_at=r.recorded_at,
                recorded_by=r.recorded_by,
                apology=r.apology,
                remedy=r.remedy,
                lessons_learned=r.lessons_learned,
            )
            for r in item.responses or ()
        ),
        remedies=tuple(
            Remedy(
                number=int(r.number),
                action=r.action,
                due_on=date.fromisoformat(r.due_on),
                stage=int(r.stage),
                promised_at=r.promised_at,
                promised_by=r.promised_by,
                done_at=r.done_at,
                done_by=r.done_by,
                done_note=r.done_note,
            )
            for r in item.remedies or ()
        ),
        stage_2=(
            Stage2(
                requested_at=item.stage_2.requested_at,
                reason=item.stage_2.reason,
                channel=Channel(item.stage_2.channel),
                stage_1_officer=item.stage_2.stage_1_officer,
                acknowledged_at=item.stage_2.acknowledged_at,
                responded_at=item.stage_2.responded_at,
                stage_1_handlers=tuple(item.stage_2.stage_1_handlers or ()),
                declined_at=item.stage_2.declined_at,
                declined_by=item.stage_2.declined_by,
                declined_reason=item.stage_2.declined_reason,
            )
            if item.stage_2
            else None
        ),
        notifications=tuple(
            Notification(
                key=n.key,
                kind=NotificationKind(n.kind),
                raised_at=n.raised_at,
                roles=tuple(n.roles or ()),
                officers=tuple(n.officers or ()),
                details={k: str(v) for k, v in (n.details.as_dict() if n.details else {}).items()},
            )
            for n in item.notifications or ()
        ),
        reopened_at=item.reopened_at,
        ombudsman_referral=(
            OmbudsmanReferral(
                referred_at=item.ombudsman_referral.referred_at,
                reference=item.ombudsman_referral.reference,
                recorded_by=item.ombudsman_referral.recorded_by,
                decision=(
                    OmbudsmanDecision(item.ombudsman_referral.decision)
                    if item.ombudsman_referral.decision
                    else None
                ),
                decided_at=item.ombudsman_referral.decided_at,
                decision_summary=item.ombudsman_referral.decision_summary,
                decision_recorded_by=item.ombudsman_referral.decision_recorded_by,
            )
            if item.ombudsman_referral
            else None
        ),
        refusal=(
            ComplaintRefusal(
                refused_at=item.refusal.refused_at,
                reason=item.refusal.reason,
                refused_by=item.refusal.refused_by,
            )
            if item.refusal
            else None
        ),
        closure=(
            Closure(
                closed_at=item.closure.closed_at,
                closed_by=item.closure.closed_by,
                reason=item.closure.reason,
                reason_text=item.closure.reason_text,
                meets_response=bool(item.closure.meets_response),
            )
            if item.closure
            else None
        ),
        possible_complaint=bool(item.possible_complaint),
        possible_stage_2_at=item.possible_stage_2_at,
        reply_addresses=tuple(item.reply_addresses or ()),
        representative=_representative(item.representative),
        linked_cases=tuple(item.linked_cases or ()),
        merged_into=item.merged_into,
        merged_from=tuple(item.merged_from or ()),
        legal_hold=(
            LegalHold(
                held_at=item.legal_hold.held_at,
                held_by=item.legal_hold.held_by,
                reason=item.legal_hold.reason,
            )
            if item.legal_hold
            else None
        ),
        appointments=appointments_of(item.appointments),
        call_backs=call_backs_of(item.call_backs),
        revision=int(item.revision or 0),
    )


def event_item(
    model: Any,
    reference: str,
    event: TimelineEvent,
    *,
    expires_at: datetime | None,
    revision: int,
    position: int,
) -> Any:
    """A timeline event's item, under its case's partition."""
    # Events at one instant keep the order they were written in: by the case revision the
    # write was made from (writes are serialised by it), then their place in the write. The
    # nonce keeps two writes that raced at the same instant from overwriting each other.
    return model(
        f"CASE#{reference}",
        f"EVENT#{index_instant(event.at)}#{revision:06d}#{position:03d}#{uuid.uuid4().hex[:8]}",
        at=event.at,
        kind=event.kind,
        actor=event.actor,
        summary=event.summary,
        details=dict(event.details),
        expires_at=expires_at,
    )


def timeline_event(item: Any) -> TimelineEvent:
    """The timeline event an event item holds."""
    return TimelineEvent(
        at=item.at,
        kind=item.kind,
        actor=item.actor,
        summary=item.summary,
        details={k: str(v) for k, v in (item.details.as_dict() if item.details else {}).items()},
    )


def _representative_map(found: Representative | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "name": found.name,
        "relationship": found.relationship,
        "recorded_at": found.recorded_at,
        "recorded_by": found.recorded_by,
        "email": found.email,
        "phone": found.phone,
        "address": found.address,
        "consent_how": found.consent_how,
        "consent_given_on": found.consent_given_on.isoformat() if found.consent_given_on else None,
        "letters_to": found.letters_to.value,
    }


def _representative(stored: Any) -> Representative | None:
    if stored is None:
        return None
    return Representative(
        name=stored.name,
        relationship=stored.relationship,
        recorded_at=stored.recorded_at,
        recorded_by=stored.recorded_by,
        email=stored.email,
        phone=stored.phone,
        address=stored.address,
        consent_how=stored.consent_how,
        consent_given_on=(
            date.fromisoformat(stored.consent_given_on) if stored.consent_given_on else None
        ),
        letters_to=LettersTo(stored.letters_to or "customer"),
    )
