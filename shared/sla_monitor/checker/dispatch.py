"""Sending what one claimed duty owes, and saying what became of it.

A customer letter goes by email, or, where the customer cannot be emailed, to the owner to send
by post or phone (with the letter as an A4 PDF); where the customer asked for a language or
format the checker cannot write, to the owner to have it made and sent. A staff alert goes to
the officers it names and those holding its roles. Sends are retried on throttling and brief
outages with back-off, never into the time the sweep needs to finish; a message refused for good
is recorded and the owner told. The sweep (`checker.sweep`) claims each duty before it comes here
and records the outcome after.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, NotificationKind, SentLetter
from sla_monitor.checker.budget import Budget
from sla_monitor.checker.duties import Duty, Notice
from sla_monitor.checker.letters import LetterWriter
from sla_monitor.checker.mailer import (
    Mailer,
    OutboundEmail,
    PermanentSendError,
    SentEmail,
    TransientSendError,
)
from sla_monitor.checker.message_kinds import roles_text
from sla_monitor.checker.messages import Attachment, Letter, build_email, new_message_id
from sla_monitor.checker.outcomes import Delivery, Outcome
from sla_monitor.checker.preferences import (
    Route,
    letter_needs,
    route_by_hand,
    route_without_email,
    wants_large_print,
)
from sla_monitor.engine import Action, Evaluation
from sla_monitor.policy_terms import Role
from sla_monitor.representation import addressed_case, addressees, copies_to, copy_by_hand
from sla_monitor.store.ports import Claim

if TYPE_CHECKING:
    from sla_monitor.council import Council


@dataclass(frozen=True)
class Dispatch:
    """Delivers the duties of one sweep, each once the sweep holds its claim."""

    council: Council
    calendar: WorkingDayCalendar
    writer: LetterWriter
    mailer: Mailer
    sender: str
    budget: Budget
    sleep: Callable[[float], None]
    send_attempts: int
    first_retry_delay: timedelta
    # Retries stop when less than this would be left of the budget.
    reserve: timedelta

    def deliver(self, case: Case, duty: Duty, evaluation: Evaluation, at: datetime) -> Outcome:
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
        day = self.writer.reply_dates.promised_reply(case, duty, at).day
        if day is not None:
            fields["expected_reply_by"] = self.writer.reply_dates.expected_reply_by(day)
            fields["promised_day"] = day
        return fields

    def _to_customer(self, case: Case, duty: Duty, evaluation: Evaluation, at: datetime) -> Outcome:
        # Where letters go to someone acting for the customer, their details stand for the
        # customer's; where they go to both, the representative has a copy.
        original = case
        whom = addressees(case).in_words
        copies, copy_detail = copies_to(case), copy_by_hand(case)
        case = addressed_case(case)
        route = route_by_hand(case)
        if route is not None and copy_detail:
            route = replace(route, detail="\n".join(d for d in (route.detail, copy_detail) if d))
        letter = self.writer.customer_letter(original, duty, at, by_post=route is not None)
        needs = letter_needs(case, letter)
        if needs:
            outcome = self._to_produce(case, duty, evaluation, at, letter, route, needs)
            return replace(outcome, addressed_to=whom)
        if route is not None:
            return replace(
                self._by_hand(case, duty, evaluation, at, letter, route), addressed_to=whom
            )
        assert case.customer.email is not None
        # A customer who asked for large print gets every letter with a large-print PDF of it,
        # to read on screen or print; the email itself is set large too.
        attachments = (self._printable(case, letter, at),) if wants_large_print(case) else ()
        kept = _as_sent(letter, attachments)
        outbound = build_email(
            letter,
            council=self.council,
            sender=self.sender,
            to=[case.customer.email, *copies],
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
            return replace(
                self._refused(case, duty, evaluation, at, letter, error.reason), addressed_to=whom
            )
        return Outcome(
            duty=duty,
            delivery=Delivery.EMAILED,
            sent_at=at,
            provider_id=sent.provider_id,
            message_ids=sent.message_ids,
            audience=addressees(original).audience,
            addressed_to=whom,
            language=letter.language,
            letter=kept,
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
        printable = (self._printable(case, letter, at),)
        sent, officers = self._send_to_officers(
            case, (Role.OWNER,), task, duty, at, attachments=printable
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
            letter=_as_sent(letter, printable),
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
        printable = (self._printable(case, letter, at),)
        sent, officers = self._send_to_officers(
            case, (Role.OWNER,), task, duty, at, attachments=printable
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
            letter=_as_sent(letter, printable),
            **self._customer_fields(case, duty, at, delivered=False),
        )

    def _printable(self, case: Case, letter: Letter, at: datetime) -> Attachment:
        return printable_attachment(self.council, self.calendar, case, letter, at)

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
            route_detail=route_without_email(case).detail,
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
            letter=_as_sent(letter, ()),
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
        delay = self.first_retry_delay
        attempt = 1
        while True:
            try:
                return self.mailer.send(outbound)
            except TransientSendError:
                remaining = self.budget.remaining()
                if attempt >= self.send_attempts or (
                    remaining is not None and remaining - delay < self.reserve
                ):
                    raise
            # Jitter spreads concurrent sweeps' retries apart; it is not for security.
            self.sleep(delay.total_seconds() * (0.5 + random.random() / 2))  # noqa: S311
            delay *= 2
            attempt += 1

    def recovered(
        self, case: Case, duty: Duty, claim: Claim, at: datetime, letter: SentLetter | None
    ) -> Outcome:
        delivery = Delivery(claim.outcome) if claim.outcome else Delivery.EMAILED
        sent_at = claim.sent_at or at
        fields = (
            self._customer_fields(case, duty, sent_at, delivered=delivery is Delivery.EMAILED)
            if duty.to_customer and delivery is not Delivery.FAILED
            else {}
        )
        emailed_customer = duty.to_customer and delivery is Delivery.EMAILED
        route = route_by_hand(addressed_case(case)) if delivery is Delivery.TASK else None
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
            letter=letter if duty.to_customer else None,
            **fields,
        )


def printable_attachment(
    council: Council, calendar: WorkingDayCalendar, case: Case, letter: Letter, at: datetime
) -> Attachment:
    """The customer's letter as an A4 PDF with the council's address block, to post."""
    # fpdf2, fontTools and Pillow load with the first letter to post, not with the sweep.
    from sla_monitor.checker.printable import printable_letter

    body = letter.text.split("\n--\n", 1)[0].rstrip()  # the email footer is the letterhead
    data = printable_letter(
        council=council,
        recipient_name=case.customer.name,
        recipient_address=case.customer.address,
        reference=case.reference,
        dated=calendar.local(at).date(),
        subject=letter.subject,
        body_text=body,
        language=letter.language,
        large_print=wants_large_print(case),
    )
    return Attachment(
        filename=f"{case.reference}-letter.pdf", content_type="application/pdf", data=data
    )


def _as_sent(letter: Letter, attachments: tuple[Attachment, ...]) -> SentLetter:
    """The customer letter as it goes: the words of its plain-text part, and its PDF if one was
    made."""
    pdf = next((a.data for a in attachments if a.content_type == "application/pdf"), None)
    return SentLetter(subject=letter.subject, text=letter.text, pdf=pdf)
