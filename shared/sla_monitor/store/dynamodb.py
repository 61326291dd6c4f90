"""The case store and the directory in DynamoDB, through pynamodb.

One table holds a case, its timeline and its bookkeeping, under the case's partition:

    pk                      sk                       what
    CASE#<reference>        CASE                     the case (carries the next-due index keys)
    CASE#<reference>        EVENT#<utc>#<rev>#<n>#<nonce>  a timeline event
    CASE#<reference>        CLAIM#<action key>       a sweep's claim on an owed action
    DELIVERY#<key>          DELIVERY                 what one delivery became (idempotency)
    MESSAGE#<message-id>    MESSAGE                  an email Message-ID that threads to a case
    COUNTER#<prefix>-<year> COUNTER                  the atomic reference counter
    RATE#<kind>#<digest>    HOUR#<utc hour>          new cases from one address or source (TTL)
    SIGN_IN#<token digest>  SIGN_IN                  a resident's one-time sign-in link (TTL)
    TRIAGE                  <utc>#<key>              a message that did not become a case
    CLASSIFIER_EXAMPLE      <reference>              a case's message with the type staff gave it

The next-due index is sparse: only case items with a due instant carry `due_shard` and
`next_due_at`. Its partition key is spread over the deployment's index shards (`DUE_SHARDS` unless
set) so writes never pile onto one partition; a sweep queries each shard it is given for
`next_due_at <= now` and merges them oldest first.
Every case item also carries `received_month` ("2026-12"), the key of the received-month index
the reports read one month at a time. A case with an email address carries `customer_key` (a
digest of the address), the key of the sparse customer-cases index the residents' pages read.

Model classes are made per table name when first used, never at import: the table name comes from
the environment of the function or CLI, which is only known then.
"""

from __future__ import annotations

