"""A customer's email after a complaint's stage 1 response: what reads as a stage 2 request, and
what intake makes of it (stage 2 at once, a possible request for staff, or a thank-you)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from sla_monitor.calendar import LONDON
from sla_monitor.cases import CaseStatus, Channel, NotificationKind, Outcome
from sla_monitor.directory import default_directory
from sla_monitor.engine import evaluate
from sla_monitor.listing import Schedule
from sla_monitor.mail.classification import load_classification_rules
from sla_monitor.mail.learned import load_learned_model
from sla_monitor.mail.receive import EmailOutcomeKind, MailIntake
from sla_monitor.mail.stage_2_requests import (
    is_plain_thanks,
    reads_as_stage_2_request,
    stage_2_request_words,
)
from sla_monitor.replies import shortened
from sla_monitor.staff import record_response

from .conftest import COUNCIL_ADDRESS

# The stage 1 response went on Wednesday 4 March 2026; the customer writes back on Monday 9.
RESPONDED = datetime(2026, 3, 4, 15, 0, tzinfo=LONDON)
WROTE = datetime(2026, 3, 9, 10, 0, tzinfo=LONDON)

ASKING = [
    "Please escalate my complaint to stage 2.",
    "I would like this to go to the second stage of your complaints procedure.",
    "Stage two please.",
    "I want an independent review of this.",
    "Please review my complaint again, the bins are still not collected.",
    "Can my complaint be reviewed by someone else please",
    "I am not happy with your response at all.",
    "I'm not satisfied with the outcome.",
    "I am dissatisfied with the council's response.",
    "Unhappy with the decision.",
    "I am not happy so please escalate this.",
    "I will be taking this further.",
    "I wish to appeal.",
    "Thank you for your letter, but I am not satisfied. Please look at my complaint again.",
    "Nobody called me back, so I\u2019d like to escalate it.",
]
NOT_ASKING = [
    "Thank you for your response, that's all sorted now.",
    "Thanks, I'm happy with the outcome.",
    "Thank you for reviewing my complaint so quickly.",
    "No need to escalate, thank you.",
    "I do not want to take it further.",
    "I don't need a review.",
    "I'm not going to appeal.",
    "When will the repair be done?",
    # Unhappy, but not said to be with the council's answer: staff decide.
    "I am not happy with this.",
]


@pytest.mark.parametrize("text", ASKING)
def test_the_council_s_words_for_stage_2_read_as_a_request(text):
    assert reads_as_stage_2_request(text)


@pytest.mark.parametrize("text", NOT_ASKING)
def test_thanks_a_no_and_other_words_do_not(text):
    assert not reads_as_stage_2_request(text)


def test_the_words_that_ask_are_given_as_written():
    assert stage_2_request_words("Hello. I am NOT satisfied with the outcome!") == (
        "NOT satisfied with the outcome"
    )


@pytest.mark.parametrize(
    ("text", "thanks"),
    [
        ("Thank you for your response, that's all sorted now.", True),
        ("Many thanks!", True),
        ("Thanks, but when will the repair happen?", False),
        ("Thank you. I am still waiting for the repair.", False),
        ("Thanks. Please escalate this to stage 2.", False),
        ("The bin was collected.", False),
    ],
)
def test_a_plain_thank_you_is_told_apart(text, thanks):
    assert is_plain_thanks(text) is thanks


def test_the_reason_is_the_customer_s_words_shortened():
    words = "I am not satisfied with the outcome. " * 20
    reason = shortened(words)
    assert len(reason) <= 300 and reason.endswith("\u2026")
    assert reason.startswith("I am not satisfied with the outcome. I am")
    assert shortened("  one\n two  ") == "one two"


# -- intake ------------------------------------------------------------------------------------


@pytest.fixture
def intake(store, raw_mail, policy, calendar) -> MailIntake:
    """Email intake that can choose a stage 2 reviewer from the council's directory."""
    return MailIntake(
        store=store,
        policy=policy,
        calendar=calendar,
        raw_mail=raw_mail,
        rules=load_classification_rules(),
        model=load_learned_model(),
        reference_prefix="NWL",
        council_addresses=frozenset({COUNCIL_ADDRESS}),
        directory=default_directory,
    )


@pytest.fixture
def answered(deliver, store, policy, calendar):
    """Jane's complaint, answered at stage 1 by the Head of Housing and closed."""
    outcome, _ = deliver("plain_complaint")
    case = store.get_case(outcome.reference)
    store.save_case(replace(case, department="housing"), schedule=Schedule(None))
    return record_response(
        outcome.reference,
        summary="The planning team has now called you back.",
        outcome=Outcome.NOT_UPHELD,
        by="head-housing",
        store=store,
        policy=policy,
        calendar=calendar,
        now=RESPONDED,
    )


