"""What staff do to a case: assign it, pause it while waiting on the customer, extend a deadline,
record the response, reclassify it, log a case that arrived by phone, letter or visit.

The staff pages will call these same use cases. Each reads the case, applies one change, records
it on the timeline with the officer's name, re-times the case, and saves it; a save that raced
with another change is retried on a fresh copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    Case,
    CaseStatus,
    CaseType,
    Extension,
    Outcome,
    TimelineEvent,
)
from sla_monitor.engine import next_due_instant
from sla_monitor.intake import pause_for_customer, resume_from_pause
from sla_monitor.policy import Policy, PromiseKind
from sla_monitor.store.ports import CaseStore, StaleCaseError

_ATTEMPTS = 5


class CaseNotFound(LookupError):
    """No case has that reference."""


class ActionNotAllowed(ValueError):
    """The change cannot be made to this case as it stands; the message says why."""


def _change_case(
    reference: str,
    change: Callable[[Case], tuple[Case, TimelineEvent]],
    *,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    for _ in range(_ATTEMPTS):
        case = store.get_case(reference)
        if case is None:
            raise CaseNotFound(reference)
        changed, event = change(case)
        try:
            store.save_case(
                changed,
                events=[event],
                next_due=next_due_instant(changed, policy, calendar, now),
            )
        except StaleCaseError:
            continue
        return replace(changed, revision=changed.revision + 1)
    raise StaleCaseError(reference)


def assign_case(
    reference: str,
    *,
    officer_id: str,
    department: str | None,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    def change(case: Case) -> tuple[Case, TimelineEvent]:
        changed = replace(
            case, assigned_officer=officer_id, department=department or case.department
        )
        summary = f"assigned to {officer_id}" + (f" in {department}" if department else "")
        return changed, TimelineEvent(at=now, kind="assigned", actor=by, summary=summary)

    return _change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


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
    """Pause the clocks that may pause while the council waits on the customer."""

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        if not case.is_open:
            raise ActionNotAllowed("a closed case cannot wait on the customer")
        if case.open_pause is not None:
            raise ActionNotAllowed("the case is already waiting on the customer")
        changed = pause_for_customer(case, at=now, reason=reason)
        return changed, TimelineEvent(
            at=now, kind="paused", actor=by, summary=f"waiting on the customer: {reason}"
        )

    return _change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def resume_clocks(
    reference: str,
    *,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Resume the clocks without a reply (for example, the customer phoned)."""

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        if case.open_pause is None:
            raise ActionNotAllowed("the case is not waiting on the customer")
        return resume_from_pause(case, at=now), TimelineEvent(
            at=now, kind="resumed", actor=by, summary="clocks resumed"
        )

    return _change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def extend_deadline(
    reference: str,
    *,
    promise: str,
    working_days: int,
    reason: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
    maximum_working_days: int = 10,
) -> Case:
    """One extension of a response deadline, with the reason the customer is given."""
    if policy.promise(promise).kind is not PromiseKind.RESPONSE:
        raise ActionNotAllowed(f"{promise} is not a response deadline")
    if not 1 <= working_days <= maximum_working_days:
        raise ActionNotAllowed(f"an extension is 1 to {maximum_working_days} working days")
    if not reason.strip():
        raise ActionNotAllowed("an extension needs a reason the customer can be told")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        if any(e.clock == promise for e in case.extensions):
            raise ActionNotAllowed("this deadline has been extended once already")
        if not case.is_open:
            raise ActionNotAllowed("a closed case cannot be extended")
        extension = Extension(
            clock=promise, working_days=working_days, reason=reason, granted_at=now, granted_by=by
        )
        changed = replace(case, extensions=(*case.extensions, extension))
        return changed, TimelineEvent(
            at=now,
            kind="extended",
            actor=by,
            summary=f"{promise.replace('_', ' ')} extended by {working_days} working days",
            details={"reason": reason},
        )

    return _change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def record_response(
    reference: str,
    *,
    summary: str,
    outcome: Outcome,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
    close: bool = True,
) -> Case:
    """The council has answered the case; its response clocks stop, and it closes."""

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        if not case.is_open:
            raise ActionNotAllowed("the case is closed already")
        changed = replace(
            resume_from_pause(case, at=now),
            responded_at=case.responded_at or now,
            outcome=outcome,
            outcome_summary=summary,
            status=CaseStatus.CLOSED if close else CaseStatus.OPEN,
            closed_at=now if close else None,
        )
        return changed, TimelineEvent(
            at=now,
            kind="responded",
            actor=by,
            summary=f"response sent ({outcome.value.replace('_', ' ')})",
        )

    return _change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def record_acknowledgement_sent(
    reference: str,
    *,
    how: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """An officer sent the acknowledgement by hand (a letter, a phone call): the customer has it."""

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        if case.acknowledged_at is not None:
            raise ActionNotAllowed("the case was acknowledged already")
        changed = replace(case, acknowledged_at=now)
        return changed, TimelineEvent(
            at=now, kind="acknowledged", actor=by, summary=f"acknowledgement sent by {how}"
        )

    return _change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def reclassify_case(
    reference: str,
    *,
    case_type: CaseType,
    reason: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Correct intake's first classification; the case is re-timed under its new type."""

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        changed = replace(case, case_type=case_type, classification_reason=f"{by}: {reason}")
        return changed, TimelineEvent(
            at=now,
            kind="reclassified",
            actor=by,
            summary=f"reclassified from {case.case_type.label} to {case_type.label}",
            details={"reason": reason},
        )

    return _change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)
