"""Giving a case to an officer, and moving it to another department."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    Case,
    NotificationKind,
    TimelineEvent,
)
from sla_monitor.directory import Directory
from sla_monitor.policy_terms import Role
from sla_monitor.staff.stage_2 import stage_1_people
from sla_monitor.staff.steps import (
    ActionNotAllowed,
    change_case,
    customer_update,
    require_active_officer,
    require_open,
)
from sla_monitor.store.ports import CaseStore

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


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
    told, unless they took it themselves; a new department's Head of Service is handed it; a
    customer who knew the old contact is told the new one."""
    if directory is not None:
        require_active_officer(directory, officer_id)
        if department is not None and directory.department(department) is None:
            raise ActionNotAllowed(f"there is no department {department!r} in the directory")

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        require_open(case, "assigned")
        new_department = department or case.department
        if officer_id == case.assigned_officer and new_department == case.department:
            raise ActionNotAllowed(f"{reference} is already with {officer_id}")
        if case.stage_2 is not None and officer_id in stage_1_people(case):
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
        # An officer who takes a case themselves ("Assign to me") knows it: only an assignment
        # someone else made is news to them. The timeline records it either way.
        if officer_id != case.assigned_officer and officer_id != by:
            changed = changed.notify(
                NotificationKind.ASSIGNED, at=now, officers=(officer_id,), assigned_by=by
            )
        if officer_id != case.assigned_officer or moved:
            # The acknowledgement named who deals with the case: whoever does now, they hear.
            why = "moved" if moved else "reassigned" if case.assigned_officer else "assigned"
            changed = customer_update(changed, why, now)
        if moved:
            changed = changed.notify(
                NotificationKind.DEPARTMENT_HANDOVER,
                at=now,
                roles=(Role.HEAD_OF_SERVICE.value,),
                moved_from=old_department or "",
                moved_by=by,
            )
        # The timeline is read by people: who and where in the directory's words, where it is at
        # hand.
        names = directory if directory is not None else Directory()
        summary = f"assigned to {names.officer_name(officer_id)}" + (
            f" in {names.department_name(new_department, new_department or 'no department')}"
            if new_department != case.department
            else ""
        )
        return changed, TimelineEvent(at=now, kind="assigned", actor=by, summary=summary)

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)
