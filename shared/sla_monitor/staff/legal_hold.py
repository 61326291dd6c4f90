"""A legal hold on a case: an Ombudsman investigation or a legal claim means the council must
keep everything about it. While the hold stands the case never expires (the store files it with
no expiry) and its personal data cannot be erased; it is lifted with a reason, and the case then
expires as its retention period says. Both are facts on the timeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, LegalHold, TimelineEvent
from sla_monitor.staff.steps import ActionNotAllowed, change_case
from sla_monitor.store.ports import CaseStore

if TYPE_CHECKING:
    from sla_monitor.policy import Policy

# The timeline's kinds for a hold placed and lifted (the store keeps the case's events with no
# expiry while a hold stands, and gives them their expiry back when it is lifted).
HOLD_PLACED = "legal_hold"
HOLD_LIFTED = "legal_hold_lifted"


class CaseOnHold(ActionNotAllowed):
    """The case is under a legal hold: what was asked would lose what must be kept."""


def place_legal_hold(
    reference: str,
    *,
    reason: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Keep the case, open or closed, whatever its retention period says, until the hold is
    lifted. Nobody is sent anything and no clock is touched."""
    why = reason.strip()
    if not why:
        raise ActionNotAllowed(
            "say why the case must be kept, such as an Ombudsman investigation or a claim",
            argument="reason",
        )

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        if case.legal_hold is not None:
            raise ActionNotAllowed(
                f"{reference} is on hold already, since {case.legal_hold.held_at:%-d %B %Y} "
                f"({case.legal_hold.reason})"
            )
        hold = LegalHold(held_at=now, held_by=by, reason=why)
        return replace(case, legal_hold=hold), TimelineEvent(
            at=now,
            kind=HOLD_PLACED,
            actor=by,
            summary=f"kept on legal hold: {why}",
            details={"reason": why},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def lift_legal_hold(
    reference: str,
    *,
    reason: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Lift the hold: the case expires again as its retention period says (counted from when
    it closed, so a case long closed may go at the next expiry run)."""
    why = reason.strip()
    if not why:
        raise ActionNotAllowed("say why the hold can be lifted", argument="reason")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        if case.legal_hold is None:
            raise ActionNotAllowed(f"{reference} is not on legal hold")
        return replace(case, legal_hold=None), TimelineEvent(
            at=now,
            kind=HOLD_LIFTED,
            actor=by,
            summary=f"legal hold lifted: {why}",
            details={"reason": why, "held_since": case.legal_hold.held_at.isoformat()},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def refuse_while_held(case: Case, doing: str) -> None:
    """Refuse `doing` to a case under a legal hold."""
    if case.legal_hold is not None:
        raise CaseOnHold(
            f"{case.reference} is on legal hold ({case.legal_hold.reason}): it cannot be "
            f"{doing} until the hold is lifted"
        )
