"""The pynamodb models of the cases table and the directory table: the items, their attribute
maps and the cases table's secondary indexes.

Model classes are made per table name when first used, never at import: the table name comes from
the environment of the function or CLI, which is only known then.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from sla_monitor.store.dynamodb.appointment_items import AppointmentMap, CallBackMap
from sla_monitor.store.schema import (
    CUSTOMER_CASES_INDEX,
    NEXT_DUE_INDEX,
    OPEN_CASES_INDEX,
    RECEIVED_MONTH_INDEX,
)


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
    shelf: Any
    term: Any
    export: Any
    session: Any
    sessions_ended: Any
    account_change: Any
    letter: Any
    saved_view: Any


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

    class ClosureMap(MapAttribute):
        closed_at = UTCDateTimeAttribute()
        closed_by = UnicodeAttribute()
        reason = UnicodeAttribute()
        reason_text = UnicodeAttribute()
        meets_response = BooleanAttribute()

    class LegalHoldMap(MapAttribute):
        held_at = UTCDateTimeAttribute()
        held_by = UnicodeAttribute()
        reason = UnicodeAttribute()

    class RepresentativeMap(MapAttribute):
        name = UnicodeAttribute()
        relationship = UnicodeAttribute()
        recorded_at = UTCDateTimeAttribute()
        recorded_by = UnicodeAttribute()
        email = UnicodeAttribute(null=True)
        phone = UnicodeAttribute(null=True)
        address = UnicodeAttribute(null=True)
        consent_how = UnicodeAttribute(null=True)
        consent_given_on = UnicodeAttribute(null=True)  # ISO date
        letters_to = UnicodeAttribute(default="customer")

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
        closure = ClosureMap(null=True)
        possible_complaint = BooleanAttribute(null=True)
        possible_stage_2_at = UTCDateTimeAttribute(null=True)
        reply_addresses = ListAttribute(of=UnicodeAttribute, null=True)
        representative = RepresentativeMap(null=True)
        linked_cases = ListAttribute(of=UnicodeAttribute, null=True)
        merged_into = UnicodeAttribute(null=True)
        merged_from = ListAttribute(of=UnicodeAttribute, null=True)
        legal_hold = LegalHoldMap(null=True)
        appointments = ListAttribute(of=AppointmentMap, null=True)
        call_backs = ListAttribute(of=CallBackMap, null=True)
        revision = VersionAttribute()
        due_shard = UnicodeAttribute(null=True)
        next_due_at = UnicodeAttribute(null=True)
        open_shard = UnicodeAttribute(null=True)
        received_month = UnicodeAttribute(null=True)
        customer_key = UnicodeAttribute(null=True)
        # What the case's last write filed it under (so the next one can move it): its work
        # list shelf entries and counters, and its search term entries, as "pk sk" pairs.
        work_filed = ListAttribute(of=UnicodeAttribute, null=True)
        work_counted = ListAttribute(of=UnicodeAttribute, null=True)
        search_filed = ListAttribute(of=UnicodeAttribute, null=True)
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

    # A customer letter as it went (its PDF tens of kilobytes), apart from the timeline's items.
    class LetterItem(Model):
        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        subject = UnicodeAttribute()
        text = UnicodeAttribute()
        pdf = BinaryAttribute(null=True, legacy_encoding=False)

    shelf, term, export = _shelf_and_term_models(meta)
    session, sessions_ended, account_change = _session_models(meta)

    class SavedViewItem(Model):
        """An officer's saved view of the work list (`sla_monitor.store.ports.SavedView`)."""

        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)  # VIEWS#<officer id>
        sk = UnicodeAttribute(range_key=True)  # VIEW#<the name, as `saved_view_key` has it>
        name = UnicodeAttribute()
        # Not `query`, which every pynamodb model has as a method.
        filters = UnicodeAttribute()
        saved_at = UTCDateTimeAttribute()

    return CaseTableModels(
        CaseItem,
        EventItem,
        ClaimItem,
        MarkerItem,
        CounterItem,
        TriageItem,
        ExampleItem,
        SignInItem,
        shelf,
        term,
        export,
        session,
        sessions_ended,
        account_change,
        LetterItem,
        SavedViewItem,
    )


