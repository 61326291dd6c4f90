"""The deadline checker and delivery events Lambda handlers, in-process against embedded AWS."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from functions.deadline_checker import app as deadline_checker
from functions.delivery_events import app as delivery_events

from .checker_support import RESIDENT, mail_to, receive, ses_sent
from .lambda_context import lambda_context

HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"
CHECKER = lambda_context("DeadlineCheckerFunction", remaining_millis=240_000)


@pytest.fixture(autouse=True)
def fresh_metrics():
    yield
    for module in (deadline_checker, delivery_events):
        module.metrics.clear_metrics()


def emitted_metrics(output: str) -> dict[str, float]:
    """The metric values in the Embedded Metric Format lines Powertools printed."""
    values: dict[str, float] = {}
    for line in output.splitlines():
        if '"_aws"' not in line:
            continue
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                value = document[metric["Name"]]
                values[metric["Name"]] = sum(value) if isinstance(value, list) else value
    return values


def test_the_scheduled_sweep_acknowledges_and_publishes_metrics(embedded, capsys):
    # The handler reads the clock: the case arrived a minute ago.
    case = receive(embedded, datetime.now(UTC) - timedelta(minutes=1))

    result = deadline_checker.handler({}, CHECKER)

    assert result["cases_read"] == 1 and result["actions_done"] >= 1 and result["complete"]
    [acknowledgement] = mail_to(RESIDENT)
    assert acknowledgement.subject == f"{case.reference}: we have received your enquiry"
    output = capsys.readouterr().out
    metrics = emitted_metrics(output)
    assert metrics["AcknowledgementsSentOnTime"] == 1
    assert metrics["CasesRead"] == 1
    assert "SweepDuration" in metrics
    # Logs say what happened to which reference, never who the customer is.
    assert "Ann Example" not in output and RESIDENT not in output
    assert "Damp in the bathroom" not in output


def test_a_sweep_with_nothing_due_reads_only_the_index(embedded, capsys):
    result = deadline_checker.handler({}, CHECKER)
    assert result["cases_read"] == 0 and result["actions_done"] == 0
    assert embedded.store.items_read == 0


def sns_bounce(ses_message_id: str) -> dict:
    message = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "NoEmail",
            "feedbackId": "0102017f-bounce-1",
            "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "bouncedRecipients": [{"emailAddress": RESIDENT, "status": "5.1.1"}],
        },
        "mail": {"messageId": ses_message_id, "destination": [RESIDENT]},
    }
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "Sns": {"MessageId": "sns-1", "Message": json.dumps(message)},
            }
        ]
    }


def test_a_bounced_acknowledgement_alerts_the_owner_once_however_often_sns_delivers_it(
    embedded, capsys
):
    case = receive(embedded, datetime.now(UTC) - timedelta(minutes=1))
    deadline_checker.handler({}, CHECKER)
    [acknowledgement] = mail_to(RESIDENT)
    owner_mail_before = len(mail_to(HEAD_OF_HOUSING))

    first = delivery_events.handler(
        sns_bounce(acknowledgement.ses_message_id),
        CHECKER,
    )
    again = delivery_events.handler(
        sns_bounce(acknowledgement.ses_message_id),
        CHECKER,
    )

    assert first["outcomes"] == [{"event": "Bounce", "outcome": "owner_alerted"}]
    assert again["outcomes"] == [{"event": "Bounce", "outcome": "repeat"}]
    alerts = mail_to(HEAD_OF_HOUSING)[owner_mail_before:]
    assert [a.subject for a in alerts] == [
        f"{case.reference}: our acknowledgement to the customer bounced"
    ]
    timeline = embedded.store.timeline(case.reference)
    [bounce] = [e for e in timeline if e.kind == "delivery_event"]
    assert bounce.details["ses_message_id"] == acknowledgement.ses_message_id
    assert len(ses_sent()) == 1 + owner_mail_before + 1
