"""What every staff step shares: the refusal it raises, and reading, changing and saving a case
with its breaches recorded first and a race retried on a fresh copy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    Case,
    CaseType,
    NotificationKind,
    TimelineEvent,
)
from sla_monitor.directory import Directory
from sla_monitor.engine import record_breaches
from sla_monitor.listing import schedule_of
from sla_monitor.lookups import CaseNotFound
from sla_monitor.store.ports import CaseStore, retry_on_conflict

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


class ActionNotAllowed(ValueError):
    """The change cannot be made to this case as it stands; the message says why, and
    `argument`, where one argument is at fault, names it (so a form can put the error there)."""

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument


def change_case(
    reference: str,
    change: Callable[[Case], tuple[Case, TimelineEvent]],
    *,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Read the case, apply `change`, save it re-timed; on a race, read it again and reapply
    (the change's own checks run again on the fresh copy)."""

    def attempt() -> Case:
        case = store.get_case(reference)
        if case is None:
            raise CaseNotFound(reference)
        # What the case shows now is a fact before anything changes it: a breach stays one.
        changed, event = change(record_breaches(case, policy, calendar, now))
        store.save_case(
            changed,
            events=[event],
            schedule=schedule_of(changed, policy, calendar, now),
        )
        return replace(changed, revision=changed.revision + 1)

    return retry_on_conflict(attempt, reference=reference)


def require_open(case: Case, doing: str) -> None:
    if not case.is_open:
        raise ActionNotAllowed(f"{case.reference} is closed: it cannot be {doing}")


def require_active_officer(directory: Directory, officer_id: str) -> None:
    officer = directory.officer(officer_id)
    if officer is None:
        raise ActionNotAllowed(f"there is no officer {officer_id!r} in the directory")
    if officer.retired:
        raise ActionNotAllowed(f"{officer_id} has left the directory (retired)")


def article(case_type: CaseType) -> str:
    """The type with its article, as a refusal reads it: "an enquiry", "a complaint"."""
    label = case_type.label
    return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


def customer_update(case: Case, why: str, at: datetime) -> Case:
    """Tell the customer what changed (and the date they can now expect), when the case has
    been acknowledged: before that the acknowledgement itself gives the date."""
    if case.acknowledged_at is None:
        return case
    return case.notify(NotificationKind.CASE_UPDATE, at=at, why=why)
