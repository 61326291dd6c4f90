"""The staff work list: open cases with every clock as the engine sees it at `now`, who deals with
each, the soonest deadline first, and the filters officers narrow it with.

Both `sla-monitor case list` and the staff workspace read cases through here, so the order, the
owner and what counts as "breached" or "due within N working days" are worked out once. Nothing
here decides anything about a case: the clocks come from the engine, the owner from the directory.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sla_monitor.calendar import LONDON, WorkingDayCalendar
from sla_monitor.cases import Case, CaseType, Channel
from sla_monitor.directory import Directory
from sla_monitor.engine import Action, Clock, ClockState, evaluate
from sla_monitor.listing import next_clock, outstanding
from sla_monitor.policy_terms import PromiseKind

if TYPE_CHECKING:
    from sla_monitor.policy import Policy

# -- a case and its clocks -----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseView:
    """A case with its clocks at one instant, and who deals with it."""

    case: Case
    clocks: tuple[Clock, ...]
    owner: str | None  # the assigned officer, or the Head of Service while nobody is
    department: str | None  # the department dealing with it

    @property
    def outstanding(self) -> tuple[Clock, ...]:
        """The current stage's clocks still to be kept (`listing.outstanding`)."""
        return outstanding(self.case, self.clocks)

    @property
    def next_clock(self) -> Clock | None:
        """The outstanding clock that falls due first."""
        return next_clock(self.case, self.clocks)

    @property
    def paused_clocks(self) -> tuple[Clock, ...]:
        """The current stage's clocks stopped while the case waits on the customer."""
        return tuple(
            c for c in self.clocks if c.stage == self.case.stage and c.state is ClockState.PAUSED
        )

    @property
    def breached(self) -> bool:
        """A promise on the case was broken (kept late or not yet kept)."""
        return any(c.state is ClockState.BREACHED for c in self.clocks)


def case_view(
    case: Case,
    *,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
) -> CaseView:
    owner = directory.owner(case)
    department = directory.department_of(case)
    return CaseView(
        case=case,
        clocks=evaluate(case, policy, calendar, now).clocks,
        owner=owner.officer_id if owner else case.assigned_officer,
        department=department.code if department else case.department,
    )


def by_next_deadline(views: Iterable[CaseView]) -> list[CaseView]:
    """Soonest deadline first; a possible stage 2 request waiting for a decision by when the
    customer wrote, among them; cases with nothing outstanding last, in the order given."""

    def key(view: CaseView) -> tuple[int, datetime]:
        clock = view.next_clock
        if clock is None and view.case.possible_stage_2_at is not None:
            return (0, view.case.possible_stage_2_at)
        if clock is None or clock.due is None:
            return (1, _EPOCH)
        return (0, clock.due)

    return sorted(views, key=key)


_EPOCH = datetime(1970, 1, 1, tzinfo=LONDON)


def promise_label(clock: Clock) -> str:
    """A clock's promise as an officer reads it: "respond to complaint", "progress update 2"."""
    name, _, variant = clock.promise.partition(":")
    label = name.replace("_", " ")
    if variant == "promised_date":
        label += " (date given to the customer)"
    if clock.kind in (PromiseKind.PROGRESS_UPDATE, PromiseKind.APPOINTMENT, PromiseKind.CALL_BACK):
        label += f" {clock.occurrence}"
    return label


# -- how a clock stands, at a glance -------------------------------------------------------------


class Standing(enum.StrEnum):
    """How a clock stands for an officer scanning the list: the engine's state, with a running
    clock told apart by how near its due day is."""

    ON_TRACK = "on_track"
    WARNING = "warning"  # inside the promise's warning period (its `warn_before`)
    DUE_TODAY = "due_today"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"
    NOT_STARTED = "not_started"
    CLOSED_WITHOUT_A_REPLY = "closed_without_a_reply"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


def standing(
    clock: Clock, *, policy: Policy, calendar: WorkingDayCalendar, now: datetime
) -> Standing:
    if clock.state is not ClockState.RUNNING:
        return _STANDING_OF_STATE[clock.state]
    today = calendar.local(now).date()
    if clock.due_day is None:
        return Standing.ON_TRACK
    if clock.due_day <= today:
        return Standing.DUE_TODAY
    warn_days = max(_warn_before(policy, clock), default=0)
    if warn_days and clock.due_day <= calendar.add_working_days(today, warn_days):
        return Standing.WARNING
    return Standing.ON_TRACK


def countdown(due_day: date, *, calendar: WorkingDayCalendar, now: datetime) -> str:
    """How far a due day is from today in the council's working days, as an officer scanning
    the list reads it: "due today", "1 working day left", "3 working days overdue".

    Days left count the working days after today up to the due day (on a Friday, a deadline on
    Monday has 1 left); days overdue count the working days since the due day, up to today. A
    deadline missed on Friday is "overdue since Friday" over the weekend, before a working day
    has gone by."""
    today = calendar.local(now).date()
    if due_day == today:
        return "due today"
    if due_day > today:
        left = calendar.working_days_between(today + _DAY, due_day + _DAY)
        if left == 0:  # a day the council no longer works, given before it closed
            return f"due {due_day:%A}"
        return f"{_working_days(left)} left"
    late = calendar.working_days_between(due_day + _DAY, today + _DAY)
    if late == 0:
        return f"overdue since {due_day:%A}"
    return f"{_working_days(late)} overdue"