import hashlib
import heapq
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.exceptions import (
    DeleteError,
    DoesNotExist,
    PutError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from sla_monitor.calendar import ClosureDay
from sla_monitor.cases import (
    AccessibleFormat,
    Breach,
    Case,
    CaseStatus,
    CaseType,
    Channel,
    ComplaintRefusal,
    ContactMethod,
    Customer,
    Extension,
    FormalResponse,
    Notification,
    NotificationKind,
    OmbudsmanDecision,
    OmbudsmanReferral,
    Outcome,
    Pause,
    Preferences,
    Remedy,
    SentAction,
    Stage2,
    TimelineEvent,
)
from sla_monitor.directory import COUNCIL_ROLES, Department, Directory, Officer
from sla_monitor.store.ports import (
    Claim,
    Delivery,
    DuplicateDeliveryError,
    SignInLink,
    StaleCaseError,
    customer_key,
    month_received,
)
from sla_monitor.store.schema import (
    CUSTOMER_CASES_INDEX,
    DUE_SHARDS,
    NEXT_DUE_INDEX,
    OPEN_CASES_INDEX,
    RECEIVED_MONTH_INDEX,
    chosen_shards,
    shard_of,
)
from sla_monitor.triage import (
    ClassificationExample,
    TriageOutcome,
    TriageRecord,
    TriageResolution,
)

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


def index_instant(instant: datetime) -> str:
    """A UTC instant as a string that sorts in time order (the index's range key)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class CaseTableModels:
    # Typed loosely: the classes are made at run time, one set per table name.
    case: Any
    event: Any
    claim: Any
    marker: Any
    counter: Any
    triage: Any
    example: Any
    sign_in: Any


def _meta(table_name: str, region: str, host: str | None) -> type:
    return type("Meta", (), {"table_name": table_name, "region": region, "host": host})


@lru_cache(maxsize=16)
def case_table_models(table_name: str, region: str, host: str | None) -> CaseTableModels:
    """pynamodb models bound to one cases table (made once per table, on first use)."""
    meta = _meta(table_name, region, host)

    class NextDueIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = NEXT_DUE_INDEX
            projection = AllProjection()

        due_shard = UnicodeAttribute(hash_key=True)
        next_due_at = UnicodeAttribute(range_key=True)

    class OpenCasesIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = OPEN_CASES_INDEX
            projection = AllProjection()

        open_shard = UnicodeAttribute(hash_key=True)
        received_at = UTCDateTimeAttribute(range_key=True)

    class ReceivedMonthIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = RECEIVED_MONTH_INDEX
            projection = AllProjection()

        received_month = UnicodeAttribute(hash_key=True)
        received_at = UTCDateTimeAttribute(range_key=True)

    class CustomerCasesIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = CUSTOMER_CASES_INDEX
            projection = AllProjection()

        customer_key = UnicodeAttribute(hash_key=True)
        received_at = UTCDateTimeAttribute(range_key=True)

    class PersonMap(MapAttribute):
        name = UnicodeAttribute(null=True)
        email = UnicodeAttribute(null=True)
        phone = UnicodeAttribute(null=True)
        address = UnicodeAttribute(null=True)
        email_verified = BooleanAttribute(null=True)

    class PreferencesMap(MapAttribute):
        language = UnicodeAttribute(default="en")
        accessible_format = UnicodeAttribute(null=True)
        interpreter = BooleanAttribute(default=False)
        contact_method = UnicodeAttribute(default="email")

    class PauseMap(MapAttribute):
        paused_at = UTCDateTimeAttribute()
        reason = UnicodeAttribute()
        resumed_at = UTCDateTimeAttribute(null=True)

    class ExtensionMap(MapAttribute):
        clock = UnicodeAttribute()
        working_days = NumberAttribute()
        reason = UnicodeAttribute()
        granted_at = UTCDateTimeAttribute()
        granted_by = UnicodeAttribute()

    class BreachMap(MapAttribute):
        clock = UnicodeAttribute()
        stage = NumberAttribute()
        occurrence = NumberAttribute()
        due = UTCDateTimeAttribute()
        recorded_at = UTCDateTimeAttribute()

    class SentMap(MapAttribute):
        key = UnicodeAttribute()
        action = UnicodeAttribute()
        sent_at = UTCDateTimeAttribute()
        due = UTCDateTimeAttribute(null=True)
        message_id = UnicodeAttribute(null=True)
        promised_day = UnicodeAttribute(null=True)  # ISO date

    class ResponseMap(MapAttribute):
        stage = NumberAttribute()
        outcome = UnicodeAttribute()
        findings = UnicodeAttribute()
        recorded_at = UTCDateTimeAttribute()
        recorded_by = UnicodeAttribute()
        apology = UnicodeAttribute(null=True)
        remedy = UnicodeAttribute(null=True)
        lessons_learned = UnicodeAttribute(null=True)

    class RemedyMap(MapAttribute):
        number = NumberAttribute()
        action = UnicodeAttribute()
        due_on = UnicodeAttribute()  # ISO date
        stage = NumberAttribute()
        promised_at = UTCDateTimeAttribute()
        promised_by = UnicodeAttribute()
        done_at = UTCDateTimeAttribute(null=True)
        done_by = UnicodeAttribute(null=True)
        done_note = UnicodeAttribute(null=True)

    class Stage2Map(MapAttribute):
        requested_at = UTCDateTimeAttribute()
        reason = UnicodeAttribute()
        channel = UnicodeAttribute()
        stage_1_officer = UnicodeAttribute(null=True)
        acknowledged_at = UTCDateTimeAttribute(null=True)
        responded_at = UTCDateTimeAttribute(null=True)
        stage_1_handlers = ListAttribute(of=UnicodeAttribute, null=True)
        declined_at = UTCDateTimeAttribute(null=True)
        declined_by = UnicodeAttribute(null=True)
        declined_reason = UnicodeAttribute(null=True)

    class OmbudsmanReferralMap(MapAttribute):
        referred_at = UTCDateTimeAttribute()
        reference = UnicodeAttribute()
        recorded_by = UnicodeAttribute()
        decision = UnicodeAttribute(null=True)
        decided_at = UTCDateTimeAttribute(null=True)
        decision_summary = UnicodeAttribute(null=True)
        decision_recorded_by = UnicodeAttribute(null=True)

    class RefusalMap(MapAttribute):
        refused_at = UTCDateTimeAttribute()
        reason = UnicodeAttribute()
        refused_by = UnicodeAttribute()

    class NotificationMap(MapAttribute):
        key = UnicodeAttribute()
        kind = UnicodeAttribute()
        raised_at = UTCDateTimeAttribute()
        roles = ListAttribute(of=UnicodeAttribute, default=list)
        officers = ListAttribute(of=UnicodeAttribute, default=list)
        details: MapAttribute = MapAttribute(default=dict)

    class CaseItem(Model):
        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        reference = UnicodeAttribute()
        case_type = UnicodeAttribute()
        channel = UnicodeAttribute()
        status = UnicodeAttribute()
        received_at = UTCDateTimeAttribute()
        subject = UnicodeAttribute()
        description = UnicodeAttribute()
        customer = PersonMap(default=dict)
        preferences = PreferencesMap(default=dict)
        department = UnicodeAttribute(null=True)
        assigned_officer = UnicodeAttribute(null=True)
        policy_version = UnicodeAttribute(null=True)
        classification_reason = UnicodeAttribute(null=True)
        acknowledged_at = UTCDateTimeAttribute(null=True)
        responded_at = UTCDateTimeAttribute(null=True)
        closed_at = UTCDateTimeAttribute(null=True)
        expected_reply_by = UTCDateTimeAttribute(null=True)
        outcome = UnicodeAttribute(null=True)
        outcome_summary = UnicodeAttribute(null=True)
        pauses = ListAttribute(of=PauseMap, default=list)
        extensions = ListAttribute(of=ExtensionMap, default=list)
        breaches = ListAttribute(of=BreachMap, null=True)
        sent = ListAttribute(of=SentMap, default=list)
        source_message_id = UnicodeAttribute(null=True)
        responses = ListAttribute(of=ResponseMap, default=list)
        remedies = ListAttribute(of=RemedyMap, null=True)
        stage_2 = Stage2Map(null=True)
        notifications = ListAttribute(of=NotificationMap, default=list)
        reopened_at = UTCDateTimeAttribute(null=True)
        ombudsman_referral = OmbudsmanReferralMap(null=True)
        refusal = RefusalMap(null=True)
        possible_complaint = BooleanAttribute(null=True)
        possible_stage_2_at = UTCDateTimeAttribute(null=True)
        reply_addresses = ListAttribute(of=UnicodeAttribute, null=True)
        revision = VersionAttribute()
        due_shard = UnicodeAttribute(null=True)
        next_due_at = UnicodeAttribute(null=True)
        open_shard = UnicodeAttribute(null=True)
        received_month = UnicodeAttribute(null=True)
        customer_key = UnicodeAttribute(null=True)
        expires_at = TTLAttribute(null=True)
        next_due_index = NextDueIndex()
        open_cases_index = OpenCasesIndex()
        received_month_index = ReceivedMonthIndex()
        customer_cases_index = CustomerCasesIndex()

    class EventItem(Model):
        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        at = UTCDateTimeAttribute()
        kind = UnicodeAttribute()
        actor = UnicodeAttribute()
        summary = UnicodeAttribute()
        details: MapAttribute = MapAttribute(default=dict)
        expires_at = TTLAttribute(null=True)

    class ClaimItem(Model):
        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        claimed_at = UTCDateTimeAttribute()
        lease_until = UTCDateTimeAttribute()
        sent = BooleanAttribute(default=False)
        sent_at = UTCDateTimeAttribute(null=True)
        message_id = UnicodeAttribute(null=True)
        outcome = UnicodeAttribute(null=True)

    class MarkerItem(Model):
        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        outcome = UnicodeAttribute(null=True)
        reference = UnicodeAttribute(null=True)

    class CounterItem(Model):
        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        value = NumberAttribute(default=0)
        expires_at = TTLAttribute(null=True)  # arrival counters only; references never expire

    class TriageItem(Model):
        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        idempotency_key = UnicodeAttribute()
        received_at = UTCDateTimeAttribute()
        reason = UnicodeAttribute()
        sender = UnicodeAttribute(null=True)
        subject = UnicodeAttribute(null=True)
        raw_location = UnicodeAttribute(null=True)
        details: MapAttribute = MapAttribute(default=dict)
        expires_at = TTLAttribute(null=True)
        # Set once, when staff deal with it (the record itself is kept).
        resolved_outcome = UnicodeAttribute(null=True)
        resolved_by = UnicodeAttribute(null=True)
        resolved_at = UTCDateTimeAttribute(null=True)
        resolved_reason = UnicodeAttribute(null=True)
        resolved_reference = UnicodeAttribute(null=True)

    class ExampleItem(Model):
        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        subject = UnicodeAttribute()
        body = UnicodeAttribute()
        label = UnicodeAttribute()
        first_type = UnicodeAttribute()
        labelled_at = UTCDateTimeAttribute()
        expires_at = TTLAttribute(null=True)

    class SignInItem(Model):
        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        customer_key = UnicodeAttribute()
        issued_at = UTCDateTimeAttribute()
        valid_until = UTCDateTimeAttribute()
        return_to = UnicodeAttribute(null=True)
        expires_at = TTLAttribute(null=True)

    return CaseTableModels(
        CaseItem,
        EventItem,
        ClaimItem,
        MarkerItem,
        CounterItem,
        TriageItem,
        ExampleItem,
        SignInItem,
    )


class _ConditionFailed(Exception):
    """A single-item write's condition failed: the case exists, or moved on from its revision."""


class DynamoDBCaseStore:
    """The case store in the cases table."""

    def __init__(
        self,
        table_name: str,
        *,
        region: str,
        host: str | None = None,
        reference_prefix: str,
        retention_days: int,
        shards: int = DUE_SHARDS,
    ) -> None:
        if shards < 1:
            raise ValueError("a case store needs at least one index shard")
        self.models = case_table_models(table_name, region, host)
        self.shards = shards
        self.table_name = table_name
        self.reference_prefix = reference_prefix
        self.retention = timedelta(days=retention_days)
        self.items_read = 0
        self._transactions: Connection | None = None

    # -- references and deliveries ----------------------------------------------------------

    def next_reference(self, received_at: datetime) -> str:
        year = received_at.year
        counter = self.models.counter(f"COUNTER#{self.reference_prefix}-{year}", "COUNTER")
        counter.update(actions=[self.models.counter.value.add(1)])
        return f"{self.reference_prefix}-{year}-{int(counter.value):06d}"

    def find_delivery(self, key: str) -> Delivery | None:
        try:
            marker = self.models.marker.get(f"DELIVERY#{key}", "DELIVERY", consistent_read=True)
        except DoesNotExist:
            return None
        return Delivery(key=key, outcome=marker.outcome or "", reference=marker.reference)

    def find_case_by_message_id(self, message_id: str) -> str | None:
        try:
            marker = self.models.marker.get(message_key(message_id), "MESSAGE")
        except DoesNotExist:
            return None
        return marker.reference

    # -- cases ------------------------------------------------------------------------------

    def _expires_at(self, case: Case) -> datetime | None:
        return case.closed_at + self.retention if case.closed_at else None

    def _case_item(self, case: Case, next_due: datetime | None) -> Any:
        m = self.models.case
        item = m(
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
            possible_complaint=case.possible_complaint or None,
            possible_stage_2_at=case.possible_stage_2_at,
            reply_addresses=list(case.reply_addresses) or None,
            due_shard=due_shard(case.reference, self.shards) if next_due else None,
            next_due_at=index_instant(next_due) if next_due else None,
            open_shard=open_shard(case.reference, self.shards) if case.is_open else None,
            received_month=month_received(case.received_at),
            customer_key=customer_key(case.customer.email),
            expires_at=self._expires_at(case),
        )
        # pynamodb's VersionAttribute makes the save conditional on this revision.
        if case.revision:
            item.revision = case.revision
        return item

    @staticmethod
    def _case(item: Any) -> Case:
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
                    details={
                        k: str(v) for k, v in (n.details.as_dict() if n.details else {}).items()
                    },
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
            possible_complaint=bool(item.possible_complaint),
            possible_stage_2_at=item.possible_stage_2_at,
            reply_addresses=tuple(item.reply_addresses or ()),
            revision=int(item.revision or 0),
        )

    def _event_item(
        self,
        reference: str,
        event: TimelineEvent,
        expires: datetime | None,
        revision: int,
        position: int,
    ) -> Any:
        # Events at one instant keep the order they were written in: by the case revision the
        # write was made from (writes are serialised by it), then their place in the write. The
        # nonce keeps two writes that raced at the same instant from overwriting each other.
        return self.models.event(
            f"CASE#{reference}",
            f"EVENT#{index_instant(event.at)}#{revision:06d}#{position:03d}#{uuid.uuid4().hex[:8]}",
            at=event.at,
            kind=event.kind,
            actor=event.actor,
            summary=event.summary,
            details=dict(event.details),
            expires_at=expires,
        )

    def _write(
        self,
        case: Case,
        *,
        events: Sequence[TimelineEvent],
        next_due: datetime | None,
        idempotency_key: str | None,
        outcome: str,
        message_ids: Iterable[str],
        new: bool,
    ) -> None:
        m = self.models
        item = self._case_item(case, next_due)
        markers = set(message_ids)
        if not events and not idempotency_key and not markers:
            # One item: a conditional put is enough, and costs half a transaction's writes.
            try:
                item.save(condition=m.case.pk.does_not_exist() if new else None)
            except PutError as error:
                if error.cause_response_code == "ConditionalCheckFailedException":
                    raise _ConditionFailed(case.reference) from error
                raise
            return
        expires = self._expires_at(case)
        with TransactWrite(connection=self._connection()) as tx:
            if new:
                tx.save(item, condition=m.case.pk.does_not_exist())
            else:
                tx.save(item)
            for position, event in enumerate(events):
                tx.save(self._event_item(case.reference, event, expires, case.revision, position))
            if idempotency_key:
                tx.save(
                    m.marker(
                        f"DELIVERY#{idempotency_key}",
                        "DELIVERY",
                        outcome=outcome,
                        reference=case.reference,
                    ),
                    condition=m.marker.pk.does_not_exist(),
                )
            for message_id in markers:
                tx.save(
                    m.marker(
                        message_key(message_id), "MESSAGE", outcome="case", reference=case.reference
                    )
                )

    def _connection(self) -> Connection:
        # One per store, made on first use: every new Connection builds a botocore client of its
        # own, which costs a tenth of a second or more on each transactional save.
        if self._transactions is None:
            meta = self.models.case.Meta
            self._transactions = Connection(region=meta.region, host=meta.host)
        return self._transactions

    def create_case(
        self,
        case: Case,
        *,
        events: Sequence[TimelineEvent],
        next_due: datetime | None,
        idempotency_key: str | None = None,
        message_ids: Iterable[str] = (),
    ) -> Case:
        fresh = replace(case, revision=0)
        try:
            self._write(
                fresh,
                events=events,
                next_due=next_due,
                idempotency_key=idempotency_key,
                outcome="case",
                message_ids=message_ids,
                new=True,
            )
        except (TransactWriteError, _ConditionFailed):
            earlier = self.find_delivery(idempotency_key) if idempotency_key else None
            stored = self.get_case(earlier.reference) if earlier and earlier.reference else None
            if stored is None:
                raise
            return stored
        return replace(fresh, revision=1)

    def save_case(
        self,
        case: Case,
        *,
        events: Sequence[TimelineEvent] = (),
        next_due: datetime | None,
        idempotency_key: str | None = None,
        message_ids: Iterable[str] = (),
    ) -> None:
        try:
            self._write(
                case,
                events=events,
                next_due=next_due,
                idempotency_key=idempotency_key,
                outcome="reply",
                message_ids=message_ids,
                new=False,
            )
        except _ConditionFailed as error:
            raise StaleCaseError(case.reference) from error
        except TransactWriteError as error:
            if idempotency_key and self.find_delivery(idempotency_key) is not None:
                raise DuplicateDeliveryError(idempotency_key) from error
            if error.cause_response_code == "TransactionCanceledException":
                raise StaleCaseError(case.reference) from error
            raise

    def get_case(self, reference: str) -> Case | None:
        try:
            item = self.models.case.get(f"CASE#{reference}", "CASE", consistent_read=True)
        except DoesNotExist:
            return None
        self.items_read += 1
        return self._case(item)

    def due_at(self, reference: str) -> datetime | None:
        try:
            item = self.models.case.get(f"CASE#{reference}", "CASE", consistent_read=True)
        except DoesNotExist:
            return None
        if not item.next_due_at:
            return None
        return datetime.strptime(item.next_due_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)

    def timeline(self, reference: str) -> list[TimelineEvent]:
        m = self.models.event
        return [
            TimelineEvent(
                at=e.at,
                kind=e.kind,
                actor=e.actor,
                summary=e.summary,
                details={k: str(v) for k, v in (e.details.as_dict() if e.details else {}).items()},
            )
            for e in m.query(f"CASE#{reference}", m.sk.startswith("EVENT#"))
        ]

    def cases_due(
        self, now: datetime, *, limit: int | None = None, shards: Iterable[int] | None = None
    ) -> Iterator[Case]:
        """Query each shard of the sparse next-due index (every shard, or those given) and
        merge them oldest first."""
        index = self.models.case.next_due_index
        bound = index_instant(now)
        queries = [
            index.query(
                f"DUE#{shard}",
                self.models.case.next_due_at <= bound,
                page_size=100,
            )
            for shard in chosen_shards(shards, self.shards)
        ]
        merged = heapq.merge(*queries, key=lambda item: item.next_due_at)
        for count, item in enumerate(merged):
            if limit is not None and count >= limit:
                return
            self.items_read += 1
            yield self._case(item)

    def bulk_load(self, cases: Iterable[tuple[Case, datetime | None]]) -> int:
        """Write many new cases with batch writes (load tests and benchmarks): the same items,
        index keys included, that `create_case` writes, without timelines or conditions."""
        count = 0
        with self.models.case.batch_write() as batch:
            for case, next_due in cases:
                # Revision 1, as `create_case` leaves a new case, so saves that follow agree.
                batch.save(self._case_item(replace(case, revision=1), next_due))
                count += 1
        return count

    def open_cases(self) -> Iterator[Case]:
        """Every open case, oldest first, through the sparse open-cases index (never a scan)."""
        index = self.models.case.open_cases_index
        shards = [index.query(f"OPEN#{shard}", page_size=100) for shard in range(self.shards)]
        for item in heapq.merge(*shards, key=lambda item: item.received_at):
            self.items_read += 1
            yield self._case(item)

    def cases_received(self, month: str) -> Iterator[Case]:
        """One month's partition of the received-month index, oldest first (never a scan)."""
        for item in self.models.case.received_month_index.query(month, page_size=100):
            self.items_read += 1
            yield self._case(item)

    def index_received_months(self) -> int:
        """Give every case saved before the received-month index existed its month, so the
        reports find it: a Scan, run once by hand after upgrading (`sla-monitor report
        backfill`). Returns how many cases it changed; a second run changes none."""
        m = self.models.case
        changed = 0
        for item in m.scan((m.sk == "CASE") & m.received_month.does_not_exist()):
            # Only the index key is written, and only where it is still missing: a case saved
            # meanwhile keeps what its save wrote.
            try:
                item.update(
                    actions=[m.received_month.set(month_received(item.received_at))],
                    condition=m.received_month.does_not_exist(),
                )
            except UpdateError as error:
                if error.cause_response_code != "ConditionalCheckFailedException":
                    raise
                continue
            changed += 1
        return changed

    def index_customer_keys(self) -> int:
        """Give every case with an email address saved before the customer-cases index existed
        its key, so its resident finds it when signed in: a Scan, run once by hand after
        upgrading (`sla-monitor report backfill`). Returns how many cases it changed."""
        m = self.models.case
        changed = 0
        for item in m.scan((m.sk == "CASE") & m.customer_key.does_not_exist()):
            key = customer_key(item.customer.email if item.customer else None)
            if key is None:
                continue
            try:
                item.update(
                    actions=[m.customer_key.set(key)], condition=m.customer_key.does_not_exist()
                )
            except UpdateError as error:
                if error.cause_response_code != "ConditionalCheckFailedException":
                    raise
                continue
            changed += 1
        return changed

    def cases_of_customer(self, key: str) -> list[Case]:
        found = []
        for item in self.models.case.customer_cases_index.query(key, page_size=100):
            self.items_read += 1
            found.append(self._case(item))
        return found

    # -- residents' sign-in links ----------------------------------------------------------

    def keep_sign_in_link(self, link: SignInLink) -> None:
        m = self.models.sign_in
        m(
            f"SIGN_IN#{link.token_digest}",
            "SIGN_IN",
            customer_key=link.customer_key,
            issued_at=link.issued_at,
            valid_until=link.expires_at,
            return_to=link.return_to,
            expires_at=link.expires_at,
        ).save(condition=m.pk.does_not_exist())

    def use_sign_in_link(self, token_digest: str) -> SignInLink | None:
        m = self.models.sign_in
        try:
            item = m.get(f"SIGN_IN#{token_digest}", "SIGN_IN", consistent_read=True)
        except DoesNotExist:
            return None
        try:
            # Only the request whose delete removes the item may use it.
            item.delete(condition=m.pk.exists())
        except DeleteError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return SignInLink(
            token_digest=token_digest,
            customer_key=item.customer_key,
            issued_at=item.issued_at,
            expires_at=item.valid_until,
            return_to=item.return_to,
        )

    def all_cases(self) -> Iterator[Case]:
        m = self.models.case
        cases = [self._case(item) for item in m.scan(m.sk == "CASE")]
        yield from sorted(cases, key=lambda c: c.received_at)

    # -- triage -----------------------------------------------------------------------------

    def record_triage(self, record: TriageRecord) -> bool:
        m = self.models
        expires = record.received_at + self.retention
        try:
            with TransactWrite(connection=self._connection()) as tx:
                tx.save(
                    m.marker(f"DELIVERY#{record.idempotency_key}", "DELIVERY", outcome="triage"),
                    condition=m.marker.pk.does_not_exist(),
                )
                tx.save(
                    m.triage(
                        "TRIAGE",
                        f"{index_instant(record.received_at)}#{record.idempotency_key}",
                        idempotency_key=record.idempotency_key,
                        received_at=record.received_at,
                        reason=record.reason,
                        sender=record.sender,
                        subject=record.subject,
                        raw_location=record.raw_location,
                        details=dict(record.details),
                        expires_at=expires,
                    )
                )
        except TransactWriteError:
            if self.find_delivery(record.idempotency_key) is not None:
                return False
            raise
        return True

    def keep_classification_example(self, example: ClassificationExample) -> None:
        # Kept as long as a case closed at the moment of labelling would be: never longer than
        # the case itself.
        self.models.example(
            "CLASSIFIER_EXAMPLE",
            example.reference,
            subject=example.subject or "",
            body=example.body or "",
            label=example.label.value,
            first_type=example.first_type.value,
            labelled_at=example.labelled_at,
            expires_at=example.labelled_at + self.retention,
        ).save()

    def classification_examples(self) -> list[ClassificationExample]:
        found = [
            ClassificationExample(
                reference=item.sk,
                subject=item.subject,
                body=item.body,
                label=CaseType(item.label),
                first_type=CaseType(item.first_type),
                labelled_at=item.labelled_at,
            )
            for item in self.models.example.query("CLASSIFIER_EXAMPLE")
        ]
        return sorted(found, key=lambda e: e.labelled_at)

    def count_arrival(self, key: str, *, hour: str, expires_at: datetime) -> int:
        counter = self.models.counter(f"RATE#{key}", f"HOUR#{hour}")
        counter.update(
            actions=[
                self.models.counter.value.add(1),
                self.models.counter.expires_at.set(expires_at),
            ]
        )
        return int(counter.value)

    def triage_records(self) -> list[TriageRecord]:
        return [
            TriageRecord(
                idempotency_key=t.idempotency_key,
                received_at=t.received_at,
                reason=t.reason,
                sender=t.sender,
                subject=t.subject,
                raw_location=t.raw_location,
                details={k: str(v) for k, v in (t.details.as_dict() if t.details else {}).items()},
                resolution=(
                    TriageResolution(
                        outcome=TriageOutcome(t.resolved_outcome),
                        by=t.resolved_by or "",
                        at=t.resolved_at,
                        reason=t.resolved_reason,
                        reference=t.resolved_reference,
                    )
                    if t.resolved_outcome and t.resolved_at
                    else None
                ),
            )
            for t in self.models.triage.query("TRIAGE", consistent_read=True)
        ]

    def resolve_triage(self, record: TriageRecord, resolution: TriageResolution) -> bool:
        m = self.models.triage
        item = m("TRIAGE", f"{index_instant(record.received_at)}#{record.idempotency_key}")
        actions = [
            m.resolved_outcome.set(resolution.outcome.value),
            m.resolved_by.set(resolution.by),
            m.resolved_at.set(resolution.at),
        ]
        if resolution.reason:
            actions.append(m.resolved_reason.set(resolution.reason))
        if resolution.reference:
            actions.append(m.resolved_reference.set(resolution.reference))
        try:
            item.update(actions=actions, condition=m.pk.exists() & m.resolved_at.does_not_exist())
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # -- claims on owed actions -------------------------------------------------------------

    def claim_action(
        self, reference: str, key: str, *, now: datetime, lease_until: datetime
    ) -> Claim | None:
        m = self.models.claim
        claim = m(
            f"CASE#{reference}", f"CLAIM#{key}", claimed_at=now, lease_until=lease_until, sent=False
        )
        # Take it when nobody has, or when an earlier sweep's lease ran out before it sent.
        condition = m.pk.does_not_exist() | ((m.sent == False) & (m.lease_until < now))  # noqa: E712
        try:
            claim.save(condition=condition)
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return Claim(reference, key, claimed_at=now, lease_until=lease_until, sent=False)

    def get_claim(self, reference: str, key: str) -> Claim | None:
        try:
            item = self.models.claim.get(f"CASE#{reference}", f"CLAIM#{key}", consistent_read=True)
        except DoesNotExist:
            return None
        return Claim(
            reference,
            key,
            claimed_at=item.claimed_at,
            lease_until=item.lease_until,
            sent=bool(item.sent),
            sent_at=item.sent_at,
            message_id=item.message_id,
            outcome=item.outcome,
        )

    def release_claim(
        self, reference: str, key: str, *, claimed_at: datetime | None = None
    ) -> None:
        m = self.models.claim
        condition = m.sent == False  # noqa: E712
        if claimed_at is not None:
            # Never release a claim another sweep took over after our lease ran out.
            condition &= m.claimed_at == claimed_at
        try:
            m(f"CASE#{reference}", f"CLAIM#{key}").delete(condition=condition)
        except DeleteError as error:
            # A claim that was sent meanwhile stays as it is.
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    def mark_action_sent(
        self,
        reference: str,
        key: str,
        *,
        sent_at: datetime,
        message_id: str | None = None,
        outcome: str | None = None,
    ) -> None:
        m = self.models.claim
        actions = [m.sent.set(True), m.sent_at.set(sent_at)]
        if message_id is not None:
            actions.append(m.message_id.set(message_id))
        if outcome is not None:
            actions.append(m.outcome.set(outcome))
        m(f"CASE#{reference}", f"CLAIM#{key}").update(actions=actions)


