"""Residents' own cases online: sign in by a one-time link sent to their email address, see
their ongoing and past cases, send more information, ask for stage 2, change their preferences.

A resident is known only by the address the link was sent to: the cases they see are those whose
email address is that address (through the customer-cases index, by its digest), and nothing of
another resident's is ever shown. A sign-in link is random, kept only as a digest, works once
and for `SIGN_IN_LINK_LIFETIME`; requests for links are limited per mailbox and per computer.

Every function takes its collaborators and `now`; none reads the clock or the environment. What
the resident sends goes through the same use cases as email and staff (`record_customer_reply`,
`request_stage_2`, `change_case`), so the owner is told through the case's outbox. Those load
with the first thing a resident sends: reading one's cases, the pages' commonest work, does not
need them, and a cold start does not pay for them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    AccessibleFormat,
    Case,
    CaseType,
    Channel,
    NotificationKind,
    Preferences,
    TimelineEvent,
)
from sla_monitor.checker.reply_dates import customer_reply_day
from sla_monitor.directory import Directory
from sla_monitor.engine import Clock, ClockState
from sla_monitor.hourly_limits import count_this_hour, mailbox
from sla_monitor.intake import CUSTOMER
from sla_monitor.policy_terms import PromiseKind, Role
from sla_monitor.store.ports import (
    ArrivalCounters,
    CaseRecords,
    CaseStore,
    ResidentAccess,
    SignInLink,
    customer_key,
    normalise_email,
)

SIGN_IN_LINK_LIFETIME = timedelta(minutes=20)
ACTOR = CUSTOMER  # what a resident does on their own cases
MAX_INFORMATION = 5000
_REFERENCE = re.compile(r"^[A-Z]{2,6}-\d{4}-\d{6}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{40,64}$")

if TYPE_CHECKING:
    from sla_monitor.intake import Attachment
    from sla_monitor.policy import Policy


class NotYourCase(LookupError):
    """No case of the signed-in resident has that reference (it may be someone else's, or
    none): the pages answer exactly as for a case that does not exist."""


class StepNotAvailable(ValueError):
    """What the resident asked for cannot be done on this case as it stands; the message says
    why, in words for the resident."""


@dataclass(frozen=True)
class SignInLimits:
    """How many sign-in links one address, and one computer, may ask for in an hour. Beyond
    them no link is sent, and the page says exactly what it says otherwise."""

    per_address: int = 5
    per_source: int = 30


@dataclass(frozen=True)
class IssuedLink:
    """A link to email: the token is in the link only, never stored."""

    address: str
    token: str
    expires_at: datetime


def is_reference(text: str | None) -> bool:
    return bool(text) and _REFERENCE.match(text or "") is not None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _over_limit(kind: str, value: str, limit: int, *, at: datetime, store: ArrivalCounters) -> bool:
    return count_this_hour(f"sign-in-{kind}", value, at=at, store=store) > limit


def request_sign_in_link(
    address: str,
    *,
    source: str | None,
    return_to: str | None,
    now: datetime,
    store: CaseStore,
    limits: SignInLimits,
) -> IssuedLink | None:
    """A link to send to `address`, or None: no case has that address, or too many links were
    asked for. The caller shows the same page either way, so nobody learns whether an address
    has cases with the council."""
    normalised = normalise_email(address)
    key = customer_key(normalised)
    if normalised is None or key is None:
        return None
    # Both counters count every request, known address or not, so the limit says nothing.
    over = _over_limit("address", mailbox(normalised), limits.per_address, at=now, store=store)
    if source:
        over = _over_limit("source", source, limits.per_source, at=now, store=store) or over
    if over or not store.cases_of_customer(key):
        return None
    token = secrets.token_urlsafe(32)
    expires_at = now + SIGN_IN_LINK_LIFETIME
    store.keep_sign_in_link(
        SignInLink(
            token_digest=token_digest(token),
            customer_key=key,
            issued_at=now,
            expires_at=expires_at,
            return_to=return_to if is_reference(return_to) else None,
        )
    )
    return IssuedLink(address=normalised, token=token, expires_at=expires_at)


def use_sign_in_link(token: str, *, now: datetime, store: ResidentAccess) -> SignInLink | None:
    """The link's resident, once: None for a link never issued, used before, or expired."""
    if not _TOKEN.match(token or ""):
        return None
    link = store.use_sign_in_link(token_digest(token))
    if link is None or now >= link.expires_at:
        return None
    # The digest was looked up by its own value; compare again in constant time all the same.
    if not hmac.compare_digest(link.token_digest, token_digest(token)):
        return None
    return link


