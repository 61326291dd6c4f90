"""Taking a complaint to stage 2, by someone who did not deal with stage 1, and deciding a
customer is not asking for it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    Case,
    CaseStatus,
    CaseType,
    Channel,
    NotificationKind,
    Stage2,
    TimelineEvent,
)
from sla_monitor.directory import Directory
from sla_monitor.intake import (
    resume_from_pause,
)
from sla_monitor.policy_terms import Role
from sla_monitor.staff.steps import (
    ActionNotAllowed,
    article,
    change_case,
    require_active_officer,
)
from sla_monitor.store.ports import CaseStore

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


def request_stage_2(
    reference: str,
    *,
    reason: str,
    channel: Channel,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
    officer_id: str | None = None,
) -> Case:
    """The customer is not satisfied with the stage 1 response and asks for a review. The case
    reopens at stage 2 with the policy's stage 2 clocks, with a different officer than stage 1
    (the one named, else the Corporate Complaints Officer). The officer is told; the Head of
    Service and the Corporate Complaints Officer hear of it through the stage 2 handover; the
    customer's acknowledgement is owed under the stage 2 clock. A possible stage 2 request the
    customer made earlier is settled by it, and the clocks run from when they made it."""
    if not reason.strip():
        raise ActionNotAllowed("a stage 2 request needs the customer's reason")
    if officer_id is not None:
        require_active_officer(directory, officer_id)

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        if case.case_type is not CaseType.COMPLAINT:
            raise ActionNotAllowed(
                f"{reference} is {article(case.case_type)}: only a complaint goes to stage 2"
            )
        if case.stage_2 is not None:
            raise ActionNotAllowed(f"{reference} is at stage 2 already")
        stage_1 = case.response_at(1)
        if stage_1 is None:
            raise ActionNotAllowed(
                f"{reference} has no stage 1 response yet: stage 2 reviews that response"
            )
        handled_stage_1 = _stage_1_handlers(case, directory, policy)
        reviewer = officer_id or _stage_2_reviewer(case, directory, handled_stage_1)
        if reviewer is None:
            raise ActionNotAllowed(
                "name a stage 2 officer who did not handle stage 1",
                argument="officer_id",
            )
        if reviewer in handled_stage_1:
            raise ActionNotAllowed(
                f"{reviewer} handled stage 1 of {reference}: stage 2 needs a different officer",
                argument="officer_id",
            )
        changed = replace(
            case,
            stage_2=Stage2(
                requested_at=case.possible_stage_2_at or now,
                reason=reason.strip(),
                channel=channel,
                stage_1_officer=case.assigned_officer or stage_1.recorded_by,
                stage_1_handlers=tuple(sorted(handled_stage_1)),
            ),
            status=CaseStatus.OPEN,
            closed_at=None,
            assigned_officer=reviewer,
            possible_stage_2_at=None,
        )
        changed = changed.notify(
            NotificationKind.STAGE_2_REQUESTED, at=now, officers=(reviewer,), reason=reason
        )
        return changed, TimelineEvent(
            at=now,
            kind="stage_2_requested",
            actor=by,
            summary=f"stage 2 review requested by {channel.value}; assigned to {reviewer}",
            details={"reason": reason},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def _stage_1_handlers(case: Case, directory: Directory, policy: Policy) -> set[str]:
    """Who dealt with stage 1: its officer, whoever recorded its response, and the Head of
    Service the complaints procedure hands every complaint to (who owned it while unassigned,
    and whom the stage 1 letters then named), unless the policy lets Heads of Service review
    stage 2 of a complaint an officer of theirs dealt with."""
    stage_1 = case.response_at(1)
    officer = case.stage_2.stage_1_officer if case.stage_2 is not None else case.assigned_officer
    handlers = {o for o in (officer, stage_1.recorded_by if stage_1 else None) if o}
    if not officer or not policy.stage_2_by_head_of_service:
        head = directory.head_of_service(case)
        if head is not None:
            handlers.add(head.officer_id)
    return handlers


def stage_1_people(case: Case) -> set[str]:
    """Who may not be given a case's stage 2 review: everyone recorded as dealing with stage 1."""
    assert case.stage_2 is not None
    stage_1 = case.response_at(1)
    people = {*case.stage_2.stage_1_handlers, case.stage_2.stage_1_officer}
    if stage_1 is not None:
        people.add(stage_1.recorded_by)
    return {p for p in people if p}


def _stage_2_reviewer(case: Case, directory: Directory, excluded: set[str]) -> str | None:
    for candidate in (
        directory.head_of_service(case),
        directory.active_officer(directory.corporate_complaints_officer),
    ):
        if candidate is not None and candidate.officer_id not in excluded:
            return candidate.officer_id
    return None


def decline_stage_2(
    reference: str,
    *,
    reason: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Staff decide the customer's words were not a request for stage 2 (or that it will not be
    taken there), with a reason the customer is told. The request stays on record with who
    declined it, when and why; its stage 2 clocks stop as answered and the case closes. The
    customer is owed a letter with the reason and how to go to the Ombudsman; the Corporate
    Complaints Officer is told."""
    why = reason.strip()
    if not why:
        raise ActionNotAllowed("say why it is not taken to stage 2; the customer is told")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        review = case.stage_2
        if review is not None and review.declined:
            raise ActionNotAllowed(f"{reference}'s stage 2 request was declined already")
        if review is not None and (review.responded_at is not None or not case.is_open):
            raise ActionNotAllowed(f"{reference}'s stage 2 review has its response already")
        if review is None and case.possible_stage_2_at is None:
            raise ActionNotAllowed(f"{reference} has no stage 2 request to decide on")
        changed = replace(
            resume_from_pause(case, at=now),
            status=CaseStatus.CLOSED,
            closed_at=now,
            possible_stage_2_at=None,
        )
        asked_at = review.requested_at if review is not None else case.possible_stage_2_at
        assert asked_at is not None
        if review is not None:
            changed = replace(
                changed,
                stage_2=replace(review, declined_at=now, declined_by=by, declined_reason=why),
            )
        changed = changed.notify(
            NotificationKind.STAGE_2_DECLINED,
            at=now,
            reason=why,
            asked_on=calendar.local(asked_at).date().isoformat(),
        )
        changed = changed.notify(
            NotificationKind.STAGE_2_DECLINE_RECORDED,
            at=now,
            roles=(Role.CORPORATE_COMPLAINTS_OFFICER.value,),
            reason=why,
            declined_by=by,
        )
        return changed, TimelineEvent(
            at=now,
            kind="stage_2_declined",
            actor=by,
            summary="not taken to stage 2; the case is closed and the customer told why",
            details={"reason": why},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)
