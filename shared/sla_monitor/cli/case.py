"""`sla-monitor case ...`: every staff step on a case from the command line, for administrators
and scripts, and the open cases by their next deadline.

Each step is one use case in `sla_monitor.staff`, which refuses what does not fit the case
(printed as one line, exit 2, nothing changed). After a step, what it owes the customer is sent
at once through `deliver_now`; staff alerts wait for office hours by themselves. If sending
fails, the step stays recorded and the message stays owed for the next scheduled sweep.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sla_monitor import staff
from sla_monitor.cases import (
    AccessibleFormat,
    Case,
    CaseType,
    Channel,
    ContactMethod,
    Customer,
    OmbudsmanDecision,
    Outcome,
    Preferences,
)
from sla_monitor.checker.outcomes import SweepReport
from sla_monitor.checker.wiring import deliver_now
from sla_monitor.cli.case_views import (
    done_json,
    next_text,
    on,
    show_json,
    show_lines,
    summary_json,
    waiting_text,
    when,
    work_list_lines,
)
from sla_monitor.cli.common import (
    add_staff_arguments,
    add_target_arguments,
    instant_argument,
    target_services,
)
from sla_monitor.contact_details import contact_method_for
from sla_monitor.runtime import Services
from sla_monitor.work_list import CaseView, WorkListFilter, case_view, work_list

Handler = Callable[[argparse.Namespace], int]

# What officers say, as the council's channels.
_CHANNEL_ALIASES = {"phone": Channel.TELEPHONE, "in-person": Channel.VERBAL}
_LOGGED_CHANNELS = ("telephone", "phone", "letter", "visit", "verbal", "in-person")
_ALL_CHANNELS = (*(c.value for c in Channel), *_CHANNEL_ALIASES)


def _channel(name: str) -> Channel:
    return _CHANNEL_ALIASES.get(name) or Channel(name)


def _language(code: str) -> str:
    tag = code.strip().lower()
    if not re.fullmatch(r"[a-z]{2,3}", tag):
        raise argparse.ArgumentTypeError(f"{code!r} is not a language code; write it like cy or pl")
    return tag


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

    log = _action(actions, "log", "log a case that came by phone, letter or a visit", _log)
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

    show = _action(actions, "show", "a case with its clocks, responses and timeline", _show)
    show.add_argument("reference", metavar="REF")

    assign = _step(actions, "assign", "give the case to an officer", _assign)
    assign.add_argument("--officer", required=True, metavar="OFFICER_ID")
    assign.add_argument("--department", metavar="CODE", help="and move it to this department")

    pause = _step(actions, "pause", "wait on the customer (pausable clocks stop)", _pause)
    pause.add_argument("--reason", required=True, metavar="TEXT", help="what they must send")

    _step(actions, "resume", "resume the clocks without waiting any longer", _resume)

    extend = _step(actions, "extend", "extend the response deadline, once, with a reason", _extend)
    extend.add_argument("--working-days", required=True, type=int, metavar="N")
    extend.add_argument("--reason", required=True, metavar="TEXT", help="as the customer is told")

    reclassify = _step(actions, "reclassify", "correct the type of the case", _reclassify)
    reclassify.add_argument("--type", required=True, choices=[t.value for t in CaseType])
    reclassify.add_argument("--reason", required=True, metavar="TEXT")

    confirm = _step(
        actions,
        "confirm-type",
        "confirm the type of the case (settles a possible complaint)",
        _confirm_type,
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
        _refuse,
    )
    refuse.add_argument("--reason", required=True, metavar="TEXT", help="as the customer is told")

    respond = _step(
        actions, "respond", "record the formal response; the letter goes to the customer", _respond
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
        _remedy_done,
    )
    remedy_done.add_argument(
        "--action", dest="number", required=True, type=int, metavar="N", help="its number"
    )
    remedy_done.add_argument("--note", metavar="TEXT", help="what was done, for colleagues")

    stage_2 = _step(actions, "stage-2", "take a complaint to a stage 2 review", _stage_2)
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
        _decline_stage_2,
    )
    decline.add_argument(
        "--reason", required=True, metavar="TEXT", help="why not, as the customer is told"
    )

    acknowledged = _step(
        actions, "acknowledged", "record an acknowledgement sent by hand", _acknowledged
    )
    acknowledged.add_argument("--how", required=True, metavar="TEXT", help="letter, phone call")

    ombudsman = _step(
        actions,
        "ombudsman",
        "record that the customer took the complaint to the Ombudsman",
        _ombudsman,
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
        _ombudsman_decision,
    )
    decided.add_argument("--decision", required=True, choices=[d.value for d in OmbudsmanDecision])
    decided.add_argument("--summary", metavar="TEXT", help="what the Ombudsman found or asked")

    note = _step(actions, "note", "add a note for colleagues (the customer is not told)", _note)
    note.add_argument("--text", required=True, metavar="TEXT")

    reply = _step(actions, "reply", "write to the customer in your own words", _reply)
    reply.add_argument("--text", required=True, metavar="TEXT")


def _action(
    actions: argparse._SubParsersAction, name: str, summary: str, handler: Handler
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = actions.add_parser(name, help=summary, description=summary)
    add_staff_arguments(parser)
    add_target_arguments(parser)
    parser.set_defaults(handler=handler)
    return parser


def _step(
    actions: argparse._SubParsersAction, name: str, summary: str, handler: Handler
) -> argparse.ArgumentParser:
    parser = _action(actions, name, summary, handler)
    parser.add_argument("reference", metavar="REF")
    return parser


def _now(args: argparse.Namespace) -> datetime:
    now: datetime = args.now or datetime.now(UTC)
    return now


def _casework(bundle: Services, now: datetime) -> dict[str, Any]:
    """What every step use case takes besides its own arguments."""
    return {
        "store": bundle.store,
        "policy": bundle.policy,
        "calendar": bundle.calendar,
        "now": now,
    }


def _view(bundle: Services, case: Case, now: datetime) -> CaseView:
    return case_view(
        case,
        policy=bundle.policy,
        calendar=bundle.calendar,
        directory=bundle.directory,
        now=now,
    )


def _done(
    args: argparse.Namespace,
    bundle: Services,
    case: Case,
    now: datetime,
    result: str,
    *,
    deliver: bool = True,
) -> int:
    """Send what the step owes, then say what was done, what went and what is still owed."""
    # On the clock, what goes is stamped when it went, after the step; with --now, at --now.
    sent_at = now if args.now else datetime.now(UTC)
    report = deliver_now(bundle, case.reference, sent_at) if deliver else SweepReport(now=now)
    case = bundle.store.get_case(case.reference) or case
    view = _view(bundle, case, now)
    waiting = [waiting_text(n) for n in case.notifications_unsent()]
    problem = None
    if report.failures or report.deferred:
        causes = ", ".join(error for _, error in report.failures) or "the mail service was busy"
        problem = (
            f"could not send now ({causes}): the step is recorded, and what it owes stays owed "
            "for the next scheduled sweep"
        )
    if args.json:
        record = {
            "action": args.case_action,
            "result": result,
            "case": summary_json(view),
            "sent": [done_json(d) for d in report.done],
            "owed": waiting,
            "problem": problem,
        }
        print(json.dumps(record, indent=2))
    else:
        print(result)
        print(f"  {next_text(view)}")
        for line in report.lines():
            print(f"  sent   {line}")
        for text in waiting:
            print(f"  owed   {text}")
    if problem:
        print(f"sla-monitor: {problem}", file=sys.stderr)
    return 0


# -- reading -------------------------------------------------------------------------------------


def _list(args: argparse.Namespace) -> int:
    now = _now(args)
    wanted = WorkListFilter(
        owner=args.actor if args.mine else args.officer,
        departments=(args.department,) if args.department else None,
        case_type=CaseType(args.type) if args.type else None,
        stage=args.stage,
        breached=args.breached,
    )
    with target_services(args) as bundle:
        views = work_list(
            bundle.store.open_cases(),
            policy=bundle.policy,
            calendar=bundle.calendar,
            directory=bundle.directory,
            now=now,
            wanted=wanted,
        )
    if args.json:
        print(json.dumps([summary_json(v) for v in views], indent=2))
    else:
        for line in work_list_lines(views):
            print(line)
    return 0


def _show(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = bundle.store.get_case(args.reference)
        if case is None:
            raise staff.CaseNotFound(args.reference)
        view = _view(bundle, case, now)
        timeline = bundle.store.timeline(case.reference)
        directory = bundle.directory
    if args.json:
        print(json.dumps(show_json(view, timeline), indent=2))
    else:
        print("\n".join(show_lines(view, timeline, directory)))
    return 0


# -- steps ---------------------------------------------------------------------------------------


def _log(args: argparse.Namespace) -> int:
    now = _now(args)
    channel = _channel(args.channel)
    customer = Customer(
        name=args.name.strip() or None,
        email=(args.email or "").strip() or None,
        phone=(args.phone or "").strip() or None,
        address=(args.address or "").strip() or None,
    )
    preferences = Preferences(
        language=args.language,
        accessible_format=AccessibleFormat(args.accessible_format)
        if args.accessible_format
        else None,
        interpreter=args.interpreter,
        contact_method=ContactMethod(args.contact_method)
        if args.contact_method
        else contact_method_for(customer),
    )
    with target_services(args) as bundle:
        case = staff.log_case(
            case_type=CaseType(args.type),
            channel=channel,
            summary=args.summary,
            description=args.details,
            customer=customer,
            preferences=preferences,
            department=args.department,
            received_at=args.received or now,
            by=args.actor,
            directory=bundle.directory,
            **_casework(bundle, now),
        )
        result = (
            f"logged {case.reference}: {case.case_type.label} by {channel.value}, "
            f"received {when(case.received_at)}"
        )
        return _done(args, bundle, case, now, result)


def _assign(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.assign_case(
            args.reference,
            officer_id=args.officer,
            department=args.department,
            by=args.actor,
            directory=bundle.directory,
            **_casework(bundle, now),
        )
        where = f" in {case.department}" if args.department else ""
        return _done(args, bundle, case, now, f"{case.reference} assigned to {args.officer}{where}")


def _pause(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.wait_for_customer(
            args.reference, reason=args.reason, by=args.actor, **_casework(bundle, now)
        )
        result = f"{case.reference} is waiting on the customer: {args.reason}"
        return _done(args, bundle, case, now, result)


def _resume(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.resume_clocks(args.reference, by=args.actor, **_casework(bundle, now))
        return _done(args, bundle, case, now, f"{case.reference}: clocks resumed")


def _extend(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.extend_deadline(
            args.reference,
            working_days=args.working_days,
            reason=args.reason,
            by=args.actor,
            **_casework(bundle, now),
        )
        extension = case.extensions[-1]
        clock = _view(bundle, case, now).clocks
        due = next((c.due_day for c in clock if c.promise == extension.clock), None)
        result = (
            f"{case.reference}: {extension.clock.replace('_', ' ')} extended by "
            f"{extension.working_days} working day(s)" + (f", now due {on(due)}" if due else "")
        )
        return _done(args, bundle, case, now, result)


def _reclassify(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.reclassify_case(
            args.reference,
            case_type=CaseType(args.type),
            reason=args.reason,
            by=args.actor,
            **_casework(bundle, now),
        )
        return _done(args, bundle, case, now, f"{case.reference} is now a {case.case_type.label}")


def _confirm_type(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.confirm_case_type(
            args.reference,
            case_type=CaseType(args.type),
            reason=args.reason,
            by=args.actor,
            **_casework(bundle, now),
        )
        return _done(
            args, bundle, case, now, f"{case.reference} is confirmed as a {case.case_type.label}"
        )


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-02-05") from None


def _refuse(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.refuse_complaint(
            args.reference, reason=args.reason, by=args.actor, **_casework(bundle, now)
        )
        return _done(
            args,
            bundle,
            case,
            now,
            f"{case.reference}: complaint refused and closed; the customer is sent the reason",
        )


def _respond(args: argparse.Namespace) -> int:
    now = _now(args)
    if len(args.remedy_action) != len(args.remedy_by):
        raise staff.ActionNotAllowed(
            "give each --remedy-action its --remedy-by date, in the same order"
        )
    with target_services(args) as bundle:
        case = staff.record_response(
            args.reference,
            summary=args.summary,
            outcome=Outcome(args.outcome),
            apology=args.apology,
            remedy=args.remedy,
            lessons_learned=args.lessons,
            close=not args.keep_open,
            remedies=list(zip(args.remedy_action, args.remedy_by, strict=True)),
            by=args.actor,
            **_casework(bundle, now),
        )
        response = case.responses[-1]
        result = (
            f"{case.reference}: stage {response.stage} response recorded "
            f"({response.outcome.label}); the case is "
            + ("closed" if not case.is_open else "still open")
        )
        return _done(args, bundle, case, now, result)


def _remedy_done(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.record_remedy_done(
            args.reference,
            number=args.number,
            note=args.note,
            by=args.actor,
            **_casework(bundle, now),
        )
        remedy = case.remedy(args.number)
        assert remedy is not None
        result = f"{case.reference}: action {args.number} done ({remedy.action}); the case is " + (
            "closed" if not case.is_open else "still open"
        )
        return _done(args, bundle, case, now, result)


def _stage_2(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.request_stage_2(
            args.reference,
            reason=args.reason,
            channel=_channel(args.channel),
            officer_id=args.officer,
            by=args.actor,
            directory=bundle.directory,
            **_casework(bundle, now),
        )
        result = f"{case.reference} is at stage 2, for review by {case.assigned_officer}"
        return _done(args, bundle, case, now, result)


def _decline_stage_2(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.decline_stage_2(
            args.reference, reason=args.reason, by=args.actor, **_casework(bundle, now)
        )
        result = f"{case.reference} is not taken to stage 2; the case is closed"
        return _done(args, bundle, case, now, result)


def _acknowledged(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.record_acknowledgement_sent(
            args.reference, how=args.how, by=args.actor, **_casework(bundle, now)
        )
        result = f"{case.reference}: acknowledgement recorded as sent by {args.how}"
        return _done(args, bundle, case, now, result)


def _ombudsman_decision(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.record_ombudsman_decision(
            args.reference,
            decision=OmbudsmanDecision(args.decision),
            summary=args.summary,
            by=args.actor,
            **_casework(bundle, now),
        )
        result = f"{case.reference}: the Ombudsman's decision recorded ({args.decision})"
        return _done(args, bundle, case, now, result, deliver=False)


def _note(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.add_note(
            args.reference, text=args.text, by=args.actor, **_casework(bundle, now)
        )
        # A note changes nothing the customer or staff are owed.
        return _done(args, bundle, case, now, f"{case.reference}: note added", deliver=False)


def _reply(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.reply_to_customer(
            args.reference, text=args.text, by=args.actor, **_casework(bundle, now)
        )
        return _done(args, bundle, case, now, f"{case.reference}: message to the customer written")


def _ombudsman(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        case = staff.record_ombudsman_referral(
            args.reference,
            ombudsman_reference=args.ombudsman_reference,
            by=args.actor,
            **_casework(bundle, now),
        )
        result = (
            f"{case.reference}: taken to the Ombudsman (their reference {args.ombudsman_reference})"
        )
        # Nobody is owed a message by it.
        return _done(args, bundle, case, now, result, deliver=False)