def _shelf_and_term_models(meta: type) -> tuple[Any, Any, Any]:
    class ShelfItem(Model):
        """A case on one work list shelf (`sla_monitor.store.shelves`)."""

        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)  # SHELF#<shelf>#<key>
        sk = UnicodeAttribute(range_key=True)  # the position: "<deadline>#<reference>"
        reference = UnicodeAttribute()
        case_type = UnicodeAttribute()
        channel = UnicodeAttribute()
        stage = NumberAttribute()
        department = UnicodeAttribute(null=True)
        assigned_officer = UnicodeAttribute(null=True)
        breached = BooleanAttribute(default=False)
        referred = BooleanAttribute(default=False)
        expires_at = TTLAttribute(null=True)  # on the closed shelves, with the case

    class TermItem(Model):
        """A case filed under a digest of one of its search terms."""

        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)  # TERM#<digest>
        sk = UnicodeAttribute(range_key=True)  # "<received instant>#<reference>", newest last
        reference = UnicodeAttribute()
        expires_at = TTLAttribute(null=True)  # with the case, once it is closed

    class ExportItem(Model):
        """A spreadsheet of a work list view (`sla_monitor.store.ports.WorkListExport`)."""

        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)  # EXPORT#<export id>
        sk = UnicodeAttribute(range_key=True)  # EXPORT
        officer_id = UnicodeAttribute()
        view = UnicodeAttribute()  # the reach and the filter, as JSON
        status = UnicodeAttribute()
        created_at = UTCDateTimeAttribute()
        finished_at = UTCDateTimeAttribute(null=True)
        rows = NumberAttribute(null=True)
        file_key = UnicodeAttribute(null=True)
        reason = UnicodeAttribute(null=True)
        expires_at = TTLAttribute(null=True)

    return ShelfItem, TermItem, ExportItem


def _session_models(meta: type) -> tuple[Any, Any, Any]:
    class SessionItem(Model):
        """A signed-in session (`sla_monitor.store.ports.SessionRecord`)."""

        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)  # SESSIONS#<holder>
        sk = UnicodeAttribute(range_key=True)  # SESSION#<digest of the session id>
        started_at = UTCDateTimeAttribute()
        valid_until = UTCDateTimeAttribute()
        username = UnicodeAttribute(null=True)
        officer_id = UnicodeAttribute(null=True)
        roles = ListAttribute(of=UnicodeAttribute, null=True)
        name = UnicodeAttribute(null=True)
        email = UnicodeAttribute(null=True)
        expires_at = TTLAttribute(null=True)

    class SessionsEndedItem(Model):
        """When every session of one holder was last ended, and how often (never expires)."""

        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)  # SESSIONS#<holder>
        sk = UnicodeAttribute(range_key=True)  # ENDED
        # Not `count`, which every pynamodb model has as a method.
        times = NumberAttribute(default=0)
        ended_at = UTCDateTimeAttribute(null=True)

    class AccountChangeItem(Model):
        """A change to a staff account, on the audit trail."""

        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)  # ACCOUNT_CHANGES
        sk = UnicodeAttribute(range_key=True)  # "<utc instant>#<nonce>", newest last
        at = UTCDateTimeAttribute()
        by = UnicodeAttribute()
        account = UnicodeAttribute()
        what = UnicodeAttribute()
        roles = ListAttribute(of=UnicodeAttribute, null=True)

    return SessionItem, SessionsEndedItem, AccountChangeItem


@lru_cache(maxsize=16)
def directory_model(table_name: str, region: str, host: str | None) -> Any:
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
        # Their name then, where the directory does not list them (a reply template's changes).
        changed_by_name = UnicodeAttribute(null=True)

    return DirectoryItem


def forget_bound_models() -> None:
    """Drop models bound earlier (their connections belong to an AWS mock that has ended)."""
    case_table_models.cache_clear()
    directory_model.cache_clear()