# -- what a resident sees --------------------------------------------------------------------


def cases_of(resident: str, *, store: ResidentAccess) -> list[Case]:
    """The resident's cases, newest first."""
    return sorted(store.cases_of_customer(resident), key=lambda c: c.received_at, reverse=True)


def case_of(resident: str, reference: str, *, store: CaseRecords) -> Case:
    """The resident's case with this reference; `NotYourCase` for any other."""
    case = store.get_case(reference) if is_reference(reference) else None
    if case is None or customer_key(case.customer.email) != resident:
        raise NotYourCase(reference)
    return case


def reply_expected_by(
    case: Case, clocks: Sequence[Clock], *, calendar: WorkingDayCalendar
) -> datetime | None:
    """When the resident can expect a reply to an open case, from its clocks as the engine
    reads them now: the one date the clock holds (the date a holding update gave, else the
    response clock of the case's stage, with its pauses, extensions and closure days), as the
    staff pages show it. None for a closed case or one without a response promise."""
    if not case.is_open:
        return None
    day = customer_reply_day(clocks, case.stage)
    return calendar.at(day, calendar.office_closes) if day is not None else None


def reply_dates_missed(clocks: Sequence[Clock]) -> tuple[date, ...]:
    """The reply dates the council gave a case and did not keep, from its clocks as the engine
    reads them now. A breach stays one: a date missed is shown for ever, whatever was granted
    or answered later."""
    return tuple(
        sorted(
            {
                c.missed_day
                for c in clocks
                if c.kind in (PromiseKind.RESPONSE, PromiseKind.PROMISED_DATE)
                and c.state is ClockState.BREACHED
                and c.missed_day is not None
            }
        )
    )


def dealing_with_it(case: Case, directory: Directory, council_name: str) -> str:
    """Who is dealing with the case, as letters name them: the officer and their service, or
    the service while nobody is assigned."""
    department = directory.department_of(case)
    service = department.name if department else council_name
    owner = directory.officer(case.assigned_officer) if case.assigned_officer else None
    if owner is not None and not owner.retired:
        return f"{owner.name}, {owner.job_title}, {service}" if owner.job_title else owner.name
    return service


def stage_2_open_until(
    case: Case, *, policy: Policy, calendar: WorkingDayCalendar
) -> datetime | None:
    """The last moment the resident may ask for stage 2: a complaint with a stage 1 response,
    not at stage 2 already, within the policy's `stage_2_request_window`. None otherwise."""
    stage_1 = case.response_at(1)
    if case.case_type is not CaseType.COMPLAINT or case.stage_2 is not None or stage_1 is None:
        return None
    last_day = calendar.add_working_days(
        calendar.start_day(stage_1.recorded_at), policy.stage_2_request_window
    )
    return calendar.at(last_day, calendar.office_closes)


# -- what a resident does ----------------------------------------------------------------------


def _information_key(submission_id: str) -> str:
    return f"your-cases:{submission_id}"


def information_sent(submission_id: str, *, store: CaseRecords) -> bool:
    """Whether this submission of more information was taken in already (a double click, the
    same form sent again): nothing of it is kept or recorded a second time."""
    return store.find_delivery(_information_key(submission_id)) is not None


