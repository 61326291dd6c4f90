"""Keeping a case on legal hold, and lifting the hold: lines of the steps table
(`web.staff.steps.ACTIONS` adds them), each calling its use case in `staff.legal_hold`. Open on
a case open or closed: a closed case is the one a hold keeps from expiring."""

from __future__ import annotations

from collections.abc import Mapping

from sla_monitor.cases import Case
from sla_monitor.staff.legal_hold import lift_legal_hold, place_legal_hold
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import Permission
from sla_monitor.web.staff.step_checks import required
from sla_monitor.web.staff.step_kinds import CaseAction, Condition

NOT_HELD = Condition(lambda case: case.legal_hold is None, "the case is on legal hold already")
HELD = Condition(lambda case: case.legal_hold is not None, "the case is not on legal hold")


def _hold(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return place_legal_hold(
        case.reference,
        reason=values.get("reason", ""),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _lift(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return lift_legal_hold(
        case.reference,
        reason=values.get("reason", ""),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


HOLD_STEPS = (
    CaseAction(
        name="hold",
        permission=Permission.KEEP_ON_LEGAL_HOLD,
        title="Keep on legal hold",
        button="Keep the case",
        done="The case is on legal hold. It will be kept, and cannot be erased, until the hold "
        "is lifted.",
        fields=("reason",),
        check=required(
            "reason", "Enter why the case must be kept, like an Ombudsman investigation"
        ),
        run=_hold,
        needs=(NOT_HELD,),
        arguments={"reason": "reason"},
    ),
    CaseAction(
        name="lift-hold",
        permission=Permission.KEEP_ON_LEGAL_HOLD,
        title="Lift the legal hold",
        button="Lift the hold",
        done="The legal hold has been lifted. The case will be kept for its usual period.",
        fields=("reason",),
        check=required("reason", "Enter why the case no longer needs to be kept"),
        run=_lift,
        needs=(HELD,),
        arguments={"reason": "reason"},
    ),
)
