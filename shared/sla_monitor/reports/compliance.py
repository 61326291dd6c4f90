"""The monthly compliance report: every promise of the cases received in a month, and what
became of it by the time of the report.

A month's report counts the cases *received* in that month (its cohort), and each of their
clocks as the engine reads it at the report's time:

- fell due: the promise's day has come; it was kept on time, kept late, or is breached and
  still not kept;
- kept on time (the engine's MET), kept late (BREACHED, then satisfied), breached and not kept
  (BREACHED, unsatisfied);
- open: not due yet (running, paused while waiting on the customer, or not started);
- closed without a reply: the case was closed without a letter, before the promise fell due,
  for a reason the council does not count as the reply (a duplicate, a request withdrawn). It
  is neither kept nor broken, so it counts in neither figure of the percentage, and is shown
  on its own line so that closing cases this way cannot pass for keeping promises.

The percentage on time is kept on time out of those that fell due. A case received in November
and answered late in December is November's late response: every case belongs to one month, so
the months add up, and a month's report reads only its own cases (the received-month index).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case
from sla_monitor.directory import Directory
from sla_monitor.engine import Clock, ClockState, base_promise, evaluate
from sla_monitor.reports.periods import Month

if TYPE_CHECKING:
    from sla_monitor.policy import Policy

KEPT_ON_TIME = "kept_on_time"
KEPT_LATE = "kept_late"
BREACHED = "breached"
OPEN = "open"
CLOSED_WITHOUT_A_REPLY = "closed_without_a_reply"

TREND_MONTHS = 12
OLDEST_OPEN_SHOWN = 10


def clock_outcome(clock: Clock) -> str:
    """Where one clock stands for the report."""
    if clock.state is ClockState.MET:
        return KEPT_ON_TIME
    if clock.state is ClockState.BREACHED:
        return KEPT_LATE if clock.satisfied_at is not None else BREACHED
    if clock.state is ClockState.CLOSED_WITHOUT_A_REPLY:
        return CLOSED_WITHOUT_A_REPLY
    return OPEN


@dataclass(frozen=True)
class Tally:
    """How many promises were kept on time, kept late, breached (not kept), are still open, and
    were stopped by closing the case without a reply before they fell due."""

    kept_on_time: int = 0
    kept_late: int = 0
    breached: int = 0
    open: int = 0
    closed_without_a_reply: int = 0

    @property
    def fell_due(self) -> int:
        return self.kept_on_time + self.kept_late + self.breached

    @property
    def percent_on_time(self) -> float | None:
        """Kept on time out of those that fell due; None when none did."""
        return 100 * self.kept_on_time / self.fell_due if self.fell_due else None

    @property
    def total(self) -> int:
        return self.fell_due + self.open + self.closed_without_a_reply

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.kept_on_time + other.kept_on_time,
            self.kept_late + other.kept_late,
            self.breached + other.breached,
            self.open + other.open,
            self.closed_without_a_reply + other.closed_without_a_reply,
        )

    @classmethod
    def of(cls, outcomes: Iterable[str]) -> Tally:
        counted = Counter(outcomes)
        return cls(
            counted[KEPT_ON_TIME],
            counted[KEPT_LATE],
            counted[BREACHED],
            counted[OPEN],
            counted[CLOSED_WITHOUT_A_REPLY],
        )


@dataclass(frozen=True)
class PromiseTally:
    """One promise of the policy, tallied."""

    promise: str
    description: str
    tally: Tally


@dataclass(frozen=True)
class Breakdown:
    """The promises of one department, case type, channel or stage, tallied together."""

    key: str
    label: str
    cases: int
    tally: Tally


@dataclass(frozen=True)
class TrendPoint:
    month: Month
    cases: int
    tally: Tally


@dataclass(frozen=True)
class OpenCase:
    """An open case as a report shows it: no customer's details, only the reference."""

    reference: str
    case_type: str
    department: str
    received_on: date
    working_days_open: int
    stage: int
    waiting_on_customer: bool
    breached: tuple[str, ...]  # promises breached and not kept


@dataclass(frozen=True)
class MonthlyReport:
    council: str
    month: Month
    as_at: datetime
    policy_version: str
    cases: int
    totals: Tally
    promises: list[PromiseTally]
    by_department: list[Breakdown]
    by_case_type: list[Breakdown]
    by_channel: list[Breakdown]
    by_stage: list[Breakdown]
    trend: list[TrendPoint]
    oldest_open: list[OpenCase]
    trend_cases: int = 0  # every case read for the trend (the month and the eleven before it)
    notes: list[str] = field(default_factory=list)

    @property
    def month_in_progress(self) -> bool:
        return Month.of(self.as_at.date()) == self.month

    @property
    def empty(self) -> bool:
        return self.cases == 0


def _reported_clocks(case: Case, policy: Policy, calendar: WorkingDayCalendar, at: datetime):
    # Every clock, a progress update's every interval and a holding update's promised date too.
    return evaluate(case, policy, calendar, at).clocks


