"""The staff steps of `sla-monitor case`: each reads its arguments, calls its use case in
`sla_monitor.staff`, sends what the step owes at once through `deliver_now`, and says what was
done, what went and what is still owed (as text, or JSON with `--json`).

A refused step is printed as one line, exit 2, nothing changed. If sending fails, the step stays
recorded and the message stays owed for the next scheduled sweep. The command's arguments are
in `cli.case`.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
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
from sla_monitor.cli.case_views import done_json, next_text, on, summary_json, waiting_text, when
from sla_monitor.cli.common import UsageError, target_services
from sla_monitor.contact_details import contact_method_for
from sla_monitor.runtime import Services
from sla_monitor.staff.answering import takes_formal_response
from sla_monitor.staff.steps import article
from sla_monitor.work_list import CaseView, case_view

# What officers say, as the council's channels.
CHANNEL_ALIASES = {"phone": Channel.TELEPHONE, "in-person": Channel.VERBAL}


def channel_named(name: str) -> Channel:
    return CHANNEL_ALIASES.get(name) or Channel(name)


def acting_now(args: argparse.Namespace) -> datetime:
    """The time the command acts at: `--now`, or the clock."""
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


def case_view_at(bundle: Services, case: Case, now: datetime) -> CaseView:
    """The case with its clocks and owner as they stand at `now`."""
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
    view = case_view_at(bundle, case, now)
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


# -- steps -----------------------------------------------------------------------------------------


def log(args: argparse.Namespace) -> int:
    now = acting_now(args)
    channel = channel_named(args.channel)
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
        if args.callback_by is not None:
            case = staff.promise_call_back(
                case.reference, call_by=args.callback_by, by=args.actor, **_casework(bundle, now)
            )
            result += f"; a call-back promised by {when(args.callback_by)}"
        return _done(args, bundle, case, now, result)


def call_back(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.promise_call_back(
            args.reference,
            call_by=args.call_by,
            about=args.about,
            by=args.actor,
            **_casework(bundle, now),
        )
        result = f"{case.reference}: a call-back promised by {when(args.call_by)}"
        return _done(args, bundle, case, now, result)


def called_back(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.record_call_back(
            args.reference,
            note=args.note,
            number=args.number,
            by=args.actor,
            **_casework(bundle, now),
        )
        made = next(c for c in case.call_backs if c.called_at == now)
        late = " (late)" if now > made.by else ""
        result = f"{case.reference}: call-back {made.number} made{late}"
        return _done(args, bundle, case, now, result)


def assign(args: argparse.Namespace) -> int:
    now = acting_now(args)
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


def pause(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.wait_for_customer(
            args.reference, reason=args.reason, by=args.actor, **_casework(bundle, now)
        )
        result = f"{case.reference} is waiting on the customer: {args.reason}"
        return _done(args, bundle, case, now, result)


def resume(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.resume_clocks(args.reference, by=args.actor, **_casework(bundle, now))
        return _done(args, bundle, case, now, f"{case.reference}: clocks resumed")


def extend(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.extend_deadline(
            args.reference,
            working_days=args.working_days,
            reason=args.reason,
            by=args.actor,
            **_casework(bundle, now),
        )
        extension = case.extensions[-1]
        clock = case_view_at(bundle, case, now).clocks
        due = next((c.due_day for c in clock if c.promise == extension.clock), None)
        result = (
            f"{case.reference}: {extension.clock.replace('_', ' ')} extended by "
            f"{extension.working_days} working day(s)" + (f", now due {on(due)}" if due else "")
        )
        return _done(args, bundle, case, now, result)


def reclassify(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.reclassify_case(
            args.reference,
            case_type=CaseType(args.type),
            reason=args.reason,
            by=args.actor,
            **_casework(bundle, now),
        )
        return _done(args, bundle, case, now, f"{case.reference} is now a {case.case_type.label}")


def confirm_type(args: argparse.Namespace) -> int:
    now = acting_now(args)
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


def refuse(args: argparse.Namespace) -> int:
    now = acting_now(args)
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


def respond(args: argparse.Namespace) -> int:
    now = acting_now(args)
    if len(args.remedy_action) != len(args.remedy_by):
        raise staff.ActionNotAllowed(
            "give each --remedy-action its --remedy-by date, in the same order"
        )
    with target_services(args) as bundle:
        found = bundle.store.get_case(args.reference)
        if found is not None and not takes_formal_response(found):
            raise staff.ActionNotAllowed(
                f"{args.reference} is {article(found.case_type)}: it is answered with `answer`, "
                "or closed with `close`; the formal response is for complaints"
            )
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


def remedy_done(args: argparse.Namespace) -> int:
    now = acting_now(args)
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


def stage_2(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.request_stage_2(
            args.reference,
            reason=args.reason,
            channel=channel_named(args.channel),
            officer_id=args.officer,
            by=args.actor,
            directory=bundle.directory,
            **_casework(bundle, now),
        )
        result = f"{case.reference} is at stage 2, for review by {case.assigned_officer}"
        return _done(args, bundle, case, now, result)


def decline_stage_2(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.decline_stage_2(
            args.reference, reason=args.reason, by=args.actor, **_casework(bundle, now)
        )
        result = f"{case.reference} is not taken to stage 2; the case is closed"
        return _done(args, bundle, case, now, result)


def acknowledged(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.record_acknowledgement_sent(
            args.reference, how=args.how, by=args.actor, **_casework(bundle, now)
        )
        result = f"{case.reference}: acknowledgement recorded as sent by {args.how}"
        return _done(args, bundle, case, now, result)


def ombudsman_decision(args: argparse.Namespace) -> int:
    now = acting_now(args)
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


def note(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.add_note(
            args.reference, text=args.text, by=args.actor, **_casework(bundle, now)
        )
        # A note changes nothing the customer or staff are owed.
        return _done(args, bundle, case, now, f"{case.reference}: note added", deliver=False)


def _words(args: argparse.Namespace, bundle: Services, now: datetime) -> str:
    """The officer's words: as given, or one of the council's reply templates filled in."""
    if args.text is not None:
        return str(args.text)
    from sla_monitor.lookups import CaseNotFound
    from sla_monitor.reply_templates import filled_for_case, offered

    wanted = args.template.strip().casefold()
    template = next(
        (
            t
            for t in offered(bundle.directory_store.reply_templates())
            if wanted in (t.key, t.title.casefold())
        ),
        None,
    )
    if template is None:
        raise UsageError(f"no reply template {args.template!r} (see the workspace's list)")
    case = bundle.store.get_case(args.reference)
    if case is None:
        raise CaseNotFound(args.reference)
    return filled_for_case(
        template,
        case,
        officer_id=args.actor,
        officer_fallback=args.actor,
        policy=bundle.policy,
        calendar=bundle.calendar,
        directory=bundle.directory,
        council=bundle.council,
        now=now,
    )


def reply(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.reply_to_customer(
            args.reference, text=_words(args, bundle, now), by=args.actor, **_casework(bundle, now)
        )
        return _done(args, bundle, case, now, f"{case.reference}: message to the customer written")


def answer(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.answer_customer(
            args.reference,
            text=_words(args, bundle, now),
            close=not args.keep_open,
            by=args.actor,
            **_casework(bundle, now),
        )
        closed = "; the case is closed" if not case.is_open else "; the case stays open"
        result = f"{case.reference}: reply to the customer written as its answer{closed}"
        return _done(args, bundle, case, now, result)


def close(args: argparse.Namespace) -> int:
    now = acting_now(args)
    with target_services(args) as bundle:
        case = staff.close_without_letter(
            args.reference,
            reason=args.reason,
            other_reason=args.other_reason,
            closing=bundle.council.closing_without_a_letter,
            by=args.actor,
            **_casework(bundle, now),
        )
        assert case.closure is not None
        result = f"{case.reference}: closed without a letter ({case.closure.reason_text})"
        # Nothing is written to anyone.
        return _done(args, bundle, case, now, result, deliver=False)


def ombudsman(args: argparse.Namespace) -> int:
    now = acting_now(args)
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
