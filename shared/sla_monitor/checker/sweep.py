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
recorded on the case and the owner told. When time runs short the sweep stops taking cases and
the rest, still due in the index, come first in the next run.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property

from sla_monitor.calendar import WorkingDayCalendar, require_aware
from sla_monitor.cases import (
    Case,
    CaseStatus,
    CaseType,
    NotificationKind,
    SentAction,
    TimelineEvent,
)
from sla_monitor.checker.budget import Budget, Unlimited
from sla_monitor.checker.duties import Duty, Notice, duties_owed, next_wake
from sla_monitor.checker.letters import LetterWriter, Route, roles_text, wants_large_print
from sla_monitor.checker.mailer import (
    Mailer,
    OutboundEmail,
    PermanentSendError,
    SendingUnavailableError,
    SentEmail,
    TransientSendError,
)
from sla_monitor.checker.messages import (
    Attachment,
    Composer,
    Letter,
    build_email,
    new_message_id,
)
from sla_monitor.checker.outcomes import Delivery, Outcome, SweepReport
from sla_monitor.council import Council
from sla_monitor.directory import Directory
from sla_monitor.engine import (
    Action,
    Evaluation,
    acknowledgement_key,
    evaluate,
    record_breaches,
)
from sla_monitor.listing import Schedule, deadline_of
from sla_monitor.policy import Policy, Role
from sla_monitor.store.ports import CaseStore, Claim, retry_on_conflict

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
                return self._recovered(case, duty, held, at)
            self.report.held += 1  # another sweep holds a live lease on it
            return None
        try:
            outcome = self._deliver(case, duty, evaluation, at)
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
        return outcome

    # -- delivering -------------------------------------------------------------------------

    def _deliver(self, case: Case, duty: Duty, evaluation: Evaluation, at: datetime) -> Outcome:
        if duty.to_customer:
            return self._to_customer(case, duty, evaluation, at)
        return self._to_staff(case, duty, evaluation, at)

    def _customer_fields(self, case: Case, duty: Duty, at: datetime, delivered: bool) -> dict:
        """What a customer letter changes on the case once it has gone (or gone to staff to
        send): the acknowledgement time, and the reply date the letter gave the customer."""
        fields: dict = {}
        if duty.kind in (
            Action.ACKNOWLEDGE,
            NotificationKind.CASE_UPDATE,
            NotificationKind.COMPLAINT_ACKNOWLEDGEMENT,
        ):
            fields["acknowledged"] = delivered and duty.kind is Action.ACKNOWLEDGE
        day = self.writer.promised_reply(case, duty, at).day
        if day is not None:
            fields["expected_reply_by"] = self.writer.expected_reply_by(day)
            fields["promised_day"] = day
        return fields

    def _to_customer(self, case: Case, duty: Duty, evaluation: Evaluation, at: datetime) -> Outcome:
        route = self.writer.route(case)
        letter = self.writer.customer_letter(case, duty, at, by_post=route is not None)
        needs = self.writer.letter_needs(case, letter)
        if needs:
            return self._to_produce(case, duty, evaluation, at, letter, route, needs)
        if route is not None:
            return self._by_hand(case, duty, evaluation, at, letter, route)
        assert case.customer.email is not None
        # A customer who asked for large print gets every letter with a large-print PDF of it,
        # to read on screen or print; the email itself is set large too.
        attachments = (self._printable(case, letter, at),) if wants_large_print(case) else ()
        outbound = build_email(
            letter,
            council=self.council,
            sender=self.sender,
            to=[case.customer.email],
            reference=case.reference,
            message_id=new_message_id(case.reference, duty.key, self.sender),
            at=at,
            in_reply_to=case.source_message_id,
            auto_reply=duty.kind in (Action.ACKNOWLEDGE, NotificationKind.REPLY_ACKNOWLEDGEMENT),
            attachments=attachments,
        )
        try:
            sent = self._send(outbound)
        except PermanentSendError as error:
            return self._refused(case, duty, evaluation, at, letter, error.reason)
        return Outcome(
            duty=duty,
            delivery=Delivery.EMAILED,
            sent_at=at,
            provider_id=sent.provider_id,
            message_ids=sent.message_ids,
            audience="customer",
            language=letter.language,
            **self._customer_fields(case, duty, at, delivered=True),
        )

    def _by_hand(
        self,
        case: Case,
        duty: Duty,
        evaluation: Evaluation,
        at: datetime,
        letter: Letter,
        route: Route,
    ) -> Outcome:
        """The customer cannot be emailed: the owner gets the letter to send another way."""
        task = self.writer.staff_letter(
            "staff/customer_task",
            case,
            duty,
            at=at,
            evaluation=evaluation,
            letter=letter,
            reason=route.reason,
            route=route.how,
            route_detail=route.detail,
        )
        sent, officers = self._send_to_officers(
            case, (Role.OWNER,), task, duty, at, attachments=(self._printable(case, letter, at),)
        )
        return Outcome(
            duty=duty,
            delivery=Delivery.TASK,
            sent_at=at,
            provider_id=sent.provider_id if sent else None,
            audience=roles_text((Role.OWNER,)),
            officers=officers,
            language=letter.language,
            detail=route.how if sent else f"{route.how} (the owner could not be emailed)",
            **self._customer_fields(case, duty, at, delivered=False),
        )

    def _to_produce(
        self,
        case: Case,
        duty: Duty,
        evaluation: Evaluation,
        at: datetime,
        letter: Letter,
        route: Route | None,
        needs: list[str],
    ) -> Outcome:
        """The customer asked for a language or format the checker cannot write: the owner gets
        this letter, as it stands, to have it made into what they asked for and sent. Nothing
        goes to the customer meanwhile in a form they did not ask for."""
        # By email where they can be emailed, unless what they asked for cannot go that way
        # (braille): the owner has every way of reaching them the case holds.
        customer = case.customer
        how = route.how if route is not None else "by email"
        if route is None and customer.address:
            how = "by email or by post"
        detail = (
            route.detail
            if route is not None
            else "\n".join(
                f"{label}: {value}"
                for label, value in (("Email", customer.email), ("Address", customer.address))
                if value
            )
        )
        task = self.writer.staff_letter(
            "staff/letter_to_produce",
            case,
            duty,
            at=at,
            evaluation=evaluation,
            letter=letter,
            needs=needs,
            route=how,
            route_detail=detail,
        )
        sent, officers = self._send_to_officers(
            case, (Role.OWNER,), task, duty, at, attachments=(self._printable(case, letter, at),)
        )
        once = f"{how} once {' and '.join(needs)}"
        return Outcome(
            duty=duty,
            delivery=Delivery.TASK,
            sent_at=at,
            provider_id=sent.provider_id if sent else None,
            audience=roles_text((Role.OWNER,)),
            officers=officers,
            language=letter.language,
            detail=once if sent else f"{once} (the owner could not be emailed)",
            **self._customer_fields(case, duty, at, delivered=False),
        )

    def _printable(self, case: Case, letter: Letter, at: datetime) -> Attachment:
        """The customer's letter as an A4 PDF with the council's address block, to post."""
        # fpdf2, fontTools and Pillow load with the first letter to post, not with the sweep.
        from sla_monitor.checker.printable import printable_letter

        body = letter.text.split("\n--\n", 1)[0].rstrip()  # the email footer is the letterhead
        data = printable_letter(
            council=self.council,
            recipient_name=case.customer.name,
            recipient_address=case.customer.address,
            reference=case.reference,
            dated=self.calendar.local(at).date(),
            subject=letter.subject,
            body_text=body,
            language=letter.language,
            large_print=wants_large_print(case),
        )
        return Attachment(
            filename=f"{case.reference}-letter.pdf", content_type="application/pdf", data=data
        )

    def _refused(
        self,
        case: Case,
        duty: Duty,
        evaluation: Evaluation,
        at: datetime,
        letter: Letter,
        reason: str,
    ) -> Outcome:
        """SES refused the customer's letter for good: record it and tell the owner."""
        alert = self.writer.staff_letter(
            "staff/send_failed",
            case,
            duty,
            at=at,
            evaluation=evaluation,
            letter=letter,
            reason=reason,
            route_detail=self.writer.route_without_email(case).detail,
        )
        sent, officers = self._send_to_officers(case, (Role.OWNER,), alert, duty, at)
        return Outcome(
            duty=duty,
            delivery=Delivery.FAILED,
            sent_at=at,
            provider_id=sent.provider_id if sent else None,
            audience=roles_text((Role.OWNER,)),
            officers=officers,
            language=letter.language,
            detail=reason if sent else f"{reason}; the owner could not be emailed either",
        )

    def _to_staff(self, case: Case, duty: Duty, evaluation: Evaluation, at: datetime) -> Outcome:
        if duty.kind is Notice.PASS_PREFERENCES_TO_OWNER:
            requests, english_only = self.writer.customer_requests(case)
            letter = self.writer.staff_letter(
                f"staff/{duty.kind.value}",
                case,
                duty,
                at=at,
                requests=requests,
                english_only=english_only,
                large_print_letters=wants_large_print(case),
                held=self.writer.letters_held(case),
            )
        else:
            letter = self.writer.staff_letter(
                f"staff/{duty.kind.value}", case, duty, at=at, evaluation=evaluation
            )
        try:
            sent, officers = self._send_to_officers(
                case, duty.recipients, letter, duty, at, quiet=False, named=duty.officers
            )
        except PermanentSendError as error:
            return Outcome(
                duty=duty,
                delivery=Delivery.FAILED,
                sent_at=at,
                audience=self.writer.audience(duty.recipients, duty.officers),
                detail=error.reason,
            )
        return Outcome(
            duty=duty,
            delivery=Delivery.EMAILED,
            sent_at=at,
            provider_id=sent.provider_id if sent else None,
            audience=self.writer.audience(duty.recipients, duty.officers),
            officers=officers,
        )

    def _send_to_officers(
        self,
        case: Case,
        roles: tuple[Role, ...],
        letter: Letter,
        duty: Duty,
        at: datetime,
        *,
        quiet: bool = True,
        named: tuple[str, ...] = (),
        attachments: tuple[Attachment, ...] = (),
    ) -> tuple[SentEmail | None, tuple[str, ...]]:
        """Email the officers `named` and those holding `roles` on the case. With `quiet`, a
        refusal is swallowed (the caller already records a failure)."""
        addresses, ids = self.writer.staff_recipients(case, roles, named)
        outbound = build_email(
            letter,
            council=self.council,
            sender=self.sender,
            to=addresses,
            reference=case.reference,
            message_id=new_message_id(case.reference, f"staff:{duty.key}", self.sender),
            at=at,
            attachments=attachments,
        )
        try:
            return self._send(outbound), ids
        except PermanentSendError:
            if not quiet:
                raise
            return None, ids

    def _send(self, outbound: OutboundEmail) -> SentEmail:
        """Send, retrying transient failures with exponential back-off and jitter, but never
        sleeping into the time the sweep needs to finish."""
        delay = self.settings.first_retry_delay
        attempt = 1
        while True:
            try:
                return self.mailer.send(outbound)
            except TransientSendError:
                remaining = self.budget.remaining()
                if attempt >= self.settings.send_attempts or (
                    remaining is not None and remaining - delay < self.settings.reserve
                ):
                    raise
            # Jitter spreads concurrent sweeps' retries apart; it is not for security.
            self.sleep(delay.total_seconds() * (0.5 + random.random() / 2))  # noqa: S311
            delay *= 2
            attempt += 1

    def _recovered(self, case: Case, duty: Duty, claim: Claim, at: datetime) -> Outcome:
        delivery = Delivery(claim.outcome) if claim.outcome else Delivery.EMAILED
        sent_at = claim.sent_at or at
        fields = (
            self._customer_fields(case, duty, sent_at, delivered=delivery is Delivery.EMAILED)
            if duty.to_customer and delivery is not Delivery.FAILED
            else {}
        )
        emailed_customer = duty.to_customer and delivery is Delivery.EMAILED
        route = self.writer.route(case) if delivery is Delivery.TASK else None
        detail = route.how if route else None
        if delivery is Delivery.TASK and route is None:
            detail = "once made as the customer asked"  # a letter to translate or produce
        elif delivery is Delivery.FAILED:
            detail = "refused"
        return Outcome(
            duty=duty,
            delivery=delivery,
            sent_at=sent_at,
            provider_id=claim.message_id,
            message_ids=(
                self.mailer.message_ids(claim.message_id)
                if emailed_customer and claim.message_id
                else ()
            ),
            audience="customer" if emailed_customer else roles_text(duty.recipients),
            detail=detail,
            recovered=True,
            **fields,
        )

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
