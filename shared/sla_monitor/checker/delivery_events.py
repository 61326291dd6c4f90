"""What became of the mail the checker sent: SES delivery events (bounces, complaints,
rejections) from the configuration set, through SNS.

The case is found by the SES message id the checker remembered when it sent the message. Every
event is recorded on the case timeline once (SNS may deliver it twice); a letter to the customer
that bounced for good, or that SES rejected, also alerts the owner, once, to reach the customer
another way. That alert goes when the bounce arrives, usually moments after the send: the owner
needs it to act, and it answers an event rather than a deadline.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sla_monitor.calendar import WorkingDayCalendar, require_aware
from sla_monitor.cases import Case, TimelineEvent
from sla_monitor.checker.duties import Duty
from sla_monitor.checker.letters import LetterWriter
from sla_monitor.checker.mailer import Mailer, PermanentSendError, TransientSendError
from sla_monitor.checker.message_kinds import TITLES
from sla_monitor.checker.messages import Composer, build_email, new_message_id
from sla_monitor.checker.preferences import route_without_email
from sla_monitor.checker.sweep import ACTOR, next_due_for
from sla_monitor.directory import Directory
from sla_monitor.engine import Action
from sla_monitor.policy_terms import Role
from sla_monitor.store.ports import (
    CaseStore,
    DuplicateDeliveryError,
    retry_on_conflict,
)

if TYPE_CHECKING:
    from sla_monitor.council import Council
    from sla_monitor.policy import Policy

# Who the timeline says recorded what the email service told of a message it could not deliver.
MAIL_SERVICE = "ses"
_LEASE = timedelta(minutes=10)
_SAVE_ATTEMPTS = 5


class EventOutcome(enum.StrEnum):
    RECORDED = "recorded"
    OWNER_ALERTED = "owner_alerted"
    REPEAT = "repeat"  # seen before: nothing new recorded
    NOT_A_CASE_MESSAGE = "not_a_case_message"  # e.g. a staff alert bounced; nothing to record


@dataclass(frozen=True)
class DeliveryEvent:
    kind: str  # Bounce, Complaint, Reject, Delivery, DeliveryDelay...
    ses_message_id: str
    event_id: str  # unique per event: the SES feedback id, else the SNS message id
    occurred_at: datetime
    bounce_type: str | None = None  # Permanent, Transient, Undetermined
    detail: str | None = None  # bounce sub-type, complaint type or reject reason; no addresses

    @property
    def customer_unreachable(self) -> bool:
        """The letter will never reach the customer at that address."""
        return self.kind == "Reject" or (self.kind == "Bounce" and self.bounce_type == "Permanent")

    def summary(self, title: str) -> str:
        if self.kind == "Bounce":
            kind = "for good" if self.bounce_type == "Permanent" else "for now"
            return f"{title} to the customer bounced {kind} ({self.detail or 'no reason given'})"
        if self.kind == "Complaint":
            return f"the customer marked the {title} as spam"
        if self.kind == "Reject":
            return f"{title} to the customer was rejected by the mail service"
        return f"{title} to the customer: {self.kind.lower()}"


def _instant(text: Any, fallback: datetime) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return fallback
    return parsed if parsed.tzinfo else fallback


def parse_ses_event(message: dict[str, Any], *, fallback_id: str, now: datetime) -> DeliveryEvent:
    """One SES event as published to SNS (`eventType` from a configuration set, or
    `notificationType` from identity notifications)."""
    kind = str(message.get("eventType") or message.get("notificationType") or "")
    mail = message.get("mail") or {}
    if not kind or not mail.get("messageId"):
        raise ValueError("not an SES delivery event")
    part = message.get(kind[:1].lower() + kind[1:]) or {}
    detail = (
        part.get("bounceSubType")
        or part.get("complaintFeedbackType")
        or part.get("reason")
        or part.get("delayType")
    )
    return DeliveryEvent(
        kind=kind,
        ses_message_id=str(mail["messageId"]),
        event_id=str(part.get("feedbackId") or fallback_id),
        occurred_at=_instant(part.get("timestamp") or mail.get("timestamp"), now),
        bounce_type=part.get("bounceType"),
        detail=str(detail) if detail else None,
    )


def events_from_sns(event: dict[str, Any], *, now: datetime) -> list[DeliveryEvent]:
    """The SES events in an SNS-to-Lambda event."""
    found = []
    for record in event.get("Records", ()):
        sns = record.get("Sns") or {}
        message = json.loads(sns.get("Message") or "{}")
        found.append(parse_ses_event(message, fallback_id=str(sns.get("MessageId")), now=now))
    return found


@dataclass
class DeliveryEventRecorder:
    store: CaseStore
    policy: Policy
    calendar: WorkingDayCalendar
    directory: Directory
    mailer: Mailer
    council: Council
    sender: str
    composer: Composer | None = None

    def __post_init__(self) -> None:
        self.writer = LetterWriter(
            council=self.council,
            policy=self.policy,
            calendar=self.calendar,
            directory=self.directory,
            composer=self.composer or Composer(self.council),
        )

    def record(self, event: DeliveryEvent, *, now: datetime) -> EventOutcome:
        now = require_aware(now)
        reference = self.store.find_case_by_message_id(event.ses_message_id)
        case = self.store.get_case(reference) if reference else None
        if case is None:
            return EventOutcome.NOT_A_CASE_MESSAGE
        idempotency_key = f"ses-event:{event.event_id}:{event.kind}"
        if self.store.find_delivery(idempotency_key) is not None:
            return EventOutcome.REPEAT
        sent = next((s for s in case.sent if s.message_id == event.ses_message_id), None)
        action = _action(sent.action) if sent else None
        title = TITLES[action] if action else "message"
        details = {
            "ses_message_id": event.ses_message_id,
            "event": event.kind,
            "bounce_type": event.bounce_type or "",
            "detail": event.detail or "",
            "action": action.value if action else "",
        }
        events = [
            TimelineEvent(
                at=event.occurred_at,
                kind="delivery_event",
                actor=MAIL_SERVICE,
                summary=event.summary(title),
                details=details,
            )
        ]
        outcome = EventOutcome.RECORDED
        if event.customer_unreachable and sent is not None and action and action.to_customer:
            alert = self._alert_owner(case, sent.key, action, event, now)
            if alert is not None:
                events.append(alert)
                outcome = EventOutcome.OWNER_ALERTED
        return self._save(case, events, idempotency_key, now) or outcome

    def _alert_owner(
        self,
        case: Case,
        sent_key: str,
        action: Action,
        event: DeliveryEvent,
        now: datetime,
    ) -> TimelineEvent | None:
        """Tell the owner, once per bounced message (claimed like any owed action)."""
        key = f"bounced:{event.ses_message_id}"
        claim = self.store.claim_action(case.reference, key, now=now, lease_until=now + _LEASE)
        if claim is None:
            return None  # told already, or being told by another delivery of the same event
        duty = Duty(key=key, kind=action, owed_from=now, due=None, recipients=(Role.OWNER,))
        letter = self.writer.staff_letter(
            "staff/bounced",
            case,
            duty,
            at=now,
            sent_on=self.calendar.local(event.occurred_at).date(),
            reason=f"{event.kind.lower()}, {event.detail or 'no reason given'}",
            route_detail=route_without_email(case).detail,
        )
        addresses, officers = self.writer.staff_recipients(case, (Role.OWNER,))
        outbound = build_email(
            letter,
            council=self.council,
            sender=self.sender,
            to=addresses,
            reference=case.reference,
            message_id=new_message_id(case.reference, key, self.sender),
            at=now,
        )
        try:
            sent = self.mailer.send(outbound)
        except TransientSendError:
            # Let SNS's retry bring the event back; the claim must not block it.
            self.store.release_claim(case.reference, key, claimed_at=now)
            raise
        except PermanentSendError as error:
            self.store.mark_action_sent(case.reference, key, sent_at=now, outcome="failed")
            return TimelineEvent(
                at=now,
                kind="send_failed",
                actor=ACTOR,
                summary=f"the owner could not be told of the bounce ({error.reason})",
                details={"key": key},
            )
        self.store.mark_action_sent(
            case.reference, key, sent_at=now, message_id=sent.provider_id, outcome="emailed"
        )
        return TimelineEvent(
            at=now,
            kind="message_sent",
            actor=ACTOR,
            summary="the owner was asked to reach the customer another way",
            details={
                "key": key,
                "bounced_action": sent_key,
                "ses_message_id": sent.provider_id,
                "officers": ",".join(officers),
            },
        )

    def _save(
        self, case: Case, events: list[TimelineEvent], idempotency_key: str, now: datetime
    ) -> EventOutcome | None:
        copies = iter([case])

        def attempt() -> EventOutcome | None:
            # The case as first read, then a fresh copy after each save that met a newer one.
            current = next(copies, None) or self.store.get_case(case.reference)
            if current is None:
                return EventOutcome.NOT_A_CASE_MESSAGE
            schedule = next_due_for(
                current, policy=self.policy, calendar=self.calendar, writer=self.writer, at=now
            )
            try:
                self.store.save_case(
                    current, events=events, schedule=schedule, idempotency_key=idempotency_key
                )
            except DuplicateDeliveryError:
                return EventOutcome.REPEAT
            return None

        return retry_on_conflict(attempt, reference=case.reference, attempts=_SAVE_ATTEMPTS)

    def record_all(self, events: Iterable[DeliveryEvent], *, now: datetime) -> list[EventOutcome]:
        return [self.record(event, now=now) for event in events]


def _action(value: str) -> Action | None:
    try:
        return Action(value)
    except ValueError:
        return None  # a notice of the checker's own, not an engine action