_DAY = timedelta(days=1)


def _working_days(count: int) -> str:
    return f"{count} working {'day' if count == 1 else 'days'}"


_STANDING_OF_STATE = {
    ClockState.BREACHED: Standing.BREACHED,
    ClockState.PAUSED: Standing.PAUSED,
    ClockState.MET: Standing.MET,
    ClockState.NOT_STARTED: Standing.NOT_STARTED,
    ClockState.CLOSED_WITHOUT_A_REPLY: Standing.CLOSED_WITHOUT_A_REPLY,
}


def _warn_before(policy: Policy, clock: Clock) -> tuple[int, ...]:
    name = clock.promise.partition(":")[0]
    try:
        return policy.promise(name).warn_before
    except KeyError:
        return ()


# -- the filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """The open cases someone may see in the work list: those of some departments, every
    complaint, the complaints referred to the Chief Executive, or everything (the command line,
    run by whoever runs the service)."""

    departments: tuple[str, ...] = ()
    complaints: bool = False
    referred: bool = False
    everything: bool = False

    def covers(self, case: Case, directory: Directory) -> bool:
        """Whether the case is one of those, open or closed (as the viewer's roles would let
        them see it: `web.staff.permissions.covers`)."""
        department = directory.department_of(case)
        referred = bool(case.sent_of(Action.REFER_TO_CHIEF_EXECUTIVE.value))
        return self.reaches(
            department.code if department else case.department, case.case_type, referred
        )

    def reaches(self, dealing: str | None, case_type: CaseType, referred: bool) -> bool:
        """Whether it covers cases of this type that `dealing` deals with (`referred`: to the
        Chief Executive), as the shelves and the counters see a case."""
        if self.everything or (dealing is not None and dealing in self.departments):
            return True
        complaint = case_type is CaseType.COMPLAINT
        return complaint and (self.complaints or (self.referred and referred))


@dataclass(frozen=True)
class WorkListFilter:
    """What an officer narrows the open cases to; every field left empty lets every case in."""

    owner: str | None = None  # cases this officer owns (assigned, or unassigned under them)
    unassigned: bool = False  # only cases no officer has been assigned
    departments: tuple[str, ...] | None = None  # dealt with by one of these departments
    case_type: CaseType | None = None
    channel: Channel | None = None
    stage: int | None = None
    breached: bool = False  # only cases with a promise broken
    due_within: int | None = None  # next deadline on or before the Nth working day from today
    search: str | None = None  # part of the reference, the customer's name or email address
    references: tuple[str, ...] = ()  # only these cases (chosen in the list), when any


def matches(
    view: CaseView, wanted: WorkListFilter, *, calendar: WorkingDayCalendar, now: datetime
) -> bool:
    case = view.case
    if wanted.references and case.reference not in wanted.references:
        return False
    if wanted.owner is not None and view.owner != wanted.owner:
        return False
    if wanted.unassigned and case.assigned_officer is not None:
        return False
    if wanted.departments is not None and view.department not in wanted.departments:
        return False
    if wanted.case_type is not None and case.case_type is not wanted.case_type:
        return False
    if wanted.channel is not None and case.channel is not wanted.channel:
        return False
    if wanted.stage is not None and case.stage != wanted.stage:
        return False
    if wanted.breached and not view.breached:
        return False
    if wanted.due_within is not None and not _due_within(view, wanted.due_within, calendar, now):
        return False
    return not wanted.search or _found(case, wanted.search)


def _due_within(
    view: CaseView, working_days: int, calendar: WorkingDayCalendar, now: datetime
) -> bool:
    clock = view.next_clock
    if clock is None or clock.due_day is None:
        return False
    today = calendar.local(now).date()
    return clock.due_day <= calendar.add_working_days(today, working_days)


def _found(case: Case, text: str) -> bool:
    needle = text.strip().casefold()
    haystack = (case.reference, case.customer.name or "", case.customer.email or "")
    return any(needle in value.casefold() for value in haystack)


def work_list(
    cases: Iterable[Case],
    *,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
    wanted: WorkListFilter = WorkListFilter(),
    visible: Callable[[Case], bool] = lambda case: True,
) -> list[CaseView]:
    """The cases `visible` lets through that match `wanted`, soonest deadline first: the work
    list's meaning, over cases in hand. The pages and the command line read a page at a time
    from the shelves instead (`work_list_reading`); the tests hold every view read that way to
    this one, and `make bench` measures the two side by side."""
    views = (
        case_view(case, policy=policy, calendar=calendar, directory=directory, now=now)
        for case in cases
        if visible(case)
    )
    return by_next_deadline(v for v in views if matches(v, wanted, calendar=calendar, now=now))
