"""What a line of the steps table is (`CaseAction`): its address, permission, form, checks, the
use case it runs and the conditions the case must meet (`Condition`), and the refusal when they
do not hold (`StepNotOpen`). The table itself is `web.staff.steps.ACTIONS`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sla_monitor import staff
from sla_monitor.cases import Case
from sla_monitor.web.forms import FieldError
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import CaseInForm, Permission

Run = Callable[[StaffPages, Visit, Case, Mapping[str, str]], Case]


@dataclass(frozen=True)
class Condition:
    """What a case must be for a step to be open on it, and what staff are told when it is
    not."""

    holds: Callable[[Case], bool]
    otherwise: str


OPEN = Condition(lambda case: case.is_open, "the case is closed")


class StepNotOpen(Exception):
    """The step is not open on the case as it stands; `reason` says why, for staff."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(reason)
        self.step = step
        self.reason = reason


@dataclass(frozen=True)
class CaseAction:
    """One step staff take on a case through a form: what it needs, which use case it calls."""

    name: str  # the last part of its address
    permission: Permission
    title: str
    button: str
    done: str  # the banner on the case page afterwards
    fields: tuple[str, ...]
    check: Callable[[Mapping[str, str], StaffPages, Case], list[FieldError]]
    run: Run
    # What the case must be for the step to be offered, and taken.
    needs: tuple[Condition, ...] = (OPEN,)
    # Where a refusal naming one of the use case's arguments is shown (else the first field).
    arguments: Mapping[str, str] = field(default_factory=dict)
    # A second case the step acts on, named by its form (linking, merging): the viewer's
    # permission on that case is asked too, by the route's `requires`.
    target: CaseInForm | None = None
    # The letter it sends is shown to the officer to check ("Check your reply") before it goes.
    checked: bool = False
    # What the officer writes may start from one of the council's reply templates.
    templated: bool = False

    def field_for(self, refusal: staff.ActionNotAllowed) -> str:
        named = self.arguments.get(refusal.argument or "")
        return named or (self.fields[0] if self.fields else "submit")

    def why_not(self, case: Case) -> str | None:
        """Why the step is not open on the case, or None when it is."""
        return next((c.otherwise for c in self.needs if not c.holds(case)), None)

    def shown(self, case: Case) -> bool:
        return self.why_not(case) is None

    def open_on(self, case: Case) -> None:
        """Refuse the step (StepNotOpen) where the case page would not offer it."""
        reason = self.why_not(case)
        if reason is not None:
            raise StepNotOpen(self.name, reason)
