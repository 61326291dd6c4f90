"""The reports page: the monthly compliance report and the annual complaints report, read from
the store as `sla-monitor report` reads them and shown inside the staff layout, each with a link
to download it as CSV.

One address serves it all (`/reports`): which report, which month or year and whether as CSV are
in the query, as a GET form sends them, so a report can be bookmarked and shared. A month or
year that is malformed or has not begun is shown back on the form as a field error. The reports
are the whole council's figures and name no one: whoever may see reports sees all of them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from urllib.parse import urlencode

from markupsafe import Markup

from sla_monitor.calendar import LONDON
from sla_monitor.reports.exports import annual_csv, monthly_csv
from sla_monitor.reports.html import annual_report_body, monthly_report_body
from sla_monitor.reports.periods import Month, ReportRefused, parse_month, parse_year
from sla_monitor.reports.reading import annual_report, monthly_report
from sla_monitor.web.forms import FieldError
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff.formatting import sentence
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.rendering import security_headers

MONTHLY, ANNUAL = "monthly", "annual"


def last_month(now: datetime) -> Month:
    return Month.of(now.astimezone(LONDON).date()).preceding()


# How far back the month to report on can be chosen from the list (a bookmarked address may name
# an older one).
MONTHS_TO_CHOOSE = 36


def months_to_choose(now: datetime) -> list[Month]:
    """This month and the ones before it, newest first: the months a report can be asked for."""
    month = Month.of(now.astimezone(LONDON).date())
    months = [month]
    for _ in range(MONTHS_TO_CHOOSE - 1):
        month = month.preceding()
        months.append(month)
    return months


def _refusal(refused: ReportRefused) -> str:
    """The period's refusal as a GOV.UK error message."""
    text = str(refused)
    if "is not a month" in text:
        return "Enter the month as a year and month, like 2026-05"
    if "is not a year" in text:
        return "Enter the year as 4 digits, like 2026"
    return sentence(text.split(":")[0]) + ". Enter one that has begun"


_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S)
_CHART = re.compile(r'<figure class="sla-report__chart">.*?</figure>', re.S)
_CHART_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.S)


def scrolling_tables(body: str) -> str:
    """The report's tables and charts each in the workspace's scrolling pane (a region named by
    the table's caption or the chart's title, reachable by keyboard), so on a narrow screen a
    wide table scrolls by itself and a chart keeps a size its labels can be read at, and the
    page does not scroll sideways."""

    def wrapper(named_by: re.Pattern[str], otherwise: str) -> Callable[[re.Match[str]], str]:
        def wrap(found: re.Match[str]) -> str:
            name = named_by.search(found[0])
            label = " ".join(re.sub(r"<[^>]+>", " ", name[1]).split()) if name else otherwise
            return (
                f'<div class="app-table-scroll" role="region" tabindex="0" '
                f'aria-label="{html.escape(html.unescape(label), quote=True)}">{found[0]}</div>'
            )

        return wrap

    body = _CHART.sub(wrapper(_CHART_TITLE, "Chart"), body)
    return _TABLE.sub(wrapper(_CAPTION, "Table"), body)


