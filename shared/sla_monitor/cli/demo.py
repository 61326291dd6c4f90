"""`sla-monitor demo`: a month of a council's casework on embedded AWS, in one command."""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from unittest import mock

from sla_monitor_local.demo.month import MonthOfCasework, MonthResult
from sla_monitor_local.demo.report import mail_sent_through_ses, write_html_summary, write_mail
from sla_monitor_local.demo.scenario import END, START
from sla_monitor_local.embedded import embedded_aws

from sla_monitor.reports.compliance import PromiseTally, tally_promises
from sla_monitor.reports.exports import write_monthly_report
from sla_monitor.reports.periods import Month
from sla_monitor.reports.reading import monthly_report
from sla_monitor.runtime import Services

if TYPE_CHECKING:
    from rich.console import Console


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="play a month of a council's casework on embedded AWS and show what it does",
        description=(
            "Play a month of casework over Christmas and New Year through the real email "
            "intake, web form, staff use cases and deadline checker, on in-process AWS (moto). "
            "Prints the month day by day and the promises kept, and writes the mail sent, an "
            "HTML summary and December's compliance report."
        ),
    )
    parser.add_argument(
        "--output", type=Path, default=Path("demo-output"), help="folder for the mail and summary"
    )
    parser.set_defaults(handler=run)


# The handlers' structured logs and metrics are for CloudWatch; the demo tells its own story.
_QUIET_HANDLERS = {"POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true"}


def run(args: argparse.Namespace) -> int:
    with mock.patch.dict(os.environ, _QUIET_HANDLERS):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    # rich is the `cli` extra's: the command loads it when it runs, not when the CLI starts.
    from rich.console import Console

    console = Console(width=max(Console().width, 100))
    started = time.perf_counter()
    with embedded_aws() as services:
        console.print(
            f"[bold]{services.council.name}[/bold]: the month from "
            f"{START:%A %d %B %Y} to {END:%A %d %B %Y}, on embedded AWS\n"
        )
        result = _play(services, console)
        _print_timeline(services, result, console)
        tallies = tally_promises(
            services.store.all_cases(), services.policy, services.calendar, END
        )
        _print_tallies(tallies, result, console)
        mail = mail_sent_through_ses(services)
        folder: Path = args.output
        folder.mkdir(parents=True, exist_ok=True)
        write_mail(mail, folder / "mail")
        write_html_summary(
            folder / "summary.html",
            council=services.council.name,
            days=_days_for_html(services, result),
            tallies=tallies,
            mail_count=len(mail),
        )
        # December's compliance report, read and written as `sla-monitor report monthly` does.
        report = write_monthly_report(
            monthly_report(
                Month(START.year, START.month),
                store=services.store,
                council=services.council.name,
                policy=services.policy,
                calendar=services.calendar,
                directory=services.directory,
                now=END,
            ),
            folder,
            "html",
        )
    console.print(
        f"\n{len(mail)} messages sent through SES are in {folder / 'mail'}; "
        f"the summary is {folder / 'summary.html'}, December's report {report}. "
        f"({result.sweeps} sweeps of the deadline checker in {time.perf_counter() - started:.0f} s)"
    )
    return 0


def _play(services: Services, console: Console) -> MonthResult:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    total = (END - START).total_seconds()
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("playing the month", total=total)

        def advance(now: datetime) -> None:
            progress.update(
                task,
                completed=(now - START).total_seconds(),
                description=f"playing {services.calendar.local(now):%a %d %b}",
            )

        return MonthOfCasework(services, on_progress=advance).play()


_STYLE = {"breach": "red", "sent": "green", "triage": "dim", "staff": "cyan", "arrival": "bold"}


def _print_timeline(services: Services, result: MonthResult, console: Console) -> None:
    calendar = services.calendar
    for day, happenings in result.days():
        holiday = calendar.bank_holiday_name(day)
        note = f" ({holiday})" if holiday else ""
        console.print(f"[bold underline]{day:%A %d %B %Y}{note}[/]")
        for h in happenings:
            style = _STYLE.get(h.kind, "")
            console.print(f"  {calendar.local(h.at):%H:%M}  [{style}]{h.what}[/]", highlight=False)


def _days_for_html(
    services: Services, result: MonthResult
) -> list[tuple[str, list[tuple[str, str, str]]]]:
    calendar = services.calendar
    return [
        (
            f"{day:%A %d %B %Y}",
            [(f"{calendar.local(h.at):%H:%M}", h.what, h.kind) for h in happenings],
        )
        for day, happenings in result.days()
    ]


def _print_tallies(tallies: list[PromiseTally], result: MonthResult, console: Console) -> None:
    from rich.table import Table

    table = Table(title="Promises kept over the month")
    for column in (
        "promise",
        "fell due",
        "kept on time",
        "kept late",
        "broken, not kept",
        "not due yet",
    ):
        if column == "promise":
            table.add_column(column, justify="left", no_wrap=True)
        else:
            table.add_column(column, justify="right")
    for t in tallies:
        n = t.tally
        table.add_row(
            t.promise.replace(":promised_date", " (date promised)").replace("_", " "),
            str(n.fell_due),
            f"[green]{n.kept_on_time}[/]",
            f"[yellow]{n.kept_late}[/]" if n.kept_late else "0",
            f"[red]{n.breached}[/]" if n.breached else "0",
            str(n.open),
        )
    console.print(table)
    outcomes = result.email_outcomes
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(Counter(outcomes.values()).items()))
    console.print(f"Emails received: {len(outcomes)} ({kinds}); every one accounted for.")
