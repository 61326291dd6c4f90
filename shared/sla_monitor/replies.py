"""A customer writing again about their case: the reply is added to it, a paused clock resumes,
the owner hears of it, and the customer is acknowledged (at most once a day). Soon after a
complaint's stage 1 response, a reply that asks for stage 2 starts it at once through the same
use case as staff (`request_stage_2`, by the customer, from the reply); one that may ask reopens
the complaint for staff to decide.

Email intake, the residents' pages and triage all call `record_customer_reply`, so a reply is the
same whatever way it came. It sits above both intake and the staff steps, which it uses.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, CaseStatus, CaseType, Channel, NotificationKind, TimelineEvent
from sla_monitor.directory import Directory
from sla_monitor.engine import record_breaches
from sla_monitor.intake import ACTOR as INTAKE
from sla_monitor.intake import (
    CUSTOMER,
    CustomerReply,
    attachment_events,
    is_from_representative,
    remember_reply_address,
    resume_from_pause,
)
from sla_monitor.listing import schedule_of
from sla_monitor.mail.stage_2_requests import is_plain_thanks, stage_2_request_words
from sla_monitor.policy_terms import PromiseKind, Role
from sla_monitor.staff import ActionNotAllowed, change_case, request_stage_2
from sla_monitor.store.ports import CaseStore, DuplicateDeliveryError, StaleCaseError

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


def record_customer_reply(
    reply: CustomerReply,
    *,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
    directory: Directory | None = None,
) -> Case:
    """Add a customer's reply to its case; a clock paused on the customer resumes. Raises
    DuplicateDeliveryError when this delivery was recorded before.

    A reply to a complaint within `stage_2_request_window` of its stage 1 response that reads
    as a stage 2 request starts stage 2 at once, exactly as staff would (`request_stage_2`, by
    the customer, from the reply); one that may be a request reopens the complaint at stage 1
    for staff to decide. `directory` chooses the stage 2 reviewer: without it every such reply
    is left for staff to decide."""
    if reply.idempotency_key:
        earlier = store.find_delivery(reply.idempotency_key)
        if earlier is not None:
            raise DuplicateDeliveryError(reply.idempotency_key, earlier.outcome, earlier.reference)
    case = store.get_case(reply.reference)
    if case is None:
        raise LookupError(f"no case {reply.reference}")
    written_to = None
    if case.merged_into is not None:
        # A duplicate merged into its original: what is written to it goes to the original.
        original = store.get_case(case.merged_into)
        if original is not None:
            written_to, case = case.reference, original
            reply = replace(reply, reference=original.reference)
    case = record_breaches(case, policy, calendar, now)
    details = {"channel": reply.channel.value, "body": reply.body}
    if written_to is not None:
        details["written_to"] = written_to
    by_representative = (
        reply.sender is not None
        and case.representative is not None
        and is_from_representative(case, reply.sender)
    )
    if reply.sender:
        details["sender"] = reply.sender
        case = remember_reply_address(case, reply.sender)
    events = [
        TimelineEvent(
            at=reply.received_at,
            kind="customer_reply",
            actor=CUSTOMER,
            summary=reply.summary
            + (f" (written to {written_to}, merged into this case)" if written_to else "")
            + (
                f", from their representative, {case.representative.name}"
                if by_representative and case.representative is not None
                else ""
            ),
            details=details,
        )
    ]
    events.extend(attachment_events(reply.attachments, at=reply.received_at, actor=CUSTOMER))
    if case.open_pause is not None:
        case = resume_from_pause(case, at=reply.received_at)
        events.append(
            TimelineEvent(
                at=reply.received_at,
                kind="resumed",
                actor=CUSTOMER,
                summary="clocks resumed: the customer replied",
            )
        )
    before = case
    asks = may_ask_for_stage_2(
        case, reply.received_at, policy=policy, calendar=calendar
    ) and not is_plain_thanks(reply.body)
    words = stage_2_request_words(reply.body) if asks and directory is not None else None
    event: TimelineEvent | None
    if words is not None:
        # Reopened for a decision first: should starting stage 2 below fail, or never run,
        # the case is still in the work list as a possible request, not closed and forgotten.
        case, event = _await_stage_2_decision(case, reply, tell=False)
    else:
        case, event = _tell_owner_of_reply(case, reply, asks=asks)
    if event is not None:
        events.append(event)
    if words is None:
        # A reply that starts stage 2 is acknowledged by the stage 2 acknowledgement.
        case = _acknowledge_reply(before, case, reply, policy=policy, calendar=calendar)
    store.save_case(
        case,
        events=events,
        schedule=schedule_of(case, policy, calendar, now),
        idempotency_key=reply.idempotency_key,
        message_ids=(reply.message_id,) if reply.message_id else (),
    )
    if words is None or directory is None:
        return case
    return _start_stage_2_from_reply(
        reply, words, store=store, policy=policy, calendar=calendar, directory=directory
    )


def may_ask_for_stage_2(
    case: Case, at: datetime, *, policy: Policy, calendar: WorkingDayCalendar
) -> bool:
    """Whether a reply at `at` may be the customer asking for stage 2: a complaint closed
    after its stage 1 response (or reopened awaiting that decision), within the policy's
    `stage_2_request_window` of the response."""
    stage_1 = case.response_at(1)
    return (
        case.case_type is CaseType.COMPLAINT
        and case.stage_2 is None
        and stage_1 is not None
        and (not case.is_open or case.possible_stage_2_at is not None)
        and calendar.working_days_between(
            calendar.start_day(stage_1.recorded_at), calendar.start_day(at)
        )
        <= policy.stage_2_request_window
    )


def _start_stage_2_from_reply(
    reply: CustomerReply,
    words: str,
    *,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
) -> Case:
    """Start stage 2 through the staff use case, by the customer, with their words."""
    at = reply.received_at
    try:
        return request_stage_2(
            reply.reference,
            reason=shortened(reply.body),
            channel=reply.channel,
            by=CUSTOMER,
            store=store,
            policy=policy,
            calendar=calendar,
            directory=directory,
            now=at,
        )
    except ActionNotAllowed as refused:
        why = str(refused)
    except StaleCaseError:
        why = "the case kept changing meanwhile"

    def put_to_staff(case: Case) -> tuple[Case, TimelineEvent]:
        told, _ = _await_stage_2_decision(case, reply, tell=True)
        return told, TimelineEvent(
            at=at,
            kind="possible_stage_2",
            actor=INTAKE,
            summary=f"the customer asked for stage 2 ({words!r}) but it could not be started "
            f"automatically ({why}): put to staff to decide",
        )

    return change_case(
        reply.reference, put_to_staff, store=store, policy=policy, calendar=calendar, now=at
    )


def shortened(text: str, limit: int = 300) -> str:
    """The customer's words on one line, cut at a word to at most `limit` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def _await_stage_2_decision(
    case: Case, reply: CustomerReply, *, tell: bool
) -> tuple[Case, TimelineEvent]:
    """The complaint reopened at stage 1 with a possible stage 2 request for staff to decide.
    With `tell`, its officer and the Corporate Complaints Officer hear of it, and the customer
    is told their message is being looked at."""
    at = reply.received_at
    changed = case
    if case.possible_stage_2_at is None:
        changed = replace(
            case, status=CaseStatus.OPEN, closed_at=None, reopened_at=at, possible_stage_2_at=at
        )
    if tell:
        changed = changed.notify(
            NotificationKind.POSSIBLE_STAGE_2,
            at=at,
            roles=(Role.OWNER.value, Role.CORPORATE_COMPLAINTS_OFFICER.value),
            words=shortened(reply.body),
            channel=reply.channel.value,
        )
        changed = changed.notify(NotificationKind.POSSIBLE_STAGE_2_ACKNOWLEDGEMENT, at=at)
    if case.possible_stage_2_at is not None:
        summary = "the customer wrote again about their possible stage 2 request"
    elif tell:
        summary = (
            "the customer wrote after the stage 1 response: reopened at stage 1 as a possible "
            "stage 2 request for staff to decide"
        )
    else:
        summary = "the customer asked for stage 2 after the stage 1 response: reopened to start it"
    return changed, TimelineEvent(at=at, kind="possible_stage_2", actor=INTAKE, summary=summary)


