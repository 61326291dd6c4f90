"""The facts each letter needs, gathered from the case, the policy, the calendar and the
directory, and handed to the templates. Nothing here sends anything."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    AccessibleFormat,
    Case,
    CaseType,
    Channel,
    ContactMethod,
    NotificationKind,
)
from sla_monitor.checker.duties import Duty, Notice
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
from sla_monitor.council import Council
from sla_monitor.directory import Directory
from sla_monitor.engine import (
    REMEDY_CLOCK,
    Action,
    ClockState,
    Evaluation,
    acknowledgement_key,
    base_promise,
    day_ended_by,
    evaluate,
    reply_day_after_delay,
)
from sla_monitor.policy import Policy, Promise, PromiseKind, Role
from sla_monitor.wording import reply_how

CUSTOMER_TEMPLATES: dict[Action, str] = {
    Action.ACKNOWLEDGE: "customer/acknowledgement",
    Action.SEND_HOLDING_UPDATE: "customer/holding_update",
    Action.SEND_PROGRESS_UPDATE: "customer/progress_update",
    Action.APOLOGISE_FOR_DELAY: "customer/apology_for_delay",
    Action.TELL_CUSTOMER_OF_REFERRAL: "customer/referred_to_chief_executive",
}
NOTIFICATION_TEMPLATES: dict[NotificationKind, str] = {
    NotificationKind.FORMAL_RESPONSE: "customer/formal_response",
    NotificationKind.CASE_UPDATE: "customer/case_update",
    NotificationKind.COMPLAINT_ACKNOWLEDGEMENT: "customer/acknowledgement",
    NotificationKind.OFFICER_MESSAGE: "customer/officer_message",
    NotificationKind.COMPLAINT_REFUSED: "customer/complaint_refused",
    NotificationKind.REPLY_ACKNOWLEDGEMENT: "customer/reply_acknowledgement",
    NotificationKind.POSSIBLE_STAGE_2_ACKNOWLEDGEMENT: "customer/possible_stage_2_acknowledgement",
    NotificationKind.STAGE_2_DECLINED: "customer/stage_2_declined",
}
STAGE_2_ACKNOWLEDGEMENT = "customer/stage_2_acknowledgement"
TITLES: dict[Action | Notice | NotificationKind, str] = {
    Action.ACKNOWLEDGE: "acknowledgement",
    Action.SEND_HOLDING_UPDATE: "holding update",
    Action.SEND_PROGRESS_UPDATE: "progress update",
    Action.WARN_OWNER: "warning before a breach",
    Action.ESCALATE_TO_HEAD_OF_SERVICE: "breach alert",
    Action.REFER_TO_CHIEF_EXECUTIVE: "referral to the Chief Executive",
    Action.PASS_TO_HEAD_OF_SERVICE: "handover to the Head of Service",
    Action.REMIND_OF_REMEDY: "reminder of an action promised",
    Action.CHASE_REMEDY: "action promised not done",
    Action.APOLOGISE_FOR_DELAY: "apology for the delay",
    Action.TELL_CUSTOMER_OF_REFERRAL: "letter on the referral to the Chief Executive",
    Notice.PASS_PREFERENCES_TO_OWNER: "customer's requests",
    NotificationKind.FORMAL_RESPONSE: "formal response",
    NotificationKind.CASE_UPDATE: "update on the case",
    NotificationKind.COMPLAINT_ACKNOWLEDGEMENT: "complaint acknowledgement",
    NotificationKind.OFFICER_MESSAGE: "message from the officer",
    NotificationKind.COMPLAINT_REFUSED: "complaint refused",
    NotificationKind.REPLY_ACKNOWLEDGEMENT: "reply acknowledgement",
    NotificationKind.POSSIBLE_STAGE_2_ACKNOWLEDGEMENT: "reply received",
    NotificationKind.STAGE_2_DECLINED: "stage 2 decision",
    NotificationKind.ASSIGNED: "case assigned",
    NotificationKind.DEPARTMENT_HANDOVER: "case moved to the department",
    NotificationKind.CUSTOMER_REPLIED: "customer's reply",
    NotificationKind.POSSIBLE_STAGE_2: "possible stage 2 request",
    NotificationKind.STAGE_2_REQUESTED: "stage 2 review",
    NotificationKind.STAGE_2_DECLINE_RECORDED: "not taken to stage 2",
    NotificationKind.EXTENSION_GRANTED: "extension",
    NotificationKind.RESPONSE_RECORDED: "response recorded",
    NotificationKind.FEEDBACK_RECEIVED: "compliment or comment",
    NotificationKind.FILE_SCANNED: "file scanned for viruses",
    NotificationKind.COMPLAINT_NOT_TAKEN: "complaint refused or downgraded",
    NotificationKind.OWNER_RETIRED: "case of an officer who has left",
}
# Case updates whose date is worked out afresh when the letter goes, and never given once past.
_DATED_UPDATES = ("downgraded", "retimed")

ROLE_TITLES: dict[Role, str] = {
    Role.OWNER: "officer dealing with the case",
    Role.HEAD_OF_SERVICE: "Head of Service",
    Role.CORPORATE_COMPLAINTS_OFFICER: "Corporate Complaints Officer",
    Role.CHIEF_EXECUTIVE: "Chief Executive",
}
_FORMATS: dict[AccessibleFormat, str] = {
    AccessibleFormat.LARGE_PRINT: "large print",
    AccessibleFormat.EASY_READ: "easy read",
    AccessibleFormat.BRAILLE: "braille",
    AccessibleFormat.AUDIO: "audio",
}
# What staff must make of a letter in a format the checker cannot produce itself. Large print it
# can: every letter to that customer carries a large-print PDF.
_PRODUCED_AS: dict[AccessibleFormat, str] = {
    AccessibleFormat.EASY_READ: "produced in easy read",
    AccessibleFormat.BRAILLE: "produced in braille",
    AccessibleFormat.AUDIO: "recorded as audio",
}
# Languages residents of English councils most often ask for; any other is named by its code.
_LANGUAGE_NAMES = {
    "cy": "Welsh", "pl": "Polish", "ro": "Romanian", "pa": "Punjabi", "ur": "Urdu",
    "bn": "Bengali", "gu": "Gujarati", "ar": "Arabic", "so": "Somali", "pt": "Portuguese",
    "lt": "Lithuanian", "es": "Spanish", "fr": "French", "it": "Italian", "zh": "Chinese",
    "uk": "Ukrainian", "ru": "Russian", "tr": "Turkish", "fa": "Persian", "ta": "Tamil",
    "bg": "Bulgarian", "lv": "Latvian", "hu": "Hungarian", "sk": "Slovak", "cs": "Czech",
}  # fmt: skip


# A name as people write names: letters, spaces, hyphens, apostrophes and full stops, short.
_PLAIN_NAME = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '.\-]){0,39}")


def customer_reply_day(evaluation: Evaluation, stage: int) -> date | None:
    """The day the customer is given to expect a reply at `stage`: the date a holding update
    gave them, where one did, else the response clock's due day."""
    clocks = [c for c in evaluation.clocks if c.stage == stage and c.due_day is not None]
    promised = [c.due_day for c in clocks if c.kind is PromiseKind.PROMISED_DATE]
    if promised:
        return max(d for d in promised if d is not None)
    due = [c.due_day for c in clocks if c.kind is PromiseKind.RESPONSE]
    return min((d for d in due if d is not None), default=None)


