"""The sweep: read the cases that are due, do what the engine says is owed, exactly once.

For each due case, oldest first, and each action owed on it:

1. claim the action's key with a lease (a conditional write), so no other sweep sends it;
2. send it (retrying throttling and brief outages with back-off);
3. mark the claim sent (the ledger), with the message id;
4. record it on the case: the sent action, a timeline event, the message ids a reply may quote,
   and when the case is next due (a conditional write on the case's revision).

Where a run stops, the next carries on:
- stopped before 3 (a crash, a timeout): the lease runs out and a later sweep claims it again;
- stopped between 3 and 4: the claim says it went, so a later sweep records it from the ledger
  without sending it again;
- the one window no store can close is a crash after SES accepted the message and before the
  ledger write in 3 (no mail service offers an idempotent send): then it is sent again once the
  lease runs out. Marking follows the send at once to keep that window to one write.

Staff alerts wait for office hours (the engine holds them); a customer whose letter cannot be
emailed has it passed to the owner to send by post or phone; a message refused for good is
recorded on the case and the owner told (`checker.dispatch` sends each duty). When time runs
short the sweep stops taking cases and the rest, still due in the index, come first in the next
run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar, require_aware
from sla_monitor.cases import Case, CaseStatus, CaseType, SentAction, TimelineEvent
from sla_monitor.checker.budget import Budget, Unlimited
from sla_monitor.checker.dispatch import Dispatch
from sla_monitor.checker.duties import Duty, duties_owed, next_wake
from sla_monitor.checker.letters import LetterWriter
from sla_monitor.checker.mailer import Mailer, SendingUnavailableError, TransientSendError
from sla_monitor.checker.messages import Composer
from sla_monitor.checker.outcomes import Outcome, SweepReport
from sla_monitor.directory import Directory
from sla_monitor.engine import Action, Evaluation, acknowledgement_key, evaluate, record_breaches
from sla_monitor.listing import Schedule, deadline_of
from sla_monitor.store.ports import CaseStore, retry_on_conflict

if TYPE_CHECKING:
    from sla_monitor.council import Council
    from sla_monitor.policy import Policy

ACTOR = "deadline-checker"


@dataclass(frozen=True)
class SweepSettings:
    # Longer than any one send can take with its retries, so a lease never runs out under a
    # sweep that is still working on it; a crashed claim is retried once it has.
    lease: timedelta = timedelta(minutes=10)
    # Stop taking new cases when less than this is left, to finish the case in hand.
    reserve: timedelta = timedelta(seconds=30)
    send_attempts: int = 4
    first_retry_delay: timedelta = timedelta(milliseconds=500)
    save_attempts: int = 5
    max_cases: int | None = None


def sweep(
    now: datetime,
    *,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory | Callable[[], Directory],
    mailer: Mailer,
    council: Council,
    sender: str,
    budget: Budget | None = None,
    settings: SweepSettings | None = None,
    composer: Composer | None = None,
    sleep: Callable[[float], None] = time.sleep,
    reference: str | None = None,
    shards: Sequence[int] | None = None,
) -> SweepReport:
    """One sweep at `now`: every due case, oldest first, within the time budget.

    `directory` may be a function that loads it: it is then called only if a case is due, so
    the many sweeps that find nothing to do read nothing but the index.

    With `reference`, only that case, whether the index says it is due or not: what a staff
    step owes goes at once instead of at the next scheduled sweep, under the same claims, so
    whichever gets there first sends it, once.

    With `shards`, only the due cases in those shards of the next-due index: a fanned-out
    schedule runs one sweep per shard at once, each with its own time budget (docs/scaling.md).
    A case is in one shard only, and the claims keep each action once whatever overlaps."""
    run = _Sweep(
        now=require_aware(now),
        store=store,
        policy=policy,
        calendar=calendar,
        directory_source=directory,
        mailer=mailer,
        council=council,
        sender=sender,
        budget=budget or Unlimited(),
        settings=settings or SweepSettings(),
        composer=composer or Composer(council),
        sleep=sleep,
        shards=tuple(shards) if shards is not None else None,
    )
    return run.run() if reference is None else run.run_one(reference)


@dataclass
class _Sweep:
    now: datetime
    store: CaseStore
    policy: Policy
    calendar: WorkingDayCalendar
    directory_source: Directory | Callable[[], Directory]
    mailer: Mailer
    council: Council
    sender: str
    budget: Budget
    settings: SweepSettings
    composer: Composer
    sleep: Callable[[float], None]
    shards: tuple[int, ...] | None = None
    report: SweepReport = field(init=False)

    def __post_init__(self) -> None:
        self.report = SweepReport(now=self.now)

    @cached_property
    def directory(self) -> Directory:
        source = self.directory_source
        return source if isinstance(source, Directory) else source()

    @cached_property
    def writer(self) -> LetterWriter:
        return LetterWriter(
            council=self.council,
            policy=self.policy,
            calendar=self.calendar,
            directory=self.directory,
            composer=self.composer,
        )

    @cached_property
    def dispatch(self) -> Dispatch:
        return Dispatch(
            council=self.council,
            calendar=self.calendar,
            writer=self.writer,
            mailer=self.mailer,
            sender=self.sender,
            budget=self.budget,
            sleep=self.sleep,
            send_attempts=self.settings.send_attempts,
            first_retry_delay=self.settings.first_retry_delay,
            reserve=self.settings.reserve,
        )

    def run(self) -> SweepReport:
        seen: set[str] = set()
        due = self.store.cases_due(self.now, limit=self.settings.max_cases, shards=self.shards)
        for case in due:
            # A case saved still due this sweep can come round again later in the index.
            if case.reference in seen:
                continue
            if self._out_of_time():
                self.report.stop("time budget spent")
                break
            seen.add(case.reference)
            self.report.cases_read += 1
            try:
                self._case(case)
            except SendingUnavailableError as error:
                self.report.stop(f"sending unavailable ({error.reason})")
                break
            except Exception as error:
                # One bad case must not hold up the rest; it stays due and is tried again.
                self.report.failed(case.reference, error)
        return self.report

    def run_one(self, reference: str) -> SweepReport:
        case = self.store.get_case(reference)
        if case is None:
            return self.report
        self.report.cases_read = 1
        try:
            self._case(case)
        except Exception as error:
            # Whatever failed stays owed, for the scheduled sweep to retry.
            self.report.failed(reference, error)
        return self.report

    def _out_of_time(self) -> bool:
        remaining = self.budget.remaining()
        return remaining is not None and remaining < self.settings.reserve

    def _at(self) -> datetime:
        """The instant the sweep has reached: its `now`, plus the time it has run."""
        return self.now + self.budget.elapsed()

    # -- one case ---------------------------------------------------------------------------

    def _case(self, case: Case) -> None:
        at = self._at()
        needs_notice = self.writer.needs_notice(case)
        evaluation = evaluate(case, self.policy, self.calendar, at)
        duties = duties_owed(
            case, evaluation, calendar=self.calendar, at=at, needs_notice=needs_notice
        )
        outcomes: list[Outcome] = []
        failure: Exception | None = None
        for duty in duties:
            try:
                outcome = self._perform(case, duty, evaluation, at)
            except Exception as error:
                failure = error
                break
            if outcome is not None:
                outcomes.append(outcome)
        # What was done is recorded even when a later action failed.
        self._record(case, outcomes, at)
        if failure is not None:
            raise failure

    def _perform(
        self, case: Case, duty: Duty, evaluation: Evaluation, at: datetime
    ) -> Outcome | None:
        reference = case.reference
        claim = self.store.claim_action(
            reference, duty.key, now=at, lease_until=at + self.settings.lease
        )
        if claim is None:
            held = self.store.get_claim(reference, duty.key)
            if held is not None and held.sent:
                # Sent by a sweep that stopped before recording it: record it, never resend.
                kept = self.store.letter(reference, duty.key) if duty.to_customer else None
                return self.dispatch.recovered(case, duty, held, at, kept)
            self.report.held += 1  # another sweep holds a live lease on it
            return None
        try:
            outcome = self.dispatch.deliver(case, duty, evaluation, at)
        except TransientSendError:
            self.store.release_claim(reference, duty.key, claimed_at=at)
            self.report.deferred += 1
            return None
        except Exception:
            self.store.release_claim(reference, duty.key, claimed_at=at)
            raise
        self.store.mark_action_sent(
            reference,
            duty.key,
            sent_at=at,
            message_id=outcome.provider_id,
            outcome=outcome.delivery.value,
        )
        if outcome.letter is not None:
            # After the mark: should this write fail, the letter is not sent again; the case
            # records it from the claim at the next sweep, without its copy.
            self.store.keep_letter(reference, duty.key, outcome.letter)
        return outcome

    # -- recording --------------------------------------------------------------------------

    def _next_due(self, case: Case, at: datetime) -> Schedule:
        return next_due_for(
            case, policy=self.policy, calendar=self.calendar, writer=self.writer, at=at
        )

    def _settle_feedback(
        self, case: Case, events: list[TimelineEvent], at: datetime
    ) -> tuple[Case, list[TimelineEvent]]:
        """A compliment or comment closes once it is acknowledged (where that is owed) and
        passed to the service concerned: nothing more is promised on it."""
        if case.case_type not in (CaseType.COMPLIMENT, CaseType.COMMENT) or not case.is_open:
            return case, events
        if case.notifications_unsent():
            return case, events  # not yet passed to the service
        evaluation = evaluate(case, self.policy, self.calendar, at)
        if any(a.action is Action.ACKNOWLEDGE for a in (*evaluation.owed, *evaluation.upcoming)):
            return case, events
        closed = replace(case, status=CaseStatus.CLOSED, closed_at=at)
        event = TimelineEvent(
            at=at,
            kind="closed",
            actor=ACTOR,
            summary=f"closed: the {case.case_type.label} was passed to the service concerned",
        )
        return closed, [*events, event]

    def _record(self, case: Case, outcomes: list[Outcome], at: datetime) -> None:
        """Write the outcomes onto the case; on a stale copy, read it again and reapply. When
        every attempt meets a newer copy, the ledger keeps what was sent; a later sweep
        records it."""
        copies = iter([case])

        def attempt() -> None:
            current = next(copies, None) or self.store.get_case(case.reference)
            if current is None:
                return
            updated, events, message_ids, applied = _apply(current, outcomes)
            # A breach the sweep sees is recorded with what it did, so nothing later undoes it.
            updated = record_breaches(updated, self.policy, self.calendar, at)
            if applied:
                updated, events = self._settle_feedback(updated, events, at)
            schedule = self._next_due(updated, at)
            next_due = schedule.next_due
            if not applied:
                if outcomes:
                    return  # another sweep recorded them all, and set when it is next due
                if next_due is not None and next_due <= at:
                    return  # still due: what is owed is held elsewhere or deferred
            self.store.save_case(updated, events=events, schedule=schedule, message_ids=message_ids)
            self.report.done.extend(o.done(case.reference) for o in applied)

        retry_on_conflict(attempt, reference=case.reference, attempts=self.settings.save_attempts)


def next_due_for(
    case: Case,
    *,
    policy: Policy,
    calendar: WorkingDayCalendar,
    writer: LetterWriter,
    at: datetime,
) -> Schedule:
    """When the checker must next look at a case (the engine's next due instant, or sooner for
    a notice the checker still owes), and its next deadline."""
    evaluation = evaluate(case, policy, calendar, at)
    return Schedule(
        next_due=next_wake(
            case, evaluation, calendar=calendar, at=at, needs_notice=writer.needs_notice(case)
        ),
        deadline=deadline_of(case, evaluation.clocks),
    )


def _acknowledged(case: Case, key: str, at: datetime) -> Case:
    """The case with the acknowledgement under `key` given at `at`, the first time."""
    if key == acknowledgement_key(2) and case.stage_2 is not None:
        if case.stage_2.acknowledged_at is not None:
            return case
        return replace(case, stage_2=replace(case.stage_2, acknowledged_at=at))
    return case if case.acknowledged_at else replace(case, acknowledged_at=at)


def _apply(
    case: Case, outcomes: list[Outcome]
) -> tuple[Case, list[TimelineEvent], list[str], list[Outcome]]:
    """The case with the outcomes it does not have yet, their events and message ids."""
    events: list[TimelineEvent] = []
    message_ids: list[str] = []
    applied: list[Outcome] = []
    for outcome in outcomes:
        duty = outcome.duty
        if case.was_sent(duty.key):
            continue
        case = case.with_sent(
            SentAction(
                key=duty.key,
                action=duty.kind.value,
                sent_at=outcome.sent_at,
                due=duty.due,
                message_id=outcome.provider_id,
                promised_day=outcome.promised_day,
            )
        )
        if outcome.acknowledged:
            case = _acknowledged(case, duty.key, outcome.sent_at)
        if outcome.expected_reply_by is not None:
            case = replace(case, expected_reply_by=outcome.expected_reply_by)
        events.append(outcome.event(ACTOR))
        message_ids.extend(outcome.message_ids)
        applied.append(outcome)
    return case, events, message_ids, applied