def _tell_owner_of_reply(
    case: Case, reply: CustomerReply, *, asks: bool
) -> tuple[Case, TimelineEvent | None]:
    """The owner hears of every reply. A reply to a closed complaint soon after its stage 1
    response that may be a request for stage 2 reopens it at stage 1 for staff to decide (the
    owner and the Corporate Complaints Officer are asked, the customer told); a plain thank-you
    then leaves it closed. Any other reply to a closed case reopens it."""
    at = reply.received_at
    owner = (Role.OWNER.value,)
    if asks and case.possible_stage_2_at is None:
        return _await_stage_2_decision(case, reply, tell=True)
    if case.is_open or _thanks_for_the_response(case, reply):
        return case.notify(NotificationKind.CUSTOMER_REPLIED, at=at, roles=owner), None
    reopened = replace(case, status=CaseStatus.OPEN, closed_at=None, reopened_at=at)
    changed = reopened.notify(NotificationKind.CUSTOMER_REPLIED, at=at, roles=owner, reopened="yes")
    return changed, TimelineEvent(
        at=at, kind="reopened", actor=INTAKE, summary="reopened: the customer wrote again"
    )


def _acknowledge_reply(
    before: Case,
    case: Case,
    reply: CustomerReply,
    *,
    policy: Policy,
    calendar: WorkingDayCalendar,
) -> Case:
    """The customer hears that their reply arrived, at most once a day per case: it came by a
    channel the policy acknowledges in writing (email, the web), and the case is open after it.
    A reply that started stage 2, or that put a possible stage 2 request to staff, is
    acknowledged by the stage 2 path instead."""
    if (
        not case.is_open
        or (case.stage_2 is not None and before.stage_2 is None)
        or (case.possible_stage_2_at is not None and before.possible_stage_2_at is None)
    ):
        return case
    if reply.channel not in _channels_acknowledged(policy):
        return case
    day = calendar.local(reply.received_at).date()
    if any(
        n.kind is NotificationKind.REPLY_ACKNOWLEDGEMENT
        and calendar.local(n.raised_at).date() == day
        for n in case.notifications
    ):
        return case
    if not before.is_open:
        return case.notify(
            NotificationKind.REPLY_ACKNOWLEDGEMENT, at=reply.received_at, reopened="yes"
        )
    return case.notify(NotificationKind.REPLY_ACKNOWLEDGEMENT, at=reply.received_at)


def _channels_acknowledged(policy: Policy) -> frozenset[Channel]:
    """The channels whose every message the policy acknowledges in writing ("acknowledge
    receipt of all customer emails"). A call or a visit was answered there and then."""
    return frozenset(
        channel
        for promise in policy.promises
        if promise.kind is PromiseKind.ACKNOWLEDGEMENT
        for channel in promise.channels
    )


def _thanks_for_the_response(case: Case, reply: CustomerReply) -> bool:
    """A plain thank-you for a complaint's stage 1 response: nothing to reopen it for."""
    return (
        case.case_type is CaseType.COMPLAINT
        and case.stage_2 is None
        and case.response_at(1) is not None
        and is_plain_thanks(reply.body)
    )
