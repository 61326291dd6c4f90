"""The annual complaints report's every figure, from cases built to known outcomes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from sla_monitor.cases import CaseStatus, CaseType, Channel, ComplaintRefusal, Outcome
from sla_monitor.directory import default_directory
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
        store.create_case(built, events=[], next_due=None)
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