def may_repeat_their_words(case: Case) -> bool:
    """Whether letters may repeat what the customer wrote (the subject, their name as given).
    Not to an address nobody has shown to be theirs: anyone can type someone else's address
    into the form or a Reply-To, and the council's mail must not carry a stranger's words to
    it. Cases staff logged by hand, and email whose sender's domain passed DMARC, may."""
    if case.channel not in (Channel.EMAIL, Channel.WEB):
        return True
    return case.customer.email_verified


def wants_large_print(case: Case) -> bool:
    """Every letter to this customer is set in large print, the email and its PDF alike."""
    return case.preferences.accessible_format is AccessibleFormat.LARGE_PRINT


def greeting_name(case: Case) -> str | None:
    """The name a customer letter opens with; "customer" stands in (None) for a name that may
    not be repeated and does not look like a name."""
    name = (case.customer.name or "").strip()
    if not name:
        return None
    if may_repeat_their_words(case) or _PLAIN_NAME.fullmatch(name):
        return name
    return None


@dataclass(frozen=True)
class ReplyDate:
    """The reply date a letter gives (never before the working day after it goes), and the
    date we aimed for or gave and have missed, which the letter says sorry for."""

    day: date | None
    missed: date | None = None


@dataclass(frozen=True)
class Route:
    """How a customer letter reaches the customer when it cannot be emailed."""

    reason: str  # why not by email, in staff words
    how: str  # "by post", "by phone", "another way"
    detail: str | None  # the address or phone number staff need


