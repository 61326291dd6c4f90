"""What a sweep did: each action's outcome as recorded on the case, and the report of the run
(for the CLI's lines and the Lambda's metrics). Reports hold no personal data."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sla_monitor.cases import NotificationKind, SentLetter, TimelineEvent
from sla_monitor.checker.duties import Duty, Notice
from sla_monitor.checker.message_kinds import TITLES
from sla_monitor.engine import Action


class Delivery(enum.StrEnum):
    EMAILED = "emailed"  # to whom it was for
    TASK = "task"  # a customer letter passed to the owner to send by post or phone
    FAILED = "failed"  # refused for good by the mail service; the owner told where it helps


@dataclass(frozen=True)
class Outcome:
    duty: Duty
    delivery: Delivery
    sent_at: datetime
    audience: str  # "customer", "owner", or the roles told
    provider_id: str | None = None  # SES message id of the email that carried it
    message_ids: tuple[str, ...] = ()  # ids a customer's reply or a bounce may quote
    officers: tuple[str, ...] = ()  # officer ids emailed
    language: str | None = None
    detail: str | None = None  # the route, or the reason it failed
    acknowledged: bool = False
    expected_reply_by: datetime | None = None
    promised_day: date | None = None  # the reply date the customer letter gave
    recovered: bool = False  # sent by an earlier sweep, recorded by this one
    # A customer letter as it went (or was passed to the owner, or refused): kept on the case.
    letter: SentLetter | None = None
    # Who a customer letter went to, in words ("the customer and their representative, ...").
    addressed_to: str | None = None

    @property
    def on_time(self) -> bool | None:
        if self.duty.due is None:
            return None
        return self.sent_at < self.duty.due

    def summary(self) -> str:
        title = TITLES[self.duty.kind]
        if self.delivery is Delivery.EMAILED:
            # Officers named are named as they are; roles and the customer take "the".
            whom = self.audience if self.duty.officers else f"the {self.audience}"
            text = f"{title} emailed to {self.addressed_to or whom}"
        elif self.delivery is Delivery.TASK:
            text = f"{title} passed to the owner to send {self.detail}"
            if self.addressed_to and self.addressed_to != "the customer":
                text += f", for {self.addressed_to}"
        elif self.duty.to_customer:
            text = f"{title} could not be emailed ({self.detail}); the owner was told"
        else:
            text = f"{title} could not be emailed ({self.detail})"
        if self.duty.kind is Action.ACKNOWLEDGE and self.delivery is Delivery.EMAILED:
            text += " on time" if self.on_time else " late"
        return text

    def event(self, actor: str) -> TimelineEvent:
        kinds = {
            Delivery.EMAILED: "message_sent",
            Delivery.TASK: "task_for_owner",
            Delivery.FAILED: "send_failed",
        }
        details = {
            "action": self.duty.kind.value,
            "key": self.duty.key,
            "promise": self.duty.promise or "",
            "delivery": self.delivery.value,
            "ses_message_id": self.provider_id or "",
            "officers": ",".join(self.officers),
            "language": self.language or "",
        }
        if self.detail:
            details["detail"] = self.detail
        if self.addressed_to:
            details["sent_to"] = self.addressed_to
        if self.letter is not None:
            # The words as they went, so the case shows the letter as sent, whatever the
            # templates say later; its PDF is kept apart (`LetterCopies`), read only to download.
            details["letter_subject"] = self.letter.subject
            details["letter_text"] = self.letter.text
            if self.letter.pdf:
                details["letter_pdf"] = "yes"
        if self.recovered:
            details["recovered"] = "sent by an earlier sweep that stopped before recording it"
        return TimelineEvent(
            at=self.sent_at,
            kind=kinds[self.delivery],
            actor=actor,
            summary=self.summary(),
            details=details,
        )

    def done(self, reference: str) -> Done:
        return Done(
            reference=reference,
            key=self.duty.key,
            kind=self.duty.kind,
            delivery=self.delivery,
            at=self.sent_at,
            audience=self.audience,
            on_time=self.on_time,
            recovered=self.recovered,
        )


@dataclass(frozen=True)
class Done:
    """One action a sweep recorded, as reported (a reference and roles, nobody's details)."""

    reference: str
    key: str
    kind: Action | Notice | NotificationKind
    delivery: Delivery
    at: datetime
    audience: str
    on_time: bool | None
    recovered: bool = False

    def line(self) -> str:
        timing = ""
        if self.kind is Action.ACKNOWLEDGE and self.delivery is Delivery.EMAILED:
            timing = " (on time)" if self.on_time else " (late)"
        recovered = " [recorded from an earlier sweep]" if self.recovered else ""
        return (
            f"{self.reference}  {self.kind.value:<28}  {self.delivery.value:<7}  "
            f"{self.audience}{timing}{recovered}"
        )


@dataclass
class SweepReport:
    now: datetime
    cases_read: int = 0
    done: list[Done] = field(default_factory=list)
    held: int = 0  # actions another sweep held a live lease on
    deferred: int = 0  # sends that kept failing briefly: tried again next sweep
    failures: list[tuple[str, str]] = field(default_factory=list)  # (reference, error type)
    complete: bool = True
    stopped_because: str | None = None

    def stop(self, reason: str) -> None:
        self.complete = False
        self.stopped_because = reason

    def failed(self, reference: str, error: Exception) -> None:
        self.failures.append((reference, type(error).__name__))

    def count(
        self, kind: Action | Notice | NotificationKind, delivery: Delivery | None = None
    ) -> int:
        return sum(
            1 for d in self.done if d.kind is kind and (delivery is None or d.delivery is delivery)
        )

    def metrics(self) -> dict[str, int]:
        """Counts for CloudWatch, in the council's words."""
        emailed = [d for d in self.done if d.delivery is Delivery.EMAILED]
        acknowledgements = [d for d in emailed if d.kind is Action.ACKNOWLEDGE]
        by_kind = Counter(d.kind for d in emailed)
        return {
            "AcknowledgementsSentOnTime": sum(1 for d in acknowledgements if d.on_time),
            "AcknowledgementsSentLate": sum(1 for d in acknowledgements if not d.on_time),
            "UpdatesSent": by_kind[Action.SEND_HOLDING_UPDATE]
            + by_kind[Action.SEND_PROGRESS_UPDATE],
            "HoldingUpdatesSent": by_kind[Action.SEND_HOLDING_UPDATE],
            "ProgressUpdatesSent": by_kind[Action.SEND_PROGRESS_UPDATE],
            "ApologiesSent": by_kind[Action.APOLOGISE_FOR_DELAY],
            "Warnings": by_kind[Action.WARN_OWNER],
            "Breaches": by_kind[Action.ESCALATE_TO_HEAD_OF_SERVICE],
            "Escalations": by_kind[Action.REFER_TO_CHIEF_EXECUTIVE],
            "ComplaintsHandedOver": by_kind[Action.PASS_TO_HEAD_OF_SERVICE],
            "TasksForOwners": sum(1 for d in self.done if d.delivery is Delivery.TASK),
            "SendFailures": sum(1 for d in self.done if d.delivery is Delivery.FAILED),
            "CasesRead": self.cases_read,
            "ActionsHeldElsewhere": self.held,
            "ActionsDeferred": self.deferred,
            "CaseErrors": len(self.failures),
            "BacklogLeft": 0 if self.complete else 1,
        }

    def lines(self) -> list[str]:
        return [d.line() for d in self.done]
