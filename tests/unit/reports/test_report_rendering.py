"""What the reports look like as HTML, CSV, JSON and PDF: the figures of the known cases, in
each format, and charts a screen reader can announce."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from sla_monitor.cases import ComplaintRefusal
from sla_monitor.directory import default_directory
from sla_monitor.reports.annual import compile_annual_report
from sla_monitor.reports.compliance import compile_monthly_report
from sla_monitor.reports.exports import annual_csv, monthly_csv, monthly_json
from sla_monitor.reports.html import annual_report_body, monthly_report_body, monthly_report_page
from sla_monitor.reports.pdf import annual_report_pdf
from sla_monitor.reports.periods import Month, parse_year

from .cases import ANNUAL_AT, NOVEMBER, REPORTED_AT, TEST_POLICY, YEAR_2026, F, Q, london

NOV = Month(2026, 11)


@pytest.fixture
def monthly(calendar):
    return compile_monthly_report(
        {NOV: list(NOVEMBER), Month(2026, 10): [F]},
        month=NOV,
        council="Test Council",
        policy=TEST_POLICY,
        calendar=calendar,
        directory=default_directory(),
        now=REPORTED_AT,
    )


@pytest.fixture
def annual(policy, calendar):
    return compile_annual_report(
        list(YEAR_2026),
        period=parse_year("2026", financial=False, now=ANNUAL_AT),
        council="Test Council",
        policy=policy,
        calendar=calendar,
        directory=default_directory(),
        now=ANNUAL_AT,
    )


def test_each_chart_is_an_image_with_a_title_a_description_and_a_label(monthly):
    body = monthly_report_body(monthly)
    charts = re.findall(r"<svg\b[^>]*>", body)
    assert len(charts) == 3  # each promise, by department, the trend
    for opening in charts:
        assert 'role="img"' in opening and "aria-label=" in opening
        assert re.search(r'aria-labelledby="(\S+)-title \1-desc"', opening)
    assert '<title id="chart-promises-title">Promises kept on time' in body
    assert '<desc id="chart-promises-desc">Percentage of each promise kept on time' in body
    assert "<script" not in body  # pygal's tooltips are off: no script to run or block
    assert monthly_report_body(monthly) == body  # the same report, the same page


def test_a_page_that_allows_styles_by_nonce_gets_it_on_every_chart_stylesheet(monthly):
    body = monthly_report_body(monthly, csp_nonce="n0nce")
    styles = re.findall(r"<style\b[^>]*>", body)
    assert styles and all('nonce="n0nce"' in s for s in styles)


def test_the_summary_and_tables_carry_the_figures(monthly):
    body = monthly_report_body(monthly)
    assert (
        "Of the 10 promises that fell due for cases received in November 2026, 6 (60%) were "
        "kept on time, 2 late, and 2 were broken and are not kept yet; 1 more is not due yet."
    ) in body
    assert "NWL-2026-000003" in body and "A Resident" not in body  # no one's details
    page = monthly_report_page(monthly)
    assert page.startswith("<!doctype html>") and "@page { size: A4" in page


def test_the_monthly_csv_has_a_row_per_figure(monthly):
    rows = list(csv.reader(io.StringIO(monthly_csv(monthly))))
    assert rows[1] == [
        "section",
        "key",
        "label",
        "cases",
        "fell_due",
        "kept_on_time",
        "kept_late",
        "broken_not_kept",
        "not_due_yet",
        "closed_without_a_reply",
        "percent_on_time",
    ]
    by_key = {(r[0], r[1]): r[3:] for r in rows[2:]}
    assert by_key[("promise", "respond")] == ["", "4", "2", "1", "1", "1", "0", "50.0"]
    assert by_key[("all", "all")] == ["5", "10", "6", "2", "2", "1", "0", "60.0"]
    assert by_key[("department", "waste-services")] == ["2", "3", "1", "0", "2", "1", "0", "33.3"]
    assert by_key[("channel", "web")] == ["1", "2", "0", "2", "0", "0", "0", "0.0"]
    assert by_key[("stage", "2")] == ["1", "1", "1", "0", "0", "0", "0", "100.0"]
    assert by_key[("trend", "2026-09")] == ["0", "0", "0", "0", "0", "0", "0", ""]


def test_the_monthly_json(monthly):
    report = monthly_json(monthly)
    assert report["totals"] == {
        "fell_due": 10,
        "kept_on_time": 6,
        "kept_late": 2,
        "broken_not_kept": 2,
        "not_due_yet": 1,
        "closed_without_a_reply": 0,
        "percent_on_time": 60.0,
    }
    assert [o["reference"] for o in report["oldest_open"]] == [
        "NWL-2026-000003",
        "NWL-2026-000004",
    ]


def test_the_annual_report_in_html_csv_and_pdf(annual):
    body = annual_report_body(annual)
    assert "we received 3 complaints at stage 1 and 2 at stage 2" in body
    assert "1 complaint was taken to the Local Government and Social Care Ombudsman" in body
    rows = list(csv.reader(io.StringIO(annual_csv(annual))))
    assert ["outcomes", "stage 2", "upheld", "1"] in rows
    assert ["department", "Waste Services", "stage 1 complaints", "2"] in rows
    pdf = annual_report_pdf(annual)
    assert pdf.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for heading in (
        "Complaints received",
        "Responses within the timescales",
        "Outcomes",
        "The Ombudsman",
        "Complaints by department",
        "What we learned and changed",
        "Compliments and comments",
    ):
        assert heading in text
    assert "Brief crews weekly" in text


def test_an_empty_year_says_so_in_every_format(policy, calendar):
    empty = compile_annual_report(
        [],
        period=parse_year("2026", financial=False, now=ANNUAL_AT),
        council="Test Council",
        policy=policy,
        calendar=calendar,
        directory=default_directory(),
        now=ANNUAL_AT,
    )
    assert "there is nothing to report for the year" in annual_report_body(empty)
    text = PdfReader(io.BytesIO(annual_report_pdf(empty))).pages[0].extract_text()
    assert "nothing to report for the year" in text


def test_complaints_refused_are_listed_with_their_reasons_in_html_and_pdf(policy, calendar):
    refused = replace(
        Q,
        reference="NWL-2026-000050",
        responses=(),
        outcome=None,
        responded_at=None,
        refusal=ComplaintRefusal(
            refused_at=london(2026, 5, 5, 10, 0),
            reason="the matter is before the county court",
            refused_by="cco",
        ),
    )
    report = compile_annual_report(
        [*YEAR_2026, refused],
        period=parse_year("2026", financial=False, now=ANNUAL_AT),
        council="Test Council",
        policy=policy,
        calendar=calendar,
        directory=default_directory(),
        now=ANNUAL_AT,
    )

    body = annual_report_body(report)
    assert "Complaints refused" in body
    assert "NWL-2026-000050" in body and "the matter is before the county court" in body
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(annual_report_pdf(report))).pages
    )
    assert "Complaints refused" in text and "before the county court" in text
    assert "No complaints were refused in the year." in annual_report_body(
        compile_annual_report(
            list(YEAR_2026),
            period=parse_year("2026", financial=False, now=ANNUAL_AT),
            council="Test Council",
            policy=policy,
            calendar=calendar,
            directory=default_directory(),
            now=ANNUAL_AT,
        )
    )
