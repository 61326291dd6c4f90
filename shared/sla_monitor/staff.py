"""What staff do to a case: log one that came by phone, letter or visit; assign it; pause it while
waiting on the customer; resume it; extend a deadline once; reclassify it; refuse a complaint;
record the formal response; take a complaint to stage 2, or decide a customer is not asking for
it; record that it went to the Ombudsman; add a note.

The CLI and the staff pages call these same use cases, and no rule of the procedure lives
anywhere else. Each reads the case, checks the step fits the case as it stands (a clear
`ActionNotAllowed` otherwise, and nothing changes), applies it, records it on the timeline with
the officer's name, writes on the case the messages the step owes (the outbox the deadline
checker sends from, exactly once), re-times the case, and saves it. A save that raced with
another change is retried on a fresh copy, where the step's checks run again: two officers
acting at once either both land or one is refused, never one silently lost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    COMPLAINT_OUTCOMES,
    Case,
    CaseStatus,
    CaseType,
    Channel,
    ComplaintRefusal,
    Customer,
    Extension,
    FormalResponse,
    NotificationKind,
    OmbudsmanDecision,
    OmbudsmanReferral,
    Outcome,
    Preferences,
    Remedy,
    Stage2,
    TimelineEvent,
)
from sla_monitor.contact_details import contact_method_for, contact_problems
from sla_monitor.directory import Directory
from sla_monitor.engine import Clock, ClockState, evaluate, next_due_instant, record_breaches
from sla_monitor.intake import (
    NewCase,
    pass_feedback_to_service,
    pause_for_customer,
    register_case,
    resume_from_pause,
)
from sla_monitor.lookups import CaseNotFound
from sla_monitor.policy import Policy, Role
from sla_monitor.store.ports import CaseStore, StaleCaseError
from sla_monitor.triage import ClassificationExample

_ATTEMPTS = 5
_FEEDBACK = (CaseType.COMPLIMENT, CaseType.COMMENT)


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
    for _ in range(_ATTEMPTS):
        case = store.get_case(reference)
        if case is None:
            raise CaseNotFound(reference)
        # What the case shows now is a fact before anything changes it: a breach stays one.
        changed, event = change(record_breaches(case, policy, calendar, now))
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


def _require_open(case: Case, doing: str) -> None:
    if not case.is_open:
        raise ActionNotAllowed(f"{case.reference} is closed: it cannot be {doing}")


def _active_officer(directory: Directory, officer_id: str) -> None:
    officer = directory.officer(officer_id)
    if officer is None:
        raise ActionNotAllowed(f"there is no officer {officer_id!r} in the directory")
    if officer.retired:
        raise ActionNotAllowed(f"{officer_id} has left the directory (retired)")


def _a(case_type: CaseType) -> str:
    """The type with its article, as a refusal reads it: "an enquiry", "a complaint"."""
    label = case_type.label
    return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


def _customer_update(case: Case, why: str, at: datetime) -> Case:
    """Tell the customer what changed (and the date they can now expect), when the case has
    been acknowledged: before that the acknowledgement itself gives the date."""
    if case.acknowledged_at is None:
        return case
    return case.notify(NotificationKind.CASE_UPDATE, at=at, why=why)


# -- new cases from channels that do not arrive electronically -------------------------------


def log_case(
    *,
    case_type: CaseType,
    channel: Channel,
    summary: str,
    description: str | None,
    customer: Customer,
    preferences: Preferences | None = None,
    department: str | None,
    received_at: datetime,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
    idempotency_key: str | None = None,
) -> Case:
    """A case that came by phone, letter, a visit or in person, logged by an officer. The
    customer's contact details must be usable and include what their way of contact needs
    (`contact_details`); without `preferences`, they are reached by what they gave."""
    if channel in (Channel.EMAIL, Channel.WEB):
        raise ActionNotAllowed(
            f"{channel.value} cases arrive by themselves; log only telephone, letter, visit "
            "or verbal ones"
        )
    if not summary.strip():
        raise ActionNotAllowed("a logged case needs a summary of what the customer said")
    # A customer who did not say how to reach them is reached by what they gave.
    preferences = preferences or Preferences(contact_method=contact_method_for(customer))
    problems = contact_problems(case_type, customer, preferences)
    if problems:
        raise ActionNotAllowed(problems[0].message, argument=problems[0].field)
    if received_at > now:
        raise ActionNotAllowed("a case cannot be received in the future", argument="received_at")
    if department is not None and directory.department(department) is None:
        raise ActionNotAllowed(f"there is no department {department!r} in the directory")
    registration = register_case(
        NewCase(
            case_type=case_type,
            channel=channel,
            received_at=received_at,
            subject=summary.strip()[:120],
            description=(description or summary).strip(),
            # The officer took the details from the customer in person or on the phone.
            customer=replace(customer, email_verified=bool(customer.email)),
            preferences=preferences,
            department=department,
            classification_reason=f"logged by {by}",
            idempotency_key=idempotency_key,
            actor=by,
        ),
        store=store,
        policy=policy,
        calendar=calendar,
        now=now,
    )
    return registration.case


# -- steps on a case -----------------------------------------------------------------------


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
    directory: Directory | None = None,
) -> Case:
    """Give the case to an officer (and, with `department`, move it there). The officer is
    told; a new department's Head of Service is handed it; a customer who knew the old contact
    is told the new one."""
    if directory is not None:
        _active_officer(directory, officer_id)
        if department is not None and directory.department(department) is None:
            raise ActionNotAllowed(f"there is no department {department!r} in the directory")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        _require_open(case, "assigned")
        new_department = department or case.department
        if officer_id == case.assigned_officer and new_department == case.department:
            raise ActionNotAllowed(f"{reference} is already with {officer_id}")
        if case.stage_2 is not None and officer_id in _stage_1_people(case):
            raise ActionNotAllowed(
                f"{officer_id} dealt with stage 1 of {reference}: the stage 2 review needs "
                "someone who did not",
                argument="officer_id",
            )
        # A case logged without a department is with the default one: moving it from there
        # is a move like any other, and the new department's Head of Service must hear of it.
        old_department = case.department or (
            directory.default_department if directory is not None else None
        )
        moved = department is not None and department != old_department
        changed = replace(case, assigned_officer=officer_id, department=new_department)
        if officer_id != case.assigned_officer:
            changed = changed.notify(
                NotificationKind.ASSIGNED, at=now, officers=(officer_id,), assigned_by=by
            )
        if officer_id != case.assigned_officer or moved:
            # The acknowledgement named who deals with the case: whoever does now, they hear.
            why = "moved" if moved else "reassigned" if case.assigned_officer else "assigned"
            changed = _customer_update(changed, why, now)
        if moved:
            changed = changed.notify(
                NotificationKind.DEPARTMENT_HANDOVER,
                at=now,
                roles=(Role.HEAD_OF_SERVICE.value,),
                moved_from=old_department or "",
                moved_by=by,
            )
        summary = f"assigned to {officer_id}" + (
            f" in {new_department}" if new_department != case.department else ""
        )
        return changed, TimelineEvent(at=now, kind="assigned", actor=by, summary=summary)

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


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
        _require_open(case, "paused")
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
        changed = _customer_update(resume_from_pause(case, at=now), "resumed", now)
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
        _require_open(case, "extended")
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
    return f"{day:%A} {day.day} {day:%B %Y}"


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
        _require_open(case, "answered")
        is_complaint = case.case_type is CaseType.COMPLAINT
        if is_complaint and outcome not in COMPLAINT_OUTCOMES:
            raise ActionNotAllowed("a complaint's outcome is upheld, partly_upheld or not_upheld")
        if not is_complaint and outcome is not Outcome.ANSWERED:
            raise ActionNotAllowed(f"{_a(case.case_type)}'s outcome is answered")
        if case.stage_2 is not None and by in _stage_1_people(case):
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
            f" (late: promised by {remedy.due_on:%A} {remedy.due_on.day} {remedy.due_on:%B %Y})"
            if late
            else ""
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
        _active_officer(directory, officer_id)

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        if case.case_type is not CaseType.COMPLAINT:
            raise ActionNotAllowed(
                f"{reference} is {_a(case.case_type)}: only a complaint goes to stage 2"
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


def _stage_1_people(case: Case) -> set[str]:
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
        _require_open(case, "reclassified")
        if case.case_type is case_type and not case.possible_complaint:
            raise ActionNotAllowed(f"{reference} is {_a(case_type)} already")
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
    """Staff confirm what a case is. A possible complaint confirmed as a complaint keeps its
    clocks and loses the flag; given another type it is reclassified to it (re-timed, the
    customer told their new date). A complaint confirmed as something else is downgraded, which
    needs the `reason` the customer is sent. Either way the message and its type are kept as a
    labelled example for retraining."""
    why = (reason or "").strip()

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        _require_open(case, "confirmed")
        if case.case_type is not case_type:
            if case.case_type is CaseType.COMPLAINT and not why:
                raise ActionNotAllowed(
                    f"say why {reference} is not a complaint: the customer is sent the reason",
                    argument="reason",
                )
            return _retype(
                case, case_type, by=by, reason=why or f"confirmed as {_a(case_type)}", now=now
            )
        if not case.possible_complaint:
            raise ActionNotAllowed(
                f"{reference} is {_a(case_type)} already and was not flagged to confirm"
            )
        changed = replace(case, possible_complaint=False)
        return changed, TimelineEvent(
            at=now,
            kind="type_confirmed",
            actor=by,
            summary=f"confirmed as {_a(case_type)}",
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
        summary = f"confirmed as {_a(case_type)}"
    elif case_type is CaseType.COMPLAINT:
        changed = changed.notify(NotificationKind.COMPLAINT_ACKNOWLEDGEMENT, at=now)
        summary = f"reclassified from {case.case_type.label} to {case_type.label}"
    elif case.case_type is CaseType.COMPLAINT:
        changed = _downgraded(changed, by=by, reason=reason, now=now)
        if case_type in _FEEDBACK:
            changed = pass_feedback_to_service(changed, at=now)
        summary = f"reclassified from {case.case_type.label} to {case_type.label}"
    else:
        changed = _customer_update(changed, "reclassified", now)
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
        _require_open(case, "refused")
        if case.case_type is not CaseType.COMPLAINT:
            raise ActionNotAllowed(
                f"{reference} is {_a(case.case_type)}: only a complaint is refused"
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


def reply_to_customer(
    reference: str,
    *,
    text: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """An officer writes to the customer in their own words (a question, news, an answer that
    is not the formal response). It goes through the checker like every customer letter,
    threaded on the customer's own message, and the timeline keeps the words."""
    words = text.strip()
    if not words:
        raise ActionNotAllowed("a message to the customer needs some text")
    if len(words) > 20_000:
        raise ActionNotAllowed("a message to the customer is at most 20,000 characters")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        changed = case.notify(NotificationKind.OFFICER_MESSAGE, at=now, text=words, sent_by=by)
        return changed, TimelineEvent(
            at=now,
            kind="officer_message",
            actor=by,
            summary="message to the customer written; it goes out by email or post",
            details={"text": words},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def add_note(
    reference: str,
    *,
    text: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """A note on the timeline for colleagues; the customer is not told."""
    if not text.strip():
        raise ActionNotAllowed("a note needs some text")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        return case, TimelineEvent(at=now, kind="note", actor=by, summary=text.strip())

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


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
                f"{reference} is {_a(case.case_type)}: only a complaint goes to the Ombudsman"
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
