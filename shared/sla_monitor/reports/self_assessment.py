"""The annual report's self-assessment against the Complaint Handling Code: each section of the
Code, whether the year's complaints show it was met, and the evidence from the cases.

Where the cases can show it (acknowledgements, responses and their timescales, extensions, who
reviewed stage 2, what was promised to put things right), the answer is the data's: met only
when every complaint of the year met it, with the count that did not. Where they cannot (the
council's published policy, its staff, its governance), the section says what the product keeps
and leaves the answer to the council.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, Extension
from sla_monitor.directory import Directory
from sla_monitor.reports.periods import ReportYear

if TYPE_CHECKING:
    from sla_monitor.policy import Policy

# The Code's acknowledgement timescale at both stages, in working days from the request.
CODE_ACKNOWLEDGEMENT_DAYS = 5
# The most working days one extension may add, by stage.
CODE_EXTENSION_DAYS = {1: 10, 2: 20}


@dataclass(frozen=True)
class CodeRequirement:
    section: str  # "6. Complaint stages"
    requirement: str  # what the Code asks, in short
    met: bool | None  # None: the cases cannot show it; the council assesses it
    evidence: str

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "for the council to assess"
        return "met" if self.met else "not met"


def _counted(
    section: str, requirement: str, cases: Sequence[Case], ok: Callable[[Case], bool], what: str
) -> CodeRequirement:
    """Met when every one of `cases` is `ok`; the evidence says how many were."""
    kept = sum(1 for c in cases if ok(c))
    if not cases:
        return CodeRequirement(section, requirement, None, f"No {what} in the year.")
    return CodeRequirement(
        section,
        requirement,
        kept == len(cases),
        f"{kept} of {len(cases)} {what} in the year.",
    )


def assess(
    complaints: Sequence[Case],
    *,
    period: ReportYear,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
    within_code: Callable[[Case, int], bool],
) -> list[CodeRequirement]:
    """Each requirement of the Code, as the year's complaints show it."""

    def acknowledged_in_time(started: datetime, acknowledged: datetime | None) -> bool:
        if acknowledged is None:
            return False
        due = calendar.add_working_days(calendar.start_day(started), CODE_ACKNOWLEDGEMENT_DAYS)
        return acknowledged < calendar.end_of_day(due)

    received = [c for c in complaints if period.holds(c.received_at)]
    reviews = [
        c for c in complaints if c.stage_2 is not None and period.holds(c.stage_2.requested_at)
    ]
    answered_1 = [c for c in complaints if period.holds(c.responded_at)]
    answered_2 = [
        c for c in complaints if c.stage_2 is not None and period.holds(c.stage_2.responded_at)
    ]
    extended = [(c, e) for c in complaints for e in c.extensions if period.holds(e.granted_at)]
    promised = [r for c in complaints for r in c.remedies if period.holds(r.promised_at)]
    today = calendar.local(now).date()
    cco = directory.active_officer(directory.corporate_complaints_officer)

    def reviewed_independently(case: Case) -> bool:
        assert case.stage_2 is not None
        stage_1 = case.response_at(1)
        stage_2 = case.response_at(2)
        people = {*case.stage_2.stage_1_handlers, case.stage_2.stage_1_officer}
        if stage_1 is not None:
            people.add(stage_1.recorded_by)
        reviewer = stage_2.recorded_by if stage_2 is not None else case.assigned_officer
        return reviewer not in people

    def extension_within_code(pair: tuple[Case, Extension]) -> bool:
        case, extension = pair
        first = policy.response_promise(case, 1)
        limit = CODE_EXTENSION_DAYS[1 if first and extension.clock == first.name else 2]
        return extension.working_days <= limit and bool(extension.reason.strip())

    outstanding_late = [r for r in promised if r.done_at is None and r.due_on < today]
    done_late = [
        r for r in promised if r.done_at is not None and calendar.local(r.done_at).date() > r.due_on
    ]
    lessons = sum(
        1
        for c in complaints
        for r in c.responses
        if r.lessons_learned and period.holds(r.recorded_at)
    )

    return [
        CodeRequirement(
            "1. Definition of a complaint",
            "Any expression of dissatisfaction is treated as a complaint, whatever words are used",
            None,
            "Intake reads every email and form as a possible complaint; when unsure it is timed "
            "as a complaint until staff confirm. The council assesses its own policy.",
        ),
        CodeRequirement(
            "2. Exclusions",
            "A complaint not taken through the procedure is refused in writing, with the reasons "
            "and the Ombudsman's details",
            None,
            "The council assesses this against the complaints it declined.",
        ),
        CodeRequirement(
            "3. Accessibility and awareness",
            "Complaints can be made by any channel, with reasonable adjustments for those who ask",
            None,
            "Complaints were received by "
            + (", ".join(sorted({c.channel.value for c in received})) or "no channel")
            + "; requests for another language, format or an interpreter go to the officer.",
        ),
        CodeRequirement(
            "4. Complaint handling staff",
            "A member of staff is accountable for complaint handling",
            cco is not None,
            f"The Corporate Complaints Officer is {cco.name}."
            if cco is not None
            else "No Corporate Complaints Officer is named in the directory.",
        ),
        CodeRequirement(
            "5. The complaint handling process",
            "An extension is at most 10 working days at stage 1 and 20 at stage 2, with a reason "
            "the resident is told",
            all(extension_within_code(p) for p in extended) if extended else None,
            f"{sum(1 for p in extended if extension_within_code(p))} of {len(extended)} "
            "extensions granted in the year were within the Code's limit, each with a reason.",
        ),
        _counted(
            "6. Complaint stages",
            "Stage 1: acknowledged within 5 working days of receipt",
            received,
            lambda c: acknowledged_in_time(c.received_at, c.acknowledged_at),
            "complaints received were acknowledged within 5 working days",
        ),
        _counted(
            "6. Complaint stages",
            "Stage 1: answered within 10 working days of the acknowledgement (plus one extension "
            "of up to 10)",
            answered_1,
            lambda c: within_code(c, 1),
            "stage 1 responses sent were within the Code's timescale",
        ),
        _counted(
            "6. Complaint stages",
            "Stage 2: acknowledged within 5 working days of the request",
            reviews,
            lambda c: (
                c.stage_2 is not None
                and acknowledged_in_time(c.stage_2.requested_at, c.stage_2.acknowledged_at)
            ),
            "stage 2 requests were acknowledged within 5 working days",
        ),
        _counted(
            "6. Complaint stages",
            "Stage 2: answered within 20 working days of the acknowledgement (plus one extension "
            "of up to 20)",
            answered_2,
            lambda c: within_code(c, 2),
            "stage 2 responses sent were within the Code's timescale",
        ),
        _counted(
            "6. Complaint stages",
            "Stage 2 is reviewed by someone who did not deal with stage 1",
            reviews,
            reviewed_independently,
            "stage 2 reviews went to someone who did not deal with stage 1",
        ),
        CodeRequirement(
            "7. Putting things right",
            "Every remedy promised is followed through to completion, by the date given",
            (not outstanding_late and not done_late) if promised else None,
            f"{len(promised)} actions promised in the year; {len(done_late)} done late, "
            f"{len(outstanding_late)} not done and past their date."
            if promised
            else "No response in the year promised an action with a date.",
        ),
        CodeRequirement(
            "8. Self-assessment, reporting and compliance",
            "An annual complaints performance and service improvement report, with this "
            "self-assessment",
            True,
            f"This report; {lessons} lessons learned were recorded with responses in the year.",
        ),
        CodeRequirement(
            "9. Scrutiny and oversight",
            "The governing body scrutinises complaint handling and the lessons learned",
            None,
            "The council records how its governing body considered this report.",
        ),
    ]
