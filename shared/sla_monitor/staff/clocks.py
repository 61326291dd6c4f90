"""Pausing the clocks while the council waits on the customer, resuming them, and extending a
response deadline once, before it passes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    Case,
    CaseType,
    Extension,
    NotificationKind,
    TimelineEvent,
)
from sla_monitor.engine import Clock, ClockState, evaluate
from sla_monitor.intake import (
    pause_for_customer,
    resume_from_pause,
)
from sla_monitor.policy_terms import Role
from sla_monitor.staff.steps import ActionNotAllowed, change_case, customer_update, require_open
from sla_monitor.store.ports import CaseStore
from sla_monitor.wording import long_date

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


def wait_for_customer(
    reference: str,
    *,
    reason: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Pause the clocks that may pause while the council waits on the customer, and tell the
    customer what is needed."""
    if not reason.strip():
        raise ActionNotAllowed("say what the customer needs to send or do")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        require_open(case, "paused")
        if case.open_pause is not None:
            raise ActionNotAllowed(f"{reference} is already waiting on the customer")
        changed = pause_for_customer(case, at=now, reason=reason)
        changed = changed.notify(NotificationKind.CASE_UPDATE, at=now, why="waiting", needed=reason)
        return changed, TimelineEvent(
            at=now, kind="paused", actor=by, summary=f"waiting on the customer: {reason}"
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def resume_clocks(
    reference: str,
    *,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Resume the clocks without a reply (for example, the customer phoned); the customer is
    told the new date."""

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        if case.open_pause is None:
            raise ActionNotAllowed(f"{reference} is not waiting on the customer")
        changed = customer_update(resume_from_pause(case, at=now), "resumed", now)
        return changed, TimelineEvent(at=now, kind="resumed", actor=by, summary="clocks resumed")

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def extend_deadline(
    reference: str,
    *,
    working_days: int,
    reason: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
    promise: str | None = None,
) -> Case:
    """One extension of the response deadline of the case's current stage, with the reason the
    customer is given. The customer is told the reason, the new date and (for a complaint) the
    Ombudsman's details; the Corporate Complaints Officer is told of a complaint's extension."""
    if not reason.strip():
        raise ActionNotAllowed("an extension needs a reason the customer can be told")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        require_open(case, "extended")
        response = policy.response_promise(case)
        if response is None:
            raise ActionNotAllowed(f"{reference} has no response deadline to extend")
        if promise is not None and promise != response.name:
            raise ActionNotAllowed(
                f"{promise} is not the response deadline of {reference} now ({response.name})"
            )
        if not 1 <= working_days <= response.max_extension:
            raise ActionNotAllowed(
                f"an extension of {response.name.replace('_', ' ')} is 1 to "
                f"{response.max_extension} working days"
            )
        if any(e.clock == response.name for e in case.extensions):
            raise ActionNotAllowed(f"{reference}'s response deadline has been extended once")
        clock = _response_clock(case, response.name, policy, calendar, now)
        late = clock is not None and clock.state is ClockState.BREACHED
        if late and not policy.late_extensions:
            raise ActionNotAllowed(
                f"{reference}'s response was due by {_day(clock)} and that deadline "
                "has passed: an extension can only be agreed before the deadline. Reply as soon "
                "as you can; you can tell the customer when in a message",
                argument="working_days",
            )
        extension = Extension(
            clock=response.name,
            working_days=working_days,
            reason=reason,
            granted_at=now,
            granted_by=by,
        )
        changed = replace(case, extensions=(*case.extensions, extension))
        changed = changed.notify(
            NotificationKind.CASE_UPDATE, at=now, why="extended", reason=reason
        )
        if case.case_type is CaseType.COMPLAINT:
            changed = changed.notify(
                NotificationKind.EXTENSION_GRANTED,
                at=now,
                roles=(Role.CORPORATE_COMPLAINTS_OFFICER.value,),
                reason=reason,
                working_days=str(working_days),
                granted_by=by,
            )
        summary = f"{response.name.replace('_', ' ')} extended by {working_days} working days"
        if late:
            summary += f" after it was breached (due by {_day(clock)}): the breach stands"
        return changed, TimelineEvent(
            at=now,
            kind="extended",
            actor=by,
            summary=summary,
            details={"reason": reason, **({"late": "yes"} if late else {})},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def _response_clock(
    case: Case, name: str, policy: Policy, calendar: WorkingDayCalendar, now: datetime
) -> Clock | None:
    clocks = [
        c
        for c in evaluate(case, policy, calendar, now).clocks
        if c.promise == name and c.stage == case.stage
    ]
    return clocks[-1] if clocks else None


def _day(clock: Clock | None) -> str:
    """The last day a clock gave (the one it missed, if breached), in words: "Monday 30
    November 2026"."""
    day = clock.missed_day or clock.due_day if clock is not None else None
    if day is None:
        return "its deadline"
    return long_date(day)
