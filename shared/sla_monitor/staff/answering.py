"""Answering an enquiry or a service request in the officer's own words, and closing a case
without a letter where the council allows it.

"Reply and answer" is one step: the officer's reply goes to the customer (signed with their name
and job title) and is recorded as the case's answer, so the promise to respond is kept when it
goes. Complaints keep the formal response and its letter (`staff.record_response`).

"Close without a letter" closes a case for one of the council's reasons (council.yaml,
`closing_without_a_letter`) or another in the officer's words. Whether the promise to respond is
kept follows from the reason, as the council set it: a matter resolved by phone is the reply; a
duplicate or a request withdrawn is not, and the promise is closed without a reply. A breach
already recorded stays one, whatever the reason.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    Case,
    CaseStatus,
    CaseType,
    Closure,
    FormalResponse,
    NotificationKind,
    Outcome,
    TimelineEvent,
)
from sla_monitor.engine import base_promise
from sla_monitor.intake import resume_from_pause
from sla_monitor.staff.conversation import message_words
from sla_monitor.staff.steps import ActionNotAllowed, article, change_case, require_open
from sla_monitor.store.ports import CaseStore

if TYPE_CHECKING:
    from sla_monitor.council import ClosingWithoutALetter
    from sla_monitor.policy import Policy

# The case types answered by a reply in the officer's words; a complaint is answered by the
# formal response letter.
ANSWERED_BY_REPLY = (CaseType.ENQUIRY, CaseType.SERVICE_REQUEST)


def takes_formal_response(case: Case) -> bool:
    """Whether the case is answered with the formal response and its letter (a complaint, a
    compliment or a comment), not with a reply in the officer's words."""
    return case.case_type not in ANSWERED_BY_REPLY


def answer_customer(
    reference: str,
    *,
    text: str,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
    close: bool = True,
) -> Case:
    """Reply and answer: the officer's reply goes to the customer as their answer. The promise
    to respond is kept when it is recorded (late, if it was broken already), the case closes
    unless `close` is False (the work asked for is still to do), and the timeline keeps the
    words as the message sent."""
    words = message_words(text)

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        require_open(case, "answered")
        if case.case_type not in ANSWERED_BY_REPLY:
            how = (
                "with the formal response"
                if case.case_type is CaseType.COMPLAINT
                else "by nobody: no reply is promised"
            )
            raise ActionNotAllowed(f"{article(case.case_type)} is answered {how}")
        if case.response_at(case.stage) is not None or case.responded_at is not None:
            raise ActionNotAllowed(f"{reference} has been answered already")
        response = FormalResponse(
            stage=case.stage,
            outcome=Outcome.ANSWERED,
            findings=words,
            recorded_at=now,
            recorded_by=by,
        )
        changed = replace(
            resume_from_pause(case, at=now),
            responses=(*case.responses, response),
            outcome=Outcome.ANSWERED,
            outcome_summary=words,
            responded_at=now,
            status=CaseStatus.CLOSED if close else CaseStatus.OPEN,
            closed_at=now if close else None,
        )
        changed = changed.notify(
            NotificationKind.OFFICER_MESSAGE, at=now, text=words, sent_by=by, answers="yes"
        )
        late = _response_broken(case, policy)
        summary = (
            f"reply sent to the customer, answering the {case.case_type.label}: the promise to "
            + ("respond is kept late (its breach stays on record)" if late else "respond is kept")
            + ("; the case is closed" if close else "; the case stays open for the work to do")
        )
        return changed, TimelineEvent(
            at=now,
            kind="officer_message",
            actor=by,
            summary=summary,
            details={"text": words, "answers": "yes"},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def close_without_letter(
    reference: str,
    *,
    reason: str,
    by: str,
    closing: ClosingWithoutALetter,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
    other_reason: str | None = None,
) -> Case:
    """Close the case without writing to the customer, for one of the council's reasons (by its
    name) or `other_reason` in the officer's words (`reason` "other"). Its clocks stop: the
    promise to respond is kept where the council counts the reason as the reply, else closed
    without a reply (neither kept nor broken); a breach already recorded stays one."""
    from sla_monitor.council import OTHER_REASON  # the council's settings, loaded when used

    if reason == OTHER_REASON:
        reason_text = (other_reason or "").strip()
        meets_response = False
        if not reason_text:
            raise ActionNotAllowed("say why the case is closed", argument="other_reason")
        if len(reason_text) > 1000:
            raise ActionNotAllowed("a reason is at most 1,000 characters", argument="other_reason")
    else:
        found = closing.reason(reason)
        if found is None:
            raise ActionNotAllowed(
                f"{reason!r} is not one of the council's reasons to close a case without a letter",
                argument="reason",
            )
        reason_text, meets_response = found.text, found.meets_response

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        require_open(case, "closed")
        if not closing.allowed_for(case.case_type):
            raise ActionNotAllowed(
                f"the council does not close {article(case.case_type)} without a letter"
            )
        if case.remedies_outstanding:
            raise ActionNotAllowed(
                f"{reference} promised actions to put things right that are still to do"
            )
        closure = Closure(
            closed_at=now,
            closed_by=by,
            reason=reason,
            reason_text=reason_text,
            meets_response=meets_response,
        )
        changed = replace(
            resume_from_pause(case, at=now),
            closure=closure,
            status=CaseStatus.CLOSED,
            closed_at=now,
            possible_stage_2_at=None,
        )
        if case.responded_at is not None or case.response_at(case.stage) is not None:
            what = "it was answered already"
        elif meets_response:
            what = "the council counts this as the reply, so the promise to respond is kept"
        else:
            what = "no reply was sent: the promise to respond is closed without a reply"
        if _response_broken(case, policy):
            what += " (its breach stays on record)"
        return changed, TimelineEvent(
            at=now,
            kind="closed_without_letter",
            actor=by,
            summary=f"closed without a letter; {what}",
            details={"reason": reason_text},
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def _response_broken(case: Case, policy: Policy) -> bool:
    """Whether the case recorded a breach of its promise to respond (or the date it gave)."""
    promise = policy.response_promise(case)
    return promise is not None and any(
        base_promise(b.clock) == promise.name and b.stage == case.stage for b in case.breaches
    )
