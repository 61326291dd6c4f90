"""The formal response, the actions it promises to put things right, and acknowledgements sent
by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    COMPLAINT_OUTCOMES,
    Case,
    CaseStatus,
    CaseType,
    FormalResponse,
    NotificationKind,
    Outcome,
    Remedy,
    TimelineEvent,
)
from sla_monitor.intake import (
    resume_from_pause,
)
from sla_monitor.policy_terms import Role
from sla_monitor.staff.stage_2 import stage_1_people
from sla_monitor.staff.steps import ActionNotAllowed, article, change_case, require_open
from sla_monitor.store.ports import CaseStore
from sla_monitor.wording import long_date

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


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
    apology: str | None = None,
    remedy: str | None = None,
    lessons_learned: str | None = None,
    close: bool = True,
    remedies: Sequence[tuple[str, date]] = (),
) -> Case:
    """The council's formal response at the case's current stage: its clocks stop, the case
    closes, and the response letter is owed to the customer (the checker sends it; the timeline
    says it was sent only once it was). The Corporate Complaints Officer is told of every
    complaint's response."""
    if not summary.strip():
        raise ActionNotAllowed("a response needs a summary of what was looked at and found")
    today = calendar.local(now).date()
    for action, due_on in remedies:
        if not action.strip():
            raise ActionNotAllowed("say what will be done to put things right", argument="remedies")
        if due_on <= today:
            raise ActionNotAllowed(
                f"the date to {action.strip()} must be after today: a letter never promises a "
                "date already past",
                argument="remedies",
            )

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        require_open(case, "answered")
        is_complaint = case.case_type is CaseType.COMPLAINT
        if is_complaint and outcome not in COMPLAINT_OUTCOMES:
            raise ActionNotAllowed("a complaint's outcome is upheld, partly_upheld or not_upheld")
        if not is_complaint and outcome is not Outcome.ANSWERED:
            raise ActionNotAllowed(f"{article(case.case_type)}'s outcome is answered")
        if case.stage_2 is not None and by in stage_1_people(case):
            raise ActionNotAllowed(
                f"{by} dealt with stage 1 of {reference}: the stage 2 response must come from "
                "someone who did not"
            )
        earlier = case.response_at(case.stage)
        if earlier is not None and (
            case.reopened_at is None or earlier.recorded_at >= case.reopened_at
        ):
            raise ActionNotAllowed(
                f"{reference} has its stage {case.stage} response already"
                if is_complaint
                else f"{reference} has been answered already"
            )
        response = FormalResponse(
            stage=case.stage,
            outcome=outcome,
            findings=summary.strip(),
            recorded_at=now,
            recorded_by=by,
            apology=(apology or "").strip() or None,
            remedy=(remedy or "").strip() or None,
            lessons_learned=(lessons_learned or "").strip() or None,
        )
        promised = tuple(
            Remedy(
                number=len(case.remedies) + n,
                action=action.strip(),
                due_on=due_on,
                stage=case.stage,
                promised_at=now,
                promised_by=by,
            )
            for n, (action, due_on) in enumerate(remedies, start=1)
        )
        # A case whose response promised actions stays open until they are done.
        closing = close and not promised and not case.remedies_outstanding
        changed = replace(
            resume_from_pause(case, at=now),
            responses=(*case.responses, response),
            remedies=(*case.remedies, *promised),
            outcome=outcome,
            outcome_summary=response.findings,
            status=CaseStatus.CLOSED if closing else CaseStatus.OPEN,
            closed_at=now if closing else None,
            possible_stage_2_at=None,  # answered at stage 1 again: not taken to stage 2
        )
        if case.stage_2 is not None:
            changed = replace(
                changed,
                stage_2=replace(case.stage_2, responded_at=case.stage_2.responded_at or now),
            )
        else:
            changed = replace(changed, responded_at=case.responded_at or now)
        changed = changed.notify(NotificationKind.FORMAL_RESPONSE, at=now, stage=str(case.stage))
        if is_complaint:
            changed = changed.notify(
                NotificationKind.RESPONSE_RECORDED,
                at=now,
                roles=(Role.CORPORATE_COMPLAINTS_OFFICER.value,),
                stage=str(case.stage),
                outcome=outcome.value,
                closed="yes" if closing else "no",
                recorded_by=by,
            )
        stage = f"stage {case.stage} " if is_complaint else ""
        recorded = f"{stage}response recorded ({outcome.label}); the letter goes to the customer"
        if promised:
            recorded += (
                f"; it promises {len(promised)} action{'s' if len(promised) != 1 else ''} to put "
                "things right, and the case stays open until they are done"
            )
        return changed, TimelineEvent(
            at=now,
            kind="response_recorded",
            actor=by,
            summary=recorded,
            details={
                "outcome": outcome.value,
                "findings": response.findings,
                "apology": response.apology or "",
                "remedy": response.remedy or "",
                "lessons_learned": response.lessons_learned or "",
                **{f"remedy_{r.number}": f"{r.action} by {r.due_on.isoformat()}" for r in promised},
            },
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def record_remedy_done(
    reference: str,
    *,
    number: int,
    note: str | None,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """An action a formal response promised has been done: its clock stops, the customer is
    told, and once nothing promised is outstanding a case kept open for it closes."""

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        remedy = case.remedy(number)
        if remedy is None:
            raise ActionNotAllowed(
                f"{reference} has no action number {number} to put things right",
                argument="number",
            )
        if remedy.is_done:
            raise ActionNotAllowed(
                f"action {number} on {reference} ({remedy.action}) was recorded as done already",
                argument="number",
            )
        done = replace(remedy, done_at=now, done_by=by, done_note=(note or "").strip() or None)
        changed = replace(
            case, remedies=tuple(done if r.number == number else r for r in case.remedies)
        )
        answered = case.response_at(case.stage) is not None
        closes = case.is_open and answered and not changed.remedies_outstanding
        if closes:
            changed = replace(changed, status=CaseStatus.CLOSED, closed_at=now)
        changed = changed.notify(
            NotificationKind.CASE_UPDATE,
            at=now,
            why="remedy_done",
            action=remedy.action,
            closed="yes" if closes else "no",
        )
        late = calendar.local(now).date() > remedy.due_on
        summary = f"done: {remedy.action}" + (
            f" (late: promised by {long_date(remedy.due_on)})" if late else ""
        )
        if closes:
            summary += "; everything promised is done and the case is closed"
        return changed, TimelineEvent(
            at=now,
            kind="remedy_done",
            actor=by,
            summary=summary,
            details={"number": str(number), "note": done.done_note or ""},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


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
        if case.stage_2 is not None:
            if case.stage_2.acknowledged_at is not None:
                raise ActionNotAllowed(f"{reference}'s stage 2 request was acknowledged already")
            changed = replace(case, stage_2=replace(case.stage_2, acknowledged_at=now))
        elif case.acknowledged_at is not None:
            raise ActionNotAllowed(f"{reference} was acknowledged already")
        else:
            changed = replace(case, acknowledged_at=now)
        return changed, TimelineEvent(
            at=now, kind="acknowledged", actor=by, summary=f"acknowledgement sent by {how}"
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)
