"""The annual complaints performance and service-improvement report, along the headings of the
Housing Ombudsman and LGSCO Complaint Handling Code (2024).

Each figure counts what happened in the year: complaints received at stage 1 (the case was
received in the year) and at stage 2 (the review was asked for in the year), responses sent in
the year, extensions granted in it, referrals to the Ombudsman recorded in it, lessons learned
recorded with responses in it, complaints refused in it (with the reasons the customers were
given; a refused complaint is not counted as answered), compliments and comments received in
it. So a complaint received in December and answered in January is counted as received in one
year and answered in the next.

"Within the Code's timescale" counts from the acknowledgement (or the receipt, where none was
recorded), in working days, without pauses: 10 at stage 1 and 20 at stage 2, plus an extension
granted on the case up to the Code's limit (10 and 20). "Within our own timescale" is the
council's policy as the engine keeps it (its pauses and extensions included).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import COMPLAINT_OUTCOMES, Case, CaseType, OmbudsmanDecision, Outcome
from sla_monitor.directory import Directory
from sla_monitor.engine import ClockState, evaluate, stage_times
from sla_monitor.policy_terms import PromiseKind
from sla_monitor.reports.compliance import department_code, department_label
from sla_monitor.reports.periods import ReportYear
from sla_monitor.reports.self_assessment import CodeRequirement, assess

if TYPE_CHECKING:
    from sla_monitor.policy import Policy

# The Complaint Handling Code's response timescales: (working days from the acknowledgement,
# the most one extension may add), by stage.
CODE_TIMESCALES = {1: (10, 10), 2: (20, 20)}


@dataclass(frozen=True)
class StageFigures:
    """One stage of the complaints procedure over the year."""

    stage: int
    received: int
    answered: int
    within_code: int
    within_policy: int
    extended: int
    outcomes: dict[Outcome, int]
    code_days: int
    policy_days: int | None

    @property
    def percent_within_code(self) -> float | None:
        return 100 * self.within_code / self.answered if self.answered else None

    @property
    def percent_within_policy(self) -> float | None:
        return 100 * self.within_policy / self.answered if self.answered else None


@dataclass(frozen=True)
class DepartmentTheme:
    department: str
    complaints: int  # received at stage 1 in the year
    upheld: int  # of those: upheld or partly upheld at stage 1
    not_upheld: int
    stage_2: int  # stage 2 reviews asked for in the year


@dataclass(frozen=True)
class Lesson:
    reference: str
    department: str
    stage: int
    recorded_on: date
    outcome: Outcome
    text: str


@dataclass(frozen=True)
class RemedyFigures:
    """What formal responses sent in the year promised to do to put things right, and how
    those promises stand: done by the date given, done late, or not done yet (overdue or not)."""

    promised: int = 0
    done_on_time: int = 0
    done_late: int = 0
    outstanding: int = 0
    overdue: int = 0  # of the outstanding, past their date


@dataclass(frozen=True)
class RefusedComplaint:
    """A complaint not taken through the complaints procedure, and the reason given."""

    reference: str
    department: str
    refused_on: date
    reason: str


@dataclass(frozen=True)
class Feedback:
    department: str
    compliments: int
    comments: int


@dataclass(frozen=True)
class AnnualComplaintsReport:
    council: str
    period: ReportYear
    as_at: datetime
    policy_version: str
    stages: list[StageFigures]
    ombudsman_referrals: int
    departments: list[DepartmentTheme]
    lessons: list[Lesson]
    feedback: list[Feedback]
    remedies: RemedyFigures = field(default_factory=RemedyFigures)
    # The Ombudsman's decisions recorded in the year, by decision.
    ombudsman_decisions: dict[OmbudsmanDecision, int] = field(default_factory=dict)
    self_assessment: list[CodeRequirement] = field(default_factory=list)
    refused: list[RefusedComplaint] = field(default_factory=list)
    cases_read: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def year_in_progress(self) -> bool:
        return self.as_at.date() <= self.period.last_day

    @property
    def empty(self) -> bool:
        return (
            not any(s.received or s.answered for s in self.stages)
            and not self.ombudsman_referrals
            and not self.refused
            and not self.feedback
        )

    def stage(self, number: int) -> StageFigures:
        return next(s for s in self.stages if s.stage == number)


def _stage_answered(case: Case, stage: int) -> datetime | None:
    if stage == 2:
        return case.stage_2.responded_at if case.stage_2 is not None else None
    return stage_times(case, 1).answered_at


def _stage_started(case: Case, stage: int) -> tuple[datetime, datetime | None]:
    times = stage_times(case, stage)
    return times.started_at, times.acknowledged_at


def _extension_days(case: Case, policy: Policy, stage: int) -> int:
    promise = policy.response_promise(case, stage)
    if promise is None:
        return 0
    return sum(e.working_days for e in case.extensions if e.clock == promise.name)


def within_code(case: Case, stage: int, policy: Policy, calendar: WorkingDayCalendar) -> bool:
    """Whether the stage's response went within the Code's timescale (see the module's note)."""
    answered = _stage_answered(case, stage)
    if answered is None:
        return False
    started, acknowledged = _stage_started(case, stage)
    days, most_extension = CODE_TIMESCALES[stage]
    extension = min(_extension_days(case, policy, stage), most_extension)
    due = calendar.add_working_days(calendar.start_day(acknowledged or started), days + extension)
    return answered < calendar.end_of_day(due)


def _within_policy(
    case: Case, stage: int, policy: Policy, calendar: WorkingDayCalendar, now: datetime
) -> bool:
    promise = policy.response_promise(case, stage)
    if promise is None:
        return False
    clocks = evaluate(case, policy, calendar, now).clocks
    return any(c.promise == promise.name and c.state is ClockState.MET for c in clocks)


def _stage_figures(
    stage: int,
    complaints: Sequence[Case],
    period: ReportYear,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> StageFigures:
    def received(case: Case) -> bool:
        if case.merged_into is not None:
            return False  # a duplicate of a complaint counted with its original
        if stage == 1:
            return period.holds(case.received_at)
        return case.stage_2 is not None and period.holds(case.stage_2.requested_at)

    answered = [
        c for c in complaints if c.refusal is None and period.holds(_stage_answered(c, stage))
    ]
    responses = [
        p
        for p in policy.promises
        if p.kind is PromiseKind.RESPONSE
        and p.stage == stage
        and (not p.case_types or CaseType.COMPLAINT in p.case_types)
    ]
    outcomes: Counter[Outcome] = Counter()
    for case in complaints:
        for response in case.responses:
            if response.stage == stage and period.holds(response.recorded_at):
                outcomes[response.outcome] += 1
    response_names = {p.name for p in responses}
    extended = sum(
        1
        for case in complaints
        if any(e.clock in response_names and period.holds(e.granted_at) for e in case.extensions)
    )
    return StageFigures(
        stage=stage,
        received=sum(1 for c in complaints if received(c)),
        answered=len(answered),
        within_code=sum(1 for c in answered if within_code(c, stage, policy, calendar)),
        within_policy=sum(1 for c in answered if _within_policy(c, stage, policy, calendar, now)),
        extended=extended,
        outcomes={o: outcomes[o] for o in COMPLAINT_OUTCOMES},
        code_days=CODE_TIMESCALES[stage][0],
        policy_days=responses[0].within if responses else None,
    )


def _remedy_figures(
    complaints: Sequence[Case], period: ReportYear, calendar: WorkingDayCalendar, now: datetime
) -> RemedyFigures:
    promised = [r for case in complaints for r in case.remedies if period.holds(r.promised_at)]
    today = calendar.local(now).date()
    done = [r for r in promised if r.done_at is not None]
    late = [r for r in done if r.done_at and calendar.local(r.done_at).date() > r.due_on]
    outstanding = [r for r in promised if r.done_at is None]
    return RemedyFigures(
        promised=len(promised),
        done_on_time=len(done) - len(late),
        done_late=len(late),
        outstanding=len(outstanding),
        overdue=sum(1 for r in outstanding if r.due_on < today),
    )


def _ombudsman_decisions(
    complaints: Sequence[Case], period: ReportYear
) -> dict[OmbudsmanDecision, int]:
    decided = Counter(
        c.ombudsman_referral.decision
        for c in complaints
        if c.ombudsman_referral is not None
        and c.ombudsman_referral.decision is not None
        and period.holds(c.ombudsman_referral.decided_at)
    )
    return {d: decided[d] for d in OmbudsmanDecision if decided[d]}


def compile_annual_report(
    cases: Sequence[Case],
    *,
    period: ReportYear,
    council: str,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
) -> AnnualComplaintsReport:
    """The year's report from the cases that may have something in it (see `reading`)."""
    complaints = [c for c in cases if c.case_type is CaseType.COMPLAINT]

    def dept(case: Case) -> str:
        return department_label(directory, department_code(directory, case) or None)

    themes: dict[str, Counter[str]] = defaultdict(Counter)
    for case in complaints:
        counted = themes[dept(case)]
        if period.holds(case.received_at):
            counted["complaints"] += 1
            first = case.response_at(1)
            if first is not None:
                counted["upheld" if first.outcome.council_at_fault else "not_upheld"] += 1
        if case.stage_2 is not None and period.holds(case.stage_2.requested_at):
            counted["stage_2"] += 1
    feedback: dict[str, Counter[CaseType]] = defaultdict(Counter)
    for case in cases:
        if case.case_type in (CaseType.COMPLIMENT, CaseType.COMMENT) and period.holds(
            case.received_at
        ):
            feedback[dept(case)][case.case_type] += 1
    lessons = sorted(
        (
            Lesson(
                reference=case.reference,
                department=dept(case),
                stage=r.stage,
                recorded_on=calendar.local(r.recorded_at).date(),
                outcome=r.outcome,
                text=r.lessons_learned,
            )
            for case in complaints
            for r in case.responses
            if r.lessons_learned and period.holds(r.recorded_at)
        ),
        key=lambda lesson: (lesson.department, lesson.recorded_on, lesson.reference),
    )
    refused = sorted(
        (
            RefusedComplaint(
                reference=case.reference,
                department=dept(case),
                refused_on=calendar.local(case.refusal.refused_at).date(),
                reason=case.refusal.reason,
            )
            for case in complaints
            if case.refusal is not None and period.holds(case.refusal.refused_at)
        ),
        key=lambda r: (r.department, r.refused_on, r.reference),
    )
    return AnnualComplaintsReport(
        council=council,
        period=period,
        as_at=calendar.local(now),
        policy_version=policy.version,
        stages=[_stage_figures(s, complaints, period, policy, calendar, now) for s in (1, 2)],
        ombudsman_referrals=sum(
            1
            for c in complaints
            if c.ombudsman_referral is not None and period.holds(c.ombudsman_referral.referred_at)
        ),
        departments=[
            DepartmentTheme(
                department=name,
                complaints=counted["complaints"],
                upheld=counted["upheld"],
                not_upheld=counted["not_upheld"],
                stage_2=counted["stage_2"],
            )
            for name, counted in sorted(themes.items())
            if counted["complaints"] or counted["stage_2"]
        ],
        lessons=lessons,
        feedback=[
            Feedback(name, counted[CaseType.COMPLIMENT], counted[CaseType.COMMENT])
            for name, counted in sorted(feedback.items())
        ],
        remedies=_remedy_figures(complaints, period, calendar, now),
        ombudsman_decisions=_ombudsman_decisions(complaints, period),
        self_assessment=assess(
            complaints,
            period=period,
            policy=policy,
            calendar=calendar,
            directory=directory,
            now=now,
            within_code=lambda case, stage: within_code(case, stage, policy, calendar),
        ),
        refused=refused,
        cases_read=len(cases),
    )
