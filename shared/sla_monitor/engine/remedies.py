"""The actions a formal response promised to put things right, each a clock of its own.

Each action a response promised by a date (`Case.remedies`) is a clock named `REMEDY_CLOCK`
whose occurrence is the action's number on the case: the owner is reminded the working day
before, and the owner and the Head of Service (and, for a complaint, the Corporate Complaints
Officer) are told once the date passes with the action not done. Pure: no AWS, no clock reads.
"""

from __future__ import annotations

from datetime import datetime

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, CaseType
from sla_monitor.engine.breaches import broken_at, clock_state
from sla_monitor.engine.results import Action, Clock, OwedAction
from sla_monitor.policy_terms import PromiseKind, Role

# The clock of each action a formal response promised (`Case.remedies`); its occurrence is the
# action's number on the case.
REMEDY_CLOCK = "put_things_right"
REMEDY_DESCRIPTION = "Do what a formal response promised to put things right, by the date it gave"


def remedy_clocks(
    case: Case, calendar: WorkingDayCalendar, now: datetime
) -> tuple[list[Clock], list[OwedAction]]:
    """The clock of each action the case's formal responses promised, by the date the letter
    gave, and the reminders and chases owed on those not done (none already sent)."""
    is_complaint = case.case_type is CaseType.COMPLAINT
    clocks: list[Clock] = []
    owed: list[OwedAction] = []
    for remedy in case.remedies:
        due = calendar.end_of_day(remedy.due_on)
        broken = broken_at(
            case, REMEDY_CLOCK, remedy.stage, remedy.number, due, remedy.done_at, now
        )
        clocks.append(
            Clock(
                promise=REMEDY_CLOCK,
                kind=PromiseKind.REMEDY,
                description=REMEDY_DESCRIPTION,
                state=clock_state(broken, remedy.done_at),
                start_day=calendar.local(remedy.promised_at).date(),
                due_day=remedy.due_on,
                due=due,
                satisfied_at=remedy.done_at,
                occurrence=remedy.number,
                stage=remedy.stage,
                breached_at=broken,
            )
        )
        if remedy.is_done:
            continue
        remind_day = calendar.subtract_working_days(remedy.due_on, 1)
        remind_from = calendar.next_office_hours(calendar.at(remind_day, calendar.office_opens))
        if remind_from > remedy.promised_at and remind_from < due and now < due:
            owed.append(
                OwedAction(
                    action=Action.REMIND_OF_REMEDY,
                    key=f"remind_of_remedy:{remedy.number}:{remedy.due_on.isoformat()}",
                    promise=REMEDY_CLOCK,
                    owed_from=remind_from,
                    due=due,
                    recipients=(Role.OWNER,),
                    occurrence=remedy.number,
                    warning_days=1,
                )
            )
        owed.append(
            OwedAction(
                action=Action.CHASE_REMEDY,
                key=f"chase_remedy:{remedy.number}",
                promise=REMEDY_CLOCK,
                owed_from=calendar.next_office_hours(due),
                due=due,
                recipients=(
                    (Role.OWNER, Role.HEAD_OF_SERVICE, Role.CORPORATE_COMPLAINTS_OFFICER)
                    if is_complaint
                    else (Role.OWNER, Role.HEAD_OF_SERVICE)
                ),
                occurrence=remedy.number,
            )
        )
    return clocks, [action for action in owed if not case.was_sent(action.key)]
