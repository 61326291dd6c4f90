"""What SES says became of a sent letter, recorded on its case; a hard bounce alerts the owner."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from sla_monitor.checker.delivery_events import (
    DeliveryEventRecorder,
    EventOutcome,
    events_from_sns,
)
from sla_monitor.checker.mailer import TransientSendError

from .conftest import SENDER, london, text_of

HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"
MONDAY = london(2026, 3, 2, 10, 0)


def sns_event(ses_message_id: str, *, kind="Bounce", bounce_type="Permanent", feedback="fb-1"):
    body = {
        "eventType": kind,
        "mail": {"messageId": ses_message_id, "timestamp": "2026-03-02T10:00:01.000Z"},
    }
    if kind == "Bounce":
        body["bounce"] = {
            "bounceType": bounce_type,
            "bounceSubType": "General",
            "feedbackId": feedback,
            "timestamp": "2026-03-02T10:00:05.000Z",
            "bouncedRecipients": [{"emailAddress": "resident@example.org"}],
        }
    elif kind == "Complaint":
        body["complaint"] = {
            "feedbackId": feedback,
            "complaintFeedbackType": "abuse",
            "timestamp": "2026-03-02T11:00:00.000Z",
        }
    return {"Records": [{"Sns": {"MessageId": "sns-1", "Message": json.dumps(body)}}]}


@pytest.fixture
def recorder(town):
    return DeliveryEventRecorder(
        store=town.store,
        policy=town.policy,
        calendar=town.calendar,
        directory=town.directory,
        mailer=town.mailer,
        council=town.council,
        sender=SENDER,
    )


def acknowledged_case(town):
    case = town.receive(MONDAY)
    town.sweep(MONDAY)
    return case, town.case(case.reference).sent[0].message_id


def test_an_sns_record_is_read_into_an_ses_event():
    [event] = events_from_sns(sns_event("0102-abc"), now=MONDAY)
    assert (event.kind, event.ses_message_id, event.bounce_type) == (
        "Bounce",
        "0102-abc",
        "Permanent",
    )
    assert event.event_id == "fb-1"
    assert event.occurred_at == london(2026, 3, 2, 10, 0, 5)
    assert event.customer_unreachable


def test_a_hard_bounce_of_the_acknowledgement_alerts_the_owner_once(town, recorder):
    case, ses_id = acknowledged_case(town)
    [event] = events_from_sns(sns_event(ses_id), now=MONDAY)

    first = recorder.record(event, now=MONDAY + timedelta(minutes=1))
    again = recorder.record(event, now=MONDAY + timedelta(minutes=2))

    assert (first, again) == (EventOutcome.OWNER_ALERTED, EventOutcome.REPEAT)
    [alert] = town.mail_to(HEAD_OF_HOUSING)
    assert alert["Subject"] == f"{case.reference}: our acknowledgement to the customer bounced"
    assert "Please contact the customer another way" in text_of(alert)
    kinds = [e.kind for e in town.store.timeline(case.reference)]
    assert kinds.count("delivery_event") == 1 and kinds.count("message_sent") == 2
    bounce = next(e for e in town.store.timeline(case.reference) if e.kind == "delivery_event")
    assert bounce.summary == "acknowledgement to the customer bounced for good (General)"


def test_a_soft_bounce_or_a_complaint_is_recorded_without_an_alert(town, recorder):
    case, ses_id = acknowledged_case(town)
    for record in (
        sns_event(ses_id, bounce_type="Transient", feedback="fb-2"),
        sns_event(ses_id, kind="Complaint", feedback="fb-3"),
    ):
        [event] = events_from_sns(record, now=MONDAY)
        assert recorder.record(event, now=MONDAY) is EventOutcome.RECORDED
    assert town.mail_to(HEAD_OF_HOUSING) == []
    summaries = [
        e.summary for e in town.store.timeline(case.reference) if e.kind == "delivery_event"
    ]
    assert summaries == [
        "acknowledgement to the customer bounced for now (General)",
        "the customer marked the acknowledgement as spam",
    ]


def test_an_event_about_mail_that_is_not_a_case_letter_is_ignored(town, recorder):
    [event] = events_from_sns(sns_event("unknown-id"), now=MONDAY)
    assert recorder.record(event, now=MONDAY) is EventOutcome.NOT_A_CASE_MESSAGE


def test_a_failed_alert_lets_the_event_come_back_and_alert_then(town, recorder):
    _, ses_id = acknowledged_case(town)
    [event] = events_from_sns(sns_event(ses_id), now=MONDAY)
    town.mailer.fail_next(TransientSendError("Throttling"))

    with pytest.raises(TransientSendError):
        recorder.record(event, now=MONDAY)
    assert recorder.record(event, now=MONDAY + timedelta(minutes=1)) is EventOutcome.OWNER_ALERTED
    assert len(town.mail_to(HEAD_OF_HOUSING)) == 1


def test_the_case_stays_due_for_what_it_still_owes(town, recorder):
    case, ses_id = acknowledged_case(town)
    before = town.store.due_at(case.reference)
    [event] = events_from_sns(sns_event(ses_id), now=MONDAY)
    recorder.record(event, now=MONDAY + timedelta(minutes=1))
    assert town.store.due_at(case.reference) == before
