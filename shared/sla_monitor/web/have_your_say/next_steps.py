"""What the confirmation page promises: the council's promises for this case, as dates.

Read from the SLA engine's clocks for the stored case, so the page says exactly what the deadline
checker will hold the council to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, CaseType
from sla_monitor.engine import Clock, evaluate
from sla_monitor.policy_terms import PromiseKind, Role

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


@dataclass(frozen=True)
class Deadline:
    working_days: int
    due_day: date


@dataclass(frozen=True)
class WhatHappensNext:
    case_type: CaseType
    acknowledgement: Deadline | None
    response: Deadline | None
    progress_updates_every: int | None  # working days, for complaints
    refer_to_chief_executive_after: int | None  # working days
    will_contact_customer: bool


def _deadline(clock: Clock, policy: Policy) -> Deadline | None:
    within = policy.promise(clock.promise).within
    if clock.due_day is None or within is None:
        return None
    return Deadline(working_days=within, due_day=clock.due_day)


def _soonest(clocks: list[Clock], policy: Policy) -> Deadline | None:
    deadlines = [d for d in (_deadline(c, policy) for c in clocks) if d is not None]
    return min(deadlines, key=lambda d: d.due_day, default=None)


def what_happens_next(
    case: Case,
    *,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> WhatHappensNext:
    """The promises that apply to `case`. One acknowledgement meets every acknowledgement promise,
    so the customer is told the soonest."""
    clocks = evaluate(case, policy, calendar, now).clocks
    of_kind = {
        kind: [c for c in clocks if c.kind is kind and c.occurrence == 1] for kind in PromiseKind
    }
    promises = policy.promises_for(case)
    progress = [p.every for p in promises if p.kind is PromiseKind.PROGRESS_UPDATE and p.every]
    referral = [
        p.within
        for p in promises
        if p.kind is PromiseKind.ESCALATION
        and p.within is not None
        and Role.CHIEF_EXECUTIVE in p.escalate_to
    ]
    # The checker acknowledges only a case with a way to reach the customer.
    will_contact_customer = case.customer.has_contact_details
    return WhatHappensNext(
        case_type=case.case_type,
        acknowledgement=(
            _soonest(of_kind[PromiseKind.ACKNOWLEDGEMENT], policy)
            if will_contact_customer
            else None
        ),
        response=_soonest(of_kind[PromiseKind.RESPONSE], policy),
        progress_updates_every=min(progress, default=None),
        refer_to_chief_executive_after=min(referral, default=None),
        will_contact_customer=will_contact_customer,
    )
