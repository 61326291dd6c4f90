"""What the checker owes a case now: the engine's owed actions, the notices the checker itself
keeps (the customer's requests passed to the owner), and the messages staff steps wrote on the
case (its outbox), each under a deterministic key."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, Notification, NotificationKind
from sla_monitor.engine import Action, Evaluation, OwedAction, notification_owed_from
from sla_monitor.policy_terms import Role


class Notice(enum.StrEnum):
    # A customer asked for an accessible format, an interpreter or another language: the
    # owner is told once, in office hours, so someone arranges it.
    PASS_PREFERENCES_TO_OWNER = "pass_preferences_to_owner"  # noqa: S105 (a name, no secret)


@dataclass(frozen=True)
class Duty:
    """One thing to do once for a case: claimed, done, marked and recorded under `key`."""

    key: str
    kind: Action | Notice | NotificationKind
    owed_from: datetime
    due: datetime | None
    promise: str | None = None
    recipients: tuple[Role, ...] = (Role.OWNER,)
    owed: OwedAction | None = None
    officers: tuple[str, ...] = ()  # officers told by name, besides the roles
    notification: Notification | None = None

    @property
    def to_customer(self) -> bool:
        return isinstance(self.kind, Action | NotificationKind) and self.kind.to_customer

    @classmethod
    def from_owed(cls, owed: OwedAction) -> Duty:
        return cls(
            key=owed.key,
            kind=owed.action,
            owed_from=owed.owed_from,
            due=owed.due,
            promise=owed.promise,
            recipients=owed.recipients,
            owed=owed,
        )


def _preferences_notice(
    case: Case, calendar: WorkingDayCalendar, at: datetime, needs_notice: bool
) -> tuple[Duty | None, datetime | None]:
    """The notice if owed now, else when it will be (staff hear of it in office hours only)."""
    key = Notice.PASS_PREFERENCES_TO_OWNER.value
    if not needs_notice or not case.is_open or case.was_sent(key):
        return None, None
    owed_from = calendar.next_office_hours(case.received_at)
    if owed_from > at:
        return None, owed_from
    if not calendar.in_office_hours(at):
        return None, calendar.next_office_hours(at)
    duty = Duty(key=key, kind=Notice.PASS_PREFERENCES_TO_OWNER, owed_from=owed_from, due=None)
    return duty, owed_from


def _notification_duties(case: Case, calendar: WorkingDayCalendar, at: datetime) -> list[Duty]:
    """The outbox messages owed now (the engine says when the rest wake the case): customer
    letters go at once, staff hear in office hours only."""
    duties: list[Duty] = []
    for notification in case.notifications_unsent():
        owed_from = notification_owed_from(notification, calendar)
        if owed_from > at or not (notification.to_customer or calendar.in_office_hours(at)):
            continue
        duties.append(
            Duty(
                key=notification.key,
                kind=notification.kind,
                owed_from=owed_from,
                due=None,
                recipients=tuple(Role(r) for r in notification.roles),
                officers=notification.officers,
                notification=notification,
            )
        )
    return duties


def duties_owed(
    case: Case,
    evaluation: Evaluation,
    *,
    calendar: WorkingDayCalendar,
    at: datetime,
    needs_notice: bool,
) -> list[Duty]:
    """Everything owed at `at`, oldest first."""
    duties = [Duty.from_owed(owed) for owed in evaluation.owed]
    notice, _ = _preferences_notice(case, calendar, at, needs_notice)
    if notice is not None:
        duties.append(notice)
    duties.extend(_notification_duties(case, calendar, at))
    return sorted(duties, key=lambda d: d.owed_from)


def next_wake(
    case: Case,
    evaluation: Evaluation,
    *,
    calendar: WorkingDayCalendar,
    at: datetime,
    needs_notice: bool,
) -> datetime | None:
    """When the checker must look at the case again: what goes in the next-due index."""
    _, notice_at = _preferences_notice(case, calendar, at, needs_notice)
    times = [t for t in (evaluation.next_due, notice_at) if t is not None]
    return min(times) if times else None
