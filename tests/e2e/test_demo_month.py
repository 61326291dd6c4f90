"""The demo's month, played end to end on embedded AWS, keeps the council's promises."""

from __future__ import annotations

import os
from datetime import datetime
from email import message_from_bytes, policy
from unittest import mock

import pytest

from sla_monitor.calendar import LONDON
from sla_monitor.demo.month import MonthOfCasework, MonthResult
from sla_monitor.demo.report import mail_sent_through_ses, tally_promises
from sla_monitor.demo.scenario import END, SCRIPT, Email
from sla_monitor.embedded import embedded_aws
from sla_monitor.engine import Action

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def month():
    quiet = {"POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true"}
    with mock.patch.dict(os.environ, quiet), embedded_aws() as services:
        result = MonthOfCasework(services, on_progress=lambda now: None).play()
        yield services, result, mail_sent_through_ses(services)


def london(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027 if month == 1 else 2026, month, day, hour, minute, tzinfo=LONDON)


def done_for(result: MonthResult, label: str, action: Action):
    reference = result.references[label]
    return [d for d in result.done if d.reference == reference and d.kind is action]


def test_every_email_is_accounted_for(month):
    _, result, _ = month
    emails = [step for step in SCRIPT if isinstance(step, Email)]
    assert set(result.email_outcomes) == {e.label for e in emails}
    assert result.email_outcomes["out-of-office"] == "triage"
    assert result.email_outcomes["bounce"] == "triage"
    assert result.email_outcomes["spam"] == "triage"
    assert result.email_outcomes["missed-bins-reply"] == "reply"
    assert result.email_outcomes["noise-diary"] == "reply"
    cases = {label for label, outcome in result.email_outcomes.items() if outcome == "case"}
    assert cases == {
        "missed-bins",
        "planning-question",
        "noisy-neighbour",
        "rude-officer",
        "christmas-bins",
        "park-comment",
    }


def test_every_acknowledgement_went_out_on_time_and_once(month):
    _, result, _ = month
    acknowledgements = [d for d in result.done if d.kind is Action.ACKNOWLEDGE]
    acknowledged = {d.reference for d in acknowledgements}
    # Every case but none of the triaged mail: no acknowledgement to a robot, no mail loop.
    assert acknowledged == set(result.references.values())
    assert len(acknowledgements) == len(acknowledged)
    assert all(d.on_time for d in acknowledgements)


def test_the_christmas_eve_email_is_acknowledged_that_evening(month):
    _, result, _ = month
    (ack,) = done_for(result, "christmas-bins", Action.ACKNOWLEDGE)
    assert london(12, 24, 18, 30) <= ack.at <= london(12, 24, 19, 30)


def test_the_unanswered_enquiry_gets_its_holding_update_and_escalation_on_the_right_days(month):
    _, result, _ = month
    # Received Tuesday 15 December: five working days end on Tuesday 22 December.
    (warning,) = done_for(result, "planning-question", Action.WARN_OWNER)
    assert warning.at == london(12, 21, 9, 0)
    (holding,) = done_for(result, "planning-question", Action.SEND_HOLDING_UPDATE)
    assert holding.at == london(12, 22, 14, 0)
    (escalation,) = done_for(result, "planning-question", Action.ESCALATE_TO_HEAD_OF_SERVICE)
    assert escalation.at == london(12, 23, 9, 0)


def test_the_unanswered_complaint_across_christmas(month):
    _, result, _ = month
    # Received Monday 14 December at 16:55; ten working days, skipping Christmas Day and Boxing
    # Day (observed), end on Wednesday 30 December; twenty, skipping New Year's Day too, end on
    # Thursday 14 January.
    warnings = done_for(result, "rude-officer", Action.WARN_OWNER)
    assert [w.at for w in warnings] == [london(12, 24, 9, 0), london(12, 29, 9, 0)]
    updates = done_for(result, "rude-officer", Action.SEND_PROGRESS_UPDATE)
    assert [u.at for u in updates] == [london(12, 30, 14, 0), london(1, 14, 14, 0)]
    (escalation,) = done_for(result, "rude-officer", Action.ESCALATE_TO_HEAD_OF_SERVICE)
    assert escalation.at == london(12, 31, 9, 0)
    (referral,) = done_for(result, "rude-officer", Action.REFER_TO_CHIEF_EXECUTIVE)
    assert referral.at == london(1, 15, 9, 0)


def test_the_extended_complaint_is_answered_in_time_and_never_referred(month):
    services, result, _ = month
    assert done_for(result, "housing-repair", Action.REFER_TO_CHIEF_EXECUTIVE) == []
    assert done_for(result, "housing-repair", Action.ESCALATE_TO_HEAD_OF_SERVICE) == []
    tallies = {t.promise: t for t in tally_promises(services, END)}
    assert tallies["respond_to_complaint"].late == 0


def test_no_message_went_out_twice(month):
    _, result, mail = month
    keys = [(d.reference, d.key) for d in result.done]
    assert len(keys) == len(set(keys))
    message_ids = [message_from_bytes(m.raw, policy=policy.default)["Message-ID"] for m in mail]
    assert len(message_ids) == len(set(message_ids))


def test_the_acknowledgement_mail_is_what_the_customer_needs(month):
    _, result, mail = month
    reference = result.references["missed-bins"]
    (ack,) = [
        m
        for m in mail
        if reference in m.subject and "margaret.hill@example.org" in " ".join(m.recipients)
    ]
    body = message_from_bytes(ack.raw, policy=policy.default).get_body(("plain",)).get_content()
    assert reference in body
    assert "Wednesday 30 December 2026" in body  # the date the reply is due
