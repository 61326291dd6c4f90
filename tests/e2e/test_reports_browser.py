"""The reports as people read them: each HTML report opened in headless Chromium, checked with
axe-core (no serious or critical problem), looked at on a screen and printed on A4.

Needs Debian's `chromium` (`make browser`); set REPORT_SCREENSHOTS to a folder to keep a
screenshot of each report and the A4 print of it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from unit.reports.cases import (
    ANNUAL_AT,
    NOVEMBER,
    REPORTED_AT,
    TEST_POLICY,
    YEAR_2026,
    F,
)

from sla_monitor.directory import default_directory
from sla_monitor.reports.annual import compile_annual_report
from sla_monitor.reports.compliance import compile_monthly_report
from sla_monitor.reports.exports import write_annual_report, write_monthly_report
from sla_monitor.reports.periods import Month, parse_year

pytestmark = pytest.mark.e2e

AXE = Axe()
COUNCIL = "North West Leicestershire District Council"


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1024, "height": 900}, locale="en-GB")
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    yield opened
    context.close()
    assert problems == []


def monthly(calendar, cases_by_month):
    return compile_monthly_report(
        cases_by_month,
        month=Month(2026, 11),
        council=COUNCIL,
        policy=TEST_POLICY,
        calendar=calendar,
        directory=default_directory(),
        now=REPORTED_AT,
    )


def annual(policy, calendar, cases):
    return compile_annual_report(
        list(cases),
        period=parse_year("2026", financial=False, now=ANNUAL_AT),
        council=COUNCIL,
        policy=policy,
        calendar=calendar,
        directory=default_directory(),
        now=ANNUAL_AT,
    )


def look_at(page: Page, path: Path, name: str) -> None:
    """Open the report, check it with axe-core, take a screenshot and print it on A4."""
    page.goto(path.as_uri())
    results = AXE.run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name}: {serious}"
    # Nothing runs off the side of the screen: the tables and charts fit.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    screenshot = path.with_suffix(".png")
    page.screenshot(path=str(screenshot), full_page=True)
    page.emulate_media(media="print")
    printed = path.with_name(f"{path.stem}-printed.pdf")
    page.pdf(path=str(printed), format="A4", print_background=True)
    page.emulate_media(media="screen")
    folder = os.environ.get("REPORT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for made in (screenshot, printed):
            shutil.copy(made, Path(folder) / f"{name}{made.suffix}")


def charts_are_drawn_and_labelled(page: Page, count: int) -> None:
    charts = page.get_by_role("img")
    expect(charts).to_have_count(count)
    for chart in charts.all():
        box = chart.bounding_box()
        assert box is not None and box["width"] > 400 and box["height"] > 100
        assert chart.get_attribute("aria-label")
        assert chart.locator("title").count() >= 1 and chart.locator("desc").count() >= 1


def test_the_monthly_report_reads_well_passes_axe_and_prints_on_a4(page, calendar, tmp_path):
    report = monthly(calendar, {Month(2026, 11): list(NOVEMBER), Month(2026, 10): [F]})
    path = write_monthly_report(report, tmp_path, "html")
    look_at(page, path, "monthly-report")

    expect(page).to_have_title(f"Promises kept: cases received in November 2026 – {COUNCIL}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Promises kept: cases received in November 2026"
    )
    charts_are_drawn_and_labelled(page, 3)  # each promise, by department, the trend
    each_promise = page.get_by_role("table").first
    expect(each_promise.get_by_role("row")).to_have_count(5)  # heading, 3 promises, total
    expect(each_promise.get_by_role("row").last).to_contain_text("All promises 10 6 2 2 1 60%")
    expect(page.get_by_text("Of the 10 promises that fell due")).to_be_visible()
    pages = PdfReader(tmp_path / "report-2026-11-printed.pdf").pages
    assert 2 <= len(pages) <= 5
    box = pages[0].mediabox  # A4, in points
    assert abs(float(box.width) - 595.3) < 1 and abs(float(box.height) - 841.9) < 1


def test_an_empty_month_says_so_and_passes_axe(page, calendar, tmp_path):
    path = write_monthly_report(monthly(calendar, {}), tmp_path, "html")
    look_at(page, path, "monthly-report-empty")
    expect(page.get_by_text("No cases were received in November 2026")).to_be_visible()
    expect(page.get_by_role("img")).to_have_count(0)


def test_the_annual_report_reads_well_passes_axe_and_prints_on_a4(page, policy, calendar, tmp_path):
    path = write_annual_report(annual(policy, calendar, YEAR_2026), tmp_path, "html")
    look_at(page, path, "annual-report")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Annual complaints performance and service improvement report 2026"
    )
    charts_are_drawn_and_labelled(page, 2)  # timescales, departments
    expect(page.get_by_role("heading", level=2)).to_contain_text(
        ["Complaints received", "Responses within the timescales", "Outcomes", "The Ombudsman"]
    )
    expect(page.get_by_text("Supervisor checks repeats")).to_be_visible()
    pages = PdfReader(tmp_path / "complaints-report-2026-printed.pdf").pages
    assert 2 <= len(pages) <= 4
