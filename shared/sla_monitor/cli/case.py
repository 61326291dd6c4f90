"""`sla-monitor case ...`: every staff step on a case from the command line, for administrators
and scripts, and the open cases by their next deadline.

This module is the command's arguments and its two readings, `list` and `show`. Each step is
one use case in `sla_monitor.staff`, which refuses what does not fit the case (printed as one
line, exit 2, nothing changed); `cli.case_steps` runs them and sends what they owe at once.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from datetime import date, datetime

from sla_monitor import staff
from sla_monitor.cases import (
    AccessibleFormat,
    CaseType,
    Channel,
    ContactMethod,
    OmbudsmanDecision,
    Outcome,
    Preferences,
)
from sla_monitor.cli import case_relations, legal_hold
from sla_monitor.cli import case_steps as steps
from sla_monitor.cli.case_views import show_json, show_lines, summary_json, work_list_lines
from sla_monitor.cli.common import (
    instant_argument,
    staff_action,
    target_services,
)
from sla_monitor.runtime import Services
from sla_monitor.work_list import CaseView, WorkListFilter, case_view, matches
from sla_monitor.work_list_reading import EVERYTHING, find_cases, read_work_list

Handler = Callable[[argparse.Namespace], int]

_LOGGED_CHANNELS = ("telephone", "phone", "letter", "visit", "verbal", "in-person")
_ALL_CHANNELS = (*(c.value for c in Channel), *steps.CHANNEL_ALIASES)


def _language(code: str) -> str:
    tag = code.strip().lower()
    if not re.fullmatch(r"[a-z]{2,3}", tag):
        raise argparse.ArgumentTypeError(f"{code!r} is not a language code; write it like cy or pl")
    return tag


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-02-05") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "case",
        help="log a case, take a staff step on one, list or show them",
        description=(
            "Every staff step on a case: log one that came by phone, letter or a visit; assign, "
            "pause, resume, extend, reclassify, answer it; refuse a complaint; take a complaint to "
            "stage 2, or decline a stage 2 request; record a hand-sent acknowledgement; add a "
            "note. List the open cases by their next deadline, or show one with its clocks and "
            "timeline. What a step owes the customer is sent at once (against real AWS this "
            "sends real mail); staff alerts go in office hours."
        ),
    )
    actions = parser.add_subparsers(dest="case_action", required=True, metavar="ACTION")

    log = _action(actions, "log", "log a case that came by phone, letter or a visit", steps.log)
    log.add_argument("--channel", required=True, choices=_LOGGED_CHANNELS)
    log.add_argument("--type", required=True, choices=[t.value for t in CaseType])
    log.add_argument("--name", required=True, help="the customer's name")
    log.add_argument("--email", help="the customer's email address")
    log.add_argument("--phone", help="the customer's phone number")
    log.add_argument("--address", help="the customer's postal address")
    log.add_argument(
        "--contact-method",
        choices=[m.value for m in ContactMethod],
        help="how they want to hear from us (default: email if --email is given, else a letter "
        "if --address is, else the phone)",
    )
    log.add_argument(
        "--language",
        type=_language,
        default=Preferences().language,
        metavar="CODE",
        help="the language to write in, as an ISO 639 code: cy, pl, bfi (default: en)",
    )
    log.add_argument(
        "--format",
        dest="accessible_format",
        choices=[f.value for f in AccessibleFormat],
        help="an accessible format for what we send",
    )
    log.add_argument(
        "--interpreter", action="store_true", help="they need an interpreter for calls and visits"
    )
    log.add_argument("--summary", required=True, metavar="TEXT", help="what it is about")
    log.add_argument("--details", metavar="TEXT", help="what the customer said, in full")
    log.add_argument("--department", metavar="CODE")
    log.add_argument(
        "--received",
        type=instant_argument,
        metavar="ISO",
        help="when it came in, ISO 8601 (default: --now)",
    )

    log.add_argument(
        "--callback-by",
        type=instant_argument,
        metavar="ISO",
        help="a call-back promised to the customer by this time (a promise with a clock)",
    )

    call_back = _step(
        actions, "call-back", "promise to call the customer back by a time", steps.call_back
    )
    call_back.add_argument(
        "--by", dest="call_by", required=True, type=instant_argument, metavar="ISO"
    )
    call_back.add_argument("--about", metavar="TEXT", default="", help="what the call is about")
    called = _step(
        actions, "called-back", "record the call-back made (its promise is met)", steps.called_back
    )
    called.add_argument("--note", metavar="TEXT", help="what was said, for colleagues")
    called.add_argument("--number", type=int, metavar="N", help="default: the earliest owed")

    listing = _action(actions, "list", "the open cases, soonest deadline first", _list)
    whose = listing.add_mutually_exclusive_group()
    whose.add_argument(
        "--officer",
        metavar="OFFICER_ID",
        help="cases the officer owns (assigned to them, or unassigned in a department they head)",
    )
    whose.add_argument("--mine", action="store_true", help="cases owned by the --as officer")
    listing.add_argument("--department", metavar="CODE")
    listing.add_argument("--type", choices=[t.value for t in CaseType])
    listing.add_argument("--stage", type=int, choices=(1, 2))
    listing.add_argument("--breached", action="store_true", help="only cases with a promise broken")
    listing.add_argument(
        "--search",
        metavar="TEXT",
        help="cases open or closed, newest first, by reference, name, email, phone or postcode",
    )
    listing.add_argument("--limit", type=int, metavar="N", help="at most N cases")

    show = _action(actions, "show", "a case with its clocks, responses and timeline", _show)
    show.add_argument("reference", metavar="REF")

    assign = _step(actions, "assign", "give the case to an officer", steps.assign)
    assign.add_argument("--officer", required=True, metavar="OFFICER_ID")
    assign.add_argument("--department", metavar="CODE", help="and move it to this department")

    pause = _step(actions, "pause", "wait on the customer (pausable clocks stop)", steps.pause)
    pause.add_argument("--reason", required=True, metavar="TEXT", help="what they must send")

    _step(actions, "resume", "resume the clocks without waiting any longer", steps.resume)

    extend = _step(
        actions, "extend", "extend the response deadline, once, with a reason", steps.extend
    )
    extend.add_argument("--working-days", required=True, type=int, metavar="N")
    extend.add_argument("--reason", required=True, metavar="TEXT", help="as the customer is told")

    reclassify = _step(actions, "reclassify", "correct the type of the case", steps.reclassify)
    reclassify.add_argument("--type", required=True, choices=[t.value for t in CaseType])
    reclassify.add_argument("--reason", required=True, metavar="TEXT")

    confirm = _step(
        actions,
        "confirm-type",
        "confirm the type of the case (settles a possible complaint)",
        steps.confirm_type,
    )
    confirm.add_argument("--type", required=True, choices=[t.value for t in CaseType])
    confirm.add_argument(
        "--reason",
        metavar="TEXT",
        help="why a possible complaint is not one (needed then: the customer is sent it)",
    )

    refuse = _step(
        actions,
        "refuse",
        "refuse a complaint: not taken through the complaints procedure (closes it; the "
        "customer is sent the reason and the Ombudsman's details)",
        steps.refuse,
    )
    refuse.add_argument("--reason", required=True, metavar="TEXT", help="as the customer is told")

    respond = _step(
        actions,
        "respond",
        "record the formal response to a complaint (a compliment or a comment too); the "
        "letter goes to the customer. An enquiry or a service request is answered with "
        "answer, or closed with close",
        steps.respond,
    )
    respond.add_argument("--outcome", required=True, choices=[o.value for o in Outcome])
    respond.add_argument(
        "--summary", required=True, metavar="TEXT", help="what was looked at and found"
    )
    respond.add_argument("--apology", metavar="TEXT")
    respond.add_argument("--remedy", metavar="TEXT", help="what the council will put right")
    respond.add_argument("--lessons", metavar="TEXT", help="what it will change (lessons learned)")
    respond.add_argument(
        "--keep-open", action="store_true", help="record the response but leave the case open"
    )
    respond.add_argument(
        "--remedy-action",
        action="append",
        default=[],
        metavar="TEXT",
        help="an action promised to put things right, kept as a promise with a clock "
        "(repeat for each; the case stays open until each is done)",
    )
    respond.add_argument(
        "--remedy-by",
        action="append",
        default=[],
        type=_day,
        metavar="YYYY-MM-DD",
        help="the date the action before it is promised by (one for each --remedy-action)",
    )

    remedy_done = _step(
        actions,
        "remedy-done",
        "record that an action promised to put things right is done (the customer is told)",
        steps.remedy_done,
    )
    remedy_done.add_argument(
        "--action", dest="number", required=True, type=int, metavar="N", help="its number"
    )
    remedy_done.add_argument("--note", metavar="TEXT", help="what was done, for colleagues")

    stage_2 = _step(actions, "stage-2", "take a complaint to a stage 2 review", steps.stage_2)
    stage_2.add_argument("--reason", required=True, metavar="TEXT", help="why the customer asks")
    stage_2.add_argument("--channel", default="telephone", choices=_ALL_CHANNELS)
    stage_2.add_argument(
        "--officer", metavar="OFFICER_ID", help="the reviewer (default: the Head of Service)"
    )

    decline = _step(
        actions,
        "decline-stage-2",
        "decide the customer is not asking for stage 2 (or it will not be taken there); the "
        "case closes and they are told why, with the Ombudsman's details",
        steps.decline_stage_2,
    )
    decline.add_argument(
        "--reason", required=True, metavar="TEXT", help="why not, as the customer is told"
    )

    acknowledged = _step(
        actions, "acknowledged", "record an acknowledgement sent by hand", steps.acknowledged
    )
    acknowledged.add_argument("--how", required=True, metavar="TEXT", help="letter, phone call")

    ombudsman = _step(
        actions,
        "ombudsman",
        "record that the customer took the complaint to the Ombudsman",
        steps.ombudsman,
    )
    ombudsman.add_argument(
        "--reference",
        dest="ombudsman_reference",
        required=True,
        metavar="TEXT",
        help="the Ombudsman's reference for it",
    )

    decided = _step(
        actions,
        "ombudsman-decision",
        "record the Ombudsman's decision on a complaint taken to it",
        steps.ombudsman_decision,
    )
    decided.add_argument("--decision", required=True, choices=[d.value for d in OmbudsmanDecision])
    decided.add_argument("--summary", metavar="TEXT", help="what the Ombudsman found or asked")

    note = _step(
        actions, "note", "add a note for colleagues (the customer is not told)", steps.note
    )
    note.add_argument("--text", required=True, metavar="TEXT")

    reply = _step(actions, "reply", "write to the customer in your own words", steps.reply)
    _words_or_template(reply)

    answer = _step(
        actions,
        "answer",
        "reply to an enquiry or a service request in your own words, as its answer (the "
        "promise to respond is kept, and the case closes)",
        steps.answer,
    )
    _words_or_template(answer)
    answer.add_argument(
        "--keep-open", action="store_true", help="leave the case open for work still to do"
    )

    close = _step(
        actions,
        "close",
        "close a case without a letter, for one of the council's reasons (council.yaml) or "
        "'other' with --other-reason",
        steps.close,
    )
    close.add_argument("--reason", required=True, metavar="NAME", help="the reason's name")
    close.add_argument("--other-reason", metavar="TEXT", help="why, with --reason other")

    case_relations.register(actions, _step)
    legal_hold.register(actions, _step)


def _words_or_template(parser: argparse.ArgumentParser) -> None:
    words = parser.add_mutually_exclusive_group(required=True)
    words.add_argument("--text", metavar="TEXT")
    words.add_argument(
        "--template",
        metavar="NAME",
        help="one of the council's reply templates (its key, as the workspace's address has "
        "it, or its title), filled in from the case",
    )


def _action(
    actions: argparse._SubParsersAction, name: str, summary: str, handler: Handler
) -> argparse.ArgumentParser:
    return staff_action(actions, name, summary, handler)


def _step(
    actions: argparse._SubParsersAction, name: str, summary: str, handler: Handler
) -> argparse.ArgumentParser:
    parser = _action(actions, name, summary, handler)
    parser.add_argument("reference", metavar="REF")
    return parser


# -- reading -------------------------------------------------------------------------------------


def _list(args: argparse.Namespace) -> int:
    now = steps.acting_now(args)
    wanted = WorkListFilter(
        owner=args.actor if args.mine else args.officer,
        departments=(args.department,) if args.department else None,
        case_type=CaseType(args.type) if args.type else None,
        stage=args.stage,
        breached=args.breached,
    )
    with target_services(args) as bundle:
        views = _listed(bundle, wanted, args.search, now=now, limit=args.limit)
    if args.json:
        print(json.dumps([summary_json(v) for v in views], indent=2))
    else:
        for line in work_list_lines(views):
            print(line)
    return 0


def _listed(
    bundle: Services,
    wanted: WorkListFilter,
    search: str | None,
    *,
    now: datetime,
    limit: int | None,
) -> list[CaseView]:
    """The cases the list asks for, read a page at a time from the work list's shelves (or what
    a search finds), up to `limit`."""
    policy, calendar, directory = bundle.policy, bundle.calendar, bundle.directory
    if search:
        found = find_cases(
            bundle.store,
            bundle.store,
            search,
            reference_prefix=bundle.council.reference_prefix,
            now=now,
            limit=limit or 100,
        )
        found_views = [
            case_view(case, policy=policy, calendar=calendar, directory=directory, now=now)
            for case in found.cases
        ]
        return [v for v in found_views if matches(v, wanted, calendar=calendar, now=now)]
    views: list[CaseView] = []
    after = None
    while limit is None or len(views) < limit:
        page = read_work_list(
            bundle.store,
            reach=EVERYTHING,
            wanted=wanted,
            policy=policy,
            calendar=calendar,
            directory=directory,
            now=now,
            after=after,
            page_size=100,
            budget=10_000,
        )
        views += page.views
        if page.after is None:
            break
        after = page.after
    return views[:limit] if limit is not None else views


def _show(args: argparse.Namespace) -> int:
    now = steps.acting_now(args)
    with target_services(args) as bundle:
        case = bundle.store.get_case(args.reference)
        if case is None:
            raise staff.CaseNotFound(args.reference)
        view = steps.case_view_at(bundle, case, now)
        timeline = bundle.store.timeline(case.reference)
        directory = bundle.directory
    if args.json:
        print(json.dumps(show_json(view, timeline), indent=2))
    else:
        print("\n".join(show_lines(view, timeline, directory)))
    return 0
