"""The reports as CSV and JSON, and each report written to a folder in the format asked for.

CSV is long and plain so a spreadsheet can pivot it: one row per figure, with the section and
the row it belongs to. JSON carries the same figures, nested."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from sla_monitor.reports.annual import AnnualComplaintsReport
from sla_monitor.reports.compliance import MonthlyReport, Tally
from sla_monitor.reports.html import annual_report_page, monthly_report_page, promise_label

MONTHLY_FORMATS = ("html", "csv", "json")
ANNUAL_FORMATS = ("html", "csv", "pdf")

_TALLY_COLUMNS = (
    "fell_due",
    "kept_on_time",
    "kept_late",
    "broken_not_kept",
    "not_due_yet",
    "closed_without_a_reply",
    "percent_on_time",
)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def tally_json(tally: Tally) -> dict[str, Any]:
    return {
        "fell_due": tally.fell_due,
        "kept_on_time": tally.kept_on_time,
        "kept_late": tally.kept_late,
        "broken_not_kept": tally.breached,
        "not_due_yet": tally.open,
        "closed_without_a_reply": tally.closed_without_a_reply,
        "percent_on_time": None
        if tally.percent_on_time is None
        else round(tally.percent_on_time, 1),
    }


def _tally_row(section: str, key: str, label: str, cases: int | str, tally: Tally) -> list[Any]:
    figures = tally_json(tally)
    figures["percent_on_time"] = _percent(tally.percent_on_time)
    return [section, key, label, cases, *figures.values()]


def monthly_csv(report: MonthlyReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["month", report.month.key, "as_at", report.as_at.isoformat()])
    writer.writerow(["section", "key", "label", "cases", *_TALLY_COLUMNS])
    for p in report.promises:
        writer.writerow(_tally_row("promise", p.promise, promise_label(p.promise), "", p.tally))
    writer.writerow(_tally_row("all", "all", "All promises", report.cases, report.totals))
    for section, rows in (
        ("department", report.by_department),
        ("case_type", report.by_case_type),
        ("channel", report.by_channel),
        ("stage", report.by_stage),
    ):
        for b in rows:
            writer.writerow(_tally_row(section, b.key or "none", b.label, b.cases, b.tally))
    for point in report.trend:
        writer.writerow(
            _tally_row("trend", point.month.key, point.month.label, point.cases, point.tally)
        )
    return out.getvalue()


def monthly_json(report: MonthlyReport) -> dict[str, Any]:
    def breakdown(rows: Any) -> list[dict[str, Any]]:
        return [
            {"key": b.key or None, "label": b.label, "cases": b.cases, **tally_json(b.tally)}
            for b in rows
        ]

    return {
        "report": "monthly_compliance",
        "council": report.council,
        "month": report.month.key,
        "as_at": report.as_at.isoformat(),
        "month_in_progress": report.month_in_progress,
        "policy_version": report.policy_version,
        "cases": report.cases,
        "empty": report.empty,
        "totals": tally_json(report.totals),
        "promises": [
            {"promise": p.promise, "description": p.description, **tally_json(p.tally)}
            for p in report.promises
        ],
        "by_department": breakdown(report.by_department),
        "by_case_type": breakdown(report.by_case_type),
        "by_channel": breakdown(report.by_channel),
        "by_stage": breakdown(report.by_stage),
        "trend": [
            {"month": p.month.key, "cases": p.cases, **tally_json(p.tally)} for p in report.trend
        ],
        "oldest_open": [
            {
                "reference": o.reference,
                "case_type": o.case_type,
                "department": o.department,
                "received_on": o.received_on.isoformat(),
                "working_days_open": o.working_days_open,
                "stage": o.stage,
                "waiting_on_customer": o.waiting_on_customer,
                "promises_broken": list(o.breached),
            }
            for o in report.oldest_open
        ],
    }


def annual_rows(report: AnnualComplaintsReport) -> list[tuple[str, str, str, Any]]:
    """(section, row, measure, value): every figure of the annual report."""
    rows: list[tuple[str, str, str, Any]] = []
    for s in report.stages:
        stage = f"stage {s.stage}"
        rows += [
            ("complaints", stage, "received", s.received),
            ("complaints", stage, "responses sent", s.answered),
            ("complaints", stage, "deadlines extended", s.extended),
            ("timescales", stage, f"within the Code ({s.code_days} working days)", s.within_code),
            ("timescales", stage, "percent within the Code", _percent(s.percent_within_code)),
            (
                "timescales",
                stage,
                f"within our own ({s.policy_days} working days)",
                s.within_policy,
            ),
            ("timescales", stage, "percent within our own", _percent(s.percent_within_policy)),
        ]
        rows += [("outcomes", stage, o.label, n) for o, n in s.outcomes.items()]
    rows.append(("ombudsman", "all", "referrals", report.ombudsman_referrals))
    rows += [
        ("ombudsman", "all", f"decided: {d.label}", n)
        for d, n in report.ombudsman_decisions.items()
    ]
    rows += [
        ("self-assessment", r.section, r.requirement, f"{r.verdict}: {r.evidence}")
        for r in report.self_assessment
    ]
    m = report.remedies
    rows += [
        ("putting things right", "all", "actions promised", m.promised),
        ("putting things right", "all", "done by the date given", m.done_on_time),
        ("putting things right", "all", "done late", m.done_late),
        ("putting things right", "all", "not done yet", m.outstanding),
        ("putting things right", "all", "not done and past their date", m.overdue),
    ]
    for d in report.departments:
        rows += [
            ("department", d.department, "stage 1 complaints", d.complaints),
            ("department", d.department, "upheld or partly upheld", d.upheld),
            ("department", d.department, "not upheld", d.not_upheld),
            ("department", d.department, "stage 2 reviews", d.stage_2),
        ]
    for f in report.feedback:
        rows += [
            ("feedback", f.department, "compliments", f.compliments),
            ("feedback", f.department, "comments", f.comments),
        ]
    for r in report.refused:
        rows.append(
            (
                "refused",
                f"{r.department}: {r.reference}, {r.refused_on.isoformat()}",
                "reason",
                r.reason,
            )
        )
    for lesson in report.lessons:
        rows.append(
            (
                "lesson",
                f"{lesson.department}: {lesson.reference} stage {lesson.stage}, "
                f"{lesson.recorded_on.isoformat()}",
                "what we will change",
                lesson.text,
            )
        )
    return rows


def annual_csv(report: AnnualComplaintsReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", report.period.label, "as_at", report.as_at.isoformat()])
    writer.writerow(["section", "row", "measure", "value"])
    writer.writerows(annual_rows(report))
    return out.getvalue()


def write_monthly_report(report: MonthlyReport, folder: Path, fmt: str) -> Path:
    """Write the report as `report-YYYY-MM.<fmt>` in `folder`; the path written."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"report-{report.month.key}.{fmt}"
    if fmt == "html":
        path.write_text(monthly_report_page(report), encoding="utf-8")
    elif fmt == "csv":
        path.write_text(monthly_csv(report), encoding="utf-8")
    elif fmt == "json":
        path.write_text(json.dumps(monthly_json(report), indent=2) + "\n", encoding="utf-8")
    else:
        raise ValueError(f"the monthly report is written as {', '.join(MONTHLY_FORMATS)}")
    return path


def write_annual_report(report: AnnualComplaintsReport, folder: Path, fmt: str) -> Path:
    """Write the report as `complaints-report-YYYY.<fmt>` in `folder`; the path written."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"complaints-report-{report.period.file_label}.{fmt}"
    if fmt == "html":
        path.write_text(annual_report_page(report), encoding="utf-8")
    elif fmt == "csv":
        path.write_text(annual_csv(report), encoding="utf-8")
    elif fmt == "pdf":
        from sla_monitor.reports.pdf import annual_report_pdf

        path.write_bytes(annual_report_pdf(report))
    else:
        raise ValueError(f"the annual report is written as {', '.join(ANNUAL_FORMATS)}")
    return path
