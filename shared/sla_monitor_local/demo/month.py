"""A month of casework played through the real product on embedded AWS.

Emails go through the email intake handler (stored in the raw-mail bucket, then the SES receipt
event), form submissions through the Have Your Say handler, staff actions through the staff use
cases, and the deadline checker sweeps every 5 simulated minutes of office hours (hourly
overnight and at weekends, when only customer mail can be owed). Everything the checker sends
goes through SES (moto), and is read back from there at the end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from typing import Any

from sla_monitor.cases import Case, CaseType, Channel, Customer, Outcome
from sla_monitor.checker.outcomes import Done
from sla_monitor.checker.wiring import DAILY_DIGEST, run_schedule
from sla_monitor.engine import ClockState, evaluate
from sla_monitor.runtime import Services
from sla_monitor.staff import (
    assign_case,
    extend_deadline,
    log_case,
    reclassify_case,
    record_acknowledgement_sent,
    record_response,
    request_stage_2,
    wait_for_customer,
)
from sla_monitor_local.demo.appointments import (
    APPOINTMENT_ACTIONS,
    appointment_step,
    promise_demo_call_back,
)
from sla_monitor_local.demo.mail import raw_email, ses_message_id, ses_receipt_event
from sla_monitor_local.demo.scenario import (
    END,
    SCRIPT,
    START,
    Email,
    FormSubmission,
    StaffAction,
    Step,
)
from sla_monitor_local.local_server import LocalLambdaContext
from sla_monitor_local.visit import HaveYourSayVisit

SWEEP_IN_OFFICE_HOURS = timedelta(minutes=5)
SWEEP_OUT_OF_HOURS = timedelta(hours=1)


@dataclass(frozen=True)
class Happening:
    """One line of the timeline."""

    at: datetime
    what: str
    kind: str  # arrival | sent | staff | breach | triage | task


@dataclass
class MonthResult:
    happenings: list[Happening] = field(default_factory=list)
    references: dict[str, str] = field(default_factory=dict)  # label -> case reference
    email_outcomes: dict[str, str] = field(default_factory=dict)  # label -> outcome
    done: list[Done] = field(default_factory=list)
    sweeps: int = 0
    sweep_failures: list[str] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)

    def days(self) -> Iterator[tuple[date, list[Happening]]]:
        by_day: dict[date, list[Happening]] = defaultdict(list)
        for happening in sorted(self.happenings, key=lambda h: h.at):
            by_day[happening.at.date()].append(happening)
        yield from sorted(by_day.items())


def sweep_times(services: Services, start: datetime, end: datetime) -> Iterator[datetime]:
    """When the simulated schedule invokes the checker: every 5 minutes in office hours, hourly
    outside them (the schedule runs then too; the demo samples it), never stepping past the
    moment the office opens."""
    calendar = services.calendar
    at = start
    while at < end:
        yield at
        if calendar.in_office_hours(at):
            at += SWEEP_IN_OFFICE_HOURS
        else:
            at = min(at + SWEEP_OUT_OF_HOURS, calendar.next_office_hours(at))


class MonthOfCasework:
    def __init__(self, services: Services, *, on_progress: Callable[[datetime], None]) -> None:
        self.services = services
        self.result = MonthResult()
        self.on_progress = on_progress
        self.council_address = services.council.customer_services_email
        self._breached: set[tuple[str, str, int]] = set()

    # -- the script ---------------------------------------------------------------------------

    def play(self) -> MonthResult:
        steps = sorted(SCRIPT, key=lambda s: s.at)
        next_step = 0
        last_day: date | None = None
        for now in sweep_times(self.services, START, END):
            while next_step < len(steps) and steps[next_step].at <= now:
                self._take(steps[next_step])
                next_step += 1
            run = run_schedule(self.services, now)
            self.result.sweeps += 1
            if self._digest_time(now):
                self._daily_digest(now)
            for done in run.sweep.done:
                self.result.done.append(done)
                self.result.happenings.append(Happening(done.at, self._describe(done), "sent"))
            for reference, error in run.sweep.failures:
                # A case the sweep could not finish stays due; the month shows it happened.
                what = f"{reference}: could not be swept ({error}); it stays due"
                self.result.sweep_failures.append(what)
                self.result.happenings.append(Happening(now, what, "breach"))
            day = self.services.calendar.local(now).date()
            if day != last_day:
                self._note_breaches(now)
                last_day = day
            self.on_progress(now)
        self._note_breaches(END)
        self.result.cases = list(self.services.store.all_cases())
        return self.result

    def _digest_time(self, now: datetime) -> bool:
        """The morning schedule: 09:00 London time, Monday to Friday."""
        local = self.services.calendar.local(now)
        return local.weekday() < 5 and (local.hour, local.minute) == (9, 0)

    def _daily_digest(self, now: datetime) -> None:
        digest = run_schedule(self.services, now, job=DAILY_DIGEST).digest
        if digest.sent_to:
            count = len(digest.sent_to)
            what = f"daily digest of what falls due sent to {count} officer" + "s" * (count > 1)
            self.result.happenings.append(Happening(now, what, "sent"))

    def _take(self, step: Step) -> None:
        if isinstance(step, Email):
            self._email(step)
        elif isinstance(step, FormSubmission):
            self._form(step)
        else:
            self._staff(step)

    def _email(self, email: Email) -> None:
        from functions.email_intake import app as email_intake

        references = self.result.references
        in_reply_to = None
        if email.replying_to:
            in_reply_to = self._acknowledgement_message_id(references[email.replying_to])
        raw = raw_email(
            email,
            council_address=self.council_address,
            in_reply_to=in_reply_to,
            reference=references.get(email.quoting) if email.quoting else None,
        )
        message_id = ses_message_id(email)
        bucket = self.services.settings.raw_mail_bucket
        self.services.client("s3").put_object(Bucket=bucket, Key=f"inbound/{message_id}", Body=raw)
        event = ses_receipt_event(
            email, raw, council_address=self.council_address, message_id=message_id
        )
        context: Any = LocalLambdaContext()
        answer = email_intake.handle(event, context, now=email.at)
        outcome = answer["outcomes"][0]
        self.result.email_outcomes[email.label] = outcome["outcome"]
        sender = parseaddr(email.sender)[0] or "someone"
        if outcome["outcome"] == "case":
            references[email.label] = outcome["reference"]
            case_type = outcome.get("case_type", "case").replace("_", " ")
            what = f"email from {sender}: new {case_type} {outcome['reference']}"
            self.result.happenings.append(Happening(email.at, what, "arrival"))
        elif outcome["outcome"] == "reply":
            what = f"email from {sender}: reply added to {outcome['reference']}"
            self.result.happenings.append(Happening(email.at, what, "arrival"))
            self._stage_2_asked(outcome["reference"], email.at)
        else:
            what = f"email from {sender}: kept for triage ({outcome['reason'].replace('_', ' ')})"
            self.result.happenings.append(Happening(email.at, what, "triage"))

    def _stage_2_asked(self, reference: str, at: datetime) -> None:
        """A reply that asked for stage 2 started it as it arrived: the month says so."""
        case = self.services.store.get_case(reference)
        if case is None or case.stage_2 is None or case.stage_2.requested_at != at:
            return
        reviewer = self._name(case.assigned_officer or "")
        what = f"{reference} taken to stage 2 by the customer's email (reviewer {reviewer})"
        self.result.happenings.append(Happening(at, what, "arrival"))

    def _acknowledgement_message_id(self, reference: str) -> str | None:
        case = self.services.store.get_case(reference)
        if case is None:
            return None
        sent = [s for s in case.sent if s.key == "acknowledge" and s.message_id]
        if not sent or sent[0].message_id is None:
            return None
        message_id = sent[0].message_id
        return message_id if message_id.startswith("<") else f"<{message_id}>"

    def _form(self, submission: FormSubmission) -> None:
        from functions.have_your_say import app as have_your_say

        reference = HaveYourSayVisit(have_your_say.handle).submit(
            submission.answers, now=submission.at
        )
        self.result.references[submission.label] = reference
        about = submission.answers["about"].replace("_", " ")
        name = submission.answers.get("name") or "someone"
        what = f"Have Your Say form from {name}: new {about} {reference}"
        self.result.happenings.append(Happening(submission.at, what, "arrival"))

    def _staff(self, action: StaffAction) -> None:
        s = self.services
        world: dict[str, Any] = {
            "store": s.store,
            "policy": s.policy,
            "calendar": s.calendar,
            "now": action.at,
        }
        details = action.details
        if action.action == "log":
            reference = self._log_case(action)
            self.result.references[action.label] = reference
            what = f"{action.by} logged a {details['channel']} {details['about']} {reference}"
            self.result.happenings.append(Happening(action.at, what, "arrival"))
            return
        reference = self.result.references[action.label]
        if action.action == "assign":
            assign_case(
                reference,
                officer_id=details["officer"],
                department=details.get("department"),
                by=action.by,
                directory=s.directory,
                **world,
            )
            what = f"{reference} assigned to {self._name(details['officer'])}"
        elif action.action == "pause":
            wait_for_customer(reference, reason=details["reason"], by=action.by, **world)
            what = f"{reference} waiting on the customer: {details['reason']}"
        elif action.action == "extend":
            extend_deadline(
                reference,
                working_days=int(details["working_days"]),
                reason=details["reason"],
                by=action.by,
                **world,
            )
            what = (
                f"{reference} response deadline extended by {details['working_days']} "
                f"working days: {details['reason']}"
            )
        elif action.action == "acknowledged":
            record_acknowledgement_sent(reference, how=details["how"], by=action.by, **world)
            what = f"{reference} acknowledgement sent by {details['how']}"
        elif action.action == "respond":
            outcome = Outcome(details["outcome"])
            case = record_response(
                reference,
                summary=details["summary"],
                outcome=outcome,
                apology=details.get("apology"),
                remedy=details.get("remedy"),
                lessons_learned=details.get("lessons"),
                remedies=(
                    [(details["remedy_action"], date.fromisoformat(details["remedy_by"]))]
                    if "remedy_action" in details
                    else []
                ),
                by=action.by,
                **world,
            )
            stage = f"stage {case.stage} " if case.case_type is CaseType.COMPLAINT else ""
            what = (
                f"{reference} {stage}response recorded by {self._name(action.by)}: {outcome.label}"
            )
        elif action.action == "stage_2":
            case = request_stage_2(
                reference,
                reason=details["reason"],
                channel=Channel(details.get("channel", "telephone")),
                officer_id=details.get("officer"),
                by=action.by,
                directory=s.directory,
                **world,
            )
            reviewer = self._name(case.assigned_officer or "")
            what = f"{reference} taken to stage 2 (reviewer {reviewer}): {details['reason']}"
        elif action.action == "reclassify":
            reclassify_case(
                reference,
                case_type=CaseType(details["type"]),
                reason=details["reason"],
                by=action.by,
                **world,
            )
            what = f"{reference} reclassified as a {details['type'].replace('_', ' ')}"
        elif action.action in APPOINTMENT_ACTIONS:
            what = appointment_step(s, reference, action.action, action.by, action.at, details)
        else:
            raise ValueError(f"unknown staff action {action.action}")
        self.result.happenings.append(Happening(action.at, what, "staff"))

    def _log_case(self, action: StaffAction) -> str:
        s = self.services
        details = action.details
        case = log_case(
            case_type=CaseType(details["about"]),
            channel=Channel(details["channel"]),
            summary=details["details"][:80],
            description=details["details"],
            customer=Customer(name=details.get("name"), address=details.get("address")),
            department=details.get("department"),
            received_at=action.at,
            by=action.by,
            idempotency_key=f"demo-logged-{action.label}",
            store=s.store,
            policy=s.policy,
            calendar=s.calendar,
            directory=s.directory,
            now=action.at,
        )
        if "callback_by" in details:
            promise_demo_call_back(s, case.reference, action.by, action.at, details["callback_by"])
        return case.reference

    # -- what the checker did -------------------------------------------------------------------

    def _name(self, officer_id: str) -> str:
        officer = self.services.directory.officer(officer_id)
        return officer.name if officer else officer_id

    def _describe(self, done: Done) -> str:
        action = done.kind.value.replace("_", " ")
        timing = ""
        # An escalation, an apology for a delay and the letter telling the customer of a
        # referral follow a breach by their nature: only promises to act before are timed.
        follows_a_breach = ("escalate", "refer", "apologise", "tell_customer_of_referral")
        if done.on_time is not None and not done.kind.value.startswith(follows_a_breach):
            timing = ", on time" if done.on_time else ", LATE"
        if done.delivery.value == "task":
            return f"{done.reference}: {action} passed to the owner to send by post{timing}"
        if done.delivery.value == "failed":
            return f"{done.reference}: {action} could not be sent; the owner was told"
        return f"{done.reference}: {action} sent to {done.audience}{timing}"

    def _note_breaches(self, now: datetime) -> None:
        s = self.services
        for case in s.store.all_cases():
            for clock in evaluate(case, s.policy, s.calendar, now).clocks:
                key = (case.reference, clock.promise, clock.occurrence)
                if (
                    clock.state is ClockState.BREACHED
                    and clock.due is not None
                    and key not in self._breached
                ):
                    self._breached.add(key)
                    what = f"{case.reference}: {clock.promise.replace('_', ' ')} breached"
                    self.result.happenings.append(Happening(clock.due, what, "breach"))
