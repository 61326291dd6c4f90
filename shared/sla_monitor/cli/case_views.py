"""How `sla-monitor case` shows cases: every clock as the engine sees it at `now`, the next
deadline, the work list and the whole case, as text for an officer and as JSON for programs.
The views themselves (clocks, owner, order) come from `sla_monitor.work_list`, which the staff
workspace reads too.

Text gives London time; JSON gives ISO 8601 instants with their London offset. Nothing here
decides anything about a case: the clocks come from the engine, the owner from the directory.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case, Notification, Preferences, TimelineEvent
from sla_monitor.checker.message_kinds import ROLE_TITLES, TITLES
from sla_monitor.checker.outcomes import Done
from sla_monitor.cli.appointment_views import appointment_facts, appointments_json
from sla_monitor.cli.common import table
from sla_monitor.cli.relation_views import relation_facts, relations_json
from sla_monitor.directory import Directory
from sla_monitor.engine import REMEDY_CLOCK, Clock, ClockState
from sla_monitor.policy_terms import PromiseKind, Role
from sla_monitor.work_list import CaseView, promise_label

# -- times ---------------------------------------------------------------------------------------


def when(instant: datetime | None) -> str:
    """An instant as an officer reads it: `Tue 1 Dec 2026 10:00`, London time."""
    if instant is None:
        return "-"
    local = instant.astimezone(LONDON)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


def on(day: date | None) -> str:
    """A day as an officer reads it: `Tue 1 Dec 2026`."""
    if day is None:
        return "-"
    return f"{day:%a} {day.day} {day:%b %Y}"


def iso(instant: datetime | None) -> str | None:
    return instant.astimezone(LONDON).isoformat() if instant is not None else None


# -- a case and its clocks -----------------------------------------------------------------------


def clock_state(clock: Clock) -> str:
    """What an officer needs to know of one clock, in a few words."""
    due = on(clock.due_day)
    if clock.state is ClockState.RUNNING:
        return f"due {due}"
    if clock.state is ClockState.BREACHED:
        missed = on(clock.missed_day or clock.due_day)
        # A late extension gave a new date to work to; the promise missed stays missed.
        now_due = f"; now due {due}" if clock.due_day and clock.due_day != clock.missed_day else ""
        if clock.satisfied_at is None:
            return f"BREACHED: was due {missed}{now_due}"
        return f"BREACHED: kept late, {when(clock.satisfied_at)} (was due {missed})"
    if clock.state is ClockState.MET:
        return f"met {when(clock.satisfied_at)} (due {due})"
    if clock.state is ClockState.CLOSED_WITHOUT_A_REPLY:
        if clock.kind is PromiseKind.APPOINTMENT:
            return f"neither kept nor broken: cancelled with notice, or by the customer ({due})"
        return f"closed without a reply (was due {due})"
    if clock.state is ClockState.PAUSED:
        left = clock.remaining_working_days
        return "paused" + (f", {left} working day(s) left" if left is not None else "")
    return "not started: counts from the acknowledgement"


def clock_json(clock: Clock) -> dict[str, Any]:
    return {
        "promise": clock.promise,
        "description": clock.description,
        "stage": clock.stage,
        "occurrence": clock.occurrence,
        "state": clock.state.value,
        "due_day": clock.due_day.isoformat() if clock.due_day else None,
        "due": iso(clock.due),
        "satisfied_at": iso(clock.satisfied_at),
        "breached_at": iso(clock.breached_at),
        "remaining_working_days": clock.remaining_working_days,
    }


def next_json(view: CaseView) -> dict[str, Any] | None:
    clock = view.next_clock
    if clock is None:
        return None
    return {"promise": clock.promise, "state": clock.state.value, "due": iso(clock.due)}


def summary_json(view: CaseView) -> dict[str, Any]:
    case = view.case
    return {
        "reference": case.reference,
        "type": case.case_type.value,
        "possible_complaint": case.possible_complaint,
        "possible_stage_2_request": iso(case.possible_stage_2_at),
        "status": case.status.value,
        "stage": case.stage,
        "channel": case.channel.value,
        "received": iso(case.received_at),
        "subject": case.subject,
        "department": view.department,
        "officer": case.assigned_officer,
        "owner": view.owner,
        "next": next_json(view),
        "breached": view.breached,
    }


def next_text(view: CaseView) -> str:
    clock = view.next_clock
    if clock is not None:
        return f"next: {promise_label(clock)}, {clock_state(clock)}"
    if view.case.possible_stage_2_at is not None:
        return f"next: {POSSIBLE_STAGE_2}: decide (case stage-2 or case decline-stage-2)"
    if view.case.open_pause is not None:
        return "waiting on the customer: the clocks are paused"
    return "nothing outstanding"


# -- the work list -------------------------------------------------------------------------------


def work_list_lines(views: list[CaseView]) -> list[str]:
    if not views:
        return ["  no open cases match"]
    rows = [("REFERENCE", "TYPE", "STAGE", "OWNER", "DEPARTMENT", "NEXT", "DUE", "STATE", "")]
    for view in views:
        case, clock = view.case, view.next_clock
        owner = view.owner or "-"
        if case.assigned_officer is None and view.owner:
            owner += " (unassigned)"
        if clock is not None:
            state = clock.state.value
        elif case.possible_stage_2_at is not None:
            state = "to decide"
        elif case.open_pause is not None:
            state = "paused"
        else:
            state = "-"
        rows.append(
            (
                case.reference,
                type_text(case),
                str(case.stage),
                owner,
                view.department or "-",
                promise_label(clock) if clock else _waiting_for(case),
                on(clock.due_day) if clock else "-",
                state,
                "BREACHED" if view.breached else "",
            )
        )
    return table(rows)


POSSIBLE_STAGE_2 = "possible stage 2 request"


def _waiting_for(case: Case) -> str:
    """What a case with no clock running waits for, in the work list's NEXT column."""
    return POSSIBLE_STAGE_2 if case.possible_stage_2_at is not None else "-"


