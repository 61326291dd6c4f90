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
- Each action a formal response promised by a date (`Case.remedies`) is a clock named "remedy"
  (its occurrence is the action's number): the owner is reminded the working day before, and
  the owner and the Head of Service (and, for a complaint, the Corporate Complaints Officer)
  are told once the date passes with the action not done.
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
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sla_monitor.calendar import LONDON, WorkingDayCalendar, require_aware
from sla_monitor.cases import Breach, Case, CaseType, Notification, SentAction
from sla_monitor.policy import Policy, Promise, PromiseKind, Role, StartsFrom

# A complaint open for years would otherwise grow its list of progress-update intervals forever.
_MAX_INTERVALS = 260

# The clock of each action a formal response promised (`Case.remedies`); its occurrence is the
# action's number on the case.
REMEDY_CLOCK = "put_things_right"
REMEDY_DESCRIPTION = "Do what a formal response promised to put things right, by the date it gave"


class ClockState(enum.StrEnum):
    NOT_STARTED = "not_started"  # counts from an event that has not happened yet
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"


class Action(enum.StrEnum):
    ACKNOWLEDGE = "acknowledge"
    SEND_HOLDING_UPDATE = "send_holding_update"
    SEND_PROGRESS_UPDATE = "send_progress_update"
    WARN_OWNER = "warn_owner"
    ESCALATE_TO_HEAD_OF_SERVICE = "escalate_to_head_of_service"
    REFER_TO_CHIEF_EXECUTIVE = "refer_to_chief_executive"
    PASS_TO_HEAD_OF_SERVICE = "pass_to_head_of_service"  # noqa: S105 - not a password
    REMIND_OF_REMEDY = "remind_of_remedy"
    CHASE_REMEDY = "chase_remedy"
    APOLOGISE_FOR_DELAY = "apologise_for_delay"
    TELL_CUSTOMER_OF_REFERRAL = "tell_customer_of_referral"

    @property
    def to_customer(self) -> bool:
        return self in _CUSTOMER_ACTIONS


_CUSTOMER_ACTIONS = frozenset(
    {
        Action.ACKNOWLEDGE,
        Action.SEND_HOLDING_UPDATE,
        Action.SEND_PROGRESS_UPDATE,
        Action.APOLOGISE_FOR_DELAY,
        Action.TELL_CUSTOMER_OF_REFERRAL,
    }
)


@dataclass(frozen=True)
class Clock:
    """One promise as it stands for one case."""

    promise: str
    kind: PromiseKind
    description: str
    state: ClockState
    start_day: date | None
    due_day: date | None
    due: datetime | None  # the instant it is breached: the end of the due day
    satisfied_at: datetime | None = None
    paused_working_days: int = 0
    remaining_working_days: int | None = None  # while paused
    occurrence: int = 1  # which progress update interval
    stage: int = 1
    # The instant the promise was broken: the due it missed, which a later extension, pause or
    # re-timing never moves (`due` is the date the council works to now).
    breached_at: datetime | None = None

    @property
    def missed_day(self) -> date | None:
        """The last day a broken promise gave: the day its breach began at midnight."""
        return day_ended_by(self.breached_at) if self.breached_at is not None else None


@dataclass(frozen=True)
class OwedAction:
    """Something the checker must do for a case, once."""

    action: Action
    key: str
    promise: str
    owed_from: datetime
    due: datetime | None
    recipients: tuple[Role, ...] = ()
    occurrence: int = 1
    expected_reply_by: date | None = None
    warning_days: int | None = None

    @property
    def to_customer(self) -> bool:
        return self.action.to_customer


@dataclass(frozen=True)
class Evaluation:
    clocks: tuple[Clock, ...]
    owed: tuple[OwedAction, ...]  # owed now, oldest first
    upcoming: tuple[OwedAction, ...]  # owed later, soonest first
    next_due: datetime | None  # when the checker must look at this case again

    def clock(self, promise: str, occurrence: int | None = None) -> Clock:
        matching = [c for c in self.clocks if c.promise == promise]
        if occurrence is not None:
            matching = [c for c in matching if c.occurrence == occurrence]
        if not matching:
            raise KeyError(promise)
        return matching[-1]


@dataclass(frozen=True)
class StageTimes:
    """When a stage of the case started, was acknowledged and was answered."""

    started_at: datetime
    acknowledged_at: datetime | None
    answered_at: datetime | None


def stage_times(case: Case, stage: int) -> StageTimes:
    if stage == 2 and case.stage_2 is not None:
        review = case.stage_2
        answered = [t for t in (review.responded_at, case.closed_at) if t is not None]
        return StageTimes(review.requested_at, review.acknowledged_at, min(answered, default=None))
    if case.stage_2 is not None:
        # Stage 2 is only ever started once stage 1 was answered.
        return StageTimes(case.received_at, case.acknowledged_at, case.responded_at)
    answered = [t for t in (case.responded_at, case.closed_at) if t is not None]
    return StageTimes(case.received_at, case.acknowledged_at, min(answered, default=None))


def acknowledgement_key(stage: int) -> str:
    return "acknowledge" if stage == 1 else f"acknowledge:stage_{stage}"


@dataclass(frozen=True)
class _Timing:
    due_day: date | None  # None while paused
    paused_working_days: int
    remaining_working_days: int | None


class _CaseClocks:
    """Works out one case's clocks and actions; one instance per evaluation."""

    def __init__(
        self, case: Case, policy: Policy, calendar: WorkingDayCalendar, now: datetime
    ) -> None:
        self.case = case
        self.policy = policy
        self.calendar = calendar
        self.now = require_aware(now)
        self.clocks: list[Clock] = []
        self.actions: list[OwedAction] = []
        self.pauses = sorted(case.pauses, key=lambda p: p.paused_at)
        self.times = stage_times(case, 1)
        self.stage = 1

    def at_stage(self, stage: int) -> None:
        """Count the promises that follow from this stage's start, acknowledgement and answer."""
        self.stage = stage
        self.times = stage_times(self.case, stage)

    @property
    def answered_at(self) -> datetime | None:
        return self.times.answered_at

    # -- timing -----------------------------------------------------------------------------

    def _start_day(self, promise: Promise) -> date | None:
        if promise.starts_from is StartsFrom.ACKNOWLEDGED:
            if self.times.acknowledged_at is None:
                return None
            return self.calendar.start_day(self.times.acknowledged_at)
        return self.calendar.start_day(self.times.started_at)

    def _extension_days(self, promise: Promise) -> int:
        return sum(e.working_days for e in self.case.extensions if e.clock == promise.name)

    def _missed_before_extension(self, promise: Promise, start: date) -> datetime | None:
        """The due an extension came too late for: granted once that deadline had passed, it
        moves the date the council works to, never the breach."""
        assert promise.within is not None
        days = promise.within
        extensions = sorted(
            (e for e in self.case.extensions if e.clock == promise.name),
            key=lambda e: e.granted_at,
        )
        for extension in extensions:
            before = self._timing(promise, start, days)
            if before.due_day is not None:
                due = self.calendar.end_of_day(before.due_day)
                if extension.granted_at >= due:
                    return due
            days += extension.working_days
        return None

    def _timing(self, promise: Promise, start_day: date, working_days: int) -> _Timing:
        cal = self.calendar
        due_day = cal.add_working_days(start_day, working_days)
        if not promise.pausable:
            return _Timing(due_day, 0, None)
        lost = 0
        for pause in self.pauses:
            if pause.paused_at >= cal.end_of_day(due_day):
                break  # paused after this clock had fallen due: it does not move it
            if self.answered_at is not None and pause.paused_at >= self.answered_at:
                break
            paused_from = max(cal.start_day(pause.paused_at), start_day)
            if pause.resumed_at is None:
                remaining = sum(1 for _ in cal.working_days(paused_from, due_day))
                return _Timing(None, lost, remaining)
            days = cal.working_days_between(paused_from, cal.start_day(pause.resumed_at))
            lost += days
            due_day = cal.add_working_days(due_day, days)
        return _Timing(due_day, lost, None)

    def _broken_at(
        self,
        name: str,
        occurrence: int,
        due: datetime,
        satisfied_at: datetime | None,
        missed: datetime | None = None,
    ) -> datetime | None:
        """When the promise was broken, or None while it is not: the breach the case recorded,
        else a due it missed before a late extension moved it, else this due if it passed unmet."""
        recorded = self.case.breach_of(name, self.stage, occurrence)
        if recorded is not None:
            return recorded.due
        if missed is not None and (satisfied_at is None or satisfied_at >= missed):
            return missed
        if satisfied_at is not None:
            return due if satisfied_at >= due else None
        return due if self.now >= due else None

    def _state(self, broken_at: datetime | None, satisfied_at: datetime | None) -> ClockState:
        if broken_at is not None:
            return ClockState.BREACHED
        return ClockState.MET if satisfied_at is not None else ClockState.RUNNING

    def _clock(
        self,
        promise: Promise,
        start: date,
        timing: _Timing,
        satisfied_at: datetime | None,
        occurrence: int = 1,
        missed: datetime | None = None,
    ) -> Clock:
        """A clock with a due day: met, breached or running as `satisfied_at`, the case's
        recorded breaches and now say."""
        assert timing.due_day is not None
        due = self.calendar.end_of_day(timing.due_day)
        broken_at = self._broken_at(promise.name, occurrence, due, satisfied_at, missed)
        return Clock(
            promise=promise.name,
            kind=promise.kind,
            description=promise.description,
            state=self._state(broken_at, satisfied_at),
            start_day=start,
            due_day=timing.due_day,
            due=due,
            satisfied_at=satisfied_at,
            paused_working_days=timing.paused_working_days,
            occurrence=occurrence,
            stage=self.stage,
            breached_at=broken_at,
        )

    def _staff_time(self, instant: datetime) -> datetime:
        return self.calendar.next_office_hours(instant)

    def _owe(self, action: OwedAction) -> None:
        if not self.case.was_sent(action.key):
            self.actions.append(action)

    def _sent(self, key: str) -> SentAction | None:
        return next((s for s in self.case.sent if s.key == key), None)

    # -- promises ---------------------------------------------------------------------------

    def acknowledgements(self, promises: Iterable[Promise]) -> None:
        acknowledged = [t for t in (self.times.acknowledged_at, self.answered_at) if t is not None]
        satisfied_at = min(acknowledged) if acknowledged else None
        dues: list[tuple[datetime, str]] = []
        for promise in promises:
            assert promise.within is not None
            start = self.calendar.start_day(self.times.started_at)
            timing = self._timing(promise, start, promise.within)
            if timing.due_day is None:
                self.clocks.append(self._paused(promise, start, timing))
                continue
            self.clocks.append(self._clock(promise, start, timing, satisfied_at))
            dues.append((self.calendar.end_of_day(timing.due_day), promise.name))
        # One acknowledgement meets them all, so it is owed by the strictest.
        if satisfied_at is None and self.case.is_open and dues:
            strictest_due, strictest = min(dues)
            self._owe(
                OwedAction(
                    action=Action.ACKNOWLEDGE,
                    key=acknowledgement_key(self.stage),
                    promise=strictest,
                    owed_from=self.times.started_at,
                    due=strictest_due,
                )
            )

    def response(self, promise: Promise) -> None:
        assert promise.within is not None
        start = self._start_day(promise)
        if start is None:
            self.clocks.append(self._not_started(promise))
            return
        timing = self._timing(promise, start, promise.within + self._extension_days(promise))
        if timing.due_day is None:
            self.clocks.append(self._paused(promise, start, timing))
            return
        due_day = timing.due_day
        due = self.calendar.end_of_day(due_day)
        missed = self._missed_before_extension(promise, start)
        self.clocks.append(self._clock(promise, start, timing, self.answered_at, missed=missed))
        holding_update = self._sent(f"holding_update:{promise.name}")
        if promise.holding_update is not None and holding_update is not None:
            # The date the letter gave; letters recorded before dates were kept gave this one.
            promised_day = holding_update.promised_day or self.calendar.add_working_days(
                due_day, promise.holding_update.expect_reply_within
            )
            self._promised_date(promise, start, promised_day)
        if self.answered_at is not None or not self.case.is_open:
            return
        for days in promise.warn_before:
            warn_day = self.calendar.subtract_working_days(due_day, days)
            if warn_day < start:
                continue
            warn_from = self._staff_time(self.calendar.at(warn_day, self.calendar.office_opens))
            if warn_from >= due or self.now >= due:
                continue  # a warning once the promise is breached would only be noise
            self._owe(
                OwedAction(
                    action=Action.WARN_OWNER,
                    key=f"warn_owner:{promise.name}:{due_day.isoformat()}:{days}",
                    promise=promise.name,
                    owed_from=warn_from,
                    due=due,
                    recipients=(Role.OWNER,),
                    warning_days=days,
                )
            )
        if promise.holding_update is not None:
            # Sent late, it counts the new date from the day it goes, never giving a past one.
            sent_on = max(due_day, self.calendar.local(self.now).date())
            self._owe(
                OwedAction(
                    action=Action.SEND_HOLDING_UPDATE,
                    key=f"holding_update:{promise.name}",
                    promise=promise.name,
                    owed_from=self.calendar.at(due_day, self.policy.customer_updates_sent_at),
                    due=due,
                    expected_reply_by=reply_day_after_delay(promise, self.calendar, sent_on),
                )
            )
        else:
            # A holding update is the letter that says sorry for this promise; without one,
            # the customer gets an apology once it is breached.
            self._apologise(promise.name, promise, due_day)
        if promise.escalate_to:
            self._owe(
                OwedAction(
                    action=Action.ESCALATE_TO_HEAD_OF_SERVICE,
                    key=f"escalate:{promise.name}",
                    promise=promise.name,
                    owed_from=self._staff_time(due),
                    due=due,
                    recipients=promise.escalate_to,
                )
            )

    def _promised_date(self, promise: Promise, start: date, promised_day: date) -> None:
        """The date a holding update gave the customer: a clock of its own, whose breach the
        owner and the Head of Service hear of."""
        due = self.calendar.end_of_day(promised_day)
        name = promised_date_clock(promise.name)
        broken_at = self._broken_at(name, 1, due, self.answered_at)
        self.clocks.append(
            Clock(
                promise=name,
                kind=PromiseKind.PROMISED_DATE,
                description=f"Reply by the date the holding update gave: {promise.description}",
                state=self._state(broken_at, self.answered_at),
                start_day=start,
                due_day=promised_day,
                due=due,
                satisfied_at=self.answered_at,
                stage=self.stage,
                breached_at=broken_at,
            )
        )
        if self.answered_at is None and self.case.is_open:
            self._owe(
                OwedAction(
                    action=Action.ESCALATE_TO_HEAD_OF_SERVICE,
                    key=f"escalate:{name}",
                    promise=name,
                    owed_from=self._staff_time(due),
                    due=due,
                    recipients=(Role.OWNER, Role.HEAD_OF_SERVICE),
                )
            )
            self._apologise(name, promise, promised_day)

    def _apologise(self, clock: str, promise: Promise, due_day: date) -> None:
        """Sorry, we said we would reply by `due_day` and did not: the customer is told once,
        at the customer update time on the working day after, with the date they can now
        expect. Not while the case waits on them, not before the acknowledgement (a late
        acknowledgement says it), and not when a letter sent since the breach gave a later
        date already."""
        breached_at = self.calendar.end_of_day(due_day)
        if self.case.open_pause is not None:
            return
        if any(a.key == acknowledgement_key(self.stage) for a in self.actions):
            return
        if any(
            s.promised_day is not None and s.promised_day > due_day and s.sent_at >= breached_at
            for s in self.case.sent
        ):
            return
        send_from = self.calendar.at(
            self.calendar.next_working_day(due_day), self.policy.customer_updates_sent_at
        )
        sent_on = self.calendar.local(max(send_from, self.now)).date()
        self._owe(
            OwedAction(
                action=Action.APOLOGISE_FOR_DELAY,
                key=f"apology:{clock}",
                promise=clock,
                owed_from=send_from,
                due=breached_at,
                expected_reply_by=reply_day_after_delay(promise, self.calendar, sent_on),
            )
        )

    def progress_updates(self, promise: Promise) -> None:
        assert promise.every is not None
        start = self._start_day(promise)
        if start is None:
            self.clocks.append(self._not_started(promise))
            return
        sent_at = self.policy.customer_updates_sent_at
        missed: OwedAction | None = None
        for occurrence in range(1, _MAX_INTERVALS + 1):
            timing = self._timing(promise, start, promise.every * occurrence)
            if timing.due_day is None:
                self.clocks.append(self._paused(promise, start, timing, occurrence))
                break
            due = self.calendar.end_of_day(timing.due_day)
            send_from = self.calendar.at(timing.due_day, sent_at)
            key = f"progress_update:{promise.name}:{occurrence}"
            sent = self._sent(key)
            answered_first = self.answered_at is not None and self.answered_at < send_from
            if answered_first:
                # Answered before this update was due: no update needed, and none after.
                break
            satisfied_at = sent.sent_at if sent else None
            self.clocks.append(self._clock(promise, start, timing, satisfied_at, occurrence))
            if sent is None and self.case.is_open and self.answered_at is None:
                action = OwedAction(
                    action=Action.SEND_PROGRESS_UPDATE,
                    key=key,
                    promise=promise.name,
                    owed_from=send_from,
                    due=due,
                    occurrence=occurrence,
                )
                if send_from > self.now:
                    self._owe(action)
                    break
                # Missed updates are not sent in a burst: only the latest is still owed.
                missed = action
            if send_from > self.now:
                break
        if missed is not None:
            self._owe(missed)

    def escalation(self, promise: Promise) -> None:
        assert promise.within is not None
        start = self._start_day(promise)
        if start is None:
            self.clocks.append(self._not_started(promise))
            return
        timing = self._timing(promise, start, promise.within)
        if timing.due_day is None:
            self.clocks.append(self._paused(promise, start, timing))
            return
        self.clocks.append(self._clock(promise, start, timing, self.answered_at))
        due = self.calendar.end_of_day(timing.due_day)
        if self.answered_at is None and self.case.is_open:
            action = (
                Action.REFER_TO_CHIEF_EXECUTIVE
                if Role.CHIEF_EXECUTIVE in promise.escalate_to
                else Action.ESCALATE_TO_HEAD_OF_SERVICE
            )
            self._owe(
                OwedAction(
                    action=action,
                    key=f"escalate:{promise.name}",
                    promise=promise.name,
                    owed_from=self._staff_time(due),
                    due=due,
                    recipients=promise.escalate_to,
                )
            )
            if action is Action.REFER_TO_CHIEF_EXECUTIVE:
                # The customer is told of the referral when the Chief Executive is.
                self._owe(
                    OwedAction(
                        action=Action.TELL_CUSTOMER_OF_REFERRAL,
                        key=f"referral_letter:{promise.name}",
                        promise=promise.name,
                        owed_from=self._staff_time(due),
                        due=due,
                    )
                )

    def handover(self, promise: Promise) -> None:
        if self.case.is_open and self.answered_at is None:
            self._owe(
                OwedAction(
                    action=Action.PASS_TO_HEAD_OF_SERVICE,
                    key=f"handover:{promise.name}",
                    promise=promise.name,
                    owed_from=self._staff_time(self.times.started_at),
                    due=None,
                    recipients=promise.escalate_to,
                )
            )

    def remedies(self) -> None:
        """The actions formal responses promised, each by the date the letter gave."""
        cal = self.calendar
        is_complaint = self.case.case_type is CaseType.COMPLAINT
        for remedy in self.case.remedies:
            self.stage = remedy.stage
            due = cal.end_of_day(remedy.due_on)
            broken_at = self._broken_at(REMEDY_CLOCK, remedy.number, due, remedy.done_at)
            self.clocks.append(
                Clock(
                    promise=REMEDY_CLOCK,
                    kind=PromiseKind.REMEDY,
                    description=REMEDY_DESCRIPTION,
                    state=self._state(broken_at, remedy.done_at),
                    start_day=cal.local(remedy.promised_at).date(),
                    due_day=remedy.due_on,
                    due=due,
                    satisfied_at=remedy.done_at,
                    occurrence=remedy.number,
                    stage=remedy.stage,
                    breached_at=broken_at,
                )
            )
            if remedy.is_done:
                continue
            remind_day = cal.subtract_working_days(remedy.due_on, 1)
            remind_from = self._staff_time(cal.at(remind_day, cal.office_opens))
            if remind_from > remedy.promised_at and remind_from < due and self.now < due:
                self._owe(
                    OwedAction(
                        action=Action.REMIND_OF_REMEDY,
                        key=f"remind_of_remedy:{remedy.number}:{remedy.due_on.isoformat()}",
                        promise=REMEDY_CLOCK,
                        owed_from=remind_from,
                        due=due,
                        recipients=(Role.OWNER,),
                        occurrence=remedy.number,
                        warning_days=1,
                    )
                )
            self._owe(
                OwedAction(
                    action=Action.CHASE_REMEDY,
                    key=f"chase_remedy:{remedy.number}",
                    promise=REMEDY_CLOCK,
                    owed_from=self._staff_time(due),
                    due=due,
                    recipients=(
                        (Role.OWNER, Role.HEAD_OF_SERVICE, Role.CORPORATE_COMPLAINTS_OFFICER)
                        if is_complaint
                        else (Role.OWNER, Role.HEAD_OF_SERVICE)
                    ),
                    occurrence=remedy.number,
                )
            )

    def _paused(self, promise: Promise, start: date, timing: _Timing, occurrence: int = 1) -> Clock:
        recorded = self.case.breach_of(promise.name, self.stage, occurrence)
        if recorded is not None:
            # Breached before the pause began: a pause never takes a breach back.
            return Clock(
                promise=promise.name,
                kind=promise.kind,
                description=promise.description,
                state=ClockState.BREACHED,
                start_day=start,
                due_day=day_ended_by(recorded.due),
                due=recorded.due,
                paused_working_days=timing.paused_working_days,
                occurrence=occurrence,
                stage=self.stage,
                breached_at=recorded.due,
            )
        return Clock(
            promise=promise.name,
            kind=promise.kind,
            description=promise.description,
            state=ClockState.PAUSED,
            start_day=start,
            due_day=None,
            due=None,
            paused_working_days=timing.paused_working_days,
            remaining_working_days=timing.remaining_working_days,
            occurrence=occurrence,
            stage=self.stage,
        )

    def _not_started(self, promise: Promise) -> Clock:
        return Clock(
            promise=promise.name,
            kind=promise.kind,
            description=promise.description,
            state=ClockState.NOT_STARTED,
            start_day=None,
            due_day=None,
            due=None,
            stage=self.stage,
        )

    # -- result -----------------------------------------------------------------------------

    def evaluation(self) -> Evaluation:
        owed: list[OwedAction] = []
        upcoming: list[OwedAction] = []
        in_office_hours = self.calendar.in_office_hours(self.now)
        wake_times: list[datetime] = []
        for action in self.actions:
            if action.owed_from > self.now:
                upcoming.append(action)
                wake_times.append(action.owed_from)
            elif action.to_customer or in_office_hours:
                owed.append(action)
                wake_times.append(action.owed_from)
            else:
                # A staff alert that fell due out of hours waits for the office to open.
                upcoming.append(action)
                wake_times.append(self.calendar.next_office_hours(self.now))
        for notification in self.case.notifications_unsent():
            # The checker sends the messages staff steps owe (the case's outbox): wake for them.
            owed_from = notification_owed_from(notification, self.calendar)
            if owed_from <= self.now and not (notification.to_customer or in_office_hours):
                owed_from = self.calendar.next_office_hours(self.now)
            wake_times.append(owed_from)
        owed.sort(key=lambda a: a.owed_from)
        upcoming.sort(key=lambda a: a.owed_from)
        return Evaluation(
            clocks=tuple(self.clocks),
            owed=tuple(owed),
            upcoming=tuple(upcoming),
            next_due=min(wake_times) if wake_times else None,
        )


def evaluate(case: Case, policy: Policy, calendar: WorkingDayCalendar, now: datetime) -> Evaluation:
    """Every clock of `case` under `policy` at `now`, and the actions owed."""
    clocks = _CaseClocks(case, policy, calendar, now)
    applying = policy.promises_for(case)
    for stage in range(1, case.stage + 1):
        clocks.at_stage(stage)
        promises = [p for p in applying if p.stage == stage]
        clocks.acknowledgements(p for p in promises if p.kind is PromiseKind.ACKNOWLEDGEMENT)
        for promise in promises:
            if promise.kind is PromiseKind.RESPONSE:
                clocks.response(promise)
            elif promise.kind is PromiseKind.PROGRESS_UPDATE:
                clocks.progress_updates(promise)
            elif promise.kind is PromiseKind.ESCALATION:
                clocks.escalation(promise)
            elif promise.kind is PromiseKind.HANDOVER:
                clocks.handover(promise)
    clocks.remedies()
    return clocks.evaluation()


def record_breaches(
    case: Case, policy: Policy, calendar: WorkingDayCalendar, now: datetime
) -> Case:
    """The case with every breach it shows at `now` recorded as a fact, so that no later change
    (an extension, a pause, a closure day, a new policy) can make it look kept. Every change
    to a case records its breaches first, as the case stood before the change."""
    new = tuple(
        Breach(
            clock=c.promise,
            stage=c.stage,
            occurrence=c.occurrence,
            due=c.breached_at,
            recorded_at=now,
        )
        for c in evaluate(case, policy, calendar, now).clocks
        if c.state is ClockState.BREACHED
        and c.breached_at is not None
        and case.breach_of(c.promise, c.stage, c.occurrence) is None
    )
    return replace(case, breaches=(*case.breaches, *new)) if new else case


def day_ended_by(due: datetime) -> date:
    """The day a due ends: a due is the midnight after its last day, in London."""
    return (due.astimezone(LONDON) - timedelta(microseconds=1)).date()


def notification_owed_from(notification: Notification, calendar: WorkingDayCalendar) -> datetime:
    """When an outbox message may go: a customer's at once, staff's in office hours."""
    if notification.to_customer:
        return notification.raised_at
    return calendar.next_office_hours(notification.raised_at)


def reply_day_after_delay(promise: Promise, calendar: WorkingDayCalendar, sent_on: date) -> date:
    """The reply date a letter sent on `sent_on` gives once a response promise is (or is about
    to be) missed: the holding update's `expect_reply_within` working days later, or, for a
    promise without holding updates, the promise's own working days again."""
    days = promise.holding_update.expect_reply_within if promise.holding_update else promise.within
    return calendar.add_working_days(sent_on, days or 1)


def promised_date_clock(promise: str) -> str:
    """The name of the clock that keeps the date a holding update of `promise` gave."""
    return f"{promise}:promised_date"


def base_promise(clock: str) -> str:
    """The policy promise a clock belongs to (a promised date clock belongs to its response)."""
    return clock.split(":", 1)[0]


def next_due_instant(
    case: Case, policy: Policy, calendar: WorkingDayCalendar, now: datetime
) -> datetime | None:
    """When the checker must next look at this case (None: never again, unless it changes)."""
    return evaluate(case, policy, calendar, now).next_due
