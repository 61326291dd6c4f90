"""The core of the engine: every clock of one case at `now`, and what is owed.

`evaluate` reads the case stage by stage, each promise of the policy by its kind
(acknowledgement, response, progress updates, escalation, handover), then the actions a
response promised (`engine.remedies`), then the appointments and call-backs
(`engine.appointments`); what is owed now, what later, and when the checker must
look again follow from office hours (`engine.office_hours`). How the clocks run is told in the
package's docstring (`sla_monitor.engine`). Pure: no AWS, no clock reads, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar, require_aware
from sla_monitor.cases import Breach, Case, SentAction
from sla_monitor.engine.apologies import apology_for_delay, reply_day_after_delay
from sla_monitor.engine.appointments import appointment_clocks, call_back_clocks
from sla_monitor.engine.breaches import broken_at, clock_state
from sla_monitor.engine.office_hours import evaluation_of
from sla_monitor.engine.remedies import remedy_clocks
from sla_monitor.engine.results import (
    Action,
    Clock,
    ClockState,
    Evaluation,
    OwedAction,
    day_ended_by,
    promised_date_clock,
)
from sla_monitor.engine.timing import StageTiming, Timing, stage_times
from sla_monitor.policy_terms import PromiseKind, Role

if TYPE_CHECKING:
    from sla_monitor.policy import Policy, Promise

# A complaint open for years would otherwise grow its list of progress-update intervals forever.
_MAX_INTERVALS = 260


def acknowledgement_key(stage: int) -> str:
    return "acknowledge" if stage == 1 else f"acknowledge:stage_{stage}"


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
        self.pauses = tuple(sorted(case.pauses, key=lambda p: p.paused_at))
        self.at_stage(1)

    def at_stage(self, stage: int) -> None:
        """Count the promises that follow from this stage's start, acknowledgement and answer."""
        self.stage = stage
        self.times = stage_times(self.case, stage)
        self.stage_timing = StageTiming(self.case, self.calendar, self.times, self.pauses)

    @property
    def answered_at(self) -> datetime | None:
        return self.times.answered_at

    # -- clocks -----------------------------------------------------------------------------

    def _broken_at(
        self,
        name: str,
        occurrence: int,
        due: datetime,
        satisfied_at: datetime | None,
        missed: datetime | None = None,
    ) -> datetime | None:
        """When the promise was broken at this stage, or None while it is not (`breaches`)."""
        return broken_at(
            self.case,
            name,
            self.stage,
            occurrence,
            due,
            satisfied_at,
            self.now,
            missed,
            self.times.stopped_at,
        )

    def _clock(
        self,
        promise: Promise,
        start: date,
        timing: Timing,
        satisfied_at: datetime | None,
        occurrence: int = 1,
        missed: datetime | None = None,
    ) -> Clock:
        """A clock with a due day: met, breached or running as `satisfied_at`, the case's
        recorded breaches and now say."""
        assert timing.due_day is not None
        due = self.calendar.end_of_day(timing.due_day)
        broken = self._broken_at(promise.name, occurrence, due, satisfied_at, missed)
        return Clock(
            promise=promise.name,
            kind=promise.kind,
            description=promise.description,
            state=clock_state(broken, satisfied_at, self.times.stopped_at),
            start_day=start,
            due_day=timing.due_day,
            due=due,
            satisfied_at=satisfied_at,
            paused_working_days=timing.paused_working_days,
            occurrence=occurrence,
            stage=self.stage,
            breached_at=broken,
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
            timing = self.stage_timing.due_after(promise, start, promise.within)
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
        start = self.stage_timing.start_day(promise)
        if start is None:
            self.clocks.append(self._not_started(promise))
            return
        days = promise.within + self.stage_timing.extension_days(promise)
        timing = self.stage_timing.due_after(promise, start, days)
        if timing.due_day is None:
            self.clocks.append(self._paused(promise, start, timing))
            return
        due_day = timing.due_day
        due = self.calendar.end_of_day(due_day)
        missed = self.stage_timing.missed_before_extension(promise, start)
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
        broken = self._broken_at(name, 1, due, self.answered_at)
        self.clocks.append(
            Clock(
                promise=name,
                kind=PromiseKind.PROMISED_DATE,
                description=f"Reply by the date the holding update gave: {promise.description}",
                state=clock_state(broken, self.answered_at, self.times.stopped_at),
                start_day=start,
                due_day=promised_day,
                due=due,
                satisfied_at=self.answered_at,
                stage=self.stage,
                breached_at=broken,
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
        """The apology owed once `due_day` passes unanswered (`engine.apologies`)."""
        acknowledgement_owed = any(a.key == acknowledgement_key(self.stage) for a in self.actions)
        apology = apology_for_delay(
            self.case,
            self.policy,
            self.calendar,
            self.now,
            clock=clock,
            promise=promise,
            due_day=due_day,
            acknowledgement_owed=acknowledgement_owed,
        )
        if apology is not None:
            self._owe(apology)

    def progress_updates(self, promise: Promise) -> None:
        assert promise.every is not None
        start = self.stage_timing.start_day(promise)
        if start is None:
            self.clocks.append(self._not_started(promise))
            return
        sent_at = self.policy.customer_updates_sent_at
        missed: OwedAction | None = None
        for occurrence in range(1, _MAX_INTERVALS + 1):
            timing = self.stage_timing.due_after(promise, start, promise.every * occurrence)
            if timing.due_day is None:
                self.clocks.append(self._paused(promise, start, timing, occurrence))
                break
            due = self.calendar.end_of_day(timing.due_day)
            send_from = self.calendar.at(timing.due_day, sent_at)
            key = f"progress_update:{promise.name}:{occurrence}"
            sent = self._sent(key)
            ended_first = [t for t in (self.answered_at, self.times.stopped_at) if t is not None]
            if ended_first and min(ended_first) < send_from:
                # Answered (or closed) before this update was due: none needed, none after.
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
        start = self.stage_timing.start_day(promise)
        if start is None:
            self.clocks.append(self._not_started(promise))
            return
        timing = self.stage_timing.due_after(promise, start, promise.within)
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
        clocks, owed = remedy_clocks(self.case, self.calendar, self.now)
        self.clocks.extend(clocks)
        self.actions.extend(owed)

    def times_given(self) -> None:
        """The appointments booked and the call-backs promised, each by the time given."""
        for clocks, owed in (
            appointment_clocks(self.case, self.policy, self.calendar, self.now),
            call_back_clocks(self.case, self.policy, self.calendar, self.now),
        ):
            self.clocks.extend(clocks)
            self.actions.extend(owed)

    def _paused(self, promise: Promise, start: date, timing: Timing, occurrence: int = 1) -> Clock:
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
    clocks.times_given()
    return evaluation_of(case, calendar, clocks.now, clocks.clocks, clocks.actions)


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


def next_due_instant(
    case: Case, policy: Policy, calendar: WorkingDayCalendar, now: datetime
) -> datetime | None:
    """When the checker must next look at this case (None: never again, unless it changes)."""
    return evaluate(case, policy, calendar, now).next_due