def type_text(case: Case) -> str:
    """The type as staff read it: a possible complaint says so, until they confirm it."""
    return "possible complaint" if case.possible_complaint else case.case_type.label


# -- the whole case ------------------------------------------------------------------------------


def _named(directory: Directory, officer_id: str | None) -> str:
    officer = directory.officer(officer_id)
    if officer is None:
        return officer_id or "-"
    return f"{officer.officer_id} ({officer.name})"


def preference_facts(preferences: Preferences) -> list[tuple[str, str]]:
    """How the customer wants to hear from us, and what they asked for."""
    accessible = preferences.accessible_format
    return [
        ("Contact by:", preferences.contact_method.value),
        ("Language:", preferences.language),
        ("Format:", accessible.value.replace("_", " ") if accessible else "the usual format"),
        ("Interpreter:", "asked for" if preferences.interpreter else "not asked for"),
    ]


def preferences_json(preferences: Preferences) -> dict[str, Any]:
    accessible = preferences.accessible_format
    return {
        "contact_method": preferences.contact_method.value,
        "language": preferences.language,
        "accessible_format": accessible.value if accessible else None,
        "interpreter": preferences.interpreter,
    }


def show_lines(view: CaseView, timeline: list[TimelineEvent], directory: Directory) -> list[str]:
    case = view.case
    customer = case.customer
    officer = (
        _named(directory, case.assigned_officer)
        if case.assigned_officer
        else f"unassigned; with {_named(directory, view.owner)} as Head of Service"
    )
    department = directory.department(view.department)
    facts = [
        ("Subject:", case.subject),
        ("Received:", f"{when(case.received_at)} by {case.channel.value}"),
        (
            "Customer:",
            ", ".join(
                v for v in (customer.name, customer.email, customer.phone, customer.address) if v
            ),
        ),
        *preference_facts(case.preferences),
        (
            "Department:",
            f"{department.code} ({department.name})" if department else view.department or "-",
        ),
        ("Officer:", officer),
    ]
    if case.acknowledged_at:
        facts.append(("Acknowledged:", when(case.acknowledged_at)))
    if case.expected_reply_by:
        facts.append(("Reply promised:", f"by {when(case.expected_reply_by)}"))
    if case.open_pause:
        facts.append(
            (
                "Waiting:",
                f"on the customer since {when(case.open_pause.paused_at)}: "
                f"{case.open_pause.reason}",
            )
        )
    if case.stage_2:
        facts.append(
            (
                "Stage 2:",
                f"requested {when(case.stage_2.requested_at)} by "
                f"{case.stage_2.channel.value}: {case.stage_2.reason}",
            )
        )
        if case.stage_2.declined_at:
            facts.append(
                (
                    "Not taken:",
                    f"declined by {case.stage_2.declined_by} on "
                    f"{when(case.stage_2.declined_at)}: {case.stage_2.declined_reason}",
                )
            )
    if case.possible_stage_2_at:
        facts.append(
            (
                "Stage 2?",
                f"the customer wrote {when(case.possible_stage_2_at)}, perhaps asking for "
                "stage 2: decide (case stage-2, or case decline-stage-2 with the reason)",
            )
        )
    if case.closed_at:
        facts.append(("Closed:", when(case.closed_at)))
    if case.ombudsman_referral:
        facts.append(
            (
                "Ombudsman:",
                f"referred, their reference {case.ombudsman_referral.reference} "
                f"(recorded {when(case.ombudsman_referral.referred_at)})"
                + (
                    f"; decided: {case.ombudsman_referral.decision.label}"
                    if case.ombudsman_referral.decision
                    else ""
                ),
            )
        )
    if case.refusal:
        facts.append(
            (
                "Refused:",
                f"not taken through the complaints procedure by {case.refusal.refused_by} "
                f"({when(case.refusal.refused_at)}): {case.refusal.reason}",
            )
        )
    if case.possible_complaint:
        facts.append(
            (
                "Possible complaint:",
                "timed as a complaint until staff confirm the type (case confirm-type)",
            )
        )
    if case.classification_reason:
        facts.append(("Classified:", case.classification_reason))
    facts += relation_facts(case)
    facts += appointment_facts(case, directory)
    lines = [
        f"{case.reference}  {type_text(case)}, stage {case.stage}, "
        f"{case.status.value.replace('_', ' ')}",
        *table(facts),
    ]
    if case.description and case.description != case.subject:
        lines += ["", "What the customer said", f"  {case.description}"]
    lines += ["", "Clocks"]
    lines += table(
        [(promise_label(c), f"stage {c.stage}", clock_state(c)) for c in view.clocks]
    ) or ["  none"]
    if case.extensions:
        lines += ["", "Extensions"]
        lines += [
            f"  {e.clock.replace('_', ' ')} +{e.working_days} working day(s), by "
            f"{e.granted_by} on {when(e.granted_at)}: {e.reason}"
            for e in case.extensions
        ]
    if case.responses:
        lines += ["", "Responses"]
        for r in case.responses:
            lines.append(
                f"  stage {r.stage}: {r.outcome.label}, by {r.recorded_by} on {when(r.recorded_at)}"
            )
            lines.append(f"    Findings: {r.findings}")
            for title, text in (
                ("Apology", r.apology),
                ("Remedy", r.remedy),
                ("Lessons learned", r.lessons_learned),
            ):
                if text:
                    lines.append(f"    {title}: {text}")
    if case.remedies:
        lines += ["", "Actions promised to put things right"]
        for m in case.remedies:
            state = (
                f"done {when(m.done_at)} by {m.done_by}"
                if m.done_at
                else ("OVERDUE" if view.clocks and _overdue(view, m.number) else "to do")
            )
            lines.append(f"  {m.number}. {m.action}: by {on(m.due_on)}; {state}")
    lines += ["", "Timeline"]
    rows = [(when(e.at), e.kind, e.actor) for e in timeline]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(3)]
    for event, row in zip(timeline, rows, strict=True):
        cells = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append(f"  {cells}  {event.summary}")
        lines += [f"      {k}: {v}" for k, v in event.details.items() if v and k in _SHOWN]
        lines += _written_lines(event)
    return lines


