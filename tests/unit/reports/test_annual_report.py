"""The annual complaints report's every figure, from cases built to known outcomes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from sla_monitor.cases import CaseStatus, CaseType, Channel, Closure, ComplaintRefusal, Outcome
from sla_monitor.directory import default_directory
from sla_monitor.listing import Schedule
from sla_monitor.reports.annual import (
    DepartmentTheme,
    Feedback,
    RefusedComplaint,
    compile_annual_report,
)
from sla_monitor.reports.exports import annual_rows
from sla_monitor.reports.periods import ReportRefused, parse_year
from sla_monitor.reports.reading import annual_report
from sla_monitor.store.memory import InMemoryCaseStore

from .cases import ANNUAL_AT, YEAR_2026, P, R, case, london


def compile_year(policy, calendar, *, financial=False, cases=YEAR_2026):
    return compile_annual_report(
        list(cases),
        period=parse_year("2026", financial=financial, now=ANNUAL_AT),
        council="Test Council",
        policy=policy,
        calendar=calendar,
        directory=default_directory(),
        now=ANNUAL_AT,
    )


def test_stage_1_received_answered_within_the_code_and_our_own_timescale(policy, calendar):
    stage_1 = compile_year(policy, calendar).stage(1)
    assert stage_1.received == 3  # Q, R, S (P came in 2025)
    assert stage_1.answered == 3  # P, Q, R
    assert stage_1.within_code == 2  # Q (from its acknowledgement), R (with its extension)
    assert stage_1.within_policy == 1  # R
    assert round(stage_1.percent_within_code, 1) == 66.7
    assert round(stage_1.percent_within_policy, 1) == 33.3
    assert stage_1.extended == 1  # R
    assert stage_1.outcomes == {
        Outcome.UPHELD: 1,  # P
        Outcome.PARTLY_UPHELD: 1,  # R
        Outcome.NOT_UPHELD: 1,  # Q
    }
    assert (stage_1.code_days, stage_1.policy_days) == (10, 10)


def test_stage_2_counts_reviews_asked_for_in_the_year(policy, calendar):
    stage_2 = compile_year(policy, calendar).stage(2)
    assert stage_2.received == 2  # R, and W received in 2024
    assert stage_2.answered == 1  # R, late by both
    assert (stage_2.within_code, stage_2.within_policy, stage_2.extended) == (0, 0, 0)
    assert stage_2.outcomes == {
        Outcome.UPHELD: 1,
        Outcome.PARTLY_UPHELD: 0,
        Outcome.NOT_UPHELD: 0,
    }
    assert (stage_2.code_days, stage_2.policy_days) == (20, 20)


def test_ombudsman_themes_lessons_and_feedback(policy, calendar):
    report = compile_year(policy, calendar)
    assert report.ombudsman_referrals == 1
    assert report.departments == [
        DepartmentTheme("Housing", complaints=1, upheld=0, not_upheld=1, stage_2=1),
        DepartmentTheme("Waste Services", complaints=2, upheld=1, not_upheld=0, stage_2=1),
    ]
    assert [(lesson.reference, lesson.stage, lesson.recorded_on) for lesson in report.lessons] == [
        (P.reference, 1, date(2026, 1, 5)),
        (R.reference, 1, date(2026, 6, 19)),
        (R.reference, 2, date(2026, 8, 20)),
    ]
    assert report.lessons[0].department == "Planning and Development"
    assert report.lessons[2].text == "Supervisor checks repeats"
    assert report.feedback == [
        Feedback("Housing", compliments=1, comments=0),
        Feedback("Waste Services", compliments=0, comments=1),
    ]
    assert not report.empty and not report.year_in_progress


def test_the_financial_year_runs_from_april(policy, calendar):
    report = compile_year(policy, calendar, financial=True)
    assert report.period.label == "2026/27"
    assert (report.period.first_day, report.period.last_day) == (
        date(2026, 4, 1),
        date(2027, 3, 31),
    )
    assert report.stage(1).received == 2  # R, S
    assert report.stage(1).answered == 1  # R
    assert report.year_in_progress


def test_a_year_with_no_complaints_is_an_empty_report(policy, calendar):
    assert compile_year(policy, calendar, cases=()).empty


def test_the_store_is_read_by_month_and_older_open_complaints_by_the_open_index(policy, calendar):
    store = InMemoryCaseStore()
    for built in YEAR_2026:
        store.create_case(built, events=[], schedule=Schedule(None))
    report = annual_report(
        parse_year("2026", financial=False, now=ANNUAL_AT),
        store=store,
        council="Test Council",
        policy=policy,
        calendar=calendar,
        directory=default_directory(),
        now=ANNUAL_AT,
    )
    assert report.stage(2).received == 2  # W, from 2024, found because it is still open
    assert report.stage(1).answered == 3  # P, from December 2025
    assert report.cases_read == len(YEAR_2026)


@pytest.mark.parametrize(
    ("typed", "financial", "reason"),
    [
        ("26", False, "'26' is not a year; write it like 2026"),
        ("2028", False, "the year 2028 (1 January 2028 to 31 December 2028) has not begun yet"),
        ("2027", True, "the financial year 2027/28 (1 April 2027 to 31 March 2028) has not"),
    ],
)
def test_a_year_malformed_or_not_begun_is_refused(typed, financial, reason):
    with pytest.raises(ReportRefused) as refused:
        parse_year(typed, financial=financial, now=london(2027, 3, 31, 12, 0))
    assert str(refused.value).startswith(reason)


def test_actions_promised_to_put_things_right_are_counted_as_they_stand(policy, calendar):
    from dataclasses import replace

    from sla_monitor.cases import Remedy

    def remedy(number, due_on, promised_at, done_at=None):
        return Remedy(
            number=number,
            action=f"action {number}",
            due_on=due_on,
            stage=1,
            promised_at=promised_at,
            promised_by="housing-officer",
            done_at=done_at,
        )

    with_remedies = replace(
        R,
        remedies=(
            remedy(1, date(2026, 7, 3), london(2026, 6, 19, 10), london(2026, 7, 1, 10)),
            remedy(2, date(2026, 7, 3), london(2026, 6, 19, 10), london(2026, 7, 8, 10)),
            remedy(3, date(2026, 7, 3), london(2026, 6, 19, 10)),
            remedy(4, date(2027, 6, 3), london(2026, 12, 19, 10)),
            # Promised the year before: another year's figure.
            remedy(5, date(2025, 7, 3), london(2025, 6, 19, 10)),
        ),
    )
    cases = [with_remedies if c is R else c for c in YEAR_2026]
    report = compile_year(policy, calendar, cases=cases)
    m = report.remedies
    assert (m.promised, m.done_on_time, m.done_late, m.outstanding, m.overdue) == (4, 1, 1, 2, 1)


def test_the_self_assessment_answers_from_the_data_where_it_can(policy, calendar):
    report = compile_year(policy, calendar)
    by_requirement = {r.requirement: r for r in report.self_assessment}
    stage_1 = by_requirement[
        "Stage 1: answered within 10 working days of the acknowledgement (plus one extension "
        "of up to 10)"
    ]
    # Two of the three stage 1 responses of the year were within the Code (Q and R): not met.
    assert (stage_1.met, stage_1.evidence) == (
        False,
        "2 of 3 stage 1 responses sent were within the Code's timescale in the year.",
    )
    stage_2 = by_requirement[
        "Stage 2: answered within 20 working days of the acknowledgement (plus one extension "
        "of up to 20)"
    ]
    assert stage_2.met is False and stage_2.verdict == "not met"
    sections = [r.section for r in report.self_assessment]
    assert sections[0].startswith("1.") and sections[-1].startswith("9.")
    assert {r.section.split(".")[0] for r in report.self_assessment} == {
        str(n) for n in range(1, 10)
    }
    governance = by_requirement[
        "The governing body scrutinises complaint handling and the lessons learned"
    ]
    assert governance.met is None and governance.verdict == "for the council to assess"
    from sla_monitor.reports.exports import annual_rows

    rows = annual_rows(report)
    assert any(row[0] == "self-assessment" and row[3].startswith("not met: 2 of 3") for row in rows)


def test_the_ombudsmans_decisions_are_counted_in_the_year_they_were_made(policy, calendar):
    from dataclasses import replace

    from sla_monitor.cases import OmbudsmanDecision, OmbudsmanReferral

    referred = [c for c in YEAR_2026 if c.ombudsman_referral is not None]
    assert referred
    decided = replace(
        referred[0],
        ombudsman_referral=replace(
            referred[0].ombudsman_referral,
            decision=OmbudsmanDecision.NOT_UPHELD,
            decided_at=london(2026, 11, 2, 10),
        ),
    )
    last_year = replace(
        referred[0],
        reference="NWL-2025-009999",
        ombudsman_referral=OmbudsmanReferral(
            referred_at=london(2025, 1, 2, 10),
            reference="24 000 001",
            recorded_by="cco",
            decision=OmbudsmanDecision.UPHELD,
            decided_at=london(2025, 6, 2, 10),
        ),
    )
    cases = [decided if c is referred[0] else c for c in YEAR_2026] + [last_year]
    report = compile_year(policy, calendar, cases=cases)
    assert report.ombudsman_decisions == {OmbudsmanDecision.NOT_UPHELD: 1}


def test_complaints_refused_are_listed_with_their_reasons_and_not_counted_as_answered(
    policy, calendar
):
    # Given a complaint refused in May 2026, and one refused in December 2025
    refused_in_may = case(
        "NWL-2026-000050",
        CaseType.COMPLAINT,
        Channel.EMAIL,
        london(2026, 5, 4, 10, 0),
        "housing",
        status=CaseStatus.CLOSED,
        closed_at=london(2026, 5, 5, 10, 0),
        refusal=ComplaintRefusal(
            refused_at=london(2026, 5, 5, 10, 0),
            reason="the matter is before the county court",
            refused_by="cco",
        ),
    )
    refused_before = replace(
        refused_in_may,
        reference="NWL-2025-000070",
        received_at=london(2025, 12, 1, 10, 0),
        refusal=ComplaintRefusal(
            refused_at=london(2025, 12, 2, 10, 0), reason="older than 12 months", refused_by="cco"
        ),
    )

    # When the 2026 report is compiled
    report = compile_year(policy, calendar, cases=(*YEAR_2026, refused_in_may, refused_before))

    # Then the year's refusal is listed with its reason, and is no stage 1 answer
    assert report.refused == [
        RefusedComplaint(
            reference="NWL-2026-000050",
            department="Housing",
            refused_on=date(2026, 5, 5),
            reason="the matter is before the county court",
        )
    ]
    assert report.stage(1).received == 4  # Q, R, S and the refused one
    assert report.stage(1).answered == 3  # P, Q, R, as before
    rows = annual_rows(report)
    assert (
        "refused",
        "Housing: NWL-2026-000050, 2026-05-05",
        "reason",
        "the matter is before the county court",
    ) in rows


def test_a_duplicate_merged_into_its_original_is_neither_received_nor_answered(policy, calendar):
    # Given a complaint of May 2026 merged as a duplicate into another case a day later
    merged = case(
        "NWL-2026-000060",
        CaseType.COMPLAINT,
        Channel.EMAIL,
        london(2026, 5, 4, 10, 0),
        "housing",
        status=CaseStatus.CLOSED,
        closed_at=london(2026, 5, 5, 10, 0),
        merged_into="NWL-2026-000059",
        closure=Closure(
            closed_at=london(2026, 5, 5, 10, 0),
            closed_by="cco",
            reason="merged",
            reason_text="merged into NWL-2026-000059",
            meets_response=False,
        ),
    )

    # When the 2026 report is compiled
    before = compile_year(policy, calendar).stage(1)
    after = compile_year(policy, calendar, cases=(*YEAR_2026, merged)).stage(1)

    # Then it is counted once, with its original: not received, not answered, not late
    assert (after.received, after.answered, after.within_code) == (
        before.received,
        before.answered,
        before.within_code,
    )