def tally_promises(
    cases: Iterable[Case], policy: Policy, calendar: WorkingDayCalendar, at: datetime
) -> list[PromiseTally]:
    """For each promise of the policy that any of the cases has a clock for: kept on time, kept
    late, breached and not kept, open. A holding update's promised date is its own line."""
    outcomes: dict[str, list[str]] = defaultdict(list)
    descriptions: dict[str, str] = {}
    for case in cases:
        for clock in _reported_clocks(case, policy, calendar, at):
            outcomes[clock.promise].append(clock_outcome(clock))
            descriptions.setdefault(clock.promise, clock.description)
    order = {p.name: i for i, p in enumerate(policy.promises)}
    names = sorted(
        outcomes, key=lambda n: (order.get(base_promise(n), len(order)), n != base_promise(n))
    )
    return [PromiseTally(n, descriptions[n], Tally.of(outcomes[n])) for n in names]


def _breakdown(
    cases: Sequence[Case],
    clocks: Mapping[str, Sequence[Clock]],
    key: Callable[[Case], str],
    label: Callable[[str], str],
) -> list[Breakdown]:
    outcomes: dict[str, list[str]] = defaultdict(list)
    counted: Counter[str] = Counter()
    for case in cases:
        k = key(case)
        counted[k] += 1
        outcomes[k].extend(clock_outcome(c) for c in clocks[case.reference])
    return [
        Breakdown(k, label(k), counted[k], Tally.of(outcomes[k]))
        for k in sorted(counted, key=lambda k: (label(k).lower(), k))
    ]


def _by_stage(cases: Sequence[Case], clocks: Mapping[str, Sequence[Clock]]) -> list[Breakdown]:
    outcomes: dict[int, list[str]] = defaultdict(list)
    counted: Counter[int] = Counter()
    for case in cases:
        for stage in {c.stage for c in clocks[case.reference]}:
            counted[stage] += 1
        for clock in clocks[case.reference]:
            outcomes[clock.stage].append(clock_outcome(clock))
    return [
        Breakdown(str(s), f"Stage {s}", counted[s], Tally.of(outcomes[s])) for s in sorted(counted)
    ]


def department_label(directory: Directory, code: str | None) -> str:
    department = directory.department(code)
    if department is not None:
        return department.name
    return code or "No department"


def department_code(directory: Directory, case: Case) -> str:
    """The department dealing with the case, as staff see it: its own, or the default
    department while it names none (or one since retired); "" when there is neither."""
    department = directory.department_of(case)
    return department.code if department is not None else (case.department or "")


def _open_case(
    case: Case, clocks: Sequence[Clock], calendar: WorkingDayCalendar, at: datetime, label: str
) -> OpenCase:
    today = calendar.local(at).date()
    started = calendar.start_day(case.received_at)
    return OpenCase(
        reference=case.reference,
        case_type=case.case_type.label,
        department=label,
        received_on=calendar.local(case.received_at).date(),
        # Working days since its clocks started, as "within N working days" counts them.
        working_days_open=calendar.working_days_between(started, today),
        stage=case.stage,
        waiting_on_customer=case.open_pause is not None,
        breached=tuple(
            dict.fromkeys(
                base_promise(c.promise).replace("_", " ")
                for c in clocks
                if clock_outcome(c) == BREACHED
            )
        ),
    )


def compile_monthly_report(
    cases_by_month: Mapping[Month, Sequence[Case]],
    *,
    month: Month,
    council: str,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
) -> MonthlyReport:
    """The report of `month` from the cases received in it and in the months before it that
    the trend shows (`cases_by_month`; a month missing from it had no cases)."""
    months = month.back(TREND_MONTHS)
    clocks: dict[str, Sequence[Clock]] = {}
    for m in months:
        for case in cases_by_month.get(m, ()):
            clocks[case.reference] = _reported_clocks(case, policy, calendar, now)
    cases = list(cases_by_month.get(month, ()))

    def dept(code: str) -> str:
        return department_label(directory, code or None)

    trend = [
        TrendPoint(
            m,
            len(cases_by_month.get(m, ())),
            Tally.of(
                clock_outcome(c)
                for case in cases_by_month.get(m, ())
                for c in clocks[case.reference]
            ),
        )
        for m in months
    ]
    everything = [case for m in months for case in cases_by_month.get(m, ())]
    still_open = sorted((c for c in everything if c.is_open), key=lambda c: c.received_at)
    return MonthlyReport(
        council=council,
        month=month,
        as_at=calendar.local(now),
        policy_version=policy.version,
        cases=len(cases),
        totals=trend[-1].tally,
        promises=tally_promises(cases, policy, calendar, now),
        by_department=_breakdown(cases, clocks, lambda c: department_code(directory, c), dept),
        by_case_type=_breakdown(
            cases, clocks, lambda c: c.case_type.value, lambda k: k.replace("_", " ").capitalize()
        ),
        by_channel=_breakdown(
            cases, clocks, lambda c: c.channel.value, lambda k: _CHANNEL_LABELS.get(k, k)
        ),
        by_stage=_by_stage(cases, clocks),
        trend=trend,
        oldest_open=[
            _open_case(c, clocks[c.reference], calendar, now, dept(department_code(directory, c)))
            for c in still_open[:OLDEST_OPEN_SHOWN]
        ],
        trend_cases=len(everything),
    )


_CHANNEL_LABELS = {
    "email": "Email",
    "web": "Have Your Say (web)",
    "telephone": "Telephone",
    "letter": "Letter",
    "visit": "Visit",
    "verbal": "In person",
}
