"""What a case is: reclassifying it, confirming a possible complaint, downgrading or refusing a
complaint with reasons the customer is sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    Case,
    CaseStatus,
    CaseType,
    ComplaintRefusal,
    NotificationKind,
    TimelineEvent,
)
from sla_monitor.intake import pass_feedback_to_service, resume_from_pause
from sla_monitor.policy_terms import Role
from sla_monitor.staff.steps import (
    ActionNotAllowed,
    article,
    change_case,
    customer_update,
    require_open,
)
from sla_monitor.store.ports import CaseStore
from sla_monitor.triage import ClassificationExample

if TYPE_CHECKING:
    from sla_monitor.policy import Policy

_FEEDBACK = (CaseType.COMPLIMENT, CaseType.COMMENT)


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
    """Correct intake's first classification; the case is re-timed under its new type. Made a
    complaint, it is acknowledged as one and handed over as if it had arrived as one; otherwise
    the customer is told the date they can now expect. A complaint made something else is a
    complaint downgraded: the customer is sent the reason, and how to ask for it to be treated
    as a complaint and then go to the Ombudsman; the Corporate Complaints Officer is told. A
    possible complaint is settled by it. The message and its new type are kept as a labelled
    example for retraining."""
    if not reason.strip():
        raise ActionNotAllowed("say why the case is reclassified")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        require_open(case, "reclassified")
        if case.case_type is case_type and not case.possible_complaint:
            raise ActionNotAllowed(f"{reference} is {article(case_type)} already")
        return _retype(case, case_type, by=by, reason=reason, now=now)

    return _keep_example(
        reference,
        change,
        label=case_type,
        store=store,
        policy=policy,
        calendar=calendar,
        now=now,
    )


def confirm_case_type(
    reference: str,
    *,
    case_type: CaseType,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
    reason: str | None = None,
) -> Case:
    """Staff confirm what a case flagged as a possible complaint is (any other case is refused:
    its type is settled, and changing it is `reclassify_case`, with a reason). Confirmed as a
    complaint it keeps its clocks and loses the flag; given another type it is reclassified to
    it (re-timed, the customer told their new date). A complaint confirmed as something else is
    downgraded, which needs the `reason` the customer is sent. Either way the message and its
    type are kept as a labelled example for retraining."""
    why = (reason or "").strip()

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        require_open(case, "confirmed")
        if not case.possible_complaint:
            # Nothing to confirm: changing a settled type is a reclassification, with its reason.
            raise ActionNotAllowed(
                f"{reference} is {article(case.case_type)} already and was not flagged to "
                "confirm: reclassify it instead"
            )
        if case.case_type is not case_type:
            if case.case_type is CaseType.COMPLAINT and not why:
                raise ActionNotAllowed(
                    f"say why {reference} is not a complaint: the customer is sent the reason",
                    argument="reason",
                )
            return _retype(
                case,
                case_type,
                by=by,
                reason=why or f"confirmed as {article(case_type)}",
                now=now,
            )
        changed = replace(case, possible_complaint=False)
        return changed, TimelineEvent(
            at=now,
            kind="type_confirmed",
            actor=by,
            summary=f"confirmed as {article(case_type)}",
        )

    return _keep_example(
        reference,
        change,
        label=case_type,
        store=store,
        policy=policy,
        calendar=calendar,
        now=now,
    )


def _retype(
    case: Case, case_type: CaseType, *, by: str, reason: str, now: datetime
) -> tuple[Case, TimelineEvent]:
    if case.stage_2 is not None:
        raise ActionNotAllowed(f"{case.reference} is at stage 2 of the complaints procedure")
    changed = replace(
        case,
        case_type=case_type,
        classification_reason=f"{by}: {reason}",
        possible_complaint=False,
    )
    if case.case_type is case_type:
        # A possible complaint made a definite one: its clocks already ran as a complaint's.
        summary = f"confirmed as {article(case_type)}"
    elif case_type is CaseType.COMPLAINT:
        changed = changed.notify(NotificationKind.COMPLAINT_ACKNOWLEDGEMENT, at=now)
        summary = f"reclassified from {case.case_type.label} to {case_type.label}"
    elif case.case_type is CaseType.COMPLAINT:
        changed = _downgraded(changed, by=by, reason=reason, now=now)
        if case_type in _FEEDBACK:
            changed = pass_feedback_to_service(changed, at=now)
        summary = f"reclassified from {case.case_type.label} to {case_type.label}"
    else:
        changed = customer_update(changed, "reclassified", now)
        if case_type in _FEEDBACK:
            changed = pass_feedback_to_service(changed, at=now)
        summary = f"reclassified from {case.case_type.label} to {case_type.label}"
    if case.possible_complaint:
        summary += " (was a possible complaint)"
    return changed, TimelineEvent(
        at=now, kind="reclassified", actor=by, summary=summary, details={"reason": reason}
    )


def _downgraded(case: Case, *, by: str, reason: str, now: datetime) -> Case:
    """A complaint no longer handled as one owes the customer the reason and the way back (ask
    for it to be treated as a complaint, then the Ombudsman), whether or not it had been
    acknowledged; the Corporate Complaints Officer, who monitors every complaint, is told."""
    changed = case.notify(
        NotificationKind.CASE_UPDATE, at=now, why="downgraded", reason=reason, was="complaint"
    )
    return changed.notify(
        NotificationKind.COMPLAINT_NOT_TAKEN,
        at=now,
        roles=(Role.CORPORATE_COMPLAINTS_OFFICER.value,),
        how="downgraded",
        reason=reason,
        new_type=case.case_type.value,
        decided_by=by,
    )


def refuse_complaint(
    reference: str,
    *,
    reason: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Refuse to take a complaint through the complaints procedure (outside the council's
    remit, a matter already before a court, older than 12 months). The refusal and its reason
    are kept on the case for the annual report; the case closes and its clocks stop; the
    customer is sent the reason and how to go to the Ombudsman; the Corporate Complaints
    Officer is told."""
    why = reason.strip()
    if not why:
        raise ActionNotAllowed(
            "say why the complaint is not taken through the complaints procedure: the customer "
            "is sent the reason",
            argument="reason",
        )

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        require_open(case, "refused")
        if case.case_type is not CaseType.COMPLAINT:
            raise ActionNotAllowed(
                f"{reference} is {article(case.case_type)}: only a complaint is refused"
            )
        if case.stage_2 is not None:
            raise ActionNotAllowed(f"{reference} is at stage 2 of the complaints procedure")
        if case.response_at(1) is not None:
            raise ActionNotAllowed(f"{reference} has its stage 1 response already")
        refusal = ComplaintRefusal(refused_at=now, reason=why, refused_by=by)
        changed = replace(
            resume_from_pause(case, at=now),
            refusal=refusal,
            possible_complaint=False,
            status=CaseStatus.CLOSED,
            closed_at=now,
        )
        changed = changed.notify(NotificationKind.COMPLAINT_REFUSED, at=now, reason=why)
        changed = changed.notify(
            NotificationKind.COMPLAINT_NOT_TAKEN,
            at=now,
            roles=(Role.CORPORATE_COMPLAINTS_OFFICER.value,),
            how="refused",
            reason=why,
            decided_by=by,
        )
        return changed, TimelineEvent(
            at=now,
            kind="complaint_refused",
            actor=by,
            summary="complaint refused (not taken through the complaints procedure); the "
            "reason and the Ombudsman's details go to the customer",
            details={"reason": why},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def _keep_example(
    reference: str,
    change: Callable[[Case], tuple[Case, TimelineEvent]],
    *,
    label: CaseType,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Apply a change of type, then keep the case's message with the type staff gave it."""
    before: list[Case] = []

    def remembering(case: Case) -> tuple[Case, TimelineEvent]:
        before[:] = [case]
        return change(case)

    changed = change_case(
        reference, remembering, store=store, policy=policy, calendar=calendar, now=now
    )
    first = before[0]
    store.keep_classification_example(
        ClassificationExample(
            reference=reference,
            subject=first.subject,
            body=first.description,
            label=label,
            first_type=first.case_type,
            labelled_at=now,
        )
    )
    return changed