class DynamoDBDirectoryStore:
    """Departments, officers, council-wide roles and stored closure days in the directory table:

        pk          sk              what
        DEPARTMENT  <code>          a department (retired ones too)
        OFFICER     <officer id>    an officer (retired ones too)
        ROLE        <role>          who or what a council-wide role stands for
        CLOSURE     <ISO date>      a day the council closes, added after go-live
        POLICY      <version>       a policy version cases were timed by, kept to re-time them

    Each change writes one item, so two administrators changing different people never
    overwrite each other's work.
    """

    def __init__(self, table_name: str, *, region: str, host: str | None = None) -> None:
        self.model = _directory_model(table_name, region, host)

    def load_directory(self) -> Directory:
        m = self.model
        departments = [self._department(i) for i in m.query("DEPARTMENT")]
        officers = [self._officer(i) for i in m.query("OFFICER")]
        roles = {i.sk: i.officer_id for i in m.query("ROLE")}
        return Directory(
            departments=tuple(departments),
            officers=tuple(officers),
            corporate_complaints_officer=roles.get("corporate_complaints_officer"),
            chief_executive=roles.get("chief_executive"),
            default_department=roles.get("default_department"),
        )

    @staticmethod
    def _department(item: Any) -> Department:
        return Department(
            code=item.sk,
            name=item.name or "",
            head_of_service=item.head_of_service or "",
            team_email=item.email,
            retired=bool(item.retired),
            changed_by=item.changed_by,
            changed_at=item.changed_at,
        )

    @staticmethod
    def _officer(item: Any) -> Officer:
        return Officer(
            officer_id=item.sk,
            name=item.name or "",
            email=item.email or "",
            job_title=item.job_title or "",
            department=item.department,
            retired=bool(item.retired),
            changed_by=item.changed_by,
            changed_at=item.changed_at,
        )

    def _department_item(self, d: Department) -> Any:
        return self.model(
            "DEPARTMENT",
            d.code,
            name=d.name,
            head_of_service=d.head_of_service,
            email=d.team_email,
            retired=d.retired,
            changed_by=d.changed_by,
            changed_at=d.changed_at,
        )

    def _officer_item(self, o: Officer) -> Any:
        return self.model(
            "OFFICER",
            o.officer_id,
            name=o.name,
            email=o.email,
            job_title=o.job_title,
            department=o.department,
            retired=o.retired,
            changed_by=o.changed_by,
            changed_at=o.changed_at,
        )

    def save_directory(self, directory: Directory) -> None:
        m = self.model
        with m.batch_write() as batch:
            for d in directory.departments:
                batch.save(self._department_item(d))
            for o in directory.officers:
                batch.save(self._officer_item(o))
            for role in COUNCIL_ROLES:
                value = getattr(directory, role)
                if value:
                    batch.save(m("ROLE", role, name=role, officer_id=value))

    def save_department(self, department: Department) -> None:
        self._department_item(department).save()

    def save_officer(self, officer: Officer) -> None:
        self._officer_item(officer).save()

    def save_role(self, role: str, value: str, *, changed_by: str, changed_at: datetime) -> None:
        if role not in COUNCIL_ROLES:
            raise ValueError(f"unknown role {role!r}")
        # `officer_id` holds a department code for `default_department`, as it always has.
        self.model(
            "ROLE", role, name=role, officer_id=value, changed_by=changed_by, changed_at=changed_at
        ).save()

    def closure_days(self) -> list[ClosureDay]:
        return [
            ClosureDay(
                day=date.fromisoformat(i.sk),
                reason=i.reason or "",
                added_by=i.changed_by or "",
                added_at=i.changed_at,
            )
            for i in self.model.query("CLOSURE", consistent_read=True)
        ]

    def add_closure_day(self, closure: ClosureDay) -> bool:
        m = self.model
        item = m(
            "CLOSURE",
            closure.day.isoformat(),
            reason=closure.reason,
            changed_by=closure.added_by,
            changed_at=closure.added_at,
        )
        try:
            item.save(condition=m.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def keep_policy(self, version: str, text: str) -> None:
        m = self.model
        try:
            m("POLICY", version, name=version, text=text).save(condition=m.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    def policy_text(self, version: str) -> str | None:
        try:
            return self.model.get("POLICY", version, consistent_read=True).text
        except DoesNotExist:
            return None

    def remove_closure_day(self, day: date) -> bool:
        m = self.model
        try:
            m("CLOSURE", day.isoformat()).delete(condition=m.pk.exists())
        except DeleteError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True


@lru_cache(maxsize=16)
def _directory_model(table_name: str, region: str, host: str | None) -> Any:
    class DirectoryItem(Model):
        Meta = _meta(table_name, region, host)  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        name = UnicodeAttribute(null=True)
        email = UnicodeAttribute(null=True)
        head_of_service = UnicodeAttribute(null=True)
        job_title = UnicodeAttribute(null=True)
        department = UnicodeAttribute(null=True)
        officer_id = UnicodeAttribute(null=True)
        retired = BooleanAttribute(null=True)
        reason = UnicodeAttribute(null=True)
        text = UnicodeAttribute(null=True)  # a kept policy version's file
        # Who last changed the item and when; for a closure day, who added it.
        changed_by = UnicodeAttribute(null=True)
        changed_at = UTCDateTimeAttribute(null=True)

    return DirectoryItem


def forget_bound_models() -> None:
    """Drop models bound earlier (their connections belong to an AWS mock that has ended)."""
    case_table_models.cache_clear()
    _directory_model.cache_clear()
