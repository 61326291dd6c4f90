"""`sla-monitor appointment ...`: book an appointment on a case (or log a case with one), say the
officer is running late or cannot come, cancel one, record how it went, and list an officer's
appointments today and tomorrow.

Each step is one use case of `sla_monitor.staff.appointments`, run and reported as the `case`
steps are (`cli.case_steps`): what it owes the customer is sent at once.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import datetime, timedelta

from sla_monitor import staff
from sla_monitor.appointments import AppointmentKind, AppointmentOutcome
from sla_monitor.cases import Case
from sla_monitor.cli.appointment_views import appointment_json, appointment_line
from sla_monitor.cli.case_steps import _casework, _done, acting_now
from sla_monitor.cli.common import (
    add_staff_arguments,
    add_target_arguments,
    instant_argument,
    target_services,
)
from sla_monitor.runtime import Services
from sla_monitor.wording import day_and_time
from sla_monitor.work_list import WorkListFilter
from sla_monitor.work_list_reading import EVERYTHING, read_work_list

Handler = Callable[[argparse.Namespace], int]

_OUTCOMES = {
    "kept": AppointmentOutcome.KEPT,
    "missed-by-us": AppointmentOutcome.MISSED_BY_US,
    "missed-by-customer": AppointmentOutcome.MISSED_BY_CUSTOMER,
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "appointment",
        help="book appointments on cases, say an officer is running late, record how they went",
        description=(
            "Appointments are promises with clocks: the customer is sent a confirmation at "
            "once and a reminder the working day before, and is told at once when the officer "
            "is running late or cannot come. An appointment kept late, missed by us or "
            "cancelled by us on the day stays so in every view and report."
        ),
    )
    actions = parser.add_subparsers(dest="case_action", required=True, metavar="ACTION")

    book = _step(actions, "book", "book an appointment on a case (or rebook one)", _book)
    book.add_argument("--at", required=True, type=instant_argument, metavar="ISO")
    book.add_argument("--minutes", required=True, type=int, metavar="N", help="how long")
    book.add_argument("--kind", required=True, choices=[k.value for k in AppointmentKind])
    book.add_argument(
        "--place", required=True, metavar="TEXT", help="the address, or the number or link to call"
    )
    book.add_argument("--officer", metavar="ID", help="who keeps it (default: the case's officer)")
    book.add_argument(
        "--private-room", action="store_true", help="a private room is needed to talk in"
    )
    book.add_argument(
        "--identification", metavar="TEXT", help="what the officer will show at the door"
    )
    book.add_argument(
        "--rebooks", type=int, metavar="N", help="in place of appointment N (cancelled if to come)"
    )

    late = _step(actions, "late", "the officer is running late: the customer is told", _late)
    late.add_argument("--minutes", required=True, type=int, metavar="N", help="about how late")
    late.add_argument("--number", type=int, metavar="N", help="default: the next appointment")

    cancel = _step(
        actions,
        "cancel",
        "cancel an appointment: by us (the customer is told at once), or --by-customer",
        _cancel,
    )
    cancel.add_argument("--reason", required=True, metavar="TEXT")
    cancel.add_argument("--by-customer", action="store_true", help="the customer called it off")
    cancel.add_argument("--number", type=int, metavar="N", help="default: the next appointment")

    record = _step(actions, "record", "record how an appointment went", _record)
    record.add_argument("--outcome", required=True, choices=list(_OUTCOMES))
    record.add_argument(
        "--late-minutes", type=int, default=0, metavar="N", help="kept, but N minutes late"
    )
    record.add_argument("--note", metavar="TEXT")
    record.add_argument("--number", type=int, metavar="N", help="default: the next appointment")

    listing = actions.add_parser(
        "list",
        help="an officer's appointments today and tomorrow",
        description="The appointments of the cases an officer owns, today and tomorrow.",
    )
    add_staff_arguments(listing)
    add_target_arguments(listing)
    listing.add_argument("--officer", metavar="ID", help="default: the --as officer")
    listing.set_defaults(handler=_list)


def _step(
    actions: argparse._SubParsersAction, name: str, summary: str, handler: Handler
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = actions.add_parser(name, help=summary, description=summary)
    add_staff_arguments(parser)
    add_target_arguments(parser)
    parser.add_argument("reference", metavar="REF")
    parser.set_defaults(handler=handler)
    return parser


def _book(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.book_appointment(
            args.reference,
            kind=AppointmentKind(args.kind),
            starts_at=args.at,
            minutes=args.minutes,
            place=args.place,
            officer=args.officer,
            private_room=args.private_room,
            identification=args.identification,
            rebooks=args.rebooks,
            by=args.actor,
            directory=bundle.directory,
            **_casework(bundle, now),
        )
        booked = case.appointments[-1]
        result = f"{case.reference}: {appointment_line(booked, bundle.directory)}"
        return _done(args, bundle, case, now, result)


def _late(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.say_running_late(
            args.reference,
            minutes=args.minutes,
            number=args.number,
            by=args.actor,
            **_casework(bundle, now),
        )
        [late] = [
            a for a in case.appointments if a.late_notices and a.late_notices[-1].said_at == now
        ]
        result = (
            f"{case.reference}: running late for the {late.kind.label} on "
            f"{day_and_time(late.starts_at)}, by about {args.minutes} minutes; the customer is told"
        )
        return _done(args, bundle, case, now, result)


def _cancel(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.cancel_appointment(
            args.reference,
            reason=args.reason,
            by_customer=args.by_customer,
            number=args.number,
            by=args.actor,
            **_casework(bundle, now),
        )
        return _settled(args, bundle, case, now)


def _record(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.record_appointment_outcome(
            args.reference,
            outcome=_OUTCOMES[args.outcome],
            late_minutes=args.late_minutes,
            note=args.note,
            number=args.number,
            by=args.actor,
            **_casework(bundle, now),
        )
        return _settled(args, bundle, case, now)


def _settled(args: argparse.Namespace, bundle: Services, case: Case, now: datetime) -> int:
    """Say how the appointment just cancelled or recorded stands, and send what it owes."""
    settled = max((a for a in case.appointments if a.outcome_at == now), key=lambda a: a.number)
    return _done(
        args, bundle, case, now, f"{case.reference}: {appointment_line(settled, bundle.directory)}"
    )


def _list(args: argparse.Namespace) -> int:
    now = acting_now(args)
    officer = args.officer or args.actor
    with target_services(args) as bundle:
        calendar = bundle.calendar
        today = calendar.local(now).date()
        days = (today, today + timedelta(days=1))
        found = []
        after = None
        while True:
            page = read_work_list(
                bundle.store,
                reach=EVERYTHING,
                wanted=WorkListFilter(owner=officer),
                policy=bundle.policy,
                calendar=calendar,
                directory=bundle.directory,
                now=now,
                after=after,
                page_size=100,
                budget=10_000,
            )
            for view in page.views:
                for appointment in view.case.appointments:
                    if calendar.local(appointment.starts_at).date() in days:
                        found.append((view.case.reference, appointment))
            if page.after is None:
                break
            after = page.after
        found.sort(key=lambda pair: pair[1].starts_at)
        if args.json:
            print(
                json.dumps(
                    [{"reference": ref, **appointment_json(a)} for ref, a in found], indent=2
                )
            )
            return 0
        if not found:
            print(f"no appointments today or tomorrow for {officer}")
        for reference, appointment in found:
            print(f"{reference}  {appointment_line(appointment, bundle.directory)}")
    return 0
