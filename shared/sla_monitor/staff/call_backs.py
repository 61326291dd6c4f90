"""Call-backs: "we will call you back by TIME", promised on a case and met when the officer
records the call. The clock, the owner's warning and the escalation live in the engine
(`engine.appointments`), timed by the policy's `call_back` promise."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.appointments import CallBack
from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, TimelineEvent
from sla_monitor.staff.steps import ActionNotAllowed, change_case, require_open
from sla_monitor.store.ports import CaseStore
from sla_monitor.wording import day_and_time

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


def call_back_owed(case: Case) -> CallBack | None:
    """The earliest call-back promised on the case and not yet made."""
    waiting = [c for c in case.call_backs if not c.is_made]
    return min(waiting, key=lambda c: c.by) if waiting else None


def promise_call_back(
    reference: str,
    *,
    call_by: datetime,
    about: str = "",
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """The customer was promised a call back by `call_by`: a clock starts."""
    if call_by <= now:
        raise ActionNotAllowed("a call-back must be promised for a time to come", argument="by")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        require_open(case, "promised a call-back")
        number = max((c.number for c in case.call_backs), default=0) + 1
        call_back = CallBack(
            number=number, by=call_by, promised_at=now, promised_by=by, about=about.strip()
        )
        return replace(case, call_backs=(*case.call_backs, call_back)), TimelineEvent(
            at=now,
            kind="call_back_promised",
            actor=by,
            summary=f"call-back promised by {day_and_time(call_by)}"
            + (f": {call_back.about}" if call_back.about else ""),
            details={"number": str(number)},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def record_call_back(
    reference: str,
    *,
    note: str | None = None,
    number: int | None = None,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """The officer called the customer back: the call-back's clock stops, met or kept late."""

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        call_back = case.call_back(number) if number is not None else call_back_owed(case)
        if call_back is None:
            raise ActionNotAllowed(
                f"{reference} has no call-back number {number}"
                if number is not None
                else f"{reference} has no call-back still to make",
                argument="number",
            )
        if call_back.is_made:
            raise ActionNotAllowed(
                f"call-back {call_back.number} on {reference} was recorded already",
                argument="number",
            )
        made = replace(
            call_back, called_at=now, called_by=by, call_note=(note or "").strip() or None
        )
        late = now > call_back.by
        changed = replace(
            case,
            call_backs=tuple(made if c.number == made.number else c for c in case.call_backs),
        )
        return changed, TimelineEvent(
            at=now,
            kind="call_back_made",
            actor=by,
            summary="customer called back"
            + (f" (late: promised by {day_and_time(call_back.by)})" if late else ""),
            details={"number": str(call_back.number), "note": made.call_note or ""},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)
