"""When what is owed may go, and when the checker must look at the case again.

A letter to the customer goes as soon as it is owed. A staff alert is owed only in office hours
on working days; one that falls due outside them waits for the next working morning. The
messages staff steps left on the case (its outbox) wake the checker the same way. Pure: no AWS,
no clock reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, Notification
from sla_monitor.engine.results import Clock, Evaluation, OwedAction


def evaluation_of(
    case: Case,
    calendar: WorkingDayCalendar,
    now: datetime,
    clocks: Sequence[Clock],
    actions: Sequence[OwedAction],
) -> Evaluation:
    """The case's clocks with its actions owed now (oldest first) and later (soonest first),
    and the next instant the checker must look at it."""
    owed: list[OwedAction] = []
    upcoming: list[OwedAction] = []
    in_office_hours = calendar.in_office_hours(now)
    wake_times: list[datetime] = []
    for action in actions:
        if action.owed_from > now:
            upcoming.append(action)
            wake_times.append(action.owed_from)
        elif action.to_customer or in_office_hours:
            owed.append(action)
            wake_times.append(action.owed_from)
        else:
            # A staff alert that fell due out of hours waits for the office to open.
            upcoming.append(action)
            wake_times.append(calendar.next_office_hours(now))
    for notification in case.notifications_unsent():
        # The checker sends the messages staff steps owe (the case's outbox): wake for them.
        owed_from = notification_owed_from(notification, calendar)
        if owed_from <= now and not (notification.to_customer or in_office_hours):
            owed_from = calendar.next_office_hours(now)
        wake_times.append(owed_from)
    owed.sort(key=lambda a: a.owed_from)
    upcoming.sort(key=lambda a: a.owed_from)
    return Evaluation(
        clocks=tuple(clocks),
        owed=tuple(owed),
        upcoming=tuple(upcoming),
        next_due=min(wake_times) if wake_times else None,
    )


def notification_owed_from(notification: Notification, calendar: WorkingDayCalendar) -> datetime:
    """When an outbox message may go: a customer's at once, staff's in office hours."""
    if notification.to_customer:
        return notification.raised_at
    return calendar.next_office_hours(notification.raised_at)
