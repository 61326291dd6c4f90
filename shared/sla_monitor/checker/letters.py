"""The letter writer: the facts each letter needs, gathered from the case, the policy, the
calendar and the directory, and handed to the templates. The reply date a letter gives is
`checker.reply_dates`; what the customer asked for, `checker.preferences`; the template and
title of each kind of message, `checker.message_kinds`. Nothing here sends anything."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, CaseType, NotificationKind
from sla_monitor.checker.appointment_letters import appointment_facts, call_back_facts
from sla_monitor.checker.duties import Duty, Notice
from sla_monitor.checker.message_kinds import (
    APPOINTMENT_LETTER,
    CUSTOMER_TEMPLATES,
    NOTIFICATION_TEMPLATES,
    STAGE_2_ACKNOWLEDGEMENT,
    TITLES,
    roles_text,
)
from sla_monitor.checker.messages import (
    DEFAULT_LANGUAGE,
    Composer,
    Contact,
    Letter,
    case_type_label,
    contact_for,
    primary_language,
    valid_address,
)
from sla_monitor.checker.preferences import (
    FORMAT_NAMES,
    PRODUCED_AS,
    greeting_name,
    language_name,
    may_repeat_their_words,
    wants_large_print,
)
from sla_monitor.checker.reply_dates import ReplyDates
from sla_monitor.directory import Directory
from sla_monitor.engine import (
    REMEDY_CLOCK,
    Action,
    Evaluation,
    acknowledgement_key,
    base_promise,
    day_ended_by,
    evaluate,
)
from sla_monitor.policy_terms import PromiseKind, Role
from sla_monitor.representation import addressed_case, addressed_to_representative
from sla_monitor.wording import reply_how

if TYPE_CHECKING:
    from sla_monitor.council import Council
    from sla_monitor.policy import Policy, Promise


class LetterWriter:
    def __init__(
        self,
        *,
        council: Council,
        policy: Policy,
        calendar: WorkingDayCalendar,
        directory: Directory,
        composer: Composer,
    ) -> None:
        self.council = council
        self.policy = policy
        self.calendar = calendar
        self.directory = directory
        self.composer = composer
        self.reply_dates = ReplyDates(policy, calendar)

    # -- facts ------------------------------------------------------------------------------

    def _promise(self, case: Case, kind: PromiseKind) -> Promise | None:
        return next((p for p in self.policy.promises_for(case) if p.kind is kind), None)

    def _due_day(self, duty: Duty, evaluation: Evaluation | None) -> date | None:
        if evaluation is not None and duty.promise is not None:
            occurrence = duty.owed.occurrence if duty.owed else None
            try:
                return evaluation.clock(duty.promise, occurrence).due_day
            except KeyError:
                pass
        if duty.due is None:
            return None
        return self._day_of(duty.due)

    def _day_of(self, due: datetime) -> date:
        # `due` is the instant the due day ends; a moment before it is still that day.
        return day_ended_by(due)

    def staff_recipients(
        self, case: Case, roles: tuple[Role, ...], named: tuple[str, ...] = ()
    ) -> tuple[list[str], tuple[str, ...]]:
        """The addresses and officer ids of the officers `named` and those holding `roles` on
        the case; the council's customer services mailbox when the directory names nobody, so
        no alert is lost."""
        found = [self.directory.officer(officer_id) for officer_id in named]
        found.extend(self.directory.recipients(roles, case) if roles or not named else ())
        unique = {o.officer_id: o for o in found if o is not None}
        officers = [o for o in unique.values() if valid_address(o.email)]
        if not officers:
            return [self.council.customer_services_email], ("customer-services",)
        return [o.email for o in officers], tuple(o.officer_id for o in officers)

    def customer_requests(self, case: Case) -> tuple[list[str], list[str]]:
        """What the customer asked for that staff must arrange, and the letters that will go
        to them in English although they asked for another language."""
        preferences = case.preferences
        requests: list[str] = []
        if preferences.accessible_format is not None:
            requests.append(FORMAT_NAMES[preferences.accessible_format])
        if preferences.interpreter:
            requests.append("an interpreter")
        english_only: list[str] = []
        language = primary_language(preferences.language)
        if language != DEFAULT_LANGUAGE:
            english_only = [
                TITLES[action]
                for action, name in CUSTOMER_TEMPLATES.items()
                if self._applies(case, action) and language not in self.composer.languages_for(name)
            ]
            if english_only:
                requests.append(f"letters in {language_name(language)}")
        return requests, english_only

    def letters_held(self, case: Case) -> bool:
        """Whether some letter to the customer will go to the owner to be made into what they
        asked for, rather than to them."""
        preferences = case.preferences
        return preferences.accessible_format in PRODUCED_AS or bool(self.customer_requests(case)[1])

    def needs_notice(self, case: Case) -> bool:
        return bool(self.customer_requests(case)[0])

    def _applies(self, case: Case, action: Action) -> bool:
        if action is Action.REMIND_OF_APPOINTMENT:
            return bool(case.appointments)
        if action is Action.ACKNOWLEDGE:
            return self._promise(case, PromiseKind.ACKNOWLEDGEMENT) is not None
        if action is Action.SEND_PROGRESS_UPDATE:
            return self._promise(case, PromiseKind.PROGRESS_UPDATE) is not None
        if action is Action.TELL_CUSTOMER_OF_REFERRAL:
            return any(
                p.kind is PromiseKind.ESCALATION and Role.CHIEF_EXECUTIVE in p.escalate_to
                for p in self.policy.promises_for(case)
            )
        response = self._promise(case, PromiseKind.RESPONSE)
        if action is Action.APOLOGISE_FOR_DELAY:
            return response is not None
        return response is not None and response.holding_update is not None

    # -- letters ----------------------------------------------------------------------------

    def audience(self, roles: tuple[Role, ...], named: tuple[str, ...] = ()) -> str:
        """Who a staff message went to, as the timeline says it: the officers named, then the
        roles (job titles, never email addresses)."""
        if not named:
            return roles_text(roles)
        names = [self._officer_name(officer_id) for officer_id in named]
        if roles:
            names.append(roles_text(roles))
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"

    def _officer_name(self, officer_id: str | None) -> str:
        return self.directory.officer_name(officer_id, officer_id or "someone")

    def _case_facts(self, case: Case, language: str) -> dict[str, Any]:
        return {
            "reference": case.reference,
            "label": case_type_label(case.case_type, language),
            "about": case.subject,
            "received_on": self.calendar.local(case.received_at).date(),
        }

    def customer_letter(
        self, case: Case, duty: Duty, at: datetime, *, by_post: bool = False
    ) -> Letter:
        """The letter `duty` owes the customer, written to whoever it goes to: to someone acting
        for the customer alone, it greets them, speaks of "the complaint you made for" the
        customer, and leaves out the link to the customer's own pages (`case` is the case as
        stored; the addressing is done here)."""
        acting_for = None
        if addressed_to_representative(case):
            acting_for = greeting_name(case) or "the customer"
            case = addressed_case(case)
        if isinstance(duty.kind, NotificationKind):
            name = NOTIFICATION_TEMPLATES[duty.kind]
        else:
            assert isinstance(duty.kind, Action) and duty.kind in CUSTOMER_TEMPLATES
            name = CUSTOMER_TEMPLATES[duty.kind]
            if duty.key == acknowledgement_key(2):
                name = STAGE_2_ACKNOWLEDGEMENT
        language = self.composer.language_for(case.preferences.language, name)
        progress = self._promise(case, PromiseKind.PROGRESS_UPDATE)
        response = self._promise(case, PromiseKind.RESPONSE)
        facts: dict[str, Any] = {
            **self._case_facts(case, language),
            "customer_name": greeting_name(case),
            "contact": self._contact(case, name),
            "is_complaint": case.case_type is CaseType.COMPLAINT,
            "is_feedback": case.case_type in (CaseType.COMPLIMENT, CaseType.COMMENT),
            "update_every": progress.every if progress else None,
            "holding_update": bool(response and response.holding_update),
            "promised_days": response.within if response else None,
            "reply_due": None,
            "expected_reply_by": None,
        }
        if not may_repeat_their_words(case):
            facts["about"] = None
        # Every letter leads to the case's own page (sign-in by a link to the case's address),
        # except to a representative: the pages are the customer's own.
        facts["case_url"] = None if acting_for else self.council.case_page_url(case.reference)
        facts["acting_for"] = acting_for
        facts["today"] = self.calendar.local(at).date()
        facts["ombudsman"] = self.council.ombudsman
        facts["by_post"] = by_post
        facts["reply_how"] = reply_how(language, by_post=by_post, address=self.council.address)
        reply = self.reply_dates.promised_reply(case, duty, at)
        if duty.kind in (Action.SEND_HOLDING_UPDATE, Action.APOLOGISE_FOR_DELAY):
            facts["expected_reply_by"] = reply.day
        else:
            facts["reply_due"] = reply.day
        facts["missed_reply_by"] = reply.missed
        # A letter that goes after the day it was due says so, and says sorry.
        facts["late_since"] = (
            self._day_of(duty.due)
            if duty.due is not None and at >= duty.due and not isinstance(duty.kind, Notice)
            else None
        )
        if case.stage_2 is not None:
            facts["stage_2_requested_on"] = self.calendar.local(case.stage_2.requested_at).date()
        if duty.kind is Action.APOLOGISE_FOR_DELAY and duty.due is not None:
            facts["promised_on"] = self._day_of(duty.due)  # the day we said, and missed
            facts["stage"] = case.stage
        if duty.kind is Action.TELL_CUSTOMER_OF_REFERRAL and duty.promise is not None:
            facts["referred_after"] = self.policy.promise(duty.promise).within
        if duty.notification is not None:
            facts.update(self._notification_facts(case, duty, at))
        if name == APPOINTMENT_LETTER:
            facts.update(self._appointment_facts(case, duty, language))
        return self.composer.compose(
            name, language=language, large_print=wants_large_print(case), **facts
        )

    def _appointment_facts(self, case: Case, duty: Duty, language: str) -> dict[str, Any]:
        """An appointment's confirmation, reminder, delay or cancellation: which one, and its
        facts in words."""
        details = duty.notification.details if duty.notification else {}
        number = duty.owed.occurrence if duty.owed else int(details.get("appointment", "0"))
        facts = appointment_facts(case, number, self.directory, details, language)
        if duty.kind is Action.REMIND_OF_APPOINTMENT:
            facts.update(why="reminder", details={})
        return facts

    def _contact(self, case: Case, letter: str) -> Contact:
        """Who the letter says deals with the case. A stage 2 acknowledgement names the
        officer reviewing it, with their own service, never the Head of Service the stage 1
        letters named for want of an officer; while the reviewer cannot be reached (they
        left), the Corporate Complaints Officer, who arranges stage 2 reviews."""
        if letter == STAGE_2_ACKNOWLEDGEMENT:
            directory = self.directory
            reviewer = directory.active_officer(case.assigned_officer) or directory.active_officer(
                directory.corporate_complaints_officer
            )
            if reviewer is not None:
                department = directory.department(reviewer.department)
                service = department.name if department else self.council.name
                return Contact(
                    reviewer.name, reviewer.job_title, service, reviewer.email, self.council.phone
                )
        return contact_for(case, self.directory, self.council)

    def _notification_facts(self, case: Case, duty: Duty, at: datetime) -> dict[str, Any]:
        assert duty.notification is not None
        details = duty.notification.details
        facts: dict[str, Any] = {"details": details, "why": details.get("why", "")}
        if duty.kind is NotificationKind.FORMAL_RESPONSE:
            stage = int(details.get("stage", "1"))
            facts["stage"] = stage
            facts["response"] = case.response_at(stage)
            # Signed by the officer who recorded it, with their job title, as the council.
            recorded = facts["response"]
            facts["writer"] = self.directory.officer(recorded.recorded_by) if recorded else None
            facts["case_remedies"] = case.remedies
            sent_on = self.calendar.local(duty.notification.raised_at).date()
            facts["stage_2_by"] = self.calendar.add_working_days(
                sent_on, self.policy.stage_2_request_window
            )
        if duty.kind in (
            NotificationKind.STAGE_2_DECLINED,
            NotificationKind.POSSIBLE_STAGE_2_ACKNOWLEDGEMENT,
        ):
            facts["written_on"] = self.calendar.local(duty.notification.raised_at).date()
            asked_on = details.get("asked_on")
            facts["asked_on"] = date.fromisoformat(asked_on) if asked_on else facts["written_on"]
        if duty.kind is NotificationKind.OFFICER_MESSAGE:
            writer = self.directory.officer(details.get("sent_by"))
            facts["writer"] = writer
        if duty.kind is NotificationKind.REPLY_ACKNOWLEDGEMENT:
            facts["message_on"] = self.calendar.local(duty.notification.raised_at).date()
            facts["reopened"] = details.get("reopened") == "yes"
        if duty.kind is NotificationKind.CASE_UPDATE:
            response = self.policy.response_promise(case)
            paused = evaluate(case, self.policy, self.calendar, at).clocks
            facts["remaining"] = next(
                (
                    c.remaining_working_days
                    for c in paused
                    if response is not None and c.promise == response.name
                ),
                None,
            )
        return facts

    def staff_letter(
        self,
        name: str,
        case: Case,
        duty: Duty,
        *,
        at: datetime,
        evaluation: Evaluation | None = None,
        **extra: Any,
    ) -> Letter:
        department = self.directory.department_of(case)
        promise = self._policy_promise(duty.promise)
        progress = self._promise(case, PromiseKind.PROGRESS_UPDATE)
        response = self._promise(case, PromiseKind.RESPONSE)
        facts: dict[str, Any] = {
            **self._case_facts(case, DEFAULT_LANGUAGE),
            "channel": case.channel.value,
            "service": department.name if department else self.council.name,
            "owner": contact_for(case, self.directory, self.council),
            "promise": promise.description if promise else "",
            "working_days": promise.within if promise else None,
            "due_on": self._due_day(duty, evaluation),
            "working_days_left": duty.owed.warning_days if duty.owed else None,
            "is_complaint": case.case_type is CaseType.COMPLAINT,
            "holding_update": bool(response and response.holding_update),
            "update_every": progress.every if progress else None,
            "reply_due": self.reply_dates.reply_due(case, at),
            "roles": roles_text(duty.recipients, "or"),
            "message_title": TITLES[duty.kind],
            "promised_date": bool(duty.promise and duty.promise != base_promise(duty.promise)),
            "stage": case.stage,
            "details": duty.notification.details if duty.notification else {},
            "description": case.description,
            "response": case.responses[-1] if case.responses else None,
            "officer_name": self._officer_name,
            "remedy": case.remedy(duty.owed.occurrence)
            if duty.owed and duty.promise == REMEDY_CLOCK
            else None,
            **self._times_given(case, duty),
            **extra,
        }
        return self.composer.compose(name, **facts)

    def _times_given(self, case: Case, duty: Duty) -> dict[str, Any]:
        """An alert on an appointment or a call-back: its facts in words."""
        if duty.owed is None:
            return {}
        number = duty.owed.occurrence
        if duty.kind is Action.TELL_OF_APPOINTMENT_MISSED:
            appointment = case.appointment(number)
            late = appointment.expected_late_minutes if appointment else 0
            return appointment_facts(case, number, self.directory, {"minutes": str(late)})
        if duty.kind in (Action.WARN_OF_CALL_BACK, Action.ESCALATE_CALL_BACK):
            return call_back_facts(case, number)
        return {}

    def _policy_promise(self, clock: str | None) -> Promise | None:
        """The policy's promise behind a clock (none for an action a response promised)."""
        if not clock:
            return None
        try:
            return self.policy.promise(base_promise(clock))
        except KeyError:
            return None