def send_more_information(
    reference: str,
    text: str,
    *,
    resident: str,
    submission_id: str,
    attachments: tuple[Attachment, ...] = (),
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
    directory: Directory | None = None,
) -> Case:
    """Add what the resident wrote to their case as a customer reply: the owner is told, a
    paused clock resumes, a closed case reopens (or, soon after a complaint's stage 1
    response, goes to stage 2 when it asks for it, or waits for staff to decide when it may),
    exactly as for an emailed reply. Once per submission."""
    from sla_monitor.intake import CustomerReply
    from sla_monitor.replies import record_customer_reply

    case = case_of(resident, reference, store=store)
    body = text.strip()
    if not body and not attachments:
        raise StepNotAvailable("Enter the information you want to send")
    if len(body) > MAX_INFORMATION:
        raise StepNotAvailable(f"Information must be {MAX_INFORMATION} characters or fewer")
    return record_customer_reply(
        CustomerReply(
            reference=case.reference,
            received_at=now,
            channel=Channel.WEB,
            summary="the customer sent more information through their online account",
            body=body,
            idempotency_key=_information_key(submission_id),
            attachments=attachments,
        ),
        store=store,
        policy=policy,
        calendar=calendar,
        now=now,
        directory=directory,
    )


def ask_for_stage_2(
    reference: str,
    reason: str,
    *,
    resident: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
) -> Case:
    """Take the resident's complaint to stage 2 after its stage 1 response, within the
    policy's window. When no officer who did not handle stage 1 can be found automatically,
    the request reaches the officer as a possible stage 2 request for them to arrange."""
    from sla_monitor.intake import CustomerReply
    from sla_monitor.replies import record_customer_reply
    from sla_monitor.staff import ActionNotAllowed, request_stage_2

    case = case_of(resident, reference, store=store)
    until = stage_2_open_until(case, policy=policy, calendar=calendar)
    if until is None or now > until:
        raise StepNotAvailable("This case cannot be taken to stage 2 online")
    why = reason.strip()
    if not why:
        raise StepNotAvailable("Tell us why you are not satisfied with our response")
    if len(why) > MAX_INFORMATION:
        raise StepNotAvailable(f"Your reason must be {MAX_INFORMATION} characters or fewer")
    try:
        return request_stage_2(
            case.reference,
            reason=why,
            channel=Channel.WEB,
            by=ACTOR,
            store=store,
            policy=policy,
            calendar=calendar,
            directory=directory,
            now=now,
        )
    except ActionNotAllowed:
        return record_customer_reply(
            CustomerReply(
                reference=case.reference,
                received_at=now,
                channel=Channel.WEB,
                summary="the customer asked for stage 2 through their online account",
                body=why,
            ),
            store=store,
            policy=policy,
            calendar=calendar,
            now=now,
        )


def change_preferences(
    reference: str,
    *,
    language: str,
    accessible_format: AccessibleFormat | None,
    interpreter: bool,
    resident: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Change how the resident wants to hear about their case; the owner is told, so someone
    arranges a format or an interpreter."""
    from sla_monitor.staff import change_case

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        if customer_key(case.customer.email) != resident:
            raise NotYourCase(reference)
        preferences = replace(
            case.preferences,
            language=language,
            accessible_format=accessible_format,
            interpreter=interpreter,
        )
        changed = replace(case, preferences=preferences)
        wanted = describe_preferences(preferences)
        changed = changed.notify(
            NotificationKind.CUSTOMER_REPLIED,
            at=now,
            roles=(Role.OWNER.value,),
            preferences=wanted,
        )
        return changed, TimelineEvent(
            at=now,
            kind="preference",
            actor=ACTOR,
            summary=f"the customer changed their preferences online: {wanted}",
        )

    case_of(resident, reference, store=store)
    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


_FORMAT_WORDS = {
    AccessibleFormat.LARGE_PRINT: "large print",
    AccessibleFormat.EASY_READ: "easy read",
    AccessibleFormat.BRAILLE: "braille",
    AccessibleFormat.AUDIO: "audio",
}


def describe_preferences(preferences: Preferences) -> str:
    parts = [f"language {preferences.language}"]
    if preferences.accessible_format is not None:
        parts.append(_FORMAT_WORDS[preferences.accessible_format])
    if preferences.interpreter:
        parts.append("an interpreter")
    return ", ".join(parts)
