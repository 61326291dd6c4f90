"""The SLA engine: given a case, the policy, the calendar and `now`, every clock and what is owed.

Pure: no AWS, no clock reads, no I/O. The deadline checker does what `evaluate` says is owed and
records it on the case; `evaluate` then no longer owes it, because each owed action carries a
deterministic key that the case's ledger of sent actions (`Case.sent`) is checked against.

How the clocks run:
- A clock starts on the working day the case was received (or acknowledged, where the policy
  counts from the acknowledgement) and falls due at the end of the Nth working day after that.
- While the case waits on the customer, pausable clocks stop: the working days from the day the
  pause began up to the day it ended do not count, so the due day moves on by that many working
  days. An open pause leaves the clock paused with its remaining working days kept.
- Customer updates (holding and progress updates) fall due at the end of their day and are sent at
  the policy's `customer_updates_sent_at` on that day, unless the case is answered first.
- Staff alerts are owed only in office hours on working days; outside them they wait for the next
  working morning.
- A complaint taken to stage 2 keeps its stage 1 clocks as they ended and gains the policy's
  stage 2 clocks, which count from the request for the review (or its acknowledgement).
- A holding update gives the customer a date; that date is a clock too, and its breach is
  escalated to the owner and the Head of Service.
- Each action a formal response promised by a date (`Case.remedies`) is a clock named
  `REMEDY_CLOCK` (its occurrence is the action's number): the owner is reminded the working day
  before, and the owner and the Head of Service (and, for a complaint, the Corporate Complaints
  Officer) are told once the date passes with the action not done.
- Each appointment booked (`Case.appointments`) is a clock of the policy's `appointment`
  promise, due `late_after_minutes` after its start; each call-back promised
  (`Case.call_backs`) is a clock of its `call_back` promise, due at the time given
  (`engine.appointments`). The customer is reminded of an appointment the working day before;
  the owner is warned before a call-back; a breach of either is escalated once.
- A breach is a fact for ever. A clock breached once stays breached, whatever is granted, paused
  or re-timed afterwards: a breach the case has recorded (`Case.breaches`, written by every
  change through `record_breaches`) keeps its clock breached at the due it missed, and an
  extension granted once its deadline had passed moves the date the council now works to but
  not the breach. A promise answered after it was breached is "kept late", never "met".
- No letter gives a date already past: a holding update sent late counts its new date from the
  day it goes. The date a letter gave is recorded with it (`SentAction.promised_day`), and the
  promised date clock keeps that date.
- A breached response promise (or promised date) owes the customer an apology with a new date,
  once, the working day after; a complaint referred to the Chief Executive owes the customer a
  letter saying so.

The modules, from the bottom up:
- `results`: what the engine answers (`Clock`, `ClockState`, `OwedAction`, `Action`,
  `Evaluation`) and the names of clocks;
- `timing`: when a clock falls due, with the customer's pauses and the extensions granted;
- `breaches`: when a promise was broken, and why it stays broken;
- `remedies`: the actions a formal response promised, each a clock;
- `appointments`: appointments and call-backs, each a clock timed by the minute;
- `apologies`: the apology for a missed reply date, and the new date it gives;
- `office_hours`: when what is owed may go, and when the checker must look again;
- `clocks`: the core, `evaluate`, reading every promise of a case at `now`, with
  `record_breaches` and `next_due_instant`, which read it.

Everything the rest of the package needs is imported from here.
"""

from __future__ import annotations

from sla_monitor.engine.apologies import reply_day_after_delay
from sla_monitor.engine.clocks import (
    acknowledgement_key,
    evaluate,
    next_due_instant,
    record_breaches,
)
from sla_monitor.engine.office_hours import notification_owed_from
from sla_monitor.engine.remedies import REMEDY_CLOCK
from sla_monitor.engine.results import (
    Action,
    Clock,
    ClockState,
    Evaluation,
    OwedAction,
    base_promise,
    day_ended_by,
    promised_date_clock,
)
from sla_monitor.engine.timing import StageTimes, stage_times

__all__ = [
    "REMEDY_CLOCK",
    "Action",
    "Clock",
    "ClockState",
    "Evaluation",
    "OwedAction",
    "StageTimes",
    "acknowledgement_key",
    "base_promise",
    "day_ended_by",
    "evaluate",
    "next_due_instant",
    "notification_owed_from",
    "promised_date_clock",
    "record_breaches",
    "reply_day_after_delay",
    "stage_times",
]
