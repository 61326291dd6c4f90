"""A complaint taken to the Local Government and Social Care Ombudsman, and its decision."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    Case,
    CaseType,
    OmbudsmanDecision,
    OmbudsmanReferral,
    TimelineEvent,
)
from sla_monitor.staff.steps import ActionNotAllowed, article, change_case
from sla_monitor.store.ports import CaseStore

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


def record_ombudsman_referral(
    reference: str,
    *,
    ombudsman_reference: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """The customer took the complaint to the Local Government and Social Care Ombudsman: the
    Ombudsman's reference is kept on the case for the annual complaints report. Nobody is sent
    anything, and the case's clocks are not touched (the Ombudsman may look at a complaint
    whose procedure is not finished)."""
    if not ombudsman_reference.strip():
        raise ActionNotAllowed("give the Ombudsman's reference for the complaint")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        if case.case_type is not CaseType.COMPLAINT:
            raise ActionNotAllowed(
                f"{reference} is {article(case.case_type)}: only a complaint goes to the Ombudsman"
            )
        if case.ombudsman_referral is not None:
            raise ActionNotAllowed(
                f"{reference} was referred to the Ombudsman already "
                f"({case.ombudsman_referral.reference})"
            )
        referral = OmbudsmanReferral(
            referred_at=now, reference=ombudsman_reference.strip(), recorded_by=by
        )
        return replace(case, ombudsman_referral=referral), TimelineEvent(
            at=now,
            kind="ombudsman_referral",
            actor=by,
            summary=f"taken to the Ombudsman (their reference {referral.reference})",
            details={"ombudsman_reference": referral.reference},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def record_ombudsman_decision(
    reference: str,
    *,
    decision: OmbudsmanDecision,
    summary: str | None,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """The Ombudsman decided a complaint taken to it: kept with the referral for the annual
    complaints report. Nobody is sent anything and no clock is touched."""

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        referral = case.ombudsman_referral
        if referral is None:
            raise ActionNotAllowed(
                f"{reference} has not been taken to the Ombudsman: record the referral first"
            )
        if referral.decision is not None:
            raise ActionNotAllowed(
                f"the Ombudsman's decision on {reference} was recorded already "
                f"({referral.decision.label})"
            )
        decided = replace(
            referral,
            decision=decision,
            decided_at=now,
            decision_summary=(summary or "").strip() or None,
            decision_recorded_by=by,
        )
        return replace(case, ombudsman_referral=decided), TimelineEvent(
            at=now,
            kind="ombudsman_decision",
            actor=by,
            summary=f"the Ombudsman's decision: {decision.label}",
            details={"decision": decision.value, "summary": decided.decision_summary or ""},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)
