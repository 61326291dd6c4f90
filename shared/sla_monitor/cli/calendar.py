"""`sla-monitor calendar ...`: the days the council closes, beyond weekends and bank holidays.

Closure days known at deployment are in `council.yaml`; the ones an administrator adds later are
stored in the directory table. The working-day calendar counts both (see `runtime.Services`).
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sla_monitor.calendar import ClosureDay, WorkingDayCalendar
from sla_monitor.cli.common import add_staff_arguments, add_target_arguments, target_services
from sla_monitor.cli.retime import retiming_json
from sla_monitor.directory_changes import close_day, reopen_day
from sla_monitor.retiming import retime_open_cases
from sla_monitor.runtime import Services


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it like 2026-12-24"
        ) from error


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "calendar",
        help="list, close and open days the council closes beyond bank holidays",
        description=(
            "List the closure days (configured in council.yaml and stored since) and the bank "
            "holidays of the coming year, close the council on a working day, or open again a "
            "day closed earlier. Deadlines are counted in working days, so a closure moves them."
        ),
    )
    actions = parser.add_subparsers(dest="calendar_action", required=True, metavar="ACTION")

    listing = actions.add_parser(
        "list",
        help="list closure days and the coming year's bank holidays",
        description="List closure days and the bank holidays of the year from --now.",
    )
    listing.set_defaults(handler=_list)

    close = actions.add_parser(
        "close",
        help="close the council on a working day",
        description="Close the council on a working day, today or later.",
    )
    close.add_argument("day", type=_day, metavar="DATE", help="the day, like 2026-12-24")
    close.add_argument("--reason", required=True, metavar="TEXT", help="why it closes")
    close.set_defaults(handler=_close)

    reopen = actions.add_parser(
        "open",
        help="open again a day closed earlier",
        description="Open again a closure day stored earlier, today or later.",
    )
    reopen.add_argument("day", type=_day, metavar="DATE")
    reopen.set_defaults(handler=_open)

    for action in (listing, close, reopen):
        add_staff_arguments(action)
        add_target_arguments(action)


def _now(args: argparse.Namespace) -> datetime:
    now: datetime = args.now or datetime.now(UTC)
    return now


def _closure_json(closure: ClosureDay) -> dict[str, Any]:
    return {
        "day": closure.day.isoformat(),
        "reason": closure.reason,
        "source": "stored",
        "added_by": closure.added_by,
        "added_at": closure.added_at.isoformat(),
    }


# -- listing ----------------------------------------------------------------------------------


def _list(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        stored = bundle.directory_store.closure_days()
        calendar = bundle.council.calendar()
        configured = bundle.council.calendar_settings.closure_days
    today = calendar.local(now).date()
    year_on = today + timedelta(days=365)
    closures = sorted(
        [_closure_json(c) for c in stored]
        + [
            {
                "day": d.isoformat(),
                "reason": None,
                "source": "configured",
                "added_by": None,
                "added_at": None,
            }
            for d in configured
        ],
        key=lambda c: (c["day"], c["source"]),
    )
    holidays = [
        {"day": day.isoformat(), "name": name}
        for day in (today + timedelta(days=n) for n in range((year_on - today).days))
        if (name := calendar.bank_holiday_name(day))
    ]
    if args.json:
        print(json.dumps({"closure_days": closures, "bank_holidays": holidays}, indent=2))
        return 0
    print("Closure days")
    for c in closures:
        day = date.fromisoformat(c["day"])
        if c["source"] == "configured":
            print(f"  {c['day']}  {day:%a}  closed in council.yaml")
        else:
            added = datetime.fromisoformat(c["added_at"])
            print(
                f"  {c['day']}  {day:%a}  {c['reason']}  "
                f"(added by {c['added_by']}, {calendar.local(added):%Y-%m-%d %H:%M})"
            )
    if not closures:
        print("  none")
    print(f"Bank holidays from {today.isoformat()} to {(year_on - timedelta(days=1)).isoformat()}")
    for h in holidays:
        print(f"  {h['day']}  {date.fromisoformat(h['day']):%a}  {h['name']}")
    return 0


# -- changes ----------------------------------------------------------------------------------


def _close(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        before = bundle.calendar
        closure = close_day(
            args.day,
            reason=args.reason,
            by=args.actor,
            now=now,
            store=bundle.directory_store,
            calendar=before,
        )
        bundle.forget_staff_data()  # what follows counts with the changed calendar
        moved = _retime_after_calendar_change(
            bundle, now, before, by=args.actor, why=f"{closure.day.isoformat()} closed"
        )
    if args.json:
        print(
            json.dumps({"action": "close", "closure_day": _closure_json(closure), "retimed": moved})
        )
    else:
        print(f"closed {closure.day.isoformat()} ({closure.day:%A}): {closure.reason}")
        _print_retimed(moved)
    return 0


def _open(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        before = bundle.calendar
        closure = reopen_day(args.day, now=now, store=bundle.directory_store, calendar=before)
        bundle.forget_staff_data()  # what follows counts with the changed calendar
        moved = _retime_after_calendar_change(
            bundle, now, before, by=args.actor, why=f"{closure.day.isoformat()} open again"
        )
    if args.json:
        print(
            json.dumps(
                {
                    "action": "open",
                    "closure_day": _closure_json(closure),
                    "by": args.actor,
                    "retimed": moved,
                }
            )
        )
    else:
        day = closure.day
        print(f"opened {day.isoformat()} ({day:%A}) again; it was closed: {closure.reason}")
        _print_retimed(moved)
    return 0


def _retime_after_calendar_change(
    bundle: Services, now: datetime, before: WorkingDayCalendar, *, by: str, why: str
) -> list[dict[str, Any]]:
    """Re-time the open cases whose due dates the changed calendar moved (their clocks count
    working days, and the instant the checker next reads them by was counted the old way)."""
    results = retime_open_cases(
        store=bundle.store,
        directory_store=bundle.directory_store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        old_calendar=before,
        now=now,
        by=by,
        dry_run=False,
        why=why,
    )
    return [retiming_json(r) for r in results if r.moved]


def _print_retimed(moved: list[dict[str, Any]]) -> None:
    if not moved:
        print("no open case's due dates moved")
        return
    print(f"re-timed {len(moved)} open case(s):")
    for case in moved:
        for clock in case["clocks"]:
            if clock["moved"]:
                print(
                    f"  {case['reference']}  {clock['promise']}: {clock['old']} -> {clock['new']}"
                )