def roles_text(roles: tuple[Role, ...], conjunction: str = "and") -> str:
    """`Head of Service and Corporate Complaints Officer`; the owner when no role is named."""
    titles = [ROLE_TITLES[r] for r in roles or (Role.OWNER,)]
    if len(titles) == 1:
        return titles[0]
    return f"{', '.join(titles[:-1])} {conjunction} {titles[-1]}"


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

    # -- facts ------------------------------------------------------------------------------

    def _promise(self, case: Case, kind: PromiseKind) -> Promise | None:
        return next((p for p in self.policy.promises_for(case) if p.kind is kind), None)

    def reply_due(self, case: Case, at: datetime) -> date | None:
        """The day the customer is promised a reply, counting from an acknowledgement at `at`
        where the policy counts from the acknowledgement."""
        if case.stage_2 is not None:
            acknowledged = (
                case
                if case.stage_2.acknowledged_at
                else replace(case, stage_2=replace(case.stage_2, acknowledged_at=at))
            )
        else:
            acknowledged = case if case.acknowledged_at else replace(case, acknowledged_at=at)
        evaluation = evaluate(acknowledged, self.policy, self.calendar, at)
        days = [
            c.due_day
            for c in evaluation.clocks
            if c.kind is PromiseKind.RESPONSE and c.due_day is not None and c.stage == case.stage
        ]
        return min(days) if days else None

    def update_reply_day(self, case: Case, why: str, at: datetime) -> date | None:
        """The day a re-timed or downgraded case's update gives the customer: its clock's now
        (a holding update's date, where one was given), and never a day past."""
        if why == "retimed":
            day = customer_reply_day(evaluate(case, self.policy, self.calendar, at), case.stage)
        else:
            day = self.reply_due(case, at)
        if day is None or day < self.calendar.local(at).date():
            return None
        return day

    def reply_still_due(self, case: Case, at: datetime) -> date | None:
        """The day the case's running response clock falls due, if that day has not passed:
        what a letter may say the customer can still expect a reply by. None once the clock is
        met, breached or not started (a letter never promises a day already gone)."""
        today = self.calendar.local(at).date()
        days = [
            c.due_day
            for c in evaluate(case, self.policy, self.calendar, at).clocks
            if c.kind is PromiseKind.RESPONSE
            and c.stage == case.stage
            and c.state is ClockState.RUNNING
            and c.due_day is not None
            and c.due_day >= today
        ]
        return min(days) if days else None

    def reply_date(self, case: Case, at: datetime, *, may_wait: bool = False) -> ReplyDate:
        """The reply date a letter going at `at` gives: the response's due day while it is
        still to come; once it is today or past, the date a letter gave since, if that is still
        to come, or else a new date counted from today (`reply_day_after_delay`). With
        `may_wait`, a reply still due today leaves the letter without a date (a progress
        update on the due day: the reply may yet go today, and the apology follows if not)."""
        due_day = self.reply_due(case, at)
        if due_day is None:
            return ReplyDate(None)
        today = self.calendar.local(at).date()
        earliest = self.calendar.next_working_day(today)
        if due_day >= earliest:
            return ReplyDate(due_day)
        if may_wait and due_day == today:
            return ReplyDate(None)
        told = (
            self.calendar.local(case.expected_reply_by).date()
            if case.expected_reply_by is not None
            else None
        )
        if told is not None and told >= earliest:
            return ReplyDate(told, missed=due_day)
        response = self.policy.response_promise(case)
        assert response is not None  # a due day comes from a response promise
        missed = max(due_day, told) if told is not None else due_day
        return ReplyDate(reply_day_after_delay(response, self.calendar, today), missed=missed)

    def promised_reply(self, case: Case, duty: Duty, at: datetime) -> ReplyDate:
        """The reply date the customer letter for `duty` gives: the letter says it, and the
        case records it with the letter as the promise the customer now holds."""
        if duty.kind in (Action.SEND_HOLDING_UPDATE, Action.APOLOGISE_FOR_DELAY):
            # The engine's date for a letter going at `at` (a sweep recording a letter an
            # earlier one sent asks as of when it went).
            evaluation = evaluate(case, self.policy, self.calendar, at)
            owed = next(
                (a for a in (*evaluation.owed, *evaluation.upcoming) if a.key == duty.key),
                duty.owed,
            )
            return ReplyDate(owed.expected_reply_by if owed else None)
        if duty.kind in (
            NotificationKind.FORMAL_RESPONSE,
            NotificationKind.OFFICER_MESSAGE,
            NotificationKind.COMPLAINT_REFUSED,
        ):
            return ReplyDate(None)
        if duty.kind is NotificationKind.REPLY_ACKNOWLEDGEMENT:
            return ReplyDate(self.reply_still_due(case, at))
        why = duty.notification.details.get("why") if duty.notification else None
        if duty.kind is NotificationKind.CASE_UPDATE and why in _DATED_UPDATES:
            return ReplyDate(self.update_reply_day(case, why, at))
        return self.reply_date(case, at, may_wait=duty.kind is Action.SEND_PROGRESS_UPDATE)

    def expected_reply_by(self, day: date) -> datetime:
        # The end of office hours that day: read back as a date, it is still that day.
        return self.calendar.at(day, self.calendar.office_closes)

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

    def route(self, case: Case) -> Route | None:
        """None when the customer can be emailed; else how to reach them by hand."""
        customer = case.customer
        method = case.preferences.contact_method
        if method is ContactMethod.EMAIL and valid_address(customer.email):
            return None
        if method is ContactMethod.LETTER:
            reason = "they asked to be contacted by letter"
        elif method is ContactMethod.PHONE:
            reason = "they asked to be contacted by phone"
        elif customer.email:
            reason = "the email address on the case is not one we can send to"
        else:
            reason = "there is no email address on the case"
        if method is ContactMethod.PHONE and customer.phone:
            return Route(reason, "by phone", f"Phone: {customer.phone}")
        if customer.address:
            return Route(reason, "by post", f"Address: {customer.address}")
        if customer.phone:
            return Route(reason, "by phone", f"Phone: {customer.phone}")
        return Route(reason, "another way", None)

    def route_without_email(self, case: Case) -> Route:
        """How to reach the customer when their email address does not work."""
        route = self.route(replace(case, customer=replace(case.customer, email=None)))
        assert route is not None  # without an address there is always another way
        return route

    def customer_requests(self, case: Case) -> tuple[list[str], list[str]]:
        """What the customer asked for that staff must arrange, and the letters that will go
        to them in English although they asked for another language."""
        preferences = case.preferences
        requests: list[str] = []
        if preferences.accessible_format is not None:
            requests.append(_FORMATS[preferences.accessible_format])
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
                requests.append(f"letters in {_LANGUAGE_NAMES.get(language, language)}")
        return requests, english_only

    def letter_needs(self, case: Case, letter: Letter) -> list[str]:
        """What staff must do to this letter before it reaches the customer, in staff words
        (`translated into Polish`, `produced in braille`): nothing for a letter in the language
        they asked for and in print they can read. Such a letter goes to the owner, never to
        the customer as it is."""
        preferences = case.preferences
        needs: list[str] = []
        language = primary_language(preferences.language)
        if language != letter.language:
            needs.append(f"translated into {_LANGUAGE_NAMES.get(language, language)}")
        if preferences.accessible_format in _PRODUCED_AS:
            needs.append(_PRODUCED_AS[preferences.accessible_format])
        # An interpreter is for speaking with the customer: a letter in the language they read
        # goes as written (the owner is told once to arrange one for calls and visits), so an
        # acknowledgement is never held back for it.
        return needs

    def letters_held(self, case: Case) -> bool:
        """Whether some letter to the customer will go to the owner to be made into what they
        asked for, rather than to them."""
        preferences = case.preferences
        return preferences.accessible_format in _PRODUCED_AS or bool(
            self.customer_requests(case)[1]
        )

    def needs_notice(self, case: Case) -> bool:
        return bool(self.customer_requests(case)[0])

    def _applies(self, case: Case, action: Action) -> bool:
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
        officer = self.directory.officer(officer_id)
        return officer.name if officer else (officer_id or "someone")

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
        # Every letter leads to the case's own page (sign-in by a link to the case's address).
        facts["case_url"] = self.council.case_page_url(case.reference)
        facts["today"] = self.calendar.local(at).date()
        facts["ombudsman"] = self.council.ombudsman
        facts["by_post"] = by_post
        facts["reply_how"] = reply_how(language, by_post=by_post, address=self.council.address)
        reply = self.promised_reply(case, duty, at)
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
        return self.composer.compose(
            name, language=language, large_print=wants_large_print(case), **facts
        )

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
            "reply_due": self.reply_due(case, at),
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
            **extra,
        }
        return self.composer.compose(name, **facts)

    def _policy_promise(self, clock: str | None) -> Promise | None:
        """The policy's promise behind a clock (none for an action a response promised)."""
        if not clock:
            return None
        try:
            return self.policy.promise(base_promise(clock))
        except KeyError:
            return None
