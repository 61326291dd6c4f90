"""The reports as HTML: a body a staff page can embed (GOV.UK Frontend classes), and a whole page
that stands alone and prints on A4 (its own small stylesheet, print rules included)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup

from sla_monitor.reports import charts
from sla_monitor.reports.annual import AnnualComplaintsReport
from sla_monitor.reports.compliance import MonthlyReport, Tally
from sla_monitor.wording import day_month_year

if TYPE_CHECKING:
    from jinja2 import Environment


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def as_at(instant: datetime) -> str:
    return f"{instant.day} {instant:%B %Y} at {instant:%H:%M}"


def promise_label(name: str) -> str:
    base, _, part = name.partition(":")
    label = base.replace("_", " ").capitalize()
    # The date a holding update gave the customer is a promise of its own.
    return f"{label} (date promised)" if part == "promised_date" else label


def tally_sentence(tally: Tally, what: str) -> str:
    """One sentence a person (or a screen reader) can take in: what the chart and table say."""
    if not tally.total:
        return f"No promises fell due for {what}."
    parts = [
        f"Of the {tally.fell_due} promises that fell due for {what}, {tally.kept_on_time} "
        f"({percent(tally.percent_on_time)}) were kept on time, {tally.kept_late} late, and "
        f"{tally.breached} were broken and are not kept yet"
    ]
    if tally.open:
        parts.append(f"; {tally.open} more {'is' if tally.open == 1 else 'are'} not due yet")
    if tally.closed_without_a_reply:
        closed = tally.closed_without_a_reply
        parts.append(
            f"; {closed} {'was' if closed == 1 else 'were'} neither kept nor broken: the case "
            "was closed without a reply before it fell due"
        )
    return "".join(parts) + "."


@lru_cache(maxsize=1)
def environment() -> Environment:
    # jinja2 loads with the first report, not with the functions that import this module.
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("sla_monitor.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        percent=percent, long_date=day_month_year, as_at=as_at, promise_label=promise_label
    )
    return env


def _monthly_charts(report: MonthlyReport, nonce: str | None) -> dict[str, Markup]:
    found: dict[str, Markup] = {}
    promises = [p for p in report.promises if p.tally.fell_due]
    if promises:
        best = max(promises, key=lambda p: p.tally.percent_on_time or 0)
        worst = min(promises, key=lambda p: p.tally.percent_on_time or 0)
        found["promises"] = Markup(  # noqa: S704 - pygal's SVG, our labels escaped by pygal
            charts.bar_chart(
                "chart-promises",
                title=f"Promises kept on time, cases received in {report.month.label}",
                description=(
                    f"Percentage of each promise kept on time. Highest: "
                    f"{promise_label(best.promise)}, {percent(best.tally.percent_on_time)}; "
                    f"lowest: {promise_label(worst.promise)}, "
                    f"{percent(worst.tally.percent_on_time)}."
                ),
                labels=[promise_label(p.promise) for p in promises],
                values=[p.tally.percent_on_time for p in promises],
                percent=True,
                nonce=nonce,
            )
        )
    departments = [d for d in report.by_department if d.tally.fell_due]
    if departments:
        found["departments"] = Markup(  # noqa: S704
            charts.bar_chart(
                "chart-departments",
                title=f"Promises kept on time by department, {report.month.label}",
                description="; ".join(
                    f"{d.label} {percent(d.tally.percent_on_time)}" for d in departments
                ),
                labels=[d.label for d in departments],
                values=[d.tally.percent_on_time for d in departments],
                percent=True,
                nonce=nonce,
            )
        )
    if any(p.tally.fell_due for p in report.trend):
        found["trend"] = Markup(  # noqa: S704
            charts.line_chart(
                "chart-trend",
                title=f"Promises kept on time, the 12 months to {report.month.label}",
                description="; ".join(
                    f"{p.month.short_label} {percent(p.tally.percent_on_time)}"
                    for p in report.trend
                ),
                labels=[p.month.first_day.strftime("%b %y") for p in report.trend],
                values=[p.tally.percent_on_time for p in report.trend],
                nonce=nonce,
            )
        )
    return found


def _trend_sentence(report: MonthlyReport) -> str:
    counted = [p for p in report.trend if p.tally.fell_due]
    if not counted:
        return "No promises fell due in the twelve months."
    best = max(counted, key=lambda p: p.tally.percent_on_time or 0)
    worst = min(counted, key=lambda p: p.tally.percent_on_time or 0)
    latest = report.trend[-1]
    return (
        f"Over the twelve months to {report.month.label}, the share of promises kept on time "
        f"ranged from {percent(worst.tally.percent_on_time)} ({worst.month.label}) to "
        f"{percent(best.tally.percent_on_time)} ({best.month.label}); "
        f"{report.month.label}: {percent(latest.tally.percent_on_time)}."
    )


def monthly_report_body(report: MonthlyReport, *, csp_nonce: str | None = None) -> str:
    """The monthly report as HTML to put inside a page's main element (GOV.UK classes). A page
    whose content security policy allows styles only by nonce passes it: the charts' own
    stylesheets carry it."""
    return (
        environment()
        .get_template("monthly.html")
        .render(
            report=report,
            charts=_monthly_charts(report, csp_nonce),
            summary=tally_sentence(report.totals, f"cases received in {report.month.label}"),
            trend_summary=_trend_sentence(report),
            sections=[
                ("department", "By department", "Department", report.by_department),
                ("case-type", "By type of case", "Type of case", report.by_case_type),
                ("channel", "By channel", "How it came in", report.by_channel),
                ("stage", "By stage of the complaints procedure", "Stage", report.by_stage),
            ],
        )
    )


def _annual_charts(report: AnnualComplaintsReport, nonce: str | None) -> dict[str, Markup]:
    found: dict[str, Markup] = {}
    answered = [s for s in report.stages if s.answered]
    if answered:
        labels: list[str] = []
        values: list[float | None] = []
        for s in answered:
            labels += [
                f"Stage {s.stage}, the Code ({s.code_days} days)",
                f"Stage {s.stage}, our own ({s.policy_days} days)",
            ]
            values += [s.percent_within_code, s.percent_within_policy]
        found["timescales"] = Markup(  # noqa: S704
            charts.bar_chart(
                "chart-timescales",
                title=f"Complaints answered within the timescales, {report.period.label}",
                description="; ".join(
                    f"{label}: {percent(v)}" for label, v in zip(labels, values, strict=True)
                ),
                labels=labels,
                values=values,
                percent=True,
                nonce=nonce,
            )
        )
    departments = [d for d in report.departments if d.complaints]
    if departments:
        found["departments"] = Markup(  # noqa: S704
            charts.bar_chart(
                "chart-complaint-departments",
                title=f"Stage 1 complaints by department, {report.period.label}",
                description="; ".join(f"{d.department} {d.complaints}" for d in departments),
                labels=[d.department for d in departments],
                values=[d.complaints for d in departments],
                nonce=nonce,
            )
        )
    return found


def _annual_summary(report: AnnualComplaintsReport) -> str:
    one, two = report.stage(1), report.stage(2)
    text = (
        f"In {report.period.long_label} we received "
        f"{plural(one.received, 'complaint', 'complaints')} at stage 1 and "
        f"{two.received} at stage 2."
    )
    if one.answered:
        text += (
            f" Of the {plural(one.answered, 'stage 1 response', 'stage 1 responses')} sent, "
            f"{percent(one.percent_within_code)} "
            f"were within the Code's {one.code_days} working days and "
            f"{percent(one.percent_within_policy)} within our own {one.policy_days}."
        )
    if two.answered:
        text += (
            f" Of the {plural(two.answered, 'stage 2 response', 'stage 2 responses')}, "
            f"{percent(two.percent_within_code)} within the Code's {two.code_days} working days."
        )
    return text


def annual_report_body(report: AnnualComplaintsReport, *, csp_nonce: str | None = None) -> str:
    """The annual complaints report as HTML to put inside a page's main element (as
    `monthly_report_body`)."""
    return (
        environment()
        .get_template("annual.html")
        .render(
            report=report, charts=_annual_charts(report, csp_nonce), summary=_annual_summary(report)
        )
    )


def _page(title: str, body: str) -> str:
    # The body was rendered from the report's template, escaped there.
    safe_body = Markup(body)  # noqa: S704
    return environment().get_template("page.html").render(title=title, body=safe_body)


def monthly_report_page(report: MonthlyReport) -> str:
    """A whole HTML document: opens from disk, prints on A4."""
    return _page(
        f"Promises kept: cases received in {report.month.label} – {report.council}",
        monthly_report_body(report),
    )


def annual_report_page(report: AnnualComplaintsReport) -> str:
    return _page(
        f"Annual complaints report {report.period.label} – {report.council}",
        annual_report_body(report),
    )