def reply_email(reference: str, words: str, number: int = 1) -> bytes:
    """Jane's reply, quoting the response letter (whose own words mention stage 2)."""
    return (
        "From: Jane Resident <jane.resident@example.org>\n"
        "To: customer.services@nwleicestershire.gov.uk\n"
        f"Subject: RE: {reference}: our response to your complaint\n"
        "Date: Mon, 9 Mar 2026 10:00:00 +0000\n"
        f"Message-ID: <stage-2-reply-{number}@example.org>\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        f"{words}\n\n"
        "On Wed, 4 Mar 2026 at 15:00, Customer Services wrote:\n"
        "> If you are not satisfied with this response, you can ask for your complaint to be\n"
        "> reviewed at stage 2 of our complaints procedure.\n"
    ).encode()


def test_an_email_asking_for_stage_2_starts_it_from_the_reply(
    deliver, store, answered, policy, calendar
):
    words = "I am not satisfied with the outcome. Nobody has called me back at all."

    outcome, _ = deliver(reply_email(answered.reference, words), received_at=WROTE)

    assert (outcome.kind, outcome.reference) == (EmailOutcomeKind.REPLY, answered.reference)
    case = store.get_case(answered.reference)
    assert (case.status, case.stage) == (CaseStatus.OPEN, 2)
    assert case.stage_2.requested_at == WROTE  # the Code's five days run from the email
    assert (case.stage_2.channel, case.stage_2.reason) == (Channel.EMAIL, words)
    # Never the stage 1 officer, nor the Head of Service stage 1 went to.
    assert case.assigned_officer == "complaints-officer"
    assert case.possible_stage_2_at is None
    timeline = store.timeline(answered.reference)
    [request] = [e for e in timeline if e.kind == "stage_2_requested"]
    assert (request.actor, request.at) == ("customer", WROTE)
    assert request.summary == "stage 2 review requested by email; assigned to complaints-officer"
    # The reviewer is told; the Head of Service and the Corporate Complaints Officer get the
    # stage 2 handover; the customer's acknowledgement is owed at once.
    [told] = [n for n in case.notifications if n.kind is NotificationKind.STAGE_2_REQUESTED]
    assert told.officers == ("complaints-officer",)
    evaluation = evaluate(case, policy, calendar, WROTE)
    owed = {(a.key, a.recipients) for a in evaluation.owed}
    assert ("acknowledge:stage_2", ()) in owed
    assert any(a.key.startswith("handover:pass_stage_2") for a in evaluation.owed)
    # Nothing was put to staff as a possible request.
    assert not [n for n in case.notifications if n.kind is NotificationKind.POSSIBLE_STAGE_2]


def test_an_email_that_may_ask_reopens_the_complaint_for_staff_to_decide(deliver, store, answered):
    deliver(reply_email(answered.reference, "I am not happy with this."), received_at=WROTE)

    case = store.get_case(answered.reference)
    assert (case.status, case.stage, case.possible_stage_2_at) == (CaseStatus.OPEN, 1, WROTE)
    kinds = {n.kind: n for n in case.notifications_unsent()}
    assert kinds[NotificationKind.POSSIBLE_STAGE_2].roles == (
        "owner",
        "corporate_complaints_officer",
    )
    assert kinds[NotificationKind.POSSIBLE_STAGE_2].details["words"] == "I am not happy with this."
    assert NotificationKind.POSSIBLE_STAGE_2_ACKNOWLEDGEMENT in kinds
    # In the open cases (the work list reads them).
    assert answered.reference in {c.reference for c in store.open_cases()}

    # Asked plainly the next day, it goes to stage 2, timed from the first message.
    deliver(
        reply_email(answered.reference, "Yes, please escalate it to stage 2.", number=2),
        token="second-reply",
        received_at=WROTE + timedelta(days=1),
    )
    case = store.get_case(answered.reference)
    assert (case.stage, case.possible_stage_2_at) == (2, None)
    assert case.stage_2.requested_at == WROTE


def test_a_plain_thank_you_leaves_the_complaint_closed(deliver, store, answered):
    deliver(reply_email(answered.reference, "Thank you, that's all sorted now."), received_at=WROTE)

    case = store.get_case(answered.reference)
    assert (case.status, case.stage, case.possible_stage_2_at) == (CaseStatus.CLOSED, 1, None)
    told = {n.kind: n for n in case.notifications_unsent()}
    assert told[NotificationKind.CUSTOMER_REPLIED].roles == ("owner",)
    assert NotificationKind.POSSIBLE_STAGE_2 not in told


def test_after_the_window_a_reply_reopens_the_complaint_as_before(deliver, store, answered):
    late = WROTE + timedelta(days=60)

    deliver(reply_email(answered.reference, "Please escalate to stage 2."), received_at=late)

    case = store.get_case(answered.reference)
    assert (case.status, case.stage, case.possible_stage_2_at) == (CaseStatus.OPEN, 1, None)
    assert case.reopened_at == late