class ReportPages:
    def __init__(self, pages: StaffPages) -> None:
        self.pages = pages

    def _work(self, now: datetime) -> dict[str, object]:
        pages = self.pages
        return {
            "store": pages.store,
            "council": pages.council.name,
            "policy": pages.policy,
            "calendar": pages.calendar,
            "directory": pages.directory,
            "now": now,
        }

    def show(self, visit: Visit) -> WebResponse:
        query = visit.request.query
        kind = ANNUAL if query.get("report") == ANNUAL else MONTHLY
        as_csv = query.get("format") == "csv"
        if kind == ANNUAL:
            return self._annual(visit, query, as_csv)
        return self._monthly(visit, query, as_csv)

    def _monthly(self, visit: Visit, query: Mapping[str, str], as_csv: bool) -> WebResponse:
        typed = query.get("month", "").strip()[:20]
        try:
            month = parse_month(typed, now=visit.now) if typed else last_month(visit.now)
        except ReportRefused as refused:
            return self._page(
                visit, MONTHLY, {"month": typed}, errors=[FieldError("month", _refusal(refused))]
            )
        report = monthly_report(month, **self._work(visit.now))  # type: ignore[arg-type]
        if as_csv:
            return self._csv(visit, monthly_csv(report), f"promises-kept-{month.key}.csv")
        return self._page(
            visit,
            MONTHLY,
            {"month": month.key},
            title=f"Promises kept: cases received in {month.label}",
            body=lambda nonce: scrolling_tables(monthly_report_body(report, csp_nonce=nonce)),
            csv_url=self._address(visit, report=MONTHLY, month=month.key, format="csv"),
            csv_label=f"Download the report for {month.label} as a spreadsheet (CSV)",
        )

    def _annual(self, visit: Visit, query: Mapping[str, str], as_csv: bool) -> WebResponse:
        typed = query.get("year", "").strip()[:20]
        financial = query.get("financial") == "yes"
        values = {"year": typed, "financial": "yes" if financial else ""}
        if not typed:
            typed = str(last_month(visit.now).year)
            values["year"] = typed
        try:
            period = parse_year(typed, financial=financial, now=visit.now)
        except ReportRefused as refused:
            return self._page(visit, ANNUAL, values, errors=[FieldError("year", _refusal(refused))])
        report = annual_report(period, **self._work(visit.now))  # type: ignore[arg-type]
        if as_csv:
            return self._csv(
                visit, annual_csv(report), f"annual-complaints-report-{period.file_label}.csv"
            )
        return self._page(
            visit,
            ANNUAL,
            values,
            title=f"Annual complaints report {period.label}",
            body=lambda nonce: scrolling_tables(annual_report_body(report, csp_nonce=nonce)),
            csv_url=self._address(
                visit,
                report=ANNUAL,
                year=typed,
                financial="yes" if financial else "",
                format="csv",
            ),
            csv_label=f"Download the report for {period.label} as a spreadsheet (CSV)",
        )

    @staticmethod
    def _address(visit: Visit, **query: str) -> str:
        return visit.urls.page("reports", urlencode({k: v for k, v in query.items() if v}))

    def _page(
        self,
        visit: Visit,
        kind: str,
        values: Mapping[str, str],
        *,
        errors: list[FieldError] | None = None,
        title: str | None = None,
        body: Callable[[str], str] | None = None,
        csv_url: str | None = None,
        csv_label: str | None = None,
    ) -> WebResponse:
        errors = errors or []
        page = self.pages.page(
            visit,
            "reports.html",
            status=400 if errors else 200,
            title=title
            or ("Annual complaints report" if kind == ANNUAL else "Monthly compliance report"),
            kind=kind,
            values=values,
            errors=[{"text": e.message, "href": f"#{e.field}"} for e in errors],
            field_errors={e.field: {"text": e.message} for e in errors},
            # Rendered inside the page with its nonce: the charts' stylesheets carry it.
            report_body=(lambda nonce: Markup(body(nonce))) if body else None,  # noqa: S704
            csv_url=csv_url,
            csv_label=csv_label,
            months=[
                {"value": m.key, "text": m.label, "selected": m.key == values.get("month")}
                for m in months_to_choose(visit.now)
            ],
            monthly_url=self._address(visit, report=MONTHLY),
            annual_url=self._address(visit, report=ANNUAL),
        )
        if not errors:
            return page
        return WebResponse(
            status=page.status,
            body=page.body,
            headers=page.headers,
            log_message="report period refused",
            log_fields={"report": kind},
        )

    @staticmethod
    def _csv(visit: Visit, text: str, filename: str) -> WebResponse:
        return WebResponse(
            status=200,
            body=text,
            content_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                **security_headers("-", secure=visit.request.secure),
            },
            log_message="report downloaded",
            log_fields={"file": filename},
        )