def _overdue(view: CaseView, number: int) -> bool:
    return any(
        c.promise == REMEDY_CLOCK and c.occurrence == number and c.state is ClockState.BREACHED
        for c in view.clocks
    )


# Details worth an officer's eye; the rest (message ids, keys) stay in the JSON.
_SHOWN = frozenset({"reason", "classification", "detail"})
# A terminal obeys control characters: none of a customer's text reaches it but line breaks.
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _written_lines(event: TimelineEvent) -> list[str]:
    """What the customer wrote in a reply, every word of it, with how it came and from whom."""
    body = event.details.get("body")
    if body is None:
        return []
    lines = [
        f"      {k}: {' '.join(_printable(event.details[k]).split())}"
        for k in ("channel", "sender")
        if event.details.get(k)
    ]
    text = _printable(body).strip("\n")
    if text.strip():
        lines.append("      what they wrote:")
        lines += [f"        {line}".rstrip() for line in text.split("\n")]
    return lines


def _printable(text: str) -> str:
    return _CONTROL_BUT_LINES.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def event_json(event: TimelineEvent) -> dict[str, Any]:
    return {
        "at": iso(event.at),
        "kind": event.kind,
        "actor": event.actor,
        "summary": event.summary,
        "details": dict(event.details),
    }


def show_json(view: CaseView, timeline: list[TimelineEvent]) -> dict[str, Any]:
    case = view.case
    customer = case.customer
    stage_2 = case.stage_2
    return {
        **summary_json(view),
        "description": case.description,
        "customer": {
            "name": customer.name,
            "email": customer.email,
            "phone": customer.phone,
            "address": customer.address,
        },
        "preferences": preferences_json(case.preferences),
        **relations_json(case),
        **appointments_json(case),
        "classification_reason": case.classification_reason,
        "acknowledged_at": iso(case.acknowledged_at),
        "expected_reply_by": iso(case.expected_reply_by),
        "closed_at": iso(case.closed_at),
        "waiting_on_customer": case.open_pause is not None,
        "stage_2": None
        if stage_2 is None
        else {
            "requested_at": iso(stage_2.requested_at),
            "reason": stage_2.reason,
            "channel": stage_2.channel.value,
            "stage_1_officer": stage_2.stage_1_officer,
            "acknowledged_at": iso(stage_2.acknowledged_at),
            "responded_at": iso(stage_2.responded_at),
            "declined_at": iso(stage_2.declined_at),
            "declined_by": stage_2.declined_by,
            "declined_reason": stage_2.declined_reason,
        },
        "ombudsman_referral": None
        if case.ombudsman_referral is None
        else {
            "reference": case.ombudsman_referral.reference,
            "referred_at": iso(case.ombudsman_referral.referred_at),
            "recorded_by": case.ombudsman_referral.recorded_by,
            "decision": (
                case.ombudsman_referral.decision.value if case.ombudsman_referral.decision else None
            ),
            "decided_at": iso(case.ombudsman_referral.decided_at),
        },
        "refusal": None
        if case.refusal is None
        else {
            "reason": case.refusal.reason,
            "refused_at": iso(case.refusal.refused_at),
            "refused_by": case.refusal.refused_by,
        },
        "clocks": [clock_json(c) for c in view.clocks],
        "extensions": [
            {
                "promise": e.clock,
                "working_days": e.working_days,
                "reason": e.reason,
                "granted_at": iso(e.granted_at),
                "granted_by": e.granted_by,
            }
            for e in case.extensions
        ],
        "responses": [
            {
                "stage": r.stage,
                "outcome": r.outcome.value,
                "findings": r.findings,
                "apology": r.apology,
                "remedy": r.remedy,
                "lessons_learned": r.lessons_learned,
                "recorded_at": iso(r.recorded_at),
                "recorded_by": r.recorded_by,
            }
            for r in case.responses
        ],
        "remedies": [
            {
                "number": m.number,
                "action": m.action,
                "due_on": m.due_on.isoformat(),
                "stage": m.stage,
                "promised_at": iso(m.promised_at),
                "promised_by": m.promised_by,
                "done_at": iso(m.done_at),
                "done_by": m.done_by,
                "note": m.done_note,
            }
            for m in case.remedies
        ],
        "timeline": [event_json(e) for e in timeline],
    }


# -- what a step sent ----------------------------------------------------------------------------


def done_json(done: Done) -> dict[str, Any]:
    return {
        "message": done.kind.value,
        "delivery": done.delivery.value,
        "to": done.audience,
        "at": iso(done.at),
        "line": done.line(),
    }


def waiting_text(notification: Notification) -> str:
    """A message a step owes that did not go yet, and when it will."""
    title = TITLES[notification.kind]
    if notification.to_customer:
        return f"{title}: for the customer, at the next scheduled sweep"
    told = [*notification.officers, *(ROLE_TITLES[Role(r)] for r in notification.roles)]
    return f"{title}: for {', '.join(told)}, in office hours"
